import { describe, expect, it } from 'vitest';
import type { SourceRecord } from '../../../src/core/model';
import { footnoteLines, splitFootnotes } from '../../../src/core/sources/el-footnotes';
import { parseEntitiesJson } from '../../../src/core/sources/entities-json';
import { fileDoc, input } from '../../helpers/docs';
import { rawPath } from '../../helpers/shared';

describe('Entity List footnotes', () => {
  it('splits the stray digits off the licence text', () => {
    expect(splitFootnotes('For all items subject to the EAR. (See §§ 734.9(g),3 744.21(b), and 746.8(a)(3) of the EAR)')).toEqual({
      text: 'For all items subject to the EAR. (See §§ 734.9(g), 744.21(b), and 746.8(a)(3) of the EAR)',
      footnotes: ['3'],
    });
    expect(splitFootnotes('For all items subject to the EAR. (See §§ 734.9(e)(2) and 744.11 of the EAR) 4')).toEqual({
      text: 'For all items subject to the EAR. (See §§ 734.9(e)(2) and 744.11 of the EAR)',
      footnotes: ['4'],
    });
    // Section numbers and paragraph digits are not footnotes; text without § is left alone.
    expect(splitFootnotes('(See §§ 746.8(a)(3) and 744.21(b) of the EAR)').footnotes).toEqual([]);
    expect(splitFootnotes('Seized in 2021 3').footnotes).toEqual([]);
  });

  it('explains footnote 3 from the rule that uses it, and says only what the text cites for the others', () => {
    expect(footnoteLines(['3'], '')[0]).toMatch(/^Footnote 3: subjects the entity to the Russia\/Belarus-Military End User Foreign Direct Product \(FDP\) rule.*FR Doc\. 2023-03929/);
    expect(footnoteLines(['4'], '(See §§ 734.9(e)(2) and 744.11 of the EAR)')[0]).toBe(
      'Footnote 4: subjects the entity to the Entity List foreign direct product (FDP) rule, § 734.9(e)(2) of the EAR (EAR § 734.9(e), cited by the licence requirement of every footnote 4 entry).',
    );
    expect(footnoteLines(['5'], '(See §§ 734.4(a)(9), 734.9(e)(3), and 744.11 of the EAR)')[0]).toMatch(/^Footnote 5: .*FDP\) rule, § 734\.9\(e\)\(3\)/);
    // Where the entry does not cite the paragraph the explanation rests on, only what it cites is said.
    expect(footnoteLines(['4'], '(See § 744.11 of the EAR)')[0]).toBe(
      'Footnote 4 of the Entity List (Supplement No. 4 to part 744 of the EAR): not explained by the data at hand; the licence requirement cites §§ 744.11.',
    );
    expect(footnoteLines(['7'], '(See § 744.11 of the EAR)')[0]).toMatch(/^Footnote 7 of the Entity List .*not explained/);
  });

  it('on the real Entity List: no licence text ends in a stray digit, and the footnotes are kept apart', () => {
    const records: SourceRecord[] = parseEntitiesJson(input({ format: 'entities-json', list: 'US-BIS-EL' }, [fileDoc(rawPath('nsfreg_restricted_entities_2026-07/bis_entity_list.json'))]));
    const withFootnotes = records.filter((r) => r.designations[0]!.footnotes?.length);
    expect(withFootnotes.length).toBeGreaterThan(800);
    for (const r of records) {
      const licence = r.designations[0]!.notes?.split('\n')[0] ?? '';
      expect(licence).not.toMatch(/\)\s*\d\s*$|\(g\),?\d/);
    }
    const cpunto = records.find((r) => r.name === 'CPUNTO Inc.')!.designations[0]!;
    expect(cpunto).toMatchObject({ footnotes: ['3'], since: '2023-02-27', since_kind: 'published', citation: '88 FR 12171' });
    expect(cpunto.notes).toContain('Footnote 3: subjects the entity to the Russia/Belarus-Military End User Foreign Direct Product (FDP) rule');
    const four = records.find((r) => r.designations[0]!.footnotes?.includes('4'))!.designations[0]!;
    expect(four.notes).toContain('Footnote 4: subjects the entity to the Entity List foreign direct product (FDP) rule, § 734.9(e)(2) of the EAR');
  });
});
