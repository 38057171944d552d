/**
 * A screening's answers: the result file (CSV, one row per input row, formula-safe), the JSON of the CLI's
 * `screen --json` (one object per row, then one summary object: DESIGN.md's one-object-per-line style), and the
 * summary in words that every adapter sends beside the file (plain text: adapters escape it for their markup).
 */
import { coverageLine } from '../coverage';
import { MATCH_THRESHOLD, REVIEW_THRESHOLD } from './verdict';
import { candidateFacts, type ScreenReport, type ScreenedRow } from './screen';

export const RESULT_COLUMNS = [
  'row',
  'input name',
  'input country',
  'verdict',
  'best match',
  'score',
  'matched',
  'standing',
  'lists',
  'status',
  'since',
  'citation',
  'link',
  'party id',
  'candidates',
  'note',
] as const;

/**
 * One CSV cell: quoted when needed; a cell a spreadsheet would run as a formula (= + - @, or a tab or carriage
 * return first) is made text with a leading apostrophe. The input names are what others wrote: never trusted.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",;\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function note(r: ScreenedRow): string {
  if (r.note) return r.note;
  const parts: string[] = [];
  if (r.verdict === 'review' && r.best && r.best.standing !== 'listed') parts.push(r.best.score >= MATCH_THRESHOLD ? 'matches a party with no designation in force' : 'below the match threshold: worth a look');
  if (r.countryCode && r.best) parts.push(r.countryMatched ? `chosen for its country (${r.countryCode})` : `no candidate in ${r.countryCode}`);
  if (r.passedOver) parts.push(`highest score: ${r.passedOver.name} (${r.passedOver.score.toFixed(3)})`);
  if (r.country && !r.countryCode) parts.push(`country "${r.country}" not recognised`);
  return parts.join('; ');
}

export function resultRow(r: ScreenedRow): string[] {
  const f = candidateFacts(r);
  return [String(r.row), r.name, r.country ?? '', r.verdict, f.name, f.score, f.how, f.standing, f.lists, f.status, f.since, f.citation, f.link, f.id, r.best ? String(r.candidates) : '', note(r)];
}

/** The result file: UTF-8 with a BOM (so that a spreadsheet shows Chinese names right), CRLF lines. */
export function resultCsv(report: ScreenReport): string {
  const lines = [RESULT_COLUMNS.join(','), ...report.rows.map((r) => resultRow(r).map(csvCell).join(','))];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** `{"row", "name", "country"?, "verdict", "match": {...} | null, "candidates", "note"?}` per row. */
export function rowJson(r: ScreenedRow): Record<string, unknown> {
  const b = r.best;
  const n = note(r);
  return {
    row: r.row,
    name: r.name,
    ...(r.country ? { country: r.country } : {}),
    verdict: r.verdict,
    match: b
      ? {
          id: b.id,
          name: b.name,
          score: b.score,
          how: b.match.how,
          matched: b.match.name,
          standing: b.standing,
          countries: b.countries,
          ...(r.passedOver ? { highest_score: r.passedOver } : {}),
          designations: b.designations.map((d) => ({ list: d.list, status: d.status, since: d.since ?? null, ...(d.until ? { until: d.until } : {}), ...(d.citation ? { citation: d.citation } : {}), ...(d.url ? { url: d.url } : {}) })),
        }
      : null,
    candidates: r.candidates,
    ...(n ? { note: n } : {}),
  };
}

/** The last line of `screen --json`. */
export function summaryJson(report: ScreenReport): Record<string, unknown> {
  const s = report.summary;
  return {
    summary: {
      rows: s.rows,
      match: s.match,
      review: s.review,
      clear: s.clear,
      skipped: s.skipped,
      errors: s.errors,
      file: report.file,
      lists: s.searched.map((l) => l.list),
      searched: s.searched,
      as_of: s.as_of,
      warnings: s.warnings,
      thresholds: { match: MATCH_THRESHOLD, review: REVIEW_THRESHOLD },
    },
  };
}

/** Matches named in the summary (the rest are in the file). */
const MATCHES_SHOWN = 5;
const short = (text: string) => (text.length > 80 ? `${text.slice(0, 79).trimEnd()}…` : text);

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/**
 * "1,000 rows: 312 matches, 41 to review, 645 clear (2 skipped). Searched 12 lists (US 8, China 4), data as of
 * 2026-12-01 06:00 UTC: US-OFAC-SDN, ..." and a line per warning. Plain text.
 */
export function summaryLines(report: ScreenReport): string[] {
  const s = report.summary;
  const extra = [s.skipped ? `${s.skipped.toLocaleString('en-US')} skipped (no name)` : '', s.errors ? plural(s.errors, 'error') : ''].filter(Boolean);
  const head = `${plural(s.rows, 'row')}: ${plural(s.match, 'match', 'matches')}, ${s.review.toLocaleString('en-US')} to review, ${s.clear.toLocaleString('en-US')} clear${extra.length ? ` (${extra.join(', ')})` : ''}.`;
  const scope = `${coverageLine({ lists: s.searched, as_of: s.as_of, warnings: s.warnings }).replace(/^(\d+ lists?) searched/, 'Searched $1')}: ${s.searched.map((l) => l.list).join(', ')}.`;
  const errors = report.rows.filter((r) => r.verdict === 'error').slice(0, 3).map((r) => `Not screened: ${r.note}`);
  // The first matches in words, so that the answer says who without opening the file.
  const matches = report.rows.filter((r) => r.verdict === 'match' && r.best);
  const shown = matches.slice(0, MATCHES_SHOWN).map((r) => `Row ${r.row}: ${short(r.name)} -> ${short(r.best!.name)} (${[...new Set(r.best!.designations.filter((d) => d.status === 'active').map((d) => d.list))].join(', ')}; score ${r.best!.score.toFixed(2)})`);
  if (matches.length > MATCHES_SHOWN) shown.push(`... and ${(matches.length - MATCHES_SHOWN).toLocaleString('en-US')} more matches in the file.`);
  const where = `Read ${report.file.format.toUpperCase()}${report.file.sheet ? ` sheet "${report.file.sheet}"` : ''}, names from ${report.file.column}${report.file.countryColumn ? `, countries from ${report.file.countryColumn}` : ''}${report.file.header ? ' (row 1 is the header)' : ''}.`;
  const rule = `match: a party with a designation in force scored ${MATCH_THRESHOLD.toFixed(2)} or more; review: one scored ${REVIEW_THRESHOLD.toFixed(2)} or more, or matched with no designation in force; clear: nothing scored ${REVIEW_THRESHOLD.toFixed(2)} or more on the lists searched.`;
  return [head, scope, ...s.warnings.map((w) => `Warning: ${w}`), ...errors, ...shown, where, rule];
}

/** The result file's name: "<input stem>-screened.csv". */
export function resultFileName(input: string | undefined): string {
  const stem = (input ?? 'names').replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '').replace(/[^\p{L}\p{N}._ -]+/gu, '_').slice(0, 80) || 'names';
  return `${stem}-screened.csv`;
}
