/**
 * Alert benchmark (not a test): the t0 -> t1 timeline (298 SDN designations, 14 China export-control
 * additions) routed to 1,000 subscriptions and delivered through the real Slack and Discord sinks to the
 * loopback fakes the tests use (a Slack Web API and a Discord REST API on 127.0.0.1). Prints events routed
 * per second, the longest the event loop was blocked while routing (perf_hooks.monitorEventLoopDelay, and the
 * longest routing slice), the time to drain the outbox beside what the platforms' published rate limits allow
 * (Discord 50 requests/s; Slack one chat.postMessage per second per channel), attempts per message, the rows
 * pruning removes once the messages are past ALERT_KEEP_DELIVERED_DAYS, and the peak RSS.
 *
 * This process plays the bot's: it routes and delivers. As in the bot, the refreshes run in a child process
 * (refreshInChild: their parsing memory is the child's, reported apart), and the fakes run in a process of their
 * own (they keep every request they receive, which is their memory, not the bot's).
 *
 *   npm run bench:alerts [-- --subscriptions N]   (compiled as the bot runs: scripts/bench-bundled.mjs)
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { DiscordSink } from '../src/bots/discord/sink';
import { refreshInChild } from '../src/core/refresh-process/run';
import { SlackSink } from '../src/bots/slack/sink';
import type { AlertSink } from '../src/core/alerts/delivery';
import { routeNewEventsInSlices } from '../src/core/alerts/outbox';
import { pruneDelivered } from '../src/core/alerts/prune';
import { SubscriptionStore, type Target } from '../src/core/alerts/subscriptions';
import { DeliveryWorker } from '../src/core/alerts/worker';
import { loadSourcesFile } from '../src/core/sources/config';
import { ALERTS_CONNECTION, openDb } from '../src/core/store/db';
import { WalCheckpointer } from '../src/core/store/wal-checkpointer';
import { repoPath, SHARED } from './lib/dataset';
import { startFakePlatforms } from './lib/fake-platforms';

const { values } = parseArgs({ args: process.argv.slice(2), options: { subscriptions: { type: 'string', default: '1000' } } });
const SUBSCRIPTIONS = Number(values.subscriptions);
const log = (line: string) => process.stderr.write(`bench:alerts: ${line}\n`);

const path = repoPath('var/bench-alerts.db');
for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
// The bot's alert pipeline connection (main.ts: no memory map, a small cache), and its WAL checkpoints in a thread.
const db = openDb(path, ALERTS_CONNECTION);
const checkpointer = new WalCheckpointer(path).start([db]);
const rss: string[] = [];
const mark = (what: string) => rss.push(`${what} ${Math.round(process.memoryUsage().rss / 1048576)} MB`);
const refreshPeaks: number[] = [];
// The largest RSS seen in each phase (sampled every 50 ms): where the peak comes from.
let phase = 'setup';
const phasePeaks = new Map<string, number>();
const sampler = setInterval(() => {
  const mb = Math.round(process.memoryUsage.rss() / 1048576);
  phasePeaks.set(phase, Math.max(phasePeaks.get(phase) ?? 0, mb));
}, 50);
sampler.unref();
// BENCH_MEM_TRACE=1: the process's memory every 5 s (what the RSS is made of: V8's heap, buffers, the rest native).
if (process.env.BENCH_MEM_TRACE) {
  const mb = (n: number) => Math.round(n / 1048576);
  setInterval(() => {
    const m = process.memoryUsage();
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0) * 1024;
    log(`memory (${phase}): rss ${mb(m.rss)} (anonymous ${mb(kb('RssAnon'))}, file ${mb(kb('RssFile'))}, shared ${mb(kb('RssShmem'))}), heap ${mb(m.heapUsed)}/${mb(m.heapTotal)}, external ${mb(m.external)}, arrayBuffers ${mb(m.arrayBuffers)} MB`);
  }, 5000).unref();
}
log('loading timeline t0 (baseline)');
refreshPeaks.push((await refreshInChild(path, loadSourcesFile(`${SHARED}/data/sources/timeline-t0.json`))).rssPeakBytes);

// A mix a real deployment might have: every list, one side, one list, with and without country filters.
const store = new SubscriptionStore(db);
const mixes: Array<{ targets: Target[]; countries: string[] }> = [
  { targets: ['all'], countries: [] },
  { targets: ['side:cn'], countries: [] },
  { targets: ['US-OFAC-SDN'], countries: [] },
  { targets: ['side:us'], countries: ['CN', 'HK'] },
];
const platforms = ['slack', 'discord'];
for (let i = 0; i < SUBSCRIPTIONS; i++) {
  const mix = mixes[i % mixes.length]!;
  store.subscribe({ platform: platforms[i % 2]!, channel: channelOf(i), targets: mix.targets, kinds: ['added', 'removed', 'changed', 'suspended'], countries: mix.countries, health: false });
}
for (let i = 0; i < SUBSCRIPTIONS; i += 10) store.addWatch(platforms[i % 2]!, channelOf(i), i % 20 === 0 ? 'Rheinmetall' : 'Juhang Aviation');

/** Slack channel ids look like C0123; Discord's are snowflakes. */
function channelOf(i: number): string {
  return i % 2 === 0 ? `C${String(i).padStart(6, '0')}` : String(1_300_000_000_000_000_000n + BigInt(i));
}

mark('after t0 and subscriptions');
log('refreshing timeline t1');
const r0 = performance.now();
const t1 = await refreshInChild(path, loadSourcesFile(`${SHARED}/data/sources/timeline-t1.json`));
refreshPeaks.push(t1.rssPeakBytes);
const results = t1.results;
const refreshMs = performance.now() - r0;
const events = results.reduce((n, r) => n + r.added + r.removed + r.changed + r.suspended, 0);

mark('after the t1 refresh');
log(`routing ${events} events to ${SUBSCRIPTIONS} subscriptions`);
// The event loop's longest stall while routing: from a histogram of timer lateness (10 ms resolution), and from
// the slices' own timing.
const loop = monitorEventLoopDelay({ resolution: 10 });
let longestSlice = 0;
let slices = 0;
const sliceTimes: number[] = [];
loop.enable();
phase = 'routing';
const t0 = performance.now();
const routed = await routeNewEventsInSlices(db, {
  onSlice: (ms) => {
    slices++;
    sliceTimes.push(ms);
    longestSlice = Math.max(longestSlice, ms);
  },
});
const routeMs = performance.now() - t0;
loop.disable();
const loopMaxMs = loop.max / 1e6;
mark('after routing');
const queued = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM outbox').get()!.n;
const pairs = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM deliveries').get()!.n;

// The fake platforms of the tests: they answer every post at once, as healthy APIs would.
const fakes = await startFakePlatforms();
const sinks = new Map<string, AlertSink>([
  ['slack', SlackSink.create({ token: 'xoxb-bench', apiUrl: fakes.slackApi })],
  ['discord', new DiscordSink({ token: 'bench-token.discord', apiUrl: fakes.discordApi })],
]);
const worker = new DeliveryWorker(db, { sinks });
log(`draining ${queued} messages`);
phase = 'drain';
// BENCH_ALLOC_PROFILE=FILE: a sampling profile of everything the drain allocates (garbage included), for DevTools.
const allocations = process.env.BENCH_ALLOC_PROFILE ? await startAllocationProfile() : undefined;
const d0 = performance.now();
const drained = { delivered: 0, retried: 0, failed: 0 };
// Drain until the outbox is empty: rate-limited messages (Discord's 50 requests/s) wait for their Retry-After.
for (;;) {
  const pass = await worker.drain();
  drained.delivered += pass.delivered;
  drained.retried += pass.retried;
  drained.failed += pass.failed;
  const next = db.prepare<[], { at: string | null }>("SELECT MIN(next_attempt_at) AS at FROM outbox WHERE state IN ('pending', 'sending')").get()!.at;
  if (!next) break;
  await new Promise((r) => setTimeout(r, Math.max(5, Date.parse(next) - Date.now())));
}
const drainMs = performance.now() - d0;
mark('after the drain');
if (allocations) writeFileSync(process.env.BENCH_ALLOC_PROFILE!, JSON.stringify(await allocations()));
const attempts = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM delivery_attempts').get()!.n;
const perChannel = db
  .prepare<[], { platform: string; messages: number; channels: number; most: number }>(
    'SELECT platform, SUM(n) AS messages, COUNT(*) AS channels, MAX(n) AS most FROM (SELECT platform, channel, COUNT(*) AS n FROM outbox GROUP BY platform, channel) GROUP BY platform',
  )
  .all();
// What the published limits allow: Discord 50 requests/s for the bot; Slack one message per second per channel
// (the first at once). The platforms drain side by side: the slower one bounds the drain.
const bound = Math.max(
  ...perChannel.map((p) => (p.platform === 'discord' ? Math.max(p.messages / 50, p.most - 1) : p.platform === 'slack' ? p.most - 1 : 0)),
);
// Pruning, as if the retention had passed: every delivered message, its attempts and claims.
phase = 'prune';
const p0 = performance.now();
const pruneLoop = monitorEventLoopDelay({ resolution: 10 });
pruneLoop.enable();
const pruned = await pruneDelivered(db, { keepDays: 1, now: new Date(Date.now() + 2 * 86_400_000) });
pruneLoop.disable();
const longestPruneBatch = pruneLoop.max / 1e6;
const pruneMs = performance.now() - p0;
const left = db.prepare<[], { n: number }>('SELECT (SELECT COUNT(*) FROM outbox) + (SELECT COUNT(*) FROM deliveries) + (SELECT COUNT(*) FROM delivery_attempts) AS n').get()!.n;
const received = await fakes.posts();
await fakes.close();
await checkpointer.stop();
db.close();

const out = [
  `Alert benchmark: ${SUBSCRIPTIONS} subscriptions (${platforms.join(' + ')}; every list / side cn / SDN / side us in CN+HK; watch terms on 1 in 10)`,
  `refresh t0 -> t1: ${events} events in ${(refreshMs / 1000).toFixed(2)} s`,
  `routing: ${events} events x ${SUBSCRIPTIONS} subscriptions in ${routeMs.toFixed(0)} ms = ${Math.round((events * SUBSCRIPTIONS) / (routeMs / 1000)).toLocaleString('en-US')} event-subscription pairs/s (${Math.round(events / (routeMs / 1000)).toLocaleString('en-US')} events/s); ${pairs.toLocaleString('en-US')} deliveries claimed in ${queued} messages (digests), ${routed.subscriptions} subscriptions with news`,
  `routing event loop: longest block ${loopMaxMs.toFixed(0)} ms (monitorEventLoopDelay max), longest slice ${longestSlice.toFixed(1)} ms (slice ${sliceTimes.indexOf(longestSlice) + 1}) over ${slices} slices (${sliceTimes.filter((t) => t > 50).length} over 50 ms, p99 ${[...sliceTimes].sort((a, b) => a - b)[Math.floor(sliceTimes.length * 0.99)]?.toFixed(1)} ms)`,
  `drain: ${drained.delivered} messages delivered to the fake Slack and Discord APIs (${received} posts) in ${(drainMs / 1000).toFixed(2)} s = ${Math.round(drained.delivered / (drainMs / 1000))} messages/s; ${drained.retried} attempts deferred by rate limits or errors, ${drained.failed} failed; ${attempts} attempts recorded (${(attempts / Math.max(1, drained.delivered)).toFixed(2)} per message)`,
  `published limits: ${perChannel.map((p) => `${p.platform} ${p.messages} messages to ${p.channels} channels (at most ${p.most} per channel)`).join(', ')} -> at least ${bound.toFixed(1)} s; drain / bound = ${bound > 0 ? (drainMs / 1000 / bound).toFixed(2) : 'n/a'}`,
  `prune (as if past the retention): ${pruned.messages} messages, ${pruned.attempts.toLocaleString('en-US')} attempts, ${pruned.claims.toLocaleString('en-US')} claims in ${(pruneMs / 1000).toFixed(2)} s, longest event-loop block ${longestPruneBatch.toFixed(0)} ms; ${left} rows left`,
  `peak RSS of this (the bot's) process: ${Math.round(process.resourceUsage().maxRSS / 1024)} MB (RSS ${rss.join(', ')}; largest sampled per phase: ${[...phasePeaks].map(([k, v]) => `${k} ${v} MB`).join(', ')}); the refresh children peaked at ${refreshPeaks.map((b) => `${Math.round(b / 1048576)} MB`).join(' and ')}`,
];
process.stdout.write(`${out.join('\n')}\n`);

/** Start V8's sampling heap profiler, keeping the samples of objects collected since; the stop function gives the profile. */
async function startAllocationProfile(): Promise<() => Promise<unknown>> {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) => session.post(method, params, (err, result) => (err ? reject(err) : resolve(result))));
  await post('HeapProfiler.startSampling', { samplingInterval: 32768, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  return async () => ((await post('HeapProfiler.stopSampling')) as { profile: unknown }).profile;
}
