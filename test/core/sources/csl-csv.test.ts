import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { ListCode } from '../../../src/core/lists';
import type { SourceRecord } from '../../../src/core/model';
import { loadSourcesFile } from '../../../src/core/sources/config';
import { parseCslCsv } from '../../../src/core/sources/csl-csv';
import { citationParts, cleanText, cslList, idsEntryOrder, namesInName, parseIdsCell } from '../../../src/core/sources/csl-common';
import { ParseError } from '../../../src/core/sources/types';
import { fileDoc, input, textDoc } from '../../helpers/docs';
import { fixturePath, rawPath, SOURCES_DIR } from '../../helpers/shared';
import { keyed, perList } from '../../helpers/records';

const FULL = rawPath('csl/2022-04_full/consolidated.csv');
const SAMPLE_2025 = rawPath('csl/2025_sample/consolidated.csv');
const SAMPLE_2019 = rawPath('csl/2019_sample/csl.csv');

function parseFile(path: string, lists?: ListCode[]): SourceRecord[] {
  return parseCslCsv(input({ format: 'csl-csv', lists }, [fileDoc(path)]));
}

function parseText(text: string | Buffer, lists?: ListCode[], name = 'test.csv'): SourceRecord[] {
  return parseCslCsv(input({ format: 'csl-csv', lists }, [textDoc(name, text)]));
}

/** Rows per list, counted straight from the file (csv-parse + the source mapping), before any merging. */
function rowsPerList(path: string): Record<string, number> {
  const rows = parse(readFileSync(path), { columns: true }) as Array<Record<string, string>>;
  const out: Record<string, number> = {};
  for (const r of rows) {
    const list = cslList(r.source!) ?? `unknown: ${r.source}`;
    out[list] = (out[list] ?? 0) + 1;
  }
  return out;
}

const HEADER_2022 =
  '_id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,start_date,end_date,standard_order,license_requirement,license_policy,call_sign,vessel_type,gross_tonnage,gross_registered_tonnage,vessel_flag,vessel_owner,remarks,source_list_url,alt_names,citizenships,dates_of_birth,nationalities,places_of_birth,source_information_url,ids';

describe('csl-csv on the full 2022-04 snapshot (14,160 rows, 13 lists)', () => {
  const records = parseFile(FULL);

  it('maps every real source string, with the row counts of SOURCES.md', () => {
    expect(rowsPerList(FULL)).toEqual({
      'US-OFAC-SDN': 10026,
      'US-BIS-EL': 2001,
      'US-STATE-DTC': 727,
      'US-BIS-DPL': 462,
      'US-OFAC-SSI': 290,
      'US-BIS-UVL': 201,
      'US-STATE-ISN': 163,
      'US-OFAC-PLC': 78,
      'US-BIS-MEU': 71,
      'US-OFAC-CMIC': 68,
      'US-OFAC-CAPTA': 53,
      'US-OFAC-MBS': 17,
      'US-OFAC-FSE': 3,
    });
  });

  it('gives one record per entity per list: 14,093 records after merging rows with the same key', () => {
    // EL 2,001 rows -> 1,964 (one row per address / FR notice: 36 entities printed 2-5 times, and "0017-05-26"
    // read as 2017-05-26 joins Oriental Engineers' two rows); DPL 462 -> 437 (one row per address of an order);
    // DTC 727 -> 723 (4 names printed twice, no dates); CAPTA 53 -> 52 (ent_num 15268 printed twice).
    // Treasury lists keep one record per ent_num: SDN, SSI, PLC, CMIC, MBS, FSE unchanged.
    expect(perList(records)).toEqual({
      'US-OFAC-SDN': 10026,
      'US-BIS-EL': 1964,
      'US-STATE-DTC': 723,
      'US-BIS-DPL': 437,
      'US-OFAC-SSI': 290,
      'US-BIS-UVL': 201,
      'US-STATE-ISN': 163,
      'US-OFAC-PLC': 78,
      'US-BIS-MEU': 71,
      'US-OFAC-CMIC': 68,
      'US-OFAC-CAPTA': 52,
      'US-OFAC-MBS': 17,
      'US-OFAC-FSE': 3,
    });
    expect(records).toHaveLength(14093);
    expect(new Set(records.map((r) => r.key)).size).toBe(records.length);
    expect(records.every((r) => r.designations.length === 1)).toBe(true);
  });

  it('keys Treasury rows by ent_num and BIS/State rows by list, folded name and start date (never the hash _id)', () => {
    expect(records.filter((r) => r.designations[0]!.list.startsWith('US-OFAC-')).every((r) => /^US-OFAC-[A-Z]+\|\d+$/.test(r.key))).toBe(true);
    const bis = records.filter((r) => !r.designations[0]!.list.startsWith('US-OFAC-'));
    expect(bis.every((r) => !/[0-9a-f]{32}/.test(r.key))).toBe(true);
    expect(keyed(records, 'US-BIS-UVL|academy of business security|').name).toBe('Academy of Business Security');
  });

  it('reads a CMIC row: USCC and the listing date out of 2022-order ids ("03 Jun 2021, Listing Date (CMIC)")', () => {
    const aecc = keyed(records, 'US-OFAC-CMIC|30902');
    expect(aecc.name).toBe('AERO ENGINE CORPORATION OF CHINA');
    expect(aecc.type).toBe('entity');
    expect(aecc.countries).toEqual(['CN']);
    expect(aecc.addresses).toEqual(['5 Landianchang South Road Haidian District, Beijing, 100097, CN']);
    expect(aecc.names.map((n) => [n.kind, n.value])).toEqual([
      ['primary', 'AERO ENGINE CORPORATION OF CHINA'],
      ['alias', 'AERO ENGINE CORP OF CHINA'],
      ['alias', 'AECC'],
      ['alias', 'CHINA AVIATION ENGINE GROUP CO., LTD'],
    ]);
    expect(aecc.identifiers).toEqual([
      { type: 'Unified Social Credit Code (USCC)', value: '91110000MA005UCQ5P', country: 'CN' },
      { type: 'Effective Date (CMIC)', value: '2021-08-02' },
      { type: 'Listing Date (CMIC)', value: '2021-06-03' },
      { type: 'Purchase/Sales For Divestment Date (CMIC)', value: '2022-06-03' },
      { type: 'Target Type', value: 'State-Owned Enterprise' },
    ]);
    // NS-CMIC rows have no start_date: the listing date is the designation's since
    expect(aecc.designations).toEqual([
      { list: 'US-OFAC-CMIC', status: 'active', since: '2021-06-03', since_kind: 'published', programs: ['CMIC-EO13959'], url: 'https://bit.ly/1QWTIfE' },
    ]);
    const hik = keyed(records, 'US-OFAC-CMIC|30946');
    expect(hik.identifiers).toContainEqual({ type: 'Unified Social Credit Code (USCC)', value: '91330000733796106P', country: 'CN' });
    expect(hik.identifiers).toContainEqual({ type: 'ISIN', value: 'CNE100000PM8' });
    expect(hik.identifiers).toContainEqual({ type: 'Equity Ticker', value: '002415 CN' });
  });

  it('merges an EL entity printed once per address: Huawei, 3 rows -> 1 record with 7 addresses and every FR citation', () => {
    const huawei = keyed(records, 'US-BIS-EL|huawei technologies co ltd huawei|2019-05-21');
    expect(huawei.name).toBe('Huawei Technologies Co., Ltd. (Huawei)');
    expect(huawei.type).toBe('unknown');
    expect(huawei.addresses).toHaveLength(7);
    expect(huawei.addresses).toContain('Bantian Huawei Base, Longgang District, Shenzhen, 518129, CN');
    expect(huawei.addresses).toContain('Tsim Sha Tsui, Kowloon, CN');
    expect(huawei.countries).toEqual(['CN']);
    expect(huawei.designations).toHaveLength(1);
    expect(huawei.designations[0]).toMatchObject({
      list: 'US-BIS-EL',
      since: '2019-05-21',
      citation: '84 FR 22961; 84 FR 22963; 84 FR 43495; 85 FR 29852; 85 FR 29853; 85 FR 36720; 85 FR 51603; 87 FR 8180',
      url: 'http://bit.ly/1L47xrV',
    });
    expect(huawei.designations[0]!.notes).toMatch(/^License requirement: For all items subject to the EAR, see §§ 736\.2\(b\)\(3\)\(vi\).* \| License policy: Presumption of denial$/);
    // affiliates are their own entries; their own name becomes an alias, the parent is named
    const longshine = records.find((r) => r.name.endsWith('Affiliated Entity: Beijing Huawei Longshine Information Technology Co., Ltd.'))!;
    expect(longshine.parent).toBe('Huawei Technologies Co., Ltd. (Huawei)');
    expect(longshine.names).toContainEqual({ value: 'Beijing Huawei Longshine Information Technology Co., Ltd.', kind: 'alias', script: 'latin' });
    // 23 "Affiliated Entity" rows, two of them the Beijing Research Institute's two addresses
    expect(records.filter((r) => r.parent === 'Huawei Technologies Co., Ltd. (Huawei)')).toHaveLength(22);
  });

  it('de-duplicates the designation of merged rows ("84  FR 21233" and "84 FR 21233" are one notice)', () => {
    const avin = keyed(records, 'US-BIS-EL|avin electronics technology co ltd aetc|2019-05-14');
    expect(avin.addresses).toHaveLength(3);
    expect(avin.countries).toEqual(['CN', 'HK']);
    expect(avin.designations).toEqual([
      {
        list: 'US-BIS-EL',
        status: 'active',
        since: '2019-05-14',
        programs: [],
        citation: '84 FR 21233',
        url: 'http://bit.ly/1L47xrV',
        notes: 'License requirement: For all items subject to the EAR. (See §744.11 of the EAR) | License policy: Presumption of denial.',
      },
    ]);
    // another row's spelling of the name is an alias, not a second primary name
    expect(avin.names.filter((n) => n.kind === 'primary')).toEqual([{ value: 'Avin Electronics Technology Co., Ltd. (AETC)', kind: 'primary', script: 'latin' }]);
    expect(avin.names).toContainEqual({ value: 'Avin Electronics Technology Co.., Ltd. (AETC)', kind: 'alias', script: 'latin' });
  });

  it('keeps rows with different start dates apart (the date is part of the key)', () => {
    // Gunther Migeotte: five rows dated 2010-06-28 .. 2010-07-01, one per address
    const migeotte = records.filter((r) => r.key.startsWith('US-BIS-EL|gunther migeotte|'));
    expect(migeotte.map((r) => r.designations[0]!.since).sort()).toEqual(['2010-06-28', '2010-06-29', '2010-06-30', '2010-07-01']);
    // the typo "0017-05-26" is read as 2017-05-26 and joins the other row of the entry
    const oriental = keyed(records, 'US-BIS-EL|oriental engineers|2017-05-26');
    expect(oriental.designations[0]!.citation).toBe('82 FR 24242; 82 FR 24245; 85 FR 83420');
  });

  it('reads a DPL order: until, standard order, the denial remark but not the edit log', () => {
    const alNaser = keyed(records, 'US-BIS-DPL|al naser airlines|2021-11-17');
    expect(alNaser.addresses).toHaveLength(4);
    expect(alNaser.countries).toEqual(['AE', 'JO', 'IQ']);
    expect(alNaser.names.map((n) => n.value)).toEqual(['AL NASER AIRLINES', 'AL-NASER AIRLINES']);
    expect(alNaser.designations[0]).toMatchObject({ since: '2021-11-17', until: '2022-05-16', notes: 'Standard denial order' });
    expect(alNaser.designations[0]!.citation!.split('; ')[0]).toBe('80 FR 30435 5/28/15');
    const ash = keyed(records, 'US-BIS-DPL|i ash|2002-03-04');
    expect(ash.designations[0]).toMatchObject({
      until: '2056-06-29',
      citation: '67 FR 10890 3/11/02; 67 FR 56530 9/4/02; 71 FR 38843 7/10/06',
      notes: 'Standard denial order | 50 YEAR DENIAL',
    });
  });

  it('reads Treasury individuals and vessels: programs, aliases, nationality, DOB, ids', () => {
    const asadi = keyed(records, 'US-OFAC-SDN|26860');
    expect(asadi).toMatchObject({ name: "'ABD AL-HAMID AL-ASADI, Makki Kazim", type: 'individual', countries: ['IQ'] });
    expect(asadi.designations[0]!.programs).toEqual(['IFSR', 'IRGC', 'SDGT']);
    expect(asadi.remarks).toBe('(Linked To: ISLAMIC REVOLUTIONARY GUARD CORPS (IRGC)-QODS FORCE); DOB: 1957-10-10');
    const razziq = keyed(records, 'US-OFAC-SDN|9935');
    expect(razziq.countries).toEqual(['CA', 'SD']);
    expect(razziq.identifiers).toEqual([{ type: 'Passport', value: 'BC166787', country: 'CA' }]);
    expect(razziq.names.filter((n) => n.kind === 'alias')).toHaveLength(14);
    const vessels = records.filter((r) => r.type === 'vessel');
    expect(vessels).toHaveLength(433);
    expect(records.filter((r) => r.type === 'aircraft')).toHaveLength(283);
    expect(vessels.filter((r) => r.identifiers.some((i) => i.type === 'Call Sign')).length).toBeGreaterThan(80);
  });

  it('keeps the type blank of BIS/State rows as unknown', () => {
    const byType: Record<string, number> = {};
    for (const r of records) byType[r.type] = (byType[r.type] ?? 0) + 1;
    expect(byType).toEqual({ unknown: 3559, individual: 5286, entity: 4532, vessel: 433, aircraft: 283 });
  });

  it('repairs the cp1252 C1 characters of "CAST Xi\\x92an" and keeps other mojibake as printed', () => {
    expect(keyed(records, 'US-BIS-MEU|cast xi an spaceflight engine factory|2020-12-23').name).toBe('CAST Xi’an Spaceflight Engine Factory');
    expect(records.some((r) => r.name === 'Huawei Technologies Co”peratief U.A.')).toBe(true);
    expect(records.every((r) => r.names.every((n) => !/[\x00-\x1f\x7f-\x9f]/.test(n.value)))).toBe(true);
  });

  it('gives the same keys and records on a second read (stable, deterministic)', () => {
    const again = parseFile(FULL);
    expect(again.map((r) => r.key)).toEqual(records.map((r) => r.key));
    expect(again[500]).toEqual(records[500]);
  });

  it('honours `lists` as current.json asks: UVL, ISN and DTC only', () => {
    const current = loadSourcesFile(`${SOURCES_DIR}/current.json`).find((s) => s.format === 'csl-csv')!;
    expect(current.lists).toEqual(['US-BIS-UVL', 'US-STATE-ISN', 'US-STATE-DTC']);
    const kept = parseCslCsv(input({ format: 'csl-csv', lists: current.lists }, [fileDoc(current.location)]));
    expect(perList(kept)).toEqual({ 'US-BIS-UVL': 201, 'US-STATE-ISN': 163, 'US-STATE-DTC': 723 });
    expect(kept).toHaveLength(1087);
  });
});

describe('csl-csv on the 2025 sample (13 rows, every field quoted, `type, number, country` ids)', () => {
  const records = parseFile(SAMPLE_2025);

  it('reads all 13 rows as 13 records', () => {
    expect(rowsPerList(SAMPLE_2025)).toEqual({
      'US-STATE-ISN': 1, 'US-BIS-UVL': 1, 'US-BIS-MEU': 1, 'US-OFAC-PLC': 2, 'US-OFAC-SDN': 1, 'US-STATE-DTC': 1,
      'US-BIS-DPL': 1, 'US-OFAC-SSI': 3, 'US-OFAC-FSE': 1, 'US-BIS-EL': 1,
    });
    expect(records).toHaveLength(13);
  });

  it('reads ids in 2025 order', () => {
    const rim = keyed(records, 'US-OFAC-SDN|52291');
    expect(rim.identifiers).toEqual([
      { type: 'Passport', value: '836238033', country: 'KP' },
      { type: 'Secondary sanctions risk', value: 'North Korea Sanctions Regulations, sections 510.201 and 510.210' },
      { type: 'Gender', value: 'Male' },
      { type: 'Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions', value: 'North Korea Sanctions Regulations section 510.214' },
    ]);
    expect(rim.countries).toEqual(['CN', 'KP']);
    expect(rim.addresses).toEqual(['Shenyang, CN', 'Pyongyang, KP']);
    const tnk = keyed(records, 'US-OFAC-SSI|28603');
    expect(tnk.identifiers.slice(0, 2)).toEqual([
      { type: 'V.A.T. Number', value: 'CHE-267.936.404', country: 'CH' },
      { type: 'Business Registration Number', value: 'CH-660.0.559.011-2', country: 'CH' },
    ]);
    expect(tnk.designations[0]!.programs).toEqual(['VENEZUELA-EO13850', 'UKRAINE-EO13662']);
    expect(keyed(records, 'US-OFAC-FSE|26182').identifiers).toEqual([
      { type: 'Passport', value: 'U00242309', country: 'TR' },
      { type: 'Gender', value: 'Male' },
    ]);
  });

  it('reads the 2025 EL row: "; and"-joined aliases and addresses, two FR notices', () => {
    const cetc = keyed(records, 'US-BIS-EL|china electronics technology group corporation 13th research institute cetc 13|2018-08-01');
    expect(cetc.names.filter((n) => n.kind === 'alias').map((n) => n.value)).toEqual([
      'Hebei Semiconductor Research Institute', 'HSRI', 'Hebei Institute of Semiconductors', 'Hebei Semiconductor Institute',
      'Hebei Semiconductor', 'CETC Research Institute 13',
    ]);
    expect(cetc.addresses).toEqual([
      '113 Hezuo Road, Shijiazhuang, Hebei, China',
      '21 Changsheng Street, Shijiazhuang, Hebei, China',
      '21 Changsheng Road, Shijiazhuang, Hebei, China, Shijiazhuang, Hebei Province, CN',
    ]);
    expect(cetc.countries).toEqual(['CN']);
    expect(cetc.designations[0]).toMatchObject({
      since: '2018-08-01',
      citation: '83 FR 37423; 87 FR 77505',
      url: 'https://www.bis.doc.gov/index.php/policy-guidance/lists-of-parties-of-concern/entity-list',
    });
  });

  it('reads the ISN "; and any successor" name with an alias without it, and the DPL order', () => {
    const sino = records.find((r) => r.designations[0]!.list === 'US-STATE-ISN')!;
    expect(sino.name).toBe('Sinobright Import and Export Company; and any successor, sub-unit, or subsidiary thereof');
    expect(sino.names).toContainEqual({ value: 'Sinobright Import and Export Company', kind: 'alias', script: 'latin' });
    expect(sino.designations[0]).toMatchObject({ since: '2023-07-19', programs: ['INKSNA'], citation: 'Vol. 88, No. 151, 08/08/2023' });
    expect(keyed(records, 'US-BIS-DPL|i ash|2002-03-04').designations[0]).toMatchObject({ until: '2056-06-29' });
  });

  it('keys BIS/State rows the same when trade.gov re-hashes their _id', () => {
    const text = readFileSync(SAMPLE_2025, 'utf8').replace(/^"([0-9a-f]{32,56})"/gm, (_m, id: string) => `"${[...id].reverse().join('')}"`);
    expect(text).not.toBe(readFileSync(SAMPLE_2025, 'utf8'));
    expect(parseText(text)).toEqual(records);
  });
});

describe('csl-csv on the older 2019 generation (no _id column)', () => {
  const records = parseFile(SAMPLE_2019);

  it('reads its 115 rows by header name: 113 records', () => {
    expect(rowsPerList(SAMPLE_2019)).toEqual({
      'US-BIS-DPL': 8, 'US-STATE-ISN': 3, 'US-OFAC-SDN': 28, 'US-BIS-EL': 22, 'US-OFAC-SSI': 26, 'US-STATE-DTC': 10,
      'US-OFAC-PLC': 13, 'US-BIS-UVL': 4, 'US-OFAC-CAPTA': 1,
    });
    // merged: DPL Al Naser Wings Airlines (2 rows), EL Gunther Migeotte (2 rows of 2010-06-28)
    expect(records).toHaveLength(113);
  });

  it('keys Treasury rows by entity_number and reads 2-part ids', () => {
    const psa = keyed(records, 'US-OFAC-SDN|20264');
    expect(psa.name).toBe('200G PSA HOLDINGS LLC');
    expect(psa.identifiers).toEqual([{ type: 'Tax ID No.', value: '80-0890696', country: 'US' }]);
    expect(psa.addresses).toEqual(['80 SW 8th Street Suite 2000, Miami, FL, 33130, US']);
    expect(keyed(records, 'US-OFAC-SSI|18779').identifiers).toContainEqual({ type: 'Executive Order 13662 Directive Determination', value: 'Subject to Directive 3' });
  });

  it('trims names and reads addresses without a country', () => {
    const hernandez = keyed(records, 'US-BIS-DPL|adrian manuel hernandez|2017-10-16');
    expect(hernandez.name).toBe('ADRIAN MANUEL HERNANDEZ');
    expect(hernandez.addresses).toEqual(['3037 S. 69TH DRIVE, PHONEIX, AZ, 85043']);
    expect(hernandez.countries).toEqual([]);
    expect(hernandez.designations[0]).toMatchObject({ since: '2017-10-16', until: '2020-10-13', citation: '82 FR 48792 10/20/2017' });
    const group = keyed(records, 'US-BIS-EL|32 group china ltd|2015-11-12');
    expect(group.countries).toEqual(['HK']);
    expect(group.addresses).toHaveLength(2);
  });
});

describe('csl-csv quirks (hand-made fixtures)', () => {
  it('reads ids in the 2022 order: country, [expiration, issue,] number, type', () => {
    const records = parseFile(fixturePath('csl/ids-2022-order.csv'));
    expect(keyed(records, 'US-OFAC-CMIC|30902').identifiers).toEqual([
      { type: 'Unified Social Credit Code (USCC)', value: '91110000MA005UCQ5P', country: 'CN' },
      { type: 'Effective Date (CMIC)', value: '2021-08-02' },
      { type: 'Listing Date (CMIC)', value: '2021-06-03' },
      { type: 'Target Type', value: 'State-Owned Enterprise' },
    ]);
    expect(keyed(records, 'US-OFAC-SDN|7777').identifiers).toEqual([
      { type: 'Passport', value: 'K475336', country: 'JO' },
      { type: 'Gender', value: 'Male' },
      { type: 'Nationality of Registration', value: 'Korea, North' },
      { type: 'Secondary sanctions risk', value: 'section 1(b) of Executive Order 13224, as amended by Executive Order 13886' },
    ]);
  });

  it('reads the same entries in the 2025 order (type, number, country) to the same records', () => {
    const a = parseFile(fixturePath('csl/ids-2022-order.csv'));
    const b = parseFile(fixturePath('csl/ids-2025-order.csv'));
    expect(b.map((r) => r.key)).toEqual(a.map((r) => r.key));
    for (const key of ['US-OFAC-CMIC|30902', 'US-OFAC-SDN|7777']) {
      expect(keyed(b, key).identifiers).toEqual(keyed(a, key).identifiers);
      expect(keyed(b, key).designations[0]!.since).toEqual(keyed(a, key).designations[0]!.since);
    }
    expect(keyed(b, 'US-OFAC-CMIC|30902').designations[0]!.since).toBe('2021-06-03');
    // the 2022 fixture prints the EL entity on two rows; 2025 on one: the same record either way
    const el = 'US-BIS-EL|avin electronics technology co ltd aetc|2019-05-14';
    expect(keyed(a, el).addresses).toEqual(keyed(b, el).addresses);
    expect(keyed(a, el).designations[0]!.citation).toBe('84 FR 21233; 87 FR 8180');
    expect(keyed(b, el).designations[0]!.citation).toBe('84 FR 21233; 87 FR 8180');
    expect(keyed(a, el).names.map((n) => n.value)).toEqual(['AVIN Electronics Technology Co., Ltd. (AETC)', 'AETC', 'AVIN Technology']);
    expect(keyed(a, 'US-BIS-DPL|i ash|2002-03-04').name).toBe('I. ASH');
  });

  it('detects the order of each entry on its own', () => {
    expect(idsEntryOrder('CN, 91110000MA005UCQ5P, Unified Social Credit Code (USCC)')).toBe('number-first');
    expect(idsEntryOrder('Unified Social Credit Code (USCC), 9111000071093019X7, CN')).toBe('type-first');
    expect(idsEntryOrder('03 Jun 2021, Listing Date (CMIC)')).toBe('number-first');
    expect(idsEntryOrder('Listing Date (CMIC), 2021-06-03')).toBe('type-first');
    expect(idsEntryOrder('Subject to Directive 3, Executive Order 13662 Directive Determination -')).toBe('number-first');
    expect(idsEntryOrder('Website, mspbank.ru')).toBe('type-first');
    // one cell mixing both generations still reads right
    expect(parseIdsCell('CN, 91110000MA005UCQ5P, Unified Social Credit Code (USCC); Listing Date (CMIC), 2021-06-03')).toEqual([
      { type: 'Unified Social Credit Code (USCC)', value: '91110000MA005UCQ5P', country: 'CN' },
      { type: 'Listing Date (CMIC)', value: '2021-06-03' },
    ]);
    // an entry that shows no order follows its row
    expect(parseIdsCell('ABC123, Foo Thing; 123, Passport')).toEqual([
      { type: 'Foo Thing', value: 'ABC123' },
      { type: 'Passport', value: '123' },
    ]);
  });

  it('splits `; `-joined programs, aliases, addresses, nationalities and dates of birth', () => {
    const records = parseFile(fixturePath('csl/multi-values.csv'));
    const ship = keyed(records, 'US-OFAC-SDN|9001');
    expect(ship.type).toBe('vessel');
    expect(ship.designations[0]!.programs).toEqual(['IRAN', 'SDGT', 'IFSR']);
    expect(ship.names.map((n) => n.value)).toEqual(['EXAMPLE SHIP', 'OLD SHIP', 'OLDER SHIP']);
    // "SY" alone is a country, not an address
    expect(ship.addresses).toEqual(['Bandar Abbas, IR', 'Dubai, AE']);
    expect(ship.countries).toEqual(['IR', 'AE', 'SY']);
    expect(ship.identifiers).toEqual([
      { type: 'Vessel Registration Identification', value: 'IMO 9000001' },
      { type: 'MMSI', value: '123456789' },
      { type: 'Former Vessel Flag', value: 'Panama' },
      { type: 'Call Sign', value: '9BXY' },
    ]);
    expect(ship.remarks).toBe('(Linked To: EXAMPLE SHIPPING CO); Vessel: type Crude Oil Tanker, flag Iran, tonnage 150000, owner EXAMPLE SHIPPING CO');

    const isn = records.find((r) => r.designations[0]!.list === 'US-STATE-ISN')!;
    expect(isn.names.map((n) => [n.kind, n.value])).toEqual([
      ['primary', 'Example Trading Co., Ltd. and any successor, sub-unit, or subsidiary thereof'],
      ['alias', 'Example Trading Co., Ltd.'],
    ]);
    expect(isn.designations[0]).toMatchObject({
      programs: ['INKSNA', 'EO 13382'],
      citation: 'Vol. 83, No. 91, 05/10/2018',
      notes: 'Procurement ban ended 02/03, all other sanctions remain',
    });

    const dtc = records.find((r) => r.designations[0]!.list === 'US-STATE-DTC')!;
    expect(dtc.key).toBe('US-STATE-DTC|example aerospace inc a k a example aviation example logistics and supply|');
    expect(dtc.names.map((n) => n.value)).toEqual([
      'Example Aerospace, Inc. (a.k.a. Example Aviation; Example Logistics and Supply)',
      'Example Aerospace, Inc.',
      'Example Aviation',
      'Example Logistics and Supply',
    ]);
    expect(dtc.designations[0]!.citation).toBe('58 FR 50382; 59 FR 5664');

    const sub = records.find((r) => r.designations[0]!.list === 'US-BIS-EL')!;
    expect(sub.name).toBe('Huawei Technologies Co., Ltd. (Huawei). Affiliated Entity: Example Huawei Subsidiary Co., Ltd.');
    expect(sub.parent).toBe('Huawei Technologies Co., Ltd. (Huawei)');
    expect(sub.names.map((n) => n.value)).toEqual([sub.name, 'Example Huawei Subsidiary Co., Ltd.', 'Example Sub', 'Example Subsidiary', 'Example HW Sub']);
    expect(sub.addresses).toEqual([
      '113 Hezuo Road, Shijiazhuang, Hebei, China',
      '21 Changsheng Street, Shijiazhuang, Hebei, China, Shijiazhuang, Hebei Province, CN',
    ]);
    expect(sub.designations[0]!.citation).toBe('84 FR 22961; 84 FR 43495');
  });

  it('survives mojibake, control characters, a BOM and CRLF line ends', () => {
    const records = parseFile(fixturePath('csl/mojibake.csv'));
    expect(records.map((r) => r.name)).toEqual([
      'CAST Xi’an Spaceflight Engine Factory',
      'RAWBYTE Xi\ufffdan Trading',
      'Huawei Technologies Co”peratief U.A.',
      'Control Char Company Ltd.',
    ]);
    expect(records[0]!.addresses).toEqual(['Xi’an, Shaanxi, CN']);
    expect(records[0]!.key).toBe('US-BIS-EL|cast xi an spaceflight engine factory|2020-06-05');
    expect(records[3]!.key).toBe('US-BIS-UVL|control char company ltd|');
    expect(cleanText('A\u0000B\u0096C\u00a0 D\n')).toBe('AB–C D');
  });

  it('refuses a file that is not CSL', () => {
    expect(() => parseFile(fixturePath('csl/not-csl.csv'))).toThrow(ParseError);
    expect(() => parseFile(fixturePath('csl/not-csl.csv'))).toThrow(/not-csl\.csv: not a CSL CSV: missing columns source, name$/);
    expect(() => parseText('_id,source,title\n1,SDN,x\n', undefined, 'half.csv')).toThrow('half.csv: not a CSL CSV: missing columns name');
    expect(() => parseFile(fixturePath('csl/results.json'))).toThrow(/results\.json: not a CSL CSV: it is JSON/);
    expect(() => parseText('', undefined, 'empty.csv')).toThrow('empty.csv: not a CSL CSV: the file is empty');
    expect(() => parseText(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), undefined, 'x.png')).toThrow(/x\.png: not a CSL CSV/);
  });

  it('names the file and row of a bad row', () => {
    const good = 'Entity List (EL) - Bureau of Industry and Security,Good Co,2020-01-01';
    expect(() => parseText(`source,name,start_date\n${good}\nEntity List (EL) - Bureau of Industry and Security, ,2020-01-01\n`, undefined, 'rows.csv')).toThrow(
      'rows.csv: row 3: name: name is empty',
    );
    expect(() => parseText(`source,name,start_date\n${good}\nEntity List (EL) - Bureau of Industry and Security,Bad Co,someday\n`, undefined, 'rows.csv')).toThrow(
      'rows.csv: row 3: start_date: "someday" is not a date',
    );
    expect(() => parseText(`source,name,start_date\n${good}\n"unclosed,x,y\n`, undefined, 'rows.csv')).toThrow(/rows\.csv: not a readable CSL CSV: .*line 3/i);
    expect(() => parseText(`source,name\n${good}\n`, undefined, 'rows.csv')).toThrow(/rows\.csv: not a readable CSL CSV/);
  });

  it('refuses an unknown source string, unless `lists` filters it out anyway', () => {
    const text = `source,name\nEntity List (EL) - Bureau of Industry and Security,Good Co\nOutbound Investment List (OIL) - Treasury Department,Other Co\n`;
    expect(() => parseText(text, undefined, 'new.csv')).toThrow('new.csv: row 3: unknown CSL source "Outbound Investment List (OIL) - Treasury Department"');
    expect(parseText(text, ['US-BIS-EL']).map((r) => r.name)).toEqual(['Good Co']);
  });

  it('maps the CSL source strings, old and short forms included', () => {
    expect(cslList('Entity List (EL) - Bureau of Industry and Security')).toBe('US-BIS-EL');
    expect(cslList('Capta List (CAP) - Treasury Department')).toBe('US-OFAC-CAPTA');
    expect(cslList('Part 561 List (561) - Treasury Department')).toBe('US-OFAC-CAPTA');
    expect(cslList('Non-SDN Menu-Based Sanctions List (NS-MBS List) - Treasury Department')).toBe('US-OFAC-MBS');
    expect(cslList('Non-SDN Chinese Military-Industrial Complex Companies List (CMIC) - Treasury Department')).toBe('US-OFAC-CMIC');
    expect(cslList('Military End User (MEU) List - Bureau of Industry and Security')).toBe('US-BIS-MEU');
    expect(['SDN', 'Entity List', 'MEU', 'Unverified', 'Denied Persons', 'ITAR Debarred', 'Nonproliferation Sanctions', 'SSI', 'PLC', 'CMIC', 'CAPTA', '561 list', 'NS-MBS', 'FSE'].map(cslList)).toEqual([
      'US-OFAC-SDN', 'US-BIS-EL', 'US-BIS-MEU', 'US-BIS-UVL', 'US-BIS-DPL', 'US-STATE-DTC', 'US-STATE-ISN', 'US-OFAC-SSI',
      'US-OFAC-PLC', 'US-OFAC-CMIC', 'US-OFAC-CAPTA', 'US-OFAC-CAPTA', 'US-OFAC-MBS', 'US-OFAC-FSE',
    ]);
    expect(cslList('Outbound Investment List (OIL) - Treasury Department')).toBeUndefined();
  });

  it('reads a tab-separated file the same way', () => {
    const csv = parseFile(fixturePath('csl/ids-2022-order.csv'));
    const rows = parse(readFileSync(fixturePath('csl/ids-2022-order.csv')), {}) as string[][];
    const tsv = rows.map((r) => r.join('\t')).join('\n');
    expect(parseText(tsv, undefined, 'x.tsv')).toEqual(csv);
  });

  it('merges rows of one key in one designation per list, earliest since', () => {
    const rows = [
      HEADER_2022,
      '1,Capta List (CAP) - Treasury Department,15268,Entity,561-Related,BANK OF KUNLUN CO LTD,,"Beijing, CN",,,,,,,,,,,,,,,,,,,,http://bit.ly/2PqohAD,"CKLBCNBJ, SWIFT/BIC"',
      '1,Capta List (CAP) - Treasury Department,15268,Entity,561-Related; UKRAINE-EO13662,BANK OF KUNLUN CO LTD,,"Daqing, CN",,2020-05-01,,,,,,,,,,,,http://bit.ly/1QWTIfE,,,,,,,"CKLBCNBJ, SWIFT/BIC"',
      '1,Capta List (CAP) - Treasury Department,15268,Entity,561-Related,BANK OF KUNLUN CO LTD,,,,2019-03-01,2030-01-01,,,,,,,,,,,,,,,,,,',
    ].join('\n');
    const [bank, ...rest] = parseText(rows);
    expect(rest).toEqual([]);
    expect(bank!.addresses).toEqual(['Beijing, CN', 'Daqing, CN']);
    expect(bank!.identifiers).toEqual([{ type: 'SWIFT/BIC', value: 'CKLBCNBJ' }]);
    expect(bank!.designations).toEqual([
      { list: 'US-OFAC-CAPTA', status: 'active', since: '2019-03-01', until: '2030-01-01', programs: ['561-Related', 'UKRAINE-EO13662'], url: 'http://bit.ly/2PqohAD' },
    ]);
  });

  it('splits citations into single notices', () => {
    expect(citationParts('67 F.R. 56530 9/4/02 67 F.R. 10890 3/11/02')).toEqual(['67 FR 56530 9/4/02', '67 FR 10890 3/11/02']);
    expect(citationParts('82 F.R. 61745 12/29/2017,  83F.R. 28801 6/21/2018')).toEqual(['82 FR 61745 12/29/2017', '83 FR 28801 6/21/2018']);
    expect(citationParts('79 FR 24566, 5/1/14; 83 FR 3580, 1/26/18 ')).toEqual(['79 FR 24566, 5/1/14', '83 FR 3580, 1/26/18']);
    expect(citationParts('83 FR 44824;')).toEqual(['83 FR 44824']);
  });

  it('finds names printed inside names', () => {
    expect(namesInName('PEARL (A.K.A. NEI-CHIEN CHU) LI')).toEqual([
      { value: 'PEARL LI', kind: 'alias' },
      { value: 'NEI-CHIEN CHU', kind: 'alias' },
    ]);
    expect(namesInName('Gazprom Russkaya, OOO (f.k.a., Obshchestvo S Ogranichennoi Otvetstvennostyu Kovyktneftegaz)')).toEqual([
      { value: 'Gazprom Russkaya, OOO', kind: 'alias' },
      { value: 'Obshchestvo S Ogranichennoi Otvetstvennostyu Kovyktneftegaz', kind: 'former' },
    ]);
    expect(namesInName('China Aerospace Science and Technology Corporation (CASC) First Academy, and its sub-units and successors')).toEqual([
      { value: 'China Aerospace Science and Technology Corporation (CASC) First Academy', kind: 'alias' },
    ]);
    expect(namesInName('Foo Holdings (AKA Group)')).toEqual([]);
  });
});
