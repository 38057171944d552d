/**
 * The audit trail: who looked up what, where, what they were shown, against which version of the data.
 * Bots record every lookup unless AUDIT_LOOKUPS=false; the CLI records when asked (--audit).
 */
import { userInfo } from 'node:os';
import type { LookupResponse } from './lookup';
import type { Db } from './store/db';
import { withoutWaiting } from './store/busy';
import { datasetVersion } from './store/meta';

export interface AuditContext {
  /** slack, discord, console, cli. */
  platform: string;
  /** The user: a platform user id, or the OS user for the CLI. */
  actor?: string;
  /** Where: workspace/channel, guild/channel, host. */
  place?: string;
}

export interface AuditEntry extends AuditContext {
  kind?: 'lookup';
  id: number;
  at: string;
  query: string;
  results: Array<{ id: string; name: string; score: number; lists: string[] }>;
  datasetVersion: number;
}

/** How many results of each answer the trail keeps: enough to show what the person saw first. */
const KEPT_RESULTS = 5;

/** An audit entry's content, as both trails store it (the local database's and the shared store's: NewAuditEntry). */
export interface LookupAuditEntry extends AuditContext {
  at: Date;
  query: string;
  results: AuditEntry['results'];
  datasetVersion: number;
}

/** What the trail keeps of a lookup: who, where, the query, the first results shown, and the data's version. */
export function lookupAuditEntry(context: AuditContext, response: LookupResponse, version: number, now = new Date()): LookupAuditEntry {
  const results = response.results.slice(0, KEPT_RESULTS).map((r) => ({
    id: r.id,
    name: r.name,
    score: r.score,
    lists: [...new Set(r.designations.map((d) => d.list))],
  }));
  return { at: now, platform: context.platform, actor: context.actor, place: context.place, query: response.query, results, datasetVersion: version };
}

export function recordLookup(db: Db, context: AuditContext, response: LookupResponse, now = new Date()): number {
  const e = lookupAuditEntry(context, response, datasetVersion(db), now);
  const row = db
    .prepare<[string, string, string | null, string | null, string, string, number], { id: number }>(
      'INSERT INTO audit (at, platform, actor, place, query, results, dataset_version) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id',
    )
    .get(e.at.toISOString(), e.platform, e.actor ?? null, e.place ?? null, e.query, JSON.stringify(e.results), e.datasetVersion);
  return row!.id;
}

/** Audit entries that could not be written yet because another process held the write lock (a refresh). */
const pending = new WeakMap<Db, Array<() => void>>();
const RETRY_MS = 250;

/**
 * Record a lookup without ever making the person wait: written at once when the database is free, else kept
 * in memory and written as soon as the other writer (a refresh committing in its own process) is done. A
 * synchronous write that waited on the lock would stop the whole bot (acks, other lookups) meanwhile.
 */
export function recordLookupSoon(db: Db, context: AuditContext, response: LookupResponse, now = new Date()): void {
  const write = () => void recordLookup(db, context, response, now);
  const queue = pending.get(db);
  if (queue) {
    queue.push(write);
    return;
  }
  if (!withoutWaiting(db, write)) {
    pending.set(db, [write]);
    scheduleFlush(db);
  }
}

function scheduleFlush(db: Db): void {
  setTimeout(() => {
    const queue = pending.get(db);
    if (!queue || !db.open) return void pending.delete(db);
    while (queue.length && withoutWaiting(db, queue[0]!)) queue.shift();
    if (queue.length) scheduleFlush(db);
    else pending.delete(db);
  }, RETRY_MS).unref();
}

export function auditTrail(db: Db, options: { limit?: number; sinceId?: number } = {}): AuditEntry[] {
  return db
    .prepare<[number, number], AuditRow>('SELECT * FROM audit WHERE id > ? ORDER BY id DESC LIMIT ?')
    .all(options.sinceId ?? 0, options.limit ?? 50)
    .map(auditFromRow);
}

/** An audit row as both engines return it (SQLite here, PostgreSQL in src/core/shared). */
export interface AuditRow {
  id: number;
  at: string;
  platform: string;
  actor: string | null;
  place: string | null;
  query: string;
  results: string;
  dataset_version: number;
}

export function auditFromRow(r: AuditRow): AuditEntry {
  return {
    id: r.id,
    at: r.at,
    platform: r.platform,
    ...(r.actor ? { actor: r.actor } : {}),
    ...(r.place ? { place: r.place } : {}),
    query: r.query,
    results: JSON.parse(r.results) as AuditEntry['results'],
    datasetVersion: r.dataset_version,
  };
}

/** An acknowledgement of an alert message ("Acknowledge"): who handled which alert, where, and when. */
export interface AckEntry {
  kind: 'ack';
  /** The alert message (outbox row) acknowledged. */
  outbox: number;
  at: string;
  platform: string;
  channel: string;
  /** The platform's user id, and the display name when the platform gave one. */
  actor: string;
  name?: string;
  /** alert or digest (a scheduled summary is a digest), and its headline when it has one. */
  message: string;
  headline?: string;
  /** When the alert message was queued. */
  queuedAt: string;
}

/** Acknowledgements of alert messages, newest first. */
export function ackTrail(db: Db, options: { limit?: number } = {}): AckEntry[] {
  return db
    .prepare<[number], { outbox_id: number; platform: string; channel: string; user_id: string; user_name: string | null; at: string; kind: string | null; payload: string | null; created_at: string | null }>(
      // A message routed to many channels keeps its body in outbox_bodies (alerts/outbox-payload.ts).
      `SELECT a.*, o.kind, COALESCE(b.body, o.payload) AS payload, o.created_at FROM alert_acks a
         LEFT JOIN outbox o ON o.id = a.outbox_id LEFT JOIN outbox_bodies b ON b.id = o.body_id
        ORDER BY a.at DESC, a.outbox_id DESC LIMIT ?`,
    )
    .all(options.limit ?? 50)
    .map((r) => {
      let headline: string | undefined;
      try {
        const reply = JSON.parse(r.payload ?? '{}') as { summary?: string; blocks?: Array<{ type: string; text?: string }> };
        headline = reply.blocks?.find((b) => b.type === 'heading')?.text ?? reply.summary;
      } catch {
        headline = undefined;
      }
      return {
        kind: 'ack' as const,
        outbox: r.outbox_id,
        at: r.at,
        platform: r.platform,
        channel: r.channel,
        actor: r.user_id,
        ...(r.user_name ? { name: r.user_name } : {}),
        message: r.kind ?? 'alert',
        ...(headline ? { headline } : {}),
        queuedAt: r.created_at ?? '',
      };
    });
}

/** The operating-system user, as the actor of CLI and console lookups (undefined where it cannot be read). */
export function currentUser(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}
