/**
 * Operations of the alert pipeline on PostgreSQL (issue 16), over the real timeline (t0 -> t1: the SDN and China's
 * lists) as the SQLite pipeline has them: delivered messages pruned after ALERT_KEEP_DELIVERED_DAYS (an acknowledged
 * one kept), source-health notices told once per status change across a leader handover, failed messages sent
 * again when the platform answers (and by `sanctions outbox retry`), and the backlog in /healthz and `status`.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../../src/cli';
import type { AlertSink, DeliveryResult } from '../../../src/core/alerts/delivery';
import { SharedAlertPipeline } from '../../../src/core/alerts/shared-pipeline';
import { publishLocalEvents, startPublishing } from '../../../src/core/alerts/shared-publish';
import { routeShared } from '../../../src/core/alerts/shared-route';
import { SharedDeliveryWorker } from '../../../src/core/alerts/shared-worker';
import type { Reply } from '../../../src/core/commands/reply';
import { startHealthServer } from '../../../src/core/ops/health-server';
import { refreshSources } from '../../../src/core/refresh';
import { PostgresSharedStore } from '../../../src/core/shared/postgres';
import { loadSourcesFile, type SourceConfig } from '../../../src/core/sources/config';
import { openDb, type Db } from '../../../src/core/store/db';
import { sharedPostgresForFile } from '../../helpers/shared-postgres';
import { SOURCES_DIR } from '../../helpers/shared';
import { tempDir } from '../../helpers/tmp';

const { available, newDatabase, openShared } = sharedPostgresForFile();

const timeline = (step: number) => loadSourcesFile(join(SOURCES_DIR, `timeline-t${step}.json`));
const DAY = 86_400_000;

class RecordingSink implements AlertSink {
  readonly sent: Array<{ channel: string; reply: Reply }> = [];
  constructor(
    readonly platform: string,
    public answer: (channel: string) => DeliveryResult = () => ({ ok: true }),
  ) {}
  async deliver(channel: string, reply: Reply): Promise<DeliveryResult> {
    const result = this.answer(channel);
    if (result.ok) this.sent.push({ channel, reply });
    return result;
  }
}

function recordingLogger() {
  const lines: string[] = [];
  const log = (_: unknown, message?: string) => void lines.push(String(message));
  return { lines, logger: { info: log, warn: log, error: log } };
}

async function count(store: PostgresSharedStore, table: string): Promise<number> {
  // A table name of this file's own (not input): counted as it is.
  return (await store.pool.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM ${table}`)).rows[0]!.n;
}

describe.skipIf(!available)('alert operations on PostgreSQL', () => {
  const dir = tempDir('sanctions-shared-ops-');

  it('delivered messages go after keepDeliveredDays with their attempts, deliveries rows and bodies; an acknowledged one stays', async () => {
    const shared = await openShared();
    const copy = openDb(join(dir, 'prune.db'));
    await refreshSources(copy, timeline(0));
    startPublishing(copy);
    for (const channel of ['C-ALL', 'C-CN', 'C-SDN']) await shared.subscriptions.create({ platform: 'slack', channel, targets: [channel === 'C-ALL' ? 'all' : channel === 'C-CN' ? 'side:cn' : 'US-OFAC-SDN'] });
    await refreshSources(copy, timeline(1));
    let clock = Date.now();
    const sink = new RecordingSink('slack');
    const pipeline = (keepDeliveredDays: number) => new SharedAlertPipeline(shared, copy, { sinks: new Map([['slack', sink]]), now: () => new Date(clock), keepDeliveredDays });
    const first = await pipeline(14).tick();
    expect(first.delivered).toBeGreaterThan(2);
    expect(first.pruned).toBe(0);
    const delivered = first.delivered;
    expect(await count(shared, 'outbox')).toBe(delivered);
    expect(await count(shared, 'deliveries')).toBeGreaterThan(delivered);
    expect(await count(shared, 'delivery_attempts')).toBe(delivered);
    expect(await count(shared, 'outbox_bodies')).toBeGreaterThan(0);
    // Someone acknowledged one message (the audit trail names it): it stays, with its attempts.
    const acked = (await shared.pool.query<{ id: number }>('SELECT MIN(id) AS id FROM outbox')).rows[0]!.id;
    await shared.pool.query("INSERT INTO alert_acks (outbox_id, platform, channel, user_id, at) SELECT id, platform, channel, 'U1', $2 FROM outbox WHERE id = $1", [acked, new Date(clock).toISOString()]);

    // 13 days on: nothing is old enough.
    clock += 13 * DAY;
    expect((await pipeline(14).tick()).pruned).toBe(0);
    expect(await count(shared, 'outbox')).toBe(delivered);
    // 15 days on: every delivered message but the acknowledged one goes, in batches, with what named it.
    clock += 2 * DAY;
    const later = await pipeline(14).tick();
    expect(later.pruned).toBe(delivered - 1);
    expect((await shared.pool.query<{ id: number }>('SELECT id FROM outbox')).rows.map((r) => r.id)).toEqual([acked]);
    expect((await shared.pool.query<{ outbox_id: number }>('SELECT DISTINCT outbox_id FROM delivery_attempts')).rows.map((r) => r.outbox_id)).toEqual([acked]);
    expect((await shared.pool.query<{ outbox_id: number }>('SELECT DISTINCT outbox_id FROM deliveries')).rows.map((r) => r.outbox_id)).toEqual([acked]);
    const keptBody = (await shared.pool.query<{ body_id: number | null }>('SELECT body_id FROM outbox WHERE id = $1', [acked])).rows[0]!.body_id;
    expect((await shared.pool.query<{ id: number }>('SELECT id FROM outbox_bodies')).rows.map((r) => r.id)).toEqual(keptBody === null ? [] : [keptBody]);
    // Nothing is routed or sent again: the cursors had moved past those events.
    expect([later.route.queued, later.delivered]).toEqual([0, 0]);
    expect(sink.sent).toHaveLength(delivered);
    copy.close();
  }, 240_000);

  it('a source that fails is told once to the channels with health notices, not again by the next leader, and its recovery once', async () => {
    const url = await newDatabase();
    const storeA = await openShared(url);
    const storeB = await openShared(url);
    const broken = (sources: SourceConfig[]): SourceConfig[] => sources.map((s) => ({ ...s, location: join(dir, 'gone', `${s.id}.csv`) }));
    // Two hosts' copies, at t0; then both fail to fetch (the files are gone).
    const copyA = openDb(join(dir, 'health-a.db'));
    const copyB = openDb(join(dir, 'health-b.db'));
    for (const copy of [copyA, copyB]) {
      await refreshSources(copy, timeline(0));
      startPublishing(copy);
    }
    await storeA.subscriptions.create({ platform: 'slack', channel: 'C-HEALTH', targets: ['all'], health: true });
    await storeA.subscriptions.create({ platform: 'discord', channel: '777', targets: [], health: true });
    await storeA.subscriptions.create({ platform: 'slack', channel: 'C-QUIET', targets: ['all'] });
    const slack = new RecordingSink('slack');
    const discord = new RecordingSink('discord');
    const sinks = new Map<string, AlertSink>([
      ['slack', slack],
      ['discord', discord],
    ]);
    const leaderA = new SharedAlertPipeline(storeA, copyA, { sinks });
    // The first turn records the sources as they are (ok): nothing to tell.
    expect((await leaderA.tick()).notices).toBe(0);
    for (const copy of [copyA, copyB]) await refreshSources(copy, broken(timeline(1)));
    expect(copyA.prepare<[], { status: string }>('SELECT DISTINCT status FROM sources').all()).toEqual([{ status: 'failed' }]);

    const failedTurn = await leaderA.tick();
    // Two sources failed, two channels asked for health notices.
    expect(failedTurn.notices).toBe(4);
    expect(failedTurn.delivered).toBe(4);
    await leaderA.stop();
    // A takes a second look: told already.
    expect((await new SharedAlertPipeline(storeA, copyA, { sinks }).tick()).notices).toBe(0);
    // A hands over to B (A stops; B's copy failed the same way): B tells nothing again.
    const leaderB = new SharedAlertPipeline(storeB, copyB, { sinks });
    expect((await leaderB.tick()).notices).toBe(0);
    // B's next refresh works: the recovery is told once.
    await refreshSources(copyB, timeline(1));
    const recovered = await leaderB.tick();
    expect(recovered.notices).toBe(4);
    expect((await leaderB.tick()).notices).toBe(0);
    await leaderB.stop();

    const heard = (sink: RecordingSink, channel: string) => sink.sent.filter((s) => s.channel === channel && s.reply.summary.startsWith('Source ')).map((s) => s.reply.summary.replace(/:.*/, ''));
    for (const [sink, channel] of [
      [slack, 'C-HEALTH'],
      [discord, '777'],
    ] as const) {
      expect(heard(sink, channel).sort()).toEqual(['Source cn-lists failed', 'Source cn-lists recovered', 'Source us-ofac-sdn failed', 'Source us-ofac-sdn recovered']);
    }
    expect(heard(slack, 'C-QUIET')).toEqual([]);
    // The failure notice says why, and that the previous data stays in use.
    const notice = slack.sent.find((s) => s.channel === 'C-HEALTH' && s.reply.summary.startsWith('Source us-ofac-sdn failed'))!;
    expect(JSON.stringify(notice.reply.blocks)).toContain('The previous data stays in use');
    copyA.close();
    copyB.close();
  }, 240_000);

  it('failed messages: listed and sent again by `sanctions outbox retry`, and by the worker when the platform answers again; /healthz and `status` show the backlog', async () => {
    const url = await newDatabase();
    const shared = await openShared(url);
    const copyPath = join(dir, 'retry.db');
    const copy: Db = openDb(copyPath);
    await refreshSources(copy, timeline(0));
    startPublishing(copy);
    for (const channel of ['C-A', 'C-B', 'C-C']) await shared.subscriptions.create({ platform: 'slack', channel, targets: ['side:cn'] });
    await refreshSources(copy, timeline(1));
    await publishLocalEvents(copy, shared);
    expect((await routeShared(shared, copy)).queued).toBe(3);

    // The platform is down long enough for the worker to give up (one attempt allowed).
    const sink = new RecordingSink('slack', () => ({ ok: false, permanent: false, reason: 'service_unavailable' }));
    const { lines, logger } = recordingLogger();
    const worker = new SharedDeliveryWorker(shared.outbox, { sinks: new Map([['slack', sink]]), maxAttempts: 1, logger });
    expect(await worker.drain()).toEqual({ delivered: 0, retried: 0, failed: 3 });

    // /healthz reads the shared outbox: degraded, with the backlog and what to run.
    const health = await startHealthServer(0, { db: () => copy, sharedOutbox: () => shared.outbox });
    try {
      const res = await fetch(`http://127.0.0.1:${health.port}/healthz`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { status: string; problems: string[]; outbox: unknown };
      expect(body.status).toBe('degraded');
      expect(body.outbox).toEqual({ pending: 0, failed: 3, oldest: null });
      expect(body.problems.join('\n')).toContain('3 alert message(s) to slack could not be delivered (last error: gave up after 1 attempts: service_unavailable)');
    } finally {
      health.server.close();
    }

    const cli = async (...argv: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await run(argv, { out: (t) => out.push(t), err: (t) => err.push(t), env: { DATABASE_URL: url, SANCTIONS_DB: copyPath } });
      return { code, out: out.join('\n'), err: err.join('\n') };
    };
    const listed = await cli('outbox', '--json');
    expect(listed.code).toBe(0);
    // Oldest first (routing writes the channels' messages concurrently: in no particular channel order).
    const rows = listed.out.split('\n').map((l) => JSON.parse(l) as { id: number; platform: string; channel: string; kind: string; error: string; paused: string | null; attempts: number; summary: string });
    expect(rows.map((r) => r.id)).toEqual(rows.map((r) => r.id).sort((x, y) => x - y));
    rows.sort((x, y) => x.channel.localeCompare(y.channel));
    expect(rows.map((r) => [r.platform, r.channel, r.kind, r.error, r.paused, r.attempts])).toEqual(
      ['C-A', 'C-B', 'C-C'].map((c) => ['slack', c, expect.stringMatching(/^(alert|digest)$/), 'gave up after 1 attempts: service_unavailable', null, 1]),
    );
    expect(rows.every((r) => r.summary.length > 0)).toBe(true);
    const status = await cli('status');
    expect(status.code).toBe(0);
    expect(status.out).toMatch(/Alerts \(shared outbox in PostgreSQL postgres:\/\/[^)]*\): 0 message\(s\) waiting to be sent, 3 failed\./);
    expect(status.out).toContain('Alerts: 3 message(s) to slack could not be delivered');
    expect(status.out).toContain('us-ofac-sdn');

    expect(await cli('outbox', 'retry', '--id', '999999')).toMatchObject({ code: 1, err: expect.stringContaining('no failed message 999999 that can be sent again') });
    expect(await cli('outbox', 'retry', '--db', copyPath, '--all')).toMatchObject({ code: 2, err: expect.stringContaining('DATABASE_URL is set') });
    const byHand = await cli('outbox', 'retry', '--id', String(rows[0]!.id));
    expect(byHand).toMatchObject({ code: 0, out: '1 message(s) queued again: a running bot sends them within ALERT_POLL_MS.' });
    expect(await shared.outbox.backlog()).toMatchObject({ pending: 1, failed: 2 });
    expect((await cli('status')).out).toContain('1 message(s) waiting to be sent (oldest queued ');

    // Slack answers again: the message sent by hand goes out, and then the other two failed ones with it.
    sink.answer = () => ({ ok: true });
    const back = await worker.drain();
    expect(back.delivered).toBe(3);
    expect(sink.sent[0]!.channel).toBe('C-A');
    expect(sink.sent.map((s) => s.channel).sort()).toEqual(['C-A', 'C-B', 'C-C']);
    expect(lines).toContain('alert delivery: slack answers again; sending 2 failed message(s) again');
    expect(await shared.outbox.backlog()).toEqual({ pending: 0, failed: 0, oldest: null });
    expect(await cli('outbox')).toMatchObject({ code: 0, out: 'No undelivered alert messages.' });
    copy.close();
  }, 240_000);
});
