/**
 * Two sources of one list on one party's card: the official notices (`cn-notices`: the announcements
 * themselves) and a curated sheet (`cn-sanctions-csv`) describe the same designations. They make one line
 * per designation:
 *
 * - A sheet line and a notice line are the same designation when they are on the same list and either
 *   start on the same day or cite the same official page; failing both, the closest notice line of that
 *   list within a week (the sheet sometimes dates a listing by its publication, the notice by its effective
 *   day). Each notice line takes at most one sheet line, and the other way round.
 * - The notice decides what the announcement decides: status, dates, 文号 (citation), URL, issuer, legal
 *   bases, measures, history. The sheet adds what the notice lacks (a URL, an issuer, notes); its names
 *   and English translations reach the card through its record, which party grouping joins to the notice's.
 * - A designation that only one of them has is kept as it is: `source` says where it came from. A merged
 *   line keeps the notice's source in `source` and lists both in `sources`.
 *
 * Which sources are official is a property of their format, not of their id: any source read with an
 * official-notice format outranks any other source of the same list.
 */
import type { DesignationLine } from './designation-lines';

/** Formats that read the publisher's own announcements. */
export const OFFICIAL_FORMATS: ReadonlySet<string> = new Set(['cn-notices']);

/** A designation line that may say which sources reported it (an official notice and a curated sheet). */
export type SourcedLine = DesignationLine & { sources?: string[] };

/** Days between two ISO dates (absolute), Infinity when either is missing. */
function daysApart(a?: string, b?: string): number {
  if (!a || !b) return Infinity;
  return Math.abs(Date.parse(a) - Date.parse(b)) / 86_400_000;
}

/** A URL without scheme, "www.", trailing slash or query: the same page however it was linked. */
export function samePage(a?: string, b?: string): boolean {
  if (!a || !b) return false;
  const norm = (u: string) => u.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/^www\./, '').replace(/[?#].*$/, '').replace(/\/+$/, '');
  return norm(a) === norm(b);
}

const NEAR_DAYS = 7;

/**
 * One line per designation: each line of a secondary source that matches a line of an official source on
 * the same list is folded into it. `formatOf` gives a source id's format. Order: as given, merged lines in
 * the official line's place.
 */
export function combineSources<T extends SourcedLine>(lines: readonly T[], formatOf: (source: string) => string | undefined): T[] {
  const official = (l: T) => OFFICIAL_FORMATS.has(formatOf(l.source) ?? '');
  const lists = new Set(lines.filter(official).map((l) => l.list));
  if (!lists.size) return [...lines];
  const partner = new Map<T, T>(); // official line -> the secondary line folded into it
  const taken = new Set<T>();
  const passes: Array<(o: T, s: T) => number | undefined> = [
    (o, s) => (o.since && o.since === s.since ? 0 : undefined),
    (o, s) => (samePage(o.url, s.url) ? 0 : undefined),
    (o, s) => {
      const d = daysApart(o.since, s.since);
      return d <= NEAR_DAYS ? d : undefined;
    },
  ];
  for (const pass of passes) {
    for (const s of lines) {
      if (official(s) || taken.has(s) || !lists.has(s.list)) continue;
      let best: T | undefined;
      let bestScore = Infinity;
      for (const o of lines) {
        if (!official(o) || o.list !== s.list || partner.has(o)) continue;
        const score = pass(o, s);
        if (score !== undefined && score < bestScore) {
          best = o;
          bestScore = score;
        }
      }
      if (best) {
        partner.set(best, s);
        taken.add(s);
      }
    }
  }
  const out: T[] = [];
  for (const l of lines) {
    if (taken.has(l)) continue;
    const s = partner.get(l);
    out.push(s ? merge(l, s) : l);
  }
  return out;
}

/** The notice's line, completed by the sheet's where the notice is silent. */
function merge<T extends SourcedLine>(notice: T, sheet: T): T {
  return {
    ...notice,
    ...(notice.url ? {} : sheet.url ? { url: sheet.url } : {}),
    ...(notice.authority ? {} : sheet.authority ? { authority: sheet.authority } : {}),
    ...(notice.notes ? {} : sheet.notes ? { notes: sheet.notes } : {}),
    sources: [...new Set([notice.source, sheet.source])],
  };
}
