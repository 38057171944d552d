/**
 * The first worksheet of an XLSX file as rows of text, read with the ZIP reader (zip.ts) and fast-xml-parser:
 * the workbook's first sheet, its shared strings (plain and rich text), inline strings, numbers and booleans as
 * the cell holds them. Formulas are not run: a formula cell gives its cached value. Cells are placed by their
 * reference (A1, AB7), so gaps in a sparse row stay empty cells, and rows by their number.
 *
 * Why not a package: the npm `xlsx` (SheetJS) build on the registry is an old release with known advisories, and
 * exceljs brings nine dependencies for what is, here, reading one sheet of text.
 */
import { posix } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { columnLetter } from './columns';
import { ScreenError } from './errors';
import { zipEntries, zipRead, type ZipEntry } from './zip';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  isArray: (name) => ['sheet', 'Relationship', 'si', 'r', 'row', 'c'].includes(name),
});

type Node = Record<string, unknown>;

function parseXml(buf: Buffer, what: string): Node {
  const text = buf.toString('utf8');
  // Spreadsheets never declare a DOCTYPE; one is refused, so that no entity can expand inside the parser.
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new ScreenError(`not a readable XLSX: ${what} declares a DOCTYPE, which no spreadsheet writes`);
  try {
    return parser.parse(text) as Node;
  } catch (err) {
    throw new ScreenError(`not a readable XLSX: ${what} is not well-formed XML (${(err as Error).message.split('\n')[0]})`);
  }
}

/** The text of a <t> (a string, or an object with '#text' when it has attributes such as xml:space). */
function textOf(node: unknown): string {
  if (node === undefined || node === null) return '';
  if (typeof node === 'string' || typeof node === 'number' || typeof node === 'boolean') return String(node);
  if (typeof node === 'object' && '#text' in (node as Node)) return String((node as Node)['#text']);
  return '';
}

/** A shared string or an inline string: <t> directly, or runs of rich text <r><t>. */
function stringItem(si: Node | undefined): string {
  if (!si) return '';
  if (si.t !== undefined) return textOf(si.t);
  return ((si.r as Node[] | undefined) ?? []).map((r) => textOf(r.t)).join('');
}

/** Columns read from a sheet (A to IV, as the old Excel's limit). */
export const MAX_COLUMNS = 256;

/** "AB7" -> 27 (zero-based column). */
function columnIndex(ref: string): number | undefined {
  const m = /^([A-Z]{1,3})\d*$/.exec(ref);
  if (!m) return undefined;
  let n = 0;
  for (const ch of m[1]!) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

export interface SheetRows {
  sheet: string;
  rows: string[][];
  /** A row with something in it lies beyond `maxRows` + 1: reading stopped there. */
  cut: boolean;
}

/** The first worksheet's rows (up to row `maxRows` + 1; `cut` when a row beyond holds something). */
export function readXlsx(bytes: Buffer, options: { maxRows: number; maxInflatedBytes: number }): SheetRows {
  const entries = zipEntries(bytes);
  const get = (name: string): ZipEntry | undefined => entries.get(name);
  const read = (entry: ZipEntry) => zipRead(bytes, entry, options.maxInflatedBytes);
  const workbookEntry = get('xl/workbook.xml');
  if (!workbookEntry) {
    const odf = get('content.xml') ? ' (it looks like an OpenDocument spreadsheet: save it as XLSX or CSV)' : '';
    throw new ScreenError(`not a readable XLSX: the archive has no xl/workbook.xml${odf}`);
  }
  const workbook = parseXml(read(workbookEntry), 'xl/workbook.xml');
  const sheets = (((workbook.workbook as Node | undefined)?.sheets as Node | undefined)?.sheet as Node[] | undefined) ?? [];
  const first = sheets[0];
  if (!first) throw new ScreenError('not a readable XLSX: the workbook has no sheet');
  const sheetName = String(first['@_name'] ?? 'Sheet1');
  let target = 'xl/worksheets/sheet1.xml';
  const relsEntry = get('xl/_rels/workbook.xml.rels');
  const rid = first['@_id'];
  if (relsEntry && rid) {
    const rels = ((parseXml(read(relsEntry), 'xl/_rels/workbook.xml.rels').Relationships as Node | undefined)?.Relationship as Node[] | undefined) ?? [];
    const rel = rels.find((r) => r['@_Id'] === rid);
    if (rel?.['@_Target']) {
      const t = String(rel['@_Target']);
      target = t.startsWith('/') ? t.slice(1) : posix.normalize(posix.join('xl', t));
    }
  }
  const sheetEntry = get(target);
  if (!sheetEntry) throw new ScreenError(`not a readable XLSX: the first sheet ("${sheetName}") is missing from the archive (${target})`);
  const sharedEntry = get('xl/sharedStrings.xml');
  const shared = sharedEntry ? (((parseXml(read(sharedEntry), 'xl/sharedStrings.xml').sst as Node | undefined)?.si as Node[] | undefined) ?? []).map(stringItem) : [];

  const sheet = parseXml(read(sheetEntry), target);
  const rowNodes = (((sheet.worksheet as Node | undefined)?.sheetData as Node | undefined)?.row as Node[] | undefined) ?? [];
  const rows: string[][] = [];
  let cut = false;
  for (const row of rowNodes) {
    const number = Number(row['@_r'] ?? rows.length + 1);
    if (!Number.isInteger(number) || number < 1) continue;
    const cells: string[] = [];
    for (const c of (row.c as Node[] | undefined) ?? []) {
      const ref = typeof c['@_r'] === 'string' ? columnIndex(c['@_r']) : undefined;
      const at = ref ?? cells.length;
      // A names sheet is a few columns wide: a cell far to the right would have every row padded out to it.
      if (at >= MAX_COLUMNS) {
        throw new ScreenError(`row ${number}: a cell in column ${columnLetter(at)}, beyond the ${MAX_COLUMNS} columns read; keep the names (and countries) in the first columns`);
      }
      const type = c['@_t'];
      let value: string;
      if (type === 's') value = shared[Number(textOf(c.v))] ?? '';
      else if (type === 'inlineStr') value = stringItem(c.is as Node | undefined);
      else if (type === 'b') value = textOf(c.v) === '1' ? 'TRUE' : 'FALSE';
      else if (type === 'e') value = ''; // an error value (#N/A, #REF!) names nothing
      else value = textOf(c.v);
      while (cells.length < at) cells.push('');
      cells[at] = value;
    }
    // A row with nothing in it (formatted but empty, often far below the data) is no row of names.
    if (cells.every((c) => !c.trim())) continue;
    if (number > options.maxRows + 1) {
      cut = true;
      break;
    }
    // Rows are placed by number: empty rows in between stay empty rows (their numbers are the row numbers people see).
    while (rows.length < number - 1) rows.push([]);
    rows.push(cells);
  }
  return { sheet: sheetName, rows, cut };
}
