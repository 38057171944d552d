/**
 * OFAC from its Enhanced XML, end to end: a config over the real CONS_ENHANCED.XML refreshed into a database
 * (NS-CMIC designations carry dates and programs), an SDN_ENHANCED.XML-shaped file built from it (no real SDN
 * Enhanced file is available), and the shipped data/sources.json taking both OFAC sources from the XML.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdnShaped } from '../../../bench/lib/ofac-xml';
import { lookup } from '../../../src/core/lookup';
import { refreshSources } from '../../../src/core/refresh';
import { loadSourcesFile } from '../../../src/core/sources/config';
import { parseOfacEnhancedXml } from '../../../src/core/sources/ofac-enhanced-xml';
import { ParseError } from '../../../src/core/sources/types';
import { openDb, type Db } from '../../../src/core/store/db';
import { input, textDoc } from '../../helpers/docs';
import { rawPath, REPO_ROOT } from '../../helpers/shared';
import { tempDir } from '../../helpers/tmp';

const CONS_XML = rawPath('ofac_consolidated_non_sdn/2025-01-10_enhanced_xml/CONS_ENHANCED.XML');
const EXPORTS = 'https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/';

describe('NS-CMIC designations carry dates and programs (config over the real CONS_ENHANCED.XML, refreshed)', () => {
  const dir = tempDir('ofac-cons-');
  let db: Db;
  beforeAll(async () => {
    const config = {
      sources: [
        {
          id: 'us-ofac-cons',
          format: 'ofac-enhanced-xml',
          lists: ['US-OFAC-CMIC', 'US-OFAC-SSI', 'US-OFAC-PLC', 'US-OFAC-MBS', 'US-OFAC-CAPTA', 'US-OFAC-FSE'],
          location: CONS_XML,
        },
      ],
    };
    writeFileSync(join(dir, 'sources.json'), JSON.stringify(config));
    db = openDb(join(dir, 'cons.db'));
    const [result] = await refreshSources(db, loadSourcesFile(join(dir, 'sources.json')));
    expect(result!.outcome, result!.message).toBe('applied');
  });
  afterAll(() => db.close());

  it('every one of the 68 CMIC designations in the store has a since date, programs and a citation', () => {
    const rows = db
      .prepare<[], { since: string | null; programs: string; citation: string | null }>("SELECT since, programs, citation FROM designations WHERE list = 'US-OFAC-CMIC'")
      .all();
    expect(rows).toHaveLength(68);
    expect(rows.filter((r) => !r.since || !/^\d{4}-\d{2}-\d{2}$/.test(r.since))).toEqual([]);
    expect(rows.filter((r) => !(JSON.parse(r.programs) as string[]).includes('CMIC-EO13959'))).toEqual([]);
    expect(rows.filter((r) => !r.citation)).toEqual([]);
    // every designation of every list, not only CMIC, has its publication date
    expect(db.prepare<[], { n: number }>('SELECT count(*) AS n FROM designations WHERE since IS NULL').get()!.n).toBe(0);
  });

  it('lookup shows DJI on NS-CMIC since its listing date, with program, citation and Chinese name', () => {
    const top = lookup(db, '深圳市大疆创新科技有限公司').results[0]!;
    expect(top.name).toBe('SZ DJI TECHNOLOGY CO., LTD.');
    expect(top.designations).toMatchObject([{ list: 'US-OFAC-CMIC', since: '2021-12-16', programs: ['CMIC-EO13959'], citation: 'Executive Order 14032 (CMIC)' }]);
  });
});

describe('an SDN_ENHANCED.XML-shaped file (the SDN entities of the real CONS file, SDN List only)', () => {
  const dir = tempDir('ofac-sdn-');
  const file = join(dir, 'SDN_ENHANCED.XML');
  writeFileSync(file, sdnShaped(CONS_XML));
  const parse = () => parseOfacEnhancedXml(input({ format: 'ofac-enhanced-xml', list: 'US-OFAC-SDN', lists: ['US-OFAC-SDN'] }, [textDoc(file, readFileSync(file))]));

  it('gives every SDN designation its publication date, programs and legal authority', () => {
    const records = parse();
    expect(records).toHaveLength(77);
    const sdn = records.map((r) => r.designations);
    expect(sdn.every((ds) => ds.length === 1 && ds[0]!.list === 'US-OFAC-SDN')).toBe(true);
    expect(sdn.flat().filter((d) => !d.since || !d.programs.length || !d.citation)).toEqual([]);
    const vtb = records.find((r) => r.key === '17013')!;
    // with the SSI entry gone, the SDN designation takes every program and authority of the entity
    expect(vtb.designations).toMatchObject([
      { list: 'US-OFAC-SDN', since: '2022-02-24', programs: ['UKRAINE-EO13662', 'RUSSIA-EO14024'], citation: 'Executive Order 13662 (Ukraine); Executive Order 14024 (Russia)' },
    ]);
  });

  it('refuses the file cut in the middle of an entity, naming the file and the line', () => {
    const text = readFileSync(file, 'utf8');
    const cut = text.slice(0, Math.floor(text.length * 0.85));
    expect(() => parseOfacEnhancedXml(input({ format: 'ofac-enhanced-xml' }, [textDoc('SDN_ENHANCED.XML', cut)]))).toThrow(
      /^SDN_ENHANCED\.XML: not well-formed XML at line \d+, column \d+: /,
    );
  });

  it('names the file and the entity id of an entity that fails validation', () => {
    const [head, body] = readFileSync(file, 'utf8').split('<entities>');
    const bad = `${head}<entities>${body!.replace(/<sanctionsList ([^>]*)>SDN List</, '<sanctionsList $1>Some New List<')}`;
    let error: unknown;
    try {
      parseOfacEnhancedXml(input({ format: 'ofac-enhanced-xml' }, [textDoc('SDN_ENHANCED.XML', bad)]));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ParseError);
    expect((error as Error).message).toMatch(/^SDN_ENHANCED\.XML: entity \d+ "[^"]+": unknown sanctions list "Some New List"/);
  });
  it('validates each record with zod as it is read, naming the file and the entity id', () => {
    const long = '7'.repeat(600);
    const bad = readFileSync(file, 'utf8').replace(/<entity id="\d+">/, `<entity id="${long}">`);
    expect(() => parseOfacEnhancedXml(input({ format: 'ofac-enhanced-xml' }, [textDoc('SDN_ENHANCED.XML', bad)]))).toThrow(
      new RegExp(`^SDN_ENHANCED\\.XML: entity ${long} "[^"]+": key`),
    );
  });
});

describe('data/sources.json takes OFAC from the Enhanced XML', () => {
  const sources = loadSourcesFile(resolve(REPO_ROOT, 'data/sources.json'));

  it('SDN from SDN_ENHANCED.XML, the consolidated lists from CONS_ENHANCED.XML, public domain', () => {
    const sdn = sources.find((s) => s.id === 'us-ofac-sdn')!;
    const cons = sources.find((s) => s.id === 'us-ofac-cons')!;
    expect([sdn.format, sdn.location, sdn.lists]).toEqual(['ofac-enhanced-xml', `${EXPORTS}SDN_ENHANCED.XML`, ['US-OFAC-SDN']]);
    expect([cons.format, cons.location]).toEqual(['ofac-enhanced-xml', `${EXPORTS}CONS_ENHANCED.XML`]);
    expect(cons.lists).toEqual(['US-OFAC-CMIC', 'US-OFAC-SSI', 'US-OFAC-PLC', 'US-OFAC-MBS', 'US-OFAC-CAPTA', 'US-OFAC-FSE']);
    for (const s of [sdn, cons]) expect(s.licence).toMatch(/public domain/i);
  });
});
