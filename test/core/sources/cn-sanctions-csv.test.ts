import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { SourceRecord } from '../../../src/core/model';
import { cnListCode, cnNoticeCitation, parseCnSanctionsCsv, suspensionUntil } from '../../../src/core/sources/cn-sanctions-csv';
import { ParseError } from '../../../src/core/sources/types';
import { fileDoc, input, textDoc } from '../../helpers/docs';
import { fixturePath, rawPath } from '../../helpers/shared';
import { keyed as byKey, perList } from '../../helpers/records';

const DIR = 'china_lists/opensanctions_cn_sanctions';
const FILES = {
  t0: `${DIR}/history/2026-07-07/sanctions.csv`,
  t1: `${DIR}/history/2026-07-27/sanctions.csv`,
  t2: `${DIR}/sanctions.csv`,
};

function parseFile(path: string, lists?: SourceRecord['designations'][number]['list'][]): SourceRecord[] {
  return parseCnSanctionsCsv(input({ format: 'cn-sanctions-csv', lists }, [fileDoc(path)]));
}

const real = {
  t0: parseFile(rawPath(FILES.t0)),
  t1: parseFile(rawPath(FILES.t1)),
  t2: parseFile(rawPath(FILES.t2)),
};

describe('cn-sanctions-csv on the real sheets', () => {
  it('reads every row: 610 / 589 / 603 rows, one record per designation event', () => {
    // The sheet records 46 events twice (the same MFA decision under two URLs or two list wordings, same
    // list code, name and date); those fold into one record each.
    const rows = (path: string) =>
      (parse(readFileSync(rawPath(path), 'utf8').replace(/\r\n?/g, '\n'), { columns: true }) as unknown[]).length;
    expect([rows(FILES.t0), rows(FILES.t1), rows(FILES.t2)]).toEqual([589, 603, 610]);
    expect([real.t0.length, real.t1.length, real.t2.length]).toEqual([543, 557, 564]);
    for (const records of Object.values(real)) {
      expect(new Set(records.map((r) => r.key)).size).toBe(records.length);
      expect(records.every((r) => r.designations.length === 1)).toBe(true);
    }
  });

  it('maps every (Body, List) pair to a list code', () => {
    expect(perList(real.t2)).toEqual({ 'CN-CM': 268, 'CN-TAO': 37, 'CN-MOFCOM-UEL': 66, 'CN-MOFCOM-ECL': 153, 'CN-MOFCOM-ECWL': 40 });
    expect(perList(real.t0)).toEqual({ 'CN-CM': 261, 'CN-TAO': 37, 'CN-MOFCOM-UEL': 66, 'CN-MOFCOM-ECL': 139, 'CN-MOFCOM-ECWL': 40 });
  });

  it('keeps keys stable between snapshots: 07-07 -> 07-27 adds the 14 of 2026-07-24, 07-27 -> 08-07 adds 7', () => {
    const keys = (rs: SourceRecord[]) => new Set(rs.map((r) => r.key));
    const [k0, k1, k2] = [keys(real.t0), keys(real.t1), keys(real.t2)];
    const added1 = [...k1].filter((k) => !k0.has(k));
    const removed1 = [...k0].filter((k) => !k1.has(k));
    const added2 = [...k2].filter((k) => !k1.has(k));
    const removed2 = [...k1].filter((k) => !k2.has(k));
    expect(added1).toHaveLength(14);
    expect(removed1).toHaveLength(0);
    expect(added2).toHaveLength(7);
    expect(removed2).toHaveLength(0);
    expect(added1).toContain('CN-MOFCOM-ECL|rheinmetall ag|2026-07-24');
    expect(added1.every((k) => k.startsWith('CN-MOFCOM-ECL|') && k.endsWith('|2026-07-24'))).toBe(true);
    expect(added2.every((k) => k.startsWith('CN-CM|') && k.endsWith('|2026-08-05'))).toBe(true);
    expect(added2).toContain('CN-CM|compliance testing llc|2026-08-05');
  });

  it('has Lockheed Martin on the UEL with its Chinese name', () => {
    const r = byKey(real.t2, 'CN-MOFCOM-UEL|lockheed martin corporation|2023-02-16');
    expect(r.name).toBe('Lockheed Martin Corporation');
    expect(r.type).toBe('entity');
    expect(r.countries).toEqual(['US']);
    expect(r.names).toContainEqual({ value: '洛克希德·马丁公司', kind: 'translation', script: 'han', lang: 'zh-Hans' });
    expect(r.designations[0]).toMatchObject({
      list: 'CN-MOFCOM-UEL',
      status: 'active',
      since: '2023-02-16',
      programs: ['UEL'],
      authority: 'Ministry of Commerce',
      url: 'http://www.mofcom.gov.cn/article/zwgk/gkzcfb/202302/20230203391289.shtml',
    });
    // The same company is also on the export-control list (another event, another record).
    expect(byKey(real.t2, 'CN-MOFCOM-ECL|lockheed martin corporation|2025-01-02').designations[0]!.list).toBe('CN-MOFCOM-ECL');
  });

  it('has Rheinmetall AG on the export-control list from 2026-07-24, with address', () => {
    const r = byKey(real.t2, 'CN-MOFCOM-ECL|rheinmetall ag|2026-07-24');
    expect(r.countries).toEqual(['DE']);
    expect(r.addresses).toEqual(['Rheinmetall Platz 1, Düsseldorf, Germany, 40476']);
    expect(r.names.find((n) => n.kind === 'translation')?.value).toBe('莱茵金属公司');
    expect(r.designations[0]!.since).toBe('2026-07-24');
  });

  it('reads persons, QIDs and the · form of Chinese names', () => {
    const r = byKey(real.t2, 'CN-MOFCOM-UEL|james donald taiclet|2023-02-16');
    expect(r.type).toBe('individual');
    expect(r.identifiers).toEqual([{ type: 'Wikidata', value: 'Q110610881' }]);
    expect(r.names.map((n) => n.value)).toContain('詹姆斯·唐纳德·泰克里特');
    expect(r.designations[0]!.notes).toBe('Chairman, President and CEO of Lockheed Martin Corporation');
  });

  it('folds an event recorded twice into one designation', () => {
    const r = byKey(real.t2, 'CN-CM|james donald taiclet|2024-06-21');
    expect(r.designations).toHaveLength(1);
    expect(r.designations[0]!.programs).toEqual(['AFSL', 'List of Targets of Countermeasures']);
    expect(r.names.map((n) => n.value)).toContain('詹姆斯·泰克里特');
  });

  it('reads End date as removed with until, and a summarised suspension as suspended', () => {
    expect(byKey(real.t2, 'CN-TAO|skyla|2022-08-03').designations[0]).toMatchObject({ list: 'CN-TAO', status: 'removed', until: '2023-07-13' });
    expect(byKey(real.t2, 'CN-CM|uab urbo bankas|2025-08-13').designations[0]).toMatchObject({ status: 'removed', until: '2026-04-24' });
    const hanwha = real.t2.filter((r) => r.designations[0]!.status === 'suspended');
    expect(hanwha.map((r) => r.name).sort()).toEqual([
      'HS USA Holdings Corp.',
      'Hanwha Ocean USA International LLC',
      'Hanwha Philly Shipyard Inc.',
      'Hanwha Shipping Holdings LLC',
      'Hanwha Shipping LLC',
    ]);
    expect(hanwha.every((r) => r.designations[0]!.until === '2026-11-10' && r.designations[0]!.since === '2025-10-14')).toBe(true);
  });

  it('keys the one undated row without a date', () => {
    const r = byKey(real.t2, 'CN-CM|alliance of democracies foundation');
    expect(r.designations[0]!.since).toBeUndefined();
    expect(r.countries).toEqual(['DK']);
  });

  it('turns full country names into codes', () => {
    const japan = real.t2.filter((r) => r.countries.includes('JP'));
    expect(japan.length).toBeGreaterThanOrEqual(80);
    expect(real.t2.some((r) => r.countries.includes('CZ'))).toBe(true);
    expect(real.t2.flatMap((r) => r.countries).every((c) => /^[A-Z]{2}$/.test(c))).toBe(true);
  });

  it('keeps only the lists the config asks for', () => {
    const uel = parseFile(rawPath(FILES.t2), ['CN-MOFCOM-UEL']);
    expect(uel).toHaveLength(66);
  });
});

describe('cn-sanctions-csv quirks (fixtures)', () => {
  const records = parseFile(fixturePath('cn-sanctions-csv/mixed.csv'));
  const get = (key: string) => byKey(records, key);

  it('reads LF and CRLF rows in one file, DD.MM.YY and DD.MM.YYYY dates', () => {
    expect(records).toHaveLength(8);
    expect(get('CN-MOFCOM-UEL|example aerospace corp|2023-02-16').designations[0]!.since).toBe('2023-02-16');
    expect(get('CN-MOFCOM-ECL|beispiel rüstung gmbh|2026-07-24').designations[0]!.since).toBe('2026-07-24');
  });

  it('splits ; aliases and keeps Han names as zh-Hans translations', () => {
    const r = get('CN-MOFCOM-UEL|example aerospace corp|2023-02-16');
    expect(r.names).toEqual([
      { value: 'Example Aerospace Corp.', kind: 'primary', script: 'latin' },
      { value: 'Example Aero', kind: 'alias', script: 'latin' },
      { value: 'EAC', kind: 'alias', script: 'latin' },
      { value: '示例航空航天公司', kind: 'translation', script: 'han', lang: 'zh-Hans' },
    ]);
    expect(get('CN-CM|jane quincy doe|2024-06-21').names.map((n) => n.value)).toContain('简·昆西·多伊');
  });

  it('folds the same event given with two date forms and list wordings', () => {
    const r = get('CN-CM|jane quincy doe|2024-06-21');
    expect(r.designations).toHaveLength(1);
    expect(r.designations[0]).toMatchObject({ url: 'https://example.gov.cn/mfa/a.html', programs: ['AFSL', 'List of Targets of Countermeasures'] });
    expect(r.identifiers).toEqual([{ type: 'Wikidata', value: 'Q42' }]);
  });

  it('derives a notice number, countries, addresses, the watch list and TAO', () => {
    const r = get('CN-MOFCOM-ECL|beispiel rüstung gmbh|2026-07-24');
    expect(r.designations[0]!.citation).toBe('商务部公告2026年第30号');
    expect(r.countries).toEqual(['DE']);
    expect(r.addresses).toEqual(['Musterstraße 1, Düsseldorf, Germany, 40476']);
    expect(get('CN-MOFCOM-ECWL|watch optics k k|2025-01-02').countries).toEqual(['JP']);
    expect(get('CN-TAO|island medical|2022-08-03').designations[0]).toMatchObject({ status: 'removed', until: '2023-07-13' });
  });

  it('reads suspensions, end dates and the undated row', () => {
    expect(get('CN-CM|harbor shipping llc|2025-10-14').designations[0]).toMatchObject({ status: 'suspended', until: '2026-11-10' });
    expect(get('CN-CM|sample bank ab|2025-08-13').designations[0]).toMatchObject({ status: 'removed', until: '2026-04-24' });
    expect(get('CN-CM|undated foundation').designations[0]!.since).toBeUndefined();
  });

  it('refuses a file without the required columns', () => {
    expect(() => parseFile(fixturePath('cn-sanctions-csv/bad-header.csv'))).toThrow(/header lacks column\(s\) "List"/);
  });

  it('names an unknown (Body, List) pair', () => {
    expect(() => parseFile(fixturePath('cn-sanctions-csv/unknown-list.csv'))).toThrow(
      /line 2: unknown \(Body, List\) pair \("Ministry of Commerce", "Secret Sanctions List"\)/,
    );
  });

  it('names a bad date with its line', () => {
    expect(() => parseFile(fixturePath('cn-sanctions-csv/bad-date.csv'))).toThrow(/line 2: Date "2026\/13\/45" is not a date/);
  });

  it('refuses other formats with a clear message', () => {
    const parseDoc = (doc: ReturnType<typeof textDoc>) => parseCnSanctionsCsv(input({ format: 'cn-sanctions-csv' }, [doc]));
    expect(() => parseFile(rawPath('ofac_sdn/2024-05-03/sdn.csv'))).toThrow(ParseError);
    expect(() => parseFile(rawPath('ofac_sdn/2024-05-03/sdn.csv'))).toThrow(/not a cn-sanctions-csv file: the header lacks column/);
    expect(() => parseFile(rawPath('nsfreg_restricted_entities_2026-07/bis_meu.json'))).toThrow(/looks like JSON/);
    expect(() => parseDoc(textDoc('page.html', '<!DOCTYPE html><html><body>Not found</body></html>'))).toThrow(/looks like HTML/);
    expect(() => parseDoc(textDoc('empty.csv', ''))).toThrow(/empty file/);
    expect(() => parseDoc(textDoc('quote.csv', 'Type,Name,Alias,Chinese name,Country,Body,List,Date,Source URL\n"Company,X\n'))).toThrow(/not readable as CSV/);
  });
});

describe('cn-sanctions-csv helpers', () => {
  it('maps the (Body, List) pairs of cn_sanctions.yml', () => {
    expect(cnListCode('Ministry of Commerce', 'UEL')).toBe('CN-MOFCOM-UEL');
    expect(cnListCode('Ministry of Commerce', 'List of Export Controls')).toBe('CN-MOFCOM-ECL');
    expect(cnListCode('Ministry of Commerce', 'Export Control List')).toBe('CN-MOFCOM-ECL');
    expect(cnListCode('Ministry of Commerce', 'Export Control Watch List')).toBe('CN-MOFCOM-ECWL');
    expect(cnListCode('Ministry of Commerce', 'List of Targets of Countermeasures')).toBe('CN-CM');
    expect(cnListCode('Ministry of Foreign Affairs', 'AFSL')).toBe('CN-CM');
    expect(cnListCode('Ministry of Foreign Affairs', '')).toBe('CN-CM');
    expect(cnListCode('Ministry of Foreign Affairs', 'Decision on Countermeasures against U.S. Military-industry Enterprises')).toBe('CN-CM');
    expect(cnListCode('Taiwan Affairs Office of the State Council', '')).toBe('CN-TAO');
    expect(cnListCode('Taiwan Work Office of the CPC Central Committee', 'Diehard "Taiwan Independence" Separatists')).toBe('CN-TAO');
    expect(cnListCode('Taiwan Affairs Office of the State Council', 'Henchmen and Accomplices of "Taiwan Independence"')).toBe('CN-TAO');
    expect(cnListCode('', '', 'sanction.counter')).toBe('CN-CM');
    expect(cnListCode('', '', 'export.control')).toBeUndefined();
    expect(cnListCode('Ministry of Commerce', '')).toBeUndefined();
    expect(cnListCode('Ministry of Commerce', 'Something New')).toBeUndefined();
  });

  it('finds notice numbers in their three forms', () => {
    expect(cnNoticeCitation('根据商务部公告2025年第13号，')).toBe('商务部公告2025年第13号');
    expect(cnNoticeCitation('不可靠实体清单工作机制公告〔2025〕7号 — 11 US entities')).toBe('不可靠实体清单工作机制公告〔2025〕7号');
    expect(cnNoticeCitation('外交部令第19号')).toBe('外交部令第19号');
    expect(cnNoticeCitation('商务部令二〇二六年第1号')).toBe('商务部令二〇二六年第1号');
    expect(cnNoticeCitation('Countermeasures suspended (MOFCOM Order 2025 No.7).')).toBeUndefined();
  });

  it('derives the end of a suspension', () => {
    expect(suspensionUntil('Countermeasures suspended for one year from 10 November 2025 (MOFCOM Order 2025 No.7).')).toBe('2026-11-10');
    expect(suspensionUntil('Measures suspended until 2026-11-10 (from 2025-11-10)')).toBe('2026-11-10');
    expect(suspensionUntil('自2025年11月10日起暂停实施一年')).toBe('2026-11-10');
    expect(suspensionUntil('暂停实施至2026年11月10日')).toBe('2026-11-10');
    expect(suspensionUntil('Countermeasures suspended.')).toBeUndefined();
    expect(suspensionUntil('US Senator')).toBeUndefined();
  });
});
