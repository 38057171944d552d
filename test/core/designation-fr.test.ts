import { describe, expect, it } from 'vitest';
import { PENDING_FR, PENDING_FR_REVISION, reconcileFederalRegister, ruleText, type FrLine } from '../../src/core/designation-fr';

const FORMATS: Record<string, string> = { fr: 'fr-rules', xml: 'fr-rule-xml', csl: 'csl-csv', cn: 'cn-notices', sheet: 'entities-json' };
const formatOf = (s: string) => FORMATS[s];
const rule = (extra: Partial<FrLine> = {}): FrLine => ({
  list: 'US-BIS-EL',
  status: 'active',
  since: '2023-02-24',
  published: '2023-02-27',
  effective: '2023-02-24',
  source: 'fr',
  citation: '88 FR 12171',
  url: 'https://www.federalregister.gov/d/2023-03929',
  ...extra,
});
const csl = (extra: Partial<FrLine> = {}): FrLine => ({
  list: 'US-BIS-EL',
  status: 'active',
  since: '2023-02-27',
  source: 'csl',
  citation: '83 FR 37423; 88 FR 12171',
  url: 'https://www.bis.doc.gov/entity-list',
  ...extra,
});

describe('reconcileFederalRegister: a rule and the CSL make one line per designation', () => {
  it('folds the rule into the CSL line citing its page: CSL status and facts, the rule\'s dates, both sources', () => {
    const out = reconcileFederalRegister([rule(), csl({ status: 'removed', until: '2024-01-01' })], formatOf);
    expect(out).toEqual([
      {
        ...csl({ status: 'removed', until: '2024-01-01' }),
        published: '2023-02-27',
        effective: '2023-02-24',
        sources: ['csl', 'fr'],
      },
    ]);
  });

  it('matches by date within a week when the CSL does not cite the rule, and supplies what the CSL lacks', () => {
    const out = reconcileFederalRegister([csl({ citation: undefined, url: undefined, since: '2023-03-01' }), rule()], formatOf);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ source: 'csl', since: '2023-03-01', citation: '88 FR 12171', url: 'https://www.federalregister.gov/d/2023-03929', sources: ['csl', 'fr'] });
  });

  it('folds several entries of one rule (one per country) into the one CSL line', () => {
    const out = reconcileFederalRegister([rule(), rule({ source: 'xml' }), csl()], formatOf);
    expect(out).toHaveLength(1);
    expect(out[0]!.sources).toEqual(['csl', 'fr', 'xml']);
  });

  it('keeps a rule line alone, marked pending, when the CSL has no such designation (a revision when it lists the party)', () => {
    const other = csl({ since: '2018-08-01', citation: '83 FR 37423' });
    const out = reconcileFederalRegister([other, rule()], formatOf);
    expect(out).toEqual([other, { ...rule(), pending: PENDING_FR_REVISION }]);
    // Another list, another designation.
    expect(reconcileFederalRegister([csl({ list: 'US-BIS-MEU' }), rule()], formatOf)[1]).toMatchObject({ pending: PENDING_FR });
    expect(reconcileFederalRegister([rule()], formatOf)).toEqual([{ ...rule(), pending: PENDING_FR }]);
  });

  it('leaves lines without a rule as they are', () => {
    const lines: FrLine[] = [csl(), { list: 'CN-MOFCOM-UEL', status: 'active', source: 'cn' }, { ...csl(), source: 'sheet' }];
    expect(reconcileFederalRegister(lines, formatOf)).toEqual(lines);
  });

  it('says on a card what a rule\'s line is', () => {
    expect(ruleText({ ...rule(), pending: PENDING_FR })).toBe(PENDING_FR);
    // Lines with both dates but no rule of their own (a notice, OFAC's CMIC dates) say nothing more than their since.
    const dated = { ...csl(), published: '2021-12-16', effective: '2022-02-14' };
    expect(ruleText(dated)).toBeUndefined();
    expect(ruleText(csl())).toBeUndefined();
  });
});
