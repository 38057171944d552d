/** Run the real `npm start` entry (bin/main.js) in a child process, with what it prints collected. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './shared';

export interface StartedBot {
  child: ChildProcess;
  /** What it has printed so far. */
  out: () => string;
  err: () => string;
  /** Resolves when it exits, with its exit code and everything it printed. */
  done: Promise<{ code: number | null; out: string; err: string }>;
}

/** Defaults keep tests quiet and quick: no colours, no scheduled refresh, alerts looked for every 200 ms. */
export function startBot(env: NodeJS.ProcessEnv, options: { stdin?: 'pipe' | 'ignore'; onOutput?: (out: string) => void } = {}): StartedBot {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/main.js')], {
    cwd: REPO_ROOT,
    env: { ...process.env, NO_COLOR: '1', REFRESH_CRON: '0 0 1 1 *', ALERT_POLL_MS: '200', LOG_LEVEL: 'silent', ...env },
    stdio: [options.stdin ?? 'pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => {
    out += d;
    options.onOutput?.(out);
  });
  child.stderr!.on('data', (d) => (err += d));
  const done = new Promise<{ code: number | null; out: string; err: string }>((resolve) => child.on('close', (code) => resolve({ code, out, err })));
  return { child, out: () => out, err: () => err, done };
}
