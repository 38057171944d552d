/**
 * One test suite for the shared store, run on each engine (shared-store-sqlite.test.ts, shared-store-postgres.test.ts):
 * the same behaviour is asserted on SQLite and on PostgreSQL. Two handles on one database stand for two processes
 * (SQLite: two connections to one file; PostgreSQL: two connection pools, as two hosts would have).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { newHolderId } from '../../../src/core/ops/lease';
import { SharedLeadership } from '../../../src/core/shared/leadership';
import { SharedLease } from '../../../src/core/shared/lease';
import type { ClaimedMessage, SharedStore } from '../../../src/core/shared/types';
import { runCli } from '../../helpers/cli-process';
import { sharedOpsSuite } from './shared-ops.suite';

export interface EngineUnderTest {
  name: 'sqlite' | 'postgres';
  /** Two handles (two processes) on one fresh, migrated database, and a refresh and a record that events may name. */
  open(): Promise<{ a: SharedStore; b: SharedStore; refs: { refreshId: number; recordId: number } }>;
  /** Two handles on one fresh database that nothing has migrated yet. */
  openUnmigrated(): Promise<[SharedStore, SharedStore]>;
  /** `sanctions migrate`'s arguments and environment for a fresh database nothing has migrated yet. */
  freshCliTarget(): Promise<{ args: string[]; env: NodeJS.ProcessEnv }>;
  /** The number of the engine's last migration. */
  latestVersion: number;
  /** Close what open() opened, drop what was made. */
  cleanup(): Promise<void>;
}

/** Another host's holder id: the same-host "process gone" rule never applies to it, only expiry. */
const otherHost = (n: number) => `other-host-${n}:4242:abcd${n}`;

export function sharedStoreSuite(engine: EngineUnderTest): void {
  afterAll(() => engine.cleanup());

  describe(`shared store on ${engine.name}: migrations`, () => {
    it('migrating again applies nothing and keeps the version', async () => {
      const { a } = await engine.open();
      const again = await a.migrate();
      expect(again.engine).toBe(engine.name);
      expect(again.applied).toEqual([]);
      expect(again.before).toBe(engine.latestVersion);
      expect(again.after).toBe(engine.latestVersion);
    });

    it('two handles migrating one fresh database at once apply each migration once between them', async () => {
      const [a, b] = await engine.openUnmigrated();
      const reports = await Promise.all([a.migrate(), b.migrate()]);
      const applied = reports.flatMap((r) => r.applied.map((m) => m.version));
      expect(applied.sort((x, y) => x - y)).toEqual(Array.from({ length: engine.latestVersion }, (_, i) => i + 1));
      expect(reports.every((r) => r.after === engine.latestVersion)).toBe(true);
      // The schema works afterwards from either handle.
      await a.subscriptions.create({ platform: 'slack', channel: 'C1', targets: ['all'] });
      expect((await b.subscriptions.list()).map((s) => s.channel)).toEqual(['C1']);
    });

    it('two `sanctions migrate` processes at once on one fresh database both succeed, and a third finds nothing to do', async () => {
      const target = await engine.freshCliTarget();
      const [one, two] = await Promise.all([runCli(['migrate', '--json', ...target.args], target.env), runCli(['migrate', '--json', ...target.args], target.env)]);
      expect(one.err).toBe('');
      expect(two.err).toBe('');
      expect([one.code, two.code]).toEqual([0, 0]);
      const reports = [one, two].map((r) => JSON.parse(r.out) as { engine: string; after: number; applied: Array<{ version: number }> });
      expect(reports.map((r) => r.engine)).toEqual([engine.name, engine.name]);
      const versions = reports.flatMap((r) => r.applied.map((m) => m.version)).sort((x, y) => x - y);
      expect(versions).toEqual(Array.from({ length: engine.latestVersion }, (_, i) => i + 1));
      const third = await runCli(['migrate', ...target.args], target.env);
      expect(third.code).toBe(0);
      expect(third.out).toContain(`schema at version ${engine.latestVersion}, nothing to apply`);
    });
  });

  describe(`shared store on ${engine.name}: leases`, () => {
    it('a lease held by one holder is refused to another until it expires, then taken over', async () => {
      const { a, b } = await engine.open();
      const t0 = 1_000_000;
      const first = await a.leases.take('refresh', otherHost(1), 1000, t0);
      expect(first.taken).toBe(true);
      const refused = await b.leases.take('refresh', otherHost(2), 1000, t0 + 999);
      expect(refused).toEqual({ taken: false, row: expect.objectContaining({ holder: otherHost(1), expires_at: t0 + 1000 }) });
      // The holder renews: still refused past the first expiry.
      expect(await a.leases.renew('refresh', otherHost(1), 1000, t0 + 900)).toBe(true);
      expect((await b.leases.take('refresh', otherHost(2), 1000, t0 + 1500)).taken).toBe(false);
      // Expired: the other takes it, and the first holder's renew now fails.
      const taken = await b.leases.take('refresh', otherHost(2), 1000, t0 + 1900);
      expect(taken.taken).toBe(true);
      expect(taken.row.holder).toBe(otherHost(2));
      expect(await a.leases.renew('refresh', otherHost(1), 1000, t0 + 1950)).toBe(false);
      expect((await a.leases.get('refresh'))?.holder).toBe(otherHost(2));
      // Releasing someone else's lease does nothing; its holder's release frees it.
      await a.leases.release('refresh', otherHost(1));
      expect((await a.leases.get('refresh'))?.holder).toBe(otherHost(2));
      await b.leases.release('refresh', otherHost(2));
      expect(await a.leases.get('refresh')).toBeUndefined();
    });

    it('taking a lease again keeps when it was first acquired; a holder known to be gone loses it before expiry on one host only', async () => {
      const { a, b } = await engine.open();
      const t0 = 5_000_000;
      const first = await a.leases.take('leader', otherHost(1), 10_000, t0);
      const again = await a.leases.take('leader', otherHost(1), 10_000, t0 + 100);
      expect(again.taken).toBe(true);
      expect(again.row.acquired_at).toBe(first.row.acquired_at);
      expect(again.row.expires_at).toBe(t0 + 10_100);
      const over = await b.leases.take('leader', otherHost(2), 10_000, t0 + 200, (holder) => holder === otherHost(1));
      // SQLite is one host's file: a holder whose process this host knows is dead loses the lease at once. Holders on
      // PostgreSQL live on other hosts, which may share a host name and process ids: only expiry frees the lease.
      expect(over.taken).toBe(engine.name === 'sqlite');
      if (engine.name === 'postgres') expect((await b.leases.take('leader', otherHost(2), 10_000, t0 + 10_101)).taken).toBe(true);
    });

    it('many holders on two handles racing for one free lease: exactly one gets it', async () => {
      const { a, b } = await engine.open();
      const now = Date.now();
      const results = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).leases.take('race', otherHost(i), 60_000, now)));
      const winners = results.filter((r) => r.taken);
      expect(winners).toHaveLength(1);
      expect((await a.leases.get('race'))?.holder).toBe(winners[0]!.row.holder);
    });

    it('SharedLease: a second process cannot take a held lease; after release it can', async () => {
      const { a, b } = await engine.open();
      const held = await SharedLease.tryTake(a.leases, 'refresh', { ttlMs: 60_000 });
      expect(held.lease).toBeDefined();
      const refused = await SharedLease.tryTake(b.leases, 'refresh', { ttlMs: 60_000, holder: otherHost(9) });
      expect(refused.lease).toBeUndefined();
      expect(refused.row?.holder).toBe(held.lease!.holder);
      expect(await held.lease!.renew()).toBe(true);
      await held.lease!.release();
      expect((await SharedLease.tryTake(b.leases, 'refresh', { ttlMs: 60_000, holder: otherHost(9) })).lease).toBeDefined();
    });
  });

  describe(`shared store on ${engine.name}: leader election`, () => {
    it('one of two processes leads; when it stops the other takes over; when it stops renewing its lease runs out and the other leads', async () => {
      const { a, b } = await engine.open();
      const log: string[] = [];
      const make = (store: SharedStore, who: string, holder: string) =>
        new SharedLeadership(store.leases, { holder, ttlMs: 60_000, beatMs: 3_600_000, onGain: () => log.push(`${who} gains`), onLose: () => void log.push(`${who} loses`) });
      const one = make(a, 'one', otherHost(1));
      const two = make(b, 'two', otherHost(2));
      await one.start();
      await two.start();
      expect([one.isLeader, two.isLeader]).toEqual([true, false]);
      await two.beat();
      expect(two.isLeader).toBe(false);
      await one.stop();
      expect(log).toEqual(['one gains', 'one loses']);
      await two.beat();
      expect(two.isLeader).toBe(true);
      await two.stop();

      // A leader that stops renewing (its host lost): the next candidate waits for the lease to run out.
      const short = 300;
      const three = new SharedLeadership(a.leases, { holder: otherHost(3), ttlMs: short, beatMs: 3_600_000, onGain: () => log.push('three gains'), onLose: () => {} });
      await three.start();
      expect(three.isLeader).toBe(true);
      const four = new SharedLeadership(b.leases, { holder: otherHost(4), ttlMs: short, beatMs: 3_600_000, onGain: () => log.push('four gains'), onLose: () => {} });
      await four.start();
      expect(four.isLeader).toBe(false);
      await new Promise((r) => setTimeout(r, short + 50));
      await four.beat();
      expect(four.isLeader).toBe(true);
      // The old leader finds out at its next beat that it lost, and steps down.
      await three.beat();
      expect(three.isLeader).toBe(false);
      await four.stop();
      await three.stop();
    });
  });

  describe(`shared store on ${engine.name}: outbox claims`, () => {
    const at = new Date('2026-03-01T10:00:00.000Z');

    it('two workers claiming from one outbox at once never get the same message, and deliver each exactly once in order per channel', async () => {
      const { a, b } = await engine.open();
      const channels = 12;
      const perChannel = 5;
      const ids: number[] = [];
      for (let m = 0; m < perChannel; m++) {
        for (let c = 0; c < channels; c++) {
          ids.push(await a.outbox.enqueue({ subscriptionId: c + 1, platform: 'slack', channel: `C${c}`, kind: 'alert', payload: `{"m":${m}}`, createdAt: at }));
        }
      }
      const delivered: Array<{ worker: string; id: number; channel: string }> = [];
      const inFlight = new Map<string, number>();
      const overlaps: string[] = [];
      const worker = async (store: SharedStore, name: string) => {
        const id = `${name}:${newHolderId()}`;
        let idle = 0;
        while (idle < 3) {
          const claimed: ClaimedMessage[] = await store.outbox.claimDue({ worker: id, now: new Date(at.getTime() + 1000), limit: 4, claimTtlMs: 60_000 });
          if (!claimed.length) {
            idle++;
            await new Promise((r) => setTimeout(r, 5));
            continue;
          }
          idle = 0;
          for (const m of claimed) {
            if (inFlight.has(m.channel)) overlaps.push(`${m.channel}: ${inFlight.get(m.channel)} and ${m.id}`);
            inFlight.set(m.channel, m.id);
          }
          await new Promise((r) => setImmediate(r));
          for (const m of claimed) {
            inFlight.delete(m.channel);
            expect(await store.outbox.settle(m.id, id, { state: 'delivered', ref: `${name}-${m.id}` }, new Date(at.getTime() + 2000))).toBe(true);
            delivered.push({ worker: name, id: m.id, channel: m.channel });
          }
        }
      };
      await Promise.all([worker(a, 'w1'), worker(b, 'w2'), worker(a, 'w3'), worker(b, 'w4')]);
      expect(overlaps).toEqual([]);
      expect(delivered.map((d) => d.id).sort((x, y) => x - y)).toEqual([...ids].sort((x, y) => x - y));
      // In order per channel: each channel's messages were delivered oldest first.
      for (let c = 0; c < channels; c++) {
        const mine = delivered.filter((d) => d.channel === `C${c}`).map((d) => d.id);
        expect(mine).toEqual([...mine].sort((x, y) => x - y));
      }
      for (const id of ids) expect(await a.outbox.state(id)).toEqual({ state: 'delivered', attempts: 1, claimedBy: null });
    });

    it("a channel's next message waits while the one before is claimed; a claim that runs out is taken over and the first worker can no longer settle it", async () => {
      const { a, b } = await engine.open();
      const first = await a.outbox.enqueue({ subscriptionId: 1, platform: 'discord', channel: '123', kind: 'alert', payload: '{}', createdAt: at });
      const second = await a.outbox.enqueue({ subscriptionId: 1, platform: 'discord', channel: '123', kind: 'alert', payload: '{}', createdAt: at });
      const t = at.getTime();
      const byA = await a.outbox.claimDue({ worker: 'A', now: new Date(t), limit: 10, claimTtlMs: 1000 });
      expect(byA.map((m) => [m.id, m.reclaimed, m.attempts])).toEqual([[first, false, 1]]);
      // Before A's claim runs out, B finds nothing on that channel (not the second message either).
      expect(await b.outbox.claimDue({ worker: 'B', now: new Date(t + 999), limit: 10, claimTtlMs: 1000 })).toEqual([]);
      // A died mid-send: once its claim ran out, B takes the message over, told it may have gone out already.
      const byB = await b.outbox.claimDue({ worker: 'B', now: new Date(t + 1000), limit: 10, claimTtlMs: 1000 });
      expect(byB.map((m) => [m.id, m.reclaimed, m.attempts, m.claimedBy])).toEqual([[first, true, 2, 'B']]);
      expect(await a.outbox.settle(first, 'A', { state: 'delivered' }, new Date(t + 1001))).toBe(false);
      expect(await a.outbox.extendClaim(first, 'A', t + 99_999)).toBe(false);
      // B's send is slow: it holds the message longer, and nobody takes it over meanwhile.
      expect(await b.outbox.extendClaim(first, 'B', t + 5000)).toBe(true);
      expect(await a.outbox.claimDue({ worker: 'A', now: new Date(t + 4999), limit: 10, claimTtlMs: 1000 })).toEqual([]);
      expect(await b.outbox.settle(first, 'B', { state: 'delivered', note: 'confirmed' }, new Date(t + 1002))).toBe(true);
      expect(await a.outbox.state(first)).toEqual({ state: 'delivered', attempts: 2, claimedBy: null });
      const next = await a.outbox.claimDue({ worker: 'A', now: new Date(t + 1003), limit: 10, claimTtlMs: 1000 });
      expect(next.map((m) => m.id)).toEqual([second]);
    });

    it('a message routed to many channels keeps one shared body, read back by the worker that claims it', async () => {
      const { a, b } = await engine.open();
      const body = JSON.stringify({ summary: '3 changes on the Entity List', blocks: [{ type: 'heading', text: '3 changes' }] });
      for (const channel of ['C1', 'C2', 'C3']) await a.outbox.enqueue({ subscriptionId: 1, platform: 'slack', channel, kind: 'digest', payload: '{"digest":true,"total":3}', body, createdAt: at });
      await b.outbox.enqueue({ subscriptionId: 2, platform: 'slack', channel: 'C4', kind: 'alert', payload: '{"plain":true}', createdAt: at });
      const claimed = await b.outbox.claimDue({ worker: 'B', now: at, limit: 10, claimTtlMs: 60_000 });
      expect(claimed).toHaveLength(4);
      const shared = claimed.filter((m) => m.bodyId !== null);
      expect(shared.map((m) => m.channel)).toEqual(['C1', 'C2', 'C3']);
      expect(new Set(shared.map((m) => m.bodyId)).size).toBe(1);
      expect(await a.outbox.body(shared[0]!.bodyId!)).toBe(body);
      expect(claimed.find((m) => m.channel === 'C4')).toMatchObject({ bodyId: null, payload: '{"plain":true}' });
    });

    it('a retry is not claimed before it is due; a rate-limited attempt does not count; failed is final', async () => {
      const { a, b } = await engine.open();
      const id = await a.outbox.enqueue({ subscriptionId: 2, platform: 'slack', channel: 'C9', kind: 'digest', payload: '{}', createdAt: at });
      const t = at.getTime();
      const [m] = await a.outbox.claimDue({ worker: 'A', now: new Date(t), limit: 1, claimTtlMs: 60_000 });
      expect(m!.retrySince).toBe(at.toISOString());
      expect(await a.outbox.settle(id, 'A', { state: 'retry', nextAttemptAt: new Date(t + 5000), error: 'timeout' }, new Date(t + 10))).toBe(true);
      expect(await b.outbox.claimDue({ worker: 'B', now: new Date(t + 4999), limit: 1, claimTtlMs: 60_000 })).toEqual([]);
      const [again] = await b.outbox.claimDue({ worker: 'B', now: new Date(t + 5000), limit: 1, claimTtlMs: 60_000 });
      expect(again!.attempts).toBe(2);
      expect(await b.outbox.settle(id, 'B', { state: 'retry', nextAttemptAt: new Date(t + 6000), error: '429', retryAfterMs: 1000, uncount: true }, new Date(t + 5001))).toBe(true);
      expect((await a.outbox.state(id))?.attempts).toBe(1);
      await a.outbox.claimDue({ worker: 'A', now: new Date(t + 6000), limit: 1, claimTtlMs: 60_000 });
      expect(await a.outbox.settle(id, 'A', { state: 'failed', error: 'channel_not_found' }, new Date(t + 6001))).toBe(true);
      expect(await a.outbox.state(id)).toEqual({ state: 'failed', attempts: 2, claimedBy: null });
      expect(await b.outbox.claimDue({ worker: 'B', now: new Date(t + 999_999), limit: 5, claimTtlMs: 60_000 })).toEqual([]);
    });
  });

  describe(`shared store on ${engine.name}: subscriptions, events, audit`, () => {
    it('subscriptions are created (once per channel, starting at the newest event), listed from another process and removed', async () => {
      const { a, b, refs } = await engine.open();
      await a.events.append([{ at: '2026-03-01T00:00:00.000Z', refreshId: refs.refreshId, kind: 'added', list: 'US-OFAC-SDN', sourceId: 'us-ofac-sdn', recordId: refs.recordId, recordKey: 'k1', name: 'ACME' }]);
      const last = await a.events.lastId();
      const made = await a.subscriptions.create({ platform: 'slack', channel: 'C1', targets: ['side:us'], health: true, by: 'U1' });
      expect(made).toMatchObject({ platform: 'slack', channel: 'C1', targets: ['side:us'], excluded: [], health: true, createdBy: 'U1', cursor: last });
      expect(made.kinds).toEqual(['added', 'removed', 'changed', 'suspended']);
      const replaced = await b.subscriptions.create({ platform: 'slack', channel: 'C1', targets: ['US-BIS-EL'], kinds: ['added'], health: false });
      expect(replaced.id).toBe(made.id);
      expect(replaced).toMatchObject({ targets: ['US-BIS-EL'], kinds: ['added'], health: true });
      await b.subscriptions.create({ platform: 'discord', channel: '42', targets: ['all'], countries: ['CN'] });
      expect((await a.subscriptions.list()).map((s) => `${s.platform}/${s.channel}`)).toEqual(['slack/C1', 'discord/42']);
      expect(await a.subscriptions.remove('slack', 'C1')).toBe(true);
      expect(await b.subscriptions.remove('slack', 'C1')).toBe(false);
      expect(await b.subscriptions.get('slack', 'C1')).toBeUndefined();
      expect((await b.subscriptions.get('discord', '42'))?.countries).toEqual(['CN']);
    });

    it('watch terms: a channel that follows nothing gets a bare subscription; terms are listed, removed in any case, and go with the subscription', async () => {
      const { a, b } = await engine.open();
      expect(await a.subscriptions.addWatch('discord', '77', 'Acme Trading', 'U9')).toBe(true);
      expect(await b.subscriptions.addWatch('discord', '77', 'Acme Trading')).toBe(false);
      expect(await b.subscriptions.addWatch('discord', '77', 'Beta Corp')).toBe(true);
      expect(await b.subscriptions.addWatch('discord', '77', 'alpha Ltd')).toBe(true);
      expect(await b.subscriptions.get('discord', '77')).toMatchObject({ targets: [], createdBy: 'U9' });
      // Subscribing later keeps the terms (same channel, same row).
      const sub = await a.subscriptions.create({ platform: 'discord', channel: '77', targets: ['side:cn'] });
      // In byte order on both engines (SQLite's, and PostgreSQL's columns are COLLATE "C" whatever the database's locale).
      expect(await a.subscriptions.watchTerms('discord', '77')).toEqual(['Acme Trading', 'Beta Corp', 'alpha Ltd']);
      expect(await a.subscriptions.removeWatch('discord', '77', 'acme trading')).toBe(true);
      expect(await a.subscriptions.removeWatch('discord', '77', 'acme trading')).toBe(false);
      expect(await b.subscriptions.watchTerms('discord', '77')).toEqual(['Beta Corp', 'alpha Ltd']);
      expect((await b.subscriptions.get('discord', '77'))?.id).toBe(sub.id);
      expect(await b.subscriptions.remove('discord', '77')).toBe(true);
      expect(await a.subscriptions.watchTerms('discord', '77')).toEqual([]);
    });

    it('change events are appended in order and listed since an id from either process', async () => {
      const { a, b, refs } = await engine.open();
      expect(await a.events.lastId()).toBe(0);
      const base = { refreshId: refs.refreshId, sourceId: 'us-ofac-sdn', recordId: refs.recordId } as const;
      const ids = await a.events.append([
        { ...base, at: '2026-03-01T00:00:00.000Z', kind: 'added', list: 'US-OFAC-SDN', recordKey: 'k1', name: 'ACME LTD' },
        { ...base, at: '2026-03-01T00:00:00.000Z', kind: 'changed', list: 'US-OFAC-SDN', recordKey: 'k1', name: 'ACME LTD', detail: { fields: ['names'] } },
      ]);
      const more = await b.events.append([{ ...base, at: '2026-03-02T00:00:00.000Z', kind: 'removed', list: 'US-OFAC-SDN', recordKey: 'k1', name: 'ACME LTD' }]);
      expect(ids[1]! > ids[0]! && more[0]! > ids[1]!).toBe(true);
      expect(await b.events.lastId()).toBe(more[0]);
      const after = await b.events.since(ids[0]!);
      expect(after.map((e) => [e.id, e.kind, e.detail])).toEqual([
        [ids[1], 'changed', { fields: ['names'] }],
        [more[0], 'removed', {}],
      ]);
      expect(after[0]).toMatchObject({ list: 'US-OFAC-SDN', source: 'us-ofac-sdn', record: 'k1', recordId: refs.recordId, refreshId: refs.refreshId, name: 'ACME LTD' });
      expect(await a.events.since(0, 1)).toHaveLength(1);
    });

    it('appends from two processes at once all land, each batch in one block of ids (a reader by id never skips one)', async () => {
      const { a, b, refs } = await engine.open();
      const batch = (n: number) =>
        Array.from({ length: 3 }, (_, i) => ({ at: '2026-03-01T00:00:00.000Z', refreshId: refs.refreshId, kind: 'added' as const, list: 'CN-MOFCOM-UEL' as const, sourceId: 'cn-lists', recordId: refs.recordId, recordKey: `b${n}-${i}`, name: `Batch ${n}` }));
      const batches = await Promise.all(Array.from({ length: 8 }, (_, n) => (n % 2 ? a : b).events.append(batch(n))));
      for (const ids of batches) expect(ids).toEqual([ids[0], ids[0]! + 1, ids[0]! + 2]);
      const all = await a.events.since(0);
      expect(all.map((e) => e.id)).toEqual(batches.flat().sort((x, y) => x - y));
    });

    it('the audit trail keeps who looked up what against which data, newest first', async () => {
      const { a, b } = await engine.open();
      const results = [{ id: 'us-ofac-sdn:1', name: 'ACME LTD', score: 0.97, lists: ['US-OFAC-SDN'] }];
      const first = await a.audit.append({ at: new Date('2026-03-01T10:00:00.000Z'), platform: 'slack', actor: 'U1', place: 'T1/C1', query: 'acme', results, datasetVersion: 7 });
      const second = await b.audit.append({ at: new Date('2026-03-01T10:01:00.000Z'), platform: 'cli', query: 'huawei', results: [], datasetVersion: 7 });
      const trail = await a.audit.list();
      expect(trail).toEqual([
        { id: second, at: '2026-03-01T10:01:00.000Z', platform: 'cli', query: 'huawei', results: [], datasetVersion: 7 },
        { id: first, at: '2026-03-01T10:00:00.000Z', platform: 'slack', actor: 'U1', place: 'T1/C1', query: 'acme', results, datasetVersion: 7 },
      ]);
      expect((await b.audit.list({ sinceId: first })).map((e) => e.id)).toEqual([second]);
      expect(await b.audit.list({ limit: 1 })).toHaveLength(1);
    });
  });

  describe(`shared store on ${engine.name}: publishing and routing (several processes)`, () => {
    const at = new Date('2026-03-01T10:00:00.000Z');

    it("a refresh's changes published by two processes at once are added once; a list that goes back to an earlier state is news again", async () => {
      const { a, b, refs } = await engine.open();
      const event = (key: string, kind: 'added' | 'removed' | 'changed' = 'added', detail: Record<string, unknown> = {}) => ({
        at: at.toISOString(),
        refreshId: refs.refreshId,
        kind,
        list: 'CN-MOFCOM-UEL' as const,
        sourceId: 'cn-test',
        recordId: refs.recordId,
        recordKey: key,
        name: `Party ${key}`,
        detail,
      });
      const source = { id: 'cn-test', format: 'cn-sanctions-csv', location: '/data/cn.csv' };
      // The content a refresh moved the source from (first argument) says what each step stands for; only where it ends is published.
      const batch = (_from: string | null, toHash: string, events: ReturnType<typeof event>[]) => ({ source, toHash, events });
      const t1 = ['k1', 'k2', 'k3'].map((k) => event(k));
      // The same refresh from two processes at once: one adds it, the other finds every change told already.
      const both = await Promise.all([a.events.publish(batch(null, 'h1', t1)), b.events.publish(batch(null, 'h1', t1))]);
      expect(both.map((r) => r.added).sort()).toEqual([0, 3]);
      expect(both.map((r) => r.already).sort()).toEqual([false, true]);
      expect((await a.sources.list()).find((s) => s.id === 'cn-test')?.contentHash).toBe('h1');
      // k1 removed, then listed again, then removed again (a list flapping between two states): news every time.
      expect(await b.events.publish(batch('h1', 'h2', [event('k1', 'removed')]))).toEqual({ added: 1, already: false });
      expect(await a.events.publish(batch('h2', 'h1', [event('k1', 'added', { relisted: true })]))).toEqual({ added: 1, already: false });
      expect(await b.events.publish(batch('h1', 'h2', [event('k1', 'removed')]))).toEqual({ added: 1, already: false });
      // A copy catching up from far back (its diff from then: k1 removed, k2 and k3 added) adds nothing; nor a change
      // told just now.
      expect(await a.events.publish(batch(null, 'h2', [event('k1', 'removed'), event('k2'), event('k3')]))).toEqual({ added: 0, already: true });
      const renamed = event('k2', 'changed', { fields: ['name'], previous_name: 'Party k2', $routing: { recordHash: 'r2' } });
      expect(await a.events.publish(batch('h2', 'h3', [renamed]))).toEqual({ added: 1, already: false });
      expect(await b.events.publish(batch('h1', 'h3', [renamed]))).toEqual({ added: 0, already: true });
      // The same kind of change again with the record's content changed again is news.
      expect(await b.events.publish(batch('h3', 'h4', [{ ...renamed, detail: { ...renamed.detail, $routing: { recordHash: 'r3' } } }]))).toEqual({ added: 1, already: false });
      expect((await a.events.since(0)).map((e) => `${e.kind} ${e.record}`)).toEqual(['added k1', 'added k2', 'added k3', 'removed k1', 'added k1', 'removed k1', 'changed k2', 'changed k2']);
      // Recording a source's state (status, counts) never moves what was published.
      await a.sources.record([{ id: 'cn-test', format: 'cn-sanctions-csv', location: '/data/cn.csv', status: 'ok', contentHash: 'stale', lastSuccessAt: null, lastChangeAt: null, recordCount: 3, pendingRemovals: 2 }]);
      if (engine.name === 'postgres') expect((await b.sources.list()).find((s) => s.id === 'cn-test')).toMatchObject({ contentHash: 'h4', recordCount: 3, pendingRemovals: 2 });
    });

    it('two processes routing one subscription from the same cursor: one writes its messages and moves the cursor, the other writes nothing', async () => {
      const { a, b, refs } = await engine.open();
      const sub = await a.subscriptions.create({ platform: 'slack', channel: 'C1', targets: ['side:cn'] }, at);
      const ids = await a.events.append(
        ['k1', 'k2', 'k3'].map((key) => ({ at: at.toISOString(), refreshId: refs.refreshId, kind: 'added' as const, list: 'CN-MOFCOM-UEL' as const, sourceId: 'cn-lists', recordId: refs.recordId, recordKey: key, name: key })),
      );
      const batch = (store: SharedStore, label: string) =>
        store.outbox.route(
          {
            subscriptionId: sub.id,
            fromCursor: sub.cursor,
            toCursor: ids.at(-1)!,
            messages: [{ subscriptionId: sub.id, platform: 'slack', channel: 'C1', kind: 'digest', payload: `{"by":"${label}"}`, body: '{"summary":"3 changes"}', eventIds: ids }],
          },
          at,
        );
      const written = await Promise.all([batch(a, 'a'), batch(b, 'b')]);
      expect(written.sort()).toEqual([false, true]);
      expect((await b.subscriptions.get('slack', 'C1'))!.cursor).toBe(ids.at(-1));
      const claimed = await b.outbox.claimDue({ worker: 'W', now: at, limit: 10, claimTtlMs: 60_000 });
      expect(claimed).toHaveLength(1);
      expect(await b.outbox.body(claimed[0]!.bodyId!)).toBe('{"summary":"3 changes"}');
      // From a cursor that has moved on, nothing is written again.
      expect(await batch(a, 'late')).toBe(false);
      expect(await a.outbox.claimDue({ worker: 'W2', now: new Date(at.getTime() + 120_000), limit: 10, claimTtlMs: 60_000 })).toHaveLength(1);
    });

    it('a channel that refuses for good pauses its subscription and fails its queued messages; a paused subscription is not routed', async () => {
      const { a, b, refs } = await engine.open();
      const sub = await a.subscriptions.create({ platform: 'discord', channel: '42', targets: ['all'] }, at);
      const first = await a.outbox.enqueue({ subscriptionId: sub.id, platform: 'discord', channel: '42', kind: 'alert', payload: '{}', createdAt: at });
      const second = await a.outbox.enqueue({ subscriptionId: sub.id, platform: 'discord', channel: '42', kind: 'alert', payload: '{}', createdAt: at });
      const [m] = await b.outbox.claimDue({ worker: 'W', now: at, limit: 10, claimTtlMs: 60_000 });
      expect(m!.id).toBe(first);
      expect(await b.outbox.settle(first, 'W', { state: 'failed', error: 'Unknown Channel', pauseSubscription: 'discord said Unknown Channel' }, at)).toBe(true);
      const paused = (await a.subscriptions.get('discord', '42'))!;
      expect(paused.pausedReason).toBe('discord said Unknown Channel');
      expect(await a.outbox.state(second)).toMatchObject({ state: 'failed' });
      const [id] = await a.events.append([{ at: at.toISOString(), refreshId: refs.refreshId, kind: 'added', list: 'US-OFAC-SDN', sourceId: 'us-ofac-sdn', recordId: refs.recordId, recordKey: 'k', name: 'K' }]);
      expect(await a.outbox.route({ subscriptionId: sub.id, fromCursor: paused.cursor, toCursor: id!, messages: [] }, at)).toBe(false);
      // Subscribing again resumes it.
      expect((await a.subscriptions.create({ platform: 'discord', channel: '42', targets: ['all'] }, at)).pausedReason).toBeFalsy();
    });
  });

  sharedOpsSuite(engine);
}
