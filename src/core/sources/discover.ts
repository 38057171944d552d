/**
 * Discovery: a source whose publisher keeps no list, only documents announced on index pages (China's
 * MOFCOM / MFA / TAO notices, Federal Register rules found through the FR API). Each refresh reads the
 * indexes, fetches every relevant document it has not fetched before, keeps it in the document archive, and
 * hands the parser every document found so far (plus an optional seed folder of known documents).
 *
 * - The format decides what an index links to (`LINK_READERS`): the cn-notices reader takes MOFCOM/MFA/TAO
 *   index pages (GB18030 or UTF-8), the fr-rules reader takes Federal Register API answers.
 * - An index that cannot be fetched, or that lists no document at all, is a warning while another index
 *   answers; all of them failing fails the source (a failure never looks like "nothing new"). A document that cannot be fetched is a warning and is
 *   tried again next time (it is not archived).
 * - Not modified when no document was added and the seed did not change: no parse, no diff.
 * - An index address may hold `{year}` (MOFCOM's yearly announcement index): it is read for the current
 *   year, and in January for the year before too (a notice of 31 December is found on 2 January).
 */
import { createHash } from 'node:crypto';
import type { DocumentArchive } from '../store/documents';
import type { SourceConfig } from './config';
import { fetchLocation, FetchError, type FetchOptions, type SourceFetchResult, type SourceValidators } from './fetch';
import type { FetchedDocument } from './types';

/** A document an index links to. */
export interface DiscoveredLink {
  url: string;
  title?: string;
  /** The date the index gives (YYYY-MM-DD). */
  date?: string;
  /** Worth fetching: speaks of a list this source reads. Irrelevant links are counted, not fetched. */
  relevant: boolean;
  /** Anything else the index said (FR: document number, citation, effective date). */
  meta?: Record<string, unknown>;
}

/** What an index page (or API answer) links to, read by the source's format. */
export type LinkReader = (index: FetchedDocument, indexUrl: string) => DiscoveredLink[];

/** Turns a fetched document into what is archived (e.g. the raw page; a reader may keep it as it is). */
export interface DiscoveryOptions extends Pick<FetchOptions, 'userAgent' | 'signal' | 'timeoutMs' | 'maxBytes'> {
  archive: DocumentArchive;
  now: () => Date;
  readers: Partial<Record<string, LinkReader>>;
}

export interface DiscoveryResultExtras {
  /** One line each: indexes that failed, documents that could not be fetched, how many links were skipped. */
  warnings: string[];
  /** Documents fetched and archived by this refresh. */
  found: number;
}

export const DEFAULT_MAX_NEW = 40;

function hashOf(docs: { name: string; sha: string }[]): string {
  const h = createHash('sha256');
  for (const d of [...docs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) h.update(`${d.name}\0${d.sha}\n`);
  return h.digest('hex');
}

const sha = (body: Buffer) => createHash('sha256').update(body).digest('hex');

/** The index addresses to read on `now`: `{year}` expanded (the year before as well in January). */
export function expandIndexes(indexes: readonly string[], now: Date): string[] {
  const year = now.getUTCFullYear();
  const years = now.getUTCMonth() === 0 ? [year - 1, year] : [year];
  const out: string[] = [];
  for (const index of indexes) {
    if (!index.includes('{year}')) out.push(index);
    else for (const y of years) out.push(index.replaceAll('{year}', String(y)));
  }
  return [...new Set(out)];
}

/** Fetch a discovering source: indexes -> new documents -> archive -> every document found so far. */
export async function fetchDiscovering(
  source: SourceConfig & { discover: NonNullable<SourceConfig['discover']> },
  previous: SourceValidators | undefined,
  options: DiscoveryOptions,
): Promise<SourceFetchResult & { discovery?: DiscoveryResultExtras }> {
  const reader = options.readers[source.format];
  if (!reader) throw new FetchError(`source ${source.id}: format ${source.format} cannot discover documents`, 'io');
  const base: FetchOptions = { timeoutMs: source.timeout_ms, maxBytes: source.max_bytes, userAgent: options.userAgent, signal: options.signal };
  const warnings: string[] = [];

  // The seed: a folder or file of documents known before discovery started (optional).
  let seed: FetchedDocument[] = [];
  if (source.discover.seed) {
    const r = await fetchLocation(source.discover.seed, base);
    if (r.status === 'ok') seed = r.documents;
  }

  const indexes = expandIndexes(source.discover.indexes, options.now());
  let answered = 0;
  let skipped = 0;
  let found = 0;
  const maxNew = source.discover.max_new ?? DEFAULT_MAX_NEW;
  const failures: string[] = [];
  for (const indexUrl of indexes) {
    let page: FetchedDocument;
    try {
      const r = await fetchLocation(indexUrl, { ...base, maxBytes: Math.min(base.maxBytes ?? Infinity, 20 * 1024 * 1024) });
      if (r.status !== 'ok' || !r.documents[0]) throw new FetchError(`fetch ${indexUrl}: no content`, 'io');
      page = r.documents[0];
    } catch (err) {
      if (!(err instanceof FetchError)) throw err;
      failures.push(err.message);
      continue;
    }
    answered++;
    let links: DiscoveredLink[];
    try {
      links = reader(page, indexUrl);
    } catch (err) {
      failures.push(`${indexUrl}: cannot read the index: ${(err as Error).message}`);
      answered--;
      continue;
    }
    // An index that answers but lists no document at all is a changed page, a block page or an empty API answer:
    // a failure, never "nothing new" (an index of notices always lists its latest ones).
    if (!links.length) {
      failures.push(`${indexUrl}: the index lists no document (changed layout, a block page, or an empty answer)`);
      answered--;
      continue;
    }
    for (const link of links) {
      if (!link.relevant) {
        skipped++;
        continue;
      }
      if (options.archive.has(source.id, link.url)) continue;
      if (found >= maxNew) {
        warnings.push(`${indexUrl}: more than ${maxNew} new documents; the rest are fetched by the next refresh`);
        break;
      }
      try {
        const r = await fetchLocation(link.url, base);
        if (r.status !== 'ok' || !r.documents[0]) throw new FetchError(`fetch ${link.url}: no content`, 'io');
        const doc = r.documents[0];
        const meta = { index: indexUrl, ...(link.title ? { title: link.title } : {}), ...(link.date ? { date: link.date } : {}), ...(link.meta ?? {}) };
        options.archive.put(source.id, { url: link.url, body: doc.body, ...(doc.contentType ? { contentType: doc.contentType } : {}), meta }, options.now().toISOString());
        found++;
      } catch (err) {
        if (!(err instanceof FetchError)) throw err;
        warnings.push(`${err.message} (listed on ${indexUrl}; tried again next refresh)`);
      }
    }
  }
  if (answered === 0 && indexes.length > 0) {
    throw new FetchError(`every index of ${source.id} failed: ${failures.join('; ')}`, failures.length ? 'network' : 'io');
  }
  warnings.unshift(...failures.map((f) => `index not read: ${f}`));
  if (skipped) warnings.push(`${skipped} links on the indexes do not speak of a list this source reads (not fetched)`);

  const archived = options.archive.all(source.id);
  const documents: FetchedDocument[] = [
    ...seed,
    ...archived.map((a) => ({ name: a.url, body: a.body, ...(a.contentType ? { contentType: a.contentType } : {}), ...(a.meta ? { meta: a.meta } : {}) })),
  ];
  const contentHash = hashOf([...seed.map((d) => ({ name: `seed:${d.name}`, sha: sha(d.body) })), ...archived.map((a) => ({ name: a.url, sha: a.sha256 }))]);
  const validators: SourceValidators = { contentHash };
  const discovery = { warnings, found };
  if (previous?.contentHash === contentHash) return { status: 'not-modified', validators, discovery };
  return { status: 'ok', documents, extras: {}, validators, contentHash, bytes: documents.reduce((n, d) => n + d.body.length, 0), discovery };
}
