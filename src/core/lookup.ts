/**
 * Lookup: a query in, the parties it names out, best first: one result per real-world party with every
 * designation of every record that belongs to it, and how the name matched. Results at or above the
 * default threshold are matches; an optional review band below it is returned apart.
 */
import { isListCode, LIST_CODES, listInfo, type ListCode, type Side } from './lists';
import { DEFAULT_THRESHOLD, Matcher, REVIEW_THRESHOLD, type MatchHit, type MatchHow } from './match/matcher';
import { keyName } from './sources/common';
import type { Db } from './store/db';

export { DEFAULT_THRESHOLD, REVIEW_THRESHOLD };

export interface LookupOptions {
  limit?: number;
  lists?: ListCode[];
  side?: Side;
  /** Also return the parties scoring in the review band (below the threshold). */
  review?: boolean;
}

export interface LookupDesignation {
  list: ListCode;
  status: 'active' | 'removed' | 'suspended';
  since?: string;
  until?: string;
  source: string;
  citation?: string;
  url?: string;
  /** Programs or legal bases (SDGT, CMIC-EO13959...). */
  programs?: string[];
  authority?: string;
  notes?: string;
}

export interface LookupResult {
  id: string;
  name: string;
  aliases: string[];
  type: string;
  countries: string[];
  score: number;
  /** unmatched: query words the matched name does not account for ("usa" in "Hikvision USA"). */
  match: { name: string; how: MatchHow; via?: string; unmatched?: string[] };
  designations: LookupDesignation[];
}

export interface LookupResponse {
  query: string;
  results: LookupResult[];
  review?: LookupResult[];
}

interface Cached {
  version: number;
  matcher: Matcher;
  loader: PartyLoader;
  readVersion: () => number;
}

const cache = new WeakMap<Db, Cached>();

/** One matcher and loader per database handle, renewed when a refresh changed the data (caches hold frequencies). */
function prepared(db: Db): Cached {
  let cached = cache.get(db);
  const readVersion = cached?.readVersion ?? versionReader(db);
  const version = readVersion();
  if (!cached || cached.version !== version) {
    cached = { version, matcher: new Matcher(db), loader: new PartyLoader(db), readVersion };
    cache.set(db, cached);
  }
  return cached;
}

function versionReader(db: Db): () => number {
  const statement = db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'dataset_version'");
  return () => Number(statement.get()?.value ?? 0);
}

export function lookup(db: Db, query: string, options: LookupOptions = {}): LookupResponse {
  const limit = options.limit ?? 10;
  const { matcher, loader } = prepared(db);
  const hits = matcher.search(query, options.review ? REVIEW_THRESHOLD : DEFAULT_THRESHOLD);
  const results: LookupResult[] = [];
  const review: LookupResult[] = [];
  for (const hit of hits) {
    const band = hit.score >= DEFAULT_THRESHOLD ? results : review;
    if (band.length >= limit) {
      if (results.length >= limit && (!options.review || review.length >= limit)) break;
      continue;
    }
    const result = loader.load(hit, options);
    if (result) band.push(result);
  }
  return options.review ? { query, results, review } : { query, results };
}

/** One party by its id ("p123"), with every designation and name: the "Details" view. */
export function partyById(db: Db, id: string): LookupResult | undefined {
  const m = id.match(/^p(\d+)$/);
  if (!m) return undefined;
  const partyId = Number(m[1]);
  return prepared(db).loader.load({ partyId, recordId: partyId, name: '', kind: 'primary', score: 1, how: 'exact' }, {});
}

const LIST_ORDER = new Map<string, number>(LIST_CODES.map((c, i) => [c, i]));
const STATUS_ORDER: Record<string, number> = { active: 0, suspended: 1, removed: 2 };

interface RecordRow {
  id: number;
  source_id: string;
  name: string;
  type: string;
  countries: string | null;
}

class PartyLoader {
  private readonly q;

  constructor(db: Db) {
    this.q = {
      records: db.prepare<[number, number], RecordRow>(
        `SELECT id, source_id, name, type, json_extract(payload, '$.countries') AS countries
           FROM records WHERE party_id = ? OR id = ? ORDER BY removed_at IS NOT NULL, id`,
      ),
      designations: db.prepare<[string], { record_id: number; list: string; status: LookupDesignation['status']; since: string | null; until: string | null; citation: string | null; url: string | null; programs: string; authority: string | null; notes: string | null }>(
        'SELECT record_id, list, status, since, until, citation, url, programs, authority, notes FROM designations WHERE record_id IN (SELECT value FROM json_each(?))',
      ),
      names: db.prepare<[string], { value: string; kind: string }>(
        "SELECT value, kind FROM names WHERE record_id IN (SELECT value FROM json_each(?)) ORDER BY kind = 'weak', id",
      ),
    };
  }

  load(hit: MatchHit, options: LookupOptions): LookupResult | undefined {
    const records = this.q.records.all(hit.partyId, hit.partyId);
    if (!records.length) return undefined;
    const ids = JSON.stringify(records.map((r) => r.id));
    const sourceOf = new Map(records.map((r) => [r.id, r.source_id]));
    const designations = this.q.designations
      .all(ids)
      .filter((d) => isListCode(d.list))
      .filter((d) => !options.lists?.length || options.lists.includes(d.list as ListCode))
      .filter((d) => !options.side || listInfo(d.list as ListCode).side === options.side)
      .map((d) => {
        const programs = JSON.parse(d.programs) as string[];
        return {
          list: d.list as ListCode,
          status: d.status,
          ...(d.since ? { since: d.since } : {}),
          ...(d.until ? { until: d.until } : {}),
          source: sourceOf.get(d.record_id)!,
          ...(d.citation ? { citation: d.citation } : {}),
          ...(d.url ? { url: d.url } : {}),
          ...(programs.length ? { programs } : {}),
          ...(d.authority ? { authority: d.authority } : {}),
          ...(d.notes ? { notes: d.notes } : {}),
        };
      })
      .sort((a, b) => STATUS_ORDER[a.status]! - STATUS_ORDER[b.status]! || LIST_ORDER.get(a.list)! - LIST_ORDER.get(b.list)! || (a.since ?? '').localeCompare(b.since ?? ''));
    if (!designations.length) return undefined;
    // Records of one party on the same list with the same facts make one line, not two.
    const seenDesignations = new Set<string>();
    const distinct = designations.filter((d) => {
      const k = [d.list, d.status, d.since, d.until, d.citation].join('|');
      if (seenDesignations.has(k)) return false;
      seenDesignations.add(k);
      return true;
    });
    // The card is titled with the primary name of the record whose name matched.
    const titled = records.find((r) => r.id === hit.recordId) ?? records[0]!;
    const seen = new Set([fold(titled.name)]);
    const aliases: string[] = [];
    for (const n of [...records.map((r) => ({ value: r.name, kind: 'primary' })), ...this.q.names.all(ids)]) {
      const k = fold(n.value);
      if (seen.has(k)) continue;
      seen.add(k);
      aliases.push(n.value);
    }
    const countries = [...new Set(records.flatMap((r) => JSON.parse(r.countries ?? '[]') as string[]))];
    const type = records.map((r) => r.type).find((t) => t !== 'unknown') ?? 'unknown';
    return {
      id: `p${hit.partyId}`,
      name: titled.name,
      aliases,
      type,
      countries,
      score: Math.round(hit.score * 1000) / 1000,
      match: { name: hit.name, how: hit.how, ...(hit.via ? { via: hit.via } : {}), ...(hit.unexplained ? { unmatched: hit.unexplained } : {}) },
      designations: distinct,
    };
  }
}

/** Names that differ only in case, punctuation or spacing are one alias. */
function fold(name: string): string {
  return keyName(name).replace(/ /g, '');
}
