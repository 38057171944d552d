/**
 * One line per distinct designation on a party's card. Records of one source on one list under different
 * names are one listing seen under two names (a rename or a respelling: the 1260H sheet keeps the row of the
 * old name open when it lists the new one), so they make one line: from the earliest start, with every
 * notice. Records of one source under the same name are separate announcements (China's sheet, State's ISN
 * notices): a line each, unless their facts are the same.
 */
import { datedFields } from './designation-dates';
import { keyName } from './sources/common';

export interface DesignationLine {
  list: string;
  status: string;
  since?: string;
  /** Which date `since` is, where the source says (designation-dates.ts). */
  since_kind?: 'effective' | 'published';
  /** Publication and effective dates, where the source gives both. */
  published?: string;
  effective?: string;
  until?: string;
  source: string;
  citation?: string;
  url?: string;
  programs?: string[];
  authority?: string;
  notes?: string;
}

function listingKey(d: { list: string; status: string; source: string }): string {
  return [d.list, d.status, d.source].join('|');
}

/**
 * The listings (list, status, source) that a party's records bear under two or more names and never twice
 * under one name: renamed listings, to show as one line.
 */
export function renamedListings(
  records: ReadonlyArray<{ id: number; source_id: string; name: string }>,
  designations: ReadonlyArray<{ record_id: number; list: string; status: string }>,
): Set<string> {
  const recordById = new Map(records.map((r) => [r.id, r]));
  const names = new Map<string, string[]>();
  for (const d of designations) {
    const record = recordById.get(d.record_id);
    if (!record) continue;
    const key = listingKey({ list: d.list, status: d.status, source: record.source_id });
    names.set(key, [...(names.get(key) ?? []), keyName(record.name)]);
  }
  return new Set([...names].filter(([, n]) => n.length > 1 && new Set(n).size === n.length).map(([key]) => key));
}

/** The lines to show, in the order given: renamed listings folded into one, lines with the same facts once. */
export function distinctDesignations<T extends DesignationLine>(lines: readonly T[], renamed: ReadonlySet<string>): T[] {
  const folded = new Map<string, T[]>();
  for (const d of lines) {
    const key = listingKey(d);
    if (renamed.has(key)) folded.set(key, [...(folded.get(key) ?? []), d]);
  }
  const seen = new Set<string>();
  const out: T[] = [];
  for (const d of lines) {
    const listing = listingKey(d);
    const group = folded.get(listing);
    const line = group ? foldListing(group) : d;
    const k = group ? `listing|${listing}` : ['facts', d.list, d.status, d.since, d.until, d.citation].join('|');
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(line);
  }
  return out;
}

/** One listing from its lines: the earliest start, the latest end, every notice; the newest line's details. */
function foldListing<T extends DesignationLine>(lines: readonly T[]): T {
  if (lines.length === 1) return lines[0]!;
  const bySince = [...lines].sort((a, b) => (a.since ?? '').localeCompare(b.since ?? ''));
  const newest = bySince[bySince.length - 1]!;
  const first = bySince.find((d) => d.since);
  const since = first?.since;
  const until = lines.map((d) => d.until).filter((u): u is string => !!u).sort().pop();
  const citations = [...new Set(bySince.flatMap((d) => (d.citation ? [d.citation] : [])))];
  const programs = [...new Set(lines.flatMap((d) => d.programs ?? []))];
  const line: T = { ...newest };
  delete line.since;
  delete line.since_kind;
  delete line.published;
  delete line.effective;
  delete line.until;
  delete line.citation;
  delete line.programs;
  return {
    ...line,
    ...(since ? { since } : {}),
    // The earliest start says what kind of date it is, not the newest line.
    ...(first ? datedFields(first) : {}),
    ...(until ? { until } : {}),
    ...(citations.length ? { citation: citations.join('; ') } : {}),
    ...(programs.length ? { programs } : {}),
  };
}

/** The footnote explanations of a line's notes ("Footnote 4: subjects the entity to ..."), one per line. */
export function footnoteNotes(notes: string | undefined): string[] {
  return (notes ?? '').split('\n').filter((l) => /^Footnote \d+\b/.test(l));
}

/**
 * A line's notes for a Details view within `budget` characters: the footnote explanations whole (they say
 * what a stray digit in the licence text means), the rest shortened to what is left.
 */
export function detailNotes(notes: string | undefined, budget: number): string | undefined {
  if (!notes) return undefined;
  const footnotes = footnoteNotes(notes);
  const rest = notes
    .split('\n')
    .filter((l) => !footnotes.includes(l))
    .join('\n');
  const tail = footnotes.join('\n');
  const room = budget - tail.length - (tail && rest ? 1 : 0);
  if (room < 40) return shorten([tail, rest].filter(Boolean).join('\n'), budget);
  return [shorten(rest, room), tail].filter(Boolean).join('\n');
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}
