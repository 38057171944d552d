/**
 * Issue 11, seen 5: a crash during delivery with a token that cannot read channel history (no channels:history):
 * `confirm` cannot tell, so what was in flight is sent again. It must be one message at most, not one per
 * channel being sent at the time, and the operator is told at start which guarantee holds.
 */
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createSlackApp } from '../../../src/bots/slack/app';
import { SlackSink } from '../../../src/bots/slack/sink';
import { SubscriptionStore } from '../../../src/core/alerts/subscriptions';
import { DeliveryWorker } from '../../../src/core/alerts/worker';
import { openDb } from '../../../src/core/store/db';
import { tempDir } from '../../helpers/tmp';
import { MANIFEST_SCOPES, startFakeSlack, waitFor } from './fake-slack';

const CHANNELS = 12;

async function crashAndRestart(dir: string, name: string, scopes: string[]) {
  const hold = { on: true };
  const slack = await startFakeSlack({ admins: new Set(), scopes, hold });
  const lines: string[] = [];
  const bot = createSlackApp({
    botToken: 'xoxb-test',
    signingSecret: 's',
    host: '127.0.0.1',
    port: 0,
    apiUrl: slack.apiUrl,
    data: () => {
      throw new Error('no lookups here');
    },
    audit: false,
    logger: pino({ level: 'silent' }),
    retryConfig: { retries: 0 },
    deliveryTimeoutMs: 1500,
    say: (line) => void lines.push(line),
  });
  await bot.start();
  try {
    const path = join(dir, `${name}.db`);
    const db = openDb(path);
    const subs = new SubscriptionStore(db);
    const insert = db.prepare("INSERT INTO outbox (subscription_id, platform, channel, kind, payload, created_at, next_attempt_at) VALUES (?, 'slack', ?, 'alert', ?, ?, ?)");
    const at = new Date().toISOString();
    for (let i = 0; i < CHANNELS; i++) {
      const channel = `C${String(i).padStart(3, '0')}`;
      subs.subscribe({ platform: 'slack', channel, targets: ['all'], kinds: ['added'], countries: [], health: false });
      insert.run(subs.get('slack', channel)!.id, channel, JSON.stringify({ blocks: [{ type: 'text', text: `alert for ${channel}` }], summary: `alert for ${channel}`, private: false }), at, at);
    }

    // The first process: Slack posts what it is sent, but the process dies before it hears back.
    const first = new DeliveryWorker(db, { sinks: new Map([['slack', bot.sink]]) });
    const dead = first.drain().catch(() => undefined);
    const posts = () => slack.calls.filter((c) => c.method === 'chat.postMessage');
    await waitFor(() => posts().length > 0 || undefined);
    await new Promise((r) => setTimeout(r, 300));
    db.close(); // the crash: nothing more of the first process reaches the database
    const inFlight = posts().length;

    // The restarted process settles what was in flight, then sends the rest.
    hold.on = false;
    const again = openDb(path);
    const warnings: string[] = [];
    const second = new DeliveryWorker(again, { sinks: new Map([['slack', bot.sink]]), logger: { error: () => {}, warn: (_o, msg) => void warnings.push(msg) } });
    await second.drain();
    const perChannel = new Map<string, number>();
    for (const c of posts()) perChannel.set(String(c.body.channel), (perChannel.get(String(c.body.channel)) ?? 0) + 1);
    const duplicates = [...perChannel.values()].reduce((n, v) => n + v - 1, 0);
    const delivered = again.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM outbox WHERE state = 'delivered'").get()!.n;
    again.close();
    await dead;
    return { lines, warnings, inFlight, duplicates, channels: perChannel.size, delivered };
  } finally {
    await bot.stop();
    await slack.close();
  }
}

describe('a crash while sending alerts to Slack (issue 11, seen 5)', () => {
  const dir = tempDir();

  it('without the history scopes: one line at start says so, and a crash repeats at most the one message in flight', async () => {
    const run = await crashAndRestart(dir, 'no-history', MANIFEST_SCOPES.filter((s) => !['channels:history', 'groups:history', 'mpim:history'].includes(s)));
    expect(run.lines).toEqual([
      expect.stringMatching(/^Slack: the token lacks channels:history, groups:history, mpim:history: alerts are delivered at least once, not exactly once \(a crash while a message is being sent may post that one message twice\)/),
    ]);
    expect(run).toMatchObject({ inFlight: 1, duplicates: 1, channels: CHANNELS, delivered: CHANNELS });
    expect(run.warnings).toEqual([expect.stringMatching(/could not tell whether message 1 reached slack C000 .*sending it again once/)]);
  }, 60_000);

  it('with the manifest\'s scopes: messages in flight at the crash are found in the channel, none is posted twice', async () => {
    const run = await crashAndRestart(dir, 'history', MANIFEST_SCOPES);
    expect(run.lines).toEqual([]);
    expect(run.inFlight).toBeGreaterThan(1);
    expect(run).toMatchObject({ duplicates: 0, channels: CHANNELS, delivered: CHANNELS });
    expect(run.warnings).toEqual([]);
  }, 60_000);

  it('a send that timed out is looked up in the channel before it is sent again, not posted twice', async () => {
    const hold = { on: true };
    const slack = await startFakeSlack({ admins: new Set(), hold });
    // Long enough that a loaded machine does not time out the answers that do come, short enough for the test.
    const sink = SlackSink.create({ token: 'xoxb-test', apiUrl: slack.apiUrl, timeoutMs: 5000 });
    sink.historyReadable = true;
    const db = openDb(join(dir, 'timeout.db'));
    const subs = new SubscriptionStore(db);
    subs.subscribe({ platform: 'slack', channel: 'C0SLOW', targets: ['all'], kinds: ['added'], countries: [], health: false });
    const at = new Date().toISOString();
    db.prepare("INSERT INTO outbox (subscription_id, platform, channel, kind, payload, created_at, next_attempt_at) VALUES (1, 'slack', 'C0SLOW', 'alert', ?, ?, ?)").run(
      JSON.stringify({ blocks: [{ type: 'text', text: 'slow' }], summary: 'slow', private: false }),
      at,
      at,
    );
    const worker = new DeliveryWorker(db, { sinks: new Map([['slack', sink]]), baseDelayMs: 1 });
    try {
      const first = await worker.drain();
      expect(first).toMatchObject({ retried: 1 });
      hold.on = false;
      // The retry is due after a jittered backoff of about a millisecond: the same drain may already have made it
      // (the channel's next attempt follows as soon as the timed-out one settles), or a later one does.
      let delivered = first.delivered;
      for (const until = Date.now() + 60_000; !delivered && Date.now() < until; ) {
        await new Promise((r) => setTimeout(r, 20));
        delivered += (await worker.drain()).delivered;
      }
      expect(delivered).toBe(1);
      expect(slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
      expect(db.prepare<[], { error: string }>("SELECT error FROM delivery_attempts WHERE outcome = 'delivered'").get()!.error).toMatch(/found in the channel/);
    } finally {
      db.close();
      await slack.close();
    }
  }, 90_000);
});
