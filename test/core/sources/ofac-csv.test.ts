import { describe, expect, it } from 'vitest';
import type { ListCode } from '../../../src/core/lists';
import type { SourceRecord } from '../../../src/core/model';
import {
  listsOfPrograms,
  ofacCountryCode,
  parseOfacCsv,
  parseOfacRemarks,
  splitPrograms,
} from '../../../src/core/sources/ofac-csv';
import type { FetchedDocument } from '../../../src/core/sources/types';
import { ParseError } from '../../../src/core/sources/types';
import { fileDoc, input, textDoc } from '../../helpers/docs';
import { fixturePath, rawPath } from '../../helpers/shared';
import { keyed } from '../../helpers/records';

const SDN_2021 = 'ofac_sdn/2021-07_full_set';
const SDN_2025_PARTIAL = 'ofac_sdn/2025-12_partial_no_sdn_csv';
const CONS = 'ofac_consolidated_non_sdn/2025-12_legacy_csv';

interface Companions {
  aliases?: string;
  addresses?: string;
  comments?: string;
}

function parse(path: string, options: { list?: ListCode; lists?: ListCode[] } & Companions = {}): SourceRecord[] {
  const extras: Partial<Record<'aliases' | 'addresses' | 'comments', FetchedDocument>> = {};
  if (options.aliases) extras.aliases = fileDoc(options.aliases);
  if (options.addresses) extras.addresses = fileDoc(options.addresses);
  if (options.comments) extras.comments = fileDoc(options.comments);
  return parseOfacCsv(input({ format: 'ofac-csv', list: options.list, lists: options.lists }, [fileDoc(path)], extras));
}

function listCounts(records: SourceRecord[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of records) for (const d of r.designations) out[d.list] = (out[d.list] ?? 0) + 1;
  return out;
}

function names(r: SourceRecord, kind: string): string[] {
  return r.names.filter((n) => n.kind === kind).map((n) => n.value);
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

describe('ofac-csv on the real sdn.csv scrapes (2024)', () => {
  const apr26 = parse(rawPath('ofac_sdn/2024-04-26/sdn.csv'), { list: 'US-OFAC-SDN' });
  const may01 = parse(rawPath('ofac_sdn/2024-05-01/sdn.csv'), { list: 'US-OFAC-SDN' });
  const may03 = parse(rawPath('ofac_sdn/2024-05-03/sdn.csv'), { list: 'US-OFAC-SDN' });

  it('reads every row: 14,668 / 14,966 / 14,965 records, keyed by distinct ent_num', () => {
    expect(apr26).toHaveLength(14668);
    expect(may01).toHaveLength(14966);
    expect(may03).toHaveLength(14965);
    for (const records of [apr26, may01, may03]) {
      expect(new Set(records.map((r) => r.key)).size).toBe(records.length);
      expect(records.every((r) => /^\d+$/.test(r.key))).toBe(true);
      expect(records.every((r) => r.designations.length === 1 && r.designations[0]!.list === 'US-OFAC-SDN')).toBe(true);
    }
  });

  it('maps SDN_Type (-0- is an entity) and splits programs on "] ["', () => {
    const types: Record<string, number> = {};
    for (const r of may03) types[r.type] = (types[r.type] ?? 0) + 1;
    expect(types).toEqual({ entity: 6884, individual: 6854, vessel: 851, aircraft: 376 });
    const multi = may03.filter((r) => r.designations[0]!.programs.length > 1);
    expect(multi.length).toBeGreaterThan(1000);
    expect(may03.every((r) => r.designations[0]!.programs.every((p) => !/[[\]]/.test(p) && p === p.trim()))).toBe(true);
    expect(keyed(may03, '306').designations[0]!.programs).toEqual(['CUBA']);
  });

  it('keeps ent_num keys stable between scrapes: +298 on 2024-05-01 (JUHANG AVIATION among them)', () => {
    const before = new Set(apr26.map((r) => r.key));
    const added = may01.filter((r) => !before.has(r.key));
    expect(added).toHaveLength(298);
    expect(added.map((r) => r.name)).toContain('JUHANG AVIATION TECHNOLOGY SHENZHEN CO., LTD.');
    const after = new Set(may03.map((r) => r.key));
    expect(may01.filter((r) => !after.has(r.key)).length).toBeGreaterThanOrEqual(8);
  });

  it('reads the Remarks of a PRC entity: USCC with its country, and China as a country', () => {
    const juhang = may03.find((r) => r.name === 'JUHANG AVIATION TECHNOLOGY SHENZHEN CO., LTD.')!;
    expect(juhang.identifiers).toContainEqual({ type: 'Unified Social Credit Code (USCC)', value: '91440300MA5GN73B4F', country: 'CN' });
    expect(juhang.countries).toEqual(['CN']);
    expect(juhang.remarks).toContain('Organization Established Date 18 Mar 2021');
  });

  it('turns remark a.k.a. into weak names (BNC for Banco Nacional de Cuba) and keeps DOB / Linked To in remarks', () => {
    const bnc = keyed(may03, '306');
    expect(names(bnc, 'weak')).toEqual(['BNC']);
    const weak = may03.reduce((n, r) => n + names(r, 'weak').length, 0);
    expect(weak).toBeGreaterThan(3500);
    const person = may03.find((r) => r.type === 'individual' && r.remarks?.includes('DOB '))!;
    expect(person.remarks).toMatch(/DOB /);
    expect(may03.filter((r) => r.remarks?.includes('Linked To:')).length).toBeGreaterThan(1000);
  });

  it('nulls "-0- " cells: no field anywhere holds -0-', () => {
    const values = may03.flatMap((r) => [
      r.name,
      r.remarks ?? '',
      ...r.names.map((n) => n.value),
      ...r.countries,
      ...r.identifiers.map((i) => i.value),
      ...r.designations.flatMap((d) => d.programs),
    ]);
    expect(values.filter((v) => /(^|; )-0-\s*($|;)/.test(v))).toEqual([]);
    expect(may03.filter((r) => r.remarks === undefined)).toHaveLength(470);
  });

  it('parses the whole 3.9 MB file of 2024-05-03: 14,965 records', () => {
    const records = parse(rawPath('ofac_sdn/2024-05-03/sdn.csv'), { list: 'US-OFAC-SDN' });
    expect(records).toHaveLength(14965);
  });
});

describe('ofac-csv with companions: the matched 2021-07 set (sdn, alt, add, sdn_comments)', () => {
  const dir = (f: string) => rawPath(`${SDN_2021}/${f}`);
  const bare = parse(dir('sdn.csv'), { list: 'US-OFAC-SDN' });
  const full = parse(dir('sdn.csv'), {
    list: 'US-OFAC-SDN',
    aliases: dir('alt.csv'),
    addresses: dir('add.csv'),
    comments: dir('sdn_comments.csv'),
  });

  it('has 8,976 records either way', () => {
    expect(bare).toHaveLength(8976);
    expect(full).toHaveLength(8976);
  });

  it('joins alt.csv aliases and add.csv addresses on ent_num (YANBIAN SILVERSTAR, China)', () => {
    const ys = keyed(full, '24977');
    expect(ys.name).toBe('YANBIAN SILVERSTAR NETWORK TECHNOLOGY CO., LTD.');
    expect(names(ys, 'alias')).toEqual([
      'YANBIAN SILVERSTAR',
      'YANBIAN SILVER STAR',
      'SILVER STAR INTERNET TECHNOLOGY CORPORATION',
      'CHINA SILVER STAR INTERNET TECHNOLOGY COMPANY',
      'UNSONG INTERNET TECHNOLOGY CORPORATION',
      'YANJI SILVER STAR NETWORK TECHNOLOGY CO. LTD.',
      'SILVER STAR CHINA',
    ]);
    expect(ys.countries).toEqual(['CN']);
    expect(ys.addresses).toContain('20998B-26 Changbaishan East Road, Yanji, Jilin, China');
    expect(ys.identifiers).toContainEqual({ type: 'Unified Social Credit Code (USCC)', value: '91222401MA0Y31E659', country: 'CN' });
    expect(keyed(bare, '24977').names).toHaveLength(1);
  });

  it('maps alt_type fka to former names and add.csv countries to ISO codes', () => {
    const bnc = keyed(full, '306');
    expect(names(bnc, 'alias')).toEqual(['NATIONAL BANK OF CUBA']);
    expect(bnc.countries).toEqual(['CH', 'ES', 'JP', 'PA']);
    expect(full.reduce((n, r) => n + names(r, 'former').length, 0)).toBeGreaterThan(300);
    const nonIso = new Set(full.flatMap((r) => r.countries).filter((c) => !/^[A-Z]{2}$/.test(c)));
    expect([...nonIso].sort()).toEqual(['Netherlands Antilles', 'Region: Kafia Kingi']);
  });

  it('appends sdn_comments.csv to a Remarks cell cut at 1,000 characters, so the cut-off aliases come back', () => {
    const li = keyed(full, '28264');
    expect(li.name).toBe('LI, Jiadong');
    expect(keyed(bare, '28264').remarks!.length).toBeLessThan(li.remarks!.length);
    expect(names(li, 'weak')).toEqual(expect.arrayContaining(['blackjack1987', 'khaleesi']));
    expect(names(keyed(bare, '28264'), 'weak')).not.toContain('khaleesi');
    expect(li.identifiers).toContainEqual({ type: 'Identification Number', value: '210302198701102136', country: 'CN' });
  });
});

describe('ofac-csv: the Dec-2025 companions without their sdn.csv, joined to the 2024-05-03 primary', () => {
  const dir = (f: string) => rawPath(`${SDN_2025_PARTIAL}/${f}`);
  const base = parse(rawPath('ofac_sdn/2024-05-03/sdn.csv'), { list: 'US-OFAC-SDN' });
  const joined = parse(rawPath('ofac_sdn/2024-05-03/sdn.csv'), {
    list: 'US-OFAC-SDN',
    aliases: dir('alt.csv'),
    addresses: dir('add.csv'),
    comments: dir('sdn_comments.csv'),
  });

  it('parses all three companions and ignores rows whose ent_num the primary lacks', () => {
    expect(joined).toHaveLength(14965);
    expect(joined.map((r) => r.key)).toEqual(base.map((r) => r.key));
    // 7,086 of the 8,653 ent_nums of alt.csv are in the 2024 primary
    expect(joined.filter((r) => names(r, 'alias').length + names(r, 'former').length > 0).length).toBeGreaterThan(7000);
    expect(joined.filter((r) => r.addresses.length).length).toBeGreaterThan(11000);
    // 22 of the 28 comments belong to 2024 entries
    expect(joined.filter((r, i) => (r.remarks?.length ?? 0) > (base[i]!.remarks?.length ?? 0))).toHaveLength(22);
  });

  it('joins aliases and addresses on ent_num', () => {
    const cuba = keyed(joined, '36');
    expect(names(cuba, 'alias')).toEqual(['AERO-CARIBBEAN']);
    expect(cuba.addresses).toEqual(['Havana, Cuba']);
    expect(cuba.countries).toEqual(['CU']);
  });
});

describe('ofac-csv on the consolidated non-SDN cons_prim.csv (Dec 2025)', () => {
  const dir = (f: string) => rawPath(`${CONS}/${f}`);
  const cons = parse(dir('cons_prim.csv'), {
    aliases: dir('cons_alt.csv'),
    addresses: dir('cons_add.csv'),
    comments: dir('cons_comments.csv'),
  });

  it('has 442 records and maps programs to lists: 68 CMIC, 286 SSI, 78 PLC, 9 MBS, 1 CAPTA', () => {
    expect(cons).toHaveLength(442);
    expect(listCounts(cons)).toEqual({
      'US-OFAC-CMIC': 68,
      'US-OFAC-SSI': 286,
      'US-OFAC-PLC': 78,
      'US-OFAC-MBS': 9,
      'US-OFAC-CAPTA': 1,
    });
    expect(cons.every((r) => r.designations.length === 1)).toBe(true);
  });

  it('reads a CMIC entry: listing date as since, tickers / ISIN / USCC as identifiers, issuer names as weak aliases', () => {
    const ct = keyed(cons, '30882');
    expect(ct.name).toBe('CHINA TELECOM CORPORATION LIMITED');
    const d = ct.designations[0]!;
    expect(d).toMatchObject({ list: 'US-OFAC-CMIC', since: '2021-06-03', programs: ['CMIC-EO13959'] });
    expect(d.notes).toBe('Effective Date (CMIC) 2021-08-02; Purchase/Sales For Divestment Date (CMIC) 2022-06-03');
    expect(ct.identifiers).toContainEqual({ type: 'Unified Social Credit Code (USCC)', value: '9111000071093019X7', country: 'CN' });
    expect(ct.identifiers).toContainEqual({ type: 'Equity Ticker', value: '0728 HK' });
    expect(ct.identifiers).toContainEqual({ type: 'ISIN', value: 'US1694261033' });
    // issuer names that only differ in case or punctuation from an alt.csv alias are not repeated
    expect(names(ct, 'alias')).toEqual(['CHINA TELECOM', 'CHINA TELECOM CO., LTD', 'CHINA TELECOM CORP LTD']);
    expect(names(ct, 'weak')).toContain('China Telecom Corporation Limited.Co.Ltd');
    expect(ct.countries).toEqual(['CN']);
    const cmic = cons.filter((r) => r.designations[0]!.list === 'US-OFAC-CMIC');
    expect(cmic.every((r) => r.designations[0]!.since)).toBe(true);
  });

  it('keeps only the lists asked for', () => {
    const only = parse(dir('cons_prim.csv'), { lists: ['US-OFAC-CMIC'] });
    expect(only).toHaveLength(68);
    expect(parse(dir('cons_prim.csv'), { lists: ['US-OFAC-SDN'] })).toHaveLength(0);
  });

  it('uses the configured list when one is given', () => {
    const all = parse(dir('cons_prim.csv'), { list: 'US-OFAC-SSI' });
    expect(listCounts(all)).toEqual({ 'US-OFAC-SSI': 442 });
  });

  it('joins cons_comments.csv onto truncated Remarks', () => {
    const gpb = keyed(cons, '17016');
    expect(gpb.identifiers).toContainEqual({ type: 'Tax ID No.', value: '7744001497', country: 'RU' });
    expect(gpb.remarks).toContain("'Effective Date (EO 14024 Directive)' associated with this name are prohibited.");
  });
});

describe('ofac-csv on hand-made fixtures', () => {
  const F = (f: string) => fixturePath(`ofac/${f}`);
  const records = parse(F('sdn.csv'), { list: 'US-OFAC-SDN', aliases: F('alt.csv'), addresses: F('add.csv'), comments: F('sdn_comments.csv') });

  it('reads CRLF rows, `-0- ` nulls and the trailing \\x1a', () => {
    expect(records.map((r) => r.key)).toEqual(['36', '306', '9001', '9002', '9003', '9004']);
    expect(keyed(records, '36')).toMatchObject({ name: 'AEROCARIBBEAN AIRLINES', type: 'entity', remarks: undefined });
    expect(JSON.stringify(records)).not.toMatch(/-0-|\x1a|\r/);
  });

  it('ignores companion rows of an ent_num that is not in the primary file', () => {
    expect(records.some((r) => r.names.some((n) => n.value === 'NOT IN THE PRIMARY FILE'))).toBe(false);
    expect(records.some((r) => r.countries.includes('KP'))).toBe(false);
  });

  it('extracts the Remarks: weak a.k.a., f.k.a., USCC and other (Country) ids, tickers, CMIC dates', () => {
    const e = keyed(records, '9001');
    expect(e.names).toEqual([
      { value: 'EXAMPLE SHENZHEN TECHNOLOGY CO., LTD.', kind: 'primary', script: 'latin' },
      { value: 'EXAMPLE SHENZHEN SCIENCE CO., LTD.', kind: 'former', script: 'latin' },
      { value: 'EXAMPLE TECHNOLOGY GROUP', kind: 'alias', script: 'latin' },
      { value: 'SHENZHEN OLD NAME CO., LTD.', kind: 'former', script: 'latin' },
      { value: 'EXAMPLE TECH', kind: 'weak', script: 'latin' },
    ]);
    expect(e.identifiers).toEqual([
      { type: 'Unified Social Credit Code (USCC)', value: '91440300MA5GN73B4F', country: 'CN' },
      { type: 'Registration Number', value: '440301111111111', country: 'CN' },
      { type: 'Registration Number', value: '12345678', country: 'HK' },
      { type: 'Equity Ticker', value: '0728 HK' },
      { type: 'ISIN', value: 'CNE1000002V2' },
    ]);
    expect(e.countries).toEqual(['CN', 'HK']);
    expect(e.addresses).toEqual(['Room 101, No. 1 Example Road, Nanshan District, Shenzhen, Guangdong 518057, China', 'Hong Kong']);
    expect(e.designations).toEqual([{ list: 'US-OFAC-SDN', status: 'active', programs: ['NPWMD', 'IFSR'] }]);
    expect(e.remarks).toContain('Linked To: EXAMPLE HOLDING GROUP CO., LTD.');
  });

  it('reads an individual: nationality and passport countries, DOB kept in remarks, title, comments appended', () => {
    const p = keyed(records, '9002');
    expect(p.type).toBe('individual');
    expect(p.countries).toEqual(['CN', 'HK']);
    expect(p.identifiers).toEqual([{ type: 'Passport', value: 'E12345678', country: 'CN' }]);
    expect(p.remarks).toMatch(/^Title General Manager; DOB 10 Dec 1968; POB Fuzhou/);
    expect(names(p, 'weak')).toEqual(['ZHANG, Wayne']);
  });

  it('reads a vessel and an aircraft: call sign, IMO, MMSI, flag and registration countries', () => {
    const v = keyed(records, '9003');
    expect(v.type).toBe('vessel');
    expect(v.identifiers).toEqual([
      { type: 'Call Sign', value: '9HA1234' },
      { type: 'Vessel Registration Identification', value: 'IMO 9123456' },
      { type: 'MMSI', value: '123456789' },
    ]);
    expect(v.countries).toEqual(['PA']);
    expect(v.remarks).toMatch(/Vessel Type Crude Oil Tanker; GRT 81,000; Vessel Flag Panama; Vessel Owner OCEAN SHIPPING LTD/);
    const a = keyed(records, '9004');
    expect(a.type).toBe('aircraft');
    expect(a.countries).toEqual(['IR']);
    expect(a.identifiers).toEqual([
      { type: "Aircraft Manufacturer's Serial Number (MSN)", value: '1234' },
      { type: 'Aircraft Tail Number', value: 'EP-ABC' },
    ]);
  });

  it('maps every program family of a consolidated file to its list', () => {
    const cons = parse(F('cons/cons_prim.csv'));
    const lists = Object.fromEntries(cons.map((r) => [r.key, r.designations.map((d) => d.list)]));
    expect(lists).toEqual({
      '30882': ['US-OFAC-CMIC'],
      '17022': ['US-OFAC-SSI'],
      '9639': ['US-OFAC-PLC'],
      '15268': ['US-OFAC-CAPTA'],
      '26182': ['US-OFAC-FSE'],
      '31695': ['US-OFAC-MBS'],
      '27016': ['US-OFAC-MBS'],
      '9999': ['US-OFAC-MBS'],
      '9640': ['US-OFAC-PLC'],
    });
    expect(keyed(cons, '9640').designations[0]!.programs).toEqual(['SDGT', 'NS-PLC']);
    // without a list and not named like cons_*, a primary file is the SDN list
    expect(listCounts(parse(F('sdn.csv')))).toEqual({ 'US-OFAC-SDN': 6 });
  });

  it('reads a folder of the four files, sorting companions by file name', () => {
    const docs = ['add.csv', 'alt.csv', 'sdn.csv', 'sdn_comments.csv'].map((f) => fileDoc(F(f)));
    const fromFolder = parseOfacCsv(input({ format: 'ofac-csv', list: 'US-OFAC-SDN' }, docs));
    expect(fromFolder).toEqual(records);
  });
});

describe('ofac-csv refuses what it cannot read, saying where', () => {
  const F = (f: string) => fixturePath(`ofac/${f}`);
  const primary = (path: string) => () => parse(path, { list: 'US-OFAC-SDN' });

  it('a file whose last row is cut inside a quoted field', () => {
    const err = parseError(primary(F('truncated-quote.csv')));
    expect(err.message).toContain('truncated-quote.csv');
    expect(err.message).toMatch(/row 3\b/);
    expect(err.message).toMatch(/never closed.*truncated/);
  });

  it('a file whose last row is cut between columns', () => {
    const err = parseError(primary(F('truncated-row.csv')));
    expect(err.message).toMatch(/truncated-row\.csv: row 3: expected 12 columns .* found 5 — the file looks truncated/);
  });

  it('an empty (0-byte) or whitespace-only file', () => {
    expect(parseError(primary(F('empty.csv'))).message).toMatch(/empty\.csv is empty/);
    expect(parseError(primary(F('blank.csv'))).message).toMatch(/blank\.csv is empty/);
    expect(parseError(() => parseOfacCsv(input({ format: 'ofac-csv' }, [textDoc('sdn.csv', '')]))).message).toMatch(/is empty/);
  });

  it('JSON, HTML, or a CSV with a header given as ofac-csv', () => {
    expect(parseError(primary(F('not-ofac.json'))).message).toMatch(/not-ofac\.json: not an OFAC .*: it is JSON/);
    expect(parseError(primary(F('page.html'))).message).toMatch(/page\.html: not an OFAC .*HTML/);
    expect(parseError(primary(F('csl-header.csv'))).message).toMatch(/csl-header\.csv: row 1: expected 12 columns .* found 29/);
    expect(parseError(primary(F('header-12.csv'))).message).toMatch(/header-12\.csv: row 1: ent_num "ent_num" is not a number/);
  });

  it('a companion with the wrong shape names the companion file', () => {
    const err = parseError(() => parse(F('sdn.csv'), { list: 'US-OFAC-SDN', aliases: F('add.csv') }));
    expect(err.message).toMatch(/add\.csv: row 1: expected 5 columns/);
    const err2 = parseError(() => parse(F('sdn.csv'), { list: 'US-OFAC-SDN', addresses: F('sdn.csv') }));
    expect(err2.message).toMatch(/sdn\.csv: row 1: expected 6 columns/);
  });

  it('an unknown SDN_Type', () => {
    const row = '1,"X",company,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n';
    const err = parseError(() => parseOfacCsv(input({ format: 'ofac-csv' }, [textDoc('odd.csv', row)])));
    expect(err.message).toMatch(/odd\.csv: row 1: SDN_Type "company"/);
  });
});

describe('ofac-csv helpers', () => {
  it('parseOfacRemarks reads only clauses of a clear shape', () => {
    const r = parseOfacRemarks(
      "DOB 1962; POB Shati; nationality possibly Palestinian;arrested 23 Apr 2002; alt. a.k.a. 'ABU X'; n.k.a. 'NEW NAME'; " +
        'Tax ID No. 7707083893 (Russia); Registration ID 14063277; Executive Order 13662 Directive Determination - Subject to Directive 1; ' +
        'Digital Currency Address - XBT 12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h; Listing Date (CMIC) 16 Dec 2021.',
    );
    expect(r.weak).toEqual(['ABU X']);
    expect(r.alias).toEqual(['NEW NAME']);
    expect(r.countries).toEqual(['Palestinian', 'Russia']);
    expect(r.identifiers).toEqual([
      { type: 'Tax ID No.', value: '7707083893', country: 'RU' },
      { type: 'Registration ID', value: '14063277' },
      { type: 'Digital Currency Address - XBT', value: '12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h' },
    ]);
    expect(r.cmicListing).toBe('2021-12-16');
    expect(parseOfacRemarks('-0- ')).toMatchObject({ weak: [], identifiers: [], countries: [] });
  });

  it('splitPrograms, listsOfPrograms and ofacCountryCode', () => {
    expect(splitPrograms('UKRAINE-EO13662] [IRAN-CON-ARMS-EO] [RUSSIA-EO14024')).toEqual(['UKRAINE-EO13662', 'IRAN-CON-ARMS-EO', 'RUSSIA-EO14024']);
    expect(splitPrograms('[SDGT]')).toEqual(['SDGT']);
    expect(listsOfPrograms(['CMIC-EO13959'])).toEqual(['US-OFAC-CMIC']);
    expect(listsOfPrograms(['UKRAINE-EO13662', 'RUSSIA-EO14024'])).toEqual(['US-OFAC-SSI']);
    expect(listsOfPrograms(['BURMA-EO14014'])).toEqual(['US-OFAC-MBS']);
    expect(listsOfPrograms(['FSE-SY'])).toEqual(['US-OFAC-FSE']);
    expect(ofacCountryCode('Korea, North')).toBe('KP');
    expect(ofacCountryCode('Virgin Islands, British')).toBe('VG');
    expect(ofacCountryCode('Man, Isle of')).toBe('IM');
    expect(ofacCountryCode('Congo, Republic of the')).toBe('CG');
    expect(ofacCountryCode('Congo, Democratic Republic of the')).toBe('CD');
    expect(ofacCountryCode('North Macedonia, The Republic of')).toBe('MK');
    expect(ofacCountryCode('Bahamas, The')).toBe('BS');
    expect(ofacCountryCode('Region: Crimea')).toBe('UA');
    expect(ofacCountryCode('Region: Northern Mali')).toBe('ML');
    expect(ofacCountryCode('Saint Kitts and Nevis')).toBe('KN');
    expect(ofacCountryCode('Cabo Verde')).toBe('CV');
    expect(ofacCountryCode('Region: Kafia Kingi')).toBeUndefined();
  });
});
