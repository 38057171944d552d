/**
 * Fan-out at scale (issue 14): the pacer's buckets, a worker that keeps other channels flowing past a slow or
 * paced one, the next-message query on its index, and pruning that keeps what is undelivered and exactly-once.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rateFromHeaders } from '../../../src/bots/discord/sink';
import type { AlertSink, DeliveryResult } from '../../../src/core/alerts/delivery';
import { routeNewEvents, routeNewEventsInSlices } from '../../../src/core/alerts/outbox';
import { Pacer, type PaceRoute } from '../../../src/core/alerts/pacer';
import { pruneDelivered } from '../../../src/core/alerts/prune';
import { SubscriptionStore } from '../../../src/core/alerts/subscriptions';
import { DeliveryWorker, HEADS_SQL } from '../../../src/core/alerts/worker';
import type { Reply } from '../../../src/core/commands/reply';
import { refreshSources } from '../../../src/core/refresh';
import { loadSourcesFile } from '../../../src/core/sources/config';
import { openDb, type Db } from '../../../src/core/store/db';
import { tempDir } from '../../helpers/tmp';

describe('pacer', () => {
  it('never lets more than a bucket\'s limit through in any window, and keeps close to the limit', () => {
    let now = 0;
    const pacer = new Pacer(() => now);
    const route: PaceRoute = { key: 'global', limit: 50, windowMs: 1000 };
    const sent: number[] = [];
    // Ten seconds of a sender that sends whenever the pacer lets it, checking every millisecond.
    for (now = 0; now < 10_000; now++) {
      while (pacer.waitMs([route]) === 0) {
        pacer.take([route]);
        sent.push(now);
      }
    }
    for (let i = 0; i + 50 < sent.length; i++) expect(sent[i + 50]! - sent[i]!).toBeGreaterThanOrEqual(1000);
    expect(sent.length).toBeGreaterThanOrEqual(490);
    expect(sent.length).toBeLessThanOrEqual(500);
  });

  it('honours what the platform reported: Remaining counts down, Reset-After holds the bucket until then', () => {
    let now = 1000;
    const pacer = new Pacer(() => now);
    const route: PaceRoute = { key: 'discord:POST /channels/1/messages' };
    expect(pacer.waitMs([route])).toBe(0);
    pacer.observe({ key: route.key, remaining: 2, resetAfterMs: 5000 });
    pacer.take([route]);
    expect(pacer.waitMs([route])).toBe(0);
    pacer.take([route]);
    expect(pacer.waitMs([route])).toBe(5000);
    now += 4999;
    expect(pacer.waitMs([route])).toBe(1);
    now += 1;
    expect(pacer.waitMs([route])).toBe(0);
    // A 429's Retry-After on one route holds that route only.
    pacer.block(route.key, 700);
    expect(pacer.waitMs([route])).toBe(700);
    expect(pacer.waitMs([{ key: 'discord:POST /channels/2/messages' }])).toBe(0);
  });

  it('reads Discord\'s X-RateLimit headers', () => {
    const headers = new Headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset-after': '1.25', 'x-ratelimit-limit': '5', 'x-ratelimit-bucket': 'abcd' });
    expect(rateFromHeaders('k', headers)).toEqual({ key: 'k', remaining: 0, resetAfterMs: 1250, limit: 5, bucket: 'abcd' });
    expect(rateFromHeaders('k', new Headers())).toBeUndefined();
  });
});

const reply = (summary: string): Reply => ({ summary, blocks: [] });

function queue(db: Db, platform: string, channel: string, n: number, at = new Date(0).toISOString()): void {
  const insert = db.prepare('INSERT INTO outbox (subscription_id, platform, channel, kind, payload, created_at, next_attempt_at) VALUES (1, ?, ?, ?, ?, ?, ?)');
  for (let i = 0; i < n; i++) insert.run(platform, channel, 'alert', JSON.stringify(reply(`${channel} #${i}`)), at, at);
}

class Sink implements AlertSink {
  readonly sent: Array<{ channel: string; summary: string; at: number; outbox?: number; actions: string[] }> = [];
  constructor(
    readonly platform: string,
    private readonly behave: (channel: string) => Promise<DeliveryResult> | DeliveryResult = () => ({ ok: true }),
    readonly routes?: (channel: string) => PaceRoute[],
  ) {}
  async deliver(channel: string, r: Reply): Promise<DeliveryResult> {
    const result = await this.behave(channel);
    const actions = r.blocks.flatMap((b) => (b.type === 'actions' ? b.actions.map((a) => a.value) : []));
    if (result.ok) this.sent.push({ channel, summary: r.summary, at: Date.now(), ...(r.alert ? { outbox: r.alert.outbox } : {}), actions });
    return result;
  }
}

describe('delivery worker fan-out', () => {
  const dir = tempDir();

  it('a channel slow to answer holds one slot: every other channel\'s messages go out meanwhile, and its own in order', async () => {
    const db = openDb(join(dir, 'slow.db'));
    queue(db, 'slack', 'SLOW', 2);
    for (let c = 0; c < 20; c++) queue(db, 'slack', `C${c}`, 2);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const sink = new Sink('slack', async (channel) => {
      if (channel === 'SLOW') await held;
      return { ok: true };
    });
    const worker = new DeliveryWorker(db, { sinks: new Map([['slack', sink]]) });
    const drained = worker.drain();
    const deadline = Date.now() + 10_000;
    while (sink.sent.length < 40 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(sink.sent.filter((s) => s.channel !== 'SLOW')).toHaveLength(40);
    expect(sink.sent.filter((s) => s.channel === 'SLOW')).toHaveLength(0);
    release();
    expect((await drained).delivered).toBe(42);
    expect(sink.sent.filter((s) => s.channel === 'SLOW').map((s) => s.summary)).toEqual(['SLOW #0', 'SLOW #1']);
    for (let c = 0; c < 20; c++) expect(sink.sent.filter((s) => s.channel === `C${c}`).map((s) => s.summary)).toEqual([`C${c} #0`, `C${c} #1`]);
    db.close();
  });

  it('paces a channel to its bucket and sends other channels\' messages instead of waiting; Reset-After from an answer holds the route', async () => {
    const db = openDb(join(dir, 'paced.db'));
    queue(db, 'slack', 'BUSY', 3);
    for (let c = 0; c < 5; c++) queue(db, 'slack', `Q${c}`, 1);
    queue(db, 'discord', '111', 2);
    const slack = new Sink('slack', () => ({ ok: true }), (channel) => [{ key: `slack:${channel}`, limit: 1, windowMs: 300 }]);
    // Discord says the channel's bucket is empty for 400 ms after each message.
    const discord = new Sink('discord', () => ({ ok: true, rate: [{ key: 'discord:111', remaining: 0, resetAfterMs: 400 }] }), (channel) => [{ key: `discord:${channel}` }]);
    const worker = new DeliveryWorker(db, { sinks: new Map<string, AlertSink>([['slack', slack], ['discord', discord]]) });
    const t0 = Date.now();
    const report = await worker.drain();
    expect(report).toMatchObject({ delivered: 10, retried: 0, failed: 0 });
    const busy = slack.sent.filter((s) => s.channel === 'BUSY');
    expect(busy.map((s) => s.summary)).toEqual(['BUSY #0', 'BUSY #1', 'BUSY #2']);
    expect(busy[1]!.at - busy[0]!.at).toBeGreaterThanOrEqual(290);
    expect(busy[2]!.at - busy[1]!.at).toBeGreaterThanOrEqual(290);
    // The quiet channels did not wait behind BUSY's bucket.
    for (const s of slack.sent.filter((x) => x.channel !== 'BUSY')) expect(s.at - t0).toBeLessThan(250);
    const d = discord.sent;
    expect(d).toHaveLength(2);
    expect(d[1]!.at - d[0]!.at).toBeGreaterThanOrEqual(390);
    db.close();
  });

  it('a 429 for one route holds that route, not the platform', async () => {
    const db = openDb(join(dir, 'route429.db'));
    queue(db, 'discord', '222', 1);
    for (let c = 0; c < 3; c++) queue(db, 'discord', `30${c}`, 1);
    let first = true;
    const discord = new Sink(
      'discord',
      (channel) => {
        if (channel === '222' && first) {
          first = false;
          return { ok: false, permanent: false, reason: 'rate limited', retryAfterMs: 60_000, limitedRoute: 'discord:222' };
        }
        return { ok: true };
      },
      (channel) => [{ key: `discord:${channel}` }],
    );
    const worker = new DeliveryWorker(db, { sinks: new Map([['discord', discord]]) });
    const report = await worker.drain();
    expect(report).toMatchObject({ delivered: 3, retried: 1 });
    expect(worker.pacer.waitMs([{ key: 'discord:222' }])).toBeGreaterThan(50_000);
    db.close();
  });

  it('finds each channel\'s next message through the outbox_channel_queue index, never a scan of the outbox', () => {
    const db = openDb(join(dir, 'plan.db'));
    for (let c = 0; c < 50; c++) queue(db, 'slack', `C${c}`, 3);
    db.prepare("UPDATE outbox SET state = 'delivered' WHERE id % 3 = 1").run();
    db.exec('ANALYZE');
    const plan = db
      .prepare<[string], { detail: string }>(`EXPLAIN QUERY PLAN ${HEADS_SQL}`)
      .all(new Date().toISOString())
      .map((r) => r.detail);
    expect(plan.join('\n')).toContain('USING COVERING INDEX outbox_channel_queue');
    // No full scan of the table, and no sort for the grouping: one walk over the undelivered rows' index.
    expect(plan.filter((d) => /^SCAN (outbox|o)\b/.test(d) && !/INDEX/.test(d))).toEqual([]);
    expect(plan.join('\n')).not.toContain('TEMP B-TREE FOR GROUP BY');
    // And it answers: the oldest undelivered message of each channel.
    const heads = db.prepare<[string], { id: number; channel: string }>(HEADS_SQL).all(new Date().toISOString());
    expect(heads).toHaveLength(50);
    for (const h of heads) expect(h.id % 3).toBe(2);
    db.close();
  });
});

describe('routing in slices and pruning', () => {
  const dir = tempDir();

  /** A tiny entities-json source of these names (each its own record), refreshed into the database. */
  async function refreshWith(db: Db, names: string[]): Promise<void> {
    const file = join(dir, 'entities.json');
    writeFileSync(file, JSON.stringify({ entities: names.map((name, i) => ({ id: `E${i}`, name, country: 'CN', effective_date: '2026-01-01' })) }));
    const config = join(dir, 'sources.json');
    writeFileSync(config, JSON.stringify({ sources: [{ id: 'tiny', format: 'entities-json', location: 'entities.json', list: 'US-BIS-EL' }] }));
    await refreshSources(db, loadSourcesFile(config));
  }

  it('waits on a timer while another process holds the write lock, instead of stopping the event loop, then routes everything once', async () => {
    const path = join(dir, 'locked.db');
    const db = openDb(path);
    await refreshWith(db, ['Alpha Trading Co']);
    const subs = new SubscriptionStore(db);
    for (let i = 0; i < 30; i++) subs.subscribe({ platform: 'slack', channel: `C${i}`, targets: ['all'], kinds: ['added', 'removed', 'changed', 'suspended'], countries: [], health: false });
    await refreshWith(db, ['Alpha Trading Co', 'Gamma Optics Co']);
    // Another process (a refresh committing) holds the write lock.
    const other = openDb(path);
    other.exec('BEGIN IMMEDIATE');
    const started = Date.now();
    let ticks = 0;
    let last = Date.now();
    let longestGap = 0;
    const ticker = setInterval(() => {
      ticks++;
      longestGap = Math.max(longestGap, Date.now() - last);
      last = Date.now();
    }, 5);
    const routing = routeNewEventsInSlices(db, { sliceMs: 0 });
    await new Promise((r) => setTimeout(r, 300));
    // The event loop kept running (no stall anywhere near the 5 s busy timeout), and nothing was routed meanwhile.
    expect(ticks).toBeGreaterThan(10);
    expect(longestGap).toBeLessThan(1000);
    expect(db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM outbox').get()!.n).toBe(0);
    other.exec('COMMIT');
    const routed = await routing;
    clearInterval(ticker);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(routed.subscriptions).toBe(30);
    expect(db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM deliveries').get()!.n).toBe(30);
    // Routed again: nothing new.
    expect((await routeNewEventsInSlices(db)).queued).toBe(0);
    other.close();
    db.close();
  });

  it('routes in slices that yield, and after pruning delivered rows nothing is queued twice; undelivered rows stay', async () => {
    const db = openDb(join(dir, 'prune.db'));
    await refreshWith(db, ['Alpha Trading Co', 'Beta Shipping Ltd']);
    const subs = new SubscriptionStore(db);
    for (let i = 0; i < 40; i++) subs.subscribe({ platform: i % 2 ? 'slack' : 'discord', channel: `C${i}`, targets: ['all'], kinds: ['added', 'removed', 'changed', 'suspended'], countries: [], health: false });
    await refreshWith(db, ['Alpha Trading Co', 'Beta Shipping Ltd', 'Gamma Optics Co', 'Delta Avionics Ltd']);
    let slices = 0;
    const routed = await routeNewEventsInSlices(db, { sliceMs: 0, onSlice: () => slices++ });
    expect(routed.subscriptions).toBe(40);
    expect(slices).toBeGreaterThanOrEqual(40);
    const claims = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM deliveries').get()!.n;
    expect(claims).toBe(80);
    // 80 messages, 2 distinct ones (every channel has the same filters): each body is stored once.
    expect(db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM outbox').get()!.n).toBe(80);
    expect(db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM outbox_bodies').get()!.n).toBe(2);

    // Slack's channels take their messages; Discord's are all failing (kept, whatever their age).
    const slack = new Sink('slack');
    const discord = new Sink('discord', () => ({ ok: false, permanent: false, reason: 'HTTP 500' }));
    const worker = new DeliveryWorker(db, { sinks: new Map<string, AlertSink>([['slack', slack], ['discord', discord]]), baseDelayMs: 60_000 });
    await worker.drain();
    expect(slack.sent).toHaveLength(40);
    // ...and each message still goes out with its own buttons, naming its own row.
    const rows = db.prepare<[], { id: number; channel: string }>("SELECT id, channel FROM outbox WHERE platform = 'slack' ORDER BY id").all();
    for (const sent of slack.sent) {
      const own = rows.filter((r) => r.channel === sent.channel).map((r) => r.id);
      expect(own).toContain(sent.outbox);
      expect(sent.actions).toContain(`ack ${sent.outbox}`);
    }
    db.prepare("UPDATE outbox SET state = 'failed' WHERE platform = 'discord' AND id % 2 = 0").run();
    const before = db.prepare<[], { state: string; n: number }>('SELECT state, COUNT(*) AS n FROM outbox GROUP BY state ORDER BY state').all();

    // Someone acknowledged one of the delivered messages: it stays, whatever its age (the audit trail names it).
    const acked = db.prepare<[], { id: number }>("SELECT id FROM outbox WHERE state = 'delivered' ORDER BY id LIMIT 1").get()!.id;
    db.prepare("INSERT INTO alert_acks (outbox_id, platform, channel, user_id, at) SELECT id, platform, channel, 'U0ANALYST', ? FROM outbox WHERE id = ?").run(new Date().toISOString(), acked);

    // Not yet past the retention: nothing goes.
    expect((await pruneDelivered(db, { keepDays: 14, now: new Date(Date.now() + 13 * 86_400_000) })).messages).toBe(0);
    const later = new Date(Date.now() + 15 * 86_400_000);
    const pruned = await pruneDelivered(db, { keepDays: 14, now: later, batch: 7 });
    expect(pruned).toEqual({ messages: 39, attempts: 39, claims: 39 });
    expect(db.prepare<[number], { state: string }>('SELECT state FROM outbox WHERE id = ?').get(acked)).toEqual({ state: 'delivered' });
    db.prepare('DELETE FROM alert_acks').run();
    expect(await pruneDelivered(db, { keepDays: 14, now: later })).toEqual({ messages: 1, attempts: 1, claims: 1 });
    const after = db.prepare<[], { state: string; n: number }>('SELECT state, COUNT(*) AS n FROM outbox GROUP BY state ORDER BY state').all();
    expect(after).toEqual(before.filter((r) => r.state !== 'delivered'));
    // The bodies the undelivered messages name stay; once no row names a body, pruning removes it.
    expect(db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM outbox_bodies').get()!.n).toBe(2);
    // The undelivered messages keep their claims and attempts.
    expect(db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM deliveries').get()!.n).toBe(40);
    expect(db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM delivery_attempts a JOIN outbox o ON o.id = a.outbox_id WHERE o.platform = 'discord'").get()!.n).toBe(20);
    expect(db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM delivery_attempts a JOIN outbox o ON o.id = a.outbox_id WHERE o.platform = 'slack'").get()!.n).toBe(0);

    // Exactly once: routing again queues nothing; a new designation is queued once per subscription, alone.
    expect(routeNewEvents(db).queued).toBe(0);
    await refreshWith(db, ['Alpha Trading Co', 'Beta Shipping Ltd', 'Gamma Optics Co', 'Delta Avionics Ltd', 'Epsilon Radar Co']);
    expect(routeNewEvents(db).queued).toBe(40);
    await worker.drain();
    const epsilon = slack.sent.slice(40);
    expect(epsilon).toHaveLength(20);
    expect(new Set(epsilon.map((s) => s.channel)).size).toBe(20);
    // Once every message is delivered and past the retention, no body is left.
    expect(db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM outbox_bodies').get()!.n).toBe(3);
    db.prepare("UPDATE outbox SET state = 'delivered', delivered_at = ? WHERE state != 'delivered'").run(new Date().toISOString());
    await pruneDelivered(db, { keepDays: 14, now: new Date(Date.now() + 30 * 86_400_000) });
    expect(db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM outbox_bodies').get()!.n).toBe(0);
    // A new message never takes a pruned body's id: a reader that kept the old body by id cannot show it again.
    await refreshWith(db, ['Alpha Trading Co', 'Beta Shipping Ltd', 'Gamma Optics Co', 'Delta Avionics Ltd', 'Epsilon Radar Co', 'Zeta Lasers Ltd']);
    expect(routeNewEvents(db).queued).toBe(40);
    expect(db.prepare<[], { id: number }>('SELECT MIN(body_id) AS id FROM outbox').get()!.id).toBeGreaterThan(3);
    await worker.drain();
    expect(slack.sent.slice(60).every((m) => /Zeta Lasers/.test(m.summary))).toBe(true);
    db.close();
  });
});
