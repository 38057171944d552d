/**
 * Standard output closed by its reader (`sanctions lists --json | head -1`): the command ends quietly, exit 0,
 * no EPIPE stack trace; a refresh still finishes its data work (events written, parties rebuilt).
 */
import { spawn } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { refreshSources } from '../src/core/refresh';
import { loadSourcesFile } from '../src/core/sources/config';
import { openDb } from '../src/core/store/db';
import { timelineConfigs } from './helpers/cli-process';
import { REPO_ROOT } from './helpers/shared';
import { tempDir } from './helpers/tmp';

const dir = tempDir();
const configs = timelineConfigs(dir);
const base = join(dir, 'base.db');

/** Run the command with a reader that has closed its end of the pipe before anything is written. */
function withClosedStdout(args: string[]): Promise<{ code: number | null; err: string }> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/sanctions.js'), ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy();
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, err })));
}

beforeAll(async () => {
  const db = openDb(base);
  await refreshSources(db, loadSourcesFile(configs.cnT0));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
});

describe.concurrent('output closed early', () => {
  it.each([[['lists', '--json']], [['status', '--json']]])('%j: exit 0, nothing on stderr', async (command) => {
    const { code, err } = await withClosedStdout([...command, '--db', base]);
    expect({ code, err }).toEqual({ code: 0, err: '' });
  }, 30_000);

  it('refresh: exit 0, nothing on stderr, and the refresh done to the end', async () => {
    const path = join(dir, 'refresh.db');
    copyFileSync(base, path);
    const { code, err } = await withClosedStdout(['refresh', '--db', path, '--sources', configs.cnT1]);
    expect({ code, err }).toEqual({ code: 0, err: '' });
    // Read without the start-up recovery: the refresh itself must have finished.
    const db = openDb(path, { readonly: true });
    const n = (sql: string) => db.prepare<[], { n: number }>(sql).get()!.n;
    expect({
      events: n('SELECT COUNT(*) AS n FROM events'),
      partyless: n('SELECT COUNT(*) AS n FROM records WHERE party_id IS NULL'),
      running: n("SELECT COUNT(*) AS n FROM refreshes WHERE outcome = 'running'"),
      dirty: n("SELECT COUNT(*) AS n FROM meta WHERE key = 'parties_dirty'"),
    }).toEqual({ events: 14, partyless: 0, running: 0, dirty: 0 });
    db.close();
  }, 30_000);
});
