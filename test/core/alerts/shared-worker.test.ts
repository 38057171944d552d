/**
 * The delivery worker on the shared store (issue 16) when things go wrong: the database going away mid-pass, a
 * leader that stops and leads again, a wait longer than the claim, a platform that cannot recognise a repeat, a
 * message whose last attempt was another worker's. Failing fakes of the outbox where the failure is the point; the
 * SQLite engine of the shared store where the claims are.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AlertSink, DeliveryResult } from '../../../src/core/alerts/delivery';
import { SharedDeliveryWorker } from '../../../src/core/alerts/shared-worker';
import { DERIVATIONS, openStore } from '../../../src/core/reindex';
import { SqliteSharedStore } from '../../../src/core/shared/sqlite';
import type { ClaimedMessage, SharedOutbox } from '../../../src/core/shared/types';
import { tempDir } from '../../helpers/tmp';

const dir = tempDir('sanctions-shared-worker-');
let files = 0;

function message(id: number, over: Partial<ClaimedMessage> = {}): ClaimedMessage {
  const at = new Date().toISOString();
  return { id, subscriptionId: 1, platform: 'slack', channel: `C${id}`, kind: 'alert', payload: JSON.stringify({ summary: `m${id}`, blocks: [] }), bodyId: null, createdAt: at, attempts: 1, retrySince: at, claimedBy: 'w', claimExpiresAt: Date.now() + 60_000, reclaimed: false, ...over };
}

/** An outbox whose claims and settles fail while `down` is set. */
function flakyOutbox(batches: ClaimedMessage[][]) {
  const state = { down: false, claims: 0, settled: [] as number[] };
  const outbox: SharedOutbox = {
    enqueue: async () => 0,
    claimDue: async () => {
      state.claims++;
      if (state.down) throw new Error('ECONNREFUSED (claim)');
      return batches.shift() ?? [];
    },
    settle: async (id) => {
      if (state.down) throw new Error('ECONNREFUSED (settle)');
      state.settled.push(id);
      return true;
    },
    extendClaim: async () => true,
    route: async () => true,
    body: async () => undefined,
    state: async () => undefined,
    prune: async () => 0,
    retryFailed: async () => 0,
    backlog: async () => ({ pending: 0, failed: 0, oldest: null }),
    failedSummary: async () => ({ retryable: 0, oldest: null, lastError: null, platforms: [] }),
    failedMessages: async () => [],
  };
  return { outbox, state };
}

const slowSink = (ms: number, sent: string[] = []): AlertSink => ({
  platform: 'slack',
  deliver: async (channel) => {
    await new Promise((r) => setTimeout(r, ms));
    sent.push(channel);
    return { ok: true };
  },
});

async function sqliteStore() {
  const path = join(dir, `store-${++files}.db`);
  return new SqliteSharedStore(openStore(path), { path, derive: DERIVATIONS, closeDb: true });
}

describe('the shared delivery worker when things go wrong', () => {
  it('the database going away mid-pass fails the pass, never the process; sends under way are waited for', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (err: unknown) => void unhandled.push(err);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { outbox, state } = flakyOutbox([[message(1), message(2)]]);
      const worker = new SharedDeliveryWorker(outbox, { sinks: new Map([['slack', slowSink(100)]]), concurrency: 4 });
      // The second claim (while both sends are under way) meets the database gone; so do the sends' settles.
      const claim = outbox.claimDue.bind(outbox);
      outbox.claimDue = async (o) => {
        if (state.claims >= 1) state.down = true;
        return claim(o);
      };
      await expect(worker.drain()).rejects.toThrow(/ECONNREFUSED/);
      await new Promise((r) => setTimeout(r, 300));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('a leader that stopped while its pass failed delivers again when it leads again', async () => {
    const { outbox, state } = flakyOutbox([[message(1)]]);
    const sent: string[] = [];
    const worker = new SharedDeliveryWorker(outbox, { sinks: new Map([['slack', slowSink(150, sent)]]) });
    const pass = worker.drain().catch((err: Error) => err.message);
    await new Promise((r) => setTimeout(r, 30));
    state.down = true; // the database restarts while the message is being sent: the leader steps down
    await worker.stop(); // does not throw
    expect(await pass).toMatch(/ECONNREFUSED \(settle\)/);
    expect(await worker.drain()).toMatchObject({ skipped: 'stopped' });
    // The database is back and this process leads again.
    state.down = false;
    const next = flakyOutbox([[message(2)]]);
    outbox.claimDue = next.outbox.claimDue;
    worker.resume();
    expect(await worker.drain()).toMatchObject({ delivered: 1 });
    expect(sent).toEqual(['C1', 'C2']);
  });

  it('a send that waits longer than its claim is neither taken back by its own worker nor sent twice', async () => {
    const store = await sqliteStore();
    const t0 = Date.now();
    // Messages coming due over 2.6 s on two platforms; claims last 2 s.
    const plan = [['slack', 'C1', 0], ['slack', 'C2', 300], ['discord', 'D1', 300], ['discord', 'D2', 1000], ['discord', 'D3', 1800], ['discord', 'D4', 2600]] as const;
    for (const [platform, channel, delay] of plan) {
      const sub = await store.subscriptions.create({ platform, channel, targets: ['all'] });
      await store.outbox.enqueue({ subscriptionId: sub.id, platform, channel, kind: 'alert', payload: JSON.stringify({ summary: channel, blocks: [] }), createdAt: new Date(t0), nextAttemptAt: new Date(t0 + delay) });
    }
    const posts: string[] = [];
    let limited = false;
    const deliver = async (channel: string): Promise<DeliveryResult> => {
      // Slack's first answer, after 400 ms: slow down, all of Slack, for 4 s. C2, claimed meanwhile, waits it out
      // (longer than its claim) while the worker keeps claiming Discord's messages as they come due.
      if (channel === 'C1' && !limited) {
        limited = true;
        await new Promise((r) => setTimeout(r, 400));
        return { ok: false, permanent: false, reason: 'ratelimited', retryAfterMs: 4000 };
      }
      if (channel.startsWith('D')) await new Promise((r) => setTimeout(r, 800));
      posts.push(channel);
      return { ok: true };
    };
    const sink = (platform: string): AlertSink => ({ platform, routes: () => [], confirm: async () => false, deliver });
    const worker = new SharedDeliveryWorker(store.outbox, { sinks: new Map([['slack', sink('slack')], ['discord', sink('discord')]]), claimTtlMs: 2000 });
    for (let turn = 0; turn < 6 && posts.length < plan.length; turn++) {
      await worker.drain();
      if (posts.length < plan.length) await new Promise((r) => setTimeout(r, 1000));
    }
    expect([...posts].sort()).toEqual(['C1', 'C2', 'D1', 'D2', 'D3', 'D4']);
    await store.close();
  }, 60_000);

  it('a platform that cannot recognise a repeat gets one message at a time', async () => {
    const { outbox } = flakyOutbox([[message(1), message(2), message(3), message(4)]]);
    let inFlight = 0;
    let most = 0;
    const sink: AlertSink = {
      platform: 'slack',
      repeatSafe: () => false,
      deliver: async () => {
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 20));
        inFlight--;
        return { ok: true };
      },
    };
    const worker = new SharedDeliveryWorker(outbox, { sinks: new Map([['slack', sink]]), concurrency: 8 });
    expect(await worker.drain()).toMatchObject({ delivered: 4 });
    expect(most).toBe(1);
  });

  it('a message attempted before by another worker is looked up in the channel before it is sent again', async () => {
    // Its last attempt got no answer in another process (which then lost the lead): attempts 2, not a reclaimed claim.
    const { outbox, state } = flakyOutbox([[message(7, { attempts: 2 })]]);
    const asked: string[] = [];
    const sent: string[] = [];
    const sink: AlertSink = { ...slowSink(1, sent), confirm: async (_channel, key) => {
        asked.push(key);
        return true;
      },
    };
    const worker = new SharedDeliveryWorker(outbox, { sinks: new Map([['slack', sink]]) });
    expect(await worker.drain()).toMatchObject({ delivered: 1 });
    expect(asked).toHaveLength(1);
    expect(sent).toEqual([]);
    expect(state.settled).toEqual([7]);
  });
});
