/**
 * Scheduled summaries. A channel on a daily or weekly schedule has its events routed as ever (each claimed once
 * in `deliveries`, in the transaction that moves its cursor), but held (outbox_id 0) instead of sent. When the
 * summary is due, one transaction queues ONE digest message that takes over every held event and moves the
 * subscription's next summary time on: a summary is queued once, even across crashes and restarts, and the
 * delivery worker sends it exactly as any alert (retries, confirmation after a crash). A bot that was down over
 * several summary times sends one summary covering all of it, then keeps to the schedule.
 */
import type { Block, Reply } from '../commands/reply';
import { listInfo } from '../lists';
import type { Db } from '../store/db';
import { EventStore } from '../store/events';
import { FactsReader } from './facts';
import { alertReplies, withAlertActions } from './messages';
import { Router, type RoutedEvent } from './route';
import { describeSchedule, LIVE, localTime, nextSummary, type Schedule } from './schedule';
import { followedLists, SubscriptionStore, type Subscription } from './subscriptions';
import { digestOrder } from './digest-files';

/** deliveries.outbox_id of an event held for the subscription's next summary. */
export const HELD = 0;

/** How many events wait for a subscription's next summary. */
export function heldCount(db: Db, subscriptionId: number): number {
  return db.prepare<[number, number], { n: number }>('SELECT COUNT(*) AS n FROM deliveries WHERE subscription_id = ? AND outbox_id = ?').get(subscriptionId, HELD)!.n;
}

/** "2026-12-02 08:00 Europe/Berlin". */
export function zoneTime(at: Date | string, tz: string): string {
  const l = localTime(typeof at === 'string' ? new Date(at) : at, tz);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${l.year}-${p(l.month)}-${p(l.day)} ${p(l.hour)}:${p(l.minute)} ${tz}`;
}

/** The held events of a message's rows, with facts, and marked as watch hits by the channel's watch terms now. */
function summaryEvents(db: Db, outboxId: number, sub: Subscription): RoutedEvent[] {
  const facts = new FactsReader(db);
  const router = new Router(db);
  const watched = router.watchIndex(new SubscriptionStore(db).watchTerms(sub.platform, sub.channel));
  const events = new EventStore(db).ofMessage(outboxId).map((e): RoutedEvent => {
    const f = facts.facts(e);
    const partyId = Number(f.partyId.slice(1));
    const watch = e.kind === 'added' || e.kind === 'changed' ? watched.get(partyId) : undefined;
    return { ...e, partyId, countries: f.countries, retaliation: listInfo(e.list).side === 'cn', facts: f, ...(watch ? { watch } : {}) };
  });
  return digestOrder(events);
}

/** The summary message: a heading for the period, then the digest of its events (or a line saying there were none). */
export function summaryReply(sub: Subscription, schedule: Exclude<Schedule, { every: 'live' }>, events: RoutedEvent[], since: string, until: string): Reply {
  const tz = schedule.tz;
  const title = `${schedule.every === 'daily' ? 'Daily' : 'Weekly'} summary: ${events.length ? `${events.length} list change${events.length === 1 ? '' : 's'}` : 'no list changes'} from ${zoneTime(since, tz)} to ${zoneTime(until, tz)}`;
  const blocks: Block[] = [{ type: 'heading', text: title }];
  if (events.length) {
    const replies = alertReplies(sub, events);
    const digest = events.length > 1 && replies.length === 1;
    for (const r of replies) blocks.push(...r.blocks);
    if (!digest && events.length > 1) blocks.push({ type: 'text', text: `All ${events.length} are in the attached files (CSV, Markdown).` });
  } else {
    blocks.push({ type: 'text', text: 'Nothing was added, removed, suspended or changed on the lists this channel follows in this period.' });
  }
  blocks.push({ type: 'text', text: `This channel takes its alerts as ${describeSchedule(schedule)}; the chart shows designations per list over the last 8 weeks.` });
  return { blocks, summary: title, private: false };
}

/**
 * Queue the summary of everything held for this subscription, closing the period at `until`, and set the next
 * one due at `nextDue` (undefined: the channel went live). Call inside a transaction.
 */
function queueSummary(db: Db, sub: Subscription, schedule: Exclude<Schedule, { every: 'live' }>, until: Date, nextDue: Date | undefined, now: Date): number {
  const at = now.toISOString();
  const row = db
    .prepare<[number, string, string, string, string], { id: number }>(
      "INSERT INTO outbox (subscription_id, platform, channel, kind, payload, created_at, next_attempt_at) VALUES (?, ?, ?, 'digest', '{}', ?, ?) RETURNING id",
    )
    .get(sub.id, sub.platform, sub.channel, at, at)!;
  db.prepare<[number, number, number]>('UPDATE deliveries SET outbox_id = ? WHERE subscription_id = ? AND outbox_id = ?').run(row.id, sub.id, HELD);
  const since = sub.summarySince ?? at;
  const events = summaryEvents(db, row.id, sub);
  const reply = summaryReply(sub, schedule, events, since, until.toISOString());
  const lists = followedLists({ targets: sub.targets, excluded: sub.excluded });
  const queued = withAlertActions(reply, row.id, events.length > 0, events.length);
  queued.alert = { ...queued.alert!, summary: { every: schedule.every, since, until: until.toISOString(), lists } };
  db.prepare<[string, number]>('UPDATE outbox SET payload = ? WHERE id = ?').run(JSON.stringify(queued), row.id);
  if (nextDue) new SubscriptionStore(db).summaryQueued(sub.id, until.toISOString(), nextDue.toISOString());
  return row.id;
}

/** Queue every summary that is due at `now`: one message per scheduled channel, whatever it holds. */
export function queueDueSummaries(db: Db, now = new Date()): number {
  const store = new SubscriptionStore(db);
  let queued = 0;
  for (const candidate of store.summariesDue(now.toISOString())) {
    if (!candidate.schedule || candidate.schedule.every === 'live' || candidate.pausedReason || !candidate.summaryDueAt || candidate.summaryDueAt > now.toISOString()) continue;
    db.transaction(() => {
      // Read again under the write lock: another process may have queued this summary meanwhile.
      const sub = store.get(candidate.platform, candidate.channel);
      if (!sub || sub.id !== candidate.id || !sub.schedule || sub.schedule.every === 'live' || !sub.summaryDueAt || sub.summaryDueAt > now.toISOString()) return;
      const due = new Date(sub.summaryDueAt);
      // Several summary times missed (the bot was down): one summary up to now, then the schedule again.
      const until = now.getTime() - due.getTime() > 60_000 ? now : due;
      queueSummary(db, sub, sub.schedule, until, nextSummary(sub.schedule, until)!, now);
      queued++;
    }).immediate();
  }
  return queued;
}

/**
 * Change when a channel takes its alerts. Going live, the events held for the old schedule go out at once as a
 * summary of the period so far (nothing is lost or sent twice). Moving a schedule to another time or day keeps
 * what is held (and the period's start) for the next summary at the new time. A new schedule counts from now.
 */
export function changeSchedule(db: Db, sub: Subscription, schedule: Schedule, now = new Date()): { flushed: number; held: number } {
  let flushed = 0;
  let held = 0;
  db.transaction(() => {
    const old = sub.schedule ?? LIVE;
    if (old.every !== 'live' && schedule.every === 'live') {
      flushed = heldCount(db, sub.id);
      if (flushed) queueSummary(db, { ...sub }, old, now, undefined, now);
    } else if (old.every !== 'live') held = heldCount(db, sub.id);
    new SubscriptionStore(db).setSchedule(sub.id, schedule, now, old.every !== 'live');
  }).immediate();
  return { flushed, held };
}

/** Same schedule (the command repeated)? */
export function sameSchedule(a: Schedule, b: Schedule): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
