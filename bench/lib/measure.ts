/**
 * Timing a function over a query set: a warm-up pass, then each call timed with performance.now(). A time
 * budget keeps slow candidates bounded: when the warm-up shows that the whole set would not fit, the timed
 * pass runs on an evenly spaced subset, and the summary says so.
 */
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { summarize, type LatencySummary } from './stats';

export interface TimedRun<R> extends LatencySummary {
  /** Queries in the set. */
  of: number;
  /** Per-call milliseconds of the timed pass, in query order of the (sub)set. */
  ms: number[];
  /** Indexes (into the query set) that were timed. */
  timed: number[];
  results: R[];
  /** The whole set's time at the measured mean, when only a subset was timed. */
  extrapolatedMs?: number;
}

export interface TimeOptions {
  /** Most milliseconds the warm-up pass may take; it stops early after that (default: unbounded). */
  warmupBudgetMs?: number;
  /** Most milliseconds the timed pass should take; a subset is timed when the full set would not fit. */
  budgetMs?: number;
  onProgress?: (done: number, of: number) => void;
  /** Called between the warm-up and the timed pass (e.g. collectGarbage). */
  beforeTimed?: () => void;
}

export function timeAll<Q, R>(queries: readonly Q[], fn: (q: Q) => R, options: TimeOptions = {}): TimedRun<R> {
  const n = queries.length;
  const warmBudget = options.warmupBudgetMs ?? Infinity;
  const warmStart = performance.now();
  let warmed = 0;
  while (warmed < n && performance.now() - warmStart < warmBudget) fn(queries[warmed++]!);
  const perQuery = warmed ? (performance.now() - warmStart) / warmed : 0;

  const budget = options.budgetMs ?? Infinity;
  const fits = perQuery * n <= budget;
  const k = fits ? n : Math.max(1, Math.min(n, Math.floor(budget / Math.max(perQuery, 1e-6))));
  const timed = evenlySpaced(n, k);
  options.beforeTimed?.();
  const ms: number[] = [];
  const results: R[] = [];
  timed.forEach((i, j) => {
    const t0 = performance.now();
    const r = fn(queries[i]!);
    ms.push(performance.now() - t0);
    results.push(r);
    if (options.onProgress && (j + 1) % 50 === 0) options.onProgress(j + 1, timed.length);
  });
  const summary = summarize(ms);
  return { ...summary, of: n, ms, timed, results, ...(k < n ? { extrapolatedMs: summary.mean * n } : {}) };
}

/** k indexes spread evenly over 0..n-1 (all of them when k >= n). */
export function evenlySpaced(n: number, k: number): number[] {
  if (k >= n) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: k }, (_, j) => Math.floor((j * n) / k));
}

/** Milliseconds one call takes, and its value. */
export function timeOne<R>(fn: () => R): { ms: number; value: R } {
  const t0 = performance.now();
  const value = fn();
  return { ms: performance.now() - t0, value };
}

export async function timeOneAsync<R>(fn: () => Promise<R>): Promise<{ ms: number; value: R }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

/**
 * An order of 0..n-1 in which every prefix is spread over the whole range (0, n/2, n/4, 3n/4, ...), so a run
 * cut short by its time budget has still sampled every part of the query set.
 */
export function spreadOrder(n: number): number[] {
  let bits = 0;
  while (1 << bits < n) bits++;
  const out: number[] = [];
  for (let i = 0; i < 1 << bits; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) if (i & (1 << b)) r |= 1 << (bits - 1 - b);
    if (r < n) out.push(r);
  }
  return out;
}

export interface BudgetOptions {
  /** Stop after this many timed calls. */
  maxCount?: number;
  /** Stop starting new calls once this many milliseconds have passed (at least one call is made). */
  budgetMs?: number;
  onProgress?: (done: number) => void;
}

/** Time fn on queries[order[0]], queries[order[1]], ... until the order, maxCount or the budget runs out. */
export function timeInOrder<Q, R>(queries: readonly Q[], order: readonly number[], fn: (q: Q) => R, options: BudgetOptions = {}): TimedRun<R> {
  const started = performance.now();
  const ms: number[] = [];
  const results: R[] = [];
  const timed: number[] = [];
  for (const i of order) {
    if (timed.length >= (options.maxCount ?? Infinity)) break;
    if (timed.length && performance.now() - started > (options.budgetMs ?? Infinity)) break;
    const t0 = performance.now();
    results.push(fn(queries[i]!));
    ms.push(performance.now() - t0);
    timed.push(i);
    options.onProgress?.(timed.length);
  }
  const summary = summarize(ms);
  return { ...summary, of: queries.length, ms, timed, results, ...(timed.length < queries.length ? { extrapolatedMs: summary.mean * queries.length } : {}) };
}

/** Two runs over disjoint parts of the same query set, as one. */
export function mergeRuns<R>(a: TimedRun<R>, b: TimedRun<R>): TimedRun<R> {
  const ms = [...a.ms, ...b.ms];
  const timed = [...a.timed, ...b.timed];
  const summary = summarize(ms);
  return { ...summary, of: a.of, ms, timed, results: [...a.results, ...b.results], ...(timed.length < a.of ? { extrapolatedMs: summary.mean * a.of } : {}) };
}

let gc: (() => void) | undefined;

/**
 * A full garbage collection, so that the garbage of an earlier phase (a refresh, another matcher's index)
 * is not collected in the middle of a timed pass. Uses V8's gc() without needing --expose-gc on the command
 * line; a no-op if the runtime refuses.
 */
export function collectGarbage(): void {
  if (!gc) {
    try {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    } catch {
      gc = () => {};
    }
  }
  gc();
}
