/**
 * Routing on the shared store (issue 16) past a page of events, and with a channel whose messages cannot be built.
 * Refresh ids in the shared store are each publisher's own local ids: another host's refresh may carry the same
 * number, and routing must never move a cursor past an event it did not read. On the SQLite engine of the shared store
 * (the same routing code runs on both; the engines' semantics are the shared suite's).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { routeShared } from '../../../src/core/alerts/shared-route';
import { DERIVATIONS, openStore } from '../../../src/core/reindex';
import { SqliteSharedStore } from '../../../src/core/shared/sqlite';
import type { NewChangeEvent } from '../../../src/core/shared/types';
import { tempDir } from '../../helpers/tmp';

const dir = tempDir('sanctions-shared-route-');

async function setup(name: string) {
  const path = join(dir, `${name}.db`);
  const db = openStore(path);
  db.exec("INSERT INTO sources (id, format, location) VALUES ('cn-lists', 'cn-sanctions-csv', 'x.csv')");
  const refresh = () => db.prepare<[], { id: number }>("INSERT INTO refreshes (source_id, started_at, outcome) VALUES ('cn-lists', '2026-03-01T00:00:00Z', 'applied') RETURNING id").get()!.id;
  const recordId = db
    .prepare<[], { id: number }>("INSERT INTO records (source_id, key, name, type, payload, hash, first_seen, last_seen) VALUES ('cn-lists', 'k', 'ACME', 'entity', '{}', 'h', '2026-03-01', '2026-03-01') RETURNING id")
    .get()!.id;
  const store = new SqliteSharedStore(db, { path, derive: DERIVATIONS, closeDb: true });
  let hashes = 0;
  const event = (refreshId: number, key: string, routing: object | undefined = facts(key)): NewChangeEvent => ({
    at: '2026-03-01T00:00:00Z',
    refreshId,
    kind: 'added',
    list: 'CN-MOFCOM-UEL',
    sourceId: 'cn-lists',
    recordId,
    recordKey: key,
    name: key,
    detail: routing ? { $routing: routing } : {},
  });
  const publish = async (events: NewChangeEvent[]) => {
    const before = await store.events.lastId();
    await store.events.publish({ source: { id: 'cn-lists', format: 'cn-sanctions-csv', location: 'x.csv' }, toHash: `h${++hashes}`, events });
    return (await store.events.since(before, 100_000)).map((e) => e.id);
  };
  const covered = (subscriptionId: number) => new Set(db.prepare<[number], { event_id: number }>('SELECT event_id FROM deliveries WHERE subscription_id = ?').all(subscriptionId).map((r) => r.event_id));
  return { db, store, refresh, event, publish, covered };
}

const facts = (party: string) => ({
  countries: [],
  retaliation: true,
  facts: { party, partyId: 'p1', type: 'entity', countries: [], action: 'added', programs: ['Unreliable Entity List'], issuer: 'MOFCOM', retaliation: true },
});

describe('routing on the shared store', () => {
  it("never moves a cursor past a refresh it did not read, when a later refresh of another host has the same id", async () => {
    const { db, store, refresh, event, publish, covered } = await setup('collide');
    const sub = await store.subscriptions.create({ platform: 'slack', channel: 'C1', targets: ['all'], kinds: ['added'] });
    const [r42, r43] = [refresh(), refresh()];
    const a42 = await publish(Array.from({ length: 5000 }, (_, i) => event(r42, `a42-${i}`))); // host A's refresh 42: a full page
    const a43 = await publish(Array.from({ length: 3 }, (_, i) => event(r43, `a43-${i}`))); // host A's refresh 43
    const b42 = await publish(Array.from({ length: 3 }, (_, i) => event(r42, `b42-${i}`))); // host B's refresh, also numbered 42 there
    const routed = new Set<number>();
    for (let pass = 0; pass < 4; pass++) {
      await routeShared(store, db);
      for (const id of covered(sub.id)) routed.add(id);
    }
    expect([...a42, ...a43, ...b42].filter((id) => !routed.has(id))).toEqual([]);
    expect((await store.subscriptions.get('slack', 'C1'))!.cursor).toBe(b42.at(-1));
    await store.close();
  }, 60_000);

  it('a channel whose messages cannot be built is held back alone, and says why; the others are routed', async () => {
    const { db, store, refresh, event, publish, covered } = await setup('unreadable');
    const good = await store.subscriptions.create({ platform: 'slack', channel: 'C-GOOD', targets: ['US-OFAC-SDN'] });
    const bad = await store.subscriptions.create({ platform: 'slack', channel: 'C-BAD', targets: ['all'] });
    const r = refresh();
    // An event without what routing needs (a publisher of another version): its alert cannot be built.
    const ids = await publish([{ ...event(r, 'odd', undefined), detail: { $routing: { countries: [], retaliation: true, facts: { party: 'odd' } } } }]);
    await publish([{ ...event(r, 'sdn'), list: 'US-OFAC-SDN' }]);
    const report = await routeShared(store, db);
    expect(report.errors).toHaveLength(1);
    expect(report.errors![0]).toMatch(/^slack C-BAD: /);
    expect(covered(good.id).size).toBe(1);
    expect(covered(bad.id).size).toBe(0);
    // Its cursor did not move: nothing is lost, it is tried again next pass.
    expect((await store.subscriptions.get('slack', 'C-BAD'))!.cursor).toBeLessThan(ids[0]!);
    await store.close();
  }, 60_000);

  it('a channel with watch terms waits while this copy is behind on the source of an event it does not have; the others do not', async () => {
    const { db, store, refresh, event, publish, covered } = await setup('behind');
    const watching = await store.subscriptions.create({ platform: 'slack', channel: 'C-WATCH', targets: [] });
    await store.subscriptions.addWatch('slack', 'C-WATCH', 'Newco');
    const lists = await store.subscriptions.create({ platform: 'slack', channel: 'C-LISTS', targets: ['all'] });
    // Published by the last leader: a record this copy has not loaded yet (its follow of cn-lists has not run).
    const ids = await publish([{ ...event(refresh(), 'newco-key'), name: 'Newco Ltd' }]);
    const waiting = await routeShared(store, db, { sourcesBehind: new Set(['cn-lists']) });
    expect(waiting.waiting).toBe(1);
    expect(covered(lists.id).size).toBe(1);
    expect((await store.subscriptions.get('slack', 'C-WATCH'))!.cursor).toBeLessThan(ids[0]!);
    // Caught up (nothing behind): routed.
    await routeShared(store, db, { sourcesBehind: new Set() });
    expect((await store.subscriptions.get('slack', 'C-WATCH'))!.cursor).toBe(ids[0]);
    expect(watching.id).toBeGreaterThan(0);
    await store.close();
  }, 60_000);
});
