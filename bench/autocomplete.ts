/**
 * Benchmark: type-ahead (core/suggest, what Discord autocomplete now calls) against the autocomplete it replaced
 * (lookup() of the typed text with the review band: bench/lib/old-autocomplete.ts), on the real dataset, in one
 * run on this machine. It measures; it is not a test.
 *
 *   npm run bench:autocomplete [-- --sources FILE] [--count N] [--han-share F]
 *
 * Progress goes to stderr, the tables to stdout.
 *
 * What the figures mean
 * - prefix set: deterministic (seeded mulberry32): N prefixes (default 1,000), of which a share (default 0.2) of
 *   Chinese-script names (every stored name in Han characters that is not a derived one, of a party with a
 *   designation), the rest of the primary names of parties with a designation (one name per party, Latin or
 *   other script). Each name is cut after a length drawn uniformly from 1..its full length in characters (so a
 *   prefix may end inside a word, after a space, or be the whole name). The right party is the name's party.
 * - build: the suggest index of the dataset version, built from the database (once per version in a process).
 * - p50 / p99 / max: per-call milliseconds (performance.now() around the one call), nearest-rank percentiles,
 *   warm: after one untimed pass over the first 100 prefixes for each path.
 * - top 1 / top 5: prefixes whose right party is the first choice / among the first five (a choice stands for
 *   every party whose name reads the same: the new path lists them in partyIds; the old path kept one choice per
 *   name value and the parties of the later results with that value are credited to it too).
 * - answered: prefixes given at least one choice.
 * Both paths run on the same handle, one after the other, on the same prefixes.
 */
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { table } from '../src/cli/table';
import { isListCode } from '../src/core/lists';
import { loadSourcesFile } from '../src/core/sources/config';
import { openDb, type Db } from '../src/core/store/db';
import { buildSuggestIndex } from '../src/core/suggest/suggest-index';
import { suggest } from '../src/core/suggest/suggest';
import { DEFAULT_SOURCES, loadDataset, repoPath } from './lib/dataset';
import { collectGarbage } from './lib/measure';
import { oldNameChoices } from './lib/old-autocomplete';
import { int, mulberry32, sample } from './lib/prng';
import { pct, shownPath } from './lib/report';
import { fmtMs, summarize } from './lib/stats';

const USAGE = 'usage: npm run bench:autocomplete [-- --sources FILE] [--count N] [--han-share F]';
const SEED = 20261201;
const WARMUP = 100;

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

interface Prefix {
  text: string;
  party: number;
  han: boolean;
  /** Characters typed, and the name's full length. */
  typed: number;
  full: number;
}

interface Run {
  ms: number[];
  top1: boolean[];
  top5: boolean[];
  answered: boolean[];
}

/** The prefix set: real names of parties with a designation, cut after a length drawn from 1..full. */
function prefixSet(db: Db, count: number, hanShare: number): Prefix[] {
  const listed = new Set<number>();
  for (const r of db.prepare<[], { party: number; list: string }>('SELECT COALESCE(r.party_id, r.id) AS party, d.list FROM designations d JOIN records r ON r.id = d.record_id').all()) {
    if (isListCode(r.list)) listed.add(r.party);
  }
  const primary = new Map<number, string>();
  for (const r of db.prepare<[], { party: number; name: string }>('SELECT COALESCE(party_id, id) AS party, name FROM records ORDER BY id').all()) {
    if (listed.has(r.party) && !primary.has(r.party) && r.name.trim()) primary.set(r.party, r.name.trim());
  }
  const han = db
    .prepare<[], { party: number; value: string }>(
      "SELECT COALESCE(r.party_id, r.id) AS party, n.value FROM names n JOIN records r ON r.id = n.record_id WHERE n.han = 1 AND n.kind != 'weak' ORDER BY n.id",
    )
    .all()
    .filter((n) => listed.has(n.party));
  const rng = mulberry32(SEED);
  const hanCount = Math.min(han.length, Math.round(count * hanShare));
  const names = [
    ...sample(rng, han, hanCount).map((n) => ({ name: n.value, party: n.party, han: true })),
    ...sample(rng, [...primary].map(([party, name]) => ({ name, party, han: false })), count - hanCount),
  ];
  return names.map((n) => {
    const chars = Array.from(n.name);
    const typed = 1 + int(rng, chars.length);
    return { text: chars.slice(0, typed).join(''), party: n.party, han: n.han, typed, full: chars.length };
  });
}

function measure(prefixes: Prefix[], call: (text: string) => Array<{ partyIds: number[] }>): Run {
  for (const p of prefixes.slice(0, WARMUP)) call(p.text);
  collectGarbage();
  const run: Run = { ms: [], top1: [], top5: [], answered: [] };
  for (const p of prefixes) {
    const t0 = performance.now();
    const choices = call(p.text);
    run.ms.push(performance.now() - t0);
    run.top1.push(Boolean(choices[0]?.partyIds.includes(p.party)));
    run.top5.push(choices.slice(0, 5).some((c) => c.partyIds.includes(p.party)));
    run.answered.push(choices.length > 0);
  }
  return run;
}

/** Rows of a run restricted to the prefixes `keep` selects. */
function row(label: string, path: string, run: Run, prefixes: Prefix[], keep: (p: Prefix) => boolean): Array<string | number> {
  const idx = prefixes.flatMap((p, i) => (keep(p) ? [i] : []));
  const s = summarize(idx.map((i) => run.ms[i]!));
  const count = (xs: boolean[]) => idx.filter((i) => xs[i]).length;
  return [label, path, idx.length, fmtMs(s.p50), fmtMs(s.p99), fmtMs(s.max), `${count(run.top1)} (${pct(count(run.top1), idx.length)})`, `${count(run.top5)} (${pct(count(run.top5), idx.length)})`, pct(count(run.answered), idx.length)];
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      sources: { type: 'string' },
      count: { type: 'string' },
      'han-share': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const count = values.count ? Number(values.count) : 1000;
  const hanShare = values['han-share'] ? Number(values['han-share']) : 0.2;
  if (!Number.isInteger(count) || count < 1 || !(hanShare >= 0 && hanShare <= 1)) {
    console.error(`--count must be a whole number >= 1 and --han-share within 0..1\n${USAGE}`);
    return 2;
  }
  const started = performance.now();
  const sourcesPath = values.sources ? resolve(values.sources) : DEFAULT_SOURCES;
  const path = repoPath('var/bench.db');
  log(`refreshing ${shownPath(sourcesPath)} into ${shownPath(path)}`);
  const load = await loadDataset(path, loadSourcesFile(sourcesPath), (l) => log(l.trim()));
  for (const bad of load.bad) log(`warning: source ${bad.source} ${bad.outcome}: ${bad.message ?? ''}`);

  const db = openDb(path, { readonly: true });
  try {
    const prefixes = prefixSet(db, count, hanShare);
    log(`${prefixes.length} prefixes (${prefixes.filter((p) => p.han).length} Chinese)`);
    collectGarbage();
    const t0 = performance.now();
    const index = buildSuggestIndex(db);
    const buildMs = performance.now() - t0;
    log(`suggest index built in ${fmtMs(buildMs)} ms: ${index.entries.length} names, ${index.words.size} words, ${index.hanChars.size} Han characters`);
    log('suggest(): warm-up and timed pass');
    const ours = measure(prefixes, (text) => suggest(db, text));
    log('old autocomplete (lookup with review band): warm-up and timed pass');
    const old = measure(prefixes, (text) => oldNameChoices(db, text));

    const groups: Array<[string, (p: Prefix) => boolean]> = [
      ['all', () => true],
      ['Latin-script names', (p) => !p.han],
      ['Chinese names', (p) => p.han],
      ['1-2 chars typed', (p) => p.typed <= 2],
      ['3-5 chars', (p) => p.typed >= 3 && p.typed <= 5],
      ['6-10 chars', (p) => p.typed >= 6 && p.typed <= 10],
      ['11+ chars, not whole', (p) => p.typed >= 11 && p.typed < p.full],
      ['whole name', (p) => p.typed === p.full],
    ];
    const rows = groups.flatMap(([label, keep]) => [row(label, 'suggest()', ours, prefixes, keep), row('', 'old: lookup()', old, prefixes, keep)]);
    const out: string[] = [];
    out.push(`Autocomplete over ${prefixes.length} prefixes of real party names (${shownPath(sourcesPath)}; seed ${SEED}); suggest index build ${fmtMs(buildMs)} ms (${index.entries.length} names, ${index.words.size} words)`);
    out.push('');
    out.push(table(['prefixes', 'path', 'n', 'p50 ms', 'p99 ms', 'max ms', 'right party 1st', 'right party in top 5', 'answered'], rows, ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r']));
    out.push('');
    const slowest = ours.ms.map((ms, i) => ({ ms, text: prefixes[i]!.text })).sort((a, b) => b.ms - a.ms).slice(0, 8);
    out.push(`Slowest suggest() calls: ${slowest.map((x) => `${JSON.stringify(x.text)} ${fmtMs(x.ms)}`).join(', ')}`);
    const unanswered = prefixes.filter((_, i) => !ours.answered[i]).map((p) => JSON.stringify(p.text));
    if (unanswered.length) out.push(`Unanswered by suggest(): ${unanswered.slice(0, 10).join(', ')}`);
    const p99 = summarize(ours.ms).p99;
    out.push(`Target: suggest() p99 <= 50 ms: ${fmtMs(p99)} ms ${p99 <= 50 ? 'OK' : 'OVER'}`);
    out.push(`Total run ${((performance.now() - started) / 1000).toFixed(0)}s.`);
    console.log(out.join('\n'));
  } finally {
    db.close();
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
