/**
 * Benchmark: the shared state on SQLite beside PostgreSQL, in one run (issue 16). It measures; it is not a test.
 *
 *   npm run bench:pg [-- --sources FILE] [--channels 1000] [--queries 600]
 *
 * PostgreSQL: SANCTIONS_TEST_PG_URL's cluster when set, else a throwaway cluster started here with the test
 * helper's code (test/helpers/postgres.ts: the Debian package's binaries, 127.0.0.1, fsync and synchronous_commit
 * off, full_page_writes off: durability traded for speed, as in the tests; a production server is slower to
 * commit). Removed at the end.
 *
 * (a) Lookups/s. Lookups read the per-process local SQLite copy of the lists (the records and the name index) in
 *     both modes: PostgreSQL never holds the index. Measured anyway with the shared state on each engine, so the
 *     claim is shown: "lookup" is lookup() alone on the local file (the same call in both modes); "lookup + audit"
 *     adds what a chat lookup writes to the shared state, its audit entry (store.audit.append), awaited, on the
 *     engine of that row. Sequential, one query at a time, warm (one untimed pass first), the same query set
 *     (bench/lib/queries.ts, seeded) on every row.
 * (b) Alert fan-out to N channels (default 1,000) through the SharedStore: a fresh database per row; N subscriptions
 *     (one per channel), then N messages enqueued (one per channel, one shared body, as routing stores them), then W
 *     workers (2, then 4) claiming (claimDue, up to 8 channels a claim, the worker's concurrency) and settling each
 *     message as delivered after a fake send of ~1 ms (a timer). Each worker has its own connection (SQLite: a
 *     better-sqlite3 handle on the file) or its own pool (PostgreSQL, 2 connections), as separate processes would;
 *     the workers are async loops in this one process (SQLite's calls are synchronous, so its workers take turns
 *     on the event loop; PostgreSQL's run concurrently on the server).
 *     - enqueue/s: N enqueues one after the other, each its own transaction.
 *     - messages/s: N / (time from the first claim to the last settle).
 *     - claims/msg: claimDue calls (the empty ones included) per message; claimed/msg: messages handed out per
 *       message (1.00: none was handed out twice).
 *     - exactly once: every channel got exactly one fake send, and every message is "delivered" in the store.
 * (c) The bot's own alert pipeline at N channels (default 1,000), end to end, on each engine: the real timeline's
 *     t0 -> t1 refresh (the SDN and China's lists: 312 additions, from ../shared/data/sources/timeline-t*.json) into
 *     a local copy, N subscriptions to every list, then what the leader does after a refresh, timed step by step.
 *     SQLite: routing in slices (routeNewEventsInSlices) and the delivery worker (DeliveryWorker), as `npm start`
 *     runs them without DATABASE_URL. PostgreSQL: publishing the events (publishLocalEvents), routing
 *     (routeShared) and the claiming worker (SharedDeliveryWorker), as `npm start` runs them with it. Both deliver
 *     to a fake sink that answers after ~1 ms, 8 channels at a time (the workers' default).
 */
import { rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { table, thousands } from '../src/cli/table';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AlertSink } from '../src/core/alerts/delivery';
import { routeNewEventsInSlices } from '../src/core/alerts/outbox';
import { publishLocalEvents, startPublishing } from '../src/core/alerts/shared-publish';
import { routeShared } from '../src/core/alerts/shared-route';
import { SharedDeliveryWorker } from '../src/core/alerts/shared-worker';
import { SubscriptionStore } from '../src/core/alerts/subscriptions';
import { DeliveryWorker } from '../src/core/alerts/worker';
import { refreshSources } from '../src/core/refresh';
import { lookup } from '../src/core/lookup';
import { DERIVATIONS, openStore } from '../src/core/reindex';
import { PostgresSharedStore } from '../src/core/shared/postgres';
import { SqliteSharedStore } from '../src/core/shared/sqlite';
import type { ClaimedMessage, SharedStore } from '../src/core/shared/types';
import { loadSourcesFile } from '../src/core/sources/config';
import { openDb } from '../src/core/store/db';
import { startTestPostgres, type TestPostgres } from '../test/helpers/postgres';
import { loadCases } from './lib/cases';
import { counts, DEFAULT_CASES, DEFAULT_SOURCES, loadDataset, repoPath } from './lib/dataset';
import { buildQuerySet } from './lib/queries';

const { values } = parseArgs({
  options: { sources: { type: 'string' }, channels: { type: 'string' }, queries: { type: 'string' } },
  strict: true,
});
const CHANNELS = Number(values.channels ?? 1000);
const MAX_QUERIES = Number(values.queries ?? 600);
const WORKERS = [2, 4];
const CLAIM_LIMIT = 8;
const SEND_MS = 1;

const log = (line: string) => process.stderr.write(`${line}\n`);
const fmt = (n: number) => thousands(Math.round(n));

type EngineName = 'sqlite' | 'postgres';

interface Engine {
  name: EngineName;
  /** A fresh, migrated store for one row (and more handles on the same database for the workers). */
  fresh(label: string): Promise<{ open: () => SharedStore; close: () => Promise<void> }>;
}

function sqliteEngine(): Engine {
  return {
    name: 'sqlite',
    async fresh(label) {
      const path = repoPath(`var/bench-pg-${label}.db`);
      for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
      const opened: SharedStore[] = [];
      const open = () => {
        const s = new SqliteSharedStore(openStore(path), { path, derive: DERIVATIONS, closeDb: true });
        opened.push(s);
        return s;
      };
      return {
        open,
        close: async () => {
          for (const s of opened) await s.close();
          for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
        },
      };
    },
  };
}

function postgresEngine(server: TestPostgres): Engine {
  return {
    name: 'postgres',
    async fresh() {
      const url = await server.newDatabase();
      const first = PostgresSharedStore.open(url, { max: 2 });
      await first.migrate();
      const opened: SharedStore[] = [first];
      let handedFirst = false;
      const open = () => {
        if (!handedFirst) {
          handedFirst = true;
          return first;
        }
        const s = PostgresSharedStore.open(url, { max: 2 });
        opened.push(s);
        return s;
      };
      return { open, close: async () => void (await Promise.all(opened.map((s) => s.close()))) };
    },
  };
}

// ---------- (a) lookups ----------

interface LookupRow {
  engine: string;
  mode: string;
  n: number;
  perSecond: number;
  p50: number;
}

function median(ms: number[]): number {
  const s = [...ms].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

async function timeLookups(engine: string, mode: string, queries: string[], one: (q: string) => unknown): Promise<LookupRow> {
  for (const q of queries) await one(q);
  const each: number[] = [];
  const started = performance.now();
  for (const q of queries) {
    const t = performance.now();
    await one(q);
    each.push(performance.now() - t);
  }
  const total = performance.now() - started;
  return { engine, mode, n: queries.length, perSecond: (queries.length / total) * 1000, p50: median(each) };
}

async function lookups(datasetPath: string, engines: Engine[]): Promise<LookupRow[]> {
  const db = openDb(datasetPath, { readonly: true });
  try {
    const set = buildQuerySet(db, loadCases(DEFAULT_CASES).map((c) => c.q));
    const step = Math.max(1, Math.floor(set.length / MAX_QUERIES));
    const queries = set.filter((_, i) => i % step === 0).slice(0, MAX_QUERIES).map((q) => q.q);
    log(`(a) lookups: ${queries.length} queries of ${set.length}, on ${datasetPath}`);
    const rows: LookupRow[] = [];
    for (const engine of engines) {
      const made = await engine.fresh('lookups');
      const store = made.open();
      try {
        rows.push(await timeLookups(engine.name, 'lookup (local SQLite index)', queries, (q) => lookup(db, q)));
        let i = 0;
        rows.push(
          await timeLookups(engine.name, 'lookup + audit entry (shared state)', queries, async (q) => {
            const r = lookup(db, q);
            await store.audit.append({
              at: new Date(),
              platform: 'bench',
              actor: `U${i++}`,
              place: 'C1',
              query: q,
              results: r.results.slice(0, 5).map((x) => ({ id: x.id, name: x.name, score: x.score, lists: [...new Set(x.designations.map((d) => d.list))] })),
              datasetVersion: 1,
            });
          }),
        );
        log(`  ${engine.name}: done`);
      } finally {
        await made.close();
      }
    }
    return rows;
  } finally {
    db.close();
  }
}

// ---------- (b) fan-out ----------

interface FanoutRow {
  engine: string;
  workers: number;
  enqueuePerSecond: number;
  messagesPerSecond: number;
  claimsPerMessage: number;
  claimedPerMessage: number;
  exactlyOnce: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function fanout(engine: Engine, workers: number): Promise<FanoutRow> {
  const made = await engine.fresh(`fanout-${workers}`);
  try {
    const setup = made.open();
    const channels = Array.from({ length: CHANNELS }, (_, i) => `C${String(i).padStart(5, '0')}`);
    const subs: number[] = [];
    for (const channel of channels) subs.push((await setup.subscriptions.create({ platform: 'slack', channel, targets: ['all'] })).id);
    const body = JSON.stringify({ text: 'Added to the Entity List: ACME LTD (bench)', blocks: [] });
    const created = new Date();
    const ids: number[] = [];
    const enqStarted = performance.now();
    for (let i = 0; i < channels.length; i++) {
      ids.push(await setup.outbox.enqueue({ subscriptionId: subs[i]!, platform: 'slack', channel: channels[i]!, kind: 'alert', payload: JSON.stringify({ channel: channels[i] }), body, createdAt: created }));
    }
    const enqMs = performance.now() - enqStarted;

    const sends = new Map<string, number>();
    let settled = 0;
    let claimCalls = 0;
    let claimed = 0;
    const worker = async (store: SharedStore, n: number) => {
      const id = `${hostname()}:${process.pid}:bench${n}`;
      while (settled < CHANNELS) {
        claimCalls++;
        const batch: ClaimedMessage[] = await store.outbox.claimDue({ worker: id, now: new Date(), limit: CLAIM_LIMIT, claimTtlMs: 60_000 });
        claimed += batch.length;
        if (!batch.length) {
          await sleep(1);
          continue;
        }
        await Promise.all(
          batch.map(async (m) => {
            await sleep(SEND_MS);
            sends.set(m.channel, (sends.get(m.channel) ?? 0) + 1);
            if (!(await store.outbox.settle(m.id, id, { state: 'delivered', ref: `ts-${m.id}` }, new Date()))) throw new Error(`worker ${n} lost its claim on ${m.id}`);
            settled++;
          }),
        );
      }
    };
    const handles = Array.from({ length: workers }, () => made.open());
    const started = performance.now();
    await Promise.all(handles.map((h, n) => worker(h, n)));
    const ms = performance.now() - started;

    let delivered = 0;
    for (const id of ids) if ((await setup.outbox.state(id))?.state === 'delivered') delivered++;
    const once = channels.every((c) => sends.get(c) === 1);
    return {
      engine: engine.name,
      workers,
      enqueuePerSecond: (CHANNELS / enqMs) * 1000,
      messagesPerSecond: (CHANNELS / ms) * 1000,
      claimsPerMessage: claimCalls / CHANNELS,
      claimedPerMessage: claimed / CHANNELS,
      exactlyOnce: once && delivered === CHANNELS ? `yes (${fmt(delivered)} delivered, ${fmt(sends.size)} channels x 1)` : `NO: ${delivered} delivered, ${[...sends.values()].filter((v) => v !== 1).length} channels not sent once`,
    };
  } finally {
    await made.close();
  }
}

// ---------- (c) the bot's pipeline ----------

interface PipelineRow {
  engine: string;
  publishMs: number | null;
  routeMs: number;
  drainMs: number;
  messages: number;
  perChannel: string;
}

const SHARED_SOURCES = join(process.env.SANCTIONS_SHARED ?? repoPath('../shared'), 'data/sources');
const timeline = (step: number) => loadSourcesFile(join(SHARED_SOURCES, `timeline-t${step}.json`));

/** A sink that takes every message after ~1 ms and counts them per channel. */
function countingSink(): AlertSink & { sent: Map<string, number> } {
  const sent = new Map<string, number>();
  return {
    platform: 'slack',
    sent,
    async deliver(channel) {
      await sleep(SEND_MS);
      sent.set(channel, (sent.get(channel) ?? 0) + 1);
      return { ok: true };
    },
  };
}

function perChannel(sent: Map<string, number>): string {
  const counts = [...new Set(sent.values())].sort((a, b) => a - b);
  return sent.size === CHANNELS ? `${fmt(sent.size)} channels x ${counts.join('/')}` : `ONLY ${sent.size} channels of ${CHANNELS}`;
}

async function pipelines(server: TestPostgres): Promise<PipelineRow[]> {
  const base = repoPath('var/bench-pg-pipeline-t0.db');
  for (const suffix of ['', '-wal', '-shm']) rmSync(base + suffix, { force: true });
  const t0 = openStore(base);
  await refreshSources(t0, timeline(0));
  t0.close();
  const channels = Array.from({ length: CHANNELS }, (_, i) => `C${String(i).padStart(5, '0')}`);
  const copy = (label: string) => {
    const path = repoPath(`var/bench-pg-pipeline-${label}.db`);
    for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
    copyFileSync(base, path);
    return path;
  };
  const rows: PipelineRow[] = [];

  log(`(c) the bot's pipeline at ${CHANNELS} channels: sqlite`);
  {
    const db = openStore(copy('sqlite'));
    const subs = new SubscriptionStore(db);
    for (const channel of channels) subs.save({ platform: 'slack', channel, targets: ['all'], excluded: [], kinds: ['added', 'removed', 'changed', 'suspended'], countries: [], health: false });
    await refreshSources(db, timeline(1));
    const sink = countingSink();
    let t = performance.now();
    const routed = await routeNewEventsInSlices(db);
    const routeMs = performance.now() - t;
    t = performance.now();
    await new DeliveryWorker(db, { sinks: new Map([['slack', sink]]) }).drain();
    const drainMs = performance.now() - t;
    rows.push({ engine: 'sqlite', publishMs: null, routeMs, drainMs, messages: routed.queued, perChannel: perChannel(sink.sent) });
    db.close();
  }

  log(`(c) the bot's pipeline at ${CHANNELS} channels: postgres`);
  {
    const store = PostgresSharedStore.open(await server.newDatabase());
    await store.migrate();
    const db = openStore(copy('postgres'));
    startPublishing(db);
    for (const channel of channels) await store.subscriptions.create({ platform: 'slack', channel, targets: ['all'] });
    await refreshSources(db, timeline(1));
    const sink = countingSink();
    let t = performance.now();
    await publishLocalEvents(db, store);
    const publishMs = performance.now() - t;
    t = performance.now();
    const routed = await routeShared(store, db);
    const routeMs = performance.now() - t;
    t = performance.now();
    await new SharedDeliveryWorker(store.outbox, { sinks: new Map([['slack', sink]]) }).drain();
    const drainMs = performance.now() - t;
    rows.push({ engine: 'postgres', publishMs, routeMs, drainMs, messages: routed.queued, perChannel: perChannel(sink.sent) });
    db.close();
    await store.close();
  }
  return rows;
}

// ---------- run ----------

async function main(): Promise<void> {
  const sources = values.sources ?? DEFAULT_SOURCES;
  const datasetPath = repoPath('var/bench.db');
  log(`dataset: refreshing ${sources} into ${datasetPath} (unchanged sources are not parsed again)`);
  const load = await loadDataset(datasetPath, loadSourcesFile(sources), log);
  if (load.bad.length) log(`  warning: ${load.bad.map((b) => b.source).join(', ')} failed or quarantined (their previous snapshot is measured)`);
  const c = (() => {
    const db = openDb(datasetPath, { readonly: true });
    try {
      return counts(db);
    } finally {
      db.close();
    }
  })();

  log('PostgreSQL: starting a throwaway cluster (or SANCTIONS_TEST_PG_URL)');
  const server = await startTestPostgres();
  log(`  ready in ${(server.startMs / 1000).toFixed(1)}s`);
  try {
    const engines = [sqliteEngine(), postgresEngine(server)];
    const lookupRows = await lookups(datasetPath, engines);
    const fanRows: FanoutRow[] = [];
    for (const w of WORKERS) {
      for (const engine of engines) {
        log(`(b) fan-out to ${CHANNELS} channels: ${engine.name}, ${w} workers`);
        fanRows.push(await fanout(engine, w));
      }
    }
    const pipelineRows = await pipelines(server);
    const out = [
      `shared state: SQLite beside PostgreSQL (${server.startMs ? 'throwaway cluster, fsync off' : 'SANCTIONS_TEST_PG_URL'}); dataset ${fmt(c.records)} records, ${fmt(c.names)} names`,
      '',
      '(a) lookups/s: every lookup reads the local SQLite index in both modes; "+ audit" adds the shared-state write a chat lookup makes',
      table(
        ['engine', 'what is timed', 'n', 'lookups/s', 'p50 ms'],
        lookupRows.map((r) => [r.engine, r.mode, r.n, fmt(r.perSecond), r.p50.toFixed(3)]),
        ['l', 'l', 'r', 'r', 'r'],
      ),
      '',
      `(b) alert fan-out to ${fmt(CHANNELS)} channels through the SharedStore (claims of up to ${CLAIM_LIMIT}, fake send ${SEND_MS} ms, settle as delivered)`,
      table(
        ['engine', 'workers', 'enqueue/s', 'messages/s', 'claims/msg', 'claimed/msg', 'exactly once'],
        fanRows.map((r) => [r.engine, r.workers, fmt(r.enqueuePerSecond), fmt(r.messagesPerSecond), r.claimsPerMessage.toFixed(2), r.claimedPerMessage.toFixed(2), r.exactlyOnce]),
        ['l', 'r', 'r', 'r', 'r', 'r', 'l'],
      ),
      '',
      `(c) the bot's alert pipeline after the timeline's t0 -> t1 refresh, ${fmt(CHANNELS)} channels following every list (fake send ${SEND_MS} ms, 8 channels at a time)`,
      table(
        ['engine', 'publish ms', 'route ms', 'deliver ms', 'messages', 'messages/s (deliver)', 'received'],
        pipelineRows.map((r) => [r.engine, r.publishMs === null ? '-' : fmt(r.publishMs), fmt(r.routeMs), fmt(r.drainMs), fmt(r.messages), fmt((r.messages / r.drainMs) * 1000), r.perChannel]),
        ['l', 'r', 'r', 'r', 'r', 'r', 'l'],
      ),
    ];
    process.stdout.write(`${out.join('\n')}\n`);
    if (fanRows.some((r) => !r.exactlyOnce.startsWith('yes')) || pipelineRows.some((r) => r.perChannel.startsWith('ONLY'))) process.exitCode = 1;
  } finally {
    await server.stop();
  }
}

await main();
