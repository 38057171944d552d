/**
 * HTTP API benchmark (not a test): `npm start` with API_PORT in a child process (the built entry), then two runs
 * of 2,000 GET /v1/lookup at concurrency 20 over loopback keep-alive: the eval's 52 queries in turn (names asked
 * again and again, as screening tools re-screen their counterparties: answered from the kept matches after the
 * first time), and 2,000 distinct names never asked before (listed names, Chinese among them, and clean made-up
 * ones: every one a full lookup). Beside them, in the same run, the same queries as in-process lookups (the floor
 * the API adds its cost to). Prints p50/p99/max of each and the errors (any non-200 is one).
 *
 *   npm run bench:api [-- --requests N --concurrency C]
 */
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { lookup } from '../src/core/lookup';
import { loadSourcesFile } from '../src/core/sources/config';
import { openDb } from '../src/core/store/db';
import { DEFAULT_CASES, DEFAULT_SOURCES, loadDataset, REPO_ROOT, repoPath } from './lib/dataset';
import { screenNames } from './lib/screen-names';

const { values } = parseArgs({ args: process.argv.slice(2), options: { requests: { type: 'string', default: '2000' }, concurrency: { type: 'string', default: '20' } } });
const REQUESTS = Number(values.requests);
const CONCURRENCY = Number(values.concurrency);
const log = (line: string) => process.stderr.write(`bench:api: ${line}\n`);
// The server runs the built entry: build it now (an edit since the last build would fall back to tsx).
execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
const dbPath = repoPath('var/bench-start.db');
await loadDataset(dbPath, loadSourcesFile(DEFAULT_SOURCES), log);

const queries = readFileSync(DEFAULT_CASES, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => (JSON.parse(l) as { q: string }).q);

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const report = (name: string, xs: number[], extra: Record<string, unknown> = {}) =>
  process.stdout.write(`${JSON.stringify({ case: name, n: xs.length, p50_ms: +pct(xs, 50).toFixed(3), p99_ms: +pct(xs, 99).toFixed(3), max_ms: +Math.max(...xs).toFixed(3), ...extra })}\n`);

// The floor: the same lookups in this process (warmed).
const db = openDb(dbPath, { readonly: true });
for (const q of queries) lookup(db, q);
const inProcess: number[] = [];
for (let i = 0; i < REQUESTS; i++) {
  const t = performance.now();
  lookup(db, queries[i % queries.length]!);
  inProcess.push(performance.now() - t);
}
// Distinct names, each looked up once (here and in the server).
const distinct = [...new Set(screenNames(db, { listed: Math.ceil(REQUESTS * 0.7), clean: REQUESTS }).rows.map((r) => r.name))].slice(0, REQUESTS);
const inProcessDistinct: number[] = [];
for (const q of distinct) {
  const t = performance.now();
  lookup(db, q);
  inProcessDistinct.push(performance.now() - t);
}
db.close();

const child = spawn(process.execPath, [...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean), 'bin/main.js'], {
  cwd: REPO_ROOT,
  env: { ...process.env, SANCTIONS_DB: dbPath, API_PORT: '0', REFRESH_CRON: '0 0 1 1 *', LOG_LEVEL: 'silent', AUDIT_LOOKUPS: 'false' },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let said = '';
const port = await new Promise<number>((resolve, reject) => {
  const seen = (d: Buffer) => {
    said += d;
    const m = /HTTP API on http:\/\/[\d.]+:(\d+)\//.exec(said);
    if (m) resolve(Number(m[1]));
  };
  child.stdout.on('data', seen);
  child.stderr.on('data', seen);
  // BENCH_SERVER_LOG=FILE keeps what the server printed (with BENCH_NODE_ARGS=--trace-gc, its collections).
  if (process.env.BENCH_SERVER_LOG) {
    const log = createWriteStream(process.env.BENCH_SERVER_LOG);
    child.stdout.pipe(log);
    child.stderr.pipe(log);
  }
  child.on('exit', (code) => reject(new Error(`npm start exited ${code}: ${said}`)));
});
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
const get = (path: string) =>
  new Promise<number>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
try {
  // Warm the server's matcher (the bot warms it after listening; wait for that rather than time it).
  for (const q of queries) await get(`/v1/lookup?q=${encodeURIComponent(q)}`);
  const run = async (names: string[]) => {
    const latencies: number[] = [];
    let errors = 0;
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < REQUESTS) {
          const q = names[next++ % names.length]!;
          const t = performance.now();
          const status = await get(`/v1/lookup?q=${encodeURIComponent(q)}`).catch(() => 0);
          latencies.push(performance.now() - t);
          if (status !== 200) errors++;
        }
      }),
    );
    return { latencies, errors, per_s: Math.round(REQUESTS / ((performance.now() - started) / 1000)) };
  };
  const repeated = await run(queries);
  const fresh = await run(distinct);
  report('in-process lookup (floor), the eval queries in turn', inProcess);
  report(`HTTP GET /v1/lookup, concurrency ${CONCURRENCY}, the eval's ${queries.length} queries in turn`, repeated.latencies, { errors: repeated.errors, per_s: repeated.per_s });
  report(`in-process lookup (floor), ${distinct.length} distinct names`, inProcessDistinct);
  report(`HTTP GET /v1/lookup, concurrency ${CONCURRENCY}, ${distinct.length} distinct names never asked before`, fresh.latencies, { errors: fresh.errors, per_s: fresh.per_s });
} finally {
  agent.destroy();
  child.kill('SIGTERM');
}
