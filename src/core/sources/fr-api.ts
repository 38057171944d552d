/**
 * The Federal Register API (federalregister.gov/api/v1/documents.json) as an index of documents: a search
 * answer `{count, results: [...]}` in, the rules worth fetching out (sources/discover.ts fetches each
 * `full_text_xml_url` once and keeps it).
 *
 * - The answer is validated with zod; an answer of another shape fails the index with the field named
 *   (`results.3.full_text_xml_url: Required`), so that a changed API never looks like "nothing new".
 * - The API returns only the fields the query names (`fields[]=...`): the index URL must ask for
 *   document_number, title, type, publication_date, effective_on, citation, html_url and full_text_xml_url.
 * - A result is relevant when it is a rule and its title speaks of additions to or revisions of the Entity
 *   List. Removals alone, corrections of other parts of the EAR, and notices are counted, not fetched.
 *   (DoD's Section 1260H notices are NOTICEs with another XML shape: not read here yet.)
 * - A result without a full-text XML (older documents, or one not yet processed) is not fetchable: it is
 *   returned as not relevant, and named by the caller's count of skipped links.
 *
 * No network here: the fetch module fetches, this module reads what it fetched.
 */
import { z } from 'zod';
import { IsoDate } from '../model';
import { formatZodIssues } from './config';
import type { DiscoveredLink } from './discover';
import type { FetchedDocument } from './types';

const FrDocument = z
  .object({
    document_number: z.string().min(1),
    title: z.string().min(1),
    type: z.string().optional(),
    publication_date: IsoDate,
    effective_on: IsoDate.nullish(),
    citation: z.string().nullish(),
    html_url: z.string().url().nullish(),
    full_text_xml_url: z.string().url().nullish(),
  })
  .passthrough();
export type FrDocument = z.infer<typeof FrDocument>;

export const FrSearchAnswer = z
  .object({
    count: z.number().int().min(0),
    results: z.array(FrDocument).default([]),
  })
  .passthrough();

/** What the index keeps of a rule, archived with the document and handed to the parser (FetchedDocument.meta). */
export interface FrRuleMeta {
  document_number: string;
  title: string;
  publication_date: string;
  effective_on?: string;
  citation?: string;
  html_url?: string;
}

const ENTITY_LIST = /\bentity\s+list\b/i;
const ADDS_OR_REVISES = /\baddition|\badding\b|\brevision|\brevising\b|\bamendment/i;
/** The title speaks of additions to / revisions of the Entity List. */
export function relevantTitle(title: string): boolean {
  return ENTITY_LIST.test(title) && ADDS_OR_REVISES.test(title);
}

/** Read a Federal Register API search answer; throws naming the bad field. */
export function readFrAnswer(index: FetchedDocument): z.infer<typeof FrSearchAnswer> {
  let json: unknown;
  try {
    json = JSON.parse(index.body.toString('utf8'));
  } catch (err) {
    throw new Error(`not a Federal Register API answer: not JSON (${(err as Error).message})`, { cause: err });
  }
  const parsed = FrSearchAnswer.safeParse(json);
  if (!parsed.success) throw new Error(`not a Federal Register API answer: ${formatZodIssues(parsed.error)}`);
  return parsed.data;
}

/** The rules a Federal Register API answer lists: the link is the full-text XML, meta what the API says. */
export function frRuleLinks(index: FetchedDocument): DiscoveredLink[] {
  return readFrAnswer(index).results.map((doc) => {
    const meta: FrRuleMeta = {
      document_number: doc.document_number,
      title: doc.title,
      publication_date: doc.publication_date,
      ...(doc.effective_on ? { effective_on: doc.effective_on } : {}),
      ...(doc.citation ? { citation: doc.citation } : {}),
      ...(doc.html_url ? { html_url: doc.html_url } : {}),
    };
    const isRule = !doc.type || /^rule$/i.test(doc.type);
    return {
      url: doc.full_text_xml_url ?? doc.html_url ?? `https://www.federalregister.gov/d/${doc.document_number}`,
      title: doc.title,
      date: doc.publication_date,
      relevant: isRule && !!doc.full_text_xml_url && relevantTitle(doc.title),
      meta: { ...meta },
    };
  });
}

/** The FR meta archived with a document, when it has one (seed files have none). */
export function frMetaOf(doc: Pick<FetchedDocument, 'meta'>): Partial<FrRuleMeta> {
  const m = doc.meta ?? {};
  const str = (k: string) => (typeof m[k] === 'string' && m[k] ? (m[k] as string) : undefined);
  const date = (k: string) => {
    const v = str(k);
    return v && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : undefined;
  };
  const out: Partial<FrRuleMeta> = {};
  const put = <K extends keyof FrRuleMeta>(k: K, v: FrRuleMeta[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  put('document_number', str('document_number'));
  put('title', str('title'));
  put('publication_date', date('publication_date'));
  put('effective_on', date('effective_on'));
  put('citation', str('citation'));
  put('html_url', str('html_url'));
  return out;
}
