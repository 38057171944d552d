import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLD, lookup, REVIEW_THRESHOLD } from '../../../src/core/lookup';
import { nameForms } from '../../../src/core/match/normalize';
import { currentDb } from '../../helpers/current';

const db = currentDb();

/** The first result at or above the review band whose names match `name`, with its band. */
function found(query: string, name: RegExp) {
  const { results, review = [] } = lookup(db, query, { review: true });
  const all = [...results.map((r) => ({ r, band: 'match' })), ...review.map((r) => ({ r, band: 'review' }))];
  return all.find(({ r }) => name.test(r.name) || r.aliases.some((a) => name.test(a)));
}

describe('query words the listed name does not explain', () => {
  it.each([
    ['Hikvision USA', /Hikvision/i, 'usa'],
    ['Hikvision Europe BV', /Hikvision/i, 'europe'],
    ['Huawei Germany', /Huawei/i, 'germany'],
    ['Dahua Technology USA', /Dahua/i, 'usa'],
    ['DJI Innovations', /\bDJI\b/, 'innovations'],
    ['Sugon Computers', /Sugon/i, 'computers'],
  ])('%s reaches the listed party and says which word was not explained', (query, name, word) => {
    const hit = found(query, name);
    expect(hit, query).toBeDefined();
    expect(hit!.r.score).toBeGreaterThanOrEqual(REVIEW_THRESHOLD);
    expect(hit!.r.match.unmatched).toContain(word);
  });

  it('says nothing is unexplained when the whole query matched', () => {
    const [first] = lookup(db, 'Hikvision').results;
    expect(first!.match.unmatched).toBeUndefined();
  });

  it.each(['Apple Inc.', 'General Electric', 'Mitsubishi Corporation', 'China Merchants Bank', 'Bank of America', 'Apple Germany', 'Siemens USA'])(
    'keeps the unlisted %s below the match threshold',
    (query) => {
      for (const r of lookup(db, query, { review: true }).results) expect(r.score, `${query}: ${r.name}`).toBeLessThan(DEFAULT_THRESHOLD);
    },
  );

  it('does not let a place word alone carry a match: "Huawei Germany" does not find German companies', () => {
    const { results, review = [] } = lookup(db, 'Huawei Germany', { review: true });
    for (const r of [...results, ...review]) expect(`${r.name} ${r.aliases.join(' ')}`).toMatch(/huawei|华为/i);
  });

  it('weighs a Chinese place or country the listing lacks like its English counterpart', () => {
    for (const query of ['上海大疆', '华为加拿大', '韩国华为']) {
      const { results } = lookup(db, query);
      expect(results.length, query).toBeGreaterThan(0);
      expect(`${results[0]!.name} ${results[0]!.aliases.join(' ')}`, query).toMatch(/DJI|大疆|Huawei|华为/i);
    }
  });
});

describe('legal forms with a typo', () => {
  it.each([
    ['Hikvision Compnay', 'hikvision'],
    ['Huawei Technologies Co Ltd Corporaton', 'huawei technologies'],
    ['Acme Joint Stok Company', 'acme'],
    ['Acme Limted', 'acme'],
  ])('%s is read as a legal form', (query, core) => {
    const forms = nameForms(query);
    expect(forms.tokens.join(' ')).toBe(core);
    expect(forms.legal).toBe(true);
  });

  it('keeps words that only look like legal forms', () => {
    expect(nameForms('Compass Group').tokens).toEqual(['compass', 'group']);
    expect(nameForms('Publix').tokens).toEqual(['publix']);
  });

  it.each([
    ['Hikvision Compnay', /Hikvision/i],
    ['Huawei Technologies Co Ltd Corporaton', /Huawei Technologies/i],
  ])('%s still matches as the exact name would', (query, name) => {
    const [first] = lookup(db, query).results;
    expect(first!.name).toMatch(name);
    expect(first!.score).toBe(1);
  });
});

describe('what a leftover word may not excuse', () => {
  const db = currentDb();
  it('a place the name contradicts: "Agricultural Bank of China" is not the Russian Agricultural Bank', () => {
    for (const r of lookup(db, 'Agricultural Bank of China').results) expect(r.name).not.toMatch(/russian|iran/i);
  });
  it('a short common word: "Li Auto" does not match a person named Li', () => {
    expect(lookup(db, 'Li Auto Inc.').results).toEqual([]);
  });
});
