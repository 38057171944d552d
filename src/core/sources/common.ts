/**
 * Helpers every format module shares: text decoding, dates, countries, stable keys, and the final
 * validation that turns raw parser output into `SourceRecord`s (or a ParseError that says where).
 */
import { createHash } from 'node:crypto';
import { SourceRecord, type SourceRecordInput, type Script } from '../model';
import { formatZodIssues } from './config';
import { ParseError, type FetchedDocument } from './types';

/** UTF-8 text without BOM, with LF line ends and without the DOS end-of-file mark (\x1a) OFAC files carry. */
export function decodeText(doc: FetchedDocument): string {
  let text = doc.body.toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  text = text.replace(/\r\n?/g, '\n');
  text = text.replace(/\x1a\s*$/, '');
  return text;
}

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
  january: 1, february: 2, march: 3, april: 4, june: 6, july: 7, august: 8, september: 9, october: 10, november: 11, december: 12,
};

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function ymd(y: number, m: number, d: number): string | undefined {
  if (y < 100) y += y >= 70 ? 1900 : 2000;
  if (m < 1 || m > 12 || d < 1 || d > 31 || y < 1900 || y > 2100) return undefined;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCMonth() !== m - 1) return undefined;
  return `${y}-${pad(m)}-${pad(d)}`;
}

/**
 * A date in any of the forms the lists use, as YYYY-MM-DD; undefined when there is none or it is not a date.
 * YYYY-MM-DD, DD.MM.YYYY, DD.MM.YY, MM/DD/YYYY, MM/DD/YY, "03 Jun 2021", "June 3, 2021", 2025年1月2日.
 */
export function isoDate(text: string | null | undefined): string | undefined {
  if (!text) return undefined;
  const s = text.trim();
  let m: RegExpMatchArray | null;
  if ((m = s.match(/^(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[T ])/))) return ymd(+m[1]!, +m[2]!, +m[3]!);
  if ((m = s.match(/^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})$/))) return ymd(+m[3]!, +m[2]!, +m[1]!);
  if ((m = s.match(/^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})$/))) return ymd(+m[3]!, +m[1]!, +m[2]!);
  if ((m = s.match(/^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日/))) return ymd(+m[1]!, +m[2]!, +m[3]!);
  if ((m = s.match(/^(\d{1,2})[\s-]+([A-Za-z]{3,9})\.?[\s-]+(\d{4})$/))) {
    const month = MONTHS[m[2]!.toLowerCase()];
    return month ? ymd(+m[3]!, month, +m[1]!) : undefined;
  }
  if ((m = s.match(/^([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})$/))) {
    const month = MONTHS[m[1]!.toLowerCase()];
    return month ? ymd(+m[3]!, month, +m[2]!) : undefined;
  }
  return undefined;
}

/**
 * Withdrawn or reserved codes that Intl names like a current country ("France" is FR and FX, "Burkina Faso"
 * BF and HV, "Serbia" RS and YU): without this, the later code won and France came out as FX.
 */
const RETIRED_CODES = new Set(['AN', 'BU', 'CS', 'DD', 'DY', 'FX', 'HV', 'NH', 'RH', 'SU', 'TP', 'UK', 'VD', 'YD', 'YU', 'ZR']);

/** Built on first use: naming 676 codes through Intl costs ~60 ms, which a lookup that names no country never needs. */
let countryByName: Map<string, string> | undefined;

function foldCountry(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z]+/g, ' ')
    .trim();
}

function buildCountryIndex(): Map<string, string> {
  const index = new Map<string, string>();
  const display = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      if (RETIRED_CODES.has(code)) continue;
      const name = display.of(code);
      if (name && name !== code) index.set(foldCountry(name), code);
    }
  }
  const extra: Record<string, string> = {
    'china': 'CN', 'china prc': 'CN', 'people s republic of china': 'CN', 'prc': 'CN', 'mainland china': 'CN',
    'hong kong': 'HK', 'hong kong sar': 'HK', 'hong kong sar china': 'HK', 'macau': 'MO', 'macao': 'MO',
    'taiwan': 'TW', 'republic of china': 'TW', 'russia': 'RU', 'russian federation': 'RU', 'iran': 'IR',
    'north korea': 'KP', 'korea north': 'KP', 'democratic people s republic of korea': 'KP', 'dprk': 'KP',
    'south korea': 'KR', 'korea south': 'KR', 'republic of korea': 'KR', 'korea': 'KR', 'burma': 'MM',
    'syria': 'SY', 'venezuela': 'VE', 'bolivia': 'BO', 'laos': 'LA', 'vietnam': 'VN', 'viet nam': 'VN',
    'moldova': 'MD', 'tanzania': 'TZ', 'united states': 'US', 'united states of america': 'US', 'usa': 'US',
    'us': 'US', 'u s': 'US', 'america': 'US', 'uk': 'GB', 'united kingdom': 'GB', 'great britain': 'GB',
    'england': 'GB', 'uae': 'AE', 'united arab emirates': 'AE', 'czech republic': 'CZ', 'czechia': 'CZ',
    'turkey': 'TR', 'turkiye': 'TR', 'ivory coast': 'CI', 'cote d ivoire': 'CI', 'congo': 'CG',
    'democratic republic of the congo': 'CD', 'congo democratic republic of the': 'CD', 'the netherlands': 'NL',
    'netherlands': 'NL', 'holland': 'NL', 'palestinian': 'PS', 'west bank': 'PS', 'gaza': 'PS',
    'brunei': 'BN', 'cape verde': 'CV', 'swaziland': 'SZ', 'macedonia': 'MK', 'north macedonia': 'MK',
    'kyrgyzstan': 'KG', 'kosovo': 'XK', 'crimea': 'UA', 'region crimea': 'UA', 'vatican': 'VA', 'holy see': 'VA',
    'bosnia': 'BA', 'bosnia herzegovina': 'BA', 'micronesia': 'FM', 'st kitts and nevis': 'KN',
    'st lucia': 'LC', 'st vincent and the grenadines': 'VC', 'the gambia': 'GM', 'gambia': 'GM', 'the bahamas': 'BS',
  };
  for (const [name, code] of Object.entries(extra)) index.set(name, code);
  return index;
}

/** ISO 3166-1 alpha-2 for a country name or code; undefined when it is not recognised. */
export function countryCode(text: string | null | undefined): string | undefined {
  if (!text) return undefined;
  const s = text.trim();
  if (/^[A-Z]{2}$/.test(s)) return s === 'UK' ? 'GB' : s;
  countryByName ??= buildCountryIndex();
  return countryByName.get(foldCountry(s));
}

/** Country codes for a list of names or codes; unrecognised text is kept as written so nothing is lost. */
export function countryCodes(values: Iterable<string | null | undefined>): string[] {
  const out = new Set<string>();
  for (const v of values) {
    if (!v || !v.trim()) continue;
    out.add(countryCode(v) ?? v.trim());
  }
  return [...out];
}

const HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2ffff}]/u;

export function scriptOf(text: string): Script {
  if (HAN.test(text)) return 'han';
  if (/[a-z0-9]/i.test(text.normalize('NFKD'))) return 'latin';
  return 'other';
}

/** Split a multi-valued cell ("a; b; c") into trimmed, non-empty, distinct values. */
export function splitMulti(value: string | null | undefined, separator: string | RegExp = ';'): string[] {
  if (!value) return [];
  const out: string[] = [];
  for (const part of value.split(separator)) {
    const v = part.trim();
    if (v && !out.includes(v)) out.push(v);
  }
  return out;
}

/** The folded form of a name used inside record keys: NFKC, lower case, runs of non-letters as one space. */
export function keyName(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** A stable record key from its parts (list, name, date...): readable, bounded in length. */
export function stableKey(...parts: Array<string | undefined>): string {
  const key = parts.map((p) => (p ?? '').trim()).join('|');
  if (key.length <= 200) return key;
  return `${key.slice(0, 160)}#${createHash('sha1').update(key).digest('hex').slice(0, 16)}`;
}

/**
 * Validate raw parser output and merge records that share a key (the same entry printed twice):
 * names, countries, addresses, identifiers and designations are united. `where` names the input in errors.
 */
export function finalizeRecords(raw: SourceRecordInput[], where: string): SourceRecord[] {
  const byKey = new Map<string, SourceRecord>();
  raw.forEach((input, index) => {
    const parsed = SourceRecord.safeParse(input);
    if (!parsed.success) {
      const name = typeof input?.name === 'string' ? ` "${input.name}"` : '';
      throw new ParseError(`${where}: record ${index + 1}${name}: ${formatZodIssues(parsed.error)}`);
    }
    const record = withScripts(parsed.data);
    const prior = byKey.get(record.key);
    byKey.set(record.key, prior ? mergeRecords(prior, record) : record);
  });
  return [...byKey.values()];
}

function withScripts(record: SourceRecord): SourceRecord {
  const names = record.names.some((n) => n.kind === 'primary' && n.value === record.name)
    ? record.names
    : [{ value: record.name, kind: 'primary' as const }, ...record.names];
  const seen = new Set<string>();
  return {
    ...record,
    names: names
      .map((n) => ({ ...n, value: n.value.trim(), script: n.script ?? scriptOf(n.value) }))
      .filter((n) => {
        const k = `${n.kind}\u0000${n.value}`;
        if (!n.value || seen.has(k)) return false;
        seen.add(k);
        return true;
      }),
  };
}

function unite<T>(a: T[], b: T[], id: (x: T) => string = (x) => JSON.stringify(x)): T[] {
  const seen = new Set(a.map(id));
  return [...a, ...b.filter((x) => !seen.has(id(x)))];
}

function mergeRecords(a: SourceRecord, b: SourceRecord): SourceRecord {
  return {
    ...a,
    type: a.type === 'unknown' ? b.type : a.type,
    names: unite(a.names, b.names, (n) => `${n.kind}\u0000${n.value}`),
    countries: unite(a.countries, b.countries),
    addresses: unite(a.addresses, b.addresses),
    identifiers: unite(a.identifiers, b.identifiers),
    designations: unite(a.designations, b.designations),
    parent: a.parent ?? b.parent,
    remarks: a.remarks && b.remarks && a.remarks !== b.remarks ? `${a.remarks}\n${b.remarks}` : (a.remarks ?? b.remarks),
  };
}

/** Keep only the designations on lists the config asked for (`lists`); drop records left with none. */
export function keepLists(records: SourceRecord[], lists: readonly string[] | undefined): SourceRecord[] {
  if (!lists) return records;
  const wanted = new Set(lists);
  const out: SourceRecord[] = [];
  for (const r of records) {
    const designations = r.designations.filter((d) => wanted.has(d.list));
    if (designations.length) out.push({ ...r, designations });
  }
  return out;
}
