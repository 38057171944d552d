/**
 * Routing on the shared store (PostgreSQL mode, issue 16): the same rules as routing on the SQLite file
 * (route.ts: lists, kinds, countries, watch terms, confirmations left out; messages.ts: one alert per event, a digest
 * when there are many), over the events the leader published (shared-publish.ts) and the subscriptions every process's
 * commands write. A subscription's messages and the move of its cursor are written in one transaction that holds
 * only while the cursor is still where this pass read it (SharedOutbox.route): two processes routing at once (a
 * leader handing over) queue each event for a channel once.
 *
 * A published event names its record by source and key, not by a process's local row id: the watch terms' parties
 * are found in this process's copy and matched to events by their records' source and key.
 *
 * A digest's full content (CSV and Markdown of every event) is attached when routed, stored with the message's
 * body once for every channel that gets the same digest. Messages carry no buttons here: "Show all" and
 * "Acknowledge" read and write the SQLite file's outbox.
 */
import type { Reply } from '../commands/reply';
import { partiesDirty } from '../recover';
import type { Db } from '../store/db';
import type { SharedStore, StoredChangeEvent, Subscription } from '../shared/types';
import { digestFiles, digestOrder } from './digest-files';
import { alertReplies } from './messages';
import { envelope, eventSetKey, type Envelope } from './outbox-payload';
import type { RouteReport } from './outbox';
import { cachedWatchIndex, Router, type RoutedEvent } from './route';
import { ROUTING_KEY, type PublishedRouting } from './shared-publish';

const EVENTS_PAGE = 5000;
/** Subscriptions written at once (the pool has 10 connections; commands and the worker keep the rest). */
const ROUTE_CONCURRENCY = 6;

/** A published event as routing reads it; `party` is the local party of its record (watch terms), when this copy has it. */
export function routedFromShared(e: StoredChangeEvent, party: number | undefined): RoutedEvent {
  const { [ROUTING_KEY]: routing, ...detail } = e.detail as Record<string, unknown> & { [ROUTING_KEY]?: PublishedRouting };
  return {
    ...e,
    detail,
    // An event whose record this copy does not have (yet) matches no watch term: never another party's id.
    partyId: party ?? -e.id,
    countries: routing?.countries ?? [],
    retaliation: routing?.retaliation ?? false,
    facts: routing?.facts ?? ({} as RoutedEvent['facts']),
    ...(routing?.confirms ? { confirms: routing.confirms } : {}),
  };
}

export interface SharedRouteOptions {
  now?: Date;
  /**
   * Sources this copy is behind the shared state on. A channel with watch terms is not routed past an event whose
   * record this copy does not have yet from such a source: a watch term is matched against this copy, and would miss
   * it. It waits (its cursor stays) until the copy has caught up; channels without watch terms are routed.
   */
  sourcesBehind?: ReadonlySet<string>;
}

/** Route the published events after each active subscription's cursor into the shared outbox. */
export async function routeShared(store: Pick<SharedStore, 'subscriptions' | 'events' | 'outbox' | 'transfer'>, db: Db, options: SharedRouteOptions = {}): Promise<RouteReport> {
  const now = options.now ?? new Date();
  // Events are matched to watch terms by their records' parties in this copy: wait while they are rebuilt.
  if (partiesDirty(db)) return { events: 0, queued: 0, subscriptions: 0, deferred: 'parties are being rebuilt after a refresh' };
  const router = new Router(db);
  const partyOf = db.prepare<[string, string], { id: number; party_id: number | null }>('SELECT id, party_id FROM records WHERE source_id = ? AND key = ?');
  const report: RouteReport = { events: 0, queued: 0, subscriptions: 0 };

  // Subscriptions mostly share a cursor: the events after it are read once per pass.
  const byCursor = new Map<number, Promise<RoutedEvent[]>>();
  const eventsAfter = (cursor: number): Promise<RoutedEvent[]> => {
    let events = byCursor.get(cursor);
    if (!events) byCursor.set(cursor, (events = readEventsAfter(cursor)));
    return events;
  };
  const readEventsAfter = async (cursor: number): Promise<RoutedEvent[]> => {
    const read = await store.events.since(cursor, EVENTS_PAGE);
    if (read.length === EVENTS_PAGE) {
      // Never part of a refresh: the rest of the last one read is read too, so that it makes one digest. Up to the
      // first event of another refresh, not past it: refresh ids are each publisher's own, and a later refresh of
      // another host may carry the same number (the cursor must never pass an event not read).
      const lastRefresh = read.at(-1)!.refreshId;
      for (let more = true; more; ) {
        const next = await store.events.since(read.at(-1)!.id, 1000);
        const same = next.findIndex((e) => e.refreshId !== lastRefresh);
        read.push(...(same < 0 ? next : next.slice(0, same)));
        more = same < 0 && next.length > 0;
      }
    }
    return read.map((e) => {
      const row = partyOf.get(e.source, e.record);
      return routedFromShared(e, row ? (row.party_id ?? row.id) : undefined);
    });
  };
  const { index: watchIndex } = cachedWatchIndex(router);
  // Channels with the same filters get the same messages: each distinct one is built (and written out) once per pass.
  const built = new Map<string, string[]>();
  const bodiesFor = (sub: Subscription, selected: RoutedEvent[]): string[] => {
    const key = `${sub.targets.join(',')}|${sub.countries.join(',')}|${selected.map((e) => `${e.id}${e.watch ? `=${e.watch}` : ''}`).join(',')}`;
    let bodies = built.get(key);
    if (!bodies) {
      if (built.size >= 64) built.clear();
      built.set(key, (bodies = withDigestFiles(alertReplies(sub, selected), selected, now).map((reply) => JSON.stringify(reply))));
    }
    return bodies;
  };
  // Every channel's watch terms, in one read.
  const terms = new Map<string, string[]>();
  for (const t of await store.transfer.watchTerms()) {
    const key = `${t.platform}\u0000${t.channel}`;
    (terms.get(key) ?? terms.set(key, []).get(key)!).push(t.term);
  }

  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  for (const sub of await store.subscriptions.list()) {
    if (failure !== undefined) break;
    if (sub.pausedReason) continue;
    const events = await eventsAfter(sub.cursor);
    if (!events.length) continue;
    report.events = Math.max(report.events, events.length);
    const watches = terms.get(`${sub.platform}\u0000${sub.channel}`) ?? [];
    if (watches.length && options.sourcesBehind?.size && events.some((e) => e.partyId < 0 && options.sourcesBehind!.has(e.source))) {
      report.waiting = (report.waiting ?? 0) + 1;
      continue;
    }
    let selected: RoutedEvent[];
    let bodies: string[];
    try {
      selected = router.select(sub, events, watchIndex(watches));
      bodies = bodiesFor(sub, selected);
    } catch (err) {
      // One channel's messages that cannot be built (an event this version cannot read) hold up that channel only:
      // its cursor stays, it is tried again next pass, and the others are routed.
      (report.errors ??= []).push(`${sub.platform} ${sub.channel}: ${(err as Error).message}`);
      continue;
    }
    const digest = bodies.length === 1 && selected.length > 1;
    const messages = bodies.map((body, i) => {
      const covered = digest ? selected : [selected[i]!];
      return {
        subscriptionId: sub.id,
        platform: sub.platform,
        channel: sub.channel,
        kind: digest ? ('digest' as const) : ('alert' as const),
        payload: envelope(digest, covered.length, digest ? eventSetKey(covered) : undefined),
        body,
        eventIds: covered.map((e) => e.id),
      };
    });
    // A few subscriptions' transactions at a time (each on a connection of the pool: a round trip each per statement).
    const writing: Promise<void> = store.outbox
      .route({ subscriptionId: sub.id, fromCursor: sub.cursor, toCursor: events.at(-1)!.id, messages }, now)
      .then(
        (written) => {
          // Not written: another process routed this subscription first, or a command paused it. Nothing is lost.
          if (!written) return;
          report.queued += messages.length;
          report.subscriptions++;
        },
        (err: unknown) => void (failure ??= err),
      )
      .finally(() => inFlight.delete(writing));
    inFlight.add(writing);
    if (inFlight.size >= ROUTE_CONCURRENCY) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  // The first failure (the database went away) is the pass's failure; what was written stays written, the rest is
  // routed by the next pass.
  if (failure !== undefined) throw failure;
  return report;
}

/** A digest goes out with every event it covers as CSV and Markdown, named by its day and event set. */
function withDigestFiles(replies: Reply[], selected: RoutedEvent[], now: Date): Reply[] {
  if (replies.length !== 1 || selected.length < 2) return replies;
  const reply = replies[0]!;
  const title = (reply.blocks.find((b) => b.type === 'heading') as { text?: string } | undefined)?.text ?? reply.summary;
  const stem = `sanctions-digest-${now.toISOString().slice(0, 10)}-${eventSetKey(selected).slice(0, 12)}`;
  return [{ ...reply, files: digestFiles(stem, title, digestOrder(selected)) }];
}

/**
 * The message to post for a claimed shared message: its body (shared by channels) with what the row keeps of its
 * own (its id, whether it is a digest of how many events), or the row's whole payload.
 */
export function sharedReply(outbox: number, payload: string, body: string | undefined): Reply {
  if (body === undefined) return JSON.parse(payload) as Reply;
  const own = JSON.parse(payload) as Envelope;
  return { ...(JSON.parse(body) as Reply), alert: { outbox, digest: own.digest, total: own.total } };
}
