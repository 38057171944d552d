/**
 * Publishing change events to the shared store (PostgreSQL mode, issue 16). Each process keeps the lists and their
 * lookup index in a local SQLite copy; the leader's refreshes compute the change events there. Publishing copies
 * them, with what routing needs of each (the party's countries, the alert's facts, whether another source already
 * had the designation), into the shared store, from which every process routes and delivers: a process that takes
 * over the lead routes what the old leader published without needing the old leader's copy.
 *
 * Once across processes: a refresh's events are published with the content it moved the source from and to, in one
 * transaction with the source's shared content hash (SharedEvents.publish). When the shared store already has the
 * source at that content, the change was published (by this process before a crash, or by the leader before it,
 * whose file this process has now caught up with) and nothing is added; otherwise the events are news, whatever
 * contents came before, so a list that goes back to an earlier state is alerted again as it is on SQLite. The place
 * reached is kept in the local copy's meta table, moved after each refresh is published: a crash loses no event.
 */
import { partiesDirty } from '../recover';
import type { Db } from '../store/db';
import { getMeta, setMeta } from '../store/meta';
import { sourceStateFromRow, type SourceStateRow } from '../shared/rows';
import type { NewChangeEvent, SharedSourceState, SharedStore } from '../shared/types';
import { Router, type RoutedEvent } from './route';

/** The meta key of the last local event published (or passed over: see `passLocalEvents`). */
export const PUBLISHED_KEY = 'shared_published_event_id';
/** The detail key that carries what routing needs of an event published by another process. */
export const ROUTING_KEY = '$routing';

/** What routing needs of an event, computed by the process that has its record. */
export interface PublishedRouting {
  /** The content of the event's record when published (records.hash): tells a change computed twice from a new one. */
  recordHash?: string;
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
export function lastLocalEvent(db: Db): number {
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
 * A process that does not lead follows the leader's refreshes with its own copy: the events of such a refresh (those
 * after `before`, the last local event before it ran) are the leader's news, published by it, and are passed over.
 * Only when nothing before them waits to be published: events this process computed earlier and did not publish (it
 * led, and crashed before publishing) stay, to be published when it leads again (the shared store adds only what it
 * does not have).
 */
export function passLocalEvents(db: Db, before: number): boolean {
  if (publishedUpTo(db) < before) return false;
  setMeta(db, PUBLISHED_KEY, String(lastLocalEvent(db)));
  return true;
}

/** Publish the local events after the place reached, one refresh at a time; then the sources' states. */
export async function publishLocalEvents(db: Db, store: Pick<SharedStore, 'events' | 'sources'>): Promise<PublishReport> {
  // Events are routed by party (confirmations of another source's designation): wait while parties are rebuilt.
  if (partiesDirty(db)) return { read: 0, published: 0, deferred: 'parties are being rebuilt after a refresh' };
  const router = new Router(db);
  const refreshOf = db.prepare<[number], { content_hash: string | null; format: string; location: string }>(
    'SELECT r.content_hash, s.format, s.location FROM refreshes r JOIN sources s ON s.id = r.source_id WHERE r.id = ?',
  );
  const recordHash = db.prepare<[number], { hash: string }>('SELECT hash FROM records WHERE id = ?');
  const report: PublishReport = { read: 0, published: 0 };
  let cursor = publishedUpTo(db);
  for (;;) {
    // Whole refreshes at a time (eventsAfter reads the rest of the last refresh): one refresh routes as one digest.
    const events = router.eventsAfter(cursor, PAGE);
    if (!events.length) break;
    report.read += events.length;
    for (let from = 0; from < events.length; ) {
      const refreshId = events[from]!.refreshId;
      let to = from;
      while (to < events.length && events[to]!.refreshId === refreshId) to++;
      const own = events.slice(from, to);
      const refresh = refreshOf.get(refreshId);
      const source = own[0]!.source;
      const result = await store.events.publish({
        source: { id: source, format: refresh?.format ?? 'unknown', location: refresh?.location ?? '' },
        // A refresh without its content's hash (none is written so) is published as news, never taken for another.
        toHash: refresh?.content_hash ?? `refresh-${refreshId}-${own[0]!.at}`,
        events: own.map((e) => publishedEvent(e, recordHash.get(e.recordId)?.hash)),
      });
      report.published += result.added;
      cursor = own.at(-1)!.id;
      setMeta(db, PUBLISHED_KEY, String(cursor));
      from = to;
    }
  }
  await recordSourceStates(db, store);
  return report;
}

/** A local event as published: with what routing needs of it, computed here where its record is. */
function publishedEvent(e: RoutedEvent, recordHash: string | undefined): NewChangeEvent {
  const routing: PublishedRouting = {
    ...(recordHash ? { recordHash } : {}),
    countries: e.countries,
    facts: e.facts,
    retaliation: e.retaliation,
    ...(e.confirms ? { confirms: e.confirms } : {}),
  };
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
  };
}

/** The sources' states last recorded, per local copy: recorded again only when they changed. */
const recorded = new WeakMap<Db, string>();

/** Record the states again at the next turn (a new lead: another leader may have recorded its own meanwhile). */
export function forgetRecordedStates(db: Db): void {
  recorded.delete(db);
}

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
    .prepare<[], SourceStateRow>('SELECT id, format, location, status, content_hash, last_success_at, last_change_at, record_count, pending_removals FROM sources ORDER BY id')
    .all()
    .map(sourceStateFromRow);
}
