/**
 * `csl-csv`: the trade.gov Consolidated Screening List as CSV (consolidated.csv; also its .tsv twin).
 *
 * Columns are read by header name, never by position, so every generation parses: 2019 (28 columns, no `_id`),
 * 2022-04 (29 columns, `_id` first, unquoted), 2025 (every field quoted, ISO dates, `type, number, country` ids).
 * Multi-valued cells are `; `-joined; the `ids` column order is detected per entry (csl-common.ts).
 * Row numbers in errors count the header as row 1, as a spreadsheet shows them.
 */
import { CsvError, parse } from 'csv-parse/sync';
import { z } from 'zod';
import { formatZodIssues } from './config';
import { decodeText } from './common';
import {
  cleanText,
  cslParser,
  idsEntries,
  idsOrderHint,
  listOfItem,
  multi,
  parseAddress,
  parseIdsCell,
  text,
  type CslAddress,
  type CslItem,
  type IdsOrder,
} from './csl-common';
import { ParseError, type FetchedDocument, type Parser } from './types';

const REQUIRED = ['source', 'name'] as const;

/** What a data row must have, after cleaning: a source and a name (the other columns are optional text). */
const CslCsvRow = z.object({
  source: z.string().min(1, 'source is empty'),
  name: z.string().min(1, 'name is empty'),
});
type CslCsvRow = Record<string, string | undefined> & z.infer<typeof CslCsvRow>;

function csvError(doc: FetchedDocument, err: unknown): ParseError {
  const e = err as Error;
  return new ParseError(`${doc.name}: not a readable CSL CSV: ${e instanceof CsvError ? e.message : String(e)}`);
}

/** The header (lower-cased names) and data rows of one document; a ParseError when it is not a CSL CSV. */
function readTable(doc: FetchedDocument): { header: string[]; rows: string[][] } {
  const body = decodeText(doc);
  if (!body.trim()) throw new ParseError(`${doc.name}: not a CSL CSV: the file is empty`);
  if (/^\s*[[{]/.test(body)) throw new ParseError(`${doc.name}: not a CSL CSV: it is JSON (use the csl-json format)`);
  const newline = body.indexOf('\n');
  const firstLine = newline < 0 ? body : body.slice(0, newline);
  const delimiter = (firstLine.match(/\t/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? '\t' : ',';
  let records: string[][];
  try {
    records = parse(body, { delimiter, skip_empty_lines: true, relax_quotes: delimiter === '\t' }) as string[][];
  } catch (err) {
    // a broken row after a good header says where; a file that is no CSV at all says that
    let header: string[] | undefined;
    try {
      header = (parse(body, { delimiter, to_line: 1 }) as string[][])[0];
    } catch {
      header = undefined;
    }
    if (!header || REQUIRED.some((c) => !header.map((h) => h.trim().toLowerCase()).includes(c))) {
      throw new ParseError(`${doc.name}: not a CSL CSV: no header with the columns ${REQUIRED.join(', ')}`);
    }
    throw csvError(doc, err);
  }
  const header = (records[0] ?? []).map((h) => h.replace(/^\ufeff/, '').trim().toLowerCase());
  const missing = REQUIRED.filter((c) => !header.includes(c));
  if (missing.length) throw new ParseError(`${doc.name}: not a CSL CSV: missing columns ${missing.join(', ')}`);
  return { header, rows: records.slice(1) };
}

function rowObject(header: string[], cells: string[]): Record<string, string> {
  const row: Record<string, string> = {};
  for (let i = 0; i < header.length; i++) {
    const cell = cells[i];
    if (header[i] && cell) row[header[i]!] = cleanText(cell);
  }
  return row;
}

function addresses(cell: string | undefined): CslAddress[] {
  return multi(cell)
    .map(parseAddress)
    .filter((a): a is CslAddress => !!a);
}

function item(row: CslCsvRow, where: string, list: CslItem['list'], idsHint: () => IdsOrder | undefined): CslItem {
  return {
    where,
    list,
    id: text(row._id),
    entityNumber: text(row.entity_number),
    type: text(row.type),
    name: row.name,
    title: text(row.title),
    programs: multi(row.programs),
    altNames: multi(row.alt_names),
    addresses: addresses(row.addresses),
    citation: text(row.federal_register_notice),
    startDate: text(row.start_date),
    endDate: text(row.end_date),
    standardOrder: text(row.standard_order),
    licenseRequirement: text(row.license_requirement),
    licensePolicy: text(row.license_policy),
    callSign: text(row.call_sign),
    vesselType: text(row.vessel_type),
    grossTonnage: text(row.gross_tonnage),
    grossRegisteredTonnage: text(row.gross_registered_tonnage),
    vesselFlag: text(row.vessel_flag),
    vesselOwner: text(row.vessel_owner),
    remarks: text(row.remarks),
    sourceListUrl: text(row.source_list_url),
    sourceInformationUrl: text(row.source_information_url),
    citizenships: multi(row.citizenships),
    nationalities: multi(row.nationalities),
    datesOfBirth: multi(row.dates_of_birth),
    placesOfBirth: multi(row.places_of_birth),
    identifiers: parseIdsCell(row.ids, idsHint),
  };
}

function* itemsOf(doc: FetchedDocument, wanted: ReadonlySet<string> | undefined): Generator<CslItem> {
  const { header, rows } = readTable(doc);
  const idsColumn = header.indexOf('ids');
  // the order of the ids entries that show it, over the whole file, settles the few that do not (asked once,
  // and only if some row cannot settle its own entries)
  let fileHint: { order: IdsOrder | undefined } | undefined;
  const idsHint = () =>
    (fileHint ??= { order: idsColumn < 0 ? undefined : idsOrderHint(rows.flatMap((cells) => idsEntries(cells[idsColumn]))) }).order;
  for (let i = 0; i < rows.length; i++) {
    const where = `${doc.name}: row ${i + 2}`;
    const row = rowObject(header, rows[i]!);
    const parsed = CslCsvRow.safeParse(row);
    if (!parsed.success) throw new ParseError(`${where}: ${formatZodIssues(parsed.error)}`);
    const list = listOfItem(parsed.data.source, wanted, where);
    if (list) yield item(row as CslCsvRow, where, list, idsHint);
  }
}

export const parseCslCsv: Parser = cslParser(itemsOf);
