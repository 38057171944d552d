/**
 * What the two trade.gov Consolidated Screening List readers (csl-csv, csl-json) share: the CSL `source`
 * strings mapped to our list codes, text cleaning, the `ids` cell in both column orders, addresses, and
 * the step from one CSL item to a `SourceRecord` with a key that survives refreshes.
 *
 * Keys (DESIGN.md "Record keys must be stable"):
 * - Treasury rows (US-OFAC-*): `<list>|<entity_number>`. entity_number is OFAC's ent_num, stable for the life
 *   of the entry (the CSV's `_id` equals it for these rows; it is only the fallback).
 * - BIS and State rows: `<list>|<keyName(name)>|<start_date>`. Their `_id`/`id` is a hash of the row content,
 *   which changes whenever BIS edits an address, so it is never used.
 *
 * Merging: the Entity List prints one entity once per address / FR notice (DPL once per address of an order),
 * and Treasury occasionally prints an entry twice (CAPTA ent_num 15268 in 2022-04). Rows with the same key
 * become one record here, before `finalizeRecords`: names, countries, addresses and identifiers are united (the
 * first row's name stays the name, another row's spelling of it becomes an alias), and the designations
 * collapse to ONE per list, so a card never shows the same listing twice. Citations are split into single
 * notices ("84 FR 22961", also from "84  FR 21233" or "84 F.R. 21233") and united in Federal Register order, so
 * the text does not depend on row order; notes and programs are united. Since the date is part of a BIS/State
 * key, rows of one record always share their start date; should two rows of one key still carry different
 * dates (a Treasury entry printed twice with different dates), the designation keeps the EARLIEST `since`
 * (when the party was first listed, which is what a screener asks) and the latest `until`. Rows of one name on
 * one list with different start dates stay separate records (EL "Gunther Migeotte": four dates, four records).
 *
 * Status: every row of a snapshot is `active`, even a DPL order whose end_date has passed; `until` carries the
 * date and judging it against today is left to the reader (a parser's output must not depend on the clock).
 */
import type { DesignationInput, Identifier, PartyType, SourceRecord, SourceRecordInput } from '../model';
import { isListCode, type ListCode } from '../lists';
import { splitFootnotes } from './el-footnotes';
import { countryCode, finalizeRecords, isoDate, keepLists, keyName, stableKey } from './common';
import { ParseError, type FetchedDocument, type Parser } from './types';

// ---------------------------------------------------------------------------------------------------------
// List codes

/** The `source` strings of the real files (2015 API, 2019, 2022-04 and 2025 CSVs), lower-cased. */
const SOURCE_STRINGS: Record<string, ListCode> = {
  'specially designated nationals (sdn) - treasury department': 'US-OFAC-SDN',
  'entity list (el) - bureau of industry and security': 'US-BIS-EL',
  'military end user (meu) list - bureau of industry and security': 'US-BIS-MEU',
  'unverified list (uvl) - bureau of industry and security': 'US-BIS-UVL',
  'denied persons list (dpl) - bureau of industry and security': 'US-BIS-DPL',
  'itar debarred (dtc) - state department': 'US-STATE-DTC',
  'nonproliferation sanctions (isn) - state department': 'US-STATE-ISN',
  'sectoral sanctions identifications list (ssi) - treasury department': 'US-OFAC-SSI',
  'palestinian legislative council list (plc) - treasury department': 'US-OFAC-PLC',
  'non-sdn chinese military-industrial complex companies list (cmic) - treasury department': 'US-OFAC-CMIC',
  'capta list (cap) - treasury department': 'US-OFAC-CAPTA',
  'non-sdn menu-based sanctions list (ns-mbs list) - treasury department': 'US-OFAC-MBS',
  'foreign sanctions evaders (fse) - treasury department': 'US-OFAC-FSE',
};

/** The abbreviation in parentheses, and the bare codes the CSL API's `sources=` parameter takes. */
const SOURCE_ABBREVIATIONS: Record<string, ListCode> = {
  SDN: 'US-OFAC-SDN',
  EL: 'US-BIS-EL',
  MEU: 'US-BIS-MEU',
  UVL: 'US-BIS-UVL',
  DPL: 'US-BIS-DPL',
  DTC: 'US-STATE-DTC',
  ISN: 'US-STATE-ISN',
  SSI: 'US-OFAC-SSI',
  PLC: 'US-OFAC-PLC',
  'NS-PLC': 'US-OFAC-PLC',
  CMIC: 'US-OFAC-CMIC',
  'NS-CMIC': 'US-OFAC-CMIC',
  CAP: 'US-OFAC-CAPTA',
  CAPTA: 'US-OFAC-CAPTA',
  '561': 'US-OFAC-CAPTA',
  MBS: 'US-OFAC-MBS',
  'NS-MBS': 'US-OFAC-MBS',
  FSE: 'US-OFAC-FSE',
};

/** Words of the list names, for a source string whose wording changed but still names the list. */
const SOURCE_WORDS: Array<[RegExp, ListCode]> = [
  [/chinese military-industrial/i, 'US-OFAC-CMIC'],
  [/menu-based/i, 'US-OFAC-MBS'],
  [/\bcapta\b|correspondent account|\b561 list\b/i, 'US-OFAC-CAPTA'],
  [/sectoral sanctions/i, 'US-OFAC-SSI'],
  [/palestinian legislative/i, 'US-OFAC-PLC'],
  [/foreign sanctions evaders/i, 'US-OFAC-FSE'],
  [/specially designated nationals/i, 'US-OFAC-SDN'],
  [/military end[- ]user/i, 'US-BIS-MEU'],
  [/unverified/i, 'US-BIS-UVL'],
  [/denied persons/i, 'US-BIS-DPL'],
  [/entity list/i, 'US-BIS-EL'],
  [/itar debarred|\bdebarred\b/i, 'US-STATE-DTC'],
  [/nonproliferation sanctions/i, 'US-STATE-ISN'],
];

/** Our list code for a CSL `source` string; undefined when it names no list we know. */
export function cslList(source: string): ListCode | undefined {
  if (LIST_BY_SOURCE.has(source)) return LIST_BY_SOURCE.get(source);
  const list = findList(source);
  if (LIST_BY_SOURCE.size < 1000) LIST_BY_SOURCE.set(source, list);
  return list;
}

const LIST_BY_SOURCE = new Map<string, ListCode | undefined>();

function findList(source: string): ListCode | undefined {
  const s = source.replace(/\s+/g, ' ').trim();
  if (isListCode(s)) return s;
  const exact = SOURCE_STRINGS[s.toLowerCase()];
  if (exact) return exact;
  const bare = SOURCE_ABBREVIATIONS[s.toUpperCase()];
  if (bare) return bare;
  const abbr = s.match(/\(([^)]+)\)/)?.[1]?.replace(/\s+list$/i, '').trim().toUpperCase();
  if (abbr && SOURCE_ABBREVIATIONS[abbr]) return SOURCE_ABBREVIATIONS[abbr];
  for (const [re, code] of SOURCE_WORDS) if (re.test(s)) return code;
  return undefined;
}

export function isTreasuryList(list: ListCode): boolean {
  return list.startsWith('US-OFAC-');
}

/**
 * The list of one item given the config's `lists`: the code, or null when the config filters it out.
 * An unknown source string is an error unless a `lists` filter would drop it anyway.
 */
export function listOfItem(source: string, wanted: ReadonlySet<string> | undefined, where: string): ListCode | null {
  const list = cslList(source);
  if (!list) {
    if (wanted) return null;
    throw new ParseError(`${where}: unknown CSL source "${source}"`);
  }
  return wanted && !wanted.has(list) ? null : list;
}

// ---------------------------------------------------------------------------------------------------------
// Text

/** Windows-1252 characters for the C1 code points 0x80-0x9f (a cp1252 byte read as Latin-1). */
const CP1252_C1 = '\u20ac\u0000\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u0000\u017d\u0000' +
  '\u0000\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u0000\u017e\u0178';

/**
 * One cell as clean text: control characters out, whitespace runs (tabs, newlines, NBSP) as one space, trimmed.
 * A C1 control character is a Windows-1252 byte that went through Latin-1 (2022-04 EL: "CAST Xi\x92an"), so it
 * becomes its cp1252 character ("Xi’an", as the list prints it elsewhere) instead of vanishing ("Xian"): the
 * name then folds to the same key if trade.gov ever repairs it. Other mojibake ("Co”peratief", "Â§") stays as
 * the source printed it.
 */
export function cleanText(value: string | null | undefined): string {
  if (!value) return '';
  // most cells are clean: test once, rewrite only when needed (a 14k-row file has 400k cells)
  if (!needsCleaning(value)) return value;
  let s = value;
  if (CONTROL.test(s)) {
    s = s.replace(/[\x80-\x9f]/g, (c) => CP1252_C1[c.charCodeAt(0) - 0x80]!).replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, '');
  }
  return s.replace(/\s+/g, ' ').trim();
}

const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/;

/** Control characters, unusual spaces, or a space at either end or next to another. */
function needsCleaning(value: string): boolean {
  const last = value.length - 1;
  for (let i = 0; i <= last; i++) {
    const c = value.charCodeAt(i);
    if (c === 32) {
      if (i === 0 || i === last || value.charCodeAt(i - 1) === 32) return true;
    } else if (c < 32 || (c >= 0x7f && c <= 0xa0) || (c >= 0x2000 && (c <= 0x200b || c === 0x2028 || c === 0x2029 || c === 0x3000 || c === 0xfeff))) {
      return true;
    }
  }
  return false;
}

/** Optional text: undefined when empty after cleaning. */
export function text(value: string | null | undefined): string | undefined {
  return cleanText(value) || undefined;
}

/**
 * The values of a `; `-joined cell. A BIS enumeration ends with "; and X": the "and " is dropped.
 * Empty pieces and repeats are dropped.
 */
export function multi(value: string | null | undefined): string[] {
  const s = cleanText(value);
  if (!s) return [];
  const out: string[] = [];
  for (const part of s.split(/\s*;\s+|\s*;$/)) {
    const v = part.replace(/^and\s+/i, '').trim();
    if (v && !out.includes(v)) out.push(v);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Addresses and countries

const REGION_NAMES = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });

/** Whether a two-letter upper-case string is an ISO 3166 region (so "TX" or "FL" are not countries). */
export function isRegionCode(value: string): boolean {
  if (value.length !== 2 || !/^[A-Z]{2}$/.test(value)) return false;
  let known = REGION_CODES.get(value);
  if (known === undefined) {
    try {
      known = REGION_NAMES.of(value) !== value;
    } catch {
      known = false;
    }
    REGION_CODES.set(value, known);
  }
  return known;
}

const REGION_CODES = new Map<string, boolean>();

export interface CslAddress {
  /** The address as printed (may be just the country). */
  text?: string;
  country?: string;
}

/**
 * One flattened CSV address, `street, city, state, postal, CC`: the text as printed, and the country from its
 * last part (an ISO code, or a country name in the older BIS wording "…, Beijing, China").
 */
export function parseAddress(value: string): CslAddress | undefined {
  const s = cleanText(value).replace(/^and\s+/i, '');
  if (!s) return undefined;
  const last = s.slice(s.lastIndexOf(',') + 1).trim();
  const country = isRegionCode(last) ? last : /^[A-Z]{2}$/.test(last) ? undefined : countryCode(last);
  return country && s === last ? { country } : { text: s, country };
}

/** Country codes of nationality / citizenship cells: ISO codes as given, names mapped, the rest kept as text. */
function countriesOf(values: string[]): string[] {
  return values.map((v) => (isRegionCode(v) ? v : (countryCode(v) ?? v)));
}

// ---------------------------------------------------------------------------------------------------------
// ids

/**
 * `ids` entries flatten an object {type, number, country, issue_date, expiration_date} with ", ". The order
 * changed between generations:
 * - 2019 and 2022-04: the keys alphabetically, empty ones left out: `[country, ][expiration, ][issue, ]number, type`
 *   ("CN, 91110000MA005UCQ5P, Unified Social Credit Code (USCC)", "JO, 2014-08-30, 2009-08-31, K475336, Passport",
 *   "03 Jun 2021, Listing Date (CMIC)");
 * - 2025: `type, number[, country]` ("Passport, 836238033, KP", "Gender, Male").
 * Numbers may contain ", " themselves ("Korea, North", "section 1(b) of Executive Order 13224, as amended by …"),
 * so an entry is read from its ends: which end is a country code, which end looks like an id type, which end is
 * a date. An entry that shows neither (rare) follows the other entries of its row, then of its file.
 */
export type IdsOrder = 'number-first' | 'type-first';

/** Frequent OFAC id types (folded: lower case, without a trailing ":" or " -"). */
const KNOWN_ID_TYPES = new Set(
  [
    'Gender', 'Additional Sanctions Information', 'Passport', 'Secondary sanctions risk', 'Website', 'Tax ID No.',
    'National ID No.', 'Registration Number', 'Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions',
    'Cedula No.', 'Organization Established Date', 'Vessel Registration Identification', 'Registration ID',
    'Executive Order 13662 Directive Determination', 'NIT #', 'Email Address', 'Executive Order 13846 information',
    'C.U.R.P.', 'R.F.C.', 'Government Gazette Number', 'Aircraft Model', 'Aircraft Manufacturer\'s Serial Number (MSN)',
    'Aircraft Manufacture Date', 'Aircraft Operator', 'Target Type', 'SWIFT/BIC', 'Identification Number', 'ISIN',
    'Organization Type', 'RUC #', 'Company Number', 'Former Vessel Flag', 'Folio Mercantil No.',
    'Executive Order 14024 Directive Information', 'Commercial Registry Number',
    'Aircraft Construction Number (also called L/N or S/N or F/N)', 'V.A.T. Number', 'Issuer Name', 'Equity Ticker',
    'Unified Social Credit Code (USCC)', 'Effective Date (CMIC)', 'Listing Date (CMIC)',
    'Purchase/Sales For Divestment Date (CMIC)', 'Business Registration Number', 'Trade License No.',
    'Matricula Mercantil No', 'Aircraft Tail Number', 'MMSI', 'D.N.I.', 'C.R. No.', 'CAATSA Section 235 Information',
    'D-U-N-S Number', 'BIK (RU)', 'Phone Number', 'Business Registration Document #', 'License', 'Driver\'s License No.',
    'RIF #', 'Legal Entity Number', 'Electoral Registry No.', 'Nationality of Registration', 'RFC', 'Diplomatic Passport',
    'Public Registration Number', 'Personal ID Card', 'Italian Fiscal Code', 'Chamber of Commerce Number', 'US FEIN',
    'Chinese Commercial Code', 'IFCA Determination', 'PEESA Information', 'Other Vessel Flag', 'Other Vessel Type',
    'Other Vessel Call Sign', 'MICEX Code', 'UN/LOCODE', 'SSN', 'Serial No.', 'Registration Country', 'Kenyan ID No.',
    'Birth Certificate Number', 'Aircraft Serial Identification', 'Aircraft Mode S Transponder Code',
    'Previous Aircraft Tail Number', 'Registered Charity No.', 'UK Company Number', 'Call Sign',
  ].map(foldType),
);

const ID_TYPE_WORDS =
  /\b(no|number|id|code|date|address|passport|gender|website|license|licence|identification|registration|ticker|isin|name|flag|type|card|swift\/bic|mmsi|information|determination|operator|model|fiscal|risk)\b\.?|#$/i;

function foldType(type: string): string {
  return (/[:-]\s*$/.test(type) ? type.replace(/\s*(?::|\s-)\s*$/, '') : type).trim().toLowerCase();
}

/** An id type label as printed, without the trailing ":" or " -" OFAC appends to some. */
function cleanType(type: string): string {
  return type.replace(/\s*(?::|\s-)\s*$/, '').trim() || type.trim();
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** How much a part of an ids entry looks like the type label (positive) or like a value (negative). */
function typeScore(part: string): number {
  if (KNOWN_ID_TYPES.has(foldType(part))) return 3;
  if (/(?::|\s-)$/.test(part)) return 2;
  if ((/^\d/.test(part) && isoDate(part)) || /@|^https?:|^www\./i.test(part)) return -2;
  if (/\d/.test(part)) return ID_TYPE_WORDS.test(part) ? 0 : -1;
  return ID_TYPE_WORDS.test(part) ? 1 : 0;
}

/** The order of one entry when it shows it; undefined when it is ambiguous. */
export function idsEntryOrder(entry: string): IdsOrder | undefined {
  const parts = entry.split(', ');
  if (parts.length < 2) return undefined;
  const first = parts[0]!.trim();
  const last = parts[parts.length - 1]!.trim();
  if (parts.length >= 3) {
    const firstCc = isRegionCode(first);
    const lastCc = isRegionCode(last);
    if (firstCc && !lastCc) return 'number-first';
    if (lastCc && !firstCc) return 'type-first';
  }
  const a = typeScore(first);
  const b = typeScore(last);
  if (b > a) return 'number-first';
  if (a > b) return 'type-first';
  return undefined;
}

/** The entries of an `ids` cell (split on "; "). */
export function idsEntries(cell: string | null | undefined): string[] {
  const s = cleanText(cell);
  return s ? s.split(/;\s+/).map((e) => e.trim()).filter(Boolean) : [];
}

/** The majority order of many entries (a file's), or undefined when none shows its order. */
export function idsOrderHint(entries: Iterable<string>): IdsOrder | undefined {
  let numberFirst = 0;
  let typeFirst = 0;
  for (const e of entries) {
    const o = idsEntryOrder(e);
    if (o === 'number-first') numberFirst++;
    else if (o === 'type-first') typeFirst++;
  }
  if (numberFirst === typeFirst) return undefined;
  return numberFirst > typeFirst ? 'number-first' : 'type-first';
}

/**
 * The identifiers of one `ids` cell. `fileHint` (asked only when needed) settles entries that neither they nor
 * their row can settle; without one they are read in the current (2025) order.
 */
export function parseIdsCell(cell: string | null | undefined, fileHint?: IdsOrder | (() => IdsOrder | undefined)): Identifier[] {
  const entries = idsEntries(cell);
  if (!entries.length) return [];
  const orders = entries.map(idsEntryOrder);
  let rowHint: IdsOrder | undefined;
  const hint = (): IdsOrder => {
    if (!rowHint) {
      const numberFirst = orders.filter((o) => o === 'number-first').length;
      const typeFirst = orders.filter((o) => o === 'type-first').length;
      rowHint =
        numberFirst > typeFirst ? 'number-first'
        : typeFirst > numberFirst ? 'type-first'
        : ((typeof fileHint === 'function' ? fileHint() : fileHint) ?? 'type-first');
    }
    return rowHint;
  };
  const out: Identifier[] = [];
  for (let i = 0; i < entries.length; i++) {
    const id = parseIdsEntry(entries[i]!, orders[i] ?? hint());
    if (id && !out.some((o) => o.type === id.type && o.value === id.value && o.country === id.country)) out.push(id);
  }
  return out;
}

function parseIdsEntry(entry: string, order: IdsOrder): Identifier | undefined {
  const parts = entry.split(', ').map((p) => p.trim());
  if (parts.length < 2) return identifier('Identifier', entry);
  let type: string;
  let country: string | undefined;
  let rest: string[];
  if (order === 'type-first') {
    type = parts[0]!;
    rest = parts.slice(1);
    if (rest.length >= 2 && isRegionCode(rest[rest.length - 1]!)) country = rest.pop();
  } else {
    type = parts[parts.length - 1]!;
    rest = parts.slice(0, -1);
    if (rest.length >= 2 && isRegionCode(rest[0]!)) country = rest.shift();
    // expiration_date and issue_date (alphabetical order) before the number: the model keeps no id dates
    for (let i = 0; i < 2 && rest.length >= 2 && ISO_DATE.test(rest[0]!); i++) rest.shift();
  }
  return identifier(type, rest.join(', '), country);
}

/** One identifier; a date-valued one ("Listing Date (CMIC)", "03 Jun 2021") as YYYY-MM-DD. */
export function identifier(type: string | null | undefined, value: string | null | undefined, country?: string | null): Identifier | undefined {
  const t = cleanType(cleanText(type));
  let v = cleanText(value);
  if (!t || !v) return undefined;
  if (/\bdate\b/i.test(t)) v = isoDate(v) ?? v;
  const c = cleanText(country);
  const cc = c ? (isRegionCode(c) ? c : (countryCode(c) ?? c)) : undefined;
  return cc ? { type: t, value: v, country: cc } : { type: t, value: v };
}

// ---------------------------------------------------------------------------------------------------------
// Items to records

/** One CSL entry, whichever format it came in, with its text cleaned. */
export interface CslItem {
  /** "<file>: row 12" / "<file>: results[3]", for errors. */
  where: string;
  list: ListCode;
  id?: string;
  entityNumber?: string;
  type?: string;
  name: string;
  title?: string;
  programs: string[];
  altNames: string[];
  addresses: CslAddress[];
  citation?: string;
  startDate?: string;
  endDate?: string;
  standardOrder?: string;
  licenseRequirement?: string;
  licensePolicy?: string;
  callSign?: string;
  vesselType?: string;
  grossTonnage?: string;
  grossRegisteredTonnage?: string;
  vesselFlag?: string;
  vesselOwner?: string;
  remarks?: string;
  sourceListUrl?: string;
  sourceInformationUrl?: string;
  citizenships: string[];
  nationalities: string[];
  datesOfBirth: string[];
  placesOfBirth: string[];
  identifiers: Identifier[];
}

const PARTY_TYPES: Record<string, PartyType> = { individual: 'individual', entity: 'entity', vessel: 'vessel', aircraft: 'aircraft' };

/** A date field as YYYY-MM-DD; a value that is there but is no date is an error naming the row and field. */
function dateField(value: string | undefined, field: string, where: string): string | undefined {
  if (!value) return undefined;
  const iso = isoDate(value);
  if (!iso) throw new ParseError(`${where}: ${field}: "${value}" is not a date`);
  return iso;
}

/**
 * The single notices of a citation cell, each as "NN FR NNNNN" (+ whatever date the source adds):
 * "84 FR 22961, 85 FR 29852; 87 FR 8180" -> three; DPL "67 F.R. 56530 9/4/02 71 F.R. 38843 7/10/06" and
 * "46 F.R. 46154 9/17/81 and 46 F.R. 19290 3/30/81" -> two.
 * Citations that are not Federal Register ones ("Vol. 88, No. 151, 08/08/2023") stay whole.
 */
export function citationParts(citation: string | undefined): string[] {
  if (!citation) return [];
  const out: string[] = [];
  for (const piece of citation.split(/\s*;\s*/)) {
    for (const part of piece.split(/(?:,|\s+and)?\s+(?=\d+\s*F\.?\s?R\.?\s*\d)/)) {
      const v = part.replace(/(\d+)\s*F\.?\s?R\.?\s*(?=\d)/g, '$1 FR ').replace(/[\s,]+$/, '').trim();
      if (v && !out.includes(v)) out.push(v);
    }
  }
  return out;
}

/**
 * A designation's citation: its notices in Federal Register order (volume, page), joined with "; ", so that
 * the text does not change when trade.gov reorders the rows of an entity or the notices within a cell.
 */
export function citationText(parts: string[]): string | undefined {
  const fr = (c: string) => c.match(/^(\d+) FR (\d+)/);
  const sorted = [...new Set(parts)].sort((x, y) => {
    const mx = fr(x);
    const my = fr(y);
    if (mx && my) return +mx[1]! - +my[1]! || +mx[2]! - +my[2]!;
    return mx ? -1 : my ? 1 : 0;
  });
  return sorted.join('; ') || undefined;
}

function uniteCitations(a: string | undefined, b: string | undefined): string | undefined {
  if (!a || !b || a === b) return a ?? b;
  return citationText([...a.split('; '), ...b.split('; ')]);
}

const AFFILIATE = /^(.+?)[.\s]+Affiliated Entit(?:y|ies):\s*(.+)$/i;

/** "Huawei Technologies Co., Ltd. (Huawei). Affiliated Entity: Hangzhou Huawei Enterprises" -> parent, affiliate. */
export function affiliateOf(name: string): { parent: string; name: string } | undefined {
  const m = name.match(AFFILIATE);
  return m ? { parent: m[1]!.trim(), name: m[2]!.trim() } : undefined;
}

const SUCCESSOR_SUFFIX = /[\s;,]*\b(?:and\s+)?(?:any\s+successors?,?\s+sub-?units?|its\s+sub-?units?\s+and\s+successors)\b.*$/i;
// "a.k.a." in any case, or a bare lower-case "aka"/"fka" (so that a name like "(AKA Holdings)" is left alone)
const AKA = String.raw`(?:[aAfFnN]\.\s?[kK]\.\s?[aA]\.?|aka|fka)`;
const AKA_PAREN = new RegExp(String.raw`\s*[([]\s*(${AKA})\s*,?\s+([^)\]]+)[)\]]`);
const AKA_TAIL = new RegExp(String.raw`,\s*(${AKA})\s*,?\s+(.+)$`);

/**
 * Names printed inside the name: "X (a.k.a. Y; Z)", "X (f.k.a. Y)", "X, a.k.a. Y", "X and any successor,
 * sub-unit, or subsidiary thereof" (State ISN), "Parent. Affiliated Entity: X" (EL, Huawei). The name stays
 * as printed (it is the key); these are added as aliases.
 */
export function namesInName(name: string): Array<{ value: string; kind: 'alias' | 'former' }> {
  const out: Array<{ value: string; kind: 'alias' | 'former' }> = [];
  let base = affiliateOf(name)?.name ?? name;
  const suffix = base.replace(SUCCESSOR_SUFFIX, '').trim();
  if (suffix && suffix !== base) base = suffix;
  const m = base.match(AKA_PAREN) ?? base.match(AKA_TAIL);
  if (m) {
    const kind = /^f/i.test(m[1]!) ? 'former' : 'alias';
    for (const v of m[2]!.split(new RegExp(String.raw`\s*;\s*|,\s*${AKA}\s*,?\s+`))) {
      const value = v.replace(/^and\s+/i, '').trim();
      if (value) out.push({ value, kind });
    }
    base = base.replace(m[0], m.index === 0 ? '' : ' ').replace(/\s+/g, ' ').trim();
  }
  if (base && base !== name) out.unshift({ value: base, kind: 'alias' });
  return out;
}

/**
 * The remark of a BIS/State row worth keeping as a note. DPL remarks are mostly BIS's edit log
 * ("F.R. NOTICE ADDED, TDO RENEWAL", "ADDRESS CORRECTION"): not about the party, different on every row of one
 * order, and rewritten on every renewal (each rewrite would look like a change); only those about the denial
 * itself ("50 YEAR DENIAL", "DENIED UNTIL 2056", "NON STANDARD DENIAL") are kept.
 */
function listingRemark(item: CslItem): string | undefined {
  if (!item.remarks) return undefined;
  if (item.list === 'US-BIS-DPL' && !/\bDENI(?:AL|ED)\b/i.test(item.remarks)) return undefined;
  return item.remarks;
}

/**
 * What the CSL start date is, per list, where the rows say it consistently:
 * - Denied Persons: the order's date, from which it is effective; its Federal Register notice follows (an
 *   order of 2018-12-31 published on 2019-02-04, "84 F.R. 1427 2/4/2019").
 * - Nonproliferation sanctions (ISN): the day the sanctions took effect; the notice follows ("2021-03-02",
 *   "Vol. 86, No. 71, 04/15/2021").
 * - Not the Entity List: its start dates are sometimes the rule's publication (Huawei: 2019-05-21, the day
 *   84 FR 22961 was published, for a rule effective 2019-05-16) and sometimes its effective day (SMIC:
 *   2020-12-18 for a rule published 2020-12-22), so an EL start date says nothing of its kind, and is shown
 *   as a bare date. Nor the other lists, whose rows carry no start date or whose kind is not established.
 */
const START_DATE_KIND: Partial<Record<ListCode, 'effective' | 'published'>> = {
  'US-BIS-DPL': 'effective',
  'US-STATE-ISN': 'effective',
};

/** The one date a Federal Register notice text of a row gives ("... 04/15/2021", "... 2/4/2019"), if one. */
function noticeDate(citation: string | undefined): string | undefined {
  const dates = [...(citation ?? '').matchAll(/\b(\d{1,2})\/(\d{1,2})\/(\d{4}|\d{2})\b/g)].map((m) => isoDate(`${m[1]}/${m[2]}/${m[3]}`));
  return dates.length === 1 ? dates[0] : undefined;
}

/** The record of one item (before merging rows with the same key). */
function toRecord(item: CslItem): SourceRecordInput {
  const treasury = isTreasuryList(item.list);
  let since = dateField(item.startDate, 'start_date', item.where);
  let sinceKind = since ? START_DATE_KIND[item.list] : undefined;
  // The notice's publication date where the row gives one ("Vol. 86, No. 71, 04/15/2021", "84 F.R. 1427 2/4/2019").
  const published = sinceKind === 'effective' ? noticeDate(item.citation) : undefined;
  const until = dateField(item.endDate, 'end_date', item.where);
  if (!since && item.list === 'US-OFAC-CMIC') {
    // NS-CMIC rows carry no start_date; the listing date (the day OFAC published the entry) is one of their ids
    const listing = item.identifiers.find((i) => /^listing date \(cmic\)$/i.test(i.type))?.value;
    if (listing && ISO_DATE.test(listing)) {
      since = listing;
      sinceKind = 'published';
    }
  }
  const ref = item.entityNumber ?? item.id;
  const key = treasury && ref ? stableKey(item.list, ref) : stableKey(item.list, keyName(item.name), since);

  const notes = [
    item.licenseRequirement && `License requirement: ${item.licenseRequirement}`,
    item.licensePolicy && `License policy: ${item.licensePolicy}`,
    item.standardOrder && /^(?:y|yes|true)$/i.test(item.standardOrder) && 'Standard denial order',
    // BIS/State remarks are about the listing (DPL: "50 YEAR DENIAL"; ISN: "Procurement ban ended 02/03")
    !treasury && listingRemark(item),
  ].filter((x): x is string => !!x);
  const affiliate = affiliateOf(item.name);
  // Entity List footnote digits in the licence text ("§§734.9(g),3 746.8(a)(3)"): kept apart and explained on
  // the card (lookup), the notes left as the row has them (a changed note would alert every such entry).
  const footnotes = item.list === 'US-BIS-EL' && item.licenseRequirement ? splitFootnotes(item.licenseRequirement).footnotes : [];
  const designation: DesignationInput = {
    list: item.list,
    status: 'active',
    since,
    since_kind: sinceKind,
    ...(since && published && published !== since ? { published, effective: since } : {}),
    until,
    programs: item.programs,
    citation: citationText(citationParts(item.citation)),
    url: item.sourceListUrl ?? item.sourceInformationUrl,
    notes: notes.join(NOTES_SEPARATOR) || undefined,
    ...(footnotes.length ? { footnotes } : {}),
  };

  const vessel = [
    item.vesselType && `type ${item.vesselType}`,
    item.vesselFlag && `flag ${item.vesselFlag}`,
    item.grossTonnage && `tonnage ${item.grossTonnage}`,
    item.grossRegisteredTonnage && `GRT ${item.grossRegisteredTonnage}`,
    item.vesselOwner && `owner ${item.vesselOwner}`,
  ].filter(Boolean);
  const remarks = [
    treasury ? item.remarks : undefined,
    item.title && `Title: ${item.title}`,
    item.datesOfBirth.length ? `DOB: ${item.datesOfBirth.join('; ')}` : undefined,
    item.placesOfBirth.length ? `POB: ${item.placesOfBirth.join('; ')}` : undefined,
    vessel.length ? `Vessel: ${vessel.join(', ')}` : undefined,
  ].filter((x): x is string => !!x);

  const identifiers = [...item.identifiers];
  if (item.callSign) identifiers.push({ type: 'Call Sign', value: item.callSign });

  return {
    key,
    name: item.name,
    type: PARTY_TYPES[(item.type ?? '').toLowerCase()] ?? 'unknown',
    names: [
      { value: item.name, kind: 'primary' },
      ...namesInName(item.name),
      ...item.altNames.map((value) => ({ value, kind: 'alias' as const })),
    ],
    countries: [
      ...new Set([
        ...item.addresses.map((a) => a.country).filter((c): c is string => !!c),
        ...countriesOf(item.nationalities),
        ...countriesOf(item.citizenships),
      ]),
    ],
    addresses: uniq(item.addresses.map((a) => a.text).filter((t): t is string => !!t), addressId),
    identifiers: uniq(identifiers, identifierId),
    designations: [designation],
    parent: affiliate?.parent,
    remarks: remarks.join('; ') || undefined,
  };
}

/** Between the parts of a designation's notes (the parts themselves use ";" and "."). */
const NOTES_SEPARATOR = ' | ';

function uniq<T>(values: T[], id: (x: T) => string): T[] {
  if (values.length < 2) return values;
  const seen = new Set<string>();
  return values.filter((v) => {
    const k = id(v);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function uniteText(a: string | undefined, b: string | undefined, separator: string): string | undefined {
  if (!a || !b || a === b) return a ?? b;
  const parts = uniq([...a.split(separator), ...b.split(separator)], (s) => s.toLowerCase().replace(/[.\s]+$/, ''));
  return parts.join(separator) || undefined;
}

const addressId = (a: string) => a.toLowerCase();
const identifierId = (i: Identifier) => `${i.type}\u0000${i.value}\u0000${i.country ?? ''}`;
const nameId = (n: { kind: string; value: string }) => `${n.kind}\u0000${n.value}`;

function minDate(a?: string, b?: string): string | undefined {
  return a && b ? (a < b ? a : b) : (a ?? b);
}

function maxDate(a?: string, b?: string): string | undefined {
  return a && b ? (a > b ? a : b) : (a ?? b);
}

/** Two designations on the same list as one (see the header comment for the rules). */
function mergeDesignation(a: DesignationInput, b: DesignationInput): DesignationInput {
  return {
    ...a,
    since: minDate(a.since, b.since),
    until: maxDate(a.until, b.until),
    programs: [...new Set([...(a.programs ?? []), ...(b.programs ?? [])])],
    citation: uniteCitations(a.citation, b.citation),
    url: a.url ?? b.url,
    notes: uniteText(a.notes, b.notes, NOTES_SEPARATOR),
    ...(a.footnotes || b.footnotes ? { footnotes: [...new Set([...(a.footnotes ?? []), ...(b.footnotes ?? [])])] } : {}),
  };
}

function mergeInto(a: SourceRecordInput, b: SourceRecordInput): SourceRecordInput {
  const designations = [...a.designations];
  for (const d of b.designations) {
    const i = designations.findIndex((x) => x.list === d.list);
    if (i >= 0) designations[i] = mergeDesignation(designations[i]!, d);
    else designations.push(d);
  }
  // the first row's name stays the name; another row's spelling of it ("AL-NASER AIRLINES") becomes an alias
  const bNames = (b.names ?? []).map((n) => (n.kind === 'primary' && n.value !== a.name ? { ...n, kind: 'alias' as const } : n));
  return {
    ...a,
    type: a.type === 'unknown' ? b.type : a.type,
    names: [...(a.names ?? []), ...bNames],
    countries: [...(a.countries ?? []), ...(b.countries ?? [])],
    addresses: [...(a.addresses ?? []), ...(b.addresses ?? [])],
    identifiers: [...(a.identifiers ?? []), ...(b.identifiers ?? [])],
    designations,
    parent: a.parent ?? b.parent,
    remarks: uniteText(a.remarks, b.remarks, '; '),
  };
}

/** A merged record without the repeats its rows brought (finalizeRecords unites only across its own merges). */
function tidy(r: SourceRecordInput): SourceRecordInput {
  return {
    ...r,
    names: uniq(r.names ?? [], nameId),
    countries: [...new Set(r.countries ?? [])],
    addresses: uniq(r.addresses ?? [], addressId),
    identifiers: uniq(r.identifiers ?? [], identifierId),
  };
}

/**
 * Items to validated records: one record per key (rows of one entity merged, one designation per list),
 * validated by `finalizeRecords`, then the config's `lists` applied.
 */
export function cslRecords(items: Iterable<CslItem>, lists: readonly string[] | undefined, where: string): SourceRecord[] {
  const byKey = new Map<string, SourceRecordInput>();
  const merged = new Set<string>();
  for (const item of items) {
    const record = toRecord(item);
    const prior = byKey.get(record.key);
    if (prior) merged.add(record.key);
    byKey.set(record.key, prior ? mergeInto(prior, record) : record);
  }
  for (const key of merged) byKey.set(key, tidy(byKey.get(key)!));
  return keepLists(finalizeRecords([...byKey.values()], where), lists);
}

/** A CSL parser from a function that yields one document's items: every document, filtered by `lists`. */
export function cslParser(itemsOf: (doc: FetchedDocument, wanted: Set<string> | undefined) => Iterable<CslItem>): Parser {
  return ({ source, documents }) => {
    const wanted = source.lists ? new Set<string>(source.lists) : undefined;
    const where = documents.map((d) => d.name).join(', ') || source.id;
    return cslRecords(
      (function* () {
        for (const doc of documents) yield* itemsOf(doc, wanted);
      })(),
      source.lists,
      where,
    );
  };
}
