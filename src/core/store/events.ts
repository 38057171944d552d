/**
 * Change events: written by refresh in the transaction that applies a snapshot, read in id order.
 */
import type { PlannedEvent } from '../diff';
import type { ListCode } from '../lists';
import type { ChangeEvent, ChangeKind } from '../model';
import type { Statement } from 'better-sqlite3';
import type { Db } from './db';

/** An events row as both engines return it (SQLite here, PostgreSQL in src/core/shared). */
export interface EventRow {
  id: number;
  at: string;
  refresh_id: number;
  kind: ChangeKind;
  list: ListCode;
  source_id: string;
  record_id: number;
  record_key: string;
  name: string;
  detail: string;
}

export interface EventQuery {
  sinceId?: number;
  limit?: number;
  lists?: readonly string[];
  sinceDate?: string;
}

/** Read for every alert message delivered (thousands per refresh): prepared once per handle. */
const statementsByDb = new WeakMap<Db, { events: Statement<[number], EventRow>; ids: Statement<[number], number> }>();

function messageStatements(db: Db) {
  let statements = statementsByDb.get(db);
  if (!statements) {
    statements = {
      events: db.prepare<[number], EventRow>('SELECT e.* FROM deliveries d JOIN events e ON e.id = d.event_id WHERE d.outbox_id = ? ORDER BY e.id'),
      ids: db.prepare<[number], number>('SELECT event_id FROM deliveries WHERE outbox_id = ? ORDER BY event_id').pluck(),
    };
    statementsByDb.set(db, statements);
  }
  return statements;
}

export function eventFromRow(row: EventRow): ChangeEvent & { recordId: number } {
  return {
    id: row.id,
    at: row.at,
    kind: row.kind,
    list: row.list,
    source: row.source_id,
    record: row.record_key,
    recordId: row.record_id,
    name: row.name,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
    refreshId: row.refresh_id,
  };
}

export class EventStore {
  private readonly q;

  constructor(private readonly db: Db) {
    this.q = {
      insert: db.prepare(
        `INSERT INTO events (at, refresh_id, kind, list, source_id, record_id, record_key, name, detail)
         VALUES (@at, @refresh, @kind, @list, @source, @record, @key, @name, @detail)`,
      ),
      after: db.prepare<[number, number], EventRow>('SELECT * FROM events WHERE id > ? ORDER BY id LIMIT ?'),
      lastId: db.prepare<[], { id: number | null }>('SELECT MAX(id) AS id FROM events'),
    };
  }

  insert(events: PlannedEvent[], ctx: { at: string; refreshId: number; sourceId: string; recordIds: Map<string, number> }): void {
    for (const e of events) {
      const record = ctx.recordIds.get(e.key);
      if (record === undefined) throw new Error(`event for unknown record key ${e.key}`);
      this.q.insert.run({
        at: ctx.at,
        refresh: ctx.refreshId,
        kind: e.kind,
        list: e.list,
        source: ctx.sourceId,
        record,
        key: e.key,
        name: e.name,
        detail: JSON.stringify(e.detail),
      });
    }
  }

  /** Events in id order after `sinceId`, optionally only on some lists or from a date on. */
  list(query: EventQuery = {}): Array<ChangeEvent & { recordId: number }> {
    const clauses = ['id > @since'];
    if (query.lists?.length) clauses.push(`list IN (SELECT value FROM json_each(@lists))`);
    if (query.sinceDate) clauses.push('at >= @sinceDate');
    const sql = `SELECT * FROM events WHERE ${clauses.join(' AND ')} ORDER BY id LIMIT @limit`;
    const rows = this.db.prepare<Record<string, unknown>, EventRow>(sql).all({
      since: query.sinceId ?? 0,
      lists: JSON.stringify(query.lists ?? []),
      sinceDate: query.sinceDate ?? '',
      limit: query.limit ?? -1,
    });
    return rows.map(eventFromRow);
  }

  /** The events an outbox message covers (a digest's, through the deliveries that claimed them), in id order. */
  ofMessage(outboxId: number): Array<ChangeEvent & { recordId: number }> {
    return messageStatements(this.db).events.all(outboxId).map(eventFromRow);
  }

  /** The ids of the events an outbox message covers, in order (what tells two digests apart, without reading them). */
  idsOfMessage(outboxId: number): number[] {
    return messageStatements(this.db).ids.all(outboxId);
  }

  /**
   * One page of events, newest first, with how many match in all: for `recent`. Filters combine (and):
   * lists, kinds, refreshes, and a first date (ISO, compared with the event's time).
   */
  page(query: { lists?: readonly string[]; kinds?: readonly string[]; countries?: readonly string[]; refreshes?: readonly number[]; sinceDate?: string; limit: number; offset: number }): {
    total: number;
    events: Array<ChangeEvent & { recordId: number }>;
  } {
    const clauses = ['1 = 1'];
    if (query.lists?.length) clauses.push('list IN (SELECT value FROM json_each(@lists))');
    if (query.kinds?.length) clauses.push('kind IN (SELECT value FROM json_each(@kinds))');
    if (query.refreshes?.length) clauses.push('refresh_id IN (SELECT value FROM json_each(@refreshes))');
    if (query.sinceDate) clauses.push('at >= @sinceDate');
    // The party's countries as routing reads them (the record's payload), so that a digest's `recent` matches it.
    if (query.countries?.length) {
      clauses.push(
        `record_id IN (SELECT r.id FROM records r, json_each(json_extract(r.payload, '$.countries')) c WHERE r.id = events.record_id AND c.value IN (SELECT value FROM json_each(@countries)))`,
      );
    }
    const where = clauses.join(' AND ');
    const params = {
      lists: JSON.stringify(query.lists ?? []),
      kinds: JSON.stringify(query.kinds ?? []),
      refreshes: JSON.stringify(query.refreshes ?? []),
      countries: JSON.stringify(query.countries ?? []),
      sinceDate: query.sinceDate ?? '',
    };
    const total = this.db.prepare<Record<string, unknown>, { n: number }>(`SELECT COUNT(*) AS n FROM events WHERE ${where}`).get(params)?.n ?? 0;
    const rows = this.db
      .prepare<Record<string, unknown>, EventRow>(`SELECT * FROM events WHERE ${where} ORDER BY id DESC LIMIT @limit OFFSET @offset`)
      .all({ ...params, limit: query.limit, offset: query.offset });
    return { total, events: rows.map(eventFromRow) };
  }

  lastId(): number {
    return this.q.lastId.get()?.id ?? 0;
  }
}
