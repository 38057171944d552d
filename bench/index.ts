/**
 * Benchmark: our lookup() against the naive baseline (fuse.js over every stored name), on the real dataset
 * and on a dataset ten times larger, in one run on this machine. It measures; it is not a test.
 *
 *   npm run bench [-- --sources FILE] [--cases FILE] [--no-tenfold] [--full]
 *
 * Progress goes to stderr, the tables to stdout. Time budgets (BUDGETS below) keep a run near 3 minutes on 2
 * cores: a matcher too slow for the whole query set is timed on a subset spread over it (n shows "k/N
 * sample"), and the baseline at tenfold is probed and skipped when the whole set would take too long.
 * --full lifts the budgets (the fuse.js rows then take many minutes). --no-tenfold stops after the 1x rows.
 *
 * What the figures mean
 * - records / names: SELECT COUNT(*) FROM records / names in the database measured.
 * - build (1x): refreshSources of --sources (default ../shared/data/sources/current.json) into var/bench.db;
 *   "not-modified" runs cost nothing because unchanged sources are not parsed again.
 * - build (10x): var/bench.db copied to var/bench-10x.db, then 9 synthetic look-alike variants of every real
 *   record (bench/lib/synth.ts: city or prefix word swapped or added, letters changed, a pseudo-word inserted,
 *   legal suffix changed; same lists, stable ids) written to var/bench-synth/variant-N.json and ingested by the
 *   project's own refreshSources as 9 entities-json sources: "write" is making the files, "ingest" the
 *   refresh (parse, validate, diff, store, name index).
 * - query set: deterministic (seeded mulberry32): every eval query, 58 stored names (sampled from names in id
 *   order) for each of exact / lower-cased / one typo / legal suffix dropped / two words swapped / a prefix of
 *   the words, and 30 stored Chinese-character names. The same set is used for every row.
 * - p50 / p99 / max: per-query milliseconds (performance.now() around the one call), nearest-rank
 *   percentiles, warm. lookup(): after one untimed warm-up pass over the set. fuse.js keeps no per-query
 *   state, so its warm-up is 3 untimed calls at 1x (the JIT), and the 1x run already warmed the code for 10x.
 *   n is how many queries were timed; "k/N sample" marks a subset cut by the time budget.
 * - open+first (lookup): a new read-only handle (openDb(path, {readonly: true}), no migrations: the database
 *   was migrated by the refresh) and the first lookup of the process on that database, from before openDb to
 *   after lookup returns. In-process state the matcher keeps elsewhere (module caches) is not dropped.
 * - build (fuse.js): new Fuse(names, {keys: ['value'], includeScore, threshold 0.4, ignoreLocation}) over every
 *   row of names; "load" is reading the names from SQLite.
 * - answered: share of the timed queries with at least one result (lookup: at its default threshold; fuse:
 *   within threshold 0.4), so a fast row that answers nothing is visible.
 * - ratio: fuse.js / lookup per column, both taken on the queries both timed ("same k" when that is a subset;
 *   "(probe)" when fuse.js was skipped and only its probe exists). Above 1: lookup is faster.
 * - (*) skipped: the probe's queries, their total time and the whole set's time extrapolated from their mean.
 * - p99 10x/1x: lookup's p99 on the tenfold dataset over its p99 on the real one (target: within 3x).
 */
import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import Fuse from 'fuse.js';
import { table, thousands } from '../src/cli/table';
import { lookup } from '../src/core/lookup';
import { loadSourcesFile } from '../src/core/sources/config';
import { openDb } from '../src/core/store/db';
import { loadCases } from './lib/cases';
import { counts, DEFAULT_CASES, DEFAULT_SOURCES, loadDataset, repoPath, type Counts, type LoadReport } from './lib/dataset';
import { collectGarbage, mergeRuns, spreadOrder, timeAll, timeInOrder, type TimedRun } from './lib/measure';
import { buildQuerySet, type BenchQuery } from './lib/queries';
import { pct, shownPath } from './lib/report';
import { fmtMs, summarize } from './lib/stats';

/**
 * Time budgets in milliseconds, so that a run stays near 3 minutes on 2 cores (--full lifts the caps).
 * lookup(): its warm-up pass and its timed pass each stop starting new queries after their budget.
 * fuse.js at 1x: timed over the whole set, or over as much of a spread-out order as the budget allows.
 * fuse.js at 10x: a probe of up to 20 queries, capped in time; the rest runs only if the whole set fits
 * `fuseRest`, else the row says "skipped: too slow" with the probe extrapolated.
 */
const BUDGETS = {
  quick: { oursWarmup: 15_000, ours: 15_000, fuse1x: 35_000, probeCount: 20, probe: 40_000, fuseRest: 40_000 },
  full: { oursWarmup: Infinity, ours: Infinity, fuse1x: Infinity, probeCount: 20, probe: Infinity, fuseRest: 600_000 },
};
let BUDGET = BUDGETS.quick;
const USAGE = 'usage: npm run bench [-- --sources FILE] [--cases FILE] [--no-tenfold] [--full]';
const SEED = 20260711;
const VARIANTS = 9;

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

interface OursRun {
  openFirstMs: number;
  run: TimedRun<number>;
}

type FuseRun =
  | { mode: 'full' | 'sample'; loadMs: number; buildMs: number; run: TimedRun<number> }
  | { mode: 'skipped'; loadMs: number; buildMs: number; probe: TimedRun<number>; extrapolatedMs: number };

interface DatasetRow {
  label: string;
  path: string;
  counts: Counts;
  build: string;
}

function measureOurs(path: string, queries: BenchQuery[], label: string): OursRun {
  log(`${label}: lookup(): open + first query`);
  collectGarbage();
  const t0 = performance.now();
  const db = openDb(path, { readonly: true });
  try {
    lookup(db, queries[0]!.q, {});
    const openFirstMs = performance.now() - t0;
    log(`${label}: lookup(): warm-up and timed passes over ${queries.length} queries`);
    const run = timeAll(queries, (q) => lookup(db, q.q, {}).results.length, {
      warmupBudgetMs: BUDGET.oursWarmup,
      budgetMs: BUDGET.ours,
      beforeTimed: collectGarbage,
      onProgress: (done, of) => log(`${label}: lookup(): ${done}/${of}`),
    });
    return { openFirstMs, run };
  } finally {
    db.close();
  }
}

interface NameRow {
  record_id: number;
  value: string;
}

function measureFuse(path: string, queries: BenchQuery[], label: string, tenfold: boolean): FuseRun {
  log(`${label}: fuse.js: loading every name`);
  const db = openDb(path, { readonly: true });
  let names: NameRow[];
  const t0 = performance.now();
  try {
    names = db.prepare<[], NameRow>('SELECT record_id, value FROM names ORDER BY id').all();
  } finally {
    db.close();
  }
  const t1 = performance.now();
  log(`${label}: fuse.js: building over ${thousands(names.length)} names`);
  const fuse = new Fuse(names, { keys: ['value'], includeScore: true, threshold: 0.4, ignoreLocation: true });
  const t2 = performance.now();
  const loadMs = t1 - t0;
  const buildMs = t2 - t1;
  const search = (q: BenchQuery) => fuse.search(q.q, { limit: 10 }).length;
  collectGarbage();
  const order = spreadOrder(queries.length);
  const progress = (done: number) => {
    if (done % 25 === 0) log(`${label}: fuse.js: ${done} queries timed`);
  };

  if (!tenfold) {
    // Fuse keeps no per-query state: its warm-up is a few untimed calls for the JIT.
    for (const q of queries.slice(-3)) search(q);
    log(`${label}: fuse.js: timing up to ${queries.length} queries (budget ${seconds(BUDGET.fuse1x)})`);
    const run = timeInOrder(queries, order, search, { budgetMs: BUDGET.fuse1x, onProgress: progress });
    return { mode: run.n < queries.length ? 'sample' : 'full', loadMs, buildMs, run };
  }
  // Tenfold: the code is already warm from the 1x run. Probe, then all or nothing.
  log(`${label}: fuse.js: probing ${BUDGET.probeCount} queries (budget ${seconds(BUDGET.probe)})`);
  const probe = timeInOrder(queries, order, search, { maxCount: BUDGET.probeCount, budgetMs: BUDGET.probe, onProgress: progress });
  const extrapolatedMs = probe.mean * queries.length;
  if (extrapolatedMs - sum(probe.ms) > BUDGET.fuseRest) {
    log(`${label}: fuse.js: skipped (all ${queries.length} queries would take ~${seconds(extrapolatedMs)})`);
    return { mode: 'skipped', loadMs, buildMs, probe, extrapolatedMs };
  }
  log(`${label}: fuse.js: timing the other ${queries.length - probe.n} queries (~${seconds(extrapolatedMs - sum(probe.ms))})`);
  const rest = timeInOrder(queries, order.slice(probe.n), search, { onProgress: progress });
  return { mode: 'full', loadMs, buildMs, run: mergeRuns(probe, rest) };
}

function seconds(ms: number): string {
  return Number.isFinite(ms) ? `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s` : 'none';
}

function refreshWord(report: LoadReport): string {
  const outcomes = [...new Set(report.results.map((r) => r.outcome))].join('/');
  return `${outcomes} ${(report.ms / 1000).toFixed(1)}s`;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      sources: { type: 'string' },
      cases: { type: 'string' },
      'no-tenfold': { type: 'boolean' },
      full: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.full) BUDGET = BUDGETS.full;
  const started = performance.now();
  const sourcesPath = values.sources ? resolve(values.sources) : DEFAULT_SOURCES;
  const casesPath = values.cases ? resolve(values.cases) : DEFAULT_CASES;

  // a. Dataset
  const path1 = repoPath('var/bench.db');
  log(`refreshing ${shownPath(sourcesPath)} into ${shownPath(path1)}`);
  const load1 = await loadDataset(path1, loadSourcesFile(sourcesPath), (l) => log(l.trim()));
  for (const bad of load1.bad) log(`warning: source ${bad.source} ${bad.outcome}: ${bad.message ?? ''}`);

  // b. Query set (from a plain handle that runs no lookup, so the first lookup below is really the first)
  let queries: BenchQuery[];
  let counts1: Counts;
  {
    const db = openDb(path1, { readonly: true });
    try {
      counts1 = counts(db);
      queries = buildQuerySet(db, loadCases(casesPath).map((c) => c.q), { seed: SEED });
    } finally {
      db.close();
    }
  }
  const kinds = new Map<string, number>();
  for (const q of queries) kinds.set(q.kind, (kinds.get(q.kind) ?? 0) + 1);
  log(`${queries.length} queries`);

  const datasets: DatasetRow[] = [{ label: '1x', path: path1, counts: counts1, build: `refresh: ${refreshWord(load1)}` }];

  // c, d. One times
  const ours1 = measureOurs(path1, queries, '1x');
  const fuse1 = measureFuse(path1, queries, '1x', false);

  // e. Tenfold
  let ours10: OursRun | undefined;
  let fuse10: FuseRun | undefined;
  if (!values['no-tenfold']) {
    const path10 = repoPath('var/bench-10x.db');
    log(`10x: building ${shownPath(path10)} from ${shownPath(path1)} in a child process (bench/build-10x.ts)`);
    const child = spawnSync(process.execPath, [repoPath('bin/run.js'), repoPath('bench/build-10x.ts'), path1, path10, repoPath('var/bench-synth'), String(VARIANTS)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 16 * 1024 * 1024,
    });
    if (child.status !== 0) throw new Error(`building the tenfold dataset failed (exit ${child.status})`);
    const built = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as { items: number; writeMs: number; ingestMs: number; bad: string[] };
    for (const bad of built.bad) log(`10x: warning: source ${bad}`);
    const db10 = openDb(path10, { readonly: true });
    let counts10: Counts;
    try {
      counts10 = counts(db10);
    } finally {
      db10.close();
    }
    datasets.push({
      label: '10x',
      path: path10,
      counts: counts10,
      build: `${VARIANTS} synthetic sources, ${thousands(built.items)} records: write ${(built.writeMs / 1000).toFixed(1)}s, ingest ${(built.ingestMs / 1000).toFixed(1)}s${built.bad.length ? ` (${built.bad.length} not applied)` : ''}`,
    });
    ours10 = measureOurs(path10, queries, '10x');
    fuse10 = measureFuse(path10, queries, '10x', true);
  }

  // Output
  const out: string[] = [];
  const cpu = cpus();
  out.push(`Benchmark: node ${process.version}, ${process.platform} ${process.arch}, ${cpu.length} CPU(s) ${cpu[0]?.model.trim() ?? ''}`);
  out.push('');
  out.push(
    table(
      ['dataset', 'database', 'records', 'names', 'build'],
      datasets.map((d) => [d.label, shownPath(d.path), thousands(d.counts.records), thousands(d.counts.names), d.build]),
      ['l', 'l', 'r', 'r', 'l'],
    ),
  );
  out.push('');
  out.push(`Query set: ${queries.length} queries (seed ${SEED}): ${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')}`);
  out.push('');

  const rows: Array<Array<string | number>> = [];
  const oursRow = (label: string, o: OursRun) => [
    label,
    'lookup()',
    nLabel(o.run),
    fmtMs(o.run.p50),
    fmtMs(o.run.p99),
    fmtMs(o.run.max),
    fmtMs(o.openFirstMs),
    '-',
    pct(o.run.results.filter((n) => n > 0).length, o.run.results.length),
  ];
  const fuseRow = (label: string, f: FuseRun) =>
    f.mode === 'skipped'
      ? [label, 'fuse.js', 'skipped: too slow (*)', '', '', '', '-', `${fmtMs(f.buildMs)} (+load ${fmtMs(f.loadMs)})`, '']
      : [
          label,
          'fuse.js',
          nLabel(f.run),
          fmtMs(f.run.p50),
          fmtMs(f.run.p99),
          fmtMs(f.run.max),
          '-',
          `${fmtMs(f.buildMs)} (+load ${fmtMs(f.loadMs)})`,
          pct(f.run.results.filter((n) => n > 0).length, f.run.results.length),
        ];
  const ratioRow = (label: string, o: OursRun, f: FuseRun) => {
    // On the queries both timed (all of them, a sample, or the probe when fuse was skipped).
    const fr = f.mode === 'skipped' ? f.probe : f.run;
    const [a, b] = onSameQueries(o.run, fr);
    const note = a.n < queries.length ? `same ${a.n}${f.mode === 'skipped' ? ' (probe)' : ''}` : '';
    return [label, 'ratio fuse/lookup', note, ratio(b.p50, a.p50), ratio(b.p99, a.p99), ratio(b.max, a.max), '', '', ''];
  };
  rows.push(oursRow('1x', ours1), fuseRow('1x', fuse1), ratioRow('1x', ours1, fuse1));
  if (ours10 && fuse10) rows.push(oursRow('10x', ours10), fuseRow('10x', fuse10), ratioRow('10x', ours10, fuse10));
  out.push('Latency per query, ms, warm');
  out.push(table(['data', 'matcher', 'n', 'p50', 'p99', 'max', 'open+first', 'build', 'answered'], rows, ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'r']));
  if (fuse10?.mode === 'skipped') {
    const p = fuse10.probe;
    out.push(
      `(*) 10x fuse.js: ${p.n} queries took ${seconds(sum(p.ms))} (p50 ${fmtMs(p.p50)}, p99 ${fmtMs(p.p99)}, max ${fmtMs(p.max)} ms); ` +
        `all ${queries.length} extrapolated from their mean: ~${seconds(fuse10.extrapolatedMs)}` +
        (p.n < BUDGET.probeCount ? ` (probe stopped by its ${seconds(BUDGET.probe)} budget before ${BUDGET.probeCount} queries; --full runs all ${BUDGET.probeCount})` : ''),
    );
  }
  out.push('');
  if (ours10) {
    const r = ours10.run.p99 / ours1.run.p99;
    out.push(`Scaling: lookup() p99 10x/1x = ${fmtMs(ours10.run.p99)} / ${fmtMs(ours1.run.p99)} = ${r.toFixed(2)}x (target: within 3x) ${r <= 3 ? 'OK' : 'OVER'}`);
    out.push(`         lookup() p50 10x/1x = ${fmtMs(ours10.run.p50)} / ${fmtMs(ours1.run.p50)} = ${(ours10.run.p50 / ours1.run.p50).toFixed(2)}x`);
  } else out.push('Scaling: tenfold skipped (--no-tenfold)');
  out.push('');
  out.push(`Total run ${((performance.now() - started) / 1000).toFixed(0)}s.`);
  console.log(out.join('\n'));
  return 0;
}

function nLabel(run: TimedRun<number>): string {
  return run.n < run.of ? `${run.n}/${run.of} sample` : String(run.n);
}

/** Summaries of two runs restricted to the queries both timed. */
function onSameQueries(a: TimedRun<number>, b: TimedRun<number>): [ReturnType<typeof summarize>, ReturnType<typeof summarize>] {
  const inA = new Map(a.timed.map((q, j) => [q, a.ms[j]!]));
  const pairs = b.timed.flatMap((q, j) => (inA.has(q) ? [[inA.get(q)!, b.ms[j]!] as const] : []));
  return [summarize(pairs.map((p) => p[0])), summarize(pairs.map((p) => p[1]))];
}

function ratio(a: number, b: number): string {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b <= 0) return '-';
  const r = a / b;
  return r >= 10 ? `${r.toFixed(0)}x` : `${r.toFixed(1)}x`;
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

process.exitCode = await main(process.argv.slice(2));
