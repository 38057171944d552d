/**
 * One turn of the alert pipeline on the shared store (PostgreSQL mode, issue 16), run by the leader: publish the
 * change events its refreshes found (shared-publish.ts), route every published event to the subscriptions
 * (shared-route.ts), and deliver what is due (shared-worker.ts). Every step is safe to run twice or in two
 * processes at once: publishing adds a refresh once (by the content it applied), routing moves a cursor only with its
 * messages, and a message is sent by the one worker that claimed it.
 */
import type { Db } from '../store/db';
import type { SharedStore } from '../shared/types';
import type { RouteReport } from './outbox';
import { forgetToldHealth, noticeSharedHealth } from './shared-health';
import { pruneShared } from './shared-prune';
import { forgetRecordedStates, publishLocalEvents, type PublishReport } from './shared-publish';
import { routeShared } from './shared-route';
import { SharedDeliveryWorker, type SharedWorkerOptions } from './shared-worker';
import type { DrainReport } from './worker';

export interface SharedTurnReport extends DrainReport {
  publish: PublishReport;
  route: RouteReport;
  /** Source-health notices queued (messages). */
  notices: number;
  /** Delivered messages pruned (older than keepDeliveredDays). */
  pruned: number;
}

export interface SharedPipelineOptions extends SharedWorkerOptions {
  /** Delivered messages are deleted this many days after delivery (ALERT_KEEP_DELIVERED_DAYS; default 14). */
  keepDeliveredDays?: number;
  /**
   * The sources this process's copy is behind the shared state on (it could not follow the last leader's refresh yet):
   * channels with watch terms wait for them (shared-route.ts). main.ts: the follower's due sources.
   */
  sourcesBehind?: () => Promise<ReadonlySet<string>>;
}

export class SharedAlertPipeline {
  readonly worker: SharedDeliveryWorker;
  private timer?: NodeJS.Timeout;
  private turn?: Promise<SharedTurnReport>;

  constructor(
    private readonly store: SharedStore,
    /** This process's local copy of the lists: where its refreshes' events are, and its lookup index (watch terms). */
    private readonly db: Db,
    private readonly options: SharedPipelineOptions,
  ) {
    this.worker = new SharedDeliveryWorker(store.outbox, options);
  }

  /** Publish, route and deliver; concurrent calls share one turn. */
  tick(): Promise<SharedTurnReport> {
    if (this.turn) return this.turn;
    const turn = (async () => {
      const publish = await publishLocalEvents(this.db, this.store);
      const notices = await noticeSharedHealth(this.db, this.store, this.options.now?.());
      const behind = await this.options.sourcesBehind?.();
      const route = await routeShared(this.store, this.db, { ...(this.options.now ? { now: this.options.now() } : {}), ...(behind ? { sourcesBehind: behind } : {}) });
      if (route.errors?.length) this.options.logger?.warn({ channels: route.errors.length, first: route.errors[0] }, `alert routing: the messages of ${route.errors.length} channel(s) could not be built; tried again next turn (first: ${route.errors[0]})`);
      const drained = await this.worker.drain();
      const pruned = await pruneShared(this.store.outbox, { keepDays: this.options.keepDeliveredDays, ...(this.options.now ? { now: this.options.now() } : {}) });
      return { ...drained, publish, route, notices, pruned };
    })();
    const guarded: Promise<SharedTurnReport> = turn.finally(() => {
      if (this.turn === guarded) this.turn = undefined;
    });
    this.turn = guarded;
    return guarded;
  }

  start(intervalMs: number, onError: (err: Error) => void = () => {}): void {
    this.worker.resume();
    // What this process remembers of its last lead (states recorded, statuses told) may be stale: asked again.
    forgetRecordedStates(this.db);
    forgetToldHealth(this.db);
    if (intervalMs <= 0) return;
    if (this.timer) clearInterval(this.timer);
    this.timer = setInterval(() => this.tick().catch(onError), intervalMs);
  }

  /**
   * Stop: no new turn, the worker sends nothing more (a turn still publishing or routing finds it stopped when it
   * gets to delivery), and the turn under way is waited for.
   */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.worker.stop();
    await this.turn?.catch(() => undefined);
  }
}
