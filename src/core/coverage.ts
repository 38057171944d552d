/**
 * What an answer covered: the lists a lookup searched (after its list and side filters), how fresh each one's
 * data is, and which of them a reader should not trust blindly (a failed or quarantined source, data older than
 * the source's expected cadence, a list asked for that holds no data). Every screening answer carries this, so
 * that "no match" always says "on these lists, with data as of ...".
 */
import { LIST_CODES, listInfo, type ListCode, type Side } from './lists';
import type { Statement } from 'better-sqlite3';
import type { Db } from './store/db';

/** A source refreshed less recently than this is stale, unless its config says otherwise (`stale_after_hours`). */
export const DEFAULT_STALE_AFTER_HOURS = 72;

export type Freshness = 'fresh' | 'stale' | 'failing' | 'quarantined' | 'no data';

export interface ListCoverage {
  list: ListCode;
  name: string;
  side: Side;
  /** Designations in force on the list. */
  active: number;
  sources: string[];
  /** When the oldest of the list's sources last refreshed successfully (ISO), null when never. */
  as_of: string | null;
  freshness: Freshness;
  /** For anything but fresh: one sentence a reader can act on. */
  problem?: string;
}

export interface Coverage {
  lists: ListCoverage[];
  /** The oldest `as_of` of the lists searched: the answer is no fresher than this. */
  as_of: string | null;
  /** One line per list whose data is not to be trusted blindly. */
  warnings: string[];
}

export interface CoverageFilter {
  lists?: ListCode[];
  side?: Side;
}

interface SourceFacts {
  id: string;
  status: string;
  last_success_at: string | null;
  last_error: string | null;
  stale_after_hours: number | null;
  failures: number;
}

interface Prepared {
  perList: Statement<[], { list: string; source_id: string; active: number }>;
  sources: Statement<[], SourceFacts>;
  version: Statement<[], { value: string }>;
  latest: Statement<[string], { outcome: string }>;
  /** The per-list counts of one dataset version: they change only when a refresh changes data. */
  counts?: { version: string; rows: Array<{ list: string; source_id: string; active: number }> };
  /** Answers of the last few seconds, by dataset version, filter and minute: lookups come in bursts. */
  recent: Map<string, { at: number; coverage: Coverage }>;
}

/** How long a coverage answer is reused: a source that fails shows in answers within this. */
const REUSE_MS = 2000;

const statements = new WeakMap<Db, Prepared>();

function prepared(db: Db): Prepared {
  let p = statements.get(db);
  if (!p) {
    p = {
      perList: db.prepare<[], { list: string; source_id: string; active: number }>(
        `SELECT d.list AS list, r.source_id AS source_id, SUM(d.status = 'active') AS active
           FROM designations d JOIN records r ON r.id = d.record_id
          GROUP BY d.list, r.source_id`,
      ),
      version: db.prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'dataset_version'"),
      sources: db.prepare<[], SourceFacts>('SELECT id, status, last_success_at, last_error, stale_after_hours, 0 AS failures FROM sources'),
      // The latest attempts of a failing source, newest first (bounded: only the run of failures is counted).
      recent: new Map(),
      latest: db.prepare<[string], { outcome: string }>('SELECT outcome FROM refreshes WHERE source_id = ? ORDER BY id DESC LIMIT 100'),
    };
    statements.set(db, p);
  }
  return p;
}

/**
 * True when the database holds designations of at least one list from a real (not demo) source: the only
 * state in which a screening answer may be given. `demo: true` also counts the bundled seed.
 */
export function hasListData(db: Db, options: { demo?: boolean } = {}): boolean {
  const sql = options.demo
    ? 'SELECT 1 FROM designations LIMIT 1'
    : 'SELECT 1 FROM sources s WHERE s.demo = 0 AND EXISTS (SELECT 1 FROM records r JOIN designations d ON d.record_id = r.id WHERE r.source_id = s.id) LIMIT 1';
  let cached = listDataStatements.get(db);
  if (!cached) listDataStatements.set(db, (cached = new Map()));
  let statement = cached.get(sql);
  if (!statement) cached.set(sql, (statement = db.prepare(sql)));
  return Boolean(statement.get());
}

/** Prepared once per handle: the API and the bots ask before every answer. */
const listDataStatements = new WeakMap<Db, Map<string, Statement>>();

/** True when the only list data the database holds is demo data (the bundled seed loaded with `refresh`). */
export function onlyDemoData(db: Db): boolean {
  return !hasListData(db) && hasListData(db, { demo: true });
}

export function coverage(db: Db, filter: CoverageFilter = {}, now: Date = new Date()): Coverage {
  const p = prepared(db);
  // Counting designations per list reads every designation: once per dataset version, not once per lookup.
  const version = p.version.get()?.value ?? '0';
  const key = `${version}|${filter.lists?.join(',') ?? ''}|${filter.side ?? ''}|${Math.floor(now.getTime() / 60_000)}`;
  const reused = p.recent.get(key);
  if (reused && Date.now() - reused.at < REUSE_MS) return reused.coverage;
  if (p.counts?.version !== version) p.counts = { version, rows: p.perList.all() };
  const rows = p.counts.rows;
  const sources = new Map(
    p.sources.all().map((s) => [s.id, s.status === 'ok' || s.status === 'new' ? s : { ...s, failures: failuresInARow(p.latest.all(s.id).map((r) => r.outcome)) }]),
  );
  const byList = new Map<ListCode, { active: number; sources: Set<string> }>();
  for (const row of rows) {
    if (!(LIST_CODES as readonly string[]).includes(row.list)) continue;
    const entry = byList.get(row.list as ListCode) ?? { active: 0, sources: new Set<string>() };
    entry.active += row.active;
    entry.sources.add(row.source_id);
    byList.set(row.list as ListCode, entry);
  }
  const wanted = LIST_CODES.filter((code) => {
    if (filter.lists?.length && !filter.lists.includes(code)) return false;
    if (filter.side && listInfo(code).side !== filter.side) return false;
    // Without an explicit list filter, the lists searched are those that hold data.
    return Boolean(filter.lists?.length) || byList.has(code);
  });
  const lists = wanted.map((code) => describe(code, byList.get(code), sources, now));
  const dates = lists.map((l) => l.as_of).filter((d): d is string => Boolean(d));
  const result: Coverage = {
    lists,
    as_of: dates.length ? dates.reduce((a, b) => (a < b ? a : b)) : null,
    warnings: lists.filter((l) => l.problem).map((l) => `${l.list}: ${l.problem}`),
  };
  if (p.recent.size > 64) p.recent.clear();
  p.recent.set(key, { at: Date.now(), coverage: result });
  return result;
}

function describe(code: ListCode, held: { active: number; sources: Set<string> } | undefined, sources: Map<string, SourceFacts>, now: Date): ListCoverage {
  const info = listInfo(code);
  const base = { list: code, name: info.name, side: info.side, active: held?.active ?? 0, sources: [...(held?.sources ?? [])].sort() };
  if (!held) return { ...base, as_of: null, freshness: 'no data', problem: 'no data loaded for this list: it was not searched' };
  const facts = base.sources.map((id) => sources.get(id)).filter((s): s is SourceFacts => Boolean(s));
  const asOf = facts.map((s) => s.last_success_at).reduce<string | null>((a, b) => (!b ? a : !a || b < a ? b : a), null);
  const day = asOf ? asOf.slice(0, 10) : 'an unknown date';
  const quarantined = facts.find((s) => s.status === 'quarantined');
  if (quarantined) {
    return { ...base, as_of: asOf, freshness: 'quarantined', problem: `data from ${day}: the latest download of ${quarantined.id} was quarantined${tries(quarantined.failures)} (${quarantined.last_error ?? 'see status'}), the older data is kept` };
  }
  const failing = facts.find((s) => s.status === 'failed');
  if (failing) {
    return { ...base, as_of: asOf, freshness: 'failing', problem: `data from ${day}: ${failing.failures > 1 ? `the last ${failing.failures} refreshes` : 'the last refresh'} of ${failing.id} failed (${failing.last_error ?? 'see status'})` };
  }
  const stale = facts.find((s) => !s.last_success_at || ageHours(s.last_success_at, now) > (s.stale_after_hours ?? DEFAULT_STALE_AFTER_HOURS));
  if (stale) {
    const limit = stale.stale_after_hours ?? DEFAULT_STALE_AFTER_HOURS;
    return { ...base, as_of: asOf, freshness: 'stale', problem: `data from ${day}: ${stale.id} has not refreshed for more than ${limit} hours (its expected cadence)` };
  }
  return { ...base, as_of: asOf, freshness: 'fresh' };
}

/** Failed or quarantined attempts since the last good one (newest first; a running one is skipped). */
function failuresInARow(outcomes: string[]): number {
  let n = 0;
  for (const o of outcomes) {
    if (o === 'failed' || o === 'quarantined') n++;
    else if (o !== 'running') break;
  }
  return n;
}

function tries(failures: number): string {
  return failures > 1 ? ` ${failures} times in a row` : '';
}

function ageHours(iso: string, now: Date): number {
  return (now.getTime() - Date.parse(iso)) / 3_600_000;
}

/** "12 lists (US 8, China 4), data as of 2026-11-30" */
export function coverageLine(c: Coverage): string {
  const searched = c.lists.filter((l) => l.freshness !== 'no data');
  const us = searched.filter((l) => l.side === 'us').length;
  const cn = searched.length - us;
  const sides = [us ? `US ${us}` : '', cn ? `China ${cn}` : ''].filter(Boolean).join(', ');
  const when = c.as_of ? `data as of ${c.as_of.slice(0, 16).replace('T', ' ')} UTC` : 'data never refreshed';
  return `${searched.length} list${searched.length === 1 ? '' : 's'} searched${sides ? ` (${sides})` : ''}, ${when}`;
}
