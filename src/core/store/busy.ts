/**
 * Writes that must never make the serving process wait. better-sqlite3 is synchronous: a write that meets
 * another process's write lock (a refresh committing) waits for it with the event loop stopped, and with it
 * every acknowledgement and lookup. These helpers try once, with no busy wait, and say whether it worked.
 */
import type { Db } from './db';

function isBusy(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT' || code === 'SQLITE_LOCKED';
}

/** Run `write` without waiting on a lock: false (nothing written) when another writer holds the database. */
export function withoutWaiting(db: Db, write: () => void): boolean {
  const previous = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout = 0');
  try {
    write();
    return true;
  } catch (err) {
    if (isBusy(err)) return false;
    throw err;
  } finally {
    db.pragma(`busy_timeout = ${previous}`);
  }
}

/** Is the write lock free right now? (Taken and given back at once; in memory there is no other writer.) */
export function writeLockFree(db: Db): boolean {
  if (db.inTransaction || db.memory) return true;
  return withoutWaiting(db, () => {
    db.exec('BEGIN IMMEDIATE');
    db.exec('ROLLBACK');
  });
}
