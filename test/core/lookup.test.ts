import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLD, lookup, REVIEW_THRESHOLD, type LookupResult } from '../../src/core/lookup';
import { refreshSources } from '../../src/core/refresh';
import { loadSourcesFile } from '../../src/core/sources/config';
import { openDb, type Db } from '../../src/core/store/db';
import { currentDb } from '../helpers/current';
import { tempDir } from '../helpers/tmp';

const db = currentDb();
const lists = (r: LookupResult) => [...new Set(r.designations.map((d) => d.list))].sort();

describe('lookup over the current dataset', () => {
  it('answers Hikvision with one party carrying its Entity List, NS-CMIC and 1260H designations, dates and citations', () => {
    const { results } = lookup(db, 'Hikvision');
    expect(results[0]!.name).toMatch(/Hikvision/i);
    expect(lists(results[0]!)).toEqual(['US-BIS-EL', 'US-DOD-1260H', 'US-OFAC-CMIC']);
    for (const d of results[0]!.designations) {
      expect(d.since).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(d.citation).toBeTruthy();
    }
    expect(results[0]!.match).toEqual({ name: 'Hikvision', how: 'alias' });
    expect(results.filter((r) => /hikvision/i.test(r.name))).toHaveLength(1);
  });

  it('finds Lockheed Martin on China\'s lists from its Chinese name without the middle dot, as one party', () => {
    const { results } = lookup(db, '洛克希德马丁');
    expect(results[0]!.name).toBe('Lockheed Martin Corporation');
    expect(lists(results[0]!)).toEqual(expect.arrayContaining(['CN-MOFCOM-ECL', 'CN-MOFCOM-UEL']));
    expect(results[0]!.match.name).toBe('洛克希德·马丁公司');
  });

  it.each([
    ['DJI', /DJI/],
    ['SMIC', /Semiconductor Manufacturing International|SMIC/i],
    ['YMTC', /Yangtze Memory/i],
    ['NUDT', /National University of Defense Technology/i],
    ['CATL', /Contemporary Amperex|CATL/i],
  ])('ranks the party that carries the acronym %s first', (query, name) => {
    const [first] = lookup(db, query).results;
    expect(first!.name).toMatch(name);
    expect(first!.score).toBe(1);
  });

  it('does not let a short acronym match longer words by typo or prefix', () => {
    for (const r of lookup(db, 'DJI').results) expect(`${r.name} ${r.aliases.join(' ')}`).toMatch(/\bDJI\b/i);
  });

  it.each([
    ['Huwaei Technologies', /Huawei Technologies/i],
    ['Hikvsion', /Hikvision/i],
    ['Yangste Memory', /Yangtze Memory/i],
    ['Lockheed Martn', /Lockheed Martin/i],
  ])('finds %s despite the typo, and says so', (query, name) => {
    const [first] = lookup(db, query).results;
    expect(first!.name).toMatch(name);
    expect(first!.match.how).toBe('fuzzy');
  });

  it('explains word-order and partial matches', () => {
    expect(lookup(db, 'Memory Yangtze Technologies').results[0]!.match.how).toBe('word order');
    const dahua = lookup(db, 'Dahua').results[0]!;
    expect(dahua.name).toMatch(/Dahua/);
  });

  it('matches Chinese queries to names listed only in Latin script, and says how', () => {
    const huawei = lookup(db, '华为技术有限公司').results[0]!;
    expect(huawei.name).toMatch(/^Huawei Technologies/i);
    expect(['vocabulary', 'pinyin']).toContain(huawei.match.how);
    expect(huawei.match.via).toBe('huawei technologies');
    const mobile = lookup(db, '中国移动').results.map((r) => r.name.toLowerCase());
    expect(mobile.slice(0, 3).some((n) => n.includes('china mobile'))).toBe(true);
  });

  it('folds traditional and simplified characters', () => {
    const [megvii] = lookup(db, '曠視科技').results;
    expect(megvii!.match).toMatchObject({ name: '旷视科技有限公司', how: 'traditional/simplified' });
    const [sensetime] = lookup(db, '商汤集团').results;
    expect(sensetime!.match.name).toBe('商湯集團有限公司');
  });

  it.each(['Heineken N.V.', 'Microsoft Corporation', 'Apple Inc.', 'Ford Motor Company', 'Samsung Electronics', 'Nokia Oyj'])(
    'returns nothing for the unlisted %s',
    (query) => {
      expect(lookup(db, query).results).toEqual([]);
    },
  );

  it('keeps near misses apart in the review band, below the threshold', () => {
    const response = lookup(db, 'Mitsubishi Corporation', { review: true });
    expect(response.results).toEqual([]);
    expect(response.review!.map((r) => r.name)).toContain('Mitsubishi Materials Corporation');
    for (const r of response.review!) {
      expect(r.score).toBeGreaterThanOrEqual(REVIEW_THRESHOLD);
      expect(r.score).toBeLessThan(DEFAULT_THRESHOLD);
    }
    expect(lookup(db, 'Mitsubishi Corporation')).not.toHaveProperty('review');
  });

  it('returns only results at or above the threshold, best first', () => {
    for (const q of ['Huawei', 'China Mobile', 'Rosneft', 'Lockheed']) {
      const { results } = lookup(db, q);
      results.forEach((r, i) => {
        expect(r.score).toBeGreaterThanOrEqual(DEFAULT_THRESHOLD);
        if (i) expect(r.score).toBeLessThanOrEqual(results[i - 1]!.score);
      });
    }
  });

  it('filters by list and by side', () => {
    const cn = lookup(db, 'Lockheed Martin', { side: 'cn' }).results;
    expect(cn.length).toBeGreaterThan(0);
    for (const r of cn) for (const d of r.designations) expect(d.list).toMatch(/^CN-/);
    const el = lookup(db, 'Hikvision', { lists: ['US-BIS-EL'] }).results;
    expect(lists(el[0]!)).toEqual(['US-BIS-EL']);
    expect(lookup(db, 'Hikvision', { lists: ['CN-TAO'] }).results).toEqual([]);
  });

  it('survives queries made of FTS5 syntax and hostile characters', () => {
    for (const q of ['"', '""', "'", '*', 'NEAR', 'NEAR(a b)', 'hik*', '(hikvision', 'hikvision)', 'a OR b', 'a AND NOT b', '"hik" vision"', '^hik', 'col:hik', '-- ; DROP TABLE names', '\u0000', '%_\\', '中"国*']) {
      expect(() => lookup(db, q)).not.toThrow();
    }
    expect(lookup(db, '"Hikvision"').results[0]!.name).toMatch(/Hikvision/);
    expect(lookup(db, 'Hikvision*').results[0]!.name).toMatch(/Hikvision/);
  });

  it('returns nothing for empty or punctuation-only queries', () => {
    for (const q of ['', '   ', '...', '、']) expect(lookup(db, q).results).toEqual([]);
  });
});

describe('lookup ranks parties still listed before delisted ones, and counts every match (issue 10, seen 7 and 8)', () => {
  const dir = tempDir();
  let db: Db;

  beforeAll(async () => {
    writeFileSync(
      join(dir, 'standing.json'),
      JSON.stringify({
        entities: [
          { id: 'a', name: 'Orion Vektor Dynamics Ltd', country: 'CN', status: 'removed', effective_date: '2019-01-02' },
          { id: 'b', name: 'Orion Vektor Dynamics Trading', country: 'HK', effective_date: '2021-03-04' },
          { id: 'c', name: 'Orion Vektor Dynamics Suspended Co', country: 'CN', status: 'suspended', effective_date: '2022-03-04' },
        ],
      }),
    );
    writeFileSync(join(dir, 'sources.json'), JSON.stringify({ sources: [{ id: 'standing', format: 'entities-json', list: 'US-BIS-UVL', location: 'standing.json' }] }));
    db = openDb(join(dir, 'standing.db'));
    await refreshSources(db, loadSourcesFile(join(dir, 'sources.json')));
  });
  afterAll(() => db.close());

  it('puts the listed party first even when a delisted one scores higher, then suspended, then delisted', () => {
    const { results, total } = lookup(db, 'Orion Vektor Dynamics');
    expect(total).toBe(results.length);
    expect(results.map((r) => r.standing)).toEqual(['listed', 'suspended', 'delisted']);
    expect(results.at(-1)!.score).toBeGreaterThan(results[0]!.score);
  });

  it('pages with offset and says the total', () => {
    const page = lookup(db, 'Orion Vektor Dynamics', { limit: 1, offset: 1 });
    expect(page.total).toBe(3);
    expect(page.offset).toBe(1);
    expect(page.results).toHaveLength(1);
    expect(page.results[0]!.standing).toBe('suspended');
  });
});
