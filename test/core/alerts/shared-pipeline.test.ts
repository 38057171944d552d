/**
 * The alert pipeline on PostgreSQL (issue 16) against the one on the SQLite file, over the real timeline (t0 -> t1:
 * the SDN and China's lists): the same channels, filters and watch terms hear the same messages, once. And the
 * delivery worker's rules on the shared outbox: a permanent refusal pauses the channel, a 429 does not count as an
 * attempt, a message taken over after its worker died is looked up in the channel before it is sent again.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AlertSink, DeliveryResult } from '../../../src/core/alerts/delivery';
import { AlertPipeline } from '../../../src/core/alerts/pipeline';
import { SharedAlertPipeline } from '../../../src/core/alerts/shared-pipeline';
import { lastLocalEvent, passLocalEvents, publishLocalEvents, startPublishing } from '../../../src/core/alerts/shared-publish';
import { routeShared } from '../../../src/core/alerts/shared-route';
import { SharedDeliveryWorker } from '../../../src/core/alerts/shared-worker';
import { SubscriptionStore, type Target } from '../../../src/core/alerts/subscriptions';
import type { Reply } from '../../../src/core/commands/reply';
import { refreshSources } from '../../../src/core/refresh';
import { SourceFollower } from '../../../src/core/shared/follow';
import { loadSourcesFile } from '../../../src/core/sources/config';
import { openDb, type Db } from '../../../src/core/store/db';
import type { ChangeKind } from '../../../src/core/model';
import type { ListCode } from '../../../src/core/lists';
import { sharedPostgresForFile } from '../../helpers/shared-postgres';
import { SOURCES_DIR } from '../../helpers/shared';
import { tempDir } from '../../helpers/tmp';

const { available, openShared } = sharedPostgresForFile();

const timeline = (step: number) => loadSourcesFile(join(SOURCES_DIR, `timeline-t${step}.json`));

class RecordingSink implements AlertSink {
  readonly sent: Array<{ channel: string; reply: Reply; key: string }> = [];
  readonly asked: string[] = [];
  constructor(
    readonly platform: string,
    private readonly answer: (channel: string) => DeliveryResult = () => ({ ok: true }),
    private readonly seen: (key: string) => boolean | undefined = () => false,
  ) {}
  async deliver(channel: string, reply: Reply, key: string): Promise<DeliveryResult> {
    const result = this.answer(channel);
    if (result.ok) this.sent.push({ channel, reply, key });
    return result;
  }
  async confirm(_channel: string, key: string): Promise<boolean | undefined> {
    this.asked.push(key);
    return this.seen(key);
  }
}

interface Channel {
  channel: string;
  targets: Target[];
  excluded?: ListCode[];
  kinds?: ChangeKind[];
  countries?: string[];
  watch?: string;
}

/** A message as the channel reads it: its blocks without buttons and without event ids (each store numbers its own). */
function readable(reply: Reply): string {
  const blocks = reply.blocks.filter((b) => b.type !== 'actions');
  // Event ids and times are each store's own (the SQLite run refreshed a few seconds before).
  return JSON.stringify({ summary: reply.summary, blocks })
    .replace(/"id":\d+,?/g, '')
    .replace(/"at":"[^"]*",?/g, '');
}

describe.skipIf(!available)('the alert pipeline on PostgreSQL', () => {
  const dir = tempDir('sanctions-shared-pipeline-');

  it('hears the same messages as the SQLite pipeline, channel by channel, once', async () => {
    // A party added at t1 on China's lists, to watch by name.
    const scratch = openDb(join(dir, 'scratch.db'));
    await refreshSources(scratch, timeline(0));
    await refreshSources(scratch, timeline(1));
    const watched = scratch.prepare<[], { name: string }>("SELECT name FROM events WHERE kind = 'added' AND list LIKE 'CN-%' ORDER BY id LIMIT 1").get()!.name;
    scratch.close();

    const channels: Channel[] = [
      { channel: 'C-ALL', targets: ['all'] },
      { channel: 'C-CN', targets: ['side:cn'] },
      { channel: 'C-SDN-ADDED', targets: ['US-OFAC-SDN'], kinds: ['added'] },
      { channel: 'C-ALLBUT', targets: ['all'], excluded: ['US-OFAC-SDN'] },
      { channel: 'C-RU', targets: ['all'], countries: ['RU'] },
      { channel: 'C-WATCH', targets: [], watch: watched },
      { channel: 'C-REMOVED', targets: ['all'], kinds: ['removed', 'suspended'] },
    ];

    // On the SQLite file.
    const local: Db = openDb(join(dir, 'sqlite.db'));
    await refreshSources(local, timeline(0));
    const subs = new SubscriptionStore(local);
    for (const c of channels) {
      if (c.targets.length) subs.save({ platform: 'slack', channel: c.channel, targets: c.targets, excluded: c.excluded ?? [], kinds: c.kinds ?? ['added', 'removed', 'changed', 'suspended'], countries: c.countries ?? [], health: false });
      if (c.watch) subs.addWatch('slack', c.channel, c.watch);
    }
    const before = new RecordingSink('slack');
    const sqlitePipeline = new AlertPipeline(local, { sinks: new Map([['slack', before]]) });
    await refreshSources(local, timeline(1));
    await sqlitePipeline.tick();
    await sqlitePipeline.stop();
    local.close();

    // On PostgreSQL, from the leader's own copy.
    const shared = await openShared();
    const copy = openDb(join(dir, 'copy.db'));
    await refreshSources(copy, timeline(0));
    startPublishing(copy);
    for (const c of channels) {
      if (c.targets.length) await shared.subscriptions.create({ platform: 'slack', channel: c.channel, targets: c.targets, excluded: c.excluded ?? [], kinds: c.kinds, countries: c.countries });
      if (c.watch) await shared.subscriptions.addWatch('slack', c.channel, c.watch);
    }
    const after = new RecordingSink('slack');
    const pipeline = new SharedAlertPipeline(shared, copy, { sinks: new Map([['slack', after]]) });
    await refreshSources(copy, timeline(1));
    const turn = await pipeline.tick();
    expect(turn.publish.published).toBe(turn.publish.read);
    expect(turn.failed).toBe(0);
    // A second turn finds nothing new: nothing is published, routed or sent twice.
    const again = await pipeline.tick();
    expect([again.publish.published, again.route.queued, again.delivered]).toEqual([0, 0, 0]);
    await pipeline.stop();

    const heard = (sink: RecordingSink, channel: string) => sink.sent.filter((s) => s.channel === channel).map((s) => readable(s.reply));
    for (const c of channels) {
      expect(heard(after, c.channel), c.channel).toEqual(heard(before, c.channel));
    }
    expect(heard(after, 'C-WATCH').join()).toContain(watched);
    expect(after.sent.length).toBe(before.sent.length);
    // Not a comparison of two silences: every channel but the one that hears only removals (none at t1) heard something.
    for (const c of channels) expect(heard(after, c.channel).length > 0, c.channel).toBe(c.channel !== 'C-REMOVED');
    // Digests carry every event they cover as CSV and Markdown.
    const digest = after.sent.find((s) => s.reply.alert?.digest)!;
    expect(digest.reply.files?.map((f) => f.type)).toEqual(['text/csv', 'text/markdown']);
    expect(digest.reply.files![0]!.content.split('\n').length - 2).toBe(digest.reply.alert!.total);
    copy.close();
  }, 240_000);

  it('a second copy following the leader publishes nothing; a leader catching up publishes only what is not there yet', async () => {
    const shared = await openShared();
    const leader = openDb(join(dir, 'leader.db'));
    const follower = openDb(join(dir, 'follower.db'));
    for (const db of [leader, follower]) {
      await refreshSources(db, timeline(0));
      startPublishing(db);
    }
    await refreshSources(leader, timeline(1));
    const first = await publishLocalEvents(leader, shared);
    expect(first.published).toBeGreaterThan(0);
    expect((await shared.sources.list()).map((s) => s.id).sort()).toEqual(['cn-lists', 'us-ofac-sdn']);
    // The follower applies the same files: the shared store has the sources at that content already.
    await refreshSources(follower, timeline(1));
    const repeat = await publishLocalEvents(follower, shared);
    expect(repeat).toMatchObject({ read: first.read, published: 0 });
    // A follower that passes its events over publishes nothing of them later.
    const other = openDb(join(dir, 'other.db'));
    await refreshSources(other, timeline(0));
    startPublishing(other);
    const before = lastLocalEvent(other);
    await refreshSources(other, timeline(1));
    expect(passLocalEvents(other, before)).toBe(true);
    expect(await publishLocalEvents(other, shared)).toMatchObject({ read: 0, published: 0 });
    for (const db of [leader, follower, other]) db.close();
  }, 240_000);

  it('a list that goes back to an earlier state is alerted again; a copy two versions behind catching up adds nothing already published', async () => {
    const shared = await openShared();
    const cn = (step: number) => timeline(step).filter((s) => s.id === 'cn-lists');
    const leader = openDb(join(dir, 'flap-leader.db'));
    const late = openDb(join(dir, 'flap-late.db'));
    for (const db of [leader, late]) {
      await refreshSources(db, cn(0));
      startPublishing(db);
    }
    const published: number[] = [];
    const computed: number[] = [];
    // t1 (14 added); back to t0 twice (a removal is applied when a second download confirms it); t1 again (listed
    // again); t0 twice again (removed again: the same change as before, of the same file); then t2.
    for (const step of [1, 0, 0, 1, 0, 0, 2]) {
      const [result] = await refreshSources(leader, cn(step));
      const report = await publishLocalEvents(leader, shared);
      expect(report.read, `t${step}`).toBe(result!.added + result!.removed + result!.changed + result!.suspended);
      computed.push(report.read);
      published.push(report.published);
    }
    // Every change the leader computed is published, the recurring ones too.
    expect(published).toEqual(computed);
    expect(published.slice(0, 6)).toEqual([14, 0, 14, 14, 0, 14]);
    const total = await shared.events.lastId();
    // A copy still at t0 (down meanwhile, restored from an image) takes over and catches up straight to t2.
    await refreshSources(late, cn(2));
    expect(await publishLocalEvents(late, shared)).toMatchObject({ published: 0 });
    expect(await shared.events.lastId()).toBe(total);
    // A copy that computed changes and never published them (it led, and crashed) keeps them when it follows.
    const crashed = openDb(join(dir, 'flap-crashed.db'));
    await refreshSources(crashed, cn(0));
    startPublishing(crashed);
    await refreshSources(crashed, cn(1));
    const before = lastLocalEvent(crashed);
    await refreshSources(crashed, cn(2));
    expect(passLocalEvents(crashed, before)).toBe(false);
    for (const db of [leader, late, crashed]) db.close();
  }, 240_000);

  it('removals held back and confirmed by the next download of the same file are published, and followers follow the confirmation', async () => {
    const shared = await openShared();
    // A list of 200 entities; the next version drops 30 (more than the removal hold lets through at once) and adds one.
    const files = join(dir, 'held');
    mkdirSync(files, { recursive: true });
    const list = join(files, 'list.json');
    const write = (ids: number[]) => writeFileSync(list, JSON.stringify({ entities: ids.map((i) => ({ id: `e${i}`, name: `Entity Number ${i} Holdings`, country: 'CN', effective_date: '2021-03-04' })) }));
    writeFileSync(join(files, 'sources.json'), JSON.stringify({ sources: [{ id: 'src', format: 'entities-json', list: 'US-BIS-UVL', location: 'list.json' }] }));
    const config = () => loadSourcesFile(join(files, 'sources.json'));
    const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);
    write(range(0, 200));
    const leader = openDb(join(dir, 'held-leader.db'));
    const follower = openDb(join(dir, 'held-follower.db'));
    for (const db of [leader, follower]) {
      await refreshSources(db, config());
      startPublishing(db);
    }
    await publishLocalEvents(leader, shared);
    write([...range(30, 200), 500]);
    const [first] = await refreshSources(leader, config());
    expect([first!.added, first!.removed]).toEqual([1, 0]);
    expect(await publishLocalEvents(leader, shared)).toMatchObject({ published: 1 });
    // The follower follows that state: the same file, the same removals held back.
    const follow = new SourceFollower(shared);
    const due = await follow.due(follower);
    expect(due.map((d) => d.id)).toEqual(['src']);
    await refreshSources(follower, config());
    expect(SourceFollower.reached(follower, due)).toBe(true);
    follow.followed(due);
    expect(await follow.due(follower)).toEqual([]);
    // The next download of the same file confirms the 30 removals: news, published, although the file is the same.
    const [second] = await refreshSources(leader, config());
    expect(second!.removed).toBe(30);
    expect(await publishLocalEvents(leader, shared)).toMatchObject({ read: 30, published: 30 });
    // The follower, at the same file with the removals still held, is due again, and follows the confirmation.
    const again = await follow.due(follower);
    expect(again.map((d) => d.id)).toEqual(['src']);
    await refreshSources(follower, config());
    expect(SourceFollower.reached(follower, again)).toBe(true);
    expect(follower.prepare("SELECT COUNT(*) AS n FROM records WHERE source_id = 'src' AND removed_at IS NULL").get()).toEqual(
      leader.prepare("SELECT COUNT(*) AS n FROM records WHERE source_id = 'src' AND removed_at IS NULL").get(),
    );
    for (const db of [leader, follower]) db.close();
  }, 120_000);

  it('delivery on the shared outbox: a refusal for good pauses the channel, a 429 is not an attempt, a message taken over is looked up first', async () => {
    const shared = await openShared();
    const copy = openDb(join(dir, 'worker.db'));
    await refreshSources(copy, timeline(0));
    startPublishing(copy);
    for (const channel of ['C-OK', 'C-GONE', 'C-RATE', 'C-HELD']) await shared.subscriptions.create({ platform: 'slack', channel, targets: ['side:cn'] });
    await refreshSources(copy, timeline(1));
    await publishLocalEvents(copy, shared);
    expect((await routeShared(shared, copy)).queued).toBe(4);

    // A worker that died holding C-HELD's message after posting it.
    const now = Date.now();
    const dead = await shared.outbox.claimDue({ worker: 'dead-worker', now: new Date(now), limit: 4, claimTtlMs: 1000 });
    const held = dead.find((m) => m.channel === 'C-HELD')!;
    for (const m of dead) if (m !== held) await shared.outbox.settle(m.id, 'dead-worker', { state: 'retry', nextAttemptAt: new Date(now), error: 'test', uncount: true }, new Date(now));
    const heldKey = `sanctions-${held.id}-${Date.parse(held.createdAt)}`;
    const sink = new RecordingSink(
      'slack',
      (channel) => (channel === 'C-GONE' ? { ok: false, permanent: true, reason: 'channel_not_found' } : channel === 'C-RATE' ? { ok: false, permanent: false, reason: 'ratelimited', retryAfterMs: 60_000 } : { ok: true }),
      (key) => key === heldKey,
    );
    const worker = new SharedDeliveryWorker(shared.outbox, { sinks: new Map([['slack', sink]]), now: () => new Date(now + 2000) });
    const report = await worker.drain();
    expect(report).toEqual({ delivered: 2, retried: 1, failed: 1 });
    expect(sink.asked).toEqual([heldKey]);
    expect(sink.sent.map((s) => s.channel)).toEqual(['C-OK']);
    expect((await shared.subscriptions.get('slack', 'C-GONE'))!.pausedReason).toBe('slack said channel_not_found');
    const rate = dead.find((m) => m.channel === 'C-RATE')!;
    expect(await shared.outbox.state(rate.id)).toEqual({ state: 'pending', attempts: 0, claimedBy: null });
    expect(await shared.outbox.state(held.id)).toMatchObject({ state: 'delivered' });
    copy.close();
  }, 240_000);
});
