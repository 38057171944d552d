/**
 * The Federal Register beside the Consolidated Screening List on a party's card: a BIS rule announces an
 * Entity List entry the day it is published (`fr-rules`, `fr-rule-xml`), the CSL lists it days or weeks
 * later. One designation, one line:
 *
 * - An FR line and a CSL line of the same list are the same designation when the CSL cites the rule's page
 *   (one of its `; `-joined citations), or failing that when the CSL's start date is within a week of the
 *   rule's effective or publication date. Several FR lines (an entity listed under several countries, a later
 *   revision citing the same page) may fold into one CSL line.
 * - The CSL decides the current status (it lists removals; the rules are only ever additions here), and
 *   keeps its own since, citation and URL; the rule supplies the citation, URL, published and effective
 *   dates where the CSL lacks them. `source` stays the CSL's; `sources` lists both.
 * - An FR line that no CSL line takes stays as it is, marked `pending`: published in the Federal Register,
 *   not yet on the Consolidated Screening List (or, when the CSL lists the party on that list under other
 *   rules, a revision the CSL does not cite yet).
 *
 * Which sources are which is a property of their format, not of their id.
 */
import type { SourcedLine } from './designation-sources';

export const FR_FORMATS: ReadonlySet<string> = new Set(['fr-rules', 'fr-rule-xml']);
export const CSL_FORMATS: ReadonlySet<string> = new Set(['csl-csv', 'csl-json']);

export const PENDING_FR = 'published in the Federal Register, not yet on the Consolidated Screening List';
/** A rule that revises an entry the CSL lists (under an older rule), before the CSL cites it. */
export const PENDING_FR_REVISION = 'published in the Federal Register; the Consolidated Screening List lists the party but does not cite this rule yet';

/** A line that may carry a rule's dates, and say that it is the rule's word alone. */
export type FrLine = SourcedLine & { published?: string; effective?: string; pending?: string };

const NEAR_DAYS = 7;

function citations(text?: string): string[] {
  return (text ?? '')
    .split(/;\s*/)
    .map((c) => c.match(/(\d+)\s*FR\s*(\d+)/i))
    .filter((m): m is RegExpMatchArray => !!m)
    .map((m) => `${m[1]} FR ${m[2]}`);
}

function daysApart(a?: string, b?: string): number {
  if (!a || !b) return Infinity;
  return Math.abs(Date.parse(a) - Date.parse(b)) / 86_400_000;
}

/** One line per designation: FR lines folded into the CSL line of the same designation; the rest marked. */
export function reconcileFederalRegister<T extends FrLine>(lines: readonly T[], formatOf: (source: string) => string | undefined): T[] {
  const isFr = (l: T) => FR_FORMATS.has(formatOf(l.source) ?? '');
  const isCsl = (l: T) => CSL_FORMATS.has(formatOf(l.source) ?? '');
  if (!lines.some(isFr)) return [...lines];
  const folded = new Map<T, T[]>(); // CSL line -> the FR lines folded into it
  const taken = new Set<T>();
  const passes: Array<(csl: T, fr: T) => number | undefined> = [
    (csl, fr) => {
      const cited = citations(csl.citation);
      return citations(fr.citation).some((c) => cited.includes(c)) ? 0 : undefined;
    },
    (csl, fr) => {
      const d = Math.min(daysApart(csl.since, fr.effective ?? fr.since), daysApart(csl.since, fr.published));
      return d <= NEAR_DAYS ? d : undefined;
    },
  ];
  for (const pass of passes) {
    for (const fr of lines) {
      if (!isFr(fr) || taken.has(fr)) continue;
      let best: T | undefined;
      let bestScore = Infinity;
      for (const csl of lines) {
        if (!isCsl(csl) || csl.list !== fr.list) continue;
        const score = pass(csl, fr);
        if (score !== undefined && score < bestScore) {
          best = csl;
          bestScore = score;
        }
      }
      if (best) {
        folded.set(best, [...(folded.get(best) ?? []), fr]);
        taken.add(fr);
      }
    }
  }
  const out: T[] = [];
  for (const l of lines) {
    if (taken.has(l)) continue;
    const rules = folded.get(l);
    if (rules) out.push(merge(l, rules));
    else if (isFr(l) && l.status === 'active') {
      const listed = lines.some((c) => isCsl(c) && c.list === l.list);
      out.push({ ...l, pending: listed ? PENDING_FR_REVISION : PENDING_FR });
    }
    else out.push(l);
  }
  return out;
}

/**
 * What a card says of a line that stands on a rule alone: "published in the Federal Register, not yet on the
 * Consolidated Screening List" (undefined for other lines). Its dates are the since column's (designation-dates.ts:
 * "published 2023-02-27, effective 2023-02-24"), as for every line whose source gives both.
 */
export function ruleText(d: Pick<FrLine, 'pending'>): string | undefined {
  return d.pending || undefined;
}

/** The CSL's line, completed by the rules' where the CSL is silent. */
function merge<T extends FrLine>(csl: T, rules: readonly T[]): T {
  const rule = [...rules].sort((a, b) => (b.published ?? b.since ?? '').localeCompare(a.published ?? a.since ?? ''))[0]!;
  return {
    ...csl,
    ...(csl.citation ? {} : rule.citation ? { citation: rule.citation } : {}),
    ...(csl.url ? {} : rule.url ? { url: rule.url } : {}),
    ...(csl.published ? {} : rule.published ? { published: rule.published } : {}),
    ...(csl.effective ? {} : rule.effective ? { effective: rule.effective } : {}),
    sources: [...new Set([...(csl.sources ?? [csl.source]), ...rules.flatMap((r) => r.sources ?? [r.source])])],
  };
}
