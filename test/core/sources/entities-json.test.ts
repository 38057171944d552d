import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ListCode } from '../../../src/core/lists';
import type { SourceRecord } from '../../../src/core/model';
import { listFromText, parseEntitiesJson, parseFederalRegister } from '../../../src/core/sources/entities-json';
import { ParseError } from '../../../src/core/sources/types';
import { fileDoc, input, textDoc } from '../../helpers/docs';
import { fixturePath, rawPath } from '../../helpers/shared';
import { keyed } from '../../helpers/records';

const NSF = 'nsfreg_restricted_entities_2026-07';

function parseFile(path: string, list?: ListCode, lists?: ListCode[]): SourceRecord[] {
  return parseEntitiesJson(input({ format: 'entities-json', list, lists }, [fileDoc(path)]));
}

describe('entities-json on the BIS Entity List (nsfreg, 3,409 entries)', () => {
  const records = parseFile(rawPath(`${NSF}/bis_entity_list.json`), 'US-BIS-EL');

  it('keeps every entry: 3,409 records, distinct keys, though names repeat', () => {
    expect(records).toHaveLength(3409);
    expect(new Set(records.map((r) => r.key)).size).toBe(3409);
    expect(records.filter((r) => r.name === 'Suzhou Keda Technology Co., Ltd.')).toHaveLength(6);
    expect(records.every((r) => r.designations.length === 1 && r.designations[0]!.list === 'US-BIS-EL')).toBe(true);
    expect(records.every((r) => r.designations[0]!.citation)).toBe(true);
    // Two entries cite an FR page without a date, so they have no since.
    expect(records.filter((r) => !r.designations[0]!.since).map((r) => r.name).sort()).toEqual([
      'Antcorp System',
      'New H3C Semiconductor Technologies Co., Ltd.',
    ]);
  });

  it('has Hikvision with its FR citations and the date of the first', () => {
    const hik = records.find((r) => r.name === 'Hangzhou Hikvision Digital Technology Co., Ltd.')!;
    expect(hik.key).toBe('US-BIS-EL|hangzhou hikvision digital technology co ltd|CN|84 FR 54004; 85 FR 34505; 85 FR 44161');
    expect(hik.countries).toEqual(['CN']);
    expect(hik.names).toContainEqual({ value: 'Hikvision', kind: 'alias', script: 'latin' });
    expect(hik.addresses).toHaveLength(3);
    expect(hik.addresses[0]).toBe('No. 555 Qianmo Road, Binjiang District, Hangzhou 310052, China');
    expect(hik.designations[0]).toMatchObject({
      status: 'active',
      since: '2019-10-09',
      citation: '84 FR 54004; 85 FR 34505; 85 FR 44161',
      notes: 'For all items subject to the EAR. (See § 744.11 of the EAR)',
    });
  });

  it('reads "76 FR 71869, 11/21/11" and citations split over lines', () => {
    const ghoura = records.find((r) => r.name === 'Abdul Satar Ghoura')!;
    expect(ghoura.designations[0]).toMatchObject({ since: '2011-11-21', citation: '76 FR 71869' });
    expect(ghoura.countries).toEqual(['AF']);
    const nezhad = records.find((r) => r.name === 'Djamshid Nezhad')!;
    expect(nezhad.designations[0]).toMatchObject({ since: '2008-09-22', citation: '73 FR 54504; 77 FR 24590' });
  });
});

describe('entities-json on the other nsfreg lists', () => {
  it('reads the MEU list (70), NS-CMIC (68) and the DPL', () => {
    expect(parseFile(rawPath(`${NSF}/bis_meu.json`), 'US-BIS-MEU')).toHaveLength(70);
    const cmic = parseFile(rawPath(`${NSF}/ofac_nscmic.json`), 'US-OFAC-CMIC');
    expect(cmic).toHaveLength(68);
    const aecc = cmic.find((r) => r.name === 'China Aviation Engine Group Co., Ltd')!;
    expect(aecc.names.map((n) => n.value)).toContain('AECC');
    expect(aecc.designations[0]).toMatchObject({ list: 'US-OFAC-CMIC', since: '2021-08-02' });
  });

  it('folds the DPL\'s one row per address: 564 items -> 502 records', () => {
    const dpl = parseFile(rawPath(`${NSF}/bis_dpl.json`), 'US-BIS-DPL');
    expect(dpl).toHaveLength(502);
    // An exact duplicate item
    const chu = keyed(dpl, 'US-BIS-DPL|nei chien chu|US|2006-06-23');
    expect(chu.addresses).toEqual(['1132 SEAGULL LANE, CHERRY HILL, NJ, US, 08054']);
    expect(chu.designations).toHaveLength(1);
    expect(chu.designations[0]).toMatchObject({ since: '2006-06-23', citation: '71 FR 38363' });
    // One person at two addresses, denied under eight FR notices
    const pj = keyed(dpl, 'US-BIS-DPL|preston john engebretson|US|2002-01-24');
    expect(pj.addresses).toHaveLength(2);
    expect(pj.designations[0]!.citation).toBe('67 FR 7354; 66 FR 48998; 62 FR 26471; 62 FR 34688; 62 FR 60063; 63 FR 25817; 63 FR 58707; 64 FR 23049');
  });

  it('parses every entities file of the folder, and refuses lists.json (metadata, no entities)', () => {
    const counts: Record<string, number> = {};
    for (const f of readdirSync(rawPath(NSF)).sort()) {
      if (f === 'lists.json') continue;
      counts[f] = parseFile(rawPath(`${NSF}/${f}`), 'US-BIS-EL').length;
    }
    expect(counts).toEqual({
      'bis_dpl.json': 502,
      'bis_entity_list.json': 3409,
      'bis_meu.json': 70,
      'cbp_wro.json': 67,
      'dhs_uflpa.json': 146,
      'dow_1260h.json': 80,
      'dow_1286.json': 134,
      'fcc_covered.json': 15,
      'ofac_eo14032_annex.json': 59,
      'ofac_nscmic.json': 68,
      'state_debarred_admin.json': 8,
      'state_debarred_statutory.json': 779,
      'state_nonproliferation.json': 528,
    });
    expect(() => parseFile(rawPath(`${NSF}/lists.json`), 'US-BIS-EL')).toThrow(/lists\.json: no entities: .*found keys: generated, dcl_url, lists/);
  });

  it('reads 1260H FR dates, UFLPA month-name dates and CBP statuses', () => {
    const dow = parseFile(rawPath(`${NSF}/dow_1260h.json`), 'US-DOD-1260H');
    expect(dow.find((r) => r.name === '360 Security Technology, Inc.')!.designations[0]).toMatchObject({ since: '2026-06-10', citation: '91 FR 35189' });
    const uflpa = parseFile(rawPath(`${NSF}/dhs_uflpa.json`), 'US-BIS-EL');
    expect(uflpa.find((r) => r.name === 'Baoding LYSZD Trade and Business Co., Ltd')!.designations[0]!.since).toBe('2022-06-21');
    const wro = parseFile(rawPath(`${NSF}/cbp_wro.json`), 'US-BIS-EL');
    const kingtom = wro.find((r) => r.name === 'Kingtom Aluminio S.R.L.')!;
    expect(kingtom.designations[0]!.status).toBe('suspended');
    expect(kingtom.designations[0]!.notes).toMatch(/Status: Inactive-Pending Litigation$/);
  });

  it('needs a list', () => {
    expect(() => parseFile(rawPath(`${NSF}/bis_meu.json`))).toThrow(/item 1 .*: the source config needs a "list"/);
  });
});

describe('entities-json on the OFAC SDN roster (2026-07-11, 19,143 entries)', () => {
  const sdn = parseFile(rawPath('ofac_sdn/2026-07-11_derived_json/ofac_sdn.json'), 'US-OFAC-SDN');

  it('keys by ent_num and reads types', () => {
    expect(sdn).toHaveLength(19143);
    const types: Record<string, number> = {};
    for (const r of sdn) types[r.type] = (types[r.type] ?? 0) + 1;
    expect(types).toEqual({ entity: 9799, individual: 7503, vessel: 1497, aircraft: 344 });
  });

  it('splits the multi-program field and reads aliases', () => {
    expect(keyed(sdn, '26860').designations[0]!.programs).toEqual(['SDGT', 'IRGC', 'IFSR']);
    const itg = keyed(sdn, '50543');
    expect(itg.name).toBe('INTEGRITY TECHNOLOGY GROUP, INCORPORATED');
    expect(itg.type).toBe('entity');
    expect(itg.names).toContainEqual({ value: 'BEIJING INTEGRITY TECHNOLOGY COMPANY, LIMITED', kind: 'alias', script: 'latin' });
    expect(itg.designations[0]).toMatchObject({ list: 'US-OFAC-SDN', status: 'active', programs: ['CYBER2'] });
  });
});

describe('entities-json on the EyeWarnYou China excerpt (entries of another shape)', () => {
  const cn = parseFile(rawPath('china_lists/eyewarnyou_cn_lists_EXCERPT/cn-lists.EXCERPT.json'));

  it('takes each item\'s own list, through the known aliases', () => {
    expect(cn).toHaveLength(12);
    const lists: Record<string, number> = {};
    for (const r of cn) lists[r.designations[0]!.list] = (lists[r.designations[0]!.list] ?? 0) + 1;
    expect(lists).toEqual({ 'CN-MOFCOM-ECL': 5, 'CN-MOFCOM-UEL': 4, 'CN-CM': 3 });
  });

  it('reads suspended and stopped measures', () => {
    expect(keyed(cn, 'CN-UEL:UEL-2025-7:11').designations[0]).toMatchObject({
      list: 'CN-MOFCOM-UEL',
      status: 'suspended',
      since: '2025-04-04',
      until: '2026-11-10',
      citation: '不可靠实体清单工作机制公告〔2025〕7号',
    });
    expect(keyed(cn, 'CN-ECL:MOFCOM-2025-13:1').designations[0]).toMatchObject({ status: 'removed', until: '2025-11-10', citation: '商务部公告2025年第13号' });
    expect(keyed(cn, 'CN-UEL:UEL-2025-8:1').designations[0]).toMatchObject({ status: 'removed', until: '2025-08-12' });
  });

  it('keeps Chinese altNames as Han translations', () => {
    const gd = keyed(cn, 'CN-ECL:MOFCOM-2025-1:1');
    expect(gd.names).toContainEqual({ value: '通用动力公司', kind: 'translation', script: 'han' });
    expect(gd.countries).toEqual(['US']);
    expect(gd.designations[0]!.url).toMatch(/^https:\/\/www\.mofcom\.gov\.cn\//);
  });

  it('filters by lists', () => {
    expect(parseFile(rawPath('china_lists/eyewarnyou_cn_lists_EXCERPT/cn-lists.EXCERPT.json'), undefined, ['CN-CM'])).toHaveLength(3);
  });
});

describe('entities-json quirks (fixtures)', () => {
  const plain = parseFile(fixturePath('entities-json/plain-array.json'), 'US-BIS-EL');

  it('reads a bare array; the same name in two countries stays two records', () => {
    expect(plain.map((r) => r.name)).toEqual(['Example Optics Co., Ltd.', 'Example Optics Co., Ltd.', 'JOHN Q. EXPORTER', 'Aluminium Works S.R.L.', 'Old Trading Ltd']);
    expect(plain.map((r) => r.countries)).toEqual([['CN'], ['HK'], ['US'], ['DO'], ['Atlantis']]);
  });

  it('reads several FR citations: since = the earliest date, citation = all', () => {
    const [cn, hk] = plain;
    expect(cn!.designations[0]).toMatchObject({ since: '2008-09-22', citation: '73 FR 54504; 75 FR 78883' });
    expect(cn!.addresses).toEqual(['1 Light Road, Wuhan, China', '2 Lens Street, Shenzhen, China.']);
    expect(hk!.designations[0]).toMatchObject({ since: '2020-06-05', citation: '85 FR 34505' });
  });

  it('folds items that share a key (one row per address)', () => {
    const john = plain[2]!;
    expect(john.key).toBe('US-BIS-EL|john q exporter|US|2002-01-24');
    expect(john.addresses).toEqual(['1 MAIN ST, HOUSTON, TX, US', '9 OTHER RD, DALLAS, TX, US']);
    expect(john.designations).toHaveLength(1);
    expect(john.designations[0]).toMatchObject({ since: '2002-01-24', citation: '67 FR 7354; 66 FR 48998' });
  });

  it('maps statuses and keeps unusual wording and citations as written', () => {
    expect(plain[3]!.designations[0]).toMatchObject({ status: 'suspended', since: '2024-12-04', notes: 'Finding\nStatus: Inactive-Pending Litigation' });
    expect(plain[4]!.designations[0]).toMatchObject({ status: 'removed', since: '2001-03-05', citation: 'Vol. 66, No. 43, 3/5/01, Federal Register' });
  });

  it('reads an object with entries, numeric uids, OFAC types and CN statuses', () => {
    const recs = parseFile(fixturePath('entities-json/entries.json'), 'US-OFAC-SDN');
    expect(recs.map((r) => [r.key, r.type, r.designations[0]!.list, r.designations[0]!.status])).toEqual([
      ['90001', 'entity', 'US-OFAC-SDN', 'active'],
      ['90002', 'individual', 'US-OFAC-SDN', 'active'],
      ['90003', 'vessel', 'US-OFAC-SDN', 'active'],
      ['CN-UEL:UEL-2025-7:1', 'entity', 'CN-MOFCOM-UEL', 'suspended'],
      ['CN-ECL:MOFCOM-2025-13:1', 'entity', 'CN-MOFCOM-ECL', 'removed'],
      ['CN-AFSL:ORDER-2026-2:1', 'entity', 'CN-CM', 'active'],
    ]);
    expect(recs[0]!.designations[0]!.programs).toEqual(['SDGT', 'IRGC', 'IFSR']);
    expect(recs[3]!.designations[0]).toMatchObject({ until: '2026-11-10', url: 'https://example.gov.cn/uel/7.html' });
    expect(recs[3]!.names).toContainEqual({ value: '无人机制造公司', kind: 'translation', script: 'han' });
    expect(recs[4]!.designations[0]!.until).toBe('2025-11-10');
    expect(recs[5]!.designations[0]!.citation).toBe('商务部令2026年第2号');
  });

  it('refuses documents without entities, items without a name, and other formats', () => {
    const parseDoc = (name: string, body: string) => parseEntitiesJson(input({ format: 'entities-json', list: 'US-BIS-EL' }, [textDoc(name, body)]));
    expect(() => parseFile(fixturePath('entities-json/no-entities.json'), 'US-BIS-EL')).toThrow(ParseError);
    expect(() => parseFile(fixturePath('entities-json/no-entities.json'), 'US-BIS-EL')).toThrow(/no entities/);
    expect(() => parseFile(fixturePath('entities-json/unnamed.json'), 'US-BIS-EL')).toThrow(/unnamed\.json: 1 of 2 items are invalid.*item 2: name: missing/);
    expect(() => parseFile(rawPath('dod_1260h/opensanctions_us_dod_chinese_milcorps/sanctions.csv'), 'US-BIS-EL')).toThrow(/not valid JSON/);
    expect(() => parseDoc('page.html', '<html><body>error</body></html>')).toThrow(/looks like HTML/);
    expect(() => parseDoc('empty.json', '')).toThrow(/empty file/);
    expect(() => parseDoc('list.json', '[]')).toThrow(/the list is empty/);
    expect(() => parseDoc('strings.json', '["a", "b"]')).toThrow(/item 1: not an object/);
    expect(() => parseDoc('date.json', '[{"name": "X", "effective_date": "someday"}]')).toThrow(/item 1 "X": effective date "someday" is not a date/);
    expect(() => parseEntitiesJson(input({ format: 'entities-json' }, [textDoc('odd.json', '[{"name": "X", "list": "EU-FSF"}]')]))).toThrow(
      /list "EU-FSF" is not a known list code/,
    );
  });
});

describe('entities-json helpers', () => {
  it('parses FR citation cells', () => {
    expect(parseFederalRegister('73 FR 54504, 9/22/08. 75 FR 78883, 12/17/10.')).toEqual({
      citations: ['73 FR 54504', '75 FR 78883'],
      dates: ['2008-09-22', '2010-12-17'],
    });
    expect(parseFederalRegister('82 F.R. 16788, 16788 4/6/2017')).toEqual({ citations: ['82 FR 16788'], dates: ['2017-04-06'] });
    expect(parseFederalRegister('91 FR 35189 (June 10, 2026)')).toEqual({ citations: ['91 FR 35189'], dates: ['2026-06-10'] });
    expect(parseFederalRegister('67 FR 10033 (corrected by 67 FR 12345, 3-5-02)')).toEqual({ citations: ['67 FR 10033', '67 FR 12345'], dates: ['2002-03-05'] });
    expect(parseFederalRegister('81 FR 61601 preview citation details, 9/7/16').citations).toEqual(['81 FR 61601']);
    expect(parseFederalRegister(null)).toEqual({ citations: [], dates: [] });
  });

  it('knows list aliases', () => {
    expect(listFromText('CN-UEL')).toBe('CN-MOFCOM-UEL');
    expect(listFromText('CN-ECL')).toBe('CN-MOFCOM-ECL');
    expect(listFromText('CN-AFSL')).toBe('CN-CM');
    expect(listFromText('us-bis-el')).toBe('US-BIS-EL');
    expect(listFromText('EU-FSF')).toBeUndefined();
  });
});
