import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ListCode } from '../../../src/core/lists';
import type { SourceRecord } from '../../../src/core/model';
import { loadSourcesFile } from '../../../src/core/sources/config';
import { parseOfacCsv } from '../../../src/core/sources/ofac-csv';
import { listOfEnhancedName, parseOfacEnhancedXml } from '../../../src/core/sources/ofac-enhanced-xml';
import { ParseError } from '../../../src/core/sources/types';
import { fileDoc, input, textDoc } from '../../helpers/docs';
import { fixturePath, rawPath, SOURCES_DIR } from '../../helpers/shared';
import { keyed } from '../../helpers/records';

const CONS_XML = rawPath('ofac_consolidated_non_sdn/2025-01-10_enhanced_xml/CONS_ENHANCED.XML');
const NON_SDN: ListCode[] = ['US-OFAC-CMIC', 'US-OFAC-SSI', 'US-OFAC-PLC', 'US-OFAC-MBS', 'US-OFAC-CAPTA', 'US-OFAC-FSE'];

function parse(path: string, options: { list?: ListCode; lists?: ListCode[] } = {}): SourceRecord[] {
  return parseOfacEnhancedXml(input({ format: 'ofac-enhanced-xml', ...options }, [fileDoc(path)]));
}

function byName(records: SourceRecord[], name: string): SourceRecord {
  const r = records.find((x) => x.name === name);
  if (!r) throw new Error(`no record named ${name}`);
  return r;
}

function listCounts(records: SourceRecord[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of records) for (const d of r.designations) out[d.list] = (out[d.list] ?? 0) + 1;
  return out;
}

function parseError(fn: () => unknown): ParseError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ParseError);
    return err as ParseError;
  }
  throw new Error('expected a ParseError');
}

describe('ofac-enhanced-xml on the real CONS_ENHANCED.XML (2025-01-10)', () => {
  const all = parse(CONS_XML);

  it('reads 443 entities keyed by OFAC entity id, one designation per list (77 also on the SDN list)', () => {
    expect(all).toHaveLength(443);
    expect(new Set(all.map((r) => r.key)).size).toBe(443);
    expect(listCounts(all)).toEqual({
      'US-OFAC-CMIC': 68,
      'US-OFAC-SSI': 286,
      'US-OFAC-PLC': 78,
      'US-OFAC-MBS': 12,
      'US-OFAC-CAPTA': 1,
      'US-OFAC-FSE': 1,
      'US-OFAC-SDN': 77,
    });
    const types: Record<string, number> = {};
    for (const r of all) types[r.type] = (types[r.type] ?? 0) + 1;
    expect(types).toEqual({ entity: 363, individual: 80 });
  });

  it('keeps only the lists the config asks for: the SDN designation of the 77 dual entities is dropped', () => {
    const kept = parse(CONS_XML, { lists: NON_SDN });
    expect(kept).toHaveLength(443);
    expect(kept.some((r) => r.designations.some((d) => d.list === 'US-OFAC-SDN'))).toBe(false);
    expect(parse(CONS_XML, { lists: ['US-OFAC-CMIC'] })).toHaveLength(68);
  });

  it('reads the shared current.json entry for this file the same way', () => {
    const source = loadSourcesFile(resolve(SOURCES_DIR, 'current.json')).find((s) => s.format === 'ofac-enhanced-xml')!;
    expect(source.lists).toEqual(NON_SDN);
    const records = parseOfacEnhancedXml({ source, documents: [fileDoc(source.location)], extras: {} });
    expect(listCounts(records)).toEqual({
      'US-OFAC-CMIC': 68,
      'US-OFAC-SSI': 286,
      'US-OFAC-PLC': 78,
      'US-OFAC-MBS': 12,
      'US-OFAC-CAPTA': 1,
      'US-OFAC-FSE': 1,
    });
  });

  it('keeps the Han-script names of the six entities that have one, with script and lang', () => {
    const han = all
      .filter((r) => r.names.some((n) => n.script === 'han'))
      .map((r) => [r.name, r.names.filter((n) => n.script === 'han').map((n) => `${n.value} ${n.kind} ${n.lang}`)]);
    expect(Object.fromEntries(han)).toEqual({
      'MEGVII TECHNOLOGY LIMITED': ['旷视科技有限公司 translation zh-Hans'],
      'SZ DJI TECHNOLOGY CO., LTD.': ['深圳市大疆创新科技有限公司 translation zh-Hans'],
      'CLOUDWALK TECHNOLOGY CO., LTD.': ['云从科技集团股份有限公司 translation zh-Hans'],
      'DAWNING INFORMATION INDUSTRY CO., LTD': ['曙光信息产业股份有限公司 translation zh-Hans'],
      'SENSETIME GROUP LIMITED': ['商湯集團有限公司 translation zh-Hant'],
      'YITU LIMITED': ['依图科技有限公司 translation zh-Hans'],
    });
  });

  it('reads a CMIC entity: USCC with country, listing date as since, CMIC dates in notes, citation, address', () => {
    const dji = keyed(all, '33111');
    expect(dji.name).toBe('SZ DJI TECHNOLOGY CO., LTD.');
    expect(dji.type).toBe('entity');
    expect(dji.identifiers).toEqual([{ type: 'Unified Social Credit Code (USCC)', value: '914403007954257495', country: 'CN' }]);
    expect(dji.designations).toEqual([
      {
        list: 'US-OFAC-CMIC',
        status: 'active',
        since: '2021-12-16',
        // The listing date is the day OFAC published the entry; the bans took effect later.
        since_kind: 'published',
        published: '2021-12-16',
        effective: '2022-02-14',
        programs: ['CMIC-EO13959'],
        citation: 'Executive Order 14032 (CMIC)',
        notes: 'CMIC Executive Order; Effective Date (CMIC) 2022-02-14; Purchase/Sales For Divestment Date (CMIC) 2022-12-16',
      },
    ]);
    expect(dji.countries).toEqual(['CN']);
    expect(dji.addresses).toEqual([
      '14 F, West Block of Skyworth Semiconductor Design Building, No. 18 Gaoxin South 4th Road, Nanshan District, Shenzhen, Guangdong, 518057, China',
    ]);
    const cmic = all.filter((r) => r.designations.some((d) => d.list === 'US-OFAC-CMIC'));
    expect(cmic.every((r) => r.designations.find((d) => d.list === 'US-OFAC-CMIC')!.since)).toBe(true);
    expect(cmic.filter((r) => r.identifiers.some((i) => i.type === 'Unified Social Credit Code (USCC)' && i.country === 'CN')).length).toBeGreaterThan(50);
  });

  it('turns Equity Ticker / ISIN features into identifiers and issuer names into weak aliases', () => {
    const ct = byName(all, 'CHINA TELECOM CORPORATION LIMITED');
    expect(ct.identifiers).toContainEqual({ type: 'ISIN', value: 'US1694261033' });
    expect(ct.identifiers.filter((i) => i.type === 'Equity Ticker').length).toBeGreaterThan(3);
    expect(ct.names.some((n) => n.kind === 'weak' && n.value === 'China Telecom Corporation Limited')).toBe(true);
    expect(ct.designations[0]!.since).toBe('2021-06-03');
  });

  it('shares programs, citations and types out between the lists of a dual SDN + SSI entity', () => {
    const vtb = keyed(all, '17013');
    expect(vtb.designations.map((d) => [d.list, d.programs, d.citation])).toEqual([
      ['US-OFAC-SSI', ['UKRAINE-EO13662'], 'Executive Order 13662 (Ukraine)'],
      ['US-OFAC-SDN', ['RUSSIA-EO14024'], 'Executive Order 14024 (Russia)'],
    ]);
    expect(vtb.parent).toBeUndefined();
    expect(keyed(all, '18721').parent).toBe('VTB BANK PUBLIC JOINT STOCK COMPANY');
    expect(vtb.names.filter((n) => n.script === 'other').map((n) => n.kind)).toEqual(['translation', 'alias']);
    expect(vtb.names.filter((n) => n.kind === 'former').length).toBeGreaterThan(10);
  });

  it('maps alias types: F.K.A. -> former, low-quality A.K.A. -> weak; primary-name translations -> translation', () => {
    const kinds: Record<string, number> = {};
    for (const r of all) for (const n of r.names) kinds[n.kind] = (kinds[n.kind] ?? 0) + 1;
    expect(kinds.primary).toBe(443);
    expect(kinds.weak).toBe(68 + 73); // 68 low-quality A.K.A.s and 73 securities issuer names
    expect(kinds.former).toBe(145);
    expect(kinds.translation).toBe(25);
  });

  it('uses OFAC entity ids that are the ent_nums of the legacy cons_prim.csv', () => {
    const legacy = parseOfacCsv(
      input({ format: 'ofac-csv' }, [fileDoc(rawPath('ofac_consolidated_non_sdn/2025-12_legacy_csv/cons_prim.csv'))]),
    );
    const ids = new Set(all.map((r) => r.key));
    expect(legacy.filter((r) => !ids.has(r.key))).toEqual([]);
    // the one entity the Dec-2025 legacy file no longer has is the FSE entry
    const gone = all.filter((r) => !legacy.some((l) => l.key === r.key));
    expect(gone.map((r) => [r.key, r.designations.map((d) => d.list)])).toEqual([['26182', ['US-OFAC-FSE']]]);
  });

  it('countries are all ISO codes', () => {
    expect(all.flatMap((r) => r.countries).filter((c) => !/^[A-Z]{2}$/.test(c))).toEqual([]);
    expect(all.filter((r) => r.countries.includes('CN')).length).toBeGreaterThan(60);
  });
});

describe('ofac-enhanced-xml on hand-made fixtures', () => {
  const F = (f: string) => fixturePath(`ofac/xml/${f}`);

  it('reads an entity whose repeated elements occur once (arrays forced)', () => {
    const [r, ...rest] = parse(F('single.xml'));
    expect(rest).toEqual([]);
    expect(r).toEqual({
      key: '90001',
      name: 'EXAMPLE GROUP LIMITED',
      type: 'entity',
      names: [{ value: 'EXAMPLE GROUP LIMITED', kind: 'primary', script: 'latin' }],
      countries: ['CN'],
      addresses: ['Shenzhen, China'],
      identifiers: [{ type: 'Unified Social Credit Code (USCC)', value: '91440300000000000X', country: 'CN' }],
      designations: [
        {
          list: 'US-OFAC-CMIC',
          status: 'active',
          since: '2021-12-16',
          since_kind: 'published',
          programs: ['CMIC-EO13959'],
          citation: 'Executive Order 14032 (CMIC)',
          notes: 'CMIC Executive Order',
        },
      ],
    });
  });

  it('reads a dual-list entity: traditional Chinese translation, aliases, parent, remarks, list filter', () => {
    const [r] = parse(F('dual.xml'));
    expect(r!.names).toEqual([
      { value: 'EXAMPLE BANK PJSC', kind: 'primary', script: 'latin' },
      { value: '範例銀行', kind: 'translation', script: 'han', lang: 'zh-Hant' },
      { value: 'EXAMPLE BANK OAO', kind: 'former', script: 'latin' },
      { value: 'EB', kind: 'weak', script: 'latin' },
    ]);
    expect(r!.designations).toEqual([
      // datePublished of each list: the day the entry was published on it.
      { list: 'US-OFAC-SDN', status: 'active', since: '2022-02-24', since_kind: 'published', programs: ['RUSSIA-EO14024'], citation: 'Executive Order 14024 (Russia)', notes: 'Block' },
      {
        list: 'US-OFAC-SSI',
        status: 'active',
        since: '2014-07-16',
        since_kind: 'published',
        programs: ['UKRAINE-EO13662'],
        citation: 'Executive Order 13662 (Ukraine)',
        notes: '13662 Sectoral Directive 1',
      },
    ]);
    expect(r!.identifiers).toEqual([{ type: 'ISIN', value: 'RU0000000001' }]);
    expect(r!.parent).toBe('EXAMPLE STATE HOLDING');
    expect(r!.remarks).toBe('Example remark; Target Type Financial Institution; Owned or Controlled By: EXAMPLE STATE HOLDING');
    const ssiOnly = parse(F('dual.xml'), { lists: ['US-OFAC-SSI'] });
    expect(ssiOnly[0]!.designations.map((d) => d.list)).toEqual(['US-OFAC-SSI']);
    expect(parse(F('dual.xml'), { lists: ['US-OFAC-CMIC'] })).toEqual([]);
  });

  it('refuses a truncated file, saying where', () => {
    const err = parseError(() => parse(F('truncated.xml')));
    expect(err.message).toMatch(/truncated\.xml: not well-formed XML at line \d+/);
  });

  it('refuses a file with another root element', () => {
    expect(parseError(() => parse(F('wrong-root.xml'))).message).toMatch(/wrong-root\.xml: .*root element is <Sanctions>, expected <sanctionsData>/);
  });

  it('refuses JSON, CSV, empty files', () => {
    expect(parseError(() => parse(fixturePath('ofac/not-ofac.json'))).message).toMatch(/not-ofac\.json: not an OFAC Enhanced XML file: it is JSON/);
    expect(parseError(() => parse(fixturePath('ofac/sdn.csv'))).message).toMatch(/sdn\.csv: not an OFAC Enhanced XML file: it is not XML/);
    expect(parseError(() => parse(fixturePath('ofac/empty.csv'))).message).toMatch(/empty\.csv is empty/);
    const html = '<!DOCTYPE html>\n<html><head><title>x</title></head><body><p>503</p></body></html>';
    expect(parseError(() => parseOfacEnhancedXml(input({ format: 'ofac-enhanced-xml' }, [textDoc('page.xml', html)]))).message).toMatch(/page\.xml/);
  });

  it('refuses sanctionsData in another namespace', () => {
    const xml = '<?xml version="1.0"?><sanctionsData xmlns="urn:other"><entities/></sanctionsData>';
    expect(parseError(() => parseOfacEnhancedXml(input({ format: 'ofac-enhanced-xml' }, [textDoc('x.xml', xml)]))).message).toMatch(/namespace urn:other/);
  });

  it('maps list names, ignoring the umbrella Consolidated List', () => {
    expect(listOfEnhancedName('SDN List')).toBe('US-OFAC-SDN');
    expect(listOfEnhancedName('Non-SDN CMIC List')).toBe('US-OFAC-CMIC');
    expect(listOfEnhancedName('Non-SDN Chinese Military-Industrial Complex Companies List (NS-CMIC List)')).toBe('US-OFAC-CMIC');
    expect(listOfEnhancedName('Sectoral Sanctions Identifications List')).toBe('US-OFAC-SSI');
    expect(listOfEnhancedName('Non-SDN Palestinian Legislative Council List')).toBe('US-OFAC-PLC');
    expect(listOfEnhancedName('Non-SDN Menu-Based Sanctions List')).toBe('US-OFAC-MBS');
    expect(listOfEnhancedName('CAPTA List')).toBe('US-OFAC-CAPTA');
    expect(listOfEnhancedName('Correspondent Account or Payable-Through Account Sanctions (CAPTA) List')).toBe('US-OFAC-CAPTA');
    expect(listOfEnhancedName('FSE List')).toBe('US-OFAC-FSE');
    expect(listOfEnhancedName('Foreign Sanctions Evaders')).toBe('US-OFAC-FSE');
    expect(listOfEnhancedName('Consolidated List')).toBeNull();
    expect(listOfEnhancedName('Some New List')).toBeUndefined();
  });
});

describe('ofac-enhanced-xml also reads the old sdnList XML samples (2014)', () => {
  it('sdn.xml: 4 SDN entries with weak/strong akas, ids and addresses', () => {
    const records = parse(rawPath('ofac_sdn/format_samples_2015_govwizely/sdn.xml'));
    expect(records).toHaveLength(4);
    expect(listCounts(records)).toEqual({ 'US-OFAC-SDN': 4 });
    const bnc = keyed(records, '306');
    expect(bnc.names.map((n) => `${n.kind}:${n.value}`)).toEqual(['primary:BANCO NACIONAL DE CUBA', 'weak:BNC', 'alias:NATIONAL BANK OF CUBA']);
    expect(bnc.countries).toEqual(['CH', 'ES', 'JP', 'PA']);
    expect(keyed(records, '6982').identifiers).toEqual([{ type: 'Passport', value: 'A0181988', country: 'SO' }]);
  });

  it('consolidated.xml: 16 entries, lists from programs', () => {
    const records = parse(rawPath('ofac_sdn/format_samples_2015_govwizely/consolidated.xml'));
    expect(records).toHaveLength(16);
    expect(listCounts(records)).toEqual({ 'US-OFAC-SSI': 4, 'US-OFAC-PLC': 6, 'US-OFAC-CAPTA': 1, 'US-OFAC-MBS': 2, 'US-OFAC-FSE': 3 });
  });
});
