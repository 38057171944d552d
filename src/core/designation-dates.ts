/**
 * Dates that say what they are. A designation's `since` is the day a source gives for it; sources mean
 * different days by it: the Federal Register effective date (Entity List rules, the CSL start date), the day
 * an entry was published (OFAC's list publication date, the 1260H edition, a notice's 发文日期), and some
 * never say. `since_kind` keeps which, and where a source gives both days (a Federal Register rule, a Chinese
 * notice "自2025年4月10日起实施"), `published` and `effective` keep them both. Every card, alert and table
 * shows the date with its kind through these helpers, so no surface can print a bare date that reads as an
 * effective date when it is a publication date.
 */

export type SinceKind = 'effective' | 'published';

export interface DatedLine {
  since?: string;
  since_kind?: SinceKind;
  published?: string;
  effective?: string;
}

/** Both days, where a source gives two different ones. */
function bothDays(d: DatedLine): { published: string; effective: string } | undefined {
  if (!d.published || !d.effective || d.published === d.effective) return undefined;
  // A folded line whose since is neither day (an earlier listing of the same party) shows its own date.
  if (d.since && d.since !== d.published && d.since !== d.effective) return undefined;
  return { published: d.published, effective: d.effective };
}

/**
 * The date(s) of a line, for a table column: "published 2023-02-27, effective 2023-02-24" where both are
 * known and differ, "2023-02-24 (effective)" where the kind is known, the bare date where the source does not
 * say, undefined without a date.
 */
export function sinceText(d: DatedLine): string | undefined {
  const both = bothDays(d);
  if (both) return `published ${both.published}, effective ${both.effective}`;
  if (!d.since) return undefined;
  return d.since_kind ? `${d.since} (${d.since_kind})` : d.since;
}

/**
 * The same in a sentence: "since 2023-02-24 (effective; published 2023-02-27)", "since 2024-01-31
 * (published)", "since 2020-05-22"; `word` replaces "since" ("listed" on a removed line). Undefined without
 * a date.
 */
export function sincePhrase(d: DatedLine, word = 'since'): string | undefined {
  const both = bothDays(d);
  if (both) {
    const since = d.since ?? both.effective;
    const kind = since === both.effective ? 'effective' : 'published';
    const other = kind === 'effective' ? `published ${both.published}` : `effective ${both.effective}`;
    return `${word} ${since} (${kind}; ${other})`;
  }
  const text = sinceText(d);
  return text ? `${word} ${text}` : undefined;
}

/** The since-kind facts of a line as optional fields (for JSON and for copying between line shapes). */
export function datedFields(d: DatedLine): Pick<DatedLine, 'since_kind' | 'published' | 'effective'> {
  return {
    ...(d.since_kind ? { since_kind: d.since_kind } : {}),
    ...(d.published ? { published: d.published } : {}),
    ...(d.effective ? { effective: d.effective } : {}),
  };
}

/** An event's date word: "effective 2024-05-01" only when the source says it is the effective date. */
export function eventDateText(detail: Record<string, unknown>): string | undefined {
  if (!detail.since) return undefined;
  const since = String(detail.since);
  const kind = detail.since_kind;
  if (kind === 'effective') return `effective ${since}`;
  if (kind === 'published') return `published ${since}`;
  return `since ${since}`;
}
