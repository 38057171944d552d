/** The shared store suite on SQLite (the default engine): two connections to one file stand for two processes. */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Leadership } from '../../../src/core/ops/leader';
import { DERIVATIONS, openStore } from '../../../src/core/reindex';
import { SharedLeadership } from '../../../src/core/shared/leadership';
import { SqliteSharedStore } from '../../../src/core/shared/sqlite';
import type { SharedStore } from '../../../src/core/shared/types';
import { MIGRATIONS } from '../../../src/core/store/migrations';
import { tempDir } from '../../helpers/tmp';
import { sharedStoreSuite } from './shared-store.suite';

const dir = tempDir('sanctions-shared-sqlite-');
let n = 0;
const opened: SharedStore[] = [];
const fresh = () => join(dir, `store-${++n}.db`);

sharedStoreSuite({
  name: 'sqlite',
  latestVersion: MIGRATIONS.at(-1)!.version,
  async open() {
    const path = fresh();
    const first = openStore(path);
    const second = openStore(path);
    first.exec("INSERT INTO sources (id, format, location) VALUES ('us-ofac-sdn', 'ofac-csv', 'sdn.csv')");
    const refreshId = first.prepare<[], { id: number }>("INSERT INTO refreshes (source_id, started_at, outcome) VALUES ('us-ofac-sdn', '2026-03-01T00:00:00Z', 'applied') RETURNING id").get()!.id;
    const recordId = first
      .prepare<[], { id: number }>("INSERT INTO records (source_id, key, name, type, payload, hash, first_seen, last_seen) VALUES ('us-ofac-sdn', 'k1', 'ACME LTD', 'entity', '{}', 'h', '2026-03-01', '2026-03-01') RETURNING id")
      .get()!.id;
    const a = new SqliteSharedStore(first, { path, derive: DERIVATIONS, closeDb: true });
    const b = new SqliteSharedStore(second, { path, derive: DERIVATIONS, closeDb: true });
    opened.push(a, b);
    return { a, b, refs: { refreshId, recordId } };
  },
  async openUnmigrated() {
    const path = fresh();
    const raw = () => {
      const db = new Database(path);
      db.pragma('busy_timeout = 5000');
      db.pragma('journal_mode = WAL');
      return new SqliteSharedStore(db, { path, derive: DERIVATIONS, closeDb: true });
    };
    const stores: [SharedStore, SharedStore] = [raw(), raw()];
    opened.push(...stores);
    return stores;
  },
  async freshCliTarget() {
    return { args: ['--db', fresh()], env: { DATABASE_URL: '' } };
  },
  async cleanup() {
    for (const s of opened) await s.close();
  },
});

describe('the async leadership beside the existing sync one (SQLite callers keep src/core/ops/leader.ts)', () => {
  it('both use the same leader lease row: while one leads the other does not, and it takes over when the first stops', async () => {
    const path = fresh();
    const db = openStore(path);
    const shared = new SqliteSharedStore(openStore(path), { path, closeDb: true });
    opened.push(shared);
    const log: string[] = [];
    const sync = new Leadership(db, { onGain: () => log.push('sync gains'), onLose: () => void log.push('sync loses'), beatMs: 3_600_000 });
    sync.start();
    const async = new SharedLeadership(shared.leases, { onGain: () => log.push('async gains'), onLose: () => {}, beatMs: 3_600_000 });
    await async.start();
    expect([sync.isLeader, async.isLeader]).toEqual([true, false]);
    await sync.stop();
    await async.beat();
    expect(async.isLeader).toBe(true);
    expect(log).toEqual(['sync gains', 'sync loses', 'async gains']);
    await async.stop();
    db.close();
  });
});
