/**
 * Opening the SQLite store: WAL, foreign keys, a busy timeout, and the numbered migrations.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { MIGRATIONS, type Migration } from './migrations';

export type Db = Database.Database;

export class StoreError extends Error {}

export function openDb(path: string, options: { readonly?: boolean; migrations?: Migration[] } = {}): Db {
  const memory = path === ':memory:';
  if (!memory && !options.readonly) mkdirSync(dirname(resolve(path)), { recursive: true });
  let db: Db;
  try {
    db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (err) {
    throw new StoreError(`cannot open database ${path}: ${(err as Error).message}`);
  }
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  // Lookups read the name index at random: map the file and keep a larger page cache than SQLite's 2 MB.
  db.pragma('mmap_size = 1073741824');
  db.pragma('cache_size = -65536');
  if (!options.readonly) {
    if (!memory) db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    migrate(db, options.migrations ?? MIGRATIONS);
  }
  return db;
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function migrate(db: Db, migrations: Migration[] = MIGRATIONS): number {
  const current = schemaVersion(db);
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new StoreError(`database schema version ${current} is newer than this program knows (${latest}); upgrade the program`);
  }
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      m.after?.(db);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
  return schemaVersion(db);
}
