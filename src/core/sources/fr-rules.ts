/**
 * `fr-rules`: the Entity List rules BIS publishes in the Federal Register, found through the Federal
 * Register API (a discovering source: sources/discover.ts with the reader of sources/fr-api.ts) and read
 * with the `fr-rule-xml` logic: early warning, the day a rule is published, before the Consolidated
 * Screening List carries its entries.
 *
 * - Every archived rule is parsed each time (the snapshot is cumulative: every rule found so far), so this
 *   source never removes an entry by itself; the CSL decides when an entry ends (designation-fr.ts).
 * - What the API said of a rule (archived with it) wins over what the XML implies: publication date,
 *   effective date, the rule's page (`html_url`) and the document's citation. The entry's citation stays the
 *   page the table is printed on when the XML gives it ("88 FR 12171", as the Entity List cites it).
 * - A rule that yields no entry (a revision printed as prose, a document that is not a rule) is a parse
 *   warning naming the rule, never dropped silently, and never a failure of the other rules. Only when no
 *   rule yields anything is the snapshot refused (with every reason).
 */
import { finalizeRecords, keepLists } from './common';
import { frMetaOf } from './fr-api';
import { ruleRecords } from './fr-rule-xml';
import { ParseError, withParseWarnings, type Parser } from './types';
import type { SourceRecordInput } from '../model';

export const parseFrRules: Parser = ({ source, documents }) => {
  if (!documents.length) throw new ParseError(`${source.id}: no Federal Register rule found yet`);
  const list = source.list ?? 'US-BIS-EL';
  const warnings: string[] = [];
  const raw: SourceRecordInput[] = [];
  for (const doc of documents) {
    const meta = frMetaOf(doc);
    const label = meta.document_number ? `FR Doc. ${meta.document_number} (${doc.name})` : doc.name;
    try {
      raw.push(
        ...ruleRecords(doc, list, {
          doc: meta.document_number,
          published: meta.publication_date,
          effective: meta.effective_on,
          url: meta.html_url,
          title: meta.title,
          citation: meta.citation,
        }),
      );
    } catch (err) {
      if (!(err instanceof ParseError)) throw err;
      warnings.push(`${label}: no Entity List entry read: ${err.message}`);
    }
  }
  if (!raw.length) throw new ParseError(`${source.id}: no archived rule yields an Entity List entry: ${warnings.join('; ')}`);
  const records = keepLists(finalizeRecords(raw, `${source.id} (Federal Register rules)`), source.lists);
  return withParseWarnings(records, warnings);
};
