/**
 * The objects of the CLI contract (DESIGN.md) that more than one entry point prints: `events --json` and
 * `lists --json` lines, which the HTTP API answers with too.
 */
import type { ListSummary } from './catalog';
import type { ChangeEvent } from './model';

export function eventJson(e: ChangeEvent): Record<string, unknown> {
  return { id: e.id, at: e.at, kind: e.kind, list: e.list, source: e.source, record: e.record, name: e.name, ...e.detail };
}

/** `licence`: of the list's sources, where a source's config names one (OpenSanctions' CC BY-NC sheets). */
export function listJson(s: ListSummary, licence?: string): Record<string, unknown> {
  return { list: s.list, name: s.name, side: s.side, active: s.active, suspended: s.suspended, removed: s.removed, sources: s.sources, last_refresh: s.last_refresh, ...(licence ? { licence } : {}) };
}

/** The licences of a list's sources, where a source's config names one (OpenSanctions' CC BY-NC sheets). */
export function licenceOfSources(licences: ReadonlyMap<string, string>, sources: readonly string[]): string | undefined {
  return [...new Set(sources.flatMap((s) => (licences.has(s) ? [licences.get(s)!] : [])))].join('; ') || undefined;
}
