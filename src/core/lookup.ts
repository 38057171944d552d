/**
 * Lookup: a query in, the parties it names out, best first: one result per real-world party with every
 * designation of every record that belongs to it, and how the name matched. Results at or above the
 * default threshold are matches; an optional review band below it is returned apart.
 */
import { coverage, type Coverage, type ListCoverage } from './coverage';
import { datedFields } from './designation-dates';
import { distinctDesignations, renamedListings, type DesignationLine } from './designation-lines';
import { reconcileFederalRegister } from './designation-fr';
import { combineSources, OFFICIAL_FORMATS } from './designation-sources';
import { isoDay, lineOn, statusOn } from './designation-status';
import { isListCode, LIST_CODES, listInfo, type ListCode, type Side } from './lists';
import { DEFAULT_THRESHOLD, Matcher, REVIEW_THRESHOLD, type MatchHit, type MatchHow } from './match/matcher';
import { keyName } from './sources/common';
import { footnoteLines } from './sources/el-footnotes';
import type { DesignationStep } from './model';
import type { Db } from './store/db';
import { datasetVersion } from './store/meta';

export { DEFAULT_THRESHOLD, REVIEW_THRESHOLD };

export interface LookupOptions {
  limit?: number;
  /** Skip this many matches (paging): page n of size k is offset (n-1)*k, limit k. */
  offset?: number;
  lists?: ListCode[];
  side?: Side;
  /** Also return the parties scoring in the review band (below the threshold). */
  review?: boolean;
  /** The clock freshness is judged against. */
  now?: Date;
}

/** A line of a party's card: the shared designation line, with its list and status typed. */
export interface LookupDesignation extends DesignationLine {
  list: ListCode;
  status: 'active' | 'removed' | 'suspended';
  /** Where two sources of one list report this designation (an official notice and a curated sheet). */
  sources?: string[];
  /** The listing, then each suspension, stop or resumption with the announcement that made it; oldest first. */
  history?: DesignationStep[];
  /** Entity List footnote numbers of the entry (explained in `notes`). */
  footnotes?: string[];
  /** Why the line stands on one source's word alone (a rule not yet on the Consolidated Screening List). */
  pending?: string;
}

/**
 * Notes with an explanation of each Entity List footnote the designation bears: sources that explain them in
 * their notes (entities-json, fr-rule-xml) already have them; the CSL keeps the footnotes apart and its notes
 * as published, so they are explained here (el-footnotes.ts).
 */
function withFootnotes(notes: string | null, footnotes: string[] | undefined): string | undefined {
  const missing = (footnotes ?? []).filter((n) => !new RegExp(`^Footnote ${n}\\b`, 'm').test(notes ?? ''));
  if (!missing.length) return notes ?? undefined;
  return [notes, ...footnoteLines(missing, notes ?? '')].filter(Boolean).join('\n');
}

/** A designation as parsed (the record's payload): what the designations table does not keep. */
interface ParsedDesignation {
  list: string;
  since?: string;
  citation?: string;
  since_kind?: 'effective' | 'published';
  published?: string;
  effective?: string;
  footnotes?: string[];
  history?: DesignationStep[];
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
  /** listed: a designation in force; suspended: none in force, one suspended; delisted: every one removed. */
  standing: Standing;
  designations: LookupDesignation[];
}

export interface LookupResponse {
  query: string;
  results: LookupResult[];
  review?: LookupResult[];
  /** Every match at or above the threshold on the lists searched; `results` is one page of them. */
  total: number;
  offset: number;
  /** The lists searched, after the list and side filters, with how fresh each one's data is. */
  searched: ListCoverage[];
  /** The oldest data among the lists searched. */
  as_of: string | null;
  /** Lists whose data a reader should not trust blindly (failed, quarantined, stale, not loaded). */
  warnings: string[];
  /** With a list or side filter and no match: how many parties match on the lists the filter left out. */
  outside_filter?: number;
}

interface Cached {
  version: number;
  matcher: Matcher;
  loader: PartyLoader;
}

const cache = new WeakMap<Db, Cached>();

/** One matcher and loader per database handle, renewed when a refresh changed the data (caches hold frequencies). */
function prepared(db: Db): Cached {
  let cached = cache.get(db);
  const version = datasetVersion(db);
  if (!cached || cached.version !== version) {
    cached = { version, matcher: new Matcher(db), loader: new PartyLoader(db) };
    cache.set(db, cached);
  }
  return cached;
}


/** Hits examined for ranking and the total; a query that matches more parties than this is not a name. */
const MAX_HITS = 2000;

/** What a lookup found, apart from the coverage every answer carries (which changes without the data changing). */
export interface LookupMatches {
  query: string;
  results: LookupResult[];
  review?: LookupResult[];
  total: number;
  offset: number;
  outside_filter?: number;
  /** The dataset version these matches were found in. */
  version: number;
}

export function lookup(db: Db, query: string, options: LookupOptions = {}): LookupResponse {
  const found = lookupMatches(db, query, options);
  return withCoverage(found, coverage(db, { lists: options.lists, side: options.side }, options.now));
}

/** A lookup's answer: its matches and the coverage of the lists searched (the contract's key order). */
export function withCoverage(found: LookupMatches, covered: Coverage): LookupResponse {
  const response: LookupResponse = { query: found.query, results: found.results, total: found.total, offset: found.offset, searched: covered.lists, as_of: covered.as_of, warnings: covered.warnings };
  if (found.review) response.review = found.review;
  if (found.outside_filter !== undefined) response.outside_filter = found.outside_filter;
  return response;
}

/** The parties a query names on the lists the options select, best first (lookup() without the coverage). */
export function lookupMatches(db: Db, query: string, options: LookupOptions = {}): LookupMatches {
  const limit = options.limit ?? 10;
  const offset = options.offset ?? 0;
  const { matcher, loader, version } = prepared(db);
  const hits = matcher.search(query, options.review ? REVIEW_THRESHOLD : DEFAULT_THRESHOLD).slice(0, MAX_HITS);
  // Each hit's standing on the lists searched: parties with nothing on them drop out, and parties still
  // listed come before suspended ones, which come before delisted ones (then by score, as the matcher ranks).
  const matches: Array<{ hit: MatchHit; standing: Standing }> = [];
  const reviewHits: Array<{ hit: MatchHit; standing: Standing }> = [];
  loader.prefetch(hits.map((h) => h.partyId));
  for (const hit of hits) {
    const inBand = hit.score >= DEFAULT_THRESHOLD;
    if (!inBand && reviewHits.length >= limit) continue;
    const standing = loader.standing(hit.partyId, options);
    if (!standing) continue;
    (inBand ? matches : reviewHits).push({ hit, standing });
  }
  const order = (a: { standing: Standing }, b: { standing: Standing }) => STANDING_ORDER[a.standing] - STANDING_ORDER[b.standing];
  matches.sort(order);
  reviewHits.sort(order);
  const load = (list: Array<{ hit: MatchHit }>) => list.map(({ hit }) => loader.load(hit, options)).filter((r): r is LookupResult => Boolean(r));
  const found: LookupMatches = { query, results: load(matches.slice(offset, offset + limit)), total: matches.length, offset, version };
  if (options.review) found.review = load(reviewHits.slice(0, limit));
  // Nothing on the lists a filter kept: say whether the name is on the others, so a filter never hides a listing.
  if (!matches.length && (options.lists?.length || options.side)) {
    found.outside_filter = hits.filter((h) => h.score >= DEFAULT_THRESHOLD && loader.standing(h.partyId, {})).length;
  }
  return found;
}

export type Standing = 'listed' | 'suspended' | 'delisted';
const STANDING_ORDER: Record<Standing, number> = { listed: 0, suspended: 1, delisted: 2 };

/** A party's standing from its designations' statuses. */
export function standingOf(statuses: Iterable<string>): Standing {
  let suspended = false;
  for (const s of statuses) {
    if (s === 'active') return 'listed';
    if (s === 'suspended') suspended = true;
  }
  return suspended ? 'suspended' : 'delisted';
}

/**
 * Build the matcher's caches and the Chinese tables now (a Latin and a Chinese query), so that the first
 * person to ask after a start or a refresh does not pay for them. For long-running processes, not the CLI.
 */
export function warmUp(db: Db): void {
  lookup(db, 'Hikvision', { limit: 1 });
  lookup(db, '华为技术', { limit: 1 });
}

/** One party by its id ("p123"), with every designation and name: the "Details" view. */
export function partyById(db: Db, id: string): LookupResult | undefined {
  const m = id.match(/^p(\d+)$/);
  if (!m) return undefined;
  const partyId = Number(m[1]);
  return prepared(db).loader.load({ partyId, recordId: partyId, name: '', kind: 'primary', score: 1, how: 'exact' }, {});
}

/** How the name matched, in words: `partial via "huawei"; not in the listed name: usa, germany`. */
export function matchExplanation(match: LookupResult['match']): string {
  const via = match.via ? ` via "${match.via}"` : '';
  const unmatched = match.unmatched?.length ? `; not in the listed name: ${match.unmatched.join(', ')}` : '';
  return `${match.how}${via}${unmatched}`;
}

/** "listed" / "suspended: no designation in force" / "no longer listed since 2025-01-07" */
export function standingText(party: Pick<LookupResult, 'standing' | 'designations'>): string {
  if (party.standing === 'listed') return 'listed';
  if (party.standing === 'suspended') return 'suspended: no designation in force';
  const since = delistedSince(party);
  return `no longer listed${since ? ` since ${since}` : ''}`;
}

/** The latest removal date of a delisted party's designations ("no longer listed since ..."). */
export function delistedSince(party: Pick<LookupResult, 'designations'>): string | undefined {
  if (standingOf(party.designations.map((d) => d.status)) !== 'delisted') return undefined;
  const dates = party.designations.filter((d) => d.status === 'removed' && d.until).map((d) => d.until!);
  return dates.length ? dates.sort().at(-1) : undefined;
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

interface DesignationRow {
  record_id: number;
  list: string;
  status: LookupDesignation['status'];
  since: string | null;
  until: string | null;
  citation: string | null;
  url: string | null;
  programs: string;
  authority: string | null;
  notes: string | null;
}

interface StatusRow {
  list: string;
  status: string;
  until: string | null;
}

interface PartyRows {
  records: RecordRow[];
  designations: DesignationRow[];
  parsed: Map<number, ParsedDesignation[]>;
  names: Array<{ value: string; kind: string }>;
}

/**
 * Parties whose rows the loader keeps in memory (for one dataset version: a refresh makes a new loader). About
 * 25k parties at 1x; past the cap the cache starts over, so memory stays bounded on a much larger dataset.
 */
const MAX_CACHED_PARTIES = 50_000;


class PartyLoader {
  private readonly q;

  constructor(db: Db) {
    this.q = {
      records: db.prepare<[number, number], RecordRow>(
        `SELECT id, source_id, name, type, json_extract(payload, '$.countries') AS countries
           FROM records WHERE party_id = ? OR id = ? ORDER BY removed_at IS NOT NULL, id`,
      ),
      designations: db.prepare<[string], DesignationRow>(
        'SELECT record_id, list, status, since, until, citation, url, programs, authority, notes FROM designations WHERE record_id IN (SELECT value FROM json_each(?))',
      ),
      // The designations of many parties at once: a record belongs to party P when its party_id is P or, not yet
      // grouped, its id is P (as `records` reads one party).
      statuses: db.prepare<[{ ids: string }], { party_id: number | null; id: number; list: string; status: string; until: string | null }>(
        `SELECT r.party_id, r.id, d.list, d.status, d.until FROM records r JOIN designations d ON d.record_id = r.id
          WHERE r.party_id IN (SELECT value FROM json_each(@ids)) OR r.id IN (SELECT value FROM json_each(@ids))`,
      ),
      // The parsed designations of the records that say more than the designations table keeps: a history,
      // which date since is (since_kind), footnotes.
      parsed: db.prepare<[string], { id: number; designations: string }>(
        `SELECT id, json_extract(payload, '$.designations') AS designations FROM records
          WHERE id IN (SELECT value FROM json_each(?))
            AND (instr(payload, '"history"') > 0 OR instr(payload, '"since_kind"') > 0 OR instr(payload, '"footnotes"') > 0)`,
      ),
      formats: db.prepare<[], { id: string; format: string }>('SELECT id, format FROM sources'),
      names: db.prepare<[string], { value: string; kind: string }>(
        "SELECT value, kind FROM names WHERE record_id IN (SELECT value FROM json_each(?)) ORDER BY kind = 'weak', id",
      ),
    };
  }

  /** Each party's designations (list, status, until), read in one statement for those not yet in memory. */
  private readonly statusCache = new Map<number, StatusRow[]>();
  /** Everything a card is made of, per party, as read (cards are built from it for each query's filters and day). */
  private readonly partyCache = new Map<number, PartyRows>();

  /** Read the statuses of those of these parties not yet in memory, in one statement. */
  prefetch(partyIds: number[]): void {
    const missing = [...new Set(partyIds)].filter((id) => !this.statusCache.has(id));
    if (!missing.length) return;
    if (this.statusCache.size + missing.length > MAX_CACHED_PARTIES) this.statusCache.clear();
    const wantedIds = new Set(missing);
    for (const id of missing) this.statusCache.set(id, []);
    for (const row of this.q.statuses.all({ ids: JSON.stringify(missing) })) {
      const status = { list: row.list, status: row.status, until: row.until };
      if (row.party_id !== null && wantedIds.has(row.party_id)) this.statusCache.get(row.party_id)!.push(status);
      if (row.id !== row.party_id && wantedIds.has(row.id)) this.statusCache.get(row.id)!.push(status);
    }
  }

  /** The party's standing on the lists the options select; undefined when it has no designation there. */
  standing(partyId: number, options: LookupOptions): Standing | undefined {
    if (!this.statusCache.has(partyId)) this.prefetch([partyId]);
    const rows = this.statusCache.get(partyId)!.filter((d) => wanted(d.list, options));
    const today = isoDay(options.now ?? new Date());
    return rows.length ? standingOf(rows.map((d) => statusOn(d.status, d.until, today))) : undefined;
  }

  /** A party's records, designations, parsed designations and names, read once per dataset version. */
  private rowsOf(partyId: number): PartyRows {
    let rows = this.partyCache.get(partyId);
    if (rows) return rows;
    const records = this.q.records.all(partyId, partyId);
    const ids = JSON.stringify(records.map((r) => r.id));
    rows = records.length
      ? { records, designations: this.q.designations.all(ids), parsed: this.parsedOf(ids), names: this.q.names.all(ids) }
      : { records, designations: [], parsed: new Map(), names: [] };
    if (this.partyCache.size >= MAX_CACHED_PARTIES) this.partyCache.clear();
    this.partyCache.set(partyId, rows);
    return rows;
  }

  private formatsBySource?: Map<string, string>;

  /** Each source's format (read once per dataset version: the loader is renewed with it). */
  private formats(): Map<string, string> {
    this.formatsBySource ??= new Map(this.q.formats.all().map((f) => [f.id, f.format]));
    return this.formatsBySource;
  }

  /** The designations (as parsed) of those records that carry a history, a since_kind or footnotes, by record id. */
  private parsedOf(ids: string): Map<number, ParsedDesignation[]> {
    return new Map(this.q.parsed.all(ids).map((r) => [r.id, JSON.parse(r.designations) as ParsedDesignation[]]));
  }

  load(hit: MatchHit, options: LookupOptions): LookupResult | undefined {
    const { records, designations: rows, parsed, names } = this.rowsOf(hit.partyId);
    if (!records.length) return undefined;
    const sourceOf = new Map(records.map((r) => [r.id, r.source_id]));
    const formats = this.formats();
    // Only the publishers' announcements carry a designation's history.
    const official = new Set(records.filter((r) => OFFICIAL_FORMATS.has(formats.get(r.source_id) ?? '')).map((r) => r.id));
    const today = isoDay(options.now ?? new Date());
    const lines = rows
      .filter((d) => wanted(d.list, options))
      .map((d): LookupDesignation => {
        const programs = JSON.parse(d.programs) as string[];
        const as = parsed.get(d.record_id)?.find((h) => h.list === d.list && (h.since ?? null) === d.since && (h.citation ?? null) === d.citation);
        const history = official.has(d.record_id) ? as?.history : undefined;
        const notes = withFootnotes(d.notes, as?.footnotes);
        return {
          list: d.list as ListCode,
          status: d.status,
          ...(d.since ? { since: d.since } : {}),
          ...(as ? datedFields(as) : {}),
          ...(d.until ? { until: d.until } : {}),
          source: sourceOf.get(d.record_id)!,
          ...(d.citation ? { citation: d.citation } : {}),
          ...(d.url ? { url: d.url } : {}),
          ...(programs.length ? { programs } : {}),
          ...(d.authority ? { authority: d.authority } : {}),
          ...(notes ? { notes } : {}),
          ...(history?.length ? { history } : {}),
          ...(as?.footnotes?.length ? { footnotes: as.footnotes } : {}),
        };
      });
    // Two sources of one list (official notices and a curated sheet) make one line per designation
    // (designation-sources.ts); a suspension that has run out reads as in force again (designation-status.ts).
    // A Federal Register rule and the Consolidated Screening List that later lists its entries make one
    // line per designation too (designation-fr.ts).
    const formatOf = (source: string) => formats.get(source);
    const designations = reconcileFederalRegister(combineSources(lines, formatOf), formatOf)
      .map((d) => lineOn(d, today))
      .sort((a, b) => STATUS_ORDER[a.status]! - STATUS_ORDER[b.status]! || LIST_ORDER.get(a.list)! - LIST_ORDER.get(b.list)! || (a.since ?? '').localeCompare(b.since ?? ''));
    if (!designations.length) return undefined;
    // One line per distinct designation: records of one party on the same list with the same facts make one
    // line, and so do the records of one listing renamed within its source (designation-lines.ts).
    const distinct = distinctDesignations(designations, renamedListings(records, rows));
    // The card is titled with the primary name of the record whose name matched.
    const titled = records.find((r) => r.id === hit.recordId) ?? records[0]!;
    const seen = new Set([fold(titled.name)]);
    const aliases: string[] = [];
    for (const n of [...records.map((r) => ({ value: r.name, kind: 'primary' })), ...names]) {
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
      standing: standingOf(distinct.map((d) => d.status)),
      designations: distinct,
    };
  }
}

function wanted(list: string, options: LookupOptions): boolean {
  if (!isListCode(list)) return false;
  if (options.lists?.length && !options.lists.includes(list)) return false;
  return !options.side || listInfo(list).side === options.side;
}

/** Names that differ only in case, punctuation or spacing are one alias. */
function fold(name: string): string {
  return keyName(name).replace(/ /g, '');
}
