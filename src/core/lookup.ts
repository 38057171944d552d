/**
 * Lookup: a query in, the parties it names out, best first, with every designation and how the name matched.
 * This first version matches normalised names exactly, by prefix and by containment; the matcher in
 * `match/` replaces the candidate and scoring steps.
 */
import { isListCode, listInfo, type ListCode, type Side } from './lists';
import { normalizeName } from './match/normalize';
import type { Db } from './store/db';

export interface LookupOptions {
  limit?: number;
  lists?: ListCode[];
  side?: Side;
}

export interface LookupDesignation {
  list: ListCode;
  status: 'active' | 'removed' | 'suspended';
  since?: string;
  until?: string;
  source: string;
  citation?: string;
  url?: string;
}

export interface LookupResult {
  id: string;
  name: string;
  aliases: string[];
  type: string;
  countries: string[];
  score: number;
  match: { name: string; how: string };
  designations: LookupDesignation[];
}

export interface LookupResponse {
  query: string;
  results: LookupResult[];
}

interface Hit {
  recordId: number;
  value: string;
  kind: string;
  score: number;
  how: string;
}

export function lookup(db: Db, query: string, options: LookupOptions = {}): LookupResponse {
  const q = normalizeName(query);
  const limit = options.limit ?? 10;
  if (!q) return { query, results: [] };
  const rows = db
    .prepare<[string, string, string], { record_id: number; value: string; kind: string; norm: string }>(
      `SELECT n.record_id, n.value, n.kind, n.norm FROM names n JOIN records r ON r.id = n.record_id
        WHERE r.removed_at IS NULL AND (n.norm = ? OR n.norm LIKE ? ESCAPE '\\' OR n.norm LIKE ? ESCAPE '\\') LIMIT 2000`,
    )
    .all(q, `${escapeLike(q)} %`, `% ${escapeLike(q)}%`);
  const best = new Map<number, Hit>();
  for (const row of rows) {
    const exact = row.norm === q;
    const score = exact ? 1 : row.norm.startsWith(q) ? 0.9 : 0.8;
    const how = exact ? (row.kind === 'primary' ? 'exact' : 'alias') : 'partial';
    const prior = best.get(row.record_id);
    if (!prior || score > prior.score) best.set(row.record_id, { recordId: row.record_id, value: row.value, kind: row.kind, score, how });
  }
  const results: LookupResult[] = [];
  for (const hit of [...best.values()].sort((a, b) => b.score - a.score)) {
    const result = loadResult(db, hit, options);
    if (result) results.push(result);
    if (results.length >= limit) break;
  }
  return { query, results };
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function loadResult(db: Db, hit: Hit, options: LookupOptions): LookupResult | undefined {
  const record = db
    .prepare<[number], { source_id: string; key: string; name: string; type: string; payload: string }>(
      'SELECT source_id, key, name, type, payload FROM records WHERE id = ?',
    )
    .get(hit.recordId);
  if (!record) return undefined;
  const payload = JSON.parse(record.payload) as { names: Array<{ value: string; kind: string }>; countries: string[] };
  const designations = db
    .prepare<[number], { list: string; status: LookupDesignation['status']; since: string | null; until: string | null; citation: string | null; url: string | null }>(
      'SELECT list, status, since, until, citation, url FROM designations WHERE record_id = ? ORDER BY list',
    )
    .all(hit.recordId)
    .filter((d) => isListCode(d.list))
    .map((d) => ({
      list: d.list as ListCode,
      status: d.status,
      ...(d.since ? { since: d.since } : {}),
      ...(d.until ? { until: d.until } : {}),
      source: record.source_id,
      ...(d.citation ? { citation: d.citation } : {}),
      ...(d.url ? { url: d.url } : {}),
    }))
    .filter((d) => (!options.lists?.length || options.lists.includes(d.list)) && (!options.side || listInfo(d.list).side === options.side));
  if (!designations.length) return undefined;
  return {
    id: `${record.source_id}:${record.key}`,
    name: record.name,
    aliases: payload.names.filter((n) => n.kind !== 'primary').map((n) => n.value),
    type: record.type,
    countries: payload.countries,
    score: Math.round(hit.score * 1000) / 1000,
    match: { name: hit.value, how: hit.how },
    designations,
  };
}
