/**
 * Test hook: SANCTIONS_TEST_KILL_AT=<phase> makes the process kill itself (SIGKILL, no clean-up) when a
 * refresh reaches that phase, so that tests can check what start-up recovery makes of what is left.
 * Phases: before-apply, during-apply, after-apply, during-parties. Never set it outside tests.
 */
export type KillPhase = 'before-apply' | 'during-apply' | 'after-apply' | 'during-parties';

export function killPoint(phase: KillPhase): void {
  if (process.env.SANCTIONS_TEST_KILL_AT === phase) process.kill(process.pid, 'SIGKILL');
}
