/**
 * `dod-1260h-csv`: the Section 1260H sheet (OpenSanctions `datasets/us/dod_chinese_milcorps/sanctions.csv`):
 * all editions (2021-06-03, 2022-10-05, 2024-01-31, 2025-01-07, 2026-06-08), one row per listing period.
 *
 * Columns: Name, Clean Name, Alias, Previous Name, Parent Name, Note, Start date, End date, Source Url.
 *
 * One record per entity, not per row. Key = US-DOD-1260H + keyName(name), where name is `Clean Name`
 * (else `Name`) without footnote asterisks and without a trailing parenthesised short name
 * ("Aerospace CH UAV Co., Ltd (CH UAV)" -> "Aerospace CH UAV Co., Ltd", alias "CH UAV"). The parent is not
 * part of the key: on this sheet the same subsidiary appears under several spellings of one parent, and no
 * name is listed under two different parents.
 *
 * Periods fold into one designation: active when any period is open (no End date), else removed with
 * `until` = the last End date; `since` = the earliest start among the open periods (the sheet opens a new
 * row per edition without closing the earlier one), or the earliest start of all when none is open.
 * citation = an FR citation named in the latest row's Note, else the FR notice of the latest edition that
 * lists it where known (2026-06-08 -> 91 FR 35189), else "1260H list of <edition date>".
 * Names: Clean Name primary; Alias (split on ";" and on "," not followed by a space: "Knownsec,Beijing
 * Kownsec") and other spellings of the name as aliases; Previous Name (split on ";") as 'former'.
 */
import type { DesignationInput, NameEntry, SourceRecordInput } from '../model';
import { finalizeRecords, isoDate, keepLists, keyName, splitMulti, stableKey } from './common';
import { readCsvTable, tidyMergedRecords, type CsvRow } from './cn-sanctions-csv';
import { ParseError, type FetchedDocument, type Parser } from './types';

const FORMAT = 'dod-1260h-csv';
const LIST = 'US-DOD-1260H' as const;
const REQUIRED = ['Name', 'Clean Name', 'Start date', 'End date'] as const;

/** Federal Register notices of editions, where verified (SOURCES.md §4). */
const EDITION_NOTICES: Record<string, string> = {
  '2026-06-08': '91 FR 35189',
};

const LEGAL_FORM = /(?:\bLtd\.?|\bLimited|\bInc\.?|\bCorp\.?|\bCorporation|\bCompany|\bCo\.?|\bPLC|\bLLC|\bGmbH|\bS\.A\.)$/i;

/**
 * The name as the list means it: without footnote asterisks / trailing dots, and without a trailing
 * parenthesised short name, which is returned as an alias. "(Limited)" after "Group" and "(Hong Kong)"
 * in the middle of a name stay.
 */
export function cleanPrintedName(printed: string): { name: string; alias?: string } {
  let name = printed.replace(/[\s*]+$/, '').trim();
  if (/\)\.$/.test(name)) name = name.slice(0, -1);
  const m = name.match(/^(.*\S)\s*\(([^()]+)\)$/);
  if (m) {
    const before = m[1]!.trim();
    const inner = m[2]!.trim();
    const acronym = /^[A-Z0-9][A-Z0-9 &.\-’']*$/.test(inner) && /[A-Z]/.test(inner);
    if (acronym || LEGAL_FORM.test(before)) return { name: before, alias: inner };
  }
  return { name };
}

function splitAliases(value: string): string[] {
  return splitMulti(value, /;|,(?!\s)/);
}

interface Period {
  row: CsvRow;
  start: string;
  end?: string;
}

function date(row: CsvRow, column: string, doc: FetchedDocument, required: boolean): string | undefined {
  const value = row.get(column);
  if (!value) {
    if (required) throw new ParseError(`${doc.name}: line ${row.line}: empty ${column}`);
    return undefined;
  }
  const iso = isoDate(value);
  if (!iso) throw new ParseError(`${doc.name}: line ${row.line}: ${column} "${value}" is not a date`);
  return iso;
}

function parseDocument(doc: FetchedDocument): SourceRecordInput[] {
  const rows = readCsvTable(doc, REQUIRED, FORMAT);
  const groups = new Map<string, Period[]>();
  for (const row of rows) {
    const printed = row.get('Clean Name') || row.get('Name');
    if (!printed) throw new ParseError(`${doc.name}: line ${row.line}: no Name or Clean Name`);
    const { name } = cleanPrintedName(printed);
    const key = stableKey(LIST, keyName(name));
    const start = date(row, 'Start date', doc, true)!;
    const end = date(row, 'End date', doc, false);
    if (end && end < start) throw new ParseError(`${doc.name}: line ${row.line}: End date ${end} is before Start date ${start}`);
    const periods = groups.get(key) ?? [];
    periods.push({ row, start, end });
    groups.set(key, periods);
  }

  const out: SourceRecordInput[] = [];
  for (const [key, periods] of groups) {
    // Oldest first; for equal starts keep file order.
    const sorted = periods.map((p, i) => ({ p, i })).sort((a, b) => a.p.start.localeCompare(b.p.start) || a.i - b.i).map((x) => x.p);
    const latest = sorted[sorted.length - 1]!;
    const open = sorted.filter((p) => !p.end);
    const cleaned = sorted.map((p) => cleanPrintedName(p.row.get('Clean Name') || p.row.get('Name')));
    const name = cleaned[cleaned.length - 1]!.name;

    const names: NameEntry[] = [{ value: name, kind: 'primary' }];
    const add = (value: string, kind: NameEntry['kind']) => {
      if (value && value !== name && !names.some((n) => n.value === value && n.kind === kind)) names.push({ value, kind });
    };
    for (const c of cleaned) {
      add(c.name, 'alias');
      if (c.alias) add(c.alias, 'alias');
    }
    for (const p of sorted) {
      for (const alias of splitAliases(p.row.get('Alias'))) add(alias, 'alias');
      for (const former of splitMulti(p.row.get('Previous Name'), ';')) add(former, 'former');
    }

    const lastWith = (column: string) => {
      for (let i = sorted.length - 1; i >= 0; i--) {
        const v = sorted[i]!.row.get(column);
        if (v) return v;
      }
      return undefined;
    };
    const parentText = lastWith('Parent Name');
    const noteOfLatest = latest.row.get('Note');
    const edition = (open.length ? open[open.length - 1]! : latest).start;
    const noted = noteOfLatest.match(/\b(\d{1,3})\s+FR\s+(\d{1,6})\b/);
    const citation = noted ? `${noted[1]} FR ${noted[2]}` : (EDITION_NOTICES[edition] ?? `1260H list of ${edition}`);

    const designation: DesignationInput = open.length
      ? { list: LIST, status: 'active', since: open[0]!.start }
      : {
          list: LIST,
          status: 'removed',
          since: sorted[0]!.start,
          until: sorted.map((p) => p.end!).reduce((a, b) => (b > a ? b : a)),
        };
    Object.assign(designation, {
      // A start date is the day DoD released the edition that named the company: a publication date.
      since_kind: designation.since ? 'published' : undefined,
      programs: ['Section 1260H'],
      citation,
      url: lastWith('Source Url'),
      authority: 'U.S. Department of Defense',
      notes: lastWith('Note'),
    });

    out.push({
      key,
      name,
      type: 'entity',
      names,
      designations: [designation],
      parent: parentText ? cleanPrintedName(parentText).name : undefined,
    });
  }
  return out;
}

export const parseDod1260hCsv: Parser = ({ source, documents }) => {
  if (!documents.length) throw new ParseError(`${source.id}: no document to parse`);
  const raw = documents.flatMap(parseDocument);
  const records = tidyMergedRecords(finalizeRecords(raw, documents.map((d) => d.name).join(', ')));
  return keepLists(records, source.lists);
};
