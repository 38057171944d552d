/**
 * China's lists from two sources at once: current-notices.json is current.json plus the official
 * announcements (cn-notices) beside the curated sheet (cn-lists). Refreshed once into a temp DB; the
 * lookups run on 2026-12-01.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lookup, partyById, type LookupDesignation, type LookupResult } from '../../src/core/lookup';
import { refreshSources } from '../../src/core/refresh';
import { loadSourcesFile } from '../../src/core/sources/config';
import { openDb, type Db } from '../../src/core/store/db';
import { SOURCES_DIR } from '../helpers/shared';
import { tempDir } from '../helpers/tmp';

const now = new Date('2026-12-01T09:00:00Z');
const dir = tempDir('sanctions-cn-sources-');
let db: Db;

beforeAll(async () => {
  db = openDb(join(dir, 'cn.db'));
  const results = await refreshSources(db, loadSourcesFile(join(SOURCES_DIR, 'current-notices.json')));
  expect(results.filter((r) => r.outcome !== 'applied').map((r) => `${r.source}: ${r.message}`)).toEqual([]);
}, 180_000);
afterAll(() => db?.close());

const cn = (r: LookupResult) => r.designations.filter((d) => d.list.startsWith('CN-'));
const first = (query: string): LookupResult => {
  const [r] = lookup(db, query, { side: 'cn', now }).results;
  expect(r, query).toBeDefined();
  return r!;
};
const on = (r: LookupResult, list: string): LookupDesignation[] => r.designations.filter((d) => d.list === list);

describe('China from the official announcements, combined with the curated sheet', () => {
  it("shows Skydio's Unreliable Entity List designation once, with its suspensions, their end, and what that means today", () => {
    const skydio = first('Skydio');
    expect(skydio.name).toMatch(/Skydio/);
    const [uel, ...more] = on(skydio, 'CN-MOFCOM-UEL');
    expect(more).toEqual([]);
    expect(uel!.citation).toBe('不可靠实体清单工作机制公告〔2025〕7号');
    expect(uel!.since).toBe('2025-04-04');
    expect(uel!.sources).toEqual(['cn-notices', 'cn-lists']);
    const history = uel!.history!;
    // Listed by 〔2025〕7号, suspended from 2025-05-14 by the announcements that say so, until 2026-11-10.
    expect(history[0]).toMatchObject({ status: 'active', from: '2025-04-04', until: '2025-05-14', citation: '不可靠实体清单工作机制公告〔2025〕7号' });
    const suspensions = history.filter((h) => h.status === 'suspended');
    expect(suspensions.map((h) => h.from)).toEqual(['2025-05-14', '2025-08-12', '2025-11-10']);
    expect(suspensions.at(-1)).toMatchObject({ until: '2026-11-10', title: expect.stringMatching(/不可靠实体清单/) });
    for (const s of suspensions) expect(s.title ?? s.citation).toBeTruthy();
    // Today (2026-12-01) the suspension has run out: the measures apply again, and the card says so.
    expect(history.at(-1)).toEqual({ status: 'active', from: '2026-11-10' });
    expect(uel!.status).toBe('active');
    expect(uel!.until).toBeUndefined();
    expect(uel!.notes).toMatch(/Suspension ended 2026-11-10/);
  });

  it('shows the same designation as suspended on a day within the suspension', () => {
    const [r] = lookup(db, 'Skydio', { side: 'cn', now: new Date('2026-06-01T00:00:00Z') }).results;
    const [uel] = on(r!, 'CN-MOFCOM-UEL');
    expect(uel).toMatchObject({ status: 'suspended', until: '2026-11-10' });
    expect(uel!.history!.at(-1)).toMatchObject({ status: 'suspended', until: '2026-11-10' });
  });

  it('shows each of Skydio\'s Chinese designations once, each with its 文号', () => {
    const lines = cn(first('Skydio'));
    expect(lines.map((d) => d.list).sort()).toEqual(['CN-CM', 'CN-MOFCOM-ECL', 'CN-MOFCOM-UEL']);
    for (const d of lines) expect(d.citation, d.list).toMatch(/号$/);
  });

  it('has Lockheed Martin Missiles and Fire Control on the UEL since 2025-01-02 under 〔2025〕1号 (missing from the sheet)', () => {
    const r = first('Lockheed Martin Missiles and Fire Control');
    expect(r.name).toBe('Lockheed Martin Missiles and Fire Control');
    expect(on(r, 'CN-MOFCOM-UEL')).toEqual([
      expect.objectContaining({ status: 'active', since: '2025-01-02', citation: '不可靠实体清单工作机制公告〔2025〕1号', source: 'cn-notices' }),
    ]);
    expect(on(r, 'CN-MOFCOM-UEL')[0]!.sources).toBeUndefined();
  });

  it("gives every one of Lockheed Martin's Chinese designations its 文号, once", () => {
    const r = first('洛克希德·马丁公司');
    expect(r.name).toBe('Lockheed Martin Corporation');
    const lines = cn(r);
    expect(lines.length).toBeGreaterThan(1);
    for (const d of lines) expect(d.citation, `${d.list} ${d.since}`).toMatch(/〔\d{4}〕\d+号|第\d+号/);
    expect(new Set(lines.map((d) => `${d.list}|${d.since}`)).size).toBe(lines.length);
  });

  it('shows the stopped UEL measures of 〔2025〕5/6/8号 as removed, on the day they stopped', () => {
    const rows = db
      .prepare<[], { id: number }>(
        `SELECT DISTINCT coalesce(r.party_id, r.id) AS id FROM records r JOIN designations d ON d.record_id = r.id
          WHERE r.source_id = 'cn-notices' AND d.citation GLOB '*〔2025〕[568]号'`,
      )
      .all();
    expect(rows.length).toBeGreaterThan(10);
    for (const { id } of rows) {
      const stopped = partyById(db, `p${id}`)!.designations.filter((d) => /〔2025〕[568]号/.test(d.citation ?? ''));
      expect(stopped.length).toBeGreaterThan(0);
      for (const d of stopped) expect(d).toMatchObject({ status: 'removed', until: expect.stringMatching(/^2025-/) });
    }
  });

  it('comes out with each Chinese designation once: no party shows one list and day twice, and no official and sheet record of one name, list and day stay apart', () => {
    const parties = db
      .prepare<[], { id: number }>(
        "SELECT DISTINCT coalesce(r.party_id, r.id) AS id FROM records r JOIN designations d ON d.record_id = r.id WHERE d.list LIKE 'CN-%'",
      )
      .all();
    let lines = 0;
    let merged = 0;
    const twice: string[] = [];
    for (const { id } of parties) {
      const r = partyById(db, `p${id}`)!;
      const seen = new Set<string>();
      for (const d of cn(r)) {
        lines++;
        if (d.sources?.length === 2) merged++;
        const k = `${d.list}|${d.since}`;
        if (seen.has(k)) twice.push(`${r.name} ${k}`);
        seen.add(k);
      }
    }
    expect(twice).toEqual([]);
    // The sheet and the notices share most designations: each pair is one line now.
    expect(merged).toBeGreaterThan(250);
    expect(lines).toBeLessThan(650);
    const apart = db
      .prepare<[], { n: number }>(
        `SELECT count(*) AS n FROM records a JOIN designations da ON da.record_id = a.id
           JOIN records b ON b.source_id = 'cn-lists' AND b.name = a.name AND coalesce(b.party_id, b.id) != coalesce(a.party_id, a.id)
           JOIN designations db2 ON db2.record_id = b.id AND db2.list = da.list AND db2.since = da.since
          WHERE a.source_id = 'cn-notices'
            AND NOT (json_extract(a.payload, '$.countries') != '[]' AND json_extract(b.payload, '$.countries') != '[]'
                     AND json_extract(a.payload, '$.countries') != json_extract(b.payload, '$.countries'))`,
      )
      .get()!;
    expect(apart.n).toBe(0);
  });
});
