/**
 * Re-deriving the name index and the parties from the stored records, after a schema change to either, and
 * opening the store with that step wired in. It lives above both the store and the matcher so that the
 * store never imports the matcher: migrations call the step through the `Derivations` they are given.
 */
import { NameIndex } from './match/name-index';
import { rebuildParties } from './match/parties';
import { SourceRecord } from './model';
import { openDb, type Db, type OpenOptions } from './store/db';
import type { Derivations } from './store/migrations';
import { recoverInterrupted } from './recover';
import { explainCorruption } from './store/integrity';
import { bumpDatasetVersion } from './store/meta';

export function reindexAllNames(db: Db): void {
  db.exec("DELETE FROM names; DELETE FROM name_tokens; DELETE FROM tokens; INSERT INTO token_grams (token_grams) VALUES ('delete-all');");
  const index = new NameIndex(db);
  const rows = db.prepare<[], { id: number; payload: string }>('SELECT id, payload FROM records').all();
  for (const row of rows) index.replace(row.id, SourceRecord.parse(JSON.parse(row.payload)).names);
  rebuildParties(db);
  // New name ids: lookups keep names in memory per dataset version, so the version moves with them.
  if (rows.length) bumpDatasetVersion(db);
}

export const DERIVATIONS: Derivations = { reindex: reindexAllNames };

/**
 * The application's way to open the database: openDb with the derivations migrations may need, then the
 * recovery of what a killed refresh left (src/core/recover.ts).
 */
export function openStore(path: string, options: Omit<OpenOptions, 'derive'> = {}): Db {
  const db = openDb(path, { ...options, derive: DERIVATIONS });
  try {
    if (!options.readonly) recoverInterrupted(db);
  } catch (err) {
    db.close();
    throw explainCorruption(err, path);
  }
  return db;
}
