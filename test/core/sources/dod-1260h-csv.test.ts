import { describe, expect, it } from 'vitest';
import type { SourceRecord } from '../../../src/core/model';
import { cleanPrintedName, parseDod1260hCsv } from '../../../src/core/sources/dod-1260h-csv';
import { ParseError } from '../../../src/core/sources/types';
import { fileDoc, input, textDoc } from '../../helpers/docs';
import { fixturePath, rawPath } from '../../helpers/shared';

const SHEET = rawPath('dod_1260h/opensanctions_us_dod_chinese_milcorps/sanctions.csv');

function parseFile(path: string): SourceRecord[] {
  return parseDod1260hCsv(input({ format: 'dod-1260h-csv' }, [fileDoc(path)]));
}

function named(records: SourceRecord[], name: string): SourceRecord {
  const r = records.find((x) => x.name === name);
  if (!r) throw new Error(`no record named ${name}`);
  return r;
}

describe('dod-1260h-csv on the real sheet (397 rows, all editions)', () => {
  const records = parseFile(SHEET);

  it('makes one record per entity: 223 entities, 205 listed, 18 removed', () => {
    expect(records).toHaveLength(223);
    expect(new Set(records.map((r) => r.key)).size).toBe(223);
    const status = (s: string) => records.filter((r) => r.designations[0]!.status === s).length;
    expect(status('active')).toBe(205);
    expect(status('removed')).toBe(18);
    expect(records.every((r) => r.designations.length === 1 && r.designations[0]!.list === 'US-DOD-1260H')).toBe(true);
    expect(records.every((r) => r.type === 'entity')).toBe(true);
  });

  it('keeps printed forms (asterisks, parenthesised short names) out of the display name', () => {
    expect(records.filter((r) => /\*/.test(r.name))).toEqual([]);
    expect(records.some((r) => r.name === '360 Security Technology Inc.')).toBe(true);
    // "Aerospace CH UAV Co., Ltd (CH UAV)" in the 2025 edition is the same entity as the 2021 one.
    const chUav = named(records, 'Aerospace CH UAV Co., Ltd');
    expect(chUav.names.map((n) => n.value)).toEqual(expect.arrayContaining(['CH UAV', 'S-SEA']));
    expect(chUav.designations[0]!.since).toBe('2021-06-03');
  });

  it('has DJI, with its aliases, in the 2026 edition (91 FR 35189)', () => {
    const dji = named(records, 'Shenzhen DJI Technology Co., Ltd.');
    expect(dji.key).toBe('US-DOD-1260H|shenzhen dji technology co ltd');
    expect(dji.names).toContainEqual({ value: 'DJI', kind: 'alias', script: 'latin' });
    expect(dji.designations[0]).toMatchObject({
      status: 'active',
      since: '2026-06-08',
      citation: '91 FR 35189',
      url: 'https://media.defense.gov/2026/Jun/08/2003945537/-1/-1/1/ENTITIES-IDENTIFIED-AS-CHINESE-MILITARY-COMPANIES-OPERATING-IN-THE-UNITED-STATES-IN-ACCORDANCE-WITH-SECTION-1260H.PDF',
    });
    expect(dji.designations[0]!.notes).toMatch(/^DJI is indirectly affiliated with SASAC/);
    // The sheet keeps the earlier name's rows open too (no End date): a second record.
    const earlier = named(records, 'Shenzhen DJI Innovation Technology Co., Ltd.');
    expect(earlier.designations[0]).toMatchObject({ status: 'active', since: '2022-10-05', citation: '1260H list of 2025-01-07' });
    expect(named(records, 'Shenzhen Dajiang Baiwang Technology Co., Ltd.').parent).toBe('Shenzhen DJI Technology Co., Ltd.');
  });

  it('folds the editions of a continuously listed entity', () => {
    const hik = named(records, 'Hangzhou Hikvision Digital Technology Co., Ltd.');
    expect(hik.parent).toBe('China Electronics Technology Group Corporation');
    expect(hik.designations[0]).toMatchObject({ status: 'active', since: '2021-06-03', citation: '91 FR 35189' });
    expect(hik.names.map((n) => n.value)).toContain('Hikvision');
  });

  it('reads removed entities with until', () => {
    const megvii = named(records, 'Beijing Megvii Technology Co., Ltd.');
    expect(megvii.designations[0]).toMatchObject({ status: 'removed', since: '2024-01-31', until: '2025-01-07', citation: '1260H list of 2024-01-31' });
    expect(named(records, 'China International Engineering Consulting Corporation').designations[0]).toMatchObject({
      status: 'removed',
      until: '2024-01-31',
      notes: 'No apparent U.S. nexus',
    });
    const sunCreate = named(records, 'Anhui Sun Create Electronics Co., Ltd.');
    expect(sunCreate.designations[0]).toMatchObject({ status: 'removed', since: '2025-01-07', until: '2026-02-17' });
    expect(sunCreate.parent).toBe('China Electronics Technology Group Corporation');
  });

  it('splits aliases on ";" and on "," without a space, and reads former names', () => {
    const knownsec = named(records, 'Beijing Zhidao Chuangyu Information Technology Co., Ltd.');
    expect(knownsec.names.filter((n) => n.kind === 'alias').map((n) => n.value)).toEqual(['Knownsec', 'Beijing Kownsec']);
    const chengdu = named(records, 'AVIC Chengdu Aircraft Co., Ltd.');
    expect(chengdu.names.filter((n) => n.kind === 'former').map((n) => n.value)).toEqual([
      'Zhonghang Electronic Measuring Instruments Company Limited',
      'ZEMIC',
    ]);
    const airborne = named(records, 'AVIC Airborne Systems Co., Ltd.');
    expect(airborne.names.map((n) => n.value)).toContain('China Avionics Systems Co., Ltd.');
  });

  it('takes an FR citation named in the Note', () => {
    expect(named(records, 'Hesai Technology Co., Ltd.').designations[0]!.citation).toBe('89 FR 86230');
  });
});

describe('dod-1260h-csv quirks (fixture)', () => {
  const records = parseFile(fixturePath('dod-1260h-csv/periods.csv'));

  it('folds rows into entities', () => {
    expect(records.map((r) => r.name)).toEqual([
      'Example Drone Co., Ltd.',
      'Sky Sub (Beijing) Co., Ltd.',
      'Gone Vision Technology Co.',
      'Back Again Holdings Ltd.',
      'New Name Aircraft Co., Ltd.',
    ]);
  });

  it('uses the start of the open periods, the latest spelling and every alias', () => {
    const edc = named(records, 'Example Drone Co., Ltd.');
    expect(edc.key).toBe('US-DOD-1260H|example drone co ltd');
    expect(edc.designations[0]).toMatchObject({ status: 'active', since: '2022-10-05', citation: '91 FR 35189', url: 'https://example.mil/2026.pdf' });
    expect(edc.names.map((n) => [n.value, n.kind])).toEqual([
      ['Example Drone Co., Ltd.', 'primary'],
      ['Example Drone Co., Ltd', 'alias'],
      ['EDC', 'alias'],
      ['Example Drones', 'alias'],
    ]);
  });

  it('keeps the parent without its printed short name', () => {
    expect(named(records, 'Sky Sub (Beijing) Co., Ltd.').parent).toBe('Example Drone Co, Ltd');
  });

  it('reads a removed entity and a re-listed one', () => {
    expect(named(records, 'Gone Vision Technology Co.').designations[0]).toMatchObject({ status: 'removed', since: '2024-01-31', until: '2025-01-07', citation: '1260H list of 2024-01-31' });
    const back = named(records, 'Back Again Holdings Ltd.');
    expect(back.designations[0]).toMatchObject({ status: 'active', since: '2026-06-08' });
    expect(back.names.map((n) => n.value)).toContain('BAH');
  });

  it('reads former names and an FR citation from the note', () => {
    const r = named(records, 'New Name Aircraft Co., Ltd.');
    expect(r.names.filter((n) => n.kind === 'former').map((n) => n.value)).toEqual(['Old Name Instruments Company Limited', 'ONI']);
    expect(r.designations[0]!.citation).toBe('89 FR 86230');
  });

  it('names a bad date with its line', () => {
    expect(() => parseFile(fixturePath('dod-1260h-csv/bad-date.csv'))).toThrow(/line 2: Start date "31.01.2024x" is not a date/);
  });

  it('refuses other formats', () => {
    expect(() => parseFile(rawPath('ofac_sdn/2024-05-03/sdn.csv'))).toThrow(ParseError);
    expect(() => parseFile(rawPath('ofac_sdn/2024-05-03/sdn.csv'))).toThrow(/not a dod-1260h-csv file: the header lacks column/);
    expect(() => parseFile(rawPath('china_lists/opensanctions_cn_sanctions/sanctions.csv'))).toThrow(/lacks column\(s\) "Clean Name", "Start date"/);
    expect(() => parseFile(rawPath('nsfreg_restricted_entities_2026-07/dow_1260h.json'))).toThrow(/looks like JSON/);
    expect(() => parseDod1260hCsv(input({ format: 'dod-1260h-csv' }, [textDoc('x.html', '<html><body>moved</body></html>')]))).toThrow(/looks like HTML/);
  });
});

describe('cleanPrintedName', () => {
  it('drops asterisks and short names in parentheses, keeps parentheses that are part of the name', () => {
    expect(cleanPrintedName('360 Security Technology Inc. (Qihoo 360)*')).toEqual({ name: '360 Security Technology Inc.', alias: 'Qihoo 360' });
    expect(cleanPrintedName('Aerospace CH UAV Co., Ltd (CH UAV)')).toEqual({ name: 'Aerospace CH UAV Co., Ltd', alias: 'CH UAV' });
    expect(cleanPrintedName('360 Security Technology Inc. (Qihoo 360).')).toEqual({ name: '360 Security Technology Inc.', alias: 'Qihoo 360' });
    expect(cleanPrintedName('China Communications Construction Group (Limited)')).toEqual({ name: 'China Communications Construction Group (Limited)' });
    expect(cleanPrintedName('China Unicom (Hong Kong) Limited')).toEqual({ name: 'China Unicom (Hong Kong) Limited' });
  });
});
