/**
 * Publishing change events to the shared store (PostgreSQL mode, issue 16). Each process keeps the lists and their
 * lookup index in a local SQLite copy; the leader's refreshes compute the change events there. Publishing copies
 * them, with what routing needs of each (the party's countries, the alert's facts, whether another source already
 * had the designation), into the shared store, from which every process routes and delivers: a process that takes
 * over the lead routes what the old leader published without needing the old leader's copy.
 *
 * Exactly once across processes: each event carries a fingerprint of the fact (source, list, record, kind, detail,
 * and the content hash of the source file the refresh applied), and the shared store keeps one event per
 * fingerprint, so a process publishing again what it or another process already published (a restart between
 * publishing and recording its place, two leaders for a moment) adds nothing. The place reached is kept in the
 * local copy's meta table, moved after each page is published: a crash loses no event, it publishes a page again.
 */
import { createHash } from 'node:crypto';
import { partiesDirty } from '../recover';
import type { Db } from '../store/db';
import { getMeta, setMeta } from '../store/meta';
import { sourceStateFromRow, type SourceStateRow } from '../shared/rows';
import type { PublishedChangeEvent, SharedSourceState, SharedStore } from '../shared/types';
import { Router, type RoutedEvent } from './route';

/** The meta key of the last local event published (or passed over: see `passLocalEvents`). */
export const PUBLISHED_KEY = 'shared_published_event_id';
/** The detail key that carries what routing needs of an event published by another process. */
export const ROUTING_KEY = '$routing';

/** What routing needs of an event, computed by the process that has its record. */
export interface PublishedRouting {
  countries: string[];
  facts: RoutedEvent['facts'];
  retaliation: boolean;
  confirms?: string;
}

export interface PublishReport {
  /** Local events read after the place reached. */
  read: number;
  /** Added to the shared store (the rest were there already). */
  published: number;
  deferred?: string;
}

const PAGE = 1000;

/** The last local event id (0 for none). */
function lastLocalEvent(db: Db): number {
  return db.prepare<[], { id: number | null }>('SELECT MAX(id) AS id FROM events').get()?.id ?? 0;
}

/**
 * Where publishing starts, set when the bot opens its copy on a shared store (before anything can refresh it): a copy
 * that has never published starts after its newest event. What it loaded before (its first load, a seed, the refreshes
 * of its SQLite days) is no news to anyone, as a new subscription starts at the newest event. Set once: a restart
 * publishes from where it left off.
 */
export function startPublishing(db: Db): void {
  if (getMeta(db, PUBLISHED_KEY) === undefined) setMeta(db, PUBLISHED_KEY, String(lastLocalEvent(db)));
}

function publishedUpTo(db: Db): number {
  startPublishing(db);
  return Number(getMeta(db, PUBLISHED_KEY));
}

/**
 * A process that does not lead follows the leader's refreshes with its own copy: the events those make are the
 * leader's news (published by it); they are passed over, not published, so that this process, when it leads
 * later, publishes only what it finds itself from then on.
 */
export function passLocalEvents(db: Db): void {
  setMeta(db, PUBLISHED_KEY, String(lastLocalEvent(db)));
}

/** The fingerprint of a change: the same change of the same file, computed by any process, has the same one. */
export function eventFingerprint(e: Pick<RoutedEvent, 'source' | 'list' | 'record' | 'kind' | 'detail'>, contentHash: string | null): string {
  return createHash('sha256')
    .update(JSON.stringify([e.source, e.list, e.record, e.kind, stableJson(e.detail), contentHash ?? '']))
    .digest('hex');
}

/** JSON with object keys sorted, so that the same detail always gives the same text. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Publish the local events after the place reached, page by page; then the sources' states. */
export async function publishLocalEvents(db: Db, store: Pick<SharedStore, 'events' | 'sources'>): Promise<PublishReport> {
  // Events are routed by party (confirmations of another source's designation): wait while parties are rebuilt.
  if (partiesDirty(db)) return { read: 0, published: 0, deferred: 'parties are being rebuilt after a refresh' };
  const router = new Router(db);
  const contentHash = db.prepare<[number], { content_hash: string | null }>('SELECT content_hash FROM refreshes WHERE id = ?');
  const hashes = new Map<number, string | null>();
  const hashOf = (refreshId: number) => {
    if (!hashes.has(refreshId)) hashes.set(refreshId, contentHash.get(refreshId)?.content_hash ?? null);
    return hashes.get(refreshId)!;
  };
  const report: PublishReport = { read: 0, published: 0 };
  let cursor = publishedUpTo(db);
  for (;;) {
    // Whole refreshes at a time (eventsAfter reads the rest of the last refresh): one refresh routes as one digest.
    const events = router.eventsAfter(cursor, PAGE);
    if (!events.length) break;
    const page: PublishedChangeEvent[] = events.map((e) => {
      const routing: PublishedRouting = { countries: e.countries, facts: e.facts, retaliation: e.retaliation, ...(e.confirms ? { confirms: e.confirms } : {}) };
      return {
        at: e.at,
        refreshId: e.refreshId,
        kind: e.kind,
        list: e.list,
        sourceId: e.source,
        recordId: e.recordId,
        recordKey: e.record,
        name: e.name,
        detail: { ...e.detail, [ROUTING_KEY]: routing },
        fingerprint: eventFingerprint(e, hashOf(e.refreshId)),
      };
    });
    report.read += page.length;
    report.published += await store.events.publish(page);
    cursor = events.at(-1)!.id;
    setMeta(db, PUBLISHED_KEY, String(cursor));
  }
  await recordSourceStates(db, store);
  return report;
}

/** The sources' states last recorded, per local copy: recorded again only when they changed. */
const recorded = new WeakMap<Db, string>();

/** What this copy last applied of each source, recorded in the shared store for the other processes to follow. */
export async function recordSourceStates(db: Db, store: Pick<SharedStore, 'sources'>): Promise<void> {
  const states = localSourceStates(db);
  const key = JSON.stringify(states);
  if (recorded.get(db) === key) return;
  await store.sources.record(states);
  recorded.set(db, key);
}

export function localSourceStates(db: Db): SharedSourceState[] {
  return db
    .prepare<[], SourceStateRow>('SELECT id, format, location, status, content_hash, last_success_at, last_change_at, record_count FROM sources ORDER BY id')
    .all()
    .map(sourceStateFromRow);
}
