/**
 * Refresh scheduling: each source on its own cron (the source's `cron`, else REFRESH_CRON), with a little
 * jitter so that many bots do not hit a publisher at the same second, and never two refreshes of one
 * source at once. Knows each source's next run, for `status` and /healthz.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { SourceConfig } from '../sources/config';

export interface SchedulerOptions {
  defaultCron: string;
  /** Largest random delay added to each run, in ms. */
  jitterMs?: number;
  run: (sources: SourceConfig[]) => Promise<void>;
  onError?: (err: Error) => void;
  /** Told the next run of every source when the schedule starts and after each run. */
  onPlanned?: (next: Map<string, string>) => void;
}

export class RefreshScheduler {
  private readonly tasks: Array<{ cron: string; task: ScheduledTask; sources: SourceConfig[] }> = [];
  private readonly busy = new Set<string>();

  constructor(private readonly options: SchedulerOptions) {}

  /** One task per distinct cron expression; a tick refreshes that expression's sources not already running. */
  start(sources: SourceConfig[]): void {
    const byCron = new Map<string, SourceConfig[]>();
    for (const s of sources) {
      const expr = s.cron ?? this.options.defaultCron;
      byCron.set(expr, [...(byCron.get(expr) ?? []), s]);
    }
    for (const [expr, group] of byCron) {
      const task = cron.schedule(expr, () => this.tick(group));
      this.tasks.push({ cron: expr, task, sources: group });
    }
    this.options.onPlanned?.(this.nextRuns());
  }

  private tick(group: SourceConfig[]): void {
    const ready = group.filter((s) => !this.busy.has(s.id));
    if (!ready.length) return;
    for (const s of ready) this.busy.add(s.id);
    const delay = Math.floor(Math.random() * (this.options.jitterMs ?? 20_000));
    setTimeout(() => {
      this.options
        .run(ready)
        .catch((err: Error) => this.options.onError?.(err))
        .finally(() => {
          for (const s of ready) this.busy.delete(s.id);
          this.options.onPlanned?.(this.nextRuns());
        });
    }, delay).unref();
  }

  /** The next scheduled run of each source (ISO time), for status. */
  nextRuns(): Map<string, string> {
    const out = new Map<string, string>();
    for (const { task, sources } of this.tasks) {
      const next = task.getNextRun();
      if (next) for (const s of sources) out.set(s.id, next.toISOString());
    }
    return out;
  }

  async stop(): Promise<void> {
    for (const { task } of this.tasks) {
      await task.stop();
      await task.destroy();
    }
    this.tasks.length = 0;
  }
}
