/**
 * One turn of the alert pipeline: source-health notices, routing of new events into the outbox, and a
 * delivery pass. Run after each refresh and every ALERT_POLL_MS (which also picks up refreshes that another
 * process, such as `npx sanctions refresh` from cron, wrote into the same database).
 */
import { writeLockFree } from '../store/busy';
import type { Db } from '../store/db';
import { noticeSourceHealth } from './health';
import { routeNewEventsInSlices } from './outbox';
import { DEFAULT_KEEP_DELIVERED_DAYS, pruneDelivered } from './prune';
import { DeliveryWorker, type DrainReport, type WorkerOptions } from './worker';

export interface PipelineOptions extends WorkerOptions {
  /** Delivered messages are deleted this many days after delivery (ALERT_KEEP_DELIVERED_DAYS). */
  keepDeliveredDays?: number;
}

export class AlertPipeline {
  private readonly worker: DeliveryWorker;
  private timer?: NodeJS.Timeout;
  private turn?: Promise<DrainReport>;

  constructor(
    private readonly db: Db,
    private readonly options: PipelineOptions,
  ) {
    this.worker = new DeliveryWorker(db, options);
  }

  /**
   * Route and deliver what is due; concurrent calls share one turn. While another process holds the write
   * lock (a refresh committing) the turn is skipped, not waited for: the next one picks everything up.
   */
  tick(): Promise<DrainReport> {
    if (this.turn) return this.turn;
    if (!writeLockFree(this.db)) return Promise.resolve({ delivered: 0, retried: 0, failed: 0, skipped: 'database busy' });
    const turn = (async () => {
      noticeSourceHealth(this.db);
      // In slices that yield the event loop: commands keep being answered while a refresh fans out.
      await routeNewEventsInSlices(this.db, this.options.now ? { now: this.options.now() } : {});
      const report = await this.worker.drain();
      // Delivered messages past their keep: batch by batch, yielding between batches.
      await pruneDelivered(this.db, { keepDays: this.options.keepDeliveredDays ?? DEFAULT_KEEP_DELIVERED_DAYS, ...(this.options.now ? { now: this.options.now() } : {}) });
      return report;
    })();
    // Cleared when settled, whichever way: a turn that finished before this line must not stay as the turn.
    this.turn = turn.finally(() => {
      if (this.turn === guarded) this.turn = undefined;
    });
    const guarded = this.turn;
    return guarded;
  }

  start(intervalMs: number, onError: (err: Error) => void = () => {}): void {
    if (intervalMs <= 0) return;
    this.timer = setInterval(() => this.tick().catch(onError), intervalMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.turn?.catch(() => undefined);
    await this.worker.stop();
  }
}
