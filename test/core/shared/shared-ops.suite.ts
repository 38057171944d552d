/**
 * Operations on the shared outbox, part of the shared store suite (shared-store.suite.ts) and so run on SQLite and on
 * PostgreSQL: pruning delivered messages, sending failed messages again, the backlog for /healthz and `status`, and
 * source-health notices told once per status change whichever process asks.
 */
import { describe, expect, it } from 'vitest';
import type { SharedStore } from '../../../src/core/shared/types';
import type { EngineUnderTest } from './shared-store.suite';

const at = new Date('2026-03-01T10:00:00.000Z');
const later = (ms: number) => new Date(at.getTime() + ms);
const DAY = 86_400_000;

/** Claim what is due as worker W, settle `channel`'s message with `outcome` and put the others back as they were. */
async function settleNext(store: SharedStore, channel: string, outcome: Parameters<SharedStore['outbox']['settle']>[2], when: Date): Promise<number> {
  const claimed = await store.outbox.claimDue({ worker: 'W', now: when, limit: 50, claimTtlMs: 60_000 });
  const mine = claimed.filter((m) => m.channel === channel);
  expect(mine, `a message due on ${channel}`).toHaveLength(1);
  for (const m of claimed) if (m !== mine[0]) await store.outbox.settle(m.id, 'W', { state: 'retry', nextAttemptAt: when, error: 'not this one', uncount: true }, when);
  expect(await store.outbox.settle(mine[0]!.id, 'W', outcome, when)).toBe(true);
  return mine[0]!.id;
}

export function sharedOpsSuite(engine: EngineUnderTest): void {
  describe(`shared store on ${engine.name}: outbox operations`, () => {
    it('pruning removes delivered messages older than the cutoff in batches, with their deliveries rows and the bodies nobody names; the rest stays', async () => {
      const { a, b, refs } = await engine.open();
      const sub = await a.subscriptions.create({ platform: 'slack', channel: 'C1', targets: ['all'] }, at);
      const other = await a.subscriptions.create({ platform: 'slack', channel: 'C2', targets: ['all'] }, at);
      const ids = await a.events.append(
        ['k1', 'k2', 'k3'].map((key) => ({ at: at.toISOString(), refreshId: refs.refreshId, kind: 'added' as const, list: 'US-OFAC-SDN' as const, sourceId: 'us-ofac-sdn', recordId: refs.recordId, recordKey: key, name: key })),
      );
      const digest = '{"summary":"3 changes","blocks":[]}';
      const route = (s: typeof sub, channel: string, body: string) =>
        a.outbox.route({ subscriptionId: s.id, fromCursor: s.cursor, toCursor: ids.at(-1)!, messages: [{ subscriptionId: s.id, platform: 'slack', channel, kind: 'digest', payload: '{"digest":true,"total":3}', body, eventIds: ids }] }, at);
      expect(await route(sub, 'C1', digest)).toBe(true);
      expect(await route(other, 'C2', digest)).toBe(true);
      // C1: the digest and an alert delivered 20 days ago; C2: the same digest delivered an hour ago.
      await a.outbox.enqueue({ subscriptionId: sub.id, platform: 'slack', channel: 'C1', kind: 'alert', payload: '{"summary":"old alert","blocks":[]}', body: '{"summary":"lonely body"}', createdAt: at });
      const oldDigest = await settleNext(a, 'C1', { state: 'delivered', ref: 'ts1' }, at);
      const oldAlert = await settleNext(a, 'C1', { state: 'delivered', ref: 'ts2' }, later(1000));
      const recent = await settleNext(b, 'C2', { state: 'retry', nextAttemptAt: later(19 * DAY), error: 'timeout' }, later(2000));
      await settleNext(b, 'C2', { state: 'delivered' }, later(19 * DAY));
      // Undelivered messages stay whatever their age: one pending, one failed.
      const pending = await a.outbox.enqueue({ subscriptionId: sub.id, platform: 'slack', channel: 'C3', kind: 'alert', payload: '{}', createdAt: at, nextAttemptAt: later(365 * DAY) });
      const failed = await a.outbox.enqueue({ subscriptionId: sub.id, platform: 'slack', channel: 'C4', kind: 'alert', payload: '{}', createdAt: at });
      await settleNext(a, 'C4', { state: 'failed', error: 'gave up' }, later(3000));

      const cutoff = later(14 * DAY);
      // Batches of one: the two old messages go one per call; the third call finds none and sweeps the bodies.
      expect(await b.outbox.prune(cutoff, 1)).toBe(1);
      expect(await a.outbox.prune(cutoff, 1)).toBe(1);
      expect(await a.outbox.prune(cutoff, 1)).toBe(0);
      expect(await a.outbox.state(oldDigest)).toBeUndefined();
      expect(await a.outbox.state(oldAlert)).toBeUndefined();
      expect(await a.outbox.state(recent)).toMatchObject({ state: 'delivered' });
      expect(await a.outbox.state(pending)).toMatchObject({ state: 'pending' });
      expect(await a.outbox.state(failed)).toMatchObject({ state: 'failed' });
      // The digest's body is still C2's; the alert's own body went with it.
      const bodies = await Promise.all([1, 2, 3, 4].map((id) => a.outbox.body(id)));
      expect(bodies.filter((x) => x !== undefined)).toEqual([digest]);
      // C1's deliveries rows went with its digest (the events may be routed to C1 again: the key no longer refuses them);
      // C2's are still there (its digest is kept), so routing them to C2 again fails whole.
      const c1 = (await a.subscriptions.get('slack', 'C1'))!;
      expect(await a.outbox.route({ subscriptionId: c1.id, fromCursor: c1.cursor, toCursor: c1.cursor, messages: [{ subscriptionId: c1.id, platform: 'slack', channel: 'C1', kind: 'alert', payload: '{}', eventIds: ids }] }, at)).toBe(true);
      const c2 = (await a.subscriptions.get('slack', 'C2'))!;
      await expect(a.outbox.route({ subscriptionId: c2.id, fromCursor: c2.cursor, toCursor: c2.cursor, messages: [{ subscriptionId: c2.id, platform: 'slack', channel: 'C2', kind: 'alert', payload: '{}', eventIds: ids }] }, at)).rejects.toThrow();
      // Nothing past the cutoff is left: pruning again removes nothing.
      expect(await b.outbox.prune(cutoff, 10)).toBe(0);
    });

    it('failed messages are sent again by platform, by id or all, except those of a paused subscription; the backlog and the failed summary say what waits', async () => {
      const { a, b } = await engine.open();
      const slack = await a.subscriptions.create({ platform: 'slack', channel: 'C1', targets: ['all'] }, at);
      const discord = await a.subscriptions.create({ platform: 'discord', channel: '42', targets: ['all'] }, at);
      const gone = await a.subscriptions.create({ platform: 'slack', channel: 'C-GONE', targets: ['all'] }, at);
      const enqueue = (s: typeof slack, createdAt: Date) => a.outbox.enqueue({ subscriptionId: s.id, platform: s.platform, channel: s.channel, kind: 'alert', payload: JSON.stringify({ summary: `to ${s.channel}`, blocks: [] }), createdAt });
      expect(await b.outbox.backlog()).toEqual({ pending: 0, failed: 0, oldest: null });
      expect(await b.outbox.failedSummary()).toEqual({ retryable: 0, oldest: null, lastError: null, platforms: [] });

      const s1 = await enqueue(slack, at);
      const d1 = await enqueue(discord, later(1000));
      const g1 = await enqueue(gone, later(2000));
      await settleNext(a, 'C1', { state: 'failed', error: 'gave up after 9 attempts: timeout' }, later(5000));
      await settleNext(a, '42', { state: 'failed', error: 'gave up after 9 attempts: 503' }, later(6000));
      await settleNext(a, 'C-GONE', { state: 'failed', error: 'channel_not_found', pauseSubscription: 'slack said channel_not_found' }, later(7000));
      // Queued after: one waiting, one being sent.
      await enqueue(slack, later(10_000));
      await enqueue(discord, later(11_000));
      await a.outbox.claimDue({ worker: 'W', now: later(12_000), limit: 1, claimTtlMs: 60_000 });

      expect(await b.outbox.backlog()).toEqual({ pending: 2, failed: 3, oldest: later(10_000).toISOString() });
      // The paused channel's message is not one that can be sent again.
      expect(await b.outbox.failedSummary()).toEqual({ retryable: 2, oldest: at.toISOString(), lastError: 'gave up after 9 attempts: 503', platforms: ['discord', 'slack'] });
      const listed = await b.outbox.failedMessages();
      expect(listed.map((m) => [m.id, m.platform, m.channel, m.summary, m.last_error, m.paused_reason])).toEqual([
        [s1, 'slack', 'C1', 'to C1', 'gave up after 9 attempts: timeout', null],
        [d1, 'discord', '42', 'to 42', 'gave up after 9 attempts: 503', null],
        [g1, 'slack', 'C-GONE', 'to C-GONE', 'channel_not_found', 'slack said channel_not_found'],
      ]);

      const t = later(60_000);
      expect(await b.outbox.retryFailed({ platform: 'slack' }, t)).toBe(1);
      expect(await a.outbox.state(s1)).toEqual({ state: 'pending', attempts: 0, claimedBy: null });
      expect(await a.outbox.retryFailed({ id: g1 }, t)).toBe(0);
      expect(await a.outbox.retryFailed({ id: s1 }, t)).toBe(0);
      expect(await a.outbox.retryFailed({ all: true }, t)).toBe(1);
      expect(await a.outbox.state(d1)).toEqual({ state: 'pending', attempts: 0, claimedBy: null });
      // Due at once, with a new run of retries (retry_since starts again).
      const again = await b.outbox.claimDue({ worker: 'W2', now: t, limit: 10, claimTtlMs: 60_000 });
      expect(again.filter((m) => m.id === s1).map((m) => [m.attempts, m.retrySince])).toEqual([[1, t.toISOString()]]);
      expect(await b.outbox.failedSummary()).toMatchObject({ retryable: 0 });
      expect((await b.outbox.backlog()).failed).toBe(1);
    });

    it('a source-health notice is queued once per status change for the channels with health on, even asked by two processes at once', async () => {
      const { a, b } = await engine.open();
      const state = { id: 'us-ofac-sdn', format: 'ofac-csv', location: 'sdn.csv', status: 'ok', contentHash: null, lastSuccessAt: null, lastChangeAt: null, recordCount: 0, pendingRemovals: 0 };
      await a.sources.record([state]);
      const told = await a.subscriptions.create({ platform: 'slack', channel: 'C-HEALTH', targets: ['all'], health: true }, at);
      await a.subscriptions.create({ platform: 'discord', channel: '7', targets: [], health: true }, at);
      await a.subscriptions.create({ platform: 'slack', channel: 'C-QUIET', targets: ['all'] }, at);
      const paused = await a.subscriptions.create({ platform: 'slack', channel: 'C-PAUSED', targets: ['all'], health: true }, at);
      await a.outbox.enqueue({ subscriptionId: paused.id, platform: 'slack', channel: 'C-PAUSED', kind: 'alert', payload: '{}', createdAt: at });
      await settleNext(a, 'C-PAUSED', { state: 'failed', error: 'channel_not_found', pauseSubscription: 'slack said channel_not_found' }, at);

      const seen: Array<string | null> = [];
      const notice = (text: string) => (previous: string | null) => {
        seen.push(previous);
        return previous === 'failed' || text !== 'recovered' ? JSON.stringify({ summary: text, blocks: [], private: false }) : undefined;
      };
      // First sight of a healthy source: recorded, nothing told.
      expect(await a.sources.claimNotice('us-ofac-sdn', 'ok', notice('recovered'), at)).toBe(0);
      expect(await b.sources.claimNotice('us-ofac-sdn', 'ok', notice('recovered'), at)).toBe(0);
      // It fails: two processes ask at once; one queues the notice for the two channels with health on.
      const both = await Promise.all([a.sources.claimNotice('us-ofac-sdn', 'failed', notice('failed'), at), b.sources.claimNotice('us-ofac-sdn', 'failed', notice('failed'), at)]);
      expect([...both].sort()).toEqual([0, 2]);
      expect(await b.sources.claimNotice('us-ofac-sdn', 'failed', notice('failed'), at)).toBe(0);
      // It recovers: told once, with what was told before.
      expect(await b.sources.claimNotice('us-ofac-sdn', 'ok', notice('recovered'), later(1000))).toBe(2);
      expect(await a.sources.claimNotice('us-ofac-sdn', 'ok', notice('recovered'), later(1000))).toBe(0);
      expect(seen).toEqual([null, 'ok', 'failed']);
      // A source with no shared row yet: nothing recorded, asked again later.
      expect(await a.sources.claimNotice('no-such-source', 'failed', notice('failed'), at)).toBeNull();

      const queued = (await a.outbox.claimDue({ worker: 'W', now: later(2000), limit: 50, claimTtlMs: 60_000 })).filter((m) => m.kind === 'health');
      expect(queued.map((m) => `${m.platform}/${m.channel}`).sort()).toEqual(['discord/7', 'slack/C-HEALTH']);
      expect(queued.find((m) => m.channel === 'C-HEALTH')).toMatchObject({ subscriptionId: told.id, bodyId: null });
      expect(JSON.parse(queued[0]!.payload)).toMatchObject({ summary: 'failed' });
      // The recovery notice waits behind the failure notice on each channel.
      for (const m of queued) await a.outbox.settle(m.id, 'W', { state: 'delivered' }, later(3000));
      const next = (await a.outbox.claimDue({ worker: 'W', now: later(4000), limit: 50, claimTtlMs: 60_000 })).filter((m) => m.kind === 'health');
      expect(next.map((m) => (JSON.parse(m.payload) as { summary: string }).summary)).toEqual(['recovered', 'recovered']);
    });
  });
}
