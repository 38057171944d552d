import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { frMetaOf, frRuleLinks, relevantTitle } from '../../../src/core/sources/fr-api';
import { parseFrRules } from '../../../src/core/sources/fr-rules';
import { LINK_READERS } from '../../../src/core/sources/link-readers';
import { ParseError, parseWarnings } from '../../../src/core/sources/types';
import { input, textDoc } from '../../helpers/docs';
import { fixturePath, rawPath } from '../../helpers/shared';

const ANSWER = readFileSync(fixturePath('fr-api/entity-list-rules.json'));
const RULE = readFileSync(rawPath('bis_entity_list/federal_register_rule_2023-03929/2023-03929.xml'));
const META = {
  document_number: '2023-03929',
  title: 'Additions of Entities to the Entity List',
  publication_date: '2023-02-27',
  effective_on: '2023-02-24',
  // The document's own first page: the XML's first page break is to 12171, the page the entries are on.
  citation: '88 FR 12170',
  html_url: 'https://www.federalregister.gov/documents/2023/02/27/2023-03929/additions-of-entities-to-the-entity-list',
};

describe('fr-api: the Federal Register API answer as an index of Entity List rules', () => {
  it('links each rule to its full-text XML, with what the API says of it, and marks only additions/revisions relevant', () => {
    const links = frRuleLinks(textDoc('answer.json', ANSWER));
    expect(links.map((l) => [l.title, l.relevant])).toEqual([
      ['Additions of Entities to the Entity List', true],
      ['Removal of Certain Entities From the Entity List', false],
      ['Additions and Revisions to the Entity List', false], // no full-text XML yet: nothing to fetch
      ['Export Administration Regulations: Technical Corrections', false],
    ]);
    expect(links[0]).toEqual({
      url: 'https://www.federalregister.gov/documents/full_text/xml/2023/02/27/2023-03929.xml',
      title: 'Additions of Entities to the Entity List',
      date: '2023-02-27',
      relevant: true,
      meta: META,
    });
    expect(LINK_READERS['fr-rules']!(textDoc('answer.json', ANSWER), 'https://www.federalregister.gov/api/v1/documents.json')).toEqual(links);
  });

  it('reads titles the way BIS words them', () => {
    expect(relevantTitle('Entity List Additions; Revisions of Entries on the Entity List')).toBe(true);
    expect(relevantTitle('Addition of Entities to and Revision of Entry on the Entity List')).toBe(true);
    expect(relevantTitle('Additions to the Entity List and Removal of an Entity')).toBe(true);
    expect(relevantTitle('Removal of Certain Entities From the Entity List')).toBe(false);
    expect(relevantTitle('Revisions to the Export Administration Regulations: Additions of Items')).toBe(false);
  });

  it('refuses an answer of another shape, naming the field', () => {
    const bad = JSON.parse(ANSWER.toString('utf8')) as { results: Array<Record<string, unknown>> };
    delete bad.results[2]!.publication_date;
    expect(() => frRuleLinks(textDoc('a.json', JSON.stringify(bad)))).toThrow(/results\.2\.publication_date/);
    expect(() => frRuleLinks(textDoc('a.json', '{"count": "x"}'))).toThrow(/count/);
    expect(() => frRuleLinks(textDoc('a.json', '<html>busy</html>'))).toThrow(/not JSON/);
  });

  it('keeps only well-formed meta for the parser', () => {
    expect(frMetaOf({ meta: { ...META, effective_on: 'soon', citation: 7 } })).toEqual({
      document_number: '2023-03929',
      title: META.title,
      publication_date: '2023-02-27',
      html_url: META.html_url,
    });
    expect(frMetaOf({})).toEqual({});
  });
});

describe('fr-rules: every archived rule through the fr-rule-xml logic', () => {
  const doc = { ...textDoc('https://www.federalregister.gov/documents/full_text/xml/2023/02/27/2023-03929.xml', RULE), meta: META };

  it('records the 13 entries as published, effective on 2023-02-24, with the FR citation and the rule page', () => {
    const records = parseFrRules(input({ format: 'fr-rules', id: 'us-fr-entity-list' }, [doc]));
    expect(records).toHaveLength(13);
    expect(parseWarnings(records)).toEqual([]);
    for (const r of records) {
      expect(r.designations[0]).toMatchObject({
        list: 'US-BIS-EL',
        status: 'active',
        since: '2023-02-24',
        since_kind: 'effective',
        published: '2023-02-27',
        effective: '2023-02-24',
        citation: '88 FR 12171',
        url: META.html_url,
      });
      expect(r.designations[0]!.notes).toMatch(/^Published in the Federal Register on 2023-02-27 \(88 FR 12171, FR Doc\. 2023-03929\), effective on 2023-02-24\./);
      expect(r.designations[0]!.notes).toContain('Rule: Additions of Entities to the Entity List (88 FR 12170).');
    }
  });

  it('warns of a rule that yields no entry, keeping the others; refuses only when no rule yields any', () => {
    const empty = { ...textDoc('https://example.test/2099-00009.xml', '<RULE><PREAMB><SUBJECT>Revisions to the Entity List</SUBJECT></PREAMB></RULE>'), meta: { document_number: '2099-00009' } };
    const records = parseFrRules(input({ format: 'fr-rules' }, [doc, empty]));
    expect(records).toHaveLength(13);
    expect(parseWarnings(records)).toEqual([expect.stringMatching(/^FR Doc\. 2099-00009 \(https:\/\/example\.test\/2099-00009\.xml\): no Entity List entry read: .*adds no Entity List entries/)]);
    expect(() => parseFrRules(input({ format: 'fr-rules' }, [empty]))).toThrow(ParseError);
    expect(() => parseFrRules(input({ format: 'fr-rules' }, [empty]))).toThrow(/2099-00009/);
  });
});
