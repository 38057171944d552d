/**
 * Which engine holds the shared state: PostgreSQL when DATABASE_URL is set, else the SQLite file (SANCTIONS_DB),
 * the zero-setup default.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import type { Config } from '../config';
import { DERIVATIONS, openStore } from '../reindex';
import { StoreError } from '../store/db';
import { PostgresSharedStore, redactUrl } from './postgres';
import { SqliteSharedStore } from './sqlite';
import type { Engine, MigrationReport, SharedStore } from './types';

export type StoreConfig = Pick<Config, 'DATABASE_URL' | 'SANCTIONS_DB'>;

export function selectedEngine(config: StoreConfig): Engine {
  return config.DATABASE_URL ? 'postgres' : 'sqlite';
}

/** Open the configured shared store (PostgreSQL: a pool, not migrated yet; SQLite: the file, migrated on open). */
export function openSharedStore(config: StoreConfig): SharedStore {
  if (config.DATABASE_URL) return PostgresSharedStore.open(config.DATABASE_URL);
  return new SqliteSharedStore(openStore(config.SANCTIONS_DB), { path: config.SANCTIONS_DB, derive: DERIVATIONS, closeDb: true });
}

/** The SQLite file's schema version without migrating it (0 when the file does not exist yet). */
function sqliteVersion(path: string): number {
  if (path === ':memory:' || !existsSync(path)) return 0;
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } finally {
    db.close();
  }
}

/**
 * Apply the configured engine's pending migrations and say what was done (`sanctions migrate`). SQLite migrates when
 * the file is opened (re-deriving the name index when a migration asks); what this process applied is reported, not
 * what another process starting at the same time applied.
 */
export async function migrateConfigured(config: StoreConfig): Promise<MigrationReport> {
  if (config.DATABASE_URL) {
    const store = PostgresSharedStore.open(config.DATABASE_URL, { max: 1 });
    try {
      return await store.migrate();
    } catch (err) {
      const e = err as Error & { code?: string };
      throw new StoreError(`PostgreSQL at ${redactUrl(config.DATABASE_URL)}: ${e.message || e.code || String(err)}`);
    } finally {
      await store.close();
    }
  }
  const before = sqliteVersion(config.SANCTIONS_DB);
  const applied: MigrationReport['applied'] = [];
  const db = openStore(config.SANCTIONS_DB, { onApplied: ({ version, name }) => applied.push({ version, name }) });
  try {
    const after = db.pragma('user_version', { simple: true }) as number;
    return { engine: 'sqlite', target: config.SANCTIONS_DB, before: applied.length ? applied[0]!.version - 1 : before, after, applied };
  } finally {
    db.close();
  }
}
