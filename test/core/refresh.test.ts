import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { listSummaries } from '../../src/core/catalog';
import { refreshSources, type SourceRefreshResult } from '../../src/core/refresh';
import { loadSourcesFile, type SourceConfig } from '../../src/core/sources/config';
import { openDb, type Db } from '../../src/core/store/db';
import { EventStore } from '../../src/core/store/events';
import { SourceStore } from '../../src/core/store/sources';
import { rawPath, SOURCES_DIR } from '../helpers/shared';
import { tempDir } from '../helpers/tmp';

const timeline = (step: number) => loadSourcesFile(join(SOURCES_DIR, `timeline-t${step}.json`));

function byKind(db: Db, refreshIds: number[]) {
  const counts: Record<string, Record<string, number>> = {};
  for (const e of new EventStore(db).list()) {
    if (!refreshIds.includes(e.refreshId)) continue;
    const side = e.source;
    counts[side] ??= {};
    counts[side]![e.kind] = (counts[side]![e.kind] ?? 0) + 1;
  }
  return counts;
}

describe('refresh over the real timeline t0 -> t1 -> t2', () => {
  const dir = tempDir();
  let db: Db;
  const steps: SourceRefreshResult[][] = [];

  beforeAll(async () => {
    db = openDb(join(dir, 'timeline.db'));
    for (const step of [0, 1, 2]) steps.push(await refreshSources(db, timeline(step)));
    steps.push(await refreshSources(db, timeline(2)));
  });

  it('takes t0 as the baseline: everything stored, no events', () => {
    expect(steps[0]!.map((r) => [r.source, r.outcome, r.baseline])).toEqual([
      ['us-ofac-sdn', 'applied', true],
      ['cn-lists', 'applied', true],
    ]);
    expect(steps[0]![0]!.records).toBe(14668);
    expect(byKind(db, steps[0]!.map((r) => r.refreshId))).toEqual({});
  });

  it('finds the 298 SDN designations of 2024-05-01 and the 14 export-control additions of 2026-07-24', () => {
    expect(byKind(db, steps[1]!.map((r) => r.refreshId))).toEqual({ 'us-ofac-sdn': { added: 298 }, 'cn-lists': { added: 14 } });
    const cn = new EventStore(db).list().filter((e) => e.refreshId === steps[1]![1]!.refreshId);
    expect(new Set(cn.map((e) => e.list))).toEqual(new Set(['CN-MOFCOM-ECL']));
    expect(cn.map((e) => e.name)).toContain('Rheinmetall AG');
    const sdn = new EventStore(db).list().filter((e) => e.refreshId === steps[1]![0]!.refreshId);
    expect(sdn.map((e) => e.name)).toContain('JUHANG AVIATION TECHNOLOGY SHENZHEN CO., LTD.');
  });

  it('finds 7 additions and 8 delistings on the SDN list, and 7 countermeasure targets in China', () => {
    expect(byKind(db, steps[2]!.map((r) => r.refreshId))).toEqual({ 'us-ofac-sdn': { added: 7, removed: 8 }, 'cn-lists': { added: 7 } });
    const cn = new EventStore(db).list().filter((e) => e.refreshId === steps[2]![1]!.refreshId);
    expect(new Set(cn.map((e) => e.list))).toEqual(new Set(['CN-CM']));
  });

  it('yields nothing when the same snapshot is refreshed again', () => {
    expect(steps[3]!.map((r) => r.outcome)).toEqual(['not-modified', 'not-modified']);
    expect(byKind(db, steps[3]!.map((r) => r.refreshId))).toEqual({});
  });

  it('keeps delisted parties with the date they disappeared', () => {
    const removed = db
      .prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM records r JOIN designations d ON d.record_id = r.id WHERE r.source_id = 'us-ofac-sdn' AND r.removed_at IS NOT NULL AND d.status = 'removed' AND d.removed_at IS NOT NULL")
      .get()!;
    expect(removed.n).toBe(8);
    const sdn = listSummaries(db).find((s) => s.list === 'US-OFAC-SDN')!;
    expect(sdn).toMatchObject({ active: 14965, removed: 8 });
  });

  it('writes events with strictly increasing ids in refresh order', () => {
    const events = new EventStore(db).list();
    expect(events.length).toBe(298 + 14 + 7 + 8 + 7);
    for (let i = 1; i < events.length; i++) expect(events[i]!.id).toBeGreaterThan(events[i - 1]!.id);
    expect(new EventStore(db).list({ sinceId: events[311]!.id })).toHaveLength(events.length - 312);
  });
});

describe('quarantine', () => {
  const dir = tempDir();
  const sdnT2 = rawPath('ofac_sdn/2024-05-03/sdn.csv');
  let db: Db;
  const source = (location: string): SourceConfig => ({ id: 'us-ofac-sdn', format: 'ofac-csv', list: 'US-OFAC-SDN', location });
  const snapshot = () => ({
    events: new EventStore(db).lastId(),
    records: db.prepare<[], { n: number; h: string }>("SELECT COUNT(*) AS n, group_concat(hash) AS h FROM (SELECT hash FROM records WHERE removed_at IS NULL ORDER BY id)").get(),
    designations: db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM designations WHERE status = 'active'").get()!.n,
  });

  beforeAll(async () => {
    db = openDb(join(dir, 'q.db'));
    const [first] = await refreshSources(db, [source(rawPath('ofac_sdn/2024-05-01/sdn.csv'))]);
    expect(first!.outcome).toBe('applied');
    const [second] = await refreshSources(db, [source(sdnT2)]);
    expect(second!.added + second!.removed).toBe(15);
  });

  async function expectQuarantined(location: string, reason: RegExp) {
    const before = snapshot();
    const [result] = await refreshSources(db, [source(location)]);
    expect(result!.outcome).toBe('quarantined');
    expect(result!.message).toMatch(reason);
    expect(snapshot()).toEqual(before);
    const state = new SourceStore(db).get('us-ofac-sdn')!;
    expect(state.status).toBe('quarantined');
    expect(state.last_error).toMatch(reason);
    expect(state.record_count).toBe(14965);
  }

  it('quarantines an empty (0-byte) file', async () => {
    const empty = join(dir, 'empty.csv');
    writeFileSync(empty, '');
    await expectQuarantined(empty, /empty/i);
  });

  it('quarantines a file cut off in the middle of a row', async () => {
    const cut = join(dir, 'truncated.csv');
    const bytes = readFileSync(sdnT2);
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 3)));
    await expectQuarantined(cut, /truncated\.csv/);
  });

  it('quarantines a truncated file that ends on a line boundary by the share it would remove', async () => {
    const cut = join(dir, 'short.csv');
    const text = readFileSync(sdnT2, 'utf8');
    writeFileSync(cut, text.slice(0, text.indexOf('\n', Math.floor(text.length / 2)) + 1));
    await expectQuarantined(cut, /implausible drop: the new snapshot would remove \d+ of 14965 records/);
  });

  it('quarantines a file of the wrong format', async () => {
    const wrong = join(dir, 'wrong.csv');
    copyFileSync(rawPath('csl/2025_sample/consolidated.csv'), wrong);
    await expectQuarantined(wrong, /wrong\.csv/);
    const json = join(dir, 'wrong.json');
    copyFileSync(rawPath('nsfreg_restricted_entities_2026-07/bis_meu.json'), json);
    await expectQuarantined(json, /wrong\.json/);
  });

  it('marks an unreachable source failed and keeps the data', async () => {
    const before = snapshot();
    const [result] = await refreshSources(db, [source(join(dir, 'missing.csv'))]);
    expect(result!.outcome).toBe('failed');
    expect(result!.message).toMatch(/missing\.csv/);
    expect(snapshot()).toEqual(before);
  });

  it('recovers when a good snapshot comes back', async () => {
    const [result] = await refreshSources(db, [source(sdnT2)]);
    expect(['not-modified', 'unchanged']).toContain(result!.outcome);
    expect(new SourceStore(db).get('us-ofac-sdn')).toMatchObject({ status: 'ok', last_error: null });
  });
});
