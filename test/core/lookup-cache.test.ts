/**
 * Lookups keep names, postings and parties in memory for one dataset version. Whatever changes what a lookup
 * answers must move that version, or a running bot would answer from what it read before: these tests change
 * the data under an open handle (as the refresh process does under the bot) and ask again.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject, afterAll, describe, expect, it } from 'vitest';
import { lookup } from '../../src/core/lookup';
import { rebuildPartiesAndClear, markPartiesDirty } from '../../src/core/recover';
import { reindexAllNames } from '../../src/core/reindex';
import { openDb } from '../../src/core/store/db';
import { datasetVersion } from '../../src/core/store/meta';
import { tempDir } from '../helpers/tmp';

function copyOfCurrent() {
  const path = join(tempDir('lookup-cache-'), 'copy.db');
  copyFileSync(inject('currentDb'), path);
  const db = openDb(path);
  afterAll(() => db.close());
  return db;
}

const lists = (q: string, db: ReturnType<typeof openDb>) => [...new Set(lookup(db, q).results[0]!.designations.map((d) => d.list))].sort();

describe('lookup caches follow the data', () => {
  it('a deferred party rebuild moves the dataset version and the next lookup answers with the new grouping', () => {
    const db = copyOfCurrent();
    const merged = lists('Hikvision', db);
    expect(merged.length).toBeGreaterThan(1);
    // Records as a refresh leaves them before the deferred rebuild: every record its own party.
    db.prepare('UPDATE records SET party_id = id').run();
    markPartiesDirty(db);
    const before = datasetVersion(db);
    db.prepare("UPDATE meta SET value = value + 1 WHERE key = 'dataset_version'").run(); // the refresh's own bump
    expect(lists('Hikvision', db).length).toBeLessThan(merged.length); // read (and kept) apart
    rebuildPartiesAndClear(db);
    expect(datasetVersion(db)).toBeGreaterThan(before + 1);
    expect(lists('Hikvision', db)).toEqual(merged);
  });

  it('a rebuild that changes nothing leaves the version alone', () => {
    const db = copyOfCurrent();
    const before = datasetVersion(db);
    rebuildPartiesAndClear(db);
    expect(datasetVersion(db)).toBe(before);
  });

  it('a name reindex (new name ids) moves the version, and lookups still find every name', () => {
    const db = copyOfCurrent();
    const first = lookup(db, 'Hikvision').results[0]!;
    const before = datasetVersion(db);
    reindexAllNames(db);
    expect(datasetVersion(db)).toBeGreaterThan(before);
    const again = lookup(db, 'Hikvision').results[0]!;
    expect(again.name).toBe(first.name);
    expect(again.designations).toEqual(first.designations);
  }, 180_000);

  it('a removal written under an open handle shows in the next lookup', () => {
    const db = copyOfCurrent();
    const party = lookup(db, 'Hikvision').results[0]!;
    expect(party.standing).toBe('listed');
    db.prepare("UPDATE designations SET status = 'removed', removed_at = '2026-11-30T00:00:00Z', until = '2026-11-30' WHERE record_id IN (SELECT id FROM records WHERE party_id = ?)").run(Number(party.id.slice(1)));
    db.prepare("UPDATE meta SET value = value + 1 WHERE key = 'dataset_version'").run();
    expect(lookup(db, 'Hikvision').results[0]!.standing).toBe('delisted');
  });
});
