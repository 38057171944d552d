/**
 * One turn of the alert pipeline: source-health notices, routing of new events into the outbox, and a
 * delivery pass. Run after each refresh and every ALERT_POLL_MS (which also picks up refreshes that another
 * process, such as `npx sanctions refresh` from cron, wrote into the same database).
 */
import { writeLockFree } from '../store/busy';
import type { Db } from '../store/db';
import { noticeSourceHealth } from './health';
import { routeNewEvents } from './outbox';
import { DeliveryWorker, type DrainReport, type WorkerOptions } from './worker';

export class AlertPipeline {
  private readonly worker: DeliveryWorker;
  private timer?: NodeJS.Timeout;
  private turn?: Promise<DrainReport>;

  constructor(
    private readonly db: Db,
    private readonly options: WorkerOptions,
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
      routeNewEvents(this.db, this.options.now?.() ?? new Date());
      return this.worker.drain();
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
