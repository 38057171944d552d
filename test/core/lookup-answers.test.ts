/**
 * The HTTP API keeps lookup matches serialised per dataset version (lookup-answers.ts). Its answers must be byte
 * for byte what a fresh lookup serialises, whether found or kept; a change of data must never be answered from
 * what was kept; and a change of coverage (a source failing) must show in kept answers too.
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, inject, it, vi } from 'vitest';
import { lookup, lookupMatches, type LookupOptions } from '../../src/core/lookup';
import { LookupAnswerCache, matchesJson } from '../../src/core/lookup-answers';
import { openDb, type Db } from '../../src/core/store/db';
import { bumpDatasetVersion } from '../../src/core/store/meta';
import { currentDb } from '../helpers/current';
import { tempDir } from '../helpers/tmp';

function copyOfCurrent(): Db {
  const path = join(tempDir('lookup-answers-'), 'copy.db');
  copyFileSync(inject('currentDb'), path);
  const db = openDb(path);
  afterAll(() => db.close());
  return db;
}

const cases: Array<[string, LookupOptions]> = [
  ['Hikvision', {}],
  ['海康威视', { limit: 3 }],
  ['Huawei Technologies', { limit: 2, offset: 2 }],
  ['huawei tec', { review: true, limit: 3 }],
  ['Lockheed Martin', { side: 'us' }], // on China's lists only: no match here, and outside_filter says so
  ['DJI', { lists: ['US-OFAC-CMIC', 'US-OFAC-SDN'] }],
  ['no such company zzqx', {}],
  ['中国电子科技集团公司', { review: true }],
];

afterEach(() => vi.useRealTimers());

describe('lookup answers kept per dataset version', () => {
  const db = currentDb();

  it('are byte for byte the serialised lookup, when found and when kept', async () => {
    const cache = new LookupAnswerCache();
    for (const round of [1, 2]) {
      for (const [q, options] of cases) {
        let found = 0;
        const body = await cache.answer(db, q, options, () => {
          found++;
          return matchesJson(lookupMatches(db, q, options));
        });
        expect(body, `${q} (round ${round})`).toBe(JSON.stringify(lookup(db, q, options)));
        expect(found).toBe(round === 1 ? 1 : 0);
      }
    }
    expect(cache.hits).toBe(cases.length);
    expect(JSON.parse(JSON.stringify(lookup(db, 'Lockheed Martin', { side: 'us' }))).outside_filter).toBeGreaterThan(0);
  });

  it('options that change the matches are asked apart (limit, page, lists, side, review)', async () => {
    const cache = new LookupAnswerCache();
    const variants: LookupOptions[] = [{}, { limit: 1 }, { offset: 1 }, { side: 'cn' }, { lists: ['US-OFAC-SDN'] }, { review: true }];
    for (const options of variants) {
      const body = await cache.answer(db, 'Huawei', options, () => matchesJson(lookupMatches(db, 'Huawei', options)));
      expect(body).toBe(JSON.stringify(lookup(db, 'Huawei', options)));
    }
    expect(cache.misses).toBe(variants.length);
  });

  it('a new dataset version is never answered from what was kept', async () => {
    const copy = copyOfCurrent();
    const cache = new LookupAnswerCache();
    const ask = () => cache.answer(copy, 'Hikvision', {}, () => matchesJson(lookupMatches(copy, 'Hikvision', {})));
    const before = JSON.parse(await ask()) as { results: Array<{ designations: unknown[] }> };
    expect(before.results.length).toBeGreaterThan(0);
    // The data changes (as a refresh does: rows and the version, in one go).
    copy.transaction(() => {
      copy.prepare("DELETE FROM designations WHERE record_id IN (SELECT id FROM records WHERE name LIKE '%Hikvision%')").run();
      bumpDatasetVersion(copy);
    })();
    const after = await ask();
    expect(cache.misses).toBe(2);
    expect(after).toBe(JSON.stringify(lookup(copy, 'Hikvision', {})));
    expect(after).not.toBe(JSON.stringify(before));
  });

  it('a source failing shows in answers kept from before it failed', async () => {
    const copy = copyOfCurrent();
    const cache = new LookupAnswerCache();
    const ask = () => cache.answer(copy, 'Hikvision', {}, () => matchesJson(lookupMatches(copy, 'Hikvision', {})));
    const before = JSON.parse(await ask()) as { warnings: string[] };
    copy.prepare("UPDATE sources SET status = 'failed', last_error = 'HTTP 503 from the publisher' WHERE id = (SELECT source_id FROM records WHERE name LIKE '%Hikvision%' LIMIT 1)").run();
    // Coverage answers are reused for two seconds at most: a little later the failure shows.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 5000);
    const after = JSON.parse(await ask()) as { warnings: string[] };
    expect(cache.hits).toBe(1);
    expect(after.warnings.length).toBeGreaterThan(before.warnings.length);
    expect(JSON.stringify(after)).toBe(JSON.stringify(lookup(copy, 'Hikvision', {})));
  });

  it('as bytes: the same answer, encoded once while the coverage is the same, and again when it changes', async () => {
    const copy = copyOfCurrent();
    const cache = new LookupAnswerCache();
    const ask = () => cache.answerBytes(copy, 'Hikvision', {}, () => matchesJson(lookupMatches(copy, 'Hikvision', {})));
    const first = await ask();
    expect(first.toString('utf8')).toBe(JSON.stringify(lookup(copy, 'Hikvision', {})));
    expect(await ask()).toBe(first); // the very same buffer: nothing serialised or encoded again
    copy.prepare("UPDATE sources SET status = 'failed', last_error = 'HTTP 503 from the publisher' WHERE id = (SELECT source_id FROM records WHERE name LIKE '%Hikvision%' LIMIT 1)").run();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 5000);
    const after = await ask();
    expect(after).not.toBe(first);
    expect(after.toString('utf8')).toBe(JSON.stringify(lookup(copy, 'Hikvision', {})));
    expect(cache.misses).toBe(1);
  });

  it('stays within its byte budget, dropping the least recently used', async () => {
    const cache = new LookupAnswerCache(24 * 1024);
    const names = ['Hikvision', 'Huawei', 'DJI', 'Sugon', 'Megvii', 'SenseTime', 'Lockheed Martin', 'Raytheon', 'Kaspersky', 'SMIC', 'YMTC', 'Dahua', 'iFlytek', 'Inspur', 'Skydio', 'Boeing'];
    for (const q of names) await cache.answer(db, q, {}, () => matchesJson(lookupMatches(db, q, {})));
    expect(cache.size).toBeLessThan(names.length);
    expect(cache.size).toBeGreaterThan(0);
    // The newest is kept, the oldest went.
    let found = 0;
    await cache.answer(db, 'Boeing', {}, () => (found++, matchesJson(lookupMatches(db, 'Boeing', {}))));
    await cache.answer(db, 'Hikvision', {}, () => (found++, matchesJson(lookupMatches(db, 'Hikvision', {}))));
    expect(found).toBe(1);
  });
});
