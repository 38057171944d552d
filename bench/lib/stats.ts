/** Latency summaries. Percentiles use the nearest-rank method: the smallest value with at least p% at or below it. */

export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return NaN;
  if (p <= 0) return Math.min(...values);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export interface LatencySummary {
  n: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(ms: readonly number[]): LatencySummary {
  return {
    n: ms.length,
    p50: percentile(ms, 50),
    p99: percentile(ms, 99),
    max: ms.length ? Math.max(...ms) : NaN,
    mean: ms.length ? ms.reduce((a, b) => a + b, 0) / ms.length : NaN,
  };
}

/** Milliseconds for people: 0.123, 1.23, 12.3, 123. */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  if (ms < 1) return ms.toFixed(3);
  if (ms < 10) return ms.toFixed(2);
  if (ms < 100) return ms.toFixed(1);
  return ms.toFixed(0);
}

export function round(ms: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(ms * f) / f;
}
