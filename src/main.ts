/**
 * Start: validate the configuration, open the store, and serve. Until the chat adapters land, this runs a
 * plain terminal loop over the same commands as the `sanctions` CLI (lookup, lists, status, events).
 */
import { createInterface } from 'node:readline';
import { run } from './cli';
import { ConfigError, loadConfig } from './core/config';

export async function main(): Promise<number> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const env = { ...process.env, SANCTIONS_DB: config.SANCTIONS_DB, SANCTIONS_SOURCES: config.SANCTIONS_SOURCES };
  const interactive = process.stdin.isTTY;
  if (interactive) process.stdout.write(`sanctions console on ${config.SANCTIONS_DB}: type "lookup <name>", "lists", "status", "events" or "quit".\n> `);
  const lines = createInterface({ input: process.stdin, terminal: false });
  for await (const raw of lines) {
    const line = raw.trim();
    if (!line) continue;
    if (/^(quit|exit)$/i.test(line)) break;
    const [command, ...rest] = line.split(/\s+/);
    const args = command === 'lookup' ? ['lookup', rest.join(' ')] : [command!, ...rest];
    await run(args, { out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`), err: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`), env });
    if (interactive) process.stdout.write('> ');
  }
  return 0;
}
