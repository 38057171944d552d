/**
 * Screen a file of names: read it (table.ts), choose its columns (columns.ts), look each name up exactly as
 * `sanctions lookup --json --review --batch` would (readQuery + lookup, default limit), and give one row per
 * input row with its verdict (verdict.ts) and best candidate, plus what was searched and how fresh it is.
 *
 * Limits (limits.ts) are checked before the first lookup: size, then rows. Rows that cannot be looked up (a
 * cell with a bad option, a name far too long) are answered as errors in their place, naming row and column,
 * never as clear; rows with no name are "skipped", never clear either.
 */
import { coverage, type ListCoverage } from '../coverage';
import { readQuery } from '../lookup-params';
import { lookup, matchExplanation, standingText, type LookupOptions, type LookupResponse, type LookupResult } from '../lookup';
import { sinceText } from '../designation-dates';
import type { Db } from '../store/db';
import { chooseColumns, columnLetter, type Columns } from './columns';
import { ScreenError } from './errors';
import type { ScreenLimits } from './limits';
import { readTable } from './table';
import { bestCandidate, countryOf, verdictOf, type Verdict } from './verdict';

export type RowVerdict = Verdict | 'skipped' | 'error';

export interface ScreenedRow {
  /** The row's number in the file (1 = the first row, the header when there is one). */
  row: number;
  name: string;
  /** The country cell as written, and the code it was read as. */
  country?: string;
  countryCode?: string;
  verdict: RowVerdict;
  best?: LookupResult;
  /** How many parties lookup found (matches and review band). */
  candidates: number;
  /** The best match was chosen for its country among several. */
  countryMatched?: boolean;
  /** Lookup's own first candidate, when the country chose another. */
  passedOver?: { name: string; score: number };
  /** Why a row was skipped or could not be looked up. */
  note?: string;
}

export interface ScreenSummary {
  rows: number;
  match: number;
  review: number;
  clear: number;
  skipped: number;
  errors: number;
  searched: ListCoverage[];
  as_of: string | null;
  warnings: string[];
}

export interface ScreenReport {
  file: { name?: string; format: 'csv' | 'xlsx'; sheet?: string; header: boolean; column: string; countryColumn?: string };
  rows: ScreenedRow[];
  summary: ScreenSummary;
}

export interface ScreenOptions {
  column?: string;
  countryColumn?: string;
  fileName?: string;
  limits: ScreenLimits;
  now?: Date;
}

/** The lookup options of `sanctions lookup --json --review --batch` (limit 10, the review band asked for). */
const LOOKUP: LookupOptions = { limit: 10, offset: 0, review: true };

/** One line, no control characters: what a cell says as a name. */
function cellText(value: string | undefined): string {
  return (value ?? '').replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
}

/** Screen a file, all at once (the CLI). */
export function screenFile(db: Db, bytes: Buffer, options: ScreenOptions): ScreenReport {
  const steps = screening(db, bytes, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * Screen a file in slices of about `sliceMs`, giving the event loop back between them (the bots): a 5,000-row
 * file takes seconds, and other people's slash commands must still be acknowledged within Discord's and
 * Slack's 3 s meanwhile.
 */
export async function screenFileAsync(db: Db, bytes: Buffer, options: ScreenOptions, sliceMs = 20): Promise<ScreenReport> {
  const steps = screening(db, bytes, options);
  let since = Date.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (Date.now() - since >= sliceMs) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      since = Date.now();
    }
  }
}

/** The screening, one looked-up row per step (a ScreenError, thrown at the first step, when the file is refused). */
function* screening(db: Db, bytes: Buffer, options: ScreenOptions): Generator<void, ScreenReport> {
  const table = readTable(bytes, options.limits, options.fileName);
  const rows = table.rows;
  // Trailing rows with nothing in them (a spreadsheet's formatted-but-empty rows) are not rows of names.
  while (rows.length && rows.at(-1)!.every((c) => !c.trim())) rows.pop();
  if (!rows.length) throw new ScreenError('the file has no rows: send one name per row (CSV or XLSX)');
  const columns: Columns = chooseColumns(rows[0]!, { column: options.column, countryColumn: options.countryColumn });
  const first = columns.header ? 1 : 0;
  const count = rows.length - first;
  if (count > options.limits.maxRows || table.cut) {
    throw new ScreenError(`row ${(first + options.limits.maxRows + 1).toLocaleString('en-US')}: more than ${options.limits.maxRows.toLocaleString('en-US')} rows of names (SCREEN_MAX_ROWS); split the file`);
  }
  if (!count) throw new ScreenError(`the file has a header row (${columns.nameLabel}) and no names under it`);
  const where = (row: number, index: number) => `row ${row}, column ${columnLetter(index)}${columns.header ? ` (${columns.nameLabel})` : ''}`;
  const seen = new Map<string, LookupResponse>();
  const out: ScreenedRow[] = [];
  for (let i = first; i < rows.length; i++) {
    const cells = rows[i]!;
    const row = i + 1;
    const name = cellText(cells[columns.name]);
    const countryCell = columns.country !== undefined ? cellText(cells[columns.country]) : '';
    const code = countryOf(countryCell);
    const base = { row, name, ...(countryCell ? { country: countryCell } : {}), ...(code ? { countryCode: code } : {}), candidates: 0 };
    if (!name) {
      out.push({ ...base, verdict: 'skipped', note: cells.every((c) => !c.trim()) ? 'empty row' : `no name in ${where(row, columns.name)}` });
      continue;
    }
    const read = readQuery(name, LOOKUP);
    if (!('query' in read)) {
      // A cell that names nothing ("please"), or with an option lookup refuses ("side:eu"): said, never clear.
      out.push({ ...base, verdict: read.blank ? 'skipped' : 'error', note: `${where(row, columns.name)}: ${read.blank ? 'names nothing to look up' : read.problem}` });
      continue;
    }
    const key = JSON.stringify([read.query, read.options.lists ?? null, read.options.side ?? null]);
    let response = seen.get(key);
    if (!response) {
      response = lookup(db, read.query, { ...read.options, ...(options.now ? { now: options.now } : {}) });
      seen.set(key, response);
      yield;
    }
    const { best, candidates, countryMatched, passedOver } = bestCandidate(response, code);
    out.push({
      ...base,
      verdict: verdictOf(response),
      ...(best ? { best } : {}),
      candidates,
      ...(code && best ? { countryMatched } : {}),
      ...(passedOver ? { passedOver: { name: passedOver.name, score: passedOver.score } } : {}),
    });
  }
  const covered = coverage(db, {}, options.now);
  const tally = (v: RowVerdict) => out.filter((r) => r.verdict === v).length;
  return {
    file: {
      ...(options.fileName ? { name: options.fileName } : {}),
      format: table.format,
      ...(table.sheet ? { sheet: table.sheet } : {}),
      header: columns.header,
      column: columns.nameLabel,
      ...(columns.countryLabel ? { countryColumn: columns.countryLabel } : {}),
    },
    rows: out,
    summary: {
      rows: out.length,
      match: tally('match'),
      review: tally('review'),
      clear: tally('clear'),
      skipped: tally('skipped'),
      errors: tally('error'),
      searched: covered.lists.filter((l) => l.freshness !== 'no data'),
      as_of: covered.as_of,
      warnings: covered.warnings,
    },
  };
}

/** What a row's best candidate says, as the output columns want it (aligned per designation, "; "-joined). */
export function candidateFacts(r: ScreenedRow): { name: string; score: string; how: string; standing: string; lists: string; status: string; since: string; citation: string; link: string; id: string } {
  const b = r.best;
  if (!b) return { name: '', score: '', how: '', standing: '', lists: '', status: '', since: '', citation: '', link: '', id: '' };
  const d = b.designations;
  return {
    name: b.name,
    score: b.score.toFixed(3),
    how: `${matchExplanation(b.match)} on "${b.match.name}"`,
    standing: standingText(b),
    // One entry per designation, in the same order in each column (" | " apart: citations hold "; " themselves).
    lists: d.map((x) => x.list).join(' | '),
    status: d.map((x) => x.status + (x.until ? (x.status === 'removed' ? ` ${x.until}` : ` until ${x.until}`) : '')).join(' | '),
    since: d.map((x) => sinceText(x) ?? '').join(' | '),
    citation: d.map((x) => x.citation ?? '').join(' | '),
    link: d.find((x) => x.url)?.url ?? '',
    id: b.id,
  };
}
