import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
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
    expect(texts(runCommand('subscribe cn US-OFAC-SDN countries:CN,HK health', ctx))).toMatch(/Beijing's lists, SDN \(US-OFAC-SDN\); parties in CN, HK; and source-health notices/);
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
    expect(recent.blocks[0]).toMatchObject({ type: 'heading', text: '312 changes in the last 30 days' });
    const events = recent.blocks.find((b) => b.type === 'events')!;
    expect(events).toMatchObject({ more: 312 - 25 });
    expect(runCommand('status', ctx).summary).toBe('2 sources ok');
    new SourceStore(db).planNextRuns(new Map([['us-ofac-sdn', '2026-11-21T10:07:00.000Z']]));
    const status = runCommand('status', ctx).blocks.find((b) => b.type === 'table')!;
    expect(status).toMatchObject({ headers: ['source', 'status', 'records', 'last refresh', 'next refresh', 'problem'] });
    expect(JSON.stringify(status)).toContain('2026-11-21 10:07');
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
