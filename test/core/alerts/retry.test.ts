/**
 * Issue 11, seen 4: a channel whose API answers 500 for hours. The real SlackSink against the fake Slack, the
 * worker on a fake clock: retried with a growing delay for the whole horizon, then reported (error log,
 * /metrics, /healthz, status, subscriptions, `sanctions outbox`), then sent again once Slack takes a message.
 */
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { SlackSink } from '../../../src/bots/slack/sink';
import { SubscriptionStore } from '../../../src/core/alerts/subscriptions';
import { DeliveryWorker } from '../../../src/core/alerts/worker';
import { run } from '../../../src/cli';
import { runCommand } from '../../../src/core/commands/handle';
import { startHealthServer } from '../../../src/core/ops/health-server';
import { metrics } from '../../../src/core/ops/metrics';
import { refreshSources } from '../../../src/core/refresh';
import { loadSourcesFile } from '../../../src/core/sources/config';
import { openDb } from '../../../src/core/store/db';
import { SOURCES_DIR } from '../../helpers/shared';
import { tempDir } from '../../helpers/tmp';
import { startFakeSlack } from '../../bots/slack/fake-slack';

const HOUR = 3_600_000;

describe('a channel that answers 500 for hours (issue 11, seen 4)', () => {
  const dir = tempDir();
  const failing: Record<string, '500'> = { C0DOWN: '500' };
  const fake = startFakeSlack({ admins: new Set(), failing });
  afterAll(async () => (await fake).close());

  it('is retried for the whole horizon with backoff up to the cap, then reported everywhere, then sent again', async () => {
    const slack = await fake;
    const path = join(dir, 'retry.db');
    const db = openDb(path);
    await refreshSources(db, loadSourcesFile(join(SOURCES_DIR, 'timeline-t0.json')));
    const subs = new SubscriptionStore(db);
    for (const channel of ['C0DOWN', 'C0OK']) subs.subscribe({ platform: 'slack', channel, targets: ['all'], kinds: ['added'], countries: [], health: false });
    const start = new Date('2026-11-21T10:00:00Z');
    const insert = (channel: string, summary: string, at: Date) =>
      db
        .prepare("INSERT INTO outbox (subscription_id, platform, channel, kind, payload, created_at, next_attempt_at) SELECT id, platform, channel, 'alert', @payload, @at, @at FROM subscriptions WHERE channel = @channel")
        .run({ channel, payload: JSON.stringify({ blocks: [{ type: 'text', text: summary }], summary, private: false }), at: at.toISOString() });
    insert('C0DOWN', 'Huawei added', start);

    const logs: Array<{ level: number; msg: string }> = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void logs.push(JSON.parse(line) as { level: number; msg: string }) });
    let now = start;
    const worker = new DeliveryWorker(db, {
      sinks: new Map([['slack', SlackSink.create({ token: 'xoxb-test', apiUrl: slack.apiUrl })]]),
      now: () => now,
      random: () => 1,
      logger,
      onAttempt: (platform, outcome) => metrics.deliveries.inc({ platform, outcome }),
    });
    const row = () => db.prepare<[], { state: string; attempts: number; next_attempt_at: string; last_error: string }>("SELECT state, attempts, next_attempt_at, last_error FROM outbox WHERE channel = 'C0DOWN'").get()!;
    const gaps: number[] = [];
    // Drain at each due time until the worker gives up (or far past the 48 h default).
    while (row().state !== 'failed' && now.getTime() - start.getTime() < 100 * HOUR) {
      await worker.drain();
      if (row().state === 'pending') {
        gaps.push(Date.parse(row().next_attempt_at) - now.getTime());
        now = new Date(row().next_attempt_at);
      }
    }
    const posts = () => slack.calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0DOWN').length;
    // Not after 8 attempts and 4 minutes: for 48 hours, the delay doubling from 2 s to the 1 h cap.
    expect(row().state).toBe('failed');
    expect(now.getTime() - start.getTime()).toBe(48 * HOUR);
    expect(Math.max(...gaps)).toBe(HOUR);
    expect(gaps.slice(0, 3)).toEqual([2000, 4000, 8000]);
    expect(posts()).toBe(row().attempts);
    expect(row().attempts).toBeGreaterThan(45);
    expect(row().last_error).toMatch(/gave up after \d+ attempts in 48 h: HTTP 500/);

    // Reported: an error line, /metrics, /healthz, status, subscriptions, `sanctions outbox`.
    const error = logs.find((l) => l.level === 50);
    expect(error?.msg).toMatch(/message 1 to slack C0DOWN failed for good.*HTTP 500.*sanctions outbox retry --id 1/);
    const { server, port } = await startHealthServer(0, { db: () => db });
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(res.status).toBe(503);
      const body = (await res.json()) as { status: string; problems: string[] };
      expect(body.status).toBe('degraded');
      expect(body.problems).toEqual([expect.stringMatching(/1 alert message\(s\) to slack could not be delivered \(last error: gave up after .*HTTP 500\)/)]);
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(text).toContain('sanctions_outbox_messages{state="failed"} 1');
      expect(text).toMatch(/sanctions_deliveries_total\{outcome="failed",platform="slack"\} 1/);
    } finally {
      server.close();
    }
    const status = runCommand('status', { db, platform: 'slack', channel: 'C0OK', canManage: false, audit: false });
    expect(status.summary).toMatch(/1 alert message\(s\) to slack could not be delivered/);
    const here = runCommand('subscriptions', { db, platform: 'slack', channel: 'C0DOWN', canManage: false, audit: false });
    expect(JSON.stringify(here.blocks)).toMatch(/Undelivered.*1 alert message\(s\).*HTTP 500/);
    const elsewhere = runCommand('subscriptions', { db, platform: 'slack', channel: 'C0OK', canManage: false, audit: false });
    expect(JSON.stringify(elsewhere.blocks)).not.toMatch(/Undelivered/);
    const out: string[] = [];
    const io = { out: (t: string) => void out.push(t), err: (t: string) => void out.push(t), env: {} };
    expect(await run(['status', '--db', path], io)).toBe(0);
    expect(out.join('\n')).toMatch(/Alerts: 1 message\(s\) to slack could not be delivered/);
    out.length = 0;
    expect(await run(['outbox', '--json', '--db', path], io)).toBe(0);
    expect(JSON.parse(out[0]!)).toMatchObject({ id: 1, platform: 'slack', channel: 'C0DOWN', summary: 'Huawei added' });

    // Slack answers again: the next message to another channel goes through, and the failed one goes out too.
    delete failing.C0DOWN;
    const before = posts();
    now = new Date(now.getTime() + HOUR);
    insert('C0OK', 'DJI added', now);
    expect(await worker.drain()).toMatchObject({ delivered: 2, failed: 0 });
    expect(row().state).toBe('delivered');
    expect(posts()).toBe(before + 1);
    expect(logs.some((l) => l.level === 40 && /slack answers again; sending 1 failed message\(s\) again/.test(l.msg))).toBe(true);
    out.length = 0;
    expect(await run(['outbox', '--db', path], io)).toBe(0);
    expect(out.join('\n')).toBe('No undelivered alert messages.');
    db.close();
  }, 60_000);

  it('sends failed messages again by hand: `sanctions outbox retry --id N | --all`', async () => {
    const path = join(dir, 'manual.db');
    const db = openDb(path);
    new SubscriptionStore(db).subscribe({ platform: 'slack', channel: 'C1', targets: ['all'], kinds: ['added'], countries: [], health: false });
    const insert = db.prepare("INSERT INTO outbox (subscription_id, platform, channel, kind, payload, created_at, next_attempt_at, state, attempts, last_error) VALUES (1, 'slack', 'C1', 'alert', '{}', ?, ?, 'failed', 30, 'gave up: HTTP 500')");
    for (let i = 0; i < 3; i++) insert.run('2026-11-21T10:00:00.000Z', '2026-11-21T10:00:00.000Z');
    db.close();
    const out: string[] = [];
    const io = { out: (t: string) => void out.push(t), err: (t: string) => void out.push(t), env: {} };
    expect(await run(['outbox', 'retry', '--db', path], io)).toBe(2);
    expect(await run(['outbox', 'retry', '--id', '2', '--db', path], io)).toBe(0);
    expect(await run(['outbox', 'retry', '--id', '2', '--db', path], io)).toBe(1);
    expect(await run(['outbox', 'retry', '--all', '--db', path], io)).toBe(0);
    expect(out.filter((l) => /queued again/.test(l))).toEqual(['1 message(s) queued again: a running bot sends them within ALERT_POLL_MS.', '2 message(s) queued again: a running bot sends them within ALERT_POLL_MS.']);
    const check = openDb(path, { readonly: true });
    expect(check.prepare<[], { state: string; attempts: number }>('SELECT state, attempts FROM outbox').all()).toEqual(Array(3).fill({ state: 'pending', attempts: 0 }));
    check.close();
  });
});
