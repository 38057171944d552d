import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ListCode } from '../../../src/core/lists';
import type { SourceRecord } from '../../../src/core/model';
import { parseCslCsv } from '../../../src/core/sources/csl-csv';
import { parseCslJson } from '../../../src/core/sources/csl-json';
import { ParseError } from '../../../src/core/sources/types';
import { fileDoc, input, textDoc } from '../../helpers/docs';
import { fixturePath, rawPath } from '../../helpers/shared';
import { keyed, perList } from '../../helpers/records';

const API = 'csl/2015_api_results_sample_govwizely';
const FILES = ['dpl', 'dtc', 'el', 'fse', 'isn', 'plc', 'sdn', 'ssi', 'uvl'] as const;

function parseFiles(paths: string[], lists?: ListCode[]): SourceRecord[] {
  return parseCslJson(input({ format: 'csl-json', lists }, paths.map(fileDoc)));
}

function parseText(text: string, lists?: ListCode[], name = 'test.json'): SourceRecord[] {
  return parseCslJson(input({ format: 'csl-json', lists }, [textDoc(name, text)]));
}

describe('csl-json on the 2015 API result samples (9 files, 54 results)', () => {
  const paths = FILES.map((f) => rawPath(`${API}/expected_results_${f}.json`));
  const records = parseFiles(paths);

  it('reads every file: 54 results, 53 records (one EL entity printed twice)', () => {
    const results = paths.map((p) => (JSON.parse(readFileSync(p, 'utf8')) as unknown[]).length);
    expect(results).toEqual([9, 4, 7, 3, 5, 6, 4, 4, 12]);
    expect(results.reduce((a, b) => a + b)).toBe(54);
    expect(perList(records)).toEqual({
      'US-BIS-DPL': 9,
      'US-STATE-DTC': 4,
      'US-BIS-EL': 6,
      'US-OFAC-FSE': 3,
      'US-STATE-ISN': 5,
      'US-OFAC-PLC': 6,
      'US-OFAC-SDN': 4,
      'US-OFAC-SSI': 4,
      'US-BIS-UVL': 12,
    });
    expect(records).toHaveLength(53);
    expect(new Set(records.map((r) => r.key)).size).toBe(53);
  });

  it('merges the EL entity printed twice with the same date, and keeps its third entry of another date apart', () => {
    const qazi = records.filter((r) => r.name === 'Qazi Abdallah');
    expect(qazi.map((r) => r.key)).toEqual(['US-BIS-EL|qazi abdallah|2011-11-21', 'US-BIS-EL|qazi abdallah|2011-11-22']);
    expect(qazi[0]!.designations).toHaveLength(1);
    expect(qazi[0]!.designations[0]!.citation).toBe('76 FR 10001; 76 FR 71867');
    expect(qazi[0]!.names).toContainEqual({ value: 'Jawid, Said Jan Abd-al-Salam', kind: 'alias', script: 'latin' });
  });

  it('reads address objects, ids objects and Treasury fields', () => {
    const chao = keyed(records, 'US-OFAC-SDN|521');
    expect(chao).toMatchObject({
      name: 'CHAO, Lazaro R.',
      type: 'individual',
      addresses: ['20 Ironmonger Lane, London, EC2V 8EY, GB'],
      countries: ['GB', 'DE', 'FR'],
      identifiers: [{ type: 'Passport', value: 'ABC123', country: 'BE' }],
      remarks: 'Might have something to do with Cuba.; Title: Executive Director, Havana International Bank',
    });
    const bnc = keyed(records, 'US-OFAC-SDN|306');
    expect(bnc.countries).toEqual(['CH', 'ES', 'JP', 'PA']);
    expect(bnc.addresses[2]).toBe('Dai-Ichi Bldg. 6th Floor, 10-2 Nihombashi, 2-chome, Chuo-ku, Tokyo, 103, JP');
    expect(bnc.names.map((n) => n.value)).toEqual(['BANCO NACIONAL DE CUBA', 'BNC', 'NATIONAL BANK OF CUBA']);
    const vessel = keyed(records, 'US-OFAC-SDN|11043');
    expect(vessel.type).toBe('vessel');
    expect(vessel.identifiers).toEqual([{ type: 'Vessel Registration Identification', value: 'IMO 9051648', country: 'IR' }]);
    expect(vessel.remarks).toBe('Vessel: type General Cargo, flag Iran, tonnage 24065, GRT 16621, owner IRISL');
    expect(keyed(records, 'US-OFAC-FSE|15987').identifiers).toEqual([{ type: 'Executive Order 13645 Determination', value: 'Material Support' }]);
    expect(keyed(records, 'US-OFAC-FSE|15987').designations[0]!.programs).toEqual(['FSE-IR', 'ISA', 'EO13645']);
  });

  it('reads BIS and State results: dates, citations, licence text (its "Â§" mojibake kept), a.k.a. inside a name', () => {
    const farid = keyed(records, 'US-BIS-EL|fazal rahim farid|2011-11-21');
    expect(farid.addresses).toEqual(['Microrayan 3rd Apt. 45, block #21, Kabul, AF', 'A2 Ground Floor, City Computer Plaza, Shar-e-Naw, Kabul, AF']);
    expect(farid.designations[0]).toEqual({
      list: 'US-BIS-EL',
      status: 'active',
      since: '2011-11-21',
      programs: [],
      citation: '76 FR 71867',
      url: 'http://www.bis.doc.gov/index.php/policy-guidance/lists-of-parties-of-concern/entity-list',
      notes: 'License requirement: For all items subject to the EAR. (See Â§744.11 of the EAR). | License policy: Presumption of denial.',
    });
    expect(keyed(records, 'US-BIS-DPL|adt analog and digital technik|1981-09-10').designations[0]!.citation).toBe('46 FR 19290 3/30/81; 46 FR 46154 9/17/81');
    expect(keyed(records, 'US-BIS-DPL|ace ian|1997-08-08').designations[0]).toMatchObject({ until: '2017-08-08', notes: 'Standard denial order' });
    const t2ba = keyed(records, 'US-BIS-UVL|training 2 business academy a k a t2ba a k a academy of business training|');
    expect(t2ba.names.map((n) => n.value)).toEqual([
      'Training 2 Business Academy, a.k.a. T2BA, a.k.a. Academy of Business Training',
      'Training 2 Business Academy',
      'T2BA',
      'Academy of Business Training',
    ]);
    expect(keyed(records, 'US-STATE-ISN|aerospace logistics services|2007-04-17').designations[0]).toMatchObject({
      programs: ['INKSNA', 'ISNA'],
      citation: 'Vol. 72, No. 77, 4/23/07',
    });
    // "7th of Tir" with a mojibake byte instead of its space: kept as printed
    expect(records.some((r) => r.name === '7th\u00ffof Tir')).toBe(true);
  });

  it('honours `lists`', () => {
    const kept = parseFiles(paths, ['US-BIS-UVL', 'US-STATE-ISN', 'US-STATE-DTC']);
    expect(perList(kept)).toEqual({ 'US-BIS-UVL': 12, 'US-STATE-ISN': 5, 'US-STATE-DTC': 4 });
  });
});

describe('csl-json on a {results: [...]} response (fixture in the current shape)', () => {
  const records = parseFiles([fixturePath('csl/results.json')]);

  it('reads the results array: null alt_names, address and id objects, rows of one EL entity merged', () => {
    expect(records.map((r) => r.key)).toEqual(['US-BIS-EL|example semiconductor co ltd|2024-02-20', 'US-OFAC-CMIC|30902', 'US-OFAC-SDN|52291']);
    const el = records[0]!;
    expect(el.names.map((n) => n.value)).toEqual(['Example Semiconductor Co., Ltd.', 'ESC', 'Example Semi']);
    expect(el.addresses).toEqual([
      'No. 1 Example Road, Pudong, Shanghai, 200120, CN',
      'Unit 5, 8/F, Example Tower, Kowloon, HK',
      '88 Example Avenue, Shenzhen, Guangdong, CN',
    ]);
    expect(el.countries).toEqual(['CN', 'HK']);
    expect(el.designations).toEqual([
      {
        list: 'US-BIS-EL',
        status: 'active',
        since: '2024-02-20',
        programs: [],
        citation: '89 FR 12345; 90 FR 555',
        url: 'https://www.bis.gov/regulations/ear/744#supplement-4-744',
        notes: 'License requirement: For all items subject to the EAR. | License policy: Presumption of denial.',
      },
    ]);
  });

  it('reads the CMIC USCC and listing date from id objects ("03 Jun 2021" as a date)', () => {
    const aecc = keyed(records, 'US-OFAC-CMIC|30902');
    expect(aecc.identifiers).toEqual([
      { type: 'Unified Social Credit Code (USCC)', value: '91110000MA005UCQ5P', country: 'CN' },
      { type: 'Listing Date (CMIC)', value: '2021-06-03' },
      { type: 'Effective Date (CMIC)', value: '2021-08-02' },
    ]);
    expect(aecc.designations[0]).toMatchObject({ list: 'US-OFAC-CMIC', since: '2021-06-03', programs: ['CMIC-EO13959'] });
  });

  it('takes a numeric entity_number, and an address that is only a country', () => {
    const rim = keyed(records, 'US-OFAC-SDN|52291');
    expect(rim.addresses).toEqual(['Shenyang, CN']);
    expect(rim.countries).toEqual(['CN', 'KP']);
    expect(rim.identifiers).toEqual([
      { type: 'Passport', value: '836238033', country: 'KP' },
      { type: 'Gender', value: 'Male' },
    ]);
    expect(rim.remarks).toBe('DOB: 1978-12-05');
  });

  it('gives the same record as the CSV for the same entry', () => {
    const fromCsv = parseCslCsv(input({ format: 'csl-csv' }, [fileDoc(fixturePath('csl/ids-2025-order.csv'))]));
    const a = keyed(fromCsv, 'US-OFAC-CMIC|30902');
    const b = keyed(records, 'US-OFAC-CMIC|30902');
    expect(b.name).toBe(a.name);
    expect(b.names).toEqual(a.names);
    expect(b.addresses).toEqual(a.addresses);
    expect(b.designations[0]!.since).toBe(a.designations[0]!.since);
    expect(b.identifiers.find((i) => i.type.startsWith('Unified'))).toEqual(a.identifiers.find((i) => i.type.startsWith('Unified')));
  });

  it('accepts CSV-style strings where arrays and objects are expected', () => {
    const [r] = parseText(
      JSON.stringify([
        {
          source: 'SDN',
          entity_number: '1',
          type: 'Entity',
          name: 'STRINGY LTD',
          programs: 'SDGT; IRAN',
          alt_names: 'STRINGY; STRINGY LIMITED',
          addresses: ['1 Road, Tehran, IR'],
          ids: 'CN, 91110000MA005UCQ5P, Unified Social Credit Code (USCC)',
        },
      ]),
    );
    expect(r).toMatchObject({
      key: 'US-OFAC-SDN|1',
      addresses: ['1 Road, Tehran, IR'],
      countries: ['IR'],
      identifiers: [{ type: 'Unified Social Credit Code (USCC)', value: '91110000MA005UCQ5P', country: 'CN' }],
    });
    expect(r!.designations[0]!.programs).toEqual(['SDGT', 'IRAN']);
    expect(r!.names.map((n) => n.value)).toEqual(['STRINGY LTD', 'STRINGY', 'STRINGY LIMITED']);
  });
});

describe('csl-json errors', () => {
  it('refuses what is not CSL JSON', () => {
    expect(() => parseFiles([fixturePath('csl/not-csl.csv')])).toThrow(ParseError);
    expect(() => parseFiles([fixturePath('csl/not-csl.csv')])).toThrow(/not-csl\.csv: not a CSL JSON: not valid JSON/);
    expect(() => parseText('{"entities": []}', undefined, 'other.json')).toThrow(
      'other.json: not a CSL JSON: expected an array of results or an object with "results": [...]',
    );
    expect(() => parseText('', undefined, 'empty.json')).toThrow('empty.json: not a CSL JSON: the file is empty');
  });

  it('names the file and result of a bad result', () => {
    const ok = { source: 'Entity List (EL) - Bureau of Industry and Security', name: 'Good Co' };
    expect(() => parseText(JSON.stringify({ results: [ok, { source: ok.source, name: '  ' }] }), undefined, 'r.json')).toThrow(
      'r.json: results[1]: name: name is empty',
    );
    expect(() => parseText(JSON.stringify({ results: [ok, { name: 'No Source' }] }), undefined, 'r.json')).toThrow(/^r\.json: results\[1\]: source: /);
    expect(() => parseText(JSON.stringify([{ ...ok, start_date: 'soon' }]), undefined, 'r.json')).toThrow('r.json: results[0]: start_date: "soon" is not a date');
    expect(() => parseText(JSON.stringify([{ ...ok, addresses: 'x' }]), undefined, 'r.json')).toThrow(/^r\.json: results\[0\]: addresses: /);
  });

  it('refuses an unknown source unless `lists` filters it out', () => {
    const text = JSON.stringify({ results: [{ source: 'Outbound Investment List (OIL) - Treasury Department', name: 'X' }] });
    expect(() => parseText(text, undefined, 'u.json')).toThrow('u.json: results[0]: unknown CSL source "Outbound Investment List (OIL) - Treasury Department"');
    expect(parseText(text, ['US-BIS-EL'])).toEqual([]);
  });
});
