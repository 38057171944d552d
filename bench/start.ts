/**
 * Start-up benchmark (not a test): whole processes, several runs each, interleaved, with `node -e ''` beside
 * them in the same run as the baseline:
 *
 *   node                 node -e ''
 *   cli (built)          node bin/sanctions.js lookup --db DB Hikvision        (dist/, what npm ci builds)
 *   cli (sources)        the same with SANCTIONS_FROM_SOURCE=1                  (tsx, the development path)
 *   start (built)        echo "lookup Hikvision" | node bin/main.js            (the console, piped)
 *
 * Prints min and median wall time of each, and each median over node's. The database is the shared current
 * dataset, loaded once into var/bench-start.db.
 *
 *   npm run bench:start [-- --runs N]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { loadSourcesFile } from '../src/core/sources/config';
import { DEFAULT_SOURCES, loadDataset, REPO_ROOT, repoPath } from './lib/dataset';

const { values } = parseArgs({ args: process.argv.slice(2), options: { runs: { type: 'string', default: '7' } } });
const RUNS = Number(values.runs);
const db = repoPath('var/bench-start.db');
const log = (line: string) => process.stderr.write(`bench:start: ${line}\n`);

// The built path is what is measured: build it now, so that an edit since the last build cannot make bin/ fall
// back to the sources through tsx unnoticed.
execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
if (!existsSync(repoPath('dist/BUILD'))) {
  log('the build left no dist/BUILD');
  process.exit(2);
}
await loadDataset(db, loadSourcesFile(DEFAULT_SOURCES), log);

interface Case {
  name: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  input?: string;
  expect?: RegExp;
}
const env = { ...process.env, SANCTIONS_DB: db, NO_COLOR: '1', REFRESH_CRON: '0 0 1 1 *', LOG_LEVEL: 'silent' };
const cases: Case[] = [
  { name: 'node -e ""', args: ['-e', ''] },
  { name: 'cli lookup (built)', args: ['bin/sanctions.js', 'lookup', '--db', db, 'Hikvision'], expect: /Hikvision/ },
  { name: 'cli lookup (sources, tsx)', args: ['bin/sanctions.js', 'lookup', '--db', db, 'Hikvision'], env: { SANCTIONS_FROM_SOURCE: '1' }, expect: /Hikvision/ },
  { name: 'start, piped lookup (built)', args: ['bin/main.js'], input: 'lookup Hikvision\n', expect: /Hikvision/ },
];

const times = new Map<string, number[]>(cases.map((c) => [c.name, []]));
for (let run = 0; run <= RUNS; run++) {
  for (const c of cases) {
    const started = performance.now();
    const r = spawnSync(process.execPath, c.args, { cwd: REPO_ROOT, env: { ...env, ...c.env }, input: c.input ?? '', encoding: 'utf8' });
    const ms = performance.now() - started;
    if (c.expect && !c.expect.test(r.stdout)) throw new Error(`${c.name}: unexpected output: ${r.stdout.slice(0, 300)}${r.stderr.slice(0, 300)}`);
    if (run > 0) times.get(c.name)!.push(ms); // run 0 warms the caches
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const base = median(times.get(cases[0]!.name)!);
for (const c of cases) {
  const xs = times.get(c.name)!;
  const m = median(xs);
  process.stdout.write(
    `${JSON.stringify({ case: c.name, runs: xs.length, min_s: +(Math.min(...xs) / 1000).toFixed(3), median_s: +(m / 1000).toFixed(3), x_node: +(m / base).toFixed(2) })}\n`,
  );
}
