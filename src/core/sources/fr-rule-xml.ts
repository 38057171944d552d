/**
 * `fr-rule-xml`: a Federal Register rule's full-text XML (GPO FR-XML `<RULE>`, the document's
 * `full_text_xml_url` on federalregister.gov) that adds entries to the Entity List: early warning, the day
 * the rule is published, before the Consolidated Screening List carries the entries.
 *
 * - Entries: the rows of the amended Supplement No. 4 table (`<GPOTABLE>`): a row whose first cell has
 *   I="01" names the country of the rows after it; a row with an entity cell and the licence cells is an
 *   entry; a row with only an entity cell continues the entry above (more addresses); rows of stars are
 *   elisions. One record per entry (an entity listed under three countries is three entries, as on the list).
 * - Entity cell: "Name, a.k.a., the following N aliases:" then `<LI>—alias</LI>` items, then address
 *   `<LI>`s ("; and" separates several addresses in one item). A cell without "a.k.a." names no alias.
 * - Citation: "<volume> FR <page>": the volume from the table's citation cell ("88 FR [INSERT FR PAGE NUMBER
 *   AND 2/27/2023]", the placeholder a rule prints), the page from the first `<PRTPAGE>` of the document
 *   (12171 for FR Doc. 2023-03929: the page the Entity List cites for these entries, "88 FR 12171, 2/27/23").
 *   A cell holding a real citation ("88 FR 12171, 2/27/2023") is used as it is.
 * - Dates: publication from the citation cell's date, effective from `<EFFDATE>` ("This rule is effective
 *   February 24, 2023."). `since` is the effective date (the publication date when the rule states none),
 *   and `since_kind` says which; notes say "Published in the Federal Register on ..., effective on ...".
 * - Licence requirement and review policy go to notes; footnote markers (`<SU>3</SU>`) are split off into
 *   `footnotes`, explained by the rule's own sentences ("A footnote 3 designation subjects these entities
 *   to ...") where it has them.
 * - Key: stableKey(list, keyName(name), country, FR document number or citation).
 */
import type { ListCode } from '../lists';
import type { DesignationInput, NameEntry, SourceRecordInput } from '../model';
import { countryCode, decodeText, finalizeRecords, isoDate, keepLists, keyName, stableKey } from './common';
import { ParseError, type FetchedDocument, type Parser } from './types';
import { childElements, descendants, parseXmlTree, textOf, type XmlElement } from './xml-tree';

const FORMAT = 'fr-rule-xml';
const AND = '\u0001';

interface RuleFacts {
  doc?: string;
  volume?: string;
  firstPage?: string;
  published?: string;
  effective?: string;
  /** Footnote number -> the rule's sentence explaining it. */
  footnotes: Map<string, string>;
  /** From the index that found the rule (fr-rules): its page, title and the document's own citation. */
  url?: string;
  title?: string;
  docCitation?: string;
}

/**
 * What the Federal Register API says of a rule (sources/fr-api.ts), which wins over what the XML implies:
 * the publication and effective dates, the document's page and citation.
 */
export interface RuleOverrides {
  doc?: string;
  published?: string;
  effective?: string;
  url?: string;
  title?: string;
  citation?: string;
}

/** Text with the italic "and" that joins list items as a marker. */
const andMarked = (el: XmlElement) => (el.name === 'E' && textOf(el) === 'and' ? AND : undefined);

function ruleFacts(root: XmlElement): RuleFacts {
  const facts: RuleFacts = { footnotes: new Map() };
  const effText = descendants(root, 'EFFDATE').map((e) => textOf(e)).join(' ');
  const eff = effText.match(/effective\s+(?:on\s+)?([A-Z][a-z]+\.?\s+\d{1,2},\s+\d{4})/);
  facts.effective = isoDate(eff?.[1]);
  facts.doc = descendants(root, 'FRDOC').map((e) => textOf(e)).join(' ').match(/FR Doc\.?\s*(\d{4}-\d+)/)?.[1];
  facts.firstPage = descendants(root, 'PRTPAGE')[0]?.attrs.P;
  for (const ent of descendants(root, 'ENT')) {
    const m = textOf(ent).match(/^(\d+)\s+FR\s+\[INSERT FR PAGE NUMBER AND (\d{1,2}\/\d{1,2}\/\d{4})\]/i);
    if (m) {
      facts.volume = m[1];
      facts.published = isoDate(m[2]);
      break;
    }
  }
  for (const sup of descendants(root, 'SUPLINF')) {
    for (const sentence of textOf(sup).split(/(?<=\.)\s+(?=[A-Z])/)) {
      const m = sentence.match(/^A footnote (\d+) designation subjects .+/);
      if (m && !facts.footnotes.has(m[1]!)) facts.footnotes.set(m[1]!, sentence);
    }
  }
  return facts;
}

/** "CHINA, PEOPLE'S REPUBLIC OF" -> CN; names as printed otherwise. */
function countryOf(text: string): string {
  const reordered = text.replace(/^(.+?),\s*(.+\bOF)$/i, '$2 $1');
  return countryCode(reordered) ?? countryCode(text) ?? text;
}

const ABBREVIATION_END = /(?:\b(?:[A-Z]\.){2,}|\b(?:Ltd|Inc|Co|Corp|Pte|Pvt|Ltda|Bhd|Jr|St|No)\.)$/i;

function cleanName(text: string): string {
  let s = text.replace(AND, ' ').replace(/^[—–-]\s*/, '').trim();
  s = s.replace(/[;,]\s*(?:and)?\s*$/i, '').trim();
  if (s.endsWith('.') && !ABBREVIATION_END.test(s)) s = s.slice(0, -1).trim();
  return s;
}

function splitAddresses(text: string): string[] {
  return text
    .split(new RegExp(`;?\\s*${AND}\\s*`))
    .map((a) => a.replace(/\s+/g, ' ').replace(/;\s*$/, '').trim())
    .filter(Boolean);
}

interface EntityCell {
  name: string;
  aliases: string[];
  addresses: string[];
}

function entityCell(cell: XmlElement): EntityCell | undefined {
  const firstLi = cell.children.findIndex((c) => typeof c !== 'string' && c.name === 'LI');
  const head = textOf({ ...cell, children: firstLi < 0 ? cell.children : cell.children.slice(0, firstLi) }, andMarked);
  if (!head || /^[*\s]+$/.test(head)) return undefined;
  const aliases: string[] = [];
  const addresses: string[] = [];
  const aka = head.match(/^(.*?),?\s+a\.k\.a\.,?\s*(.*)$/i);
  const name = cleanName(aka ? aka[1]! : head);
  if (aka && aka[2] && !/^the following\b/i.test(aka[2])) aliases.push(cleanName(aka[2]));
  for (const li of childElements(cell, 'LI')) {
    const text = textOf(li, andMarked);
    if (/^[—–]/.test(text)) aliases.push(cleanName(text));
    else addresses.push(...splitAddresses(text));
  }
  return { name, aliases: aliases.filter(Boolean), addresses };
}

/** The cell's text and its footnote numbers (`<SU>3</SU>`), split apart. */
function footnoted(cell: XmlElement | undefined): { text?: string; footnotes: string[] } {
  if (!cell) return { footnotes: [] };
  const footnotes: string[] = [];
  const text = textOf(cell, (el) => {
    if (el.name !== 'SU') return undefined;
    const n = textOf(el);
    if (!/^\d+$/.test(n)) return undefined;
    if (!footnotes.includes(n)) footnotes.push(n);
    return '';
  }).replace(/\s+,/g, ',');
  return { text: text || undefined, footnotes };
}

function citationOf(cell: XmlElement | undefined, facts: RuleFacts): string | undefined {
  const text = cell ? textOf(cell) : '';
  const real = text.match(/^(\d+\s+FR\s+\d+)/);
  if (real) return real[1];
  if (facts.volume && facts.firstPage) return `${facts.volume} FR ${facts.firstPage}`;
  if (facts.docCitation) return facts.docCitation;
  return facts.doc ? `FR Doc. ${facts.doc}` : undefined;
}

/** The entries a rule adds or revises, one record each; throws ParseError when it has none. */
export function ruleRecords(doc: FetchedDocument, list: ListCode, overrides: RuleOverrides = {}): SourceRecordInput[] {
  const text = decodeText(doc);
  if (!text.trimStart().startsWith('<')) throw new ParseError(`${doc.name}: not XML, expected a Federal Register rule (${FORMAT})`);
  const root = parseXmlTree(text, doc.name);
  const rule = descendants(root, 'RULE')[0] ?? (root.children.find((c) => typeof c !== 'string' && c.name === 'RULE') as XmlElement | undefined);
  if (!rule) throw new ParseError(`${doc.name}: no <RULE> element: not a Federal Register rule document`);
  const facts = ruleFacts(rule);
  if (overrides.doc) facts.doc = overrides.doc;
  if (overrides.published) facts.published = overrides.published;
  if (overrides.effective) facts.effective = overrides.effective;
  if (overrides.url) facts.url = overrides.url;
  if (overrides.title) facts.title = overrides.title;
  if (overrides.citation) facts.docCitation = overrides.citation;
  const out: SourceRecordInput[] = [];
  let country: string | undefined;
  for (const table of descendants(rule, 'GPOTABLE')) {
    for (const row of childElements(table, 'ROW')) {
      const ents = childElements(row, 'ENT');
      if (!ents.length) continue;
      if (ents[0]!.attrs.I === '01') {
        country = textOf(ents[0]!);
        continue;
      }
      if (ents.length < 2 || textOf(ents[0]!) === 'Country') continue;
      const cell = entityCell(ents[1]!);
      if (!cell) continue;
      const previous = out[out.length - 1];
      if (ents.length < 3) {
        // An entity cell alone continues the entry above: more of its addresses.
        if (previous) previous.addresses = [...(previous.addresses ?? []), ...splitAddresses(textOf(ents[1]!, andMarked))];
        continue;
      }
      if (!country) throw new ParseError(`${doc.name}: entry "${cell.name}" comes before any country row`);
      out.push(entryRecord(cell, country, ents, facts, list));
    }
  }
  if (!out.length) throw new ParseError(`${doc.name}: the rule adds no Entity List entries (no entry rows in its tables)`);
  return out;
}

function entryRecord(cell: EntityCell, countryText: string, ents: XmlElement[], facts: RuleFacts, list: ListCode): SourceRecordInput {
  const country = countryOf(countryText);
  const licence = footnoted(ents[2]);
  const policy = footnoted(ents[3]);
  const footnotes = [...new Set([...licence.footnotes, ...policy.footnotes])];
  const citation = citationOf(ents[4], facts);
  const since = facts.effective ?? facts.published;
  const published = facts.published ? `Published in the Federal Register on ${facts.published}` : 'Published in the Federal Register';
  const notes = [
    `${published} (${[citation, facts.doc && `FR Doc. ${facts.doc}`].filter(Boolean).join(', ')})` +
      (facts.effective ? `, effective on ${facts.effective}.` : '.') +
      (since ? ` "Since" is the ${facts.effective ? 'effective' : 'publication'} date.` : ''),
    licence.text && `License requirement: ${licence.text}`,
    policy.text && `License review policy: ${policy.text}`,
    ...footnotes.map((n) => `Footnote ${n}: ${facts.footnotes.get(n) ?? 'not explained in this rule.'}`),
    facts.title && `Rule: ${facts.title}${facts.docCitation ? ` (${facts.docCitation})` : ''}.`,
  ].filter(Boolean);
  const names: NameEntry[] = [{ value: cell.name, kind: 'primary' }, ...cell.aliases.filter((a) => a !== cell.name).map((value) => ({ value, kind: 'alias' as const }))];
  const designation: DesignationInput = {
    list,
    status: 'active',
    since,
    since_kind: facts.effective ? 'effective' : facts.published ? 'published' : undefined,
    published: facts.published,
    effective: facts.effective,
    citation,
    url: facts.url ?? (facts.doc ? `https://www.federalregister.gov/d/${facts.doc}` : undefined),
    authority: 'Bureau of Industry and Security',
    footnotes: footnotes.length ? footnotes : undefined,
    notes: notes.join('\n'),
  };
  return {
    key: stableKey(list, keyName(cell.name), country, facts.doc ?? citation),
    name: cell.name,
    type: 'entity',
    names,
    countries: [country],
    addresses: cell.addresses,
    designations: [designation],
  };
}

export const parseFrRuleXml: Parser = ({ source, documents }) => {
  if (!documents.length) throw new ParseError(`${source.id}: no document to parse`);
  const list = source.list ?? 'US-BIS-EL';
  const raw = documents.flatMap((doc) => ruleRecords(doc, list));
  return keepLists(finalizeRecords(raw, documents.map((d) => d.name).join(', ')), source.lists);
};
