/**
 * Pruning of the shared outbox (PostgreSQL mode, issue 16), as prune.ts does on the SQLite file: messages delivered
 * more than ALERT_KEEP_DELIVERED_DAYS ago go, with their delivery attempts and deliveries rows, batch by batch (each
 * its own short transaction), and then the bodies no message names any more. What is not delivered (pending,
 * sending, failed) and what someone acknowledged stays. Exactly-once does not rest on the deliveries rows of
 * delivered messages: a subscription's cursor moved past those events when they were queued and never moves back.
 */
import type { SharedOutbox } from '../shared/types';
import { DEFAULT_KEEP_DELIVERED_DAYS } from './prune';

/** Messages per batch: a digest carries a few hundred deliveries rows, so a batch is some thousands of rows. */
const DEFAULT_BATCH = 50;

export interface SharedPruneOptions {
  keepDays?: number;
  now?: Date;
  batch?: number;
}

/** Every delivered message past the cutoff, batch by batch; how many were removed. */
export async function pruneShared(outbox: Pick<SharedOutbox, 'prune'>, options: SharedPruneOptions = {}): Promise<number> {
  const keepDays = options.keepDays ?? DEFAULT_KEEP_DELIVERED_DAYS;
  const before = new Date((options.now ?? new Date()).getTime() - keepDays * 86_400_000);
  const batch = options.batch ?? DEFAULT_BATCH;
  let total = 0;
  for (;;) {
    const removed = await outbox.prune(before, batch);
    total += removed;
    if (removed < batch) return total;
  }
}
