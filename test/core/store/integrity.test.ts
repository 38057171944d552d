/**
 * A damaged database file (issue 11): truncated, random bytes over the header, random bytes over pages in
 * the middle. Every command says so in one line naming the file and what to do, and exits 2; `npm start`
 * too. And `sanctions backup` makes a sound copy while another connection writes.
 */
import { copyFileSync, openSync, closeSync, statSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run, type CliIO } from '../../../src/cli';
import { SubscriptionStore } from '../../../src/core/alerts/subscriptions';
import { refreshSources } from '../../../src/core/refresh';
import { loadSourcesFile } from '../../../src/core/sources/config';
import { openDb } from '../../../src/core/store/db';
import { runCli, timelineConfigs } from '../../helpers/cli-process';
import { startBot } from '../../helpers/start-bot';
import { tempDir } from '../../helpers/tmp';

const dir = tempDir();
const configs = timelineConfigs(dir);
const base = join(dir, 'base.db');

async function cli(args: string[]) {
  let out = '';
  let err = '';
  const io: CliIO = { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`), env: {} };
  const code = await run(args, io);
  return { code, out, err };
}

/** Random (but fixed) bytes, so that a failure can be reproduced. */
function noise(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  let x = 0x2545f491;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

function damaged(name: string, damage: (path: string, size: number) => void): string {
  const path = join(dir, `${name}.db`);
  copyFileSync(base, path);
  damage(path, statSync(path).size);
  return path;
}

function overwrite(path: string, at: number, bytes: Buffer): void {
  const fd = openSync(path, 'r+');
  writeSync(fd, bytes, 0, bytes.length, at);
  closeSync(fd);
}

beforeAll(async () => {
  const db = openDb(base);
  await refreshSources(db, loadSourcesFile(configs.cnT0));
  // No free pages: the damage in the middle must hit pages in use (a free page's bytes mean nothing).
  db.exec('VACUUM');
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
});

const CORRUPTIONS: Array<[string, (path: string, size: number) => void]> = [
  ['truncated', (path, size) => truncateSync(path, Math.floor(size / 2))],
  ['random bytes over the header', (path) => overwrite(path, 0, noise(100))],
  // Which tables sit in the middle of the file changes with the schema: damage the middle half, so that every
  // command reads some of it whatever the layout (a command that reads no damaged page answers rightly).
  ['random bytes over pages in the middle', (path, size) => overwrite(path, Math.floor(size / 4096 / 4) * 4096, noise(Math.floor(size / 4096 / 2) * 4096))],
];

describe('a damaged database file', () => {
  it.each(CORRUPTIONS)('%s: status, lists and lookup say so in one line and exit 2', async (name, damage) => {
    const path = damaged(name.replace(/\W+/g, '-'), damage);
    for (const command of [['status'], ['lists', '--json'], ['lookup', 'Hikvision']]) {
      const { code, out, err } = await cli([...command, '--db', path]);
      expect({ command: command[0], code, out }).toEqual({ command: command[0], code: 2, out: '' });
      expect(err.trimEnd().split('\n')).toEqual([expect.stringMatching(/^sanctions: the database .*\.db is damaged \(.+\): stop the bot and restore the last backup .*sanctions backup FILE.*or move it away and run "sanctions refresh"/)]);
      expect(err).toContain(path);
    }
  });

  it('npm start on it prints the same line and exits non-zero', async () => {
    const path = damaged('start', (p) => overwrite(p, 0, noise(100)));
    const { done } = startBot({ SANCTIONS_DB: path, SANCTIONS_SOURCES: configs.cnT0 }, { stdin: 'ignore' });
    const { code, err } = await done;
    expect(code).toBe(2);
    expect(err.trimEnd().split('\n')).toEqual([expect.stringMatching(/^the database .*start\.db is damaged \(file is not a database\): stop the bot and restore/)]);
  }, 30_000);
});

describe('sanctions backup', () => {
  it('copies the database while another connection writes: the copy opens, passes the check, has the subscriptions', async () => {
    const path = join(dir, 'live.db');
    copyFileSync(base, path);
    const writer = openDb(path);
    new SubscriptionStore(writer).subscribe({ platform: 'slack', channel: 'C1', targets: ['side:cn'], kinds: ['added'], countries: [], health: false });
    const insert = writer.prepare("INSERT INTO audit (at, platform, query, results, dataset_version) VALUES (?, 'cli', 'x', '[]', 1)");
    let writes = 0;
    const timer = setInterval(() => {
      insert.run(new Date().toISOString());
      writes++;
    }, 2);
    const target = join(dir, 'copy.db');
    // The backup in a process of its own, as it would run beside the bot.
    const result = await runCli(['backup', target, '--db', path]);
    clearInterval(timer);
    writer.close();
    expect(writes).toBeGreaterThan(50);
    expect(result.code, result.err).toBe(0);
    expect(result.out).toMatch(/^Backed up .*live\.db to .*copy\.db \(\d+ pages, checked\)\. To restore: stop the bot, then copy/);
    const copy = openDb(target, { readonly: true, check: true });
    expect(copy.pragma('quick_check', { simple: true })).toBe('ok');
    expect(new SubscriptionStore(copy).all().map((s) => [s.platform, s.channel])).toEqual([['slack', 'C1']]);
    expect(copy.prepare('SELECT COUNT(*) AS n FROM records').get()).toEqual({ n: 543 });
    copy.close();
    // A second backup to the same file is refused unless --force.
    expect((await cli(['backup', target, '--db', path])).code).toBe(2);
    expect((await cli(['backup', target, '--db', path, '--force'])).code).toBe(0);
  });
});
