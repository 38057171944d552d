import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ListCode } from '../../../src/core/lists';
import type { SourceRecord } from '../../../src/core/model';
import { parseFtmJson } from '../../../src/core/sources/ftm-json';
import { ParseError } from '../../../src/core/sources/types';
import { fileDoc, input, textDoc } from '../../helpers/docs';
import { fixturePath, rawPath } from '../../helpers/shared';
import { keyed } from '../../helpers/records';

function parseFile(path: string, list: ListCode = 'US-OFAC-SDN'): SourceRecord[] {
  return parseFtmJson(input({ format: 'ftm-json', list }, [fileDoc(path)]));
}

const DELTA = 'opensanctions/delta_sanctions_2024-05-27_28';

describe('ftm-json on the eu_fsf sample (7 entities)', () => {
  const records = parseFile(rawPath('opensanctions/ftm_sample_entities_eu_fsf/entities.ftm.json'));

  it('makes a record of each party and skips the Address', () => {
    expect(records).toHaveLength(6);
    expect(records.map((r) => r.type)).toEqual(['entity', 'individual', 'individual', 'individual', 'individual', 'entity']);
    expect(records.every((r) => r.designations.length === 1 && r.designations[0]!.list === 'US-OFAC-SDN')).toBe(true);
  });

  it('uses the caption as primary name, the other names as aliases, and registration numbers', () => {
    const tobacco = keyed(records, 'NK-2GdmHtZTeNXjNVrBGEXZNj');
    expect(tobacco.name).toBe('RAB „Inter Tobacco“');
    expect(tobacco.names.filter((n) => n.kind === 'alias')).toHaveLength(11);
    expect(tobacco.names.map((n) => n.value)).toContain('Общество с ограниченной ответственностью “Интер Тобако”');
    expect(tobacco.countries).toEqual(['BY']);
    expect(tobacco.identifiers).toEqual([{ type: 'Registration number', value: '808000714' }]);
    expect(tobacco.designations[0]!.since).toBe('2022-06-03');
    expect(tobacco.remarks).toBe('Belarus (Minsk Free Economic Zone)');
  });

  it('reads persons with nationality and tax numbers', () => {
    const kuz = keyed(records, 'NK-2Ka3UvopqbpZmVDFjWd4LA');
    expect(kuz.name).toBe('Vitaly Yurievich KUZMENKO');
    expect(kuz.countries).toEqual(['RU']);
    expect(kuz.identifiers).toEqual([{ type: 'Tax number', value: '366510784303' }]);
    expect(kuz.designations[0]!.since).toBe('2024-02-23');
  });
});

describe('ftm-json on the wd_persons export sample (1,565 lines)', () => {
  const records = parseFile(rawPath('opensanctions/export_formats_sample_wd_persons_2024-03/entities.ftm.json'));

  it('keeps the 423 target persons of 607 (184 relatives are not targets; Position/Family/Occupancy are no parties)', () => {
    const lines = readFileSync(rawPath('opensanctions/export_formats_sample_wd_persons_2024-03/entities.ftm.json'), 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as { schema: string });
    expect(lines).toHaveLength(1565);
    expect(lines.filter((e) => e.schema === 'Person')).toHaveLength(607);
    expect(records).toHaveLength(423);
    expect(records.every((r) => r.type === 'individual')).toBe(true);
  });

  it('reads messy property values (bare strings) and persons without a name property', () => {
    const r = keyed(records, 'Q60195440');
    expect(r.name).toBe('Abdullah bin Bandar bin Abdulaziz Al Saud');
    expect(r.countries).toEqual(['SA']);
    expect(r.identifiers).toContainEqual({ type: 'Wikidata', value: 'Q60195440' });
    expect(r.names.filter((n) => n.kind === 'alias').length).toBeGreaterThan(0);
    expect(records.flatMap((x) => x.countries).every((c) => /^[A-Z]{2}$/.test(c))).toBe(true);
  });
});

describe('ftm-json on the delta feed', () => {
  it('reads ADD and MOD, skips DEL, refuses the 0-byte file', () => {
    const counts: Record<string, number | string> = {};
    for (const version of readdirSync(rawPath(DELTA)).filter((d) => !d.endsWith('.json')).sort()) {
      try {
        counts[version] = parseFile(rawPath(`${DELTA}/${version}/entities.delta.json`)).length;
      } catch (err) {
        counts[version] = (err as Error).message.replace(/^.*: /, '');
      }
    }
    expect(counts).toEqual({
      '20240527134702-zbn': 'empty',
      '20240527194702-wnk': 2,
      '20240528014702-pfh': 2,
      '20240528074703-npf': 0,
      '20240528134729-3iv': 1,
    });
    expect(() => parseFile(rawPath(`${DELTA}/20240527134702-zbn/entities.delta.json`))).toThrow(ParseError);
  });

  it('takes the entity of a MOD', () => {
    const recs = parseFile(rawPath(`${DELTA}/20240528014702-pfh/entities.delta.json`));
    const mod = keyed(recs, 'NK-2T3S8Hu29ktYnKSTgQp2wL');
    expect(mod.name).toBe('Foobar Foobargroup');
    expect(mod.countries).toEqual(['IR']);
    const added = keyed(parseFile(rawPath(`${DELTA}/20240527194702-wnk/entities.delta.json`)), 'NK-2sJaJRaPJcWUfMbHjTtWcL');
    expect(added.name).toBe('Janan Agha');
    expect(added.names.some((n) => n.kind === 'weak')).toBe(true);
  });
});

describe('ftm-json quirks (fixtures)', () => {
  const records = parseFile(fixturePath('ftm-json/parties.ftm.json'));

  it('keeps target parties only', () => {
    expect(records.map((r) => [r.key, r.type])).toEqual([
      ['co-1', 'entity'],
      ['pe-1', 'individual'],
      ['ve-1', 'vessel'],
      ['old-1', 'entity'],
    ]);
  });

  it('joins Sanction and Address entities to their party', () => {
    const co = keyed(records, 'co-1');
    expect(co.name).toBe('Example Trading LLC');
    expect(co.names.map((n) => [n.value, n.kind])).toEqual([
      ['Example Trading LLC', 'primary'],
      ['ООО Пример Трейдинг', 'alias'],
      ['ExTrade', 'alias'],
      ['Old Example LLC', 'former'],
      ['EXT', 'weak'],
    ]);
    expect(co.countries).toEqual(['RU', 'CY']);
    expect(co.addresses).toEqual(['1 Example Street, Moscow, Russia']);
    expect(co.identifiers).toEqual([
      { type: 'Registration number', value: 'HE123456' },
      { type: 'INN', value: '7700000001' },
      { type: 'OGRN', value: '1027700000001' },
    ]);
    expect(co.designations[0]).toEqual({
      list: 'US-OFAC-SDN',
      status: 'active',
      since: '2021-04-15',
      programs: ['RUSSIA-EO14024', 'CYBER2'],
      url: 'https://example.gov/action/1',
      authority: 'Office of Foreign Assets Control',
      notes: 'Operating in the technology sector',
    });
    expect(co.remarks).toBe('Supplies components');
  });

  it('joins identity documents, reads bare-string properties and createdAt', () => {
    const pe = keyed(records, 'pe-1');
    expect(pe.identifiers).toEqual([
      { type: 'Tax number', value: '770000000001' },
      { type: 'Passport', value: '751234567', country: 'RU' },
    ]);
    expect(pe.designations[0]!.since).toBe('2023-02-24');
    expect(keyed(records, 've-1').identifiers).toEqual([{ type: 'IMO', value: 'IMO9000001' }]);
  });

  it('reads a sanction that ended as removed', () => {
    expect(keyed(records, 'old-1').designations[0]).toMatchObject({ status: 'removed', since: '2014-03-17', until: '2020-01-01' });
  });

  it('applies MOD over ADD in one file and skips DEL', () => {
    const recs = parseFile(fixturePath('ftm-json/delta.json'));
    expect(recs.map((r) => [r.key, r.name, r.countries])).toEqual([
      ['d-1', 'Second Version Co', ['IR']],
      ['d-2', 'Another Co', []],
    ]);
  });

  it('accepts a JSON array', () => {
    expect(parseFile(fixturePath('ftm-json/array.json')).map((r) => r.name)).toEqual(['Array Person']);
  });

  it('names a broken line', () => {
    expect(() => parseFile(fixturePath('ftm-json/broken-line.ftm.json'))).toThrow(/broken-line\.ftm\.json: line 2: not valid JSON/);
  });

  it('needs a list, and refuses other formats', () => {
    const parseDoc = (name: string, body: string) => parseFtmJson(input({ format: 'ftm-json', list: 'US-OFAC-SDN' }, [textDoc(name, body)]));
    expect(() => parseFtmJson(input({ format: 'ftm-json' }, [fileDoc(fixturePath('ftm-json/parties.ftm.json'))]))).toThrow(/needs a "list"/);
    expect(() => parseFile(rawPath('ofac_sdn/2024-05-03/sdn.csv'))).toThrow(/not JSON/);
    expect(() => parseFile(rawPath('nsfreg_restricted_entities_2026-07/bis_meu.json'))).toThrow(/line 1: not valid JSON|not a FollowTheMoney entity/);
    expect(() => parseDoc('page.html', '<!doctype html><p>gone</p>')).toThrow(/looks like HTML/);
    expect(() => parseDoc('csl.json', '{"results": []}')).toThrow(/line 1: not a FollowTheMoney entity/);
    expect(() => parseDoc('only-sanctions.json', '{"id":"s1","schema":"Sanction","properties":{"entity":["x"]}}')).toThrow(/no party entities .*schemata: Sanction/);
    expect(() => parseDoc('op.json', '{"op":"PATCH","entity":{}}')).toThrow(/unknown delta op "PATCH"/);
    expect(() => parseDoc('blank.json', '\n\n')).toThrow(/empty/);
  });
});
