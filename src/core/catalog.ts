/**
 * The list catalogue with what the store holds of each list: designations in force, removed ones,
 * the sources that feed it and when they last refreshed.
 *
 * A designation a Federal Register rule announced is counted only while the Consolidated Screening List does
 * not carry the party on that list (designation-fr.ts): once it does, the CSL's designation is the one counted.
 */
import { CSL_FORMATS, FR_FORMATS } from './designation-fr';
import { LIST_CODES, listInfo, type ListCode, type Side } from './lists';
import type { Db } from './store/db';

export interface ListSummary {
  list: ListCode;
  name: string;
  side: Side;
  active: number;
  suspended: number;
  removed: number;
  sources: string[];
  last_refresh: string | null;
}

export function listSummaries(db: Db, options: { all?: boolean } = {}): ListSummary[] {
  const rows = db
    .prepare<{ fr: string; csl: string }, { list: ListCode; source_id: string; active: number; suspended: number; removed: number; last_success_at: string | null }>(
      `WITH counted AS (
         SELECT d.list, d.status, r.source_id,
                NOT (s.format IN (SELECT value FROM json_each(@fr)) AND r.party_id IS NOT NULL AND EXISTS (
                  SELECT 1 FROM records r2 JOIN sources s2 ON s2.id = r2.source_id JOIN designations d2 ON d2.record_id = r2.id AND d2.list = d.list
                   WHERE r2.party_id = r.party_id AND s2.format IN (SELECT value FROM json_each(@csl)))) AS own
           FROM designations d JOIN records r ON r.id = d.record_id JOIN sources s ON s.id = r.source_id
       )
       SELECT c.list, c.source_id,
              SUM(c.own AND c.status = 'active') AS active, SUM(c.own AND c.status = 'suspended') AS suspended, SUM(c.own AND c.status = 'removed') AS removed,
              s.last_success_at
         FROM counted c JOIN sources s ON s.id = c.source_id
        GROUP BY c.list, c.source_id`,
    )
    .all({ fr: JSON.stringify([...FR_FORMATS]), csl: JSON.stringify([...CSL_FORMATS]) });
  const byList = new Map<ListCode, ListSummary>();
  for (const code of LIST_CODES) {
    const info = listInfo(code);
    byList.set(code, { list: code, name: info.name, side: info.side, active: 0, suspended: 0, removed: 0, sources: [], last_refresh: null });
  }
  for (const row of rows) {
    const summary = byList.get(row.list);
    if (!summary) continue;
    summary.active += row.active;
    summary.suspended += row.suspended;
    summary.removed += row.removed;
    summary.sources.push(row.source_id);
    if (row.last_success_at && (!summary.last_refresh || row.last_success_at > summary.last_refresh)) summary.last_refresh = row.last_success_at;
  }
  const out = [...byList.values()];
  return options.all ? out : out.filter((s) => s.sources.length > 0);
}

/**
 * "Licence: us-dod-1260h (US-DOD-1260H): CC BY-NC 4.0 (OpenSanctions): non-commercial use only", one line per
 * source whose config names a licence (`licensed`: source id and licence), the lists it feeds where
 * `summaries` are given, and how to do without a non-commercial source.
 */
export function licenceLines(licensed: Array<[string, string]>, summaries?: ReadonlyArray<Pick<ListSummary, 'list' | 'sources'>>): string {
  const lines = licensed.map(([id, licence]) => {
    const lists = summaries?.filter((s) => s.sources.includes(id)).map((s) => s.list) ?? [];
    return `Licence: ${id}${lists.length ? ` (${lists.join(', ')})` : ''}: ${licence}`;
  });
  if (licensed.some(([, licence]) => /\bNC\b|non-commercial/i.test(licence))) {
    lines.push('For public-domain and official sources only: SANCTIONS_SOURCES=data/sources-public-domain.json (docs/data-sources.md).');
  }
  return lines.join('\n');
}
