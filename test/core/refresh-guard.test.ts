/**
 * Damaged files never apply as mass removals (issue 12): each damaged file is built from a real file of
 * ../shared in a temp dir. A file cut on a line boundary has its removals held (two looks); a CSV cut
 * mid-row and an entities-json file with wrongly typed fields are quarantined; a genuine large delisting
 * is applied on the second look.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli';
import { refreshSources } from '../../src/core/refresh';
import type { SourceConfig } from '../../src/core/sources/config';
import { openDb, type Db } from '../../src/core/store/db';
import { EventStore } from '../../src/core/store/events';
import { SourceStore } from '../../src/core/store/sources';
import { rawPath } from '../helpers/shared';
import { tempDir } from '../helpers/tmp';

const activeRecords = (db: Db, source: string) =>
  db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM records WHERE source_id = ? AND removed_at IS NULL').get(source)!.n;
const removedDesignations = (db: Db) => db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM designations WHERE status = 'removed'").get()!.n;

/** The first `share` of a text's lines (a file cut on a line boundary). */
function cutOnLine(text: string, share: number): string {
  return text.slice(0, text.indexOf('\n', Math.floor(text.length * share)) + 1);
}

describe('an SDN file cut to 85% on a line boundary', () => {
  const dir = tempDir();
  const sdn = rawPath('ofac_sdn/2024-05-03/sdn.csv');
  const source = (location: string): SourceConfig => ({ id: 'us-ofac-sdn', format: 'ofac-csv', list: 'US-OFAC-SDN', location });
  let db: Db;

  beforeAll(async () => {
    db = openDb(join(dir, 'sdn.db'));
    await refreshSources(db, [source(sdn)]);
  });

  it('removes nothing and writes no event: its removals are held as pending, shown in status', async () => {
    const cut = join(dir, 'sdn-85.csv');
    writeFileSync(cut, cutOnLine(readFileSync(sdn, 'latin1'), 0.85), 'latin1');
    const events = new EventStore(db).lastId();
    const [result] = await refreshSources(db, [source(cut)]);
    expect(result!.removed).toBe(0);
    expect(result!.held).toBeGreaterThan(1500); // 1,846 of 14,965: 12%, under the 20% drop guard
    expect(result!.message).toMatch(/removals of 14965 records held until the next fetch confirms them/);
    expect(new EventStore(db).lastId()).toBe(events);
    expect(activeRecords(db, 'us-ofac-sdn')).toBe(14965);
    expect(removedDesignations(db)).toBe(0);
    const state = new SourceStore(db).get('us-ofac-sdn')!;
    expect(state.pending_removals).toBe(result!.held);
    expect(state.pending_removals_since).not.toBeNull();
    expect(state.record_count).toBe(14965);
  });

  it('status shows the pending removals, in text and JSON', async () => {
    const out: string[] = [];
    const io = { out: (t: string) => out.push(t), err: () => undefined, env: {} };
    expect(await run(['status', '--db', join(dir, 'sdn.db')], io)).toBe(0);
    expect(out.join('\n')).toMatch(/us-ofac-sdn .*\d+ removals pending since .*: applied when the next fetch confirms them/);
    out.length = 0;
    expect(await run(['status', '--json', '--db', join(dir, 'sdn.db')], io)).toBe(0);
    const held = new SourceStore(db).get('us-ofac-sdn')!.pending_removals;
    expect(JSON.parse(out[0]!)).toMatchObject({ source: 'us-ofac-sdn', pending_removals: held, pending_since: expect.any(String) });
  });

  it('clears the pending removals when the good file comes back, still without events', async () => {
    const events = new EventStore(db).lastId();
    const [result] = await refreshSources(db, [source(sdn)]);
    expect(result!.removed).toBe(0);
    expect(result!.held).toBeUndefined();
    expect(new EventStore(db).lastId()).toBe(events);
    expect(new SourceStore(db).get('us-ofac-sdn')).toMatchObject({ pending_removals: 0, pending_removals_since: null });
    expect(db.prepare('SELECT COUNT(*) AS n FROM records WHERE pending_removal_at IS NOT NULL').get()).toEqual({ n: 0 });
  });
});

describe('a genuine large delisting (built from the real SDN file of 2024-05-01)', () => {
  const dir = tempDir();
  const t1 = rawPath('ofac_sdn/2024-05-01/sdn.csv');
  const source = (location: string): SourceConfig => ({ id: 'us-ofac-sdn', format: 'ofac-csv', list: 'US-OFAC-SDN', location });
  let db: Db;
  const delisted = join(dir, 'sdn-delisted.csv');
  let gone = 0;

  beforeAll(async () => {
    db = openDb(join(dir, 'delist.db'));
    await refreshSources(db, [source(t1)]);
    // Every 20th entry delisted: 5% of the list, more than the 2% hold, less than the 20% drop guard.
    const lines = readFileSync(t1, 'latin1').split('\n');
    const kept = lines.filter((line, i) => !(line.trim() && i % 20 === 7));
    gone = lines.length - kept.length;
    writeFileSync(delisted, kept.join('\n'), 'latin1');
  });

  it('holds the removals on the first look, with no events', async () => {
    const events = new EventStore(db).lastId();
    const [result] = await refreshSources(db, [source(delisted)]);
    expect(result!.held).toBe(gone);
    expect(result!.removed).toBe(0);
    expect(new EventStore(db).lastId()).toBe(events);
    expect(new SourceStore(db).get('us-ofac-sdn')!.pending_removals).toBe(gone);
  });

  it('applies them, with their removal events, when the next fetch confirms them', async () => {
    const events = new EventStore(db).lastId();
    const [result] = await refreshSources(db, [source(delisted)]);
    expect(result!.outcome).toBe('applied');
    expect(result!.removed).toBe(gone);
    const written = new EventStore(db).list({ sinceId: events });
    expect(written).toHaveLength(gone);
    expect(new Set(written.map((e) => e.kind))).toEqual(new Set(['removed']));
    expect(activeRecords(db, 'us-ofac-sdn')).toBe(result!.records);
    expect(new SourceStore(db).get('us-ofac-sdn')).toMatchObject({ pending_removals: 0, status: 'ok' });
  });
});

describe('a China CSV cut mid-row', () => {
  const dir = tempDir();
  const csv = rawPath('china_lists/opensanctions_cn_sanctions/history/2026-07-07/sanctions.csv');
  const source = (location: string): SourceConfig => ({ id: 'cn-lists', format: 'cn-sanctions-csv', location });
  let db: Db;

  beforeAll(async () => {
    db = openDb(join(dir, 'cn.db'));
    await refreshSources(db, [source(csv)]);
  });

  it('is quarantined (the last row is short, its URL truncated): no removals, no events', async () => {
    const text = readFileSync(csv, 'utf8');
    // Cut inside the Source URL of a row about 90% into the file.
    const at = text.indexOf('https://', Math.floor(text.length * 0.9)) + 'https://www.m'.length;
    const cut = join(dir, 'cut.csv');
    writeFileSync(cut, text.slice(0, at));
    const events = new EventStore(db).lastId();
    const before = activeRecords(db, 'cn-lists');
    const [result] = await refreshSources(db, [source(cut)]);
    expect(result!.outcome).toBe('quarantined');
    expect(result!.message).toMatch(/cut\.csv: line \d+: the row is cut short \(\d+ of 15 columns, at the end of the file/);
    expect(new EventStore(db).lastId()).toBe(events);
    expect(activeRecords(db, 'cn-lists')).toBe(before);
    expect(db.prepare("SELECT COUNT(*) AS n FROM designations WHERE url LIKE '%www.m'").get()).toEqual({ n: 0 });
  });

  it('is quarantined when the cut leaves a quote open', async () => {
    const text = readFileSync(csv, 'utf8');
    const at = text.indexOf(',"', Math.floor(text.length * 0.8)) + 5;
    const cut = join(dir, 'quote.csv');
    writeFileSync(cut, text.slice(0, at));
    const events = new EventStore(db).lastId();
    const [result] = await refreshSources(db, [source(cut)]);
    expect(result!.outcome).toBe('quarantined');
    expect(result!.message).toMatch(/quote\.csv/);
    expect(new EventStore(db).lastId()).toBe(events);
  });
});

describe('an entities-json file with wrongly typed fields', () => {
  const dir = tempDir();
  const el = rawPath('nsfreg_restricted_entities_2026-07/bis_entity_list.json');
  const source = (location: string): SourceConfig => ({ id: 'us-bis-el', format: 'entities-json', list: 'US-BIS-EL', location });
  let db: Db;
  const doc = () => JSON.parse(readFileSync(el, 'utf8')) as { entities: Array<Record<string, unknown>> };

  beforeAll(async () => {
    db = openDb(join(dir, 'el.db'));
    await refreshSources(db, [source(el)]);
  });

  it('with "name": 12345 on 300 entries is quarantined, naming file and entries: no removals, no party "12345"', async () => {
    const bad = doc();
    for (let i = 100; i < 400; i++) bad.entities[i]!.name = 12345;
    const file = join(dir, 'numbers.json');
    writeFileSync(file, JSON.stringify(bad));
    const events = new EventStore(db).lastId();
    const before = activeRecords(db, 'us-bis-el');
    const [result] = await refreshSources(db, [source(file)]);
    expect(result!.outcome).toBe('quarantined');
    expect(result!.message).toMatch(/numbers\.json: 300 of \d+ items are invalid.*item 101: name: expected the name as text/);
    expect(new EventStore(db).lastId()).toBe(events);
    expect(activeRecords(db, 'us-bis-el')).toBe(before);
    expect(db.prepare("SELECT COUNT(*) AS n FROM records WHERE name = '12345'").get()).toEqual({ n: 0 });
  });

  it('with "aliases": "not-a-list" is quarantined, never stored as an alias', async () => {
    const bad = doc();
    bad.entities[5]!.aliases = 'not-a-list';
    const file = join(dir, 'aliases.json');
    writeFileSync(file, JSON.stringify(bad));
    const events = new EventStore(db).lastId();
    const [result] = await refreshSources(db, [source(file)]);
    expect(result!.outcome).toBe('quarantined');
    expect(result!.message).toMatch(/aliases\.json: 1 of \d+ items are invalid, the snapshot is not used: item 6 ".+": aliases: expected a list of texts/);
    expect(new EventStore(db).lastId()).toBe(events);
    expect(db.prepare("SELECT COUNT(*) AS n FROM names WHERE value = 'not-a-list'").get()).toEqual({ n: 0 });
  });
});
