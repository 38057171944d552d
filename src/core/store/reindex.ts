/** Rebuild the name index and the parties from the stored records (after a schema change to either). */
import { NameIndex } from '../match/name-index';
import { rebuildParties } from '../match/parties';
import { SourceRecord } from '../model';
import type { Db } from './db';

export function reindexAllNames(db: Db): void {
  db.exec("DELETE FROM names; DELETE FROM name_tokens; DELETE FROM tokens; INSERT INTO token_grams (token_grams) VALUES ('delete-all');");
  const index = new NameIndex(db);
  const rows = db.prepare<[], { id: number; payload: string }>('SELECT id, payload FROM records').all();
  for (const row of rows) index.replace(row.id, SourceRecord.parse(JSON.parse(row.payload)).names);
  rebuildParties(db);
}
