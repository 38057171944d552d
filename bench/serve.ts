/**
 * Serving benchmark (not a test): the real bot (`node bin/main.js`, Slack over HTTP against the loopback fake
 * Slack the tests use) answers a signed `/sanctions lookup` every 100 ms, first with nothing else going on,
 * then while its own cron refreshes ../shared/data/sources/current.json into a database that holds the
 * timeline-t0 snapshot (a real refresh: the SDN and China diffs and six sources loaded for the first time).
 * Prints, per phase, the acknowledgement time (Slack gives up at 3 s) and the time until the answer reached
 * the response URL: p50, p99 and max, side by side in one run. Then the peak memory of a refresh (its own
 * child process) for the SDN file once and ten times over.
 *
 *   npm run bench:serve [-- --quiet-seconds 10]
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { refreshSources } from '../src/core/refresh';
import { refreshInChild } from '../src/core/refresh-process/run';
import { openStore } from '../src/core/reindex';
import { loadSourcesFile } from '../src/core/sources/config';
import { postToBot, startFakeSlack } from '../test/bots/slack/fake-slack';
import { repoPath, SHARED } from './lib/dataset';
import { percentile } from './lib/stats';

const { values } = parseArgs({ args: process.argv.slice(2), options: { 'quiet-seconds': { type: 'string', default: '10' } } });
const QUIET_S = Number(values['quiet-seconds']);
const log = (line: string) => process.stderr.write(`bench:serve: ${line}\n`);
const SECRET = 'bench-signing-secret';
const dir = repoPath('var/bench-serve');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

// ------------------------------------------------------------------ the database the bot starts on
const dbPath = join(dir, 'serve.db');
{
  const db = openStore(dbPath);
  log('loading timeline t0 (what the database holds before the refresh)');
  await refreshSources(db, loadSourcesFile(`${SHARED}/data/sources/timeline-t0.json`));
  db.close();
}

// ------------------------------------------------------------------ the bot, on a cron that fires soon
const fake = await startFakeSlack({ admins: new Set() });
const fireAt = new Date(Date.now() + (QUIET_S + 8) * 1000);
const cron = `${fireAt.getUTCSeconds()} ${fireAt.getUTCMinutes()} * * * *`;
const bot = spawn(process.execPath, [repoPath('bin/main.js')], {
  cwd: repoPath(),
  env: {
    ...process.env,
    TZ: 'UTC',
    NO_COLOR: '1',
    LOG_LEVEL: 'silent',
    SANCTIONS_DB: dbPath,
    SANCTIONS_SOURCES: `${SHARED}/data/sources/current.json`,
    REFRESH_CRON: cron,
    REFRESH_JITTER_MS: '0',
    ALERT_POLL_MS: '1000',
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: fake.apiUrl,
    SLACK_PORT: '0',
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let stderr = '';
bot.stderr.on('data', (d) => (stderr += d));
const port = await new Promise<number>((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`the bot did not start: ${stderr}`)), 30_000);
  const check = () => {
    const m = stderr.match(/Slack: listening on :(\d+)/);
    if (m) {
      clearTimeout(timer);
      resolve(Number(m[1]));
    } else setTimeout(check, 50);
  };
  check();
});
log(`bot listening on :${port}; cron "${cron}" (UTC) refreshes current.json at ${fireAt.toISOString()}`);

// ------------------------------------------------------------------ a lookup every 100 ms
interface Sample {
  at: number;
  ackMs: number;
  answerMs: number | undefined;
  status: number;
}
const QUERIES = ['Hikvision', 'Huawei Technologies', 'DJI', '华为', 'Rheinmetall', 'Lockheed Martin', 'Sugon', 'Megvii'];
const samples: Sample[] = [];
let refreshStart = 0;
let refreshEnd = 0;
let seq = 0;

async function oneLookup(): Promise<void> {
  const responseUrl = fake.responseUrl();
  const payload = {
    token: 't', command: '/sanctions', text: `lookup ${QUERIES[seq++ % QUERIES.length]}`, response_url: responseUrl, trigger_id: '1',
    user_id: 'UBENCH', user_name: 'bench', team_id: 'T0', team_domain: 't', channel_id: 'C0BENCH', channel_name: 'bench', api_app_id: 'A0',
  };
  const at = performance.now();
  const { status, ms } = await postToBot(port, new URLSearchParams(payload).toString(), 'application/x-www-form-urlencoded', { secret: SECRET });
  const sample: Sample = { at, ackMs: ms, answerMs: undefined, status };
  samples.push(sample);
  const path = new URL(responseUrl).pathname;
  const until = at + 15_000;
  while (performance.now() < until) {
    if (fake.calls.some((c) => c.method === 'response' && c.path === path)) {
      sample.answerMs = performance.now() - at;
      return;
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

const inflight: Array<Promise<void>> = [];
const started = performance.now();
const fireMs = started + (fireAt.getTime() - Date.now());
await new Promise<void>((resolve) => {
  const timer = setInterval(() => {
    if (!refreshStart && performance.now() >= fireMs) refreshStart = performance.now();
    if (!refreshEnd && /Refreshed \d+ source/.test(stderr)) {
      refreshEnd = performance.now();
      // A few more seconds after the refresh: the first lookups on the new data.
      setTimeout(() => {
        clearInterval(timer);
        resolve();
      }, 3000);
    }
    if (performance.now() - started > 300_000) {
      clearInterval(timer);
      resolve();
    }
    inflight.push(oneLookup());
  }, 100);
});
await Promise.all(inflight);
bot.kill('SIGTERM');
await fake.close();

if (process.env.BENCH_SERVE_DEBUG) {
  for (const s of samples) if (s.ackMs > 150) log(`slow ack ${s.ackMs} ms at ${((s.at - refreshStart) / 1000).toFixed(2)} s after the cron fired (refresh took ${((refreshEnd - refreshStart) / 1000).toFixed(1)} s)`);
}
const refreshLine = stderr.match(/Refreshed \d+ source.*$/m)?.[0] ?? '(no refresh line)';
log(refreshLine);
const phases: Array<[string, Sample[]]> = [
  ['no refresh', samples.filter((s) => s.at < (refreshStart || Infinity))],
  ['during the refresh', samples.filter((s) => refreshStart && s.at >= refreshStart && s.at <= (refreshEnd || Infinity))],
  ['after it (new data)', samples.filter((s) => refreshEnd && s.at > refreshEnd)],
];
const fmt = (n: number | undefined) => (n === undefined ? '-' : n < 10 ? n.toFixed(1) : n.toFixed(0));
const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
const lines = [
  `Serving while refreshing (${new Date().toISOString().slice(0, 10)}, refresh of current.json over timeline t0: ${((refreshEnd - refreshStart) / 1000).toFixed(1)} s)`,
  '',
  row(['phase', 'lookups', 'ack p50 ms', 'ack p99 ms', 'ack max ms', 'answer p50 ms', 'answer p99 ms', 'answer max ms', 'not 200']),
  row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
];
for (const [name, list] of phases) {
  const acks = list.map((s) => s.ackMs).sort((a, b) => a - b);
  const answers = list.flatMap((s) => (s.answerMs === undefined ? [] : [s.answerMs])).sort((a, b) => a - b);
  lines.push(
    row([
      name,
      String(list.length),
      fmt(percentile(acks, 50)),
      fmt(percentile(acks, 99)),
      fmt(acks.at(-1)),
      fmt(percentile(answers, 50)),
      fmt(percentile(answers, 99)),
      fmt(answers.at(-1)),
      String(list.filter((s) => s.status !== 200).length + list.filter((s) => s.answerMs === undefined).length),
    ]),
  );
}

// ------------------------------------------------------------------ peak memory of a refresh: SDN once and tenfold
const sdnConfig = loadSourcesFile(`${SHARED}/data/sources/current.json`).find((s) => s.id === 'us-ofac-sdn')!;
const original = JSON.parse(readFileSync(sdnConfig.location, 'utf8')) as unknown;
const entities = (Array.isArray(original) ? original : ((original as { entities?: unknown[]; entries?: unknown[] }).entities ?? (original as { entries: unknown[] }).entries)) as Array<Record<string, unknown>>;
const tenfold = Array.from({ length: 10 }, (_, copy) =>
  entities.map((e) => ({ ...e, id: `${String(e.id ?? e.uid ?? '')}-${copy}`, uid: undefined, name: copy ? `${String(e.name)} ${copy}` : e.name })),
).flat();
const tenfoldPath = join(dir, 'sdn-10x.json');
writeFileSync(tenfoldPath, JSON.stringify({ entities: tenfold }));
lines.push('', '| refresh of | records | file MB | peak RSS of the refresh process MB |', '| --- | ---: | ---: | ---: |');
for (const [label, location, count] of [['SDN (current.json)', sdnConfig.location, entities.length], ['SDN tenfold', tenfoldPath, tenfold.length]] as const) {
  const path = join(dir, `rss-${count}.db`);
  const report = await refreshInChild(path, [{ ...sdnConfig, id: 'sdn', location }]);
  const mb = readFileSync(location).length / 1e6;
  lines.push(`| ${label} | ${count.toLocaleString('en-US')} | ${mb.toFixed(0)} | ${(report.rssPeakBytes / 1e6).toFixed(0)} |`);
}
process.stdout.write(`${lines.join('\n')}\n`);
