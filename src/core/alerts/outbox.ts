/**
 * The outbox: routing puts each subscription's new events into messages in the same transaction that
 * moves its cursor, so an event is queued for a channel exactly once, across restarts and crashes; the
 * delivery worker sends what is due through the platform's sink and records every attempt.
 */
import { performance } from 'node:perf_hooks';
import type { Reply } from '../commands/reply';
import { partiesDirty } from '../recover';
import { withoutWaiting } from '../store/busy';
import type { Db } from '../store/db';
import { alertReplies } from './messages';
import { BodyStore, envelope, eventSetKey } from './outbox-payload';
import { cachedWatchIndex, Router, type RoutedEvent } from './route';
import { SubscriptionStore, type Subscription } from './subscriptions';
import { HELD, queueDueSummaries } from './summaries';

export interface OutboxRow {
  id: number;
  subscription_id: number;
  platform: string;
  channel: string;
  kind: 'alert' | 'digest' | 'health';
  /** The whole message, or with a shared body (body_id) only the row's own part: read it with storedReply. */
  payload: string;
  body_id?: number | null;
  created_at: string;
  state: 'pending' | 'sending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: string;
  /** When the current run of retries began (the first attempt, or a retry by hand); null before any. */
  retry_since?: string | null;
  last_error?: string | null;
}

export interface RouteReport {
  events: number;
  queued: number;
  subscriptions: number;
  /** Events held for scheduled summaries, and summaries queued, this turn. */
  held?: number;
  summaries?: number;
  /** Why nothing was routed this turn (the next turn routes it). */
  deferred?: string;
  /** Channels whose messages could not be built this turn (tried again next turn), with why. */
  errors?: string[];
  /** Channels with watch terms waiting for this copy to catch up with the shared state (PostgreSQL mode). */
  waiting?: number;
}

/** Route every event after each active subscription's cursor into the outbox (at once, blocking: CLI and tests). */
export function routeNewEvents(db: Db, now = new Date()): RouteReport {
  const steps = routeSteps(db, now);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

export interface SliceOptions {
  now?: Date;
  /** Work this long at most before letting the event loop run (default 10 ms; one step can overrun it). */
  sliceMs?: number;
  /** Told how long each slice held the event loop (the bench's measure). */
  onSlice?: (ms: number) => void;
}

/**
 * The same routing in slices: after at most `sliceMs` of work (a few subscriptions) it yields to the event loop
 * (setImmediate), so that a bot routing one refresh to 10,000 channels still answers commands meanwhile. Each
 * slice is one transaction (each subscription in it a savepoint: its messages, claims and cursor together), so a
 * commit is paid per slice rather than per channel, and yielding between slices keeps exactly-once as it is;
 * another process routing at the same time claims nothing twice (the cursor moves with the claims, and the
 * deliveries key refuses a second claim). A slice starts only when the write lock is free at once: while another
 * process holds it (a refresh committing), routing waits on a timer, never with the event loop stopped.
 */
export async function routeNewEventsInSlices(db: Db, options: SliceOptions = {}): Promise<RouteReport> {
  const sliceMs = options.sliceMs ?? 10;
  const steps = routeSteps(db, options.now ?? new Date());
  let report: RouteReport | undefined;
  const slice = db.transaction((start: number) => {
    for (;;) {
      const step = steps.next();
      if (step.done) {
        report = step.value;
        return;
      }
      if (performance.now() - start >= sliceMs) return;
    }
  });
  for (;;) {
    const start = performance.now();
    // In memory (tests) there is no other writer: the slice's own transaction is enough.
    const own = !db.inTransaction && !db.memory;
    if (own && !withoutWaiting(db, () => db.exec('BEGIN IMMEDIATE'))) {
      await new Promise<void>((resolve) => setTimeout(resolve, LOCK_RETRY_MS));
      continue;
    }
    try {
      slice(start);
      if (own) db.exec('COMMIT');
    } catch (err) {
      if (own && db.inTransaction) db.exec('ROLLBACK');
      throw err;
    }
    options.onSlice?.(performance.now() - start);
    if (report) return report;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** How long routing waits before trying again for a write lock another process holds. */
const LOCK_RETRY_MS = 25;

/** Routing as steps of one subscription each; the generator's value is the report. */
function* routeSteps(db: Db, now: Date): Generator<void, RouteReport, void> {
  // Events are routed by party (watch terms, confirmations of another source's designation): while a refresh
  // of several sources has applied snapshots whose parties are not rebuilt yet, wait for it.
  if (partiesDirty(db)) return { events: 0, queued: 0, subscriptions: 0, deferred: 'parties are being rebuilt after a refresh' };
  const store = new SubscriptionStore(db);
  const router = new Router(db);
  const insert = db.prepare<[number, string, string, string, string, number, string, string], { id: number }>(
    'INSERT INTO outbox (subscription_id, platform, channel, kind, payload, body_id, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id',
  );
  const bodies = new BodyStore(db);
  const claim = db.prepare<[number, number, number]>('INSERT OR IGNORE INTO deliveries (subscription_id, event_id, outbox_id) VALUES (?, ?, ?)');
  const report: RouteReport = { events: 0, queued: 0, subscriptions: 0 };
  const at = now.toISOString();
  // Subscriptions mostly share a cursor: read the events (with their parties) once per cursor per pass.
  const byCursor = new Map<number, ReturnType<Router['eventsAfter']>>();
  const eventsAfter = (cursor: number) => {
    let events = byCursor.get(cursor);
    if (!events) byCursor.set(cursor, (events = router.eventsAfter(cursor)));
    return events;
  };
  // Watch terms are looked up (the lookup matcher) once per term per pass, each in a step of its own.
  const { index: watchIndex, terms: termCache } = cachedWatchIndex(router);
  // Channels with the same filters get the same messages: each distinct one is built once per pass.
  const replyCache = new Map<string, Reply[]>();
  const replyKey = (sub: Subscription, selected: RoutedEvent[]) =>
    `${sub.targets.join(',')}|${(sub.countries ?? []).join(',')}|${selected.map((e) => `${e.id}${e.watch ? `=${e.watch}` : ''}`).join(',')}`;
  const repliesFor = (sub: Subscription, selected: RoutedEvent[]): Reply[] => {
    const key = replyKey(sub, selected);
    let replies = replyCache.get(key);
    if (!replies) {
      if (replyCache.size >= 64) replyCache.clear();
      replyCache.set(key, (replies = alertReplies(sub, selected)));
    }
    return replies;
  };
  yield;
  for (const listed of subscriptionPages(store)) {
    if (listed.pausedReason) continue;
    // The costly first reads of a pass (the events after a cursor, a watch term's lookup) get steps of their own,
    // so that no single step holds the event loop for long.
    if (!byCursor.has(listed.cursor)) {
      eventsAfter(listed.cursor);
      yield;
    }
    for (const term of store.watchTerms(listed.platform, listed.channel)) {
      if (termCache.has(term)) continue;
      termCache.set(term, router.watchIndex([term]));
      yield;
    }
    // A message not built yet this pass (a digest of hundreds of events) is built in a step of its own too; the
    // transaction below selects again and finds it built (unless the subscription changed meanwhile).
    if (!listed.schedule || listed.schedule.every === 'live') {
      const events = eventsAfter(listed.cursor);
      const selected = events.length ? router.select(listed, events, watchIndex(store.watchTerms(listed.platform, listed.channel))) : [];
      if (selected.length && !replyCache.has(replyKey(listed, selected))) {
        repliesFor(listed, selected);
        yield;
      }
    }
    db.transaction(() => {
      // Read again inside the transaction: between slices a command may have changed or paused it, or another
      // process routed it (its cursor moved).
      const sub = store.get(listed.platform, listed.channel);
      if (!sub || sub.id !== listed.id || sub.pausedReason) return;
      const events = eventsAfter(sub.cursor);
      if (!events.length) return;
      report.events = Math.max(report.events, events.length);
      // The cursor moves in this same transaction, so these events were never queued for this subscription;
      // the deliveries key would refuse a second claim anyway.
      const selected = router.select(sub, events, watchIndex(store.watchTerms(sub.platform, sub.channel)));
      if (sub.schedule && sub.schedule.every !== 'live') {
        // A scheduled channel: claimed now (once, as ever), held for its next summary (summaries.ts).
        for (const e of selected) claim.run(sub.id, e.id, HELD);
        report.held = (report.held ?? 0) + selected.length;
        store.advance(sub.id, events.at(-1)!.id);
        report.subscriptions++;
        return;
      }
      const replies = repliesFor(sub, selected);
      const digest = replies.length === 1 && selected.length > 1;
      // One message per reply; the events it covers are claimed for this subscription.
      replies.forEach((reply, i) => {
        const covered = digest ? selected : [selected[i]!];
        // The message body is stored once for every channel that gets it; the row keeps what its buttons (Show
        // all, Acknowledge) need, and they name the row itself (outbox-payload.ts).
        const row = insert.get(sub.id, sub.platform, sub.channel, digest ? 'digest' : 'alert', envelope(digest, covered.length, digest ? eventSetKey(covered) : undefined), bodies.idFor(reply), at, at)!;
        for (const e of covered) claim.run(sub.id, e.id, row.id);
        report.queued++;
      });
      store.advance(sub.id, events.at(-1)!.id);
      report.subscriptions++;
    }).immediate();
    yield;
  }
  // Scheduled channels whose summary time has come: one summary each, of everything held for it.
  const summaries = queueDueSummaries(db, now);
  if (summaries) report.summaries = summaries;
  return report;
}

/** Every subscription, read a page at a time (each page read is a step of its own: the caller yields after it). */
function* subscriptionPages(store: SubscriptionStore): Generator<Subscription, void, void> {
  let after = 0;
  for (;;) {
    const page = store.page(after, SUBSCRIPTION_PAGE);
    if (!page.length) return;
    for (const s of page) yield s;
    after = page.at(-1)!.id;
  }
}
const SUBSCRIPTION_PAGE = 500;

/** Queue a one-off notice (source health) for the subscriptions that asked for them. */
export function queueHealthNotice(db: Db, reply: Reply, now = new Date()): number {
  const subs = new SubscriptionStore(db).all().filter((s: Subscription) => s.health && !s.pausedReason);
  const insert = db.prepare('INSERT INTO outbox (subscription_id, platform, channel, kind, payload, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const at = now.toISOString();
  db.transaction(() => {
    for (const s of subs) insert.run(s.id, s.platform, s.channel, 'health', JSON.stringify(reply), at, at);
  }).immediate();
  return subs.length;
}

export function outboxBacklog(db: Db): { pending: number; failed: number; oldest: string | null } {
  const row = db
    .prepare<[], { pending: number; failed: number; oldest: string | null }>(
      "SELECT SUM(state IN ('pending', 'sending')) AS pending, SUM(state = 'failed') AS failed, MIN(CASE WHEN state IN ('pending', 'sending') THEN created_at END) AS oldest FROM outbox",
    )
    .get()!;
  return { pending: row.pending ?? 0, failed: row.failed ?? 0, oldest: row.oldest };
}
