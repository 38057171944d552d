/**
 * Which column holds the names (and which the countries): a column named with --column / column: (matched
 * case-insensitively against the first row, which is then the header), else a first row whose cell reads like
 * a name heading ("Name", "Company", "Counterparty", "名称"...), else the first column with no header.
 */
import { ScreenError } from './errors';

export interface Columns {
  /** The first row is a header, not a name. */
  header: boolean;
  name: number;
  /** What the name column is called: its heading, or "column A". */
  nameLabel: string;
  country?: number;
  countryLabel?: string;
}

const NAME_HEADINGS = new Set([
  'name', 'names', 'company', 'company name', 'companies', 'entity', 'entity name', 'party', 'party name', 'counterparty',
  'counterparty name', 'counter party', 'organisation', 'organization', 'organisation name', 'organization name', 'supplier',
  'supplier name', 'customer', 'customer name', 'vendor', 'vendor name', 'legal name', 'business name', 'firm', 'client', 'client name',
  '名称', '名字', '公司', '公司名称', '企业名称', '单位名称', '企业', '单位',
]);
const COUNTRY_HEADINGS = new Set(['country', 'countries', 'country code', 'country of registration', 'nationality', 'jurisdiction', '国家', '国家/地区', '国家或地区', '国别']);

/** "Company_Name " -> "company name" */
export function headingKey(text: string): string {
  return text.normalize('NFKC').trim().toLowerCase().replace(/[\s_]+/g, ' ');
}

/** 0 -> "A", 27 -> "AB" */
export function columnLetter(index: number): string {
  let n = index + 1;
  let out = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    out = String.fromCharCode(65 + r) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

function find(row: string[], wanted: string): number {
  const key = headingKey(wanted);
  return row.findIndex((cell) => headingKey(cell) === key);
}

function headingsText(row: string[]): string {
  const named = row.map((c, i) => (c.trim() ? `"${c.trim().slice(0, 40)}"` : `(column ${columnLetter(i)} empty)`));
  return named.length ? named.slice(0, 12).join(', ') + (named.length > 12 ? `, and ${named.length - 12} more` : '') : 'none';
}

/** The columns to read; a ScreenError naming the column asked for when the header has none of that name. */
export function chooseColumns(first: string[], asked: { column?: string; countryColumn?: string }): Columns {
  const label = (i: number, header: boolean) => (header && first[i]?.trim() ? first[i]!.trim() : `column ${columnLetter(i)}`);
  if (asked.column !== undefined) {
    const name = find(first, asked.column);
    if (name < 0) throw new ScreenError(`no column named "${asked.column}" in row 1 (the header row has ${headingsText(first)})`);
    const country = asked.countryColumn !== undefined ? find(first, asked.countryColumn) : first.findIndex((c) => COUNTRY_HEADINGS.has(headingKey(c)));
    if (asked.countryColumn !== undefined && country < 0) throw new ScreenError(`no column named "${asked.countryColumn}" in row 1 (the header row has ${headingsText(first)})`);
    return { header: true, name, nameLabel: label(name, true), ...(country >= 0 ? { country, countryLabel: label(country, true) } : {}) };
  }
  const heading = first.findIndex((c) => NAME_HEADINGS.has(headingKey(c)));
  if (heading >= 0) {
    const country = asked.countryColumn !== undefined ? find(first, asked.countryColumn) : first.findIndex((c) => COUNTRY_HEADINGS.has(headingKey(c)));
    if (asked.countryColumn !== undefined && country < 0) throw new ScreenError(`no column named "${asked.countryColumn}" in row 1 (the header row has ${headingsText(first)})`);
    return { header: true, name: heading, nameLabel: label(heading, true), ...(country >= 0 ? { country, countryLabel: label(country, true) } : {}) };
  }
  if (asked.countryColumn !== undefined) {
    // A header with the country column named: the names are in the first other column.
    const country = find(first, asked.countryColumn);
    const name = first.findIndex((_, i) => i !== country);
    if (country >= 0 && name >= 0) return { header: true, name, nameLabel: label(name, true), country, countryLabel: label(country, true) };
    throw new ScreenError(`a country column ("${asked.countryColumn}") needs a header row: row 1 has no heading for the names (add one such as "Name", or give the name column too)`);
  }
  return { header: false, name: 0, nameLabel: 'column A' };
}
