/**
 * Delivered alerts are kept for a bounded time. Routing one refresh to 10,000 subscriptions claims about
 * 1.6 M (subscription, event) pairs, and every send leaves an attempt row: kept for good, the database grows
 * without end. Messages delivered more than ALERT_KEEP_DELIVERED_DAYS ago go, with their attempts and claims.
 *
 * What stays, whatever its age: a message someone acknowledged ("Seen / handled": the audit trail names it), and
 * every message not delivered (pending, sending, failed: status, `sanctions
 * outbox` and the retries read them) with its attempts and claims. Exactly-once does not rest on the claims of
 * delivered messages: a subscription's cursor moved past those events in the transaction that queued them,
 * and it never moves back (a channel that subscribes again starts at the newest event), so no event at or
 * before it is routed to that subscription again; the claims of messages still in the outbox keep refusing a
 * second claim as before.
 */
import type { Db } from '../store/db';
import { pruneBodies } from './outbox-payload';

export const DEFAULT_KEEP_DELIVERED_DAYS = 14;
const DEFAULT_BATCH = 5;

export interface PruneOptions {
  keepDays: number;
  now?: Date;
  /**
   * Messages removed per transaction (default 5: a digest carries a few hundred claims, about a thousand rows a
   * batch; the pipeline's connection keeps a small cache, so a batch of 10 held the event loop up to ~90 ms).
   */
  batch?: number;
}

export interface PruneReport {
  messages: number;
  attempts: number;
  claims: number;
}

/** One batch: the oldest delivered messages past the cutoff, with their attempts and claims, in one transaction. */
export function pruneDeliveredBatch(db: Db, options: PruneOptions): PruneReport {
  const cutoff = new Date((options.now ?? new Date()).getTime() - options.keepDays * 86_400_000).toISOString();
  const batch = options.batch ?? DEFAULT_BATCH;
  const ids = db
    .prepare<[string, number], { id: number }>(
      // An acknowledged message stays: its acknowledgement (who handled it, when) is part of the audit trail.
      "SELECT id FROM outbox WHERE state = 'delivered' AND delivered_at < ? AND NOT EXISTS (SELECT 1 FROM alert_acks a WHERE a.outbox_id = outbox.id) ORDER BY delivered_at LIMIT ?",
    )
    .all(cutoff, batch)
    .map((r) => r.id);
  const report: PruneReport = { messages: 0, attempts: 0, claims: 0 };
  if (!ids.length) return report;
  const list = JSON.stringify(ids);
  db.transaction(() => {
    // Only rows still delivered: a message cannot leave that state, but the check costs nothing.
    report.attempts = db.prepare<[string]>("DELETE FROM delivery_attempts WHERE outbox_id IN (SELECT o.id FROM outbox o, json_each(?) j WHERE o.id = j.value AND o.state = 'delivered')").run(list).changes;
    report.claims = db.prepare<[string]>("DELETE FROM deliveries WHERE outbox_id IN (SELECT o.id FROM outbox o, json_each(?) j WHERE o.id = j.value AND o.state = 'delivered')").run(list).changes;
    report.messages = db.prepare<[string]>("DELETE FROM outbox WHERE state = 'delivered' AND id IN (SELECT value FROM json_each(?))").run(list).changes;
  }).immediate();
  return report;
}

/** Every delivered message past the cutoff, batch by batch, yielding the event loop between batches. */
export async function pruneDelivered(db: Db, options: PruneOptions): Promise<PruneReport> {
  const total: PruneReport = { messages: 0, attempts: 0, claims: 0 };
  for (;;) {
    const r = pruneDeliveredBatch(db, options);
    total.messages += r.messages;
    total.attempts += r.attempts;
    total.claims += r.claims;
    if (r.messages < (options.batch ?? DEFAULT_BATCH)) {
      // The message bodies no row names any more (a body is shared by every channel that got that message).
      // Every run, not only one that removed messages: a run cut short before this step leaves none for ever.
      db.transaction(() => pruneBodies(db)).immediate();
      return total;
    }
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
