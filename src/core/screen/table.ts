/**
 * A file of names as rows of text: XLSX (zip.ts, xlsx.ts) or CSV (csv-parse; comma, semicolon or tab; UTF-8
 * with or without BOM, or UTF-16 with BOM). What is neither says so in one line, naming the row where it can:
 * binary data, an old .xls, an XLSX that is not a ZIP, text that is not UTF-8, a quote left open.
 */
import { CsvError, parse } from 'csv-parse/sync';
import { ScreenError } from './errors';
import { sizeText, type ScreenLimits } from './limits';
import { readXlsx } from './xlsx';
import { looksLikeZip } from './zip';

export interface Table {
  format: 'csv' | 'xlsx';
  /** The worksheet read (XLSX: the first). */
  sheet?: string;
  /** Every row as read, row 1 first (a spreadsheet's row numbers). */
  rows: string[][];
  /** Reading stopped at the row limit: rows with names lie beyond `rows`. */
  cut: boolean;
}

const OLE = [0xd0, 0xcf, 0x11, 0xe0];

/** "row 12" for the line of a byte offset in text bytes. */
function rowAt(bytes: Uint8Array, offset: number): number {
  let row = 1;
  for (let i = 0; i < offset && i < bytes.length; i++) if (bytes[i] === 0x0a) row++;
  return row;
}

/** The offset of the first byte sequence that is not UTF-8, or -1. */
function firstBadUtf8(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) if (i + k >= bytes.length || (bytes[i + k]! & 0xc0) !== 0x80) return i;
    i += need + 1;
  }
  return -1;
}

function decodeText(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const nul = bytes.subarray(0, 65536).indexOf(0);
  if (nul >= 0) throw new ScreenError(`not a CSV or XLSX file: row ${rowAt(bytes, nul)} holds binary data (a NUL byte at offset ${nul}); send the names as CSV (UTF-8) or XLSX`);
  const bad = firstBadUtf8(bytes);
  if (bad >= 0) throw new ScreenError(`not UTF-8 text: row ${rowAt(bytes, bad)} has a byte that is not UTF-8 (offset ${bad}); save the file as "CSV UTF-8" or XLSX`);
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** What one entry of an XLSX (its sheet, its shared strings) may unpack to. */
export const XLSX_MAX_INFLATED_BYTES = 4 * 1024 * 1024;

/** Comma, semicolon (Excel in much of Europe) or tab: whichever the first line has most of, outside quotes. */
function delimiterOf(text: string): string {
  const firstLine = text.slice(0, text.search(/\r?\n|$/)).replace(/"[^"]*"/g, '');
  const count = (d: string) => firstLine.split(d).length - 1;
  return [',', ';', '\t'].reduce((best, d) => (count(d) > count(best) ? d : best), ',');
}

/** The rows of a CSV or XLSX file (an XLSX is read up to a header and one row too many: `cut` beyond). */
export function readTable(bytes: Buffer, limits: ScreenLimits, fileName?: string): Table {
  if (bytes.length > limits.maxBytes) throw new ScreenError(`the file is ${sizeText(bytes.length)}, more than the ${sizeText(limits.maxBytes)} allowed (SCREEN_MAX_BYTES)`);
  if (!bytes.length) throw new ScreenError('the file is empty: send one name per row (CSV or XLSX)');
  const name = (fileName ?? '').toLowerCase();
  if (looksLikeZip(bytes)) {
    // The sheet is parsed whole, on the event loop: what it may unpack to is kept small (a 5,000-row names sheet
    // is about 1 MB of XML), so a small archive that unpacks to a lot is refused before it is parsed.
    const sheet = readXlsx(bytes, { maxRows: limits.maxRows + 1, maxInflatedBytes: XLSX_MAX_INFLATED_BYTES });
    return { format: 'xlsx', sheet: sheet.sheet, rows: sheet.rows, cut: sheet.cut };
  }
  if (OLE.every((b, i) => bytes[i] === b)) throw new ScreenError('an old Excel .xls (or another OLE document) is not read: save it as XLSX or CSV');
  if (name.endsWith('.xlsx') || name.endsWith('.xlsm')) throw new ScreenError('not a readable XLSX: the file is not a ZIP archive (every XLSX is one); save it again from the spreadsheet, or as CSV');
  const text = decodeText(bytes);
  if (/^\s*[[{]/.test(text) && /[}\]]\s*$/.test(text)) throw new ScreenError('not a CSV: the file is JSON; send one name per row (CSV or XLSX)');
  try {
    // Every row (the size limit bounds them): a row of names after a run of empty ones is never dropped unseen.
    const rows = parse(text, { delimiter: delimiterOf(text), relax_column_count: true, relax_quotes: true, skip_empty_lines: false }) as string[][];
    return { format: 'csv', rows, cut: false };
  } catch (err) {
    if (err instanceof CsvError) {
      const row = (err as CsvError & { records?: number; lines?: number }).records;
      const where = typeof row === 'number' ? `row ${row + 1}` : 'the file';
      throw new ScreenError(`not a readable CSV: ${where}: ${err.message.replace(/^[^:]*: /, '')}`);
    }
    throw err;
  }
}
