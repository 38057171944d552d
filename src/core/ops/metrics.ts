/**
 * A small Prometheus registry: counters with labels and one latency histogram, rendered in the text
 * exposition format. Enough for lookups, refresh outcomes, deliveries and retries without a dependency.
 */
type Labels = Record<string, string>;

function key(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}="${labels[k]!.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');
}

/** Values by label set, rendered as one Prometheus metric of the given type. */
abstract class Labelled {
  protected readonly values = new Map<string, number>();
  protected abstract readonly type: 'counter' | 'gauge';
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  get(labels: Labels = {}): number {
    return this.values.get(key(labels)) ?? 0;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} ${this.type}`];
    for (const [k, v] of this.values) lines.push(`${this.name}${k ? `{${k}}` : ''} ${v}`);
    return lines.join('\n');
  }
}

class Counter extends Labelled {
  protected readonly type = 'counter';
  inc(labels: Labels = {}, by = 1): void {
    const k = key(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
}

class Gauge extends Labelled {
  protected readonly type = 'gauge';
  set(labels: Labels, value: number): void {
    this.values.set(key(labels), value);
  }
}

class Histogram {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: number[],
  ) {
    this.counts = buckets.map(() => 0);
  }
  observe(value: number): void {
    this.sum += value;
    this.count++;
    this.buckets.forEach((b, i) => {
      if (value <= b) this.counts[i]!++;
    });
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    this.buckets.forEach((b, i) => lines.push(`${this.name}_bucket{le="${b}"} ${this.counts[i]}`));
    lines.push(`${this.name}_bucket{le="+Inf"} ${this.count}`, `${this.name}_sum ${this.sum}`, `${this.name}_count ${this.count}`);
    return lines.join('\n');
  }
}


export const metrics = {
  lookups: new Counter('sanctions_lookups_total', 'Lookups answered, by platform.'),
  lookupSeconds: new Histogram('sanctions_lookup_duration_seconds', 'Time to answer a lookup.', [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5]),
  refreshes: new Counter('sanctions_refreshes_total', 'Source refreshes, by source and outcome.'),
  events: new Counter('sanctions_change_events_total', 'Change events found, by list and kind.'),
  deliveries: new Counter('sanctions_deliveries_total', 'Alert delivery attempts, by platform and outcome (delivered, retry, failed).'),
  refreshPeakRss: new Gauge('sanctions_refresh_peak_rss_bytes', 'Peak resident memory of the last refresh (its own child process).'),
  auditWriteFailures: new Counter('sanctions_audit_write_failures_total', 'Lookups the shared audit trail (DATABASE_URL) did not take, by platform.'),
  outbox: new Gauge('sanctions_outbox_messages', 'Alert messages in the outbox by state: pending (queued or being retried), failed (given up on, to be sent again).'),
  setOutbox(pending: number, failed: number): void {
    this.outbox.set({ state: 'pending' }, pending);
    this.outbox.set({ state: 'failed' }, failed);
  },
  render(): string {
    return [this.lookups, this.lookupSeconds, this.refreshes, this.events, this.deliveries, this.auditWriteFailures, this.outbox, this.refreshPeakRss].map((m) => m.render()).join('\n') + '\n';
  },
};
