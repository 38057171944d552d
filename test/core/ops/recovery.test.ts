/**
 * Start-up recovery (issue 11): a refresh killed (SIGKILL) at any phase leaves a database that the next
 * open makes consistent (no refresh left `running`, no record without a party), and the next refresh
 * writes exactly the events an uninterrupted one would have. The kill comes from the documented test hook
 * SANCTIONS_TEST_KILL_AT (src/core/ops/test-hooks.ts) in a real `sanctions refresh` process.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { KillPhase } from '../../../src/core/ops/test-hooks';
import { refreshSources } from '../../../src/core/refresh';
import { openStore } from '../../../src/core/reindex';
import { loadSourcesFile } from '../../../src/core/sources/config';
import { openDb, type Db } from '../../../src/core/store/db';
import { getMeta } from '../../../src/core/store/meta';
import { runCli, timelineConfigs } from '../../helpers/cli-process';
import { tempDir } from '../../helpers/tmp';

const dir = tempDir();
const configs = timelineConfigs(dir);
const base = join(dir, 'cn-t0.db');

function state(db: Db) {
  const n = (sql: string) => db.prepare<[], { n: number }>(sql).get()!.n;
  return {
    running: n("SELECT COUNT(*) AS n FROM refreshes WHERE outcome = 'running'"),
    partyless: n('SELECT COUNT(*) AS n FROM records WHERE party_id IS NULL'),
    dirty: getMeta(db, 'parties_dirty') !== undefined,
    events: db.prepare<[], { kind: string; list: string; record_key: string }>('SELECT kind, list, record_key FROM events ORDER BY list, kind, record_key').all(),
  };
}

let uninterrupted: ReturnType<typeof state>['events'];

beforeAll(async () => {
  const db = openDb(base);
  await refreshSources(db, loadSourcesFile(configs.cnT0));
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const path = join(dir, 'uninterrupted.db');
  copyFileSync(base, path);
  const clean = openStore(path);
  await refreshSources(clean, loadSourcesFile(configs.cnT1));
  uninterrupted = state(clean).events;
  clean.close();
  expect(uninterrupted).toHaveLength(14);
}, 60_000);

const PHASES: Array<[KillPhase, { running: number; partyless: boolean }]> = [
  ['before-apply', { running: 1, partyless: false }],
  ['during-apply', { running: 1, partyless: false }],
  ['after-apply', { running: 0, partyless: true }],
  ['during-parties', { running: 0, partyless: true }],
];

describe.concurrent('a refresh killed mid-way, then a restart', () => {
  it.each(PHASES)('killed %s: the next open recovers, the next refresh writes the events of an uninterrupted one', async (phase, left) => {
    const path = join(dir, `killed-${phase}.db`);
    copyFileSync(base, path);
    const killed = await runCli(['refresh', '--db', path, '--sources', configs.cnT1], { SANCTIONS_TEST_KILL_AT: phase });
    expect(killed.signal).toBe('SIGKILL');

    // What the dead process left, seen without recovery: the broken state this phase produces.
    const raw = openDb(path);
    const before = state(raw);
    raw.close();
    expect({ running: before.running, partyless: before.partyless > 0 }).toEqual(left);

    // The restart: opening the store recovers.
    const db = openStore(path);
    const after = state(db);
    expect({ running: after.running, partyless: after.partyless, dirty: after.dirty }).toEqual({ running: 0, partyless: 0, dirty: false });
    if (left.running) {
      expect(db.prepare("SELECT outcome, message FROM refreshes WHERE message LIKE 'interrupted%'").all()).toEqual([
        { outcome: 'failed', message: expect.stringMatching(/^interrupted: /) },
      ]);
    }
    const again = await refreshSources(db, loadSourcesFile(configs.cnT1), { waitMs: 0 });
    expect(again.map((r) => r.outcome)).toEqual([left.partyless ? 'not-modified' : 'applied']);
    expect(state(db)).toEqual({ running: 0, partyless: 0, dirty: false, events: uninterrupted });
    db.close();
  }, 30_000);
});
