/**
 * The outbox: routing puts each subscription's new events into messages in the same transaction that
 * moves its cursor, so an event is queued for a channel exactly once, across restarts and crashes; the
 * delivery worker sends what is due through the platform's sink and records every attempt.
 */
import type { Reply } from '../commands/reply';
import { partiesDirty } from '../recover';
import type { Db } from '../store/db';
import { alertReplies, withAlertActions } from './messages';
import { Router } from './route';
import { SubscriptionStore, type Subscription } from './subscriptions';
import { HELD, queueDueSummaries } from './summaries';

export interface OutboxRow {
  id: number;
  subscription_id: number;
  platform: string;
  channel: string;
  kind: 'alert' | 'digest' | 'health';
  payload: string;
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
}

/** Route every event after each active subscription's cursor into the outbox. */
export function routeNewEvents(db: Db, now = new Date()): RouteReport {
  // Events are routed by party (watch terms, confirmations of another source's designation): while a refresh
  // of several sources has applied snapshots whose parties are not rebuilt yet, wait for it.
  if (partiesDirty(db)) return { events: 0, queued: 0, subscriptions: 0, deferred: 'parties are being rebuilt after a refresh' };
  const store = new SubscriptionStore(db);
  const router = new Router(db);
  const insert = db.prepare<[number, string, string, string, string, string, string], { id: number }>(
    "INSERT INTO outbox (subscription_id, platform, channel, kind, payload, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
  );
  const setPayload = db.prepare<[string, number]>('UPDATE outbox SET payload = ? WHERE id = ?');
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
  const watchCache = new Map<string, Map<number, string>>();
  const watchIndex = (terms: string[]) => {
    const k = JSON.stringify(terms);
    let index = watchCache.get(k);
    if (!index) watchCache.set(k, (index = router.watchIndex(terms)));
    return index;
  };
  for (const sub of store.all()) {
    if (sub.pausedReason) continue;
    db.transaction(() => {
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
      const replies = alertReplies(sub, selected);
      const digest = replies.length === 1 && selected.length > 1;
      // One message per reply; the events it covers are claimed for this subscription.
      replies.forEach((reply, i) => {
        const covered = digest ? selected : [selected[i]!];
        const row = insert.get(sub.id, sub.platform, sub.channel, digest ? 'digest' : 'alert', '{}', at, at)!;
        // The buttons (Show all, Acknowledge) name the message's own row.
        setPayload.run(JSON.stringify(withAlertActions(reply, row.id, digest, covered.length)), row.id);
        for (const e of covered) claim.run(sub.id, e.id, row.id);
        report.queued++;
      });
      store.advance(sub.id, events.at(-1)!.id);
      report.subscriptions++;
    }).immediate();
  }
  // Scheduled channels whose summary time has come: one summary each, of everything held for it.
  const summaries = queueDueSummaries(db, now);
  if (summaries) report.summaries = summaries;
  return report;
}

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
