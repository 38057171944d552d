import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCommand, type CommandContext } from '../../../src/core/commands/handle';
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
    expect(more).toMatchObject({ actions: expect.arrayContaining([{ id: 'more', label: 'More results', value: 'lookup Huawei side:us page:2' }]) });
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
