import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { lookup } from '../../../src/core/lookup';
import { refreshSources } from '../../../src/core/refresh';
import type { SourceConfig } from '../../../src/core/sources/config';
import { openDb, type Db } from '../../../src/core/store/db';
import { currentDb } from '../../helpers/current';
import { tempDir } from '../../helpers/tmp';

describe('parties from small hand-made sources', () => {
  const dir = tempDir();
  let db: Db;
  const source = (id: string, list: string, entities: object[]): SourceConfig => {
    const location = join(dir, `${id}.json`);
    writeFileSync(location, JSON.stringify({ entities }));
    return { id, format: 'entities-json', list: list as SourceConfig['list'], location };
  };
  const partyOf = (name: string) => db.prepare<[string], { party_id: number }>('SELECT party_id FROM records WHERE name = ?').all(name).map((r) => r.party_id);

  beforeAll(async () => {
    db = openDb(join(dir, 'p.db'));
    await refreshSources(db, [
      source('el', 'US-BIS-EL', [
        { name: 'Zhongxin Precision Optics Co., Ltd.', aliases: ['ZPO'], country: 'China', federal_register: '90 FR 1, 1/2/25' },
        { name: 'Anvik Technologies Sdn. Bhd.', aliases: ['Hudson Technologies, Ltd.'], country: 'Malaysia', federal_register: '90 FR 2, 1/2/25' },
        { name: 'Parent Holdings Ltd.', aliases: ['Brandco'], country: 'China', federal_register: '90 FR 3, 1/2/25' },
        { name: 'Wang Wei', country: 'China', federal_register: '90 FR 4, 1/2/25', type: 'individual' },
        { name: 'Zeta Vision Technology', country: 'China', federal_register: '90 FR 5, 1/2/25' },
      ]),
      source('cmic', 'US-OFAC-CMIC', [
        { id: 'c1', name: 'ZHONGXIN PRECISION OPTICS COMPANY LIMITED', country: 'China' },
        { id: 'c2', name: 'Brandco Subsidiary Ltd.', aliases: ['Brandco'], country: 'China' },
        { id: 'c3', name: 'WANG Wei', country: 'Singapore', type: 'individual' },
        { id: 'c4', name: 'Gamma Mobile Communications Group Co., Ltd.', aliases: ['China Gamma'], country: 'China' },
      ]),
      source('dod', 'US-DOD-1260H', [
        { name: 'Hunan Zeta Vision Technology Co., Ltd.', aliases: ['Zeta Vision'] },
        { name: 'Chengdu Zeta Vision Wisdom Technology Co., Ltd.' },
        { name: 'China Gamma (Hong Kong) Limited', aliases: ['China Gamma'] },
      ]),
      source('sdn', 'US-OFAC-SDN', [
        { id: 's1', name: 'Northern Liberation Front', aliases: ['NLF'] },
        { id: 's2', name: 'Northern Liberation Front', aliases: ['FLN'] },
      ]),
      source('cn', 'CN-MOFCOM-UEL', [
        { name: 'Hudson Technologies Co.', country: 'United States', effective_date: '2023-02-16' },
        { name: 'Skydio Inc.', country: 'United States', effective_date: '2023-02-16' },
        { name: 'Vantor Systems', effective_date: '2023-02-16' },
        { name: 'Vantor Systems', effective_date: '2024-05-20' },
      ]),
      source('cn2', 'CN-MOFCOM-ECL', [{ name: 'Skydio Inc.', country: 'United States', effective_date: '2024-10-10' }]),
    ]);
  });

  it('joins the same company on two lists by its name, legal forms aside', () => {
    const [a, b] = [...partyOf('Zhongxin Precision Optics Co., Ltd.'), ...partyOf('ZHONGXIN PRECISION OPTICS COMPANY LIMITED')];
    expect(a).toBe(b);
    const [result] = lookup(db, 'Zhongxin Precision Optics').results;
    expect(result!.designations.map((d) => d.list).sort()).toEqual(['US-BIS-EL', 'US-OFAC-CMIC']);
    expect(result!.id).toBe(`p${a}`);
  });

  it('joins records whose primary names are the same', () => {
    expect(new Set([...partyOf('Skydio Inc.')]).size).toBe(1);
  });

  it('does not join on a shared one-word brand alias (parent and subsidiary are two parties)', () => {
    expect(partyOf('Parent Holdings Ltd.')[0]).not.toBe(partyOf('Brandco Subsidiary Ltd.')[0]);
  });

  it('does not join parties of different countries that share an alias', () => {
    expect(partyOf('Anvik Technologies Sdn. Bhd.')[0]).not.toBe(partyOf('Hudson Technologies Co.')[0]);
  });

  it('does not join two undated entries of one source that share a name and no country (two parties of one name)', () => {
    const [a, b] = partyOf('Northern Liberation Front');
    expect(a).not.toBe(b);
  });

  it('joins the entries of one party that a source repeats per announcement', () => {
    expect(new Set(partyOf('Vantor Systems')).size).toBe(1);
  });

  it('joins a full name written with a place and its short name to the list that names the party by its short form', () => {
    expect(partyOf('Hunan Zeta Vision Technology Co., Ltd.')[0]).toBe(partyOf('Zeta Vision Technology')[0]);
    expect(partyOf('Chengdu Zeta Vision Wisdom Technology Co., Ltd.')[0]).not.toBe(partyOf('Zeta Vision Technology')[0]);
  });

  it('does not join on an alias made of a place and one word', () => {
    expect(partyOf('Gamma Mobile Communications Group Co., Ltd.')[0]).not.toBe(partyOf('China Gamma (Hong Kong) Limited')[0]);
  });

  it('does not join two people of the same name from different countries', () => {
    expect(partyOf('Wang Wei')[0]).not.toBe(partyOf('WANG Wei')[0]);
  });
});

describe('parties over the current dataset', () => {
  const db = currentDb();

  it('groups the Entity List, NS-CMIC and 1260H records of DJI into one party', () => {
    const dji = lookup(db, 'SZ DJI Technology Co., Ltd.').results[0]!;
    expect(new Set(dji.designations.map((d) => d.list))).toEqual(new Set(['US-BIS-EL', 'US-OFAC-CMIC', 'US-DOD-1260H']));
  });

  it('joins records that share a Unified Social Credit Code', () => {
    const rows = db
      .prepare<[], { party_id: number; n: number }>(
        `SELECT r.party_id, COUNT(DISTINCT r.id) AS n FROM records r, json_each(r.payload, '$.identifiers') i
          WHERE json_extract(i.value, '$.type') LIKE '%USCC%' GROUP BY json_extract(i.value, '$.value') HAVING COUNT(DISTINCT r.party_id) > 1`,
      )
      .all();
    expect(rows).toEqual([]);
  });

  it('keeps parties small: no party gathers more than a dozen records', () => {
    const biggest = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM records GROUP BY party_id ORDER BY n DESC LIMIT 1').get()!;
    expect(biggest.n).toBeLessThanOrEqual(12);
  });
});
