import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { alertReplies, DIGEST_OVER } from '../../../src/core/alerts/messages';
import { Router } from '../../../src/core/alerts/route';
import type { Subscription, Target } from '../../../src/core/alerts/subscriptions';
import { runCommand, type CommandContext } from '../../../src/core/commands/handle';
import { openSeed } from '../../../src/core/dataset';
import type { Block, Reply } from '../../../src/core/commands/reply';
import { refreshSources } from '../../../src/core/refresh';
import { loadSourcesFile } from '../../../src/core/sources/config';
import { openDb, type Db } from '../../../src/core/store/db';
import { SourceStore } from '../../../src/core/store/sources';
import { currentDb } from '../../helpers/current';
import { SOURCES_DIR } from '../../helpers/shared';
import { tempDir } from '../../helpers/tmp';

const subscriptionOf = (targets: Target[]): Subscription => ({
  id: 1,
  platform: 'slack',
  channel: 'C1',
  targets,
  excluded: [],
  kinds: ['added', 'removed', 'changed', 'suspended'],
  countries: [],
  health: false,
  cursor: 0,
});

const texts = (r: Reply) => r.blocks.map((b: Block) => ('text' in b ? b.text : b.type === 'fields' ? b.fields.map((f) => `${f.label}: ${f.value}`).join('\n') : '')).join('\n');

describe('command handlers', () => {
  const dir = tempDir();
  let db: Db;
  let ctx: CommandContext;

  beforeAll(async () => {
    db = openDb(join(dir, 'h.db'));
    for (const step of [0, 1]) await refreshSources(db, loadSourcesFile(join(SOURCES_DIR, `timeline-t${step}.json`)));
    ctx = { db, platform: 'slack', channel: 'C1', user: 'U1', place: 'T1', canManage: true, audit: true };
  });

  it('answers a lookup with party blocks, a share button, and audits it', () => {
    const reply = runCommand('lookup Rheinmetall', ctx);
    const parties = reply.blocks.filter((b) => b.type === 'party');
    expect(parties[0]).toMatchObject({ band: 'match', party: { name: 'Rheinmetall AG' } });
    expect(reply.blocks.at(-1)).toMatchObject({ type: 'actions', actions: [{ id: 'share', value: 'lookup Rheinmetall' }] });
    expect(reply.private).toBe(true);
    expect(reply.summary).toMatch(/^Rheinmetall AG: Export Control List/);
    expect(db.prepare<[], { place: string }>("SELECT place FROM audit WHERE query = 'Rheinmetall'").get()).toEqual({ place: 'T1/C1' });
  });

  it('pages long answers with a More results button that carries the next page', () => {
    const current = { ...ctx, db: currentDb(), audit: false };
    const first = runCommand('lookup Huawei side:us', current);
    const more = first.blocks.find((b) => b.type === 'actions')!;
    expect(more).toMatchObject({ actions: expect.arrayContaining([{ id: 'more', label: expect.stringMatching(/^Next 5 of \d+ more$/), value: 'lookup Huawei side:us page:2' }]) });
    // The heading says how many there are and which of them this page shows.
    expect(first.blocks[0]).toMatchObject({ type: 'heading', text: expect.stringMatching(/^\d+ matches for "Huawei" \(side us\), 1-5 of \d+$/) });
    const second = runCommand('lookup Huawei side:us page:2', current);
    const names = (r: Reply) => r.blocks.flatMap((b) => (b.type === 'party' && b.band === 'match' ? [b.party.id] : []));
    expect(names(second).length).toBeGreaterThan(0);
    expect(names(second).filter((id) => names(first).includes(id))).toEqual([]);
  });

  it('subscribes, lists and unsubscribes a channel; refuses people who may not manage it', () => {
    expect(texts(runCommand('subscribe cn US-OFAC-SDN countries:CN,HK health', ctx))).toMatch(/Beijing's lists, SDN \(US-OFAC-SDN\); every kind of change \(added, removed, changed, suspended\); parties in CN, HK; and source-health notices/);
    expect(texts(runCommand('subscriptions', ctx))).toMatch(/Follows: Beijing's lists, SDN/);
    const refused = runCommand('unsubscribe', { ...ctx, canManage: false });
    expect(refused.error).toBe(true);
    expect(texts(runCommand('unsubscribe cn', ctx))).toMatch(/now hears about SDN/);
    expect(texts(runCommand('unsubscribe all', ctx))).toMatch(/Alerts stopped/);
    expect(texts(runCommand('subscriptions', ctx))).toMatch(/This channel has no alerts/);
  });

  it('keeps watch terms per channel and says what a term already matches', () => {
    expect(texts(runCommand('watch add Rheinmetall', ctx))).toMatch(/Watching "Rheinmetall".*already matches Rheinmetall AG/);
    expect(texts(runCommand('watch add Rheinmetall', ctx))).toMatch(/already watched/);
    expect(texts(runCommand('watch list', { ...ctx, channel: 'C2' }))).toMatch(/watches no names yet/);
    expect(texts(runCommand('watch list', ctx))).toMatch(/Watched here: Rheinmetall/);
    expect(texts(runCommand('watch remove rheinmetall', ctx))).toMatch(/No longer watching/);
  });

  it('shows recent changes, newest first, and the sources status', () => {
    const recent = runCommand('recent 30', ctx);
    expect(recent.blocks[0]).toMatchObject({ type: 'heading', text: '312 changes in the last 30 days, newest first' });
    const events = recent.blocks.find((b) => b.type === 'events')!;
    expect(events).toMatchObject({ more: 0 });
    expect((events as Extract<Block, { type: 'events' }>).events).toHaveLength(20);
    // The footer points at the next page, never back at the same command.
    expect(recent.blocks.at(-1)).toEqual({ type: 'hint', text: 'Page 1 of 16 (1-20 of 312). More:', line: 'recent 30 page:2' });
    expect(runCommand('status', ctx).summary).toBe('2 sources ok');
    new SourceStore(db).planNextRuns(new Map([['us-ofac-sdn', '2026-11-21T10:07:00.000Z']]));
    const status = runCommand('status', ctx).blocks.find((b) => b.type === 'table')!;
    expect(status).toMatchObject({ headers: ['source', 'status', 'records', 'last refresh', 'next refresh', 'problem'] });
    expect(JSON.stringify(status)).toContain('2026-11-21 10:07');
  });

  describe('recent: paging and filters, a footer that points at the next page (issue 13, seen 2)', () => {
    const eventsOf = (r: Reply) => (r.blocks.find((b) => b.type === 'events') as Extract<Block, { type: 'events' }> | undefined)?.events ?? [];
    const count = (where: string) => db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM events WHERE ${where}`).get()!.n;

    it('filters by list and kind, says so, and pages with the same filters', () => {
      const n = count("list = 'US-OFAC-SDN' AND kind = 'added'");
      expect(n).toBeGreaterThan(20);
      const first = runCommand('recent list:US-OFAC-SDN kind:added', ctx);
      expect(first.blocks[0]).toMatchObject({ type: 'heading', text: `${n} changes in the last 7 days (SDN (US-OFAC-SDN); added), newest first` });
      expect(eventsOf(first).every((e) => e.list === 'US-OFAC-SDN' && e.kind === 'added')).toBe(true);
      const pages = Math.ceil(n / 20);
      expect(first.blocks.at(-1)).toEqual({ type: 'hint', text: `Page 1 of ${pages} (1-20 of ${n}). More:`, line: 'recent list:US-OFAC-SDN kind:added page:2' });
      const second = runCommand('recent list:US-OFAC-SDN kind:added page:2', ctx);
      expect(eventsOf(second).map((e) => e.id).filter((id) => eventsOf(first).some((f) => f.id === id))).toEqual([]);
      // Newest first, across pages.
      expect(Math.min(...eventsOf(first).map((e) => e.id))).toBeGreaterThan(Math.max(...eventsOf(second).map((e) => e.id)));
    });

    it('ends on a last page that points nowhere, and says where the last page is when asked past it', () => {
      const last = runCommand('recent 30 page:16', ctx);
      expect(eventsOf(last)).toHaveLength(312 - 15 * 20);
      expect(last.blocks.some((b) => b.type === 'hint')).toBe(false);
      expect(texts(last)).toMatch(/Page 16 of 16 \(301-312 of 312\)\. That is the last page\./);
      const past = runCommand('recent 30 page:17', ctx);
      expect(past.error).toBe(true);
      expect(texts(past)).toMatch(/16 pages .* page 17 is past the end\. The last one: "recent 30 page:16"/);
    });

    it('filters by side, by a first date, and by refresh', () => {
      expect(eventsOf(runCommand('recent side:cn', ctx)).every((e) => e.list.startsWith('CN-'))).toBe(true);
      expect(texts(runCommand('recent since:2999-01-01', ctx))).toMatch(/No list changes since 2999-01-01\./);
      expect(runCommand('recent since:2000-01-01', ctx).summary).toMatch(new RegExp(`^${count('1 = 1')} changes since 2000-01-01`));
      const refresh = db.prepare<[], { r: number }>("SELECT refresh_id AS r FROM events WHERE list = 'US-OFAC-SDN' LIMIT 1").get()!.r;
      const n = count(`refresh_id = ${refresh} AND list = 'US-OFAC-SDN'`);
      const byRefresh = runCommand(`recent refresh:${refresh} list:US-OFAC-SDN`, ctx);
      expect(byRefresh.blocks[0]).toMatchObject({ text: `${n} changes in refresh ${refresh} (SDN (US-OFAC-SDN)), newest first` });
      // Countries as routing reads them: the record's payload.
      const cn = db
        .prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM events e JOIN records r ON r.id = e.record_id WHERE EXISTS (SELECT 1 FROM json_each(json_extract(r.payload, '$.countries')) WHERE value = 'CN')")
        .get()!.n;
      expect(cn).toBeGreaterThan(0);
      expect(runCommand('recent since:2000-01-01 country:CN', ctx).summary).toMatch(new RegExp(`^${cn} changes since 2000-01-01 \\(parties in CN\\)`));
    });
  });

  it("a digest's footer names a recent that shows exactly that digest's events (issue 13, seen 2)", () => {
    const router = new Router(db);
    const sdn = router.select({ ...subscriptionOf(['US-OFAC-SDN']) }, router.eventsAfter(0), new Map());
    expect(sdn.length).toBeGreaterThan(DIGEST_OVER);
    const [digest] = alertReplies({ targets: ['US-OFAC-SDN'] }, sdn);
    const hint = digest!.blocks.find((b) => b.type === 'hint') as Extract<Block, { type: 'hint' }>;
    expect(hint.line).toMatch(/^recent refresh:\d+ list:US-OFAC-SDN/);
    expect(hint.line).not.toBe('recent');
    const shown = runCommand(hint.line, ctx);
    expect(shown.summary).toMatch(new RegExp(`^${sdn.length} changes in refresh`));
    // Paging through it reaches every event of the digest, and nothing else.
    const ids: number[] = [];
    for (let page = 1; page <= Math.ceil(sdn.length / 20); page++) {
      const r = runCommand(`${hint.line} page:${page}`, ctx);
      for (const b of r.blocks) if (b.type === 'events') ids.push(...b.events.map((e) => e.id));
    }
    expect(ids.sort((a, b) => a - b)).toEqual(sdn.map((e) => e.id).sort((a, b) => a - b));
  });

  it("a digest for a channel that wants some countries names a recent with those countries, showing exactly its events", () => {
    const router = new Router(db);
    const sub = { ...subscriptionOf(['all']), countries: ['CN'] };
    const events = router.select(sub, router.eventsAfter(0), new Map());
    expect(events.length).toBeGreaterThan(DIGEST_OVER);
    const hint = alertReplies(sub, events)[0]!.blocks.find((b) => b.type === 'hint') as Extract<Block, { type: 'hint' }>;
    expect(hint.line).toMatch(/ country:CN$/);
    expect(runCommand(hint.line, ctx).summary).toMatch(new RegExp(`^${events.length} changes in refresh`));
  });

  it('adds the notice (bundled seed) to every reply', () => {
    expect(runCommand('lists', { ...ctx, notice: 'Answering from the bundled seed' }).notice).toBe('Answering from the bundled seed');
  });
});

describe('screening answers say what they searched, and never answer from nothing (issue 10)', () => {
  const dir = tempDir();
  const base = { platform: 'slack', channel: 'C1', user: 'U1', canManage: false, audit: false };

  it('refuses a lookup on an empty database on every platform, as an error, never as "no match"', () => {
    const db = openDb(join(dir, 'empty.db'));
    for (const platform of ['slack', 'discord', 'console']) {
      const reply = runCommand('lookup Hikvision', { ...base, platform, db });
      expect(reply.error).toBe(true);
      expect(texts(reply)).toMatch(/^No list data loaded: .*sanctions refresh/);
      expect(texts(reply)).not.toMatch(/no match/i);
    }
    db.close();
  });

  it('refuses to screen from the bundled seed in chat, while the console answers from it, labelled, and a miss there proves nothing', async () => {
    const { handle } = await (async () => ({ handle: await openSeed() }))();
    const chat = runCommand('is DJI sanctioned?', { ...base, db: handle.db, seed: true, notice: handle.notice });
    expect(chat.error).toBe(true);
    expect(texts(chat)).toMatch(/only the bundled demo seed is here, which is not screening data/);
    const consoleHit = runCommand('lookup DJI', { ...base, platform: 'console', db: handle.db, seed: true, seedAnswers: true, notice: handle.notice });
    expect(consoleHit.notice).toMatch(/bundled seed/);
    expect(consoleHit.blocks.some((b) => b.type === 'party')).toBe(true);
    const consoleMiss = runCommand('lookup Zzyzx Qwerty Holdings', { ...base, platform: 'console', db: handle.db, seed: true, seedAnswers: true, notice: handle.notice });
    expect(texts(consoleMiss)).toMatch(/a miss here proves nothing/);
    handle.db.close();
  });

  it('a no-match names the lists searched and the date of the data; a side filter says the name is on the other side', () => {
    const db = currentDb();
    const miss = runCommand('lookup Zzyzx Qwerty Holdings', { ...base, db });
    expect(texts(miss)).toMatch(/^No match on the 19 lists searched \(US-BIS-EL, .*CN-TAO\), data as of \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\.$/m);
    expect(miss.summary).toMatch(/^No match for "Zzyzx Qwerty Holdings" on 19 lists, data as of \d{4}-\d{2}-\d{2}$/);
    const cn = runCommand('lookup Hikvision side:cn', { ...base, db });
    expect(texts(cn)).toMatch(/No match on the 5 lists searched \(CN-MOFCOM-UEL, CN-MOFCOM-ECL, CN-MOFCOM-ECWL, CN-CM, CN-TAO\)/);
    expect(texts(cn)).toMatch(/Outside the lists searched, this name matches 1 party: ask again without side cn/);
    const hit = runCommand('lookup Hikvision', { ...base, db });
    expect(texts(hit)).toMatch(/^19 lists searched \(US 14, China 5\), data as of /m);
  });

  it('names a list whose source failed, with the date of the data kept and how many refreshes failed', async () => {
    const db = openDb(join(dir, 'failing.db'));
    await refreshSources(db, loadSourcesFile(join(SOURCES_DIR, 'timeline-t0.json')));
    const sources = new SourceStore(db);
    const sdn = sources.all().find((s) => s.id === 'us-ofac-sdn')!;
    for (let i = 0; i < 3; i++) {
      const id = sources.beginRefresh(sdn.id, new Date().toISOString());
      sources.finishRefresh(id, new Date().toISOString(), 'failed', {}, null, 'HTTP 503');
      sources.markFailed(sdn.id, new Date().toISOString(), 'failed', 'HTTP 503');
    }
    const reply = runCommand('lookup Zzyzx Qwerty Holdings', { ...base, db });
    expect(texts(reply)).toMatch(new RegExp(`US-OFAC-SDN: data from ${sdn.last_success_at!.slice(0, 10)}: the last 3 refreshes of us-ofac-sdn failed \\(HTTP 503\\)`));
    // A week later every list is also stale.
    const later = runCommand('lookup Zzyzx Qwerty Holdings', { ...base, db, now: () => new Date(Date.now() + 7 * 86_400_000) });
    expect(texts(later)).toMatch(/has not refreshed for more than 72 hours/);
    db.close();
  });

  it('shows a party whose designations are all removed after the listed ones, never with the match marker', () => {
    const db = currentDb();
    const reply = runCommand('lookup Megvii', { ...base, db });
    const parties = reply.blocks.flatMap((b) => (b.type === 'party' && b.band === 'match' ? [b.party] : []));
    const standings = parties.map((p) => p.standing);
    expect(standings[0]).toBe('listed');
    expect(standings.indexOf('delisted')).not.toBe(0);
    expect(reply.summary).not.toMatch(/no longer listed/);
  });
});
