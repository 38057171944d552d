/**
 * One refresh at a time per database (issue 11): concurrent `sanctions refresh` processes on one database
 * write each change event once, and a refresh whose diff went stale (another refresh applied in between,
 * e.g. after its lease expired) diffs again instead of writing the same events a second time.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { refreshSource, refreshSources } from '../../../src/core/refresh';
import { loadSourcesFile } from '../../../src/core/sources/config';
import { openStore } from '../../../src/core/reindex';
import { openDb, type Db } from '../../../src/core/store/db';
import { runCli, timelineConfigs } from '../../helpers/cli-process';
import { tempDir } from '../../helpers/tmp';

const dir = tempDir();
const configs = timelineConfigs(dir);
const cnBase = join(dir, 'cn-t0.db');
const fullBase = join(dir, 't0.db');

function eventCounts(db: Db): Record<string, number> {
  const rows = db.prepare<[], { key: string; n: number }>("SELECT list || ' ' || kind AS key, COUNT(*) AS n FROM events GROUP BY 1 ORDER BY 1").all();
  return Object.fromEntries(rows.map((r) => [r.key, r.n]));
}

function countsOf(path: string): { events: Record<string, number>; distinct: number; total: number; running: number } {
  const db = openDb(path, { readonly: true });
  try {
    const events = eventCounts(db);
    const { uniq: distinct, total } = db.prepare<[], { uniq: number; total: number }>('SELECT COUNT(DISTINCT kind || list || record_key) AS uniq, COUNT(*) AS total FROM events').get()!;
    const running = db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM refreshes WHERE outcome = 'running'").get()!.n;
    return { events, distinct, total, running };
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  for (const [path, config] of [[cnBase, configs.cnT0], [fullBase, configs.t0]] as const) {
    const db = openDb(path);
    await refreshSources(db, loadSourcesFile(config));
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
  }
}, 60_000);

describe('a refresh whose diff went stale before it could apply', () => {
  it('diffs again against what another refresh applied, and writes no event twice', async () => {
    const path = join(dir, 'stale-diff.db');
    copyFileSync(cnBase, path);
    const mine = openStore(path);
    const theirs = openStore(path);
    const source = loadSourcesFile(configs.cnT1)[0]!;
    let diffs = 0;
    const result = await refreshSource(mine, source, {
      // Between this refresh's diff and its write, another one (its lease taken over) applies the same snapshot.
      beforeApply: async () => {
        if (diffs++) return;
        theirs.prepare('DELETE FROM leases').run();
        const other = await refreshSource(theirs, source, { waitMs: 0 });
        expect([other.outcome, other.added]).toEqual(['applied', 14]);
      },
    });
    expect([result.outcome, result.added, diffs]).toEqual(['unchanged', 0, 2]);
    expect(eventCounts(mine)).toEqual({ 'CN-MOFCOM-ECL added': 14 });
    mine.close();
    theirs.close();
  });
});

describe('concurrent sanctions refresh processes on one database', () => {
  it('t0 -> t1 by two processes at once, ten times over: the events of one refresh every time', async () => {
    const rounds = Array.from({ length: 10 }, (_, i) => join(dir, `round-${i}.db`));
    for (const path of rounds) copyFileSync(cnBase, path);
    const runs = await Promise.all(rounds.flatMap((db) => [runCli(['refresh', '--db', db, '--sources', configs.cnT1]), runCli(['refresh', '--db', db, '--sources', configs.cnT1])]));
    for (const r of runs) expect(r.code, r.err).toBe(0);
    for (const path of rounds) expect(countsOf(path)).toEqual({ events: { 'CN-MOFCOM-ECL added': 14 }, distinct: 14, total: 14, running: 0 });
  }, 60_000);

  it('the OFAC SDN action of 2024-05-01: 298 added once, not 596; the second waits, then finds nothing new', async () => {
    const path = join(dir, 'full.db');
    copyFileSync(fullBase, path);
    const runs = await Promise.all([runCli(['refresh', '--db', path, '--sources', configs.t1]), runCli(['refresh', '--db', path, '--sources', configs.t1])]);
    for (const r of runs) expect(r.code, r.err).toBe(0);
    expect(countsOf(path)).toEqual({ events: { 'CN-MOFCOM-ECL added': 14, 'US-OFAC-SDN added': 298 }, distinct: 312, total: 312, running: 0 });
    const summaries = runs.map((r) => r.out.trim().split('\n').at(-1));
    // One applied the action, the other found nothing new (in either order: their timings decide how they sort).
    expect(summaries).toHaveLength(2);
    expect(summaries).toEqual(expect.arrayContaining([expect.stringMatching(/: 0 added/), expect.stringMatching(/: 312 added/)]));
    expect(runs.map((r) => r.err).join('')).toMatch(/another refresh of .* is running \(held by [^:]+:\d+ since \d{4}-/);
  }, 60_000);

  it('--wait 0: says the refresh is already running, by whom, and exits 0 without touching the data', async () => {
    const path = join(dir, 'nowait.db');
    copyFileSync(cnBase, path);
    const db = openStore(path);
    db.prepare("INSERT INTO leases (name, holder, acquired_at, heartbeat_at, expires_at) VALUES ('refresh', 'elsewhere:4242:abcd', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', ?)").run(Date.now() + 60_000);
    db.close();
    const run = await runCli(['refresh', '--db', path, '--sources', configs.cnT1, '--wait', '0']);
    expect(run.code).toBe(0);
    expect(run.err).toMatch(/refresh of .*nowait\.db already running \(held by elsewhere:4242 since 2026-01-01T00:00:00\.000Z\); not started/);
    expect(countsOf(path).total).toBe(0);
  }, 30_000);
});
