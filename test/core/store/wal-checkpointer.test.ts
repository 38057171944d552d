/**
 * The WAL checkpointer (wal-checkpointer.ts): a thread of its own copies the log back into the database file, so
 * that the bot's commits need not; the connections it serves checkpoint themselves only past a large log.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../../src/core/store/db';
import { CHECKPOINT_FALLBACK_PAGES, WalCheckpointer } from '../../../src/core/store/wal-checkpointer';
import { tempDir } from '../../helpers/tmp';

const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 300; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
};

describe('WAL checkpoints in a thread', () => {
  it('copies what the connection wrote back into the file, which the connection itself no longer does', async () => {
    const path = join(tempDir('wal-'), 'w.db');
    const db = openDb(path);
    const seen: Array<[number, number]> = [];
    const checkpointer = new WalCheckpointer(path, { everyMs: 50, onCheckpoint: (log, done) => seen.push([log, done]) }).start([db]);
    try {
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(CHECKPOINT_FALLBACK_PAGES);
      db.exec('CREATE TABLE t (x TEXT)');
      const before = statSync(path).size;
      // ~6 MB of rows: 1,500 pages of log, past SQLite's own 1,000-page checkpoint, short of the fallback.
      const insert = db.prepare('INSERT INTO t (x) VALUES (?)');
      for (let batch = 0; batch < 6; batch++) db.transaction(() => { for (let i = 0; i < 1000; i++) insert.run('x'.repeat(1000)); })();
      await until(() => statSync(path).size > before + 5_000_000, 'the file to hold the rows');
      await until(() => seen.some(([log, done]) => log > 1000 && done === log), 'a checkpoint of the whole log');
    } finally {
      await checkpointer.stop();
      db.close();
    }
  });

  it('stops when asked, and a connection without it keeps SQLite’s own checkpoints', async () => {
    const path = join(tempDir('wal-'), 'v.db');
    const db = openDb(path);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    const checkpointer = new WalCheckpointer(path, { everyMs: 20 }).start();
    await checkpointer.stop();
    db.close();
  });
});
