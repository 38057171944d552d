/**
 * Opening the SQLite store: WAL, foreign keys, a busy timeout, and the numbered migrations.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { checkIntegrity, explainCorruption } from './integrity';
import { MIGRATIONS, type Derivations, type Migration } from './migrations';

export type Db = Database.Database;

export class StoreError extends Error {}

export interface OpenOptions {
  readonly?: boolean;
  migrations?: Migration[];
  /** How to re-derive the name index and parties when a migration asks (src/core/reindex.ts: openStore). */
  derive?: Derivations;
  /** Run a quick integrity check first (CorruptDatabaseError when the file is damaged). */
  check?: boolean;
  /** Told of each migration this connection applied (not of those another process applied meanwhile). */
  onApplied?: (m: Migration) => void;
  /** SQLite's page cache, in KiB (default 64 MiB: lookups read the name index at random). */
  cacheKiB?: number;
  /** How much of the file is memory-mapped, in bytes (default 1 GiB). */
  mmapBytes?: number;
}

/**
 * The alert pipeline's own connection (routing, delivery, pruning): it writes and reads the outbox and deliveries,
 * millions of rows at 10,000 channels, once each. Through a memory map and a 64 MiB cache those pages stayed in
 * the bot's memory (~120 MB at 10,000 channels) for no later use; without the map and with a small cache they do
 * not, and lookups keep their own connection with both.
 */
export const ALERTS_CONNECTION: Pick<OpenOptions, 'cacheKiB' | 'mmapBytes'> = { cacheKiB: 8 * 1024, mmapBytes: 0 };

/**
 * Without derivations, a migration can re-derive nothing: fine for a database without records (nothing to
 * derive), an error for one with records, which must be opened through openStore.
 */
const NO_DERIVATIONS: Derivations = {
  reindex(db) {
    const records = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM records').get()!.n;
    if (records > 0) throw new StoreError(`this database's ${records} records need their name index rebuilt: open it with openStore (src/core/reindex.ts)`);
  },
};

export function openDb(path: string, options: OpenOptions = {}): Db {
  const memory = path === ':memory:';
  if (!memory && !options.readonly) mkdirSync(dirname(resolve(path)), { recursive: true });
  let db: Db;
  try {
    db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (err) {
    throw new StoreError(`cannot open database ${path}: ${(err as Error).message}`);
  }
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    // Lookups read the name index at random: map the file and keep a larger page cache than SQLite's 2 MB.
    db.pragma(`mmap_size = ${Math.max(0, Math.floor(options.mmapBytes ?? 1024 * 1024 * 1024))}`);
    db.pragma(`cache_size = -${Math.max(64, Math.floor(options.cacheKiB ?? 64 * 1024))}`);
    if (options.check && !memory) checkIntegrity(db, path);
    if (!options.readonly) {
      if (!memory) walMode(db);
      db.pragma('synchronous = NORMAL');
      migrate(db, options.migrations ?? MIGRATIONS, options.derive, options.onApplied);
    }
  } catch (err) {
    db.close();
    throw explainCorruption(err, path);
  }
  return db;
}

/**
 * Switch the file to WAL. The switch takes an exclusive lock and SQLite does not wait for it (busy_timeout does not
 * apply): two processes opening a new file at once (two bots, two `sanctions migrate`) could see "database is
 * locked". A file already in WAL is left as it is; a busy switch is tried again for up to 5 s.
 */
function walMode(db: Db): void {
  const until = Date.now() + 5000;
  for (;;) {
    try {
      if (db.pragma('journal_mode', { simple: true }) === 'wal') return;
      // SQLite answers with the mode it is in: the old one when it could not switch.
      if (db.pragma('journal_mode = WAL', { simple: true }) === 'wal') return;
      if (Date.now() > until) throw new StoreError('could not switch the database to WAL mode (another process holds it in another mode)');
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > until) throw err;
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  }
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function migrate(db: Db, migrations: Migration[] = MIGRATIONS, derive: Derivations = NO_DERIVATIONS, onApplied?: (m: Migration) => void): number {
  const current = schemaVersion(db);
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new StoreError(`database schema version ${current} is newer than this program knows (${latest}); upgrade the program`);
  }
  for (const m of migrations) {
    if (m.version <= current) continue;
    // Under the write lock (IMMEDIATE), the version is read again: another process opening the same file at the same
    // time (replicas starting together) may have applied this migration meanwhile.
    const applied = db
      .transaction(() => {
        if (schemaVersion(db) >= m.version) return false;
        db.exec(m.sql);
        m.after?.(db, derive);
        db.pragma(`user_version = ${m.version}`);
        return true;
      })
      .immediate();
    if (applied) onApplied?.(m);
  }
  return schemaVersion(db);
}
