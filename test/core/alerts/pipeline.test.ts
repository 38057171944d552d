import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AlertSink, DeliveryResult } from '../../../src/core/alerts/delivery';
import { AlertPipeline } from '../../../src/core/alerts/pipeline';
import { SubscriptionStore } from '../../../src/core/alerts/subscriptions';
import { DeliveryWorker } from '../../../src/core/alerts/worker';
import { routeNewEvents } from '../../../src/core/alerts/outbox';
import { runCommand } from '../../../src/core/commands/handle';
import type { Reply } from '../../../src/core/commands/reply';
import { refreshSources } from '../../../src/core/refresh';
import { loadSourcesFile, type SourceConfig } from '../../../src/core/sources/config';
import { openDb, type Db } from '../../../src/core/store/db';
import { rawPath, SOURCES_DIR } from '../../helpers/shared';
import { tempDir } from '../../helpers/tmp';

const timeline = (step: number) => loadSourcesFile(join(SOURCES_DIR, `timeline-t${step}.json`));

class RecordingSink implements AlertSink {
  readonly sent: Array<{ channel: string; reply: Reply }> = [];
  private calls = 0;
  constructor(
    readonly platform: string,
    private readonly answer: (n: number) => DeliveryResult | Promise<DeliveryResult> = () => ({ ok: true }),
  ) {}
  async deliver(channel: string, reply: Reply): Promise<DeliveryResult> {
    const result = await this.answer(++this.calls);
    if (result.ok) this.sent.push({ channel, reply });
    return result;
  }
}

const text = (r: Reply) => JSON.stringify(r.blocks);

describe('alerts over the real timeline', () => {
  const dir = tempDir();

  it('routes "every list except the SDN" (subscribe all, then unsubscribe US-OFAC-SDN) without the SDN (issue 13, seen 4)', async () => {
    const db = openDb(join(dir, 'exclusions.db'));
    await refreshSources(db, timeline(0));
    const ctx = { db, platform: 'slack', channel: 'C-ALLBUT', canManage: true, audit: false };
    runCommand('subscribe all', ctx);
    runCommand('unsubscribe US-OFAC-SDN', ctx);
    runCommand('subscribe all', { ...ctx, channel: 'C-ALL' });
    const slack = new RecordingSink('slack');
    const pipeline = new AlertPipeline(db, { sinks: new Map([['slack', slack]] as Array<[string, AlertSink]>) });
    await refreshSources(db, timeline(1));
    await pipeline.tick();
    await pipeline.stop();
    const to = (channel: string) => slack.sent.filter((s) => s.channel === channel).map((s) => s.reply.summary);
    expect(to('C-ALL').join()).toContain('OFAC added 298 entries to the SDN List');
    expect(to('C-ALLBUT').length).toBeGreaterThan(0);
    expect(to('C-ALLBUT').join()).not.toContain('US-OFAC-SDN');
    expect(to('C-ALLBUT').join()).toContain('MOFCOM added 14 entries to the Export Control List');
    db.close();
  });

  it('delivers one SDN digest per refresh to the SDN channel and China\'s changes to the cn channel, once', async () => {
    const db = openDb(join(dir, 'scenario.db'));
    await refreshSources(db, timeline(0));
    const subs = new SubscriptionStore(db);
    subs.subscribe({ platform: 'slack', channel: 'C-SDN', targets: ['US-OFAC-SDN'], kinds: ['added', 'removed', 'changed', 'suspended'], countries: [], health: false });
    subs.subscribe({ platform: 'discord', channel: 'D-CN', targets: ['side:cn'], kinds: ['added', 'removed', 'changed', 'suspended'], countries: [], health: false });
    const slack = new RecordingSink('slack');
    const discord = new RecordingSink('discord');
    const pipeline = new AlertPipeline(db, { sinks: new Map([['slack', slack], ['discord', discord]] as Array<[string, AlertSink]>) });

    await refreshSources(db, timeline(1));
    await pipeline.tick();
    expect(slack.sent).toHaveLength(1);
    expect(slack.sent[0]!.reply.summary).toBe('OFAC added 298 entries to the SDN List (RUSSIA-EO14024, NPWMD)');
    expect(text(slack.sent[0]!.reply)).toContain('JUHANG AVIATION TECHNOLOGY SHENZHEN CO., LTD.');
    expect(discord.sent.map((s) => s.reply.summary)).toEqual(['MOFCOM added 14 entries to the Export Control List (List of Export Controls)']);
    expect(text(discord.sent[0]!.reply)).toContain('Rheinmetall AG');

    await refreshSources(db, timeline(2));
    await pipeline.tick();
    expect(slack.sent.map((s) => s.reply.summary)).toEqual(['OFAC added 298 entries to the SDN List (RUSSIA-EO14024, NPWMD)', 'OFAC added 7 entries to the SDN List (SDGT); OFAC removed 8 entries from the SDN List (RUSSIA-EO14024)']);
    expect(discord.sent.map((s) => s.reply.summary)).toEqual(['MOFCOM added 14 entries to the Export Control List (List of Export Controls)', 'MOFCOM added 7 entries to the Countermeasures List (List of Targets of Countermeasures)']);

    await refreshSources(db, timeline(2));
    await pipeline.tick();
    await pipeline.tick();
    expect(slack.sent).toHaveLength(2);
    expect(discord.sent).toHaveLength(2);
    // Every (subscription, event) was queued once.
    expect(db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM deliveries').get()!.n).toBe(298 + 15 + 14 + 7);
    await pipeline.stop();
    db.close();
  });

  it('sends one message per designation when there are few, marking retaliation and watchlist hits', async () => {
    const db = openDb(join(dir, 'few.db'));
    await refreshSources(db, timeline(1));
    const ctx = { db, platform: 'slack', channel: 'C-W', canManage: true, audit: false };
    runCommand('watch add Altana Technologies', ctx);
    runCommand('subscribe US-OFAC-CMIC', ctx);
    const sink = new RecordingSink('slack');
    const pipeline = new AlertPipeline(db, { sinks: new Map([['slack', sink]]) });
    await refreshSources(db, timeline(2));
    await pipeline.tick();
    // The 7 countermeasure targets of 2026-08-05 are not followed here, but one is a watched name.
    const hits = sink.sent.filter((s) => /Watchlist hit/.test(text(s.reply)));
    expect(hits.length).toBeGreaterThanOrEqual(1);
    expect(text(hits[0]!.reply)).toMatch(/Altana Technologies/);
    expect(hits[0]!.reply.summary).toMatch(/China, MOFCOM 反制措施 · matches your watch term "Altana Technologies"/);
    await pipeline.stop();
    db.close();
  });
});

describe('delivery faults', () => {
  const dir = tempDir();

  async function queued(name: string, messages = 3): Promise<Db> {
    const db = openDb(join(dir, `${name}.db`));
    await refreshSources(db, timeline(1));
    new SubscriptionStore(db).subscribe({ platform: 'slack', channel: 'C1', targets: ['side:cn'], kinds: ['added', 'removed', 'changed', 'suspended'], countries: [], health: false });
    const insert = db.prepare("INSERT INTO outbox (subscription_id, platform, channel, kind, payload, created_at, next_attempt_at) VALUES (1, 'slack', 'C1', 'alert', ?, ?, ?)");
    for (let i = 0; i < messages; i++) insert.run(JSON.stringify({ blocks: [], summary: `m${i}` }), new Date(0).toISOString(), new Date(0).toISOString());
    return db;
  }

  it('retries a 500 with exponential backoff and jitter, recording each attempt', async () => {
    const db = await queued('e500', 1);
    let now = new Date('2026-11-21T10:00:00Z');
    const sink = new RecordingSink('slack', (n) => (n <= 2 ? { ok: false, permanent: false, reason: 'HTTP 500' } : { ok: true }));
    const worker = new DeliveryWorker(db, { sinks: new Map([['slack', sink]]), now: () => now, random: () => 1, baseDelayMs: 1000 });
    expect(await worker.drain()).toEqual({ delivered: 0, retried: 1, failed: 0 });
    const next = () => db.prepare<[], { next_attempt_at: string }>('SELECT next_attempt_at FROM outbox').get()!.next_attempt_at;
    expect(next()).toBe('2026-11-21T10:00:01.000Z');
    now = new Date('2026-11-21T10:00:01Z');
    expect(await worker.drain()).toEqual({ delivered: 0, retried: 1, failed: 0 });
    expect(next()).toBe('2026-11-21T10:00:03.000Z');
    now = new Date('2026-11-21T10:00:03Z');
    expect(await worker.drain()).toEqual({ delivered: 1, retried: 0, failed: 0 });
    expect(db.prepare<[], { outcome: string }>('SELECT outcome FROM delivery_attempts ORDER BY id').all().map((r) => r.outcome)).toEqual(['retry', 'retry', 'delivered']);
    expect(worker.backoff(1)).toBe(1000);
  });

  it('honours a 429 Retry-After before anything else, and keeps the channel in order', async () => {
    const db = await queued('e429', 2);
    let now = new Date('2026-11-21T10:00:00Z');
    const sink = new RecordingSink('slack', (n) => (n === 1 ? { ok: false, permanent: false, reason: 'ratelimited', retryAfterMs: 30_000 } : { ok: true }));
    const worker = new DeliveryWorker(db, { sinks: new Map([['slack', sink]]), now: () => now });
    await worker.drain();
    expect(sink.sent).toHaveLength(0);
    expect(db.prepare<[], { next_attempt_at: string; retry_after_ms: number }>('SELECT o.next_attempt_at, a.retry_after_ms FROM outbox o JOIN delivery_attempts a ON a.outbox_id = o.id').get()).toEqual({
      next_attempt_at: '2026-11-21T10:00:30.000Z',
      retry_after_ms: 30_000,
    });
    now = new Date('2026-11-21T10:00:29Z');
    await worker.drain();
    expect(sink.sent).toHaveLength(0);
    now = new Date('2026-11-21T10:00:30Z');
    await worker.drain();
    expect(sink.sent.map((s) => s.reply.summary)).toEqual(['m0', 'm1']);
  });

  it('never gives up on a message for being rate limited, and holds the whole platform until Retry-After', async () => {
    const db = await queued('ratelimits', 2);
    let now = new Date('2026-11-21T10:00:00Z');
    const sink = new RecordingSink('slack', (n) => (n <= 3 ? { ok: false, permanent: false, reason: 'ratelimited', retryAfterMs: 1000 } : { ok: true }));
    const worker = new DeliveryWorker(db, { sinks: new Map([['slack', sink]]), now: () => now, maxAttempts: 2 });
    for (let i = 0; i < 3; i++) {
      await worker.drain();
      now = new Date(now.getTime() + 1000);
    }
    await worker.drain();
    expect(sink.sent.map((s) => s.reply.summary)).toEqual(['m0', 'm1']);
    expect(db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM outbox WHERE state = 'delivered'").get()!.n).toBe(2);
  });

  it('treats a platform that hangs past the timeout as a temporary failure', async () => {
    const db = await queued('hang', 1);
    const sink: AlertSink = { platform: 'slack', deliver: () => new Promise(() => {}) };
    const worker = new DeliveryWorker(db, { sinks: new Map([['slack', sink]]), timeoutMs: 100 });
    expect(await worker.drain()).toEqual({ delivered: 0, retried: 1, failed: 0 });
    expect(db.prepare<[], { last_error: string; state: string }>('SELECT last_error, state FROM outbox').get()).toEqual({ last_error: 'no answer within 100 ms', state: 'pending' });
  });

  it('pauses the subscription on a permanent failure, with the reason shown in "subscriptions"', async () => {
    const db = await queued('gone', 3);
    const sink = new RecordingSink('slack', () => ({ ok: false, permanent: true, reason: 'channel_not_found' }));
    const worker = new DeliveryWorker(db, { sinks: new Map([['slack', sink]]) });
    expect(await worker.drain()).toEqual({ delivered: 0, retried: 0, failed: 1 });
    expect(db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM outbox WHERE state = 'failed'").get()!.n).toBe(3);
    const reply = runCommand('subscriptions', { db, platform: 'slack', channel: 'C1', canManage: false, audit: false });
    expect(JSON.stringify(reply.blocks)).toMatch(/Paused.*slack said channel_not_found/);
    expect(routeNewEvents(db).subscriptions).toBe(0);
  });

  it('gives up after the last attempt', async () => {
    const db = await queued('giveup', 1);
    const sink = new RecordingSink('slack', () => ({ ok: false, permanent: false, reason: 'HTTP 503' }));
    const worker = new DeliveryWorker(db, { sinks: new Map([['slack', sink]]), maxAttempts: 2, baseDelayMs: 0 });
    await worker.drain();
    await worker.drain();
    expect(db.prepare<[], { state: string; last_error: string }>('SELECT state, last_error FROM outbox').get()).toEqual({ state: 'failed', last_error: 'gave up after 2 attempts in 0 s: HTTP 503' });
  });
});

describe('quarantine stays silent', () => {
  const dir = tempDir();

  it('sends no alerts for a 0-byte or truncated snapshot, and one health notice, not one per refresh', async () => {
    const db = openDb(join(dir, 'q.db'));
    const sdn = (location: string): SourceConfig => ({ id: 'us-ofac-sdn', format: 'ofac-csv', list: 'US-OFAC-SDN', location });
    await refreshSources(db, [sdn(rawPath('ofac_sdn/2024-05-01/sdn.csv'))]);
    new SubscriptionStore(db).subscribe({ platform: 'slack', channel: 'C-H', targets: ['all'], kinds: ['added', 'removed', 'changed', 'suspended'], countries: [], health: true });
    new SubscriptionStore(db).subscribe({ platform: 'slack', channel: 'C-N', targets: ['all'], kinds: ['added', 'removed', 'changed', 'suspended'], countries: [], health: false });
    const sink = new RecordingSink('slack');
    const pipeline = new AlertPipeline(db, { sinks: new Map([['slack', sink]]) });
    await pipeline.tick();
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, '');
    const cut = join(dir, 'cut.csv');
    const bytes = readFileSync(rawPath('ofac_sdn/2024-05-03/sdn.csv'));
    writeFileSync(cut, bytes.subarray(0, bytes.length / 2));
    for (const location of [empty, cut, empty]) {
      const [r] = await refreshSources(db, [sdn(location)]);
      expect(r!.outcome).toBe('quarantined');
      await pipeline.tick();
    }
    expect(sink.sent.map((s) => [s.channel, s.reply.summary.slice(0, 30)])).toEqual([['C-H', 'Source us-ofac-sdn quarantined']]);
    await refreshSources(db, [sdn(rawPath('ofac_sdn/2024-05-03/sdn.csv'))]);
    await pipeline.tick();
    expect(sink.sent.filter((s) => s.channel === 'C-H').map((s) => s.reply.summary)).toEqual([
      expect.stringMatching(/^Source us-ofac-sdn quarantined: .*empty\.csv is empty/),
      'Source us-ofac-sdn recovered',
      'OFAC added 7 entries to the SDN List (SDGT); OFAC removed 8 entries from the SDN List (RUSSIA-EO14024)',
    ]);
    expect(sink.sent.filter((s) => s.channel === 'C-N').map((s) => s.reply.summary)).toEqual(['OFAC added 7 entries to the SDN List (SDGT); OFAC removed 8 entries from the SDN List (RUSSIA-EO14024)']);
    await pipeline.stop();
  });
});

describe('the pipeline never waits on another process\'s write lock (issue 11, seen 1)', () => {
  const dir = tempDir();

  it('skips a turn while a refresh in another connection holds the lock, without blocking, and delivers on the next', async () => {
    const path = join(dir, 'busy.db');
    const db = openDb(path);
    await refreshSources(db, timeline(0));
    new SubscriptionStore(db).subscribe({ platform: 'slack', channel: 'C-SDN', targets: ['US-OFAC-SDN'], kinds: ['added', 'removed', 'changed', 'suspended'], countries: [], health: false });
    await refreshSources(db, timeline(1));
    const slack = new RecordingSink('slack');
    const pipeline = new AlertPipeline(db, { sinks: new Map([['slack', slack]] as Array<[string, AlertSink]>) });
    const refresh = openDb(path);
    refresh.exec('BEGIN IMMEDIATE');
    const started = performance.now();
    const skipped = await pipeline.tick();
    // The connection's busy timeout is 5 s: a turn that waited on the lock would take that long.
    expect(performance.now() - started).toBeLessThan(1000);
    expect(skipped).toMatchObject({ delivered: 0, skipped: 'database busy' });
    expect(slack.sent).toHaveLength(0);
    refresh.exec('ROLLBACK');
    refresh.close();
    // A turn that ended before it was stored must not stay the turn for ever: the next ones run.
    expect((await pipeline.tick()).delivered).toBe(1);
    expect(slack.sent).toHaveLength(1);
    db.close();
  });
});
