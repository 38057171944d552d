/**
 * `.env` at start: the variables of the file named by ENV_FILE (default `.env` in the current folder) that
 * the environment does not already set. The environment always wins, so a deployment can override one
 * value without editing the file. A missing file is fine; an unreadable or malformed one is an error that
 * names it.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';

export interface DotEnvResult {
  /** The file read, if any. */
  path?: string;
  /** Names set from the file (not those the environment already had). */
  applied: string[];
}

export function loadDotEnv(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): DotEnvResult {
  const path = resolve(cwd, env.ENV_FILE ?? '.env');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && env.ENV_FILE === undefined) return { applied: [] };
    throw new Error(`cannot read ${path} (ENV_FILE): ${code ?? (err as Error).message}`, { cause: err });
  }
  const applied: string[] = [];
  for (const [name, value] of Object.entries(parseEnv(text))) {
    if (env[name] !== undefined) continue;
    env[name] = value;
    applied.push(name);
  }
  return { path, applied };
}
