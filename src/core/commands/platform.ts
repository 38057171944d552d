/**
 * What the core needs to know of the platform it answers on, to write help, hints and refusals in that
 * platform's own words: how a command of the shared grammar is typed there, and who may change a channel's
 * alerts. Each adapter passes its description in the command context; the core never imports a platform.
 */
export interface PlatformDescription {
  /** Human name: "Slack", "Discord", "the console". */
  name: string;
  /**
   * What someone types here to run a line of the grammar (src/core/commands/parse.ts), e.g. "recent page:3" ->
   * "/sanctions recent page:3" on Slack, "/sanctions recent page:3" on Discord, "subscribe cn" ->
   * "/sanctions-alerts subscribe target:cn" on Discord. Plain text: the renderers format and escape it.
   */
  syntax(line: string): string;
  /** Who may change a channel's alerts here, completing "Only ... can change this channel's alerts". */
  managers: string;
  /** Where a person may always manage alerts themselves (their DM with the bot), or undefined. */
  ownPlace?: string;
}

/** The console, and any context that does not say: the grammar as typed. */
export const PLAIN_PLATFORM: PlatformDescription = {
  name: 'the console',
  syntax: (line) => line,
  managers: 'admins (or allow-listed users)',
};
