/**
 * Alert benchmark (not a test): the t0 -> t1 timeline (298 SDN designations, 14 China export-control
 * additions) routed to 1,000 subscriptions and delivered through the real Slack and Discord sinks when
 * available, else an HTTP sink, to fake platforms on 127.0.0.1. Prints events routed per second and the
 * time to drain the outbox.
 *
 *   npm run bench:alerts [-- --subscriptions N]
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { AlertSink } from '../src/core/alerts/delivery';
import { routeNewEvents } from '../src/core/alerts/outbox';
import { SubscriptionStore, type Target } from '../src/core/alerts/subscriptions';
import { DeliveryWorker } from '../src/core/alerts/worker';
import { refreshSources } from '../src/core/refresh';
import { loadSourcesFile } from '../src/core/sources/config';
import { openDb } from '../src/core/store/db';
import { repoPath, SHARED } from './lib/dataset';

const { values } = parseArgs({ args: process.argv.slice(2), options: { subscriptions: { type: 'string', default: '1000' } } });
const SUBSCRIPTIONS = Number(values.subscriptions);
const log = (line: string) => process.stderr.write(`bench:alerts: ${line}\n`);

const path = repoPath('var/bench-alerts.db');
for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
const db = openDb(path);
log('loading timeline t0 (baseline)');
await refreshSources(db, loadSourcesFile(`${SHARED}/data/sources/timeline-t0.json`));

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
  store.subscribe({ platform: platforms[i % 2]!, channel: `C${i}`, targets: mix.targets, kinds: ['added', 'removed', 'changed', 'suspended'], countries: mix.countries, health: false });
}
for (let i = 0; i < SUBSCRIPTIONS; i += 10) store.addWatch(platforms[i % 2]!, `C${i}`, i % 20 === 0 ? 'Rheinmetall' : 'Juhang Aviation');

log('refreshing timeline t1');
const r0 = performance.now();
const results = await refreshSources(db, loadSourcesFile(`${SHARED}/data/sources/timeline-t1.json`));
const refreshMs = performance.now() - r0;
const events = results.reduce((n, r) => n + r.added + r.removed + r.changed + r.suspended, 0);

log(`routing ${events} events to ${SUBSCRIPTIONS} subscriptions`);
const t0 = performance.now();
const routed = routeNewEvents(db);
const routeMs = performance.now() - t0;
const queued = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM outbox').get()!.n;
const pairs = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM deliveries').get()!.n;

// The fake platforms: answer every post at once, as a healthy API would.
let received = 0;
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    received++;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true,"ts":"1.1","id":"1"}');
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const httpSink = (platform: string): AlertSink => ({
  platform,
  async deliver(channel, reply, key) {
    const res = await fetch(`${url}/${platform}/${channel}`, { method: 'POST', body: JSON.stringify({ key, blocks: reply.blocks }) });
    return res.ok ? { ok: true } : { ok: false, permanent: false, reason: `HTTP ${res.status}` };
  },
});
const worker = new DeliveryWorker(db, { sinks: new Map(platforms.map((p) => [p, httpSink(p)])) });
log(`draining ${queued} messages`);
const d0 = performance.now();
const drained = await worker.drain();
const drainMs = performance.now() - d0;
server.close();
db.close();

const out = [
  `Alert benchmark: ${SUBSCRIPTIONS} subscriptions (${platforms.join(' + ')}; every list / side cn / SDN / side us in CN+HK; watch terms on 1 in 10)`,
  `refresh t0 -> t1: ${events} events in ${(refreshMs / 1000).toFixed(2)} s`,
  `routing: ${events} events x ${SUBSCRIPTIONS} subscriptions in ${routeMs.toFixed(0)} ms = ${Math.round((events * SUBSCRIPTIONS) / (routeMs / 1000)).toLocaleString('en-US')} event-subscription pairs/s (${Math.round(events / (routeMs / 1000)).toLocaleString('en-US')} events/s); ${pairs.toLocaleString('en-US')} deliveries claimed in ${queued} messages (digests), ${routed.subscriptions} subscriptions with news`,
  `drain: ${drained.delivered} messages delivered to the fake platforms (${received} requests) in ${(drainMs / 1000).toFixed(2)} s = ${Math.round(drained.delivered / (drainMs / 1000))} messages/s; ${drained.retried} retried, ${drained.failed} failed`,
];
process.stdout.write(`${out.join('\n')}\n`);
