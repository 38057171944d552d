import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { refreshSources } from '../../../src/core/refresh';
import type { SourceRecord } from '../../../src/core/model';
import { countryCode } from '../../../src/core/sources/common';
import { parseFrRuleXml } from '../../../src/core/sources/fr-rule-xml';
import type { SourceConfig } from '../../../src/core/sources/config';
import { ParseError } from '../../../src/core/sources/types';
import { openDb } from '../../../src/core/store/db';
import { fileDoc, input, textDoc } from '../../helpers/docs';
import { rawPath } from '../../helpers/shared';
import { tempDir } from '../../helpers/tmp';

const RULE = rawPath('bis_entity_list/federal_register_rule_2023-03929/2023-03929.xml');
const parse = (): SourceRecord[] => parseFrRuleXml(input({ format: 'fr-rule-xml' }, [fileDoc(RULE)]));
const aliases = (r: SourceRecord) => r.names.filter((n) => n.kind === 'alias').map((n) => n.value);

describe('fr-rule-xml on the real rule FR Doc. 2023-03929 (Additions of Entities to the Entity List)', () => {
  const records = parse();
  const byName = (name: string, country: string) => records.find((r) => r.name === name && r.countries[0] === country)!;

  it('yields its 13 entries under 6 countries, as the summary counts them', () => {
    expect(records).toHaveLength(13);
    const counts: Record<string, number> = {};
    for (const r of records) counts[r.countries[0]!] = (counts[r.countries[0]!] ?? 0) + 1;
    expect(counts).toEqual({ CA: 2, CN: 5, FR: 1, LU: 1, NL: 1, RU: 3 });
    expect(records.map((r) => r.name)).toEqual([
      'CPUNTO Inc.',
      'Electronic Network Inc.',
      'AOOK Technology Ltd.',
      'Beijing Ti-Tech Science and Technology Development Co.',
      'Beijing Yunze Technology Co., Ltd.',
      'China HEAD Aerospace Technology Co.',
      'Spacety Co., Ltd.',
      'China HEAD Aerospace Technology Co.',
      'Spacety Co., Ltd.',
      'China HEAD Aerospace Technology Co.',
      'Dexias Industrial Products and Trade Limited Company',
      'Innovation and Technologies LLC',
      'Promtekhkomplekt JSC',
    ]);
    expect(new Set(records.map((r) => r.key)).size).toBe(13);
  });

  it('reads the aliases of the "—" lists, and the addresses, including those of a continuation row', () => {
    expect(aliases(byName('CPUNTO Inc.', 'CA'))).toEqual(['CPUNTO']);
    expect(aliases(byName('Electronic Network Inc.', 'CA'))).toEqual([
      'Electronic Network',
      'Electronic Network Holdings',
      'Electronic Network Holdings Inc.',
      'Electronic Network Incorporated',
      'Electronic Network Products Inc.',
      "Electronic's Network & Technology Corp.",
    ]);
    expect(aliases(byName('Spacety Co., Ltd.', 'LU'))).toContain('Spacety Luxembourg S.A.');
    expect(byName('Electronic Network Inc.', 'CA').addresses).toEqual(['145 Montee De Liesse Ste 10 St. Laurent, Quebec H4T 1T9 Canada.']);
    expect(byName('Beijing Yunze Technology Co., Ltd.', 'CN').addresses).toHaveLength(3);
    expect(byName('Spacety Co., Ltd.', 'CN').addresses[1]).toMatch(/^Room 445, 9th Floor, Block B/);
    expect(byName('China HEAD Aerospace Technology Co.', 'CN').addresses).toHaveLength(3);
  });

  it('records each entry as published, effective on 2023-02-24, with its FR citation and footnote 3 explained', () => {
    for (const r of records) {
      expect(r.type).toBe('entity');
      expect(r.designations).toHaveLength(1);
      const d = r.designations[0]!;
      expect(d).toMatchObject({
        list: 'US-BIS-EL',
        status: 'active',
        since: '2023-02-24',
        since_kind: 'effective',
        effective: '2023-02-24',
        published: '2023-02-27',
        citation: '88 FR 12171',
        url: 'https://www.federalregister.gov/d/2023-03929',
        authority: 'Bureau of Industry and Security',
        footnotes: ['3'],
      });
      expect(d.notes).toMatch(/^Published in the Federal Register on 2023-02-27 \(88 FR 12171, FR Doc\. 2023-03929\), effective on 2023-02-24\./);
      expect(d.notes).toMatch(/License requirement: For all items subject to the EAR\.? \(See §§ 734\.9\(g\), (744\.21\(b\)|746\.8\(a\)\(3\))/);
      expect(d.notes).not.toMatch(/\(g\),\s*3/);
      expect(d.notes).toContain('Footnote 3: A footnote 3 designation subjects these entities to the Russia/Belarus-Military End User Foreign Direct Product (FDP) rule');
    }
  });

  it('refuses what is not a rule, and a cut document', () => {
    expect(() => parseFrRuleXml(input({ format: 'fr-rule-xml' }, [textDoc('x.json', '{"a":1}')]))).toThrow(ParseError);
    expect(() => parseFrRuleXml(input({ format: 'fr-rule-xml' }, [textDoc('n.xml', '<NOTICE><P>x</P></NOTICE>')]))).toThrow(/n\.xml: no <RULE>/);
    const text = readFileSync(RULE, 'utf8');
    expect(() => parseFrRuleXml(input({ format: 'fr-rule-xml' }, [textDoc('cut.xml', text.slice(0, text.length / 2))]))).toThrow(/cut\.xml: not well-formed XML/);
  });

  it('maps France to FR (no longer the retired FX), and the other retired codes to current ones', () => {
    expect(countryCode('France')).toBe('FR');
    expect(countryCode('Burkina Faso')).toBe('BF');
    expect(countryCode('Serbia')).toBe('RS');
    expect(countryCode('Benin')).toBe('BJ');
  });
});

describe('the FR rule beside the Entity List that lists the same entries', () => {
  const dir = tempDir();

  it('groups an FR rule entry and the list entry of the same name and country into one party', async () => {
    // The shared Entity List (nsfreg, 2026-07) carries the rule's entries: keep those and a few others.
    const el = JSON.parse(readFileSync(rawPath('nsfreg_restricted_entities_2026-07/bis_entity_list.json'), 'utf8')) as { entities: Array<{ name: string; federal_register: string | null }> };
    const entities = el.entities.filter((e, i) => (e.federal_register ?? '').includes('88 FR 12171') || i < 20);
    expect(entities.filter((e) => e.name === 'CPUNTO Inc.')).toHaveLength(1);
    const elFile = join(dir, 'el.json');
    writeFileSync(elFile, JSON.stringify({ entities }));
    const db = openDb(join(dir, 'fr.db'));
    const sources: SourceConfig[] = [
      { id: 'us-bis-el-fr', format: 'fr-rule-xml', location: RULE },
      { id: 'us-bis-el', format: 'entities-json', list: 'US-BIS-EL', location: elFile },
    ];
    const results = await refreshSources(db, sources);
    expect(results.map((r) => r.outcome)).toEqual(['applied', 'applied']);
    const parties = (name: string) =>
      db.prepare<[string], { source_id: string; party_id: number }>('SELECT source_id, party_id FROM records WHERE name = ? ORDER BY source_id').all(name);
    for (const name of ['CPUNTO Inc.', 'Beijing Yunze Technology Co., Ltd.', 'Innovation and Technologies LLC']) {
      const rows = parties(name);
      expect(rows.map((r) => r.source_id)).toEqual(['us-bis-el', 'us-bis-el-fr']);
      expect(new Set(rows.map((r) => r.party_id)).size).toBe(1);
    }
    db.close();
  });
});
