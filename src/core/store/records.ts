/**
 * Records, their designations and names, as one source's snapshot is applied. Nothing is deleted:
 * a record that disappears keeps its row with `removed_at`, its designations turn `removed`.
 */
import { designationsByList, recordHash, type SnapshotDiff, type StoredRecordRef } from '../diff';
import type { ListCode } from '../lists';
import { SourceRecord, type NameEntry } from '../model';
import type { Db } from './db';

/**
 * Where a record's names are indexed for search as it is written (the matcher's NameIndex, a layer above:
 * given by the caller, so that the store does not import the matcher).
 */
export interface RecordNames {
  replace(recordId: number, names: NameEntry[]): void;
}

export class RecordStore {
  private readonly q;

  constructor(
    private readonly db: Db,
    private readonly index: RecordNames,
  ) {
    this.q = {
      refs: db.prepare<[string], { id: number; key: string; hash: string; removed_at: string | null; pending_removal_at: string | null }>(
        'SELECT id, key, hash, removed_at, pending_removal_at FROM records WHERE source_id = ?',
      ),
      hold: db.prepare('UPDATE records SET pending_removal_at = COALESCE(pending_removal_at, ?) WHERE id = ?'),
      release: db.prepare<[string, string]>(
        `UPDATE records SET pending_removal_at = NULL
         WHERE source_id = ? AND pending_removal_at IS NOT NULL AND id NOT IN (SELECT value FROM json_each(?))`,
      ),
      payload: db.prepare<[number], { payload: string }>('SELECT payload FROM records WHERE id = ?'),
      name: db.prepare<[number], { name: string }>('SELECT name FROM records WHERE id = ?'),
      lists: db.prepare<[number], { list: ListCode; status: string }>('SELECT list, status FROM designations WHERE record_id = ?'),
      insertRecord: db.prepare(
        `INSERT INTO records (source_id, key, name, type, payload, hash, first_seen, last_seen)
         VALUES (@source, @key, @name, @type, @payload, @hash, @now, @now)
         ON CONFLICT (source_id, key) DO UPDATE SET name = excluded.name, type = excluded.type, payload = excluded.payload,
           hash = excluded.hash, last_seen = excluded.last_seen, removed_at = NULL
         RETURNING id`,
      ),
      updateRecord: db.prepare(
        'UPDATE records SET name = @name, type = @type, payload = @payload, hash = @hash, last_seen = @now WHERE id = @id',
      ),
      touch: db.prepare('UPDATE records SET last_seen = ? WHERE id = ?'),
      removeRecord: db.prepare('UPDATE records SET removed_at = ? WHERE id = ?'),
      removeDesignations: db.prepare(
        "UPDATE designations SET status = 'removed', removed_at = ? WHERE record_id = ? AND status != 'removed'",
      ),
      upsertDesignation: db.prepare(
        `INSERT INTO designations (record_id, list, status, since, until, citation, url, authority, programs, notes, first_seen, removed_at)
         VALUES (@record, @list, @status, @since, @until, @citation, @url, @authority, @programs, @notes, @now, @removed_at)
         ON CONFLICT (record_id, list) DO UPDATE SET status = excluded.status, since = excluded.since, until = excluded.until,
           citation = excluded.citation, url = excluded.url, authority = excluded.authority, programs = excluded.programs,
           notes = excluded.notes,
           removed_at = CASE WHEN excluded.status = 'removed' THEN COALESCE(designations.removed_at, excluded.removed_at) ELSE NULL END`,
      ),
      designationListsOf: db.prepare<[number], { list: string }>('SELECT list FROM designations WHERE record_id = ?'),
      markDesignationGone: db.prepare(
        "UPDATE designations SET status = 'removed', removed_at = COALESCE(removed_at, ?) WHERE record_id = ? AND list = ?",
      ),
    };
  }

  refs(sourceId: string): StoredRecordRef[] {
    return this.q.refs.all(sourceId).map((r) => ({
      id: r.id,
      key: r.key,
      hash: r.hash,
      removed: r.removed_at !== null,
      ...(r.pending_removal_at !== null ? { pending: true } : {}),
    }));
  }

  payload(id: number): SourceRecord {
    const row = this.q.payload.get(id);
    if (!row) throw new Error(`record ${id} is missing`);
    return SourceRecord.parse(JSON.parse(row.payload));
  }

  name(id: number): string {
    return this.q.name.get(id)?.name ?? '';
  }

  lists(id: number): Array<{ list: ListCode; status: string }> {
    return this.q.lists.all(id);
  }

  /** Write a diff's records (not its events). Returns the record id of every key the snapshot holds. */
  apply(sourceId: string, diff: SnapshotDiff, now: string): Map<string, number> {
    const ids = new Map<string, number>();
    for (const record of diff.added) {
      const row = this.q.insertRecord.get(this.recordRow(sourceId, record, now)) as { id: number };
      ids.set(record.key, row.id);
      this.writeDesignations(row.id, record, now);
      this.writeNames(row.id, record);
    }
    for (const { id, next } of diff.changed) {
      this.q.updateRecord.run({ ...this.recordRow(sourceId, next, now), id });
      ids.set(next.key, id);
      this.writeDesignations(id, next, now);
      this.writeNames(id, next);
    }
    for (const ref of diff.unchanged) {
      this.q.touch.run(now, ref.id);
      ids.set(ref.key, ref.id);
    }
    for (const ref of diff.removed) {
      this.q.removeRecord.run(now, ref.id);
      this.q.removeDesignations.run(now, ref.id);
      ids.set(ref.key, ref.id);
    }
    return ids;
  }

  /**
   * Mark the records whose removal waits for the next snapshot (keeping when each was first left out), and
   * clear the mark of every other record of the source (present again, or removed now).
   */
  holdRemovals(sourceId: string, held: StoredRecordRef[], now: string): void {
    for (const ref of held) this.q.hold.run(now, ref.id);
    this.q.release.run(sourceId, JSON.stringify(held.map((r) => r.id)));
  }

  private recordRow(sourceId: string, record: SourceRecord, now: string) {
    return {
      source: sourceId,
      key: record.key,
      name: record.name,
      type: record.type,
      payload: JSON.stringify(record),
      hash: recordHash(record),
      now,
    };
  }

  private writeDesignations(recordId: number, record: SourceRecord, now: string): void {
    const current = designationsByList(record);
    for (const [list, d] of current) {
      this.q.upsertDesignation.run({
        record: recordId,
        list,
        status: d.status,
        since: d.since ?? null,
        until: d.until ?? null,
        citation: d.citation ?? null,
        url: d.url ?? null,
        authority: d.authority ?? null,
        programs: JSON.stringify(d.programs),
        notes: d.notes ?? null,
        now,
        removed_at: d.status === 'removed' ? (d.until ?? now) : null,
      });
    }
    for (const { list } of this.q.designationListsOf.all(recordId)) {
      if (!current.has(list as ListCode)) this.q.markDesignationGone.run(now, recordId, list);
    }
  }

  private writeNames(recordId: number, record: SourceRecord): void {
    this.index.replace(recordId, record.names);
  }
}
