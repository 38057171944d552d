/** Small key/value facts about the database: the dataset version that lookups and audits cite. */
import type { Statement } from 'better-sqlite3';
import type { Db } from './db';

export function getMeta(db: Db, key: string): string | undefined {
  return db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?').get(key)?.value;
}

export function deleteMeta(db: Db, key: string): void {
  db.prepare('DELETE FROM meta WHERE key = ?').run(key);
}

export function setMeta(db: Db, key: string, value: string): void {
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}

const versionStatements = new WeakMap<Db, Statement<[], string>>();

/** Bumped by every refresh that changes stored data; "0" for a database never refreshed. Asked per message delivered: prepared once per handle. */
export function datasetVersion(db: Db): number {
  let statement = versionStatements.get(db);
  if (!statement) versionStatements.set(db, (statement = db.prepare<[], string>("SELECT value FROM meta WHERE key = 'dataset_version'").pluck()));
  return Number(statement.get() ?? 0);
}

export function bumpDatasetVersion(db: Db): number {
  const next = datasetVersion(db) + 1;
  setMeta(db, 'dataset_version', String(next));
  return next;
}
