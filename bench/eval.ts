/**
 * Matching evaluation: runs the eval cases through lookup() and scores them exactly as
 * ../shared/eval/README.md says. It measures; it is not a test (exit 0 whatever the scores).
 *
 *   npm run eval -- [--cases FILE]... [--db PATH] [--sources FILE] [--json]
 *
 * - cases: --cases FILE (may be repeated), default ../shared/eval/public.jsonl (beside the repository) and
 *   bench/eval-extra.jsonl (this repository's own cases: subsidiary, pinyin, chinese-place, latin-in-chinese,
 *   legal-form-typo, negative). Every line is validated; a bad file stops with exit 2 and "file:line: what is
 *   wrong". Categories are reported per file.
 * - dataset: --db PATH as it is; otherwise --sources (default ../shared/data/sources/current.json) refreshed
 *   into var/eval.db with the project's refreshSources (a second run re-parses nothing that did not change).
 * - judgement (bench/lib/judge.ts): a positive case passes when one of the first 3 results has a designation
 *   on an expected list and one of its names, folded (bench/lib/fold.ts), contains that expectation's name
 *   folded the same way; a negative case (expect null) passes when lookup, with default options, returns
 *   nothing.
 * - latency: of the lookup call only. "cold" is the first lookup of the process on a freshly opened handle
 *   (also shown with the open); "warm" is each case timed again after one untimed pass over all cases;
 *   p50/p99 are nearest-rank percentiles. The verdicts use the timed pass's results.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { table, thousands } from '../src/cli/table';
import { lookup, type LookupResult } from '../src/core/lookup';
import { ConfigError, loadSourcesFile } from '../src/core/sources/config';
import { openDb, StoreError } from '../src/core/store/db';
import { CasesError, loadCases, type EvalCase } from './lib/cases';
import { counts, DEFAULT_CASES, DEFAULT_SOURCES, loadDataset, repoPath, type Counts } from './lib/dataset';
import { judge, TOP_K, type JudgedResult, type Verdict } from './lib/judge';
import { clip, pct, shownPath } from './lib/report';
import { fmtMs, round, summarize, type LatencySummary } from './lib/stats';

const USAGE = 'usage: npm run eval -- [--cases FILE]... [--db PATH] [--sources FILE] [--json]';
const EXTRA_CASES = repoPath('bench/eval-extra.jsonl');

class UsageError extends Error {}

interface Outcome {
  c: EvalCase;
  /** The cases file, as shown. */
  file: string;
  verdict: Verdict;
  top: JudgedResult[];
}

interface CategoryRow {
  file: string;
  cat: string;
  cases: number;
  passed: number;
  positives: number;
  positives_passed: number;
  negatives: number;
  negatives_clean: number;
}

async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        cases: { type: 'string', multiple: true },
        db: { type: 'string' },
        sources: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const log = (line: string) => process.stderr.write(`${line}\n`);

  const casesPaths = values.cases?.length ? values.cases.map((c) => resolve(c)) : [DEFAULT_CASES, EXTRA_CASES];
  const files = casesPaths.map((path) => ({ path, shown: shownPath(path), cases: loadCases(path) }));
  const fileOf = new Map<EvalCase, string>();
  for (const f of files) for (const c of f.cases) fileOf.set(c, f.shown);
  const cases = files.flatMap((f) => f.cases);
  const casesPath = casesPaths.join(', ');

  let dbPath: string;
  if (values.db) {
    dbPath = resolve(values.db);
    if (!existsSync(dbPath)) throw new UsageError(`--db ${values.db}: no such database`);
    if (values.sources) log('eval: --db given, so --sources is ignored');
  } else {
    const sourcesPath = values.sources ? resolve(values.sources) : DEFAULT_SOURCES;
    dbPath = repoPath('var/eval.db');
    log(`eval: refreshing ${shownPath(sourcesPath)} into ${shownPath(dbPath)}`);
    const report = await loadDataset(dbPath, loadSourcesFile(sourcesPath), log);
    log(`eval: dataset ready in ${(report.ms / 1000).toFixed(1)}s`);
    for (const bad of report.bad) log(`eval: warning: source ${bad.source} ${bad.outcome}: ${bad.message ?? ''} (its previous data, if any, is used)`);
  }

  // Cold: a fresh handle and the first lookup of the process. openDb as the CLI opens it (migrations run),
  // read-only when the file cannot be written (a --db on a read-only path).
  const t0 = performance.now();
  const db = openDb(dbPath, { readonly: !writable(dbPath) });
  const t1 = performance.now();
  let outcomes: Outcome[];
  let cold: { first: number; openAndFirst: number };
  let warm: LatencySummary;
  let dataset: Counts;
  try {
    lookup(db, cases[0]!.q, {});
    const t2 = performance.now();
    cold = { first: t2 - t1, openAndFirst: t2 - t0 };
    dataset = counts(db);

    for (const c of cases) lookup(db, c.q, {}); // warm-up pass, untimed
    const ms: number[] = [];
    outcomes = cases.map((c) => {
      const started = performance.now();
      const response = lookup(db, c.q, {});
      ms.push(performance.now() - started);
      return { c, file: fileOf.get(c)!, verdict: judge(c, response.results), top: response.results };
    });
    warm = summarize(ms);
  } finally {
    db.close();
  }

  const rows = categoryRows(outcomes);
  const positives = outcomes.filter((o) => o.c.expect !== null);
  const negatives = outcomes.filter((o) => o.c.expect === null);
  const failures = outcomes.filter((o) => !o.verdict.pass);

  if (values.json) {
    const summary = {
      cases_file: casesPath,
      db: dbPath,
      dataset,
      categories: rows.map((r) => ({
        file: r.file,
        cat: r.cat,
        cases: r.cases,
        passed: r.passed,
        ...(r.positives ? { recall_at_3: round(r.positives_passed / r.positives, 4) } : {}),
        ...(r.negatives ? { clean: round(r.negatives_clean / r.negatives, 4) } : {}),
      })),
      overall: {
        cases: outcomes.length,
        positives: positives.length,
        positives_passed: positives.filter((o) => o.verdict.pass).length,
        recall_at_3: positives.length ? round(positives.filter((o) => o.verdict.pass).length / positives.length, 4) : null,
        negatives: negatives.length,
        negatives_clean: negatives.filter((o) => o.verdict.pass).length,
        clean: negatives.length ? round(negatives.filter((o) => o.verdict.pass).length / negatives.length, 4) : null,
      },
      latency_ms: {
        cold_first_query: round(cold.first),
        cold_open_and_first_query: round(cold.openAndFirst),
        warm: { n: warm.n, p50: round(warm.p50), p99: round(warm.p99), max: round(warm.max), mean: round(warm.mean) },
      },
      failures: failures.map((o) => ({
        q: o.c.q,
        cat: o.c.cat,
        expect: o.c.expect,
        why: o.verdict.why,
        ...(o.verdict.rank ? { rank: o.verdict.rank } : {}),
        top3: o.top.slice(0, TOP_K).map(brief),
      })),
    };
    console.log(JSON.stringify(summary));
    return 0;
  }

  const out: string[] = [];
  out.push(`Eval: ${cases.length} cases from ${files.map((f) => f.shown).join(' + ')} over ${shownPath(dbPath)} (${thousands(dataset.records)} records, ${thousands(dataset.names)} names)`);
  out.push('');
  out.push(
    table(
      ['cases file', 'category', 'cases', 'passed', `recall@${TOP_K} / clean`],
      rows.map((r) => [
        r.file,
        r.cat,
        r.cases,
        r.passed,
        [r.positives ? `${pct(r.positives_passed, r.positives)} recall` : '', r.negatives ? `${pct(r.negatives_clean, r.negatives)} clean` : '']
          .filter(Boolean)
          .join(', '),
      ]),
      ['l', 'l', 'r', 'r', 'r'],
    ),
  );
  out.push('');
  const pp = positives.filter((o) => o.verdict.pass).length;
  const nc = negatives.filter((o) => o.verdict.pass).length;
  out.push(`positives  recall@${TOP_K}: ${pp}/${positives.length} = ${pct(pp, positives.length)}`);
  out.push(`negatives  kept clean: ${nc}/${negatives.length} = ${pct(nc, negatives.length)}`);
  out.push(
    `latency    of the lookup call, ms: cold first query ${fmtMs(cold.first)} (open + first query ${fmtMs(cold.openAndFirst)}); ` +
      `warm p50 ${fmtMs(warm.p50)}, p99 ${fmtMs(warm.p99)}, max ${fmtMs(warm.max)} over ${warm.n} queries after one warm-up pass`,
  );
  out.push('');
  if (!failures.length) out.push('No failing case.');
  else {
    out.push(`Failing cases (${failures.length}), each with its top ${TOP_K}:`);
    for (const o of failures) {
      const expected = o.c.expect ? o.c.expect.map((e) => `${e.list} "${e.name}"`).join(' | ') : 'nothing';
      out.push(`  [${o.c.cat}] "${o.c.q}"  expected ${expected}: ${o.verdict.why}`);
      o.top.slice(0, TOP_K).forEach((r, i) => {
        const b = brief(r);
        out.push(`      ${i + 1}. ${clip(b.name, 60)}  score ${b.score.toFixed(3)}  ${b.how} on "${clip(b.matched, 50)}"  ${b.lists.join(', ')}`);
      });
    }
  }
  console.log(out.join('\n'));
  return 0;
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    accessSync(dirname(path), constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function brief(r: JudgedResult) {
  return { name: r.name, score: r.score, how: r.match.how, matched: r.match.name, lists: [...new Set(r.designations.map((d) => d.list))] };
}

function categoryRows(outcomes: Outcome[]): CategoryRow[] {
  const rows = new Map<string, CategoryRow>();
  for (const o of outcomes) {
    const key = `${o.file}\t${o.c.cat}`;
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { file: o.file, cat: o.c.cat, cases: 0, passed: 0, positives: 0, positives_passed: 0, negatives: 0, negatives_clean: 0 }));
    row.cases++;
    if (o.verdict.pass) row.passed++;
    if (o.c.expect === null) {
      row.negatives++;
      if (o.verdict.pass) row.negatives_clean++;
    } else {
      row.positives++;
      if (o.verdict.pass) row.positives_passed++;
    }
  }
  return [...rows.values()];
}

// The project's LookupResult must stay judgeable: a compile-time check that it has what the judge reads.
const _judgeable: (r: LookupResult) => JudgedResult = (r) => r;
void _judgeable;

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  if (err instanceof CasesError) {
    console.error(`eval: invalid cases file\n${err.message}`);
    process.exitCode = 2;
  } else if (err instanceof UsageError) {
    console.error(`eval: ${err.message}\n${USAGE}`);
    process.exitCode = 2;
  } else if (err instanceof ConfigError || err instanceof StoreError) {
    console.error(`eval: ${err.message}`);
    process.exitCode = 2;
  } else throw err;
}
