/**
 * `ofac-csv`: OFAC's legacy CSV files. The primary file (sdn.csv, or cons_prim.csv for the consolidated non-SDN
 * lists) has no header and 12 columns: ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type,
 * Tonnage, GRT, Vess_flag, Vess_owner, Remarks. Null is the literal `-0-` (usually `-0- `), lines end in CRLF
 * and the file ends with a lone `\x1a`. Companions, joined on ent_num, come from the config's `aliases`
 * (alt.csv: ent_num, alt_num, alt_type aka|fka|nka, alt_name, alt_remarks), `addresses` (add.csv: ent_num,
 * add_num, address, city/state/postal, country, add_remarks) and `comments` (sdn_comments.csv: ent_num and the
 * rest of a Remarks cell that was cut at 1,000 characters). Companion rows whose ent_num is not in the primary
 * file are ignored (OFAC publishes the files separately, so they can be out of step).
 *
 * Key = ent_num (stable for the life of an entry). The list is the config's `list`; without one, a file named
 * like cons_prim.csv is the consolidated non-SDN file and each row's programs say its list (`listsOfPrograms`),
 * anything else is the SDN list. The Remarks prose is kept whole as `remarks`, and read for what has a clear
 * shape (`parseOfacRemarks`): weak a.k.a. / f.k.a. names, nationality and registration countries, identifiers
 * `<Type> <number> (<Country>)`, tickers/ISIN/SWIFT, and the CMIC listing, effective and divestment dates.
 * Rows must have exactly the expected number of columns: a truncated file, or a file of another format, fails
 * with a ParseError that names the file and the row.
 */
import { CsvError, parse } from 'csv-parse/sync';
import type { ListCode } from '../lists';
import type { DesignationInput, Identifier, NameEntry, NameKind, PartyType, SourceRecord, SourceRecordInput } from '../model';
import { countryCode, decodeText, finalizeRecords, isoDate, keepLists, keyName } from './common';
import { ParseError, type FetchedDocument, type Parser } from './types';

// ---------------------------------------------------------------------------------------------------------
// Shared with ofac-enhanced-xml: countries as OFAC spells them, and which consolidated list a program belongs to.

/** Spellings OFAC uses that the shared country index does not know. */
const OFAC_SPELLINGS: Record<string, string> = { 'cabo verde': 'CV', 'burma': 'MM', 'eswatini': 'SZ' };

/**
 * ISO code for a country as OFAC writes it: "Korea, North", "Virgin Islands, British", "Man, Isle of",
 * "Congo, Republic of the", "Region: Crimea", "Saint Kitts and Nevis". Undefined when not recognised.
 */
export function ofacCountryCode(text: string | null | undefined): string | undefined {
  if (!text) return undefined;
  const region = /^Region:\s*/i.test(text.trim());
  const s = text.trim().replace(/^Region:\s*/i, '');
  if (!s) return undefined;
  const attempts = [s];
  if (region) attempts.push(s.replace(/^(Northern|Southern|Eastern|Western|North|South|East|West)\s+/i, ''));
  const comma = s.indexOf(',');
  if (comma > 0) {
    attempts.push(`${s.slice(comma + 1).trim()} ${s.slice(0, comma).trim()}`);
    attempts.push(s.slice(0, comma).trim());
  }
  for (const a of attempts) {
    const code = OFAC_SPELLINGS[a.toLowerCase()] ?? countryCode(a) ?? countryCode(a.replace(/^Saint\b/i, 'St'));
    if (code) return code;
  }
  return undefined;
}

/** Country codes for OFAC country texts; unrecognised text is kept as written, "undetermined" is dropped. */
export function ofacCountries(values: Iterable<string | null | undefined>): string[] {
  const out = new Set<string>();
  for (const v of values) {
    const t = v?.trim();
    if (!t || /^(undetermined|unknown|none|none identified|stateless)$/i.test(t)) continue;
    out.add(ofacCountryCode(t) ?? t);
  }
  return [...out];
}

/** The consolidated (non-SDN) list a program marks, or undefined for programs that mark none. */
export function consolidatedListOfProgram(program: string): ListCode | undefined {
  const p = program.trim().toUpperCase();
  if (/^(NS-)?CMIC\b/.test(p)) return 'US-OFAC-CMIC';
  if (p === 'UKRAINE-EO13662' || p === 'SSI') return 'US-OFAC-SSI';
  if (p === 'NS-PLC' || p === 'PLC') return 'US-OFAC-PLC';
  if (/^561(-RELATED|LIST)?$/.test(p) || p === 'CAPTA' || p === 'CAP') return 'US-OFAC-CAPTA';
  if (/^FSE(-|$)/.test(p)) return 'US-OFAC-FSE';
  if (/^(NS-)?MBS$/.test(p) || p === 'NS-ISA') return 'US-OFAC-MBS';
  return undefined;
}

/**
 * The consolidated lists a row of cons_prim.csv is on, from its programs. CMIC-EO13959 -> CMIC,
 * UKRAINE-EO13662 -> SSI, NS-PLC -> PLC, 561-Related -> CAPTA, FSE-* -> FSE, NS-MBS -> MBS. The consolidated
 * file holds only those six lists, so a row whose programs mark none of them (RUSSIA-EO14024, CAATSA - RUSSIA,
 * BURMA-EO14014, ILLICIT-DRUGS-EO14059 in Dec 2025) is on the Menu-Based Sanctions list.
 */
export function listsOfPrograms(programs: readonly string[]): ListCode[] {
  const lists: ListCode[] = [];
  for (const p of programs) {
    const list = consolidatedListOfProgram(p);
    if (list && !lists.includes(list)) lists.push(list);
  }
  return lists.length ? lists : ['US-OFAC-MBS'];
}

/** Programs of an OFAC Program cell: `UKRAINE-EO13662] [RUSSIA-EO14024` -> two programs. */
export function splitPrograms(cell: string | undefined): string[] {
  if (!cell) return [];
  const out: string[] = [];
  for (const part of cell.split(/\]\s*\[/)) {
    const p = part.replace(/^\s*\[/, '').replace(/\]\s*$/, '').trim();
    if (p && !out.includes(p)) out.push(p);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Remarks

const NULL = '-0-';

export interface OfacRemarks {
  /** `a.k.a. '…'` in Remarks: OFAC's weak (low-quality) aliases. */
  weak: string[];
  /** `f.k.a. '…'` in Remarks. */
  former: string[];
  /** `n.k.a. '…'` in Remarks. */
  alias: string[];
  /** `Issuer Name …` (CMIC securities issuers): the company's name as written on its securities. */
  issuerNames: string[];
  /** Countries of nationality, citizenship, registration, and of identifiers, as OFAC spells them. */
  countries: string[];
  identifiers: Identifier[];
  /** `Listing Date (CMIC) 03 Jun 2021` and the other CMIC dates, as YYYY-MM-DD. */
  cmicListing?: string;
  cmicEffective?: string;
  cmicDivestment?: string;
  /** `Linked To: X` (kept in remarks too). */
  linkedTo: string[];
}

/** Identifier types that OFAC prints without a country; matched only at the start of a clause. */
const BARE_IDENTIFIERS = [
  'Equity Ticker',
  'ISIN',
  'SWIFT/BIC',
  'BIK (RU)',
  'Legal Entity Number',
  'Registration ID',
  'Registration Number',
  'Business Registration Number',
  'Public Registration Number',
  'Government Gazette Number',
  'Tax ID No.',
  'National ID No.',
  'Passport',
  'Company Number',
  'Unified Social Credit Code (USCC)',
  'Vessel Registration Identification',
  'Identification Number',
  'MMSI',
  'D-U-N-S Number',
  "Aircraft Manufacturer's Serial Number (MSN)",
  'Aircraft Tail Number',
];
const BARE_ID = new RegExp(
  `^(${BARE_IDENTIFIERS.map((t) => t.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')}|Digital Currency Address - [A-Z0-9]+)\\s+(.+)$`,
);
/** `<Type> <number> (<Country>)`, optionally followed by `issued …` / `expires …`. */
const COUNTRY_ID = /^([^\d:;]{2,80}?)\s+(\S*\d[^()]*?)\s+\(([^()]+)\)(?:[,;]?\s+(?:issued|expires)\b.*)?$/;
const NOT_IDENTIFIER = /^(DOB|POB|nationality|citizen|Gender|Linked To|Listing Date|Effective Date|Organization|Executive Order|Secondary|Additional|Target Type|Website|Email|Phone|Telephone|Fax|Title|Aircraft (Model|Operator|Manufacture Date)|Vessel (Type|Flag|Owner))\b/i;

const QUOTED_NAME = /^([afn]\.k\.a\.),?\s+'(.+)'$/i;
const COUNTRY_CLAUSE = /^(?:Nationality of Registration|Nationality Country|Citizenship Country|nationality|citizen)\s+(.+)$/i;
const CMIC_DATE = /^(Listing|Effective|Purchase\/Sales For Divestment) Date \(CMIC\):?\s+(.+)$/i;

/**
 * `Passport F 879567`, `V.A.T. Number BG 121024920`, `Vessel Registration Identification IMO 9256860`: a short
 * upper-case prefix after the type's noun belongs to the number, not to the type.
 */
function splitTypeValue(type: string, value: string): { type: string; value: string } {
  const m = type.match(/^(.*(?:\b(?:Passport|No\.?|Number|ID|Identification)|#))\s+([A-Z]{1,4}(?:-[A-Z]{1,2})?)$/);
  return m ? { type: m[1]!, value: `${m[2]} ${value}` } : { type, value };
}

/** Split Remarks prose into its `; `-separated clauses, without `alt. ` and the final period. */
export function remarkClauses(remarks: string): string[] {
  return remarks
    .trim()
    .replace(/\.\s*$/, '')
    .split(/;\s*/)
    .map((c) => c.trim().replace(/^alt\.\s+/i, '').replace(/'\.$/, "'"))
    .filter(Boolean);
}

/** Read the structured extras out of OFAC Remarks prose; only clauses of a clear shape are read. */
export function parseOfacRemarks(remarks: string | undefined): OfacRemarks {
  const out: OfacRemarks = { weak: [], former: [], alias: [], issuerNames: [], countries: [], identifiers: [], linkedTo: [] };
  if (!remarks || remarks.trim() === NULL) return out;
  const add = (list: string[], v: string) => {
    if (v && !list.includes(v)) list.push(v);
  };
  const ids = new Set<string>();
  const addId = (id: Identifier) => {
    const k = `${id.type}\u0000${id.value}\u0000${id.country ?? ''}`;
    if (ids.has(k)) return;
    ids.add(k);
    out.identifiers.push(id);
  };
  for (const clause of remarkClauses(remarks)) {
    let m: RegExpMatchArray | null;
    if (clause.endsWith("'") && (m = clause.match(QUOTED_NAME))) {
      const marker = m[1]!.toLowerCase();
      add(marker === 'a.k.a.' ? out.weak : marker === 'f.k.a.' ? out.former : out.alias, m[2]!.trim());
    } else if ((m = clause.match(COUNTRY_CLAUSE))) {
      const value = m[1]!.trim().replace(/^possibly\s+/i, '');
      if (!/^(none|none identified|unknown|undetermined|stateless)$/i.test(value)) add(out.countries, value);
    } else if ((m = clause.match(CMIC_DATE))) {
      const date = isoDate(m[2]);
      const which = m[1]!.toLowerCase();
      if (which === 'listing') out.cmicListing ??= date;
      else if (which === 'effective') out.cmicEffective ??= date;
      else out.cmicDivestment ??= date;
    } else if (clause.startsWith('Issuer Name ')) add(out.issuerNames, clause.slice(12).trim());
    else if ((m = clause.match(/^Linked To:\s*(.+)$/i))) add(out.linkedTo, m[1]!.trim());
    else if (/\)$|\b(issued|expires)\b/.test(clause) && !NOT_IDENTIFIER.test(clause) && (m = clause.match(COUNTRY_ID))) {
      const country = ofacCountryCode(m[3]);
      if (country) {
        addId({ ...splitTypeValue(m[1]!.trim(), m[2]!.trim()), country });
        add(out.countries, m[3]!.trim());
      }
    } else if ((m = clause.match(BARE_ID))) {
      const type = m[1]!;
      const value = m[2]!.trim();
      const shaped = type === 'Equity Ticker' ? /^\S+( [A-Z]{2})?$/.test(value) : /^\S*\d\S*$|^IMO \d+$|^[A-Z0-9-]{4,}$/.test(value);
      if (shaped) addId({ type, value });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Reading the files

/** A cell without its padding; undefined for OFAC's `-0-` null and for blanks. */
function cell(value: string | undefined): string | undefined {
  const t = value?.trim();
  return !t || t === NULL ? undefined : t;
}

interface TableSpec {
  what: string;
  columns: number;
  names: string;
}

const PRIMARY: TableSpec = {
  what: 'OFAC primary CSV (sdn.csv / cons_prim.csv)',
  columns: 12,
  names: 'ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage, GRT, Vess_flag, Vess_owner, Remarks',
};
const ALIASES: TableSpec = { what: 'OFAC alias CSV (alt.csv)', columns: 5, names: 'ent_num, alt_num, alt_type, alt_name, alt_remarks' };
const ADDRESSES: TableSpec = {
  what: 'OFAC address CSV (add.csv)',
  columns: 6,
  names: 'ent_num, add_num, address, city/state/postal, country, add_remarks',
};
const COMMENTS: TableSpec = { what: 'OFAC comments CSV (sdn_comments.csv)', columns: 2, names: 'ent_num, remarks' };

/** The rows of one headerless OFAC CSV, each with exactly `spec.columns` cells and a numeric ent_num. */
export function readOfacTable(doc: FetchedDocument, spec: TableSpec): string[][] {
  const text = decodeText(doc);
  const not = `${doc.name}: not an ${spec.what}`;
  if (!text.trim()) throw new ParseError(`${doc.name} is empty: expected an ${spec.what}`);
  const start = text.trimStart();
  if (/^[[{]/.test(start)) throw new ParseError(`${not}: it is JSON`);
  if (start.startsWith('<')) throw new ParseError(`${not}: it is HTML or XML`);
  let rows: string[][];
  try {
    rows = parse(text, { skip_empty_lines: true, relax_column_count: true }) as string[][];
  } catch (err) {
    if (err instanceof CsvError) {
      const ctx = err as CsvError & { lines?: number; records?: number };
      const row = (ctx.records ?? 0) + 1;
      const where = `row ${row}${ctx.lines ? ` (line ${ctx.lines})` : ''}`;
      const what =
        err.code === 'CSV_QUOTE_NOT_CLOSED'
          ? 'a quoted field is never closed — the file looks truncated'
          : `${err.message.replace(/\s+at line \d+.*$/s, '')}`;
      throw new ParseError(`${doc.name}: ${where}: ${what}`);
    }
    throw new ParseError(`${doc.name}: ${(err as Error).message}`);
  }
  rows.forEach((r, i) => {
    const row = i + 1;
    if (r.length !== spec.columns) {
      const hint = i === rows.length - 1 && r.length < spec.columns ? ' — the file looks truncated' : '';
      const header = i === 0 && r.length > spec.columns ? ' — is this a CSV with a header (the CSL?) rather than OFAC legacy CSV?' : '';
      throw new ParseError(
        `${doc.name}: row ${row}: expected ${spec.columns} columns (${spec.names}), found ${r.length}${hint}${header}`,
      );
    }
    if (!/^\d+$/.test(r[0]!.trim())) {
      throw new ParseError(`${doc.name}: row ${row}: ent_num ${JSON.stringify(r[0]!.slice(0, 40))} is not a number — ${not}`);
    }
  });
  return rows;
}

const TYPES: Record<string, PartyType> = { individual: 'individual', vessel: 'vessel', aircraft: 'aircraft', entity: 'entity' };
const ALT_KINDS: Record<string, NameKind> = { aka: 'alias', fka: 'former', nka: 'alias' };

interface Companions {
  aliases: Map<string, NameEntry[]>;
  addresses: Map<string, Array<{ text?: string; country?: string }>>;
  comments: Map<string, string>;
}

function groupBy<T>(rows: string[][], make: (r: string[], row: number) => T | undefined): Map<string, T[]> {
  const map = new Map<string, T[]>();
  rows.forEach((r, i) => {
    const v = make(r, i + 1);
    if (v === undefined) return;
    const key = r[0]!.trim();
    const list = map.get(key);
    if (list) list.push(v);
    else map.set(key, [v]);
  });
  return map;
}

function readCompanions(docs: { aliases: FetchedDocument[]; addresses: FetchedDocument[]; comments: FetchedDocument[] }): Companions {
  const aliases = new Map<string, NameEntry[]>();
  for (const doc of docs.aliases) {
    const grouped = groupBy(readOfacTable(doc, ALIASES), (r, row) => {
      const name = cell(r[3]);
      if (!name) return undefined;
      const type = (cell(r[2]) ?? 'aka').toLowerCase().replace(/\./g, '');
      const kind = ALT_KINDS[type];
      if (!kind) throw new ParseError(`${doc.name}: row ${row}: alt_type ${JSON.stringify(r[2])} is not aka, fka or nka`);
      return { value: name, kind } satisfies NameEntry;
    });
    for (const [k, v] of grouped) aliases.set(k, [...(aliases.get(k) ?? []), ...v]);
  }
  const addresses = new Map<string, Array<{ text?: string; country?: string }>>();
  for (const doc of docs.addresses) {
    const grouped = groupBy(readOfacTable(doc, ADDRESSES), (r) => {
      const parts = [cell(r[2]), cell(r[3]), cell(r[4])].filter((p): p is string => !!p && !/^undetermined$/i.test(p));
      const remarks = cell(r[5]);
      const text = parts.length ? parts.join(', ') + (remarks ? ` (${remarks})` : '') : undefined;
      return { text, country: cell(r[4]) };
    });
    for (const [k, v] of grouped) addresses.set(k, [...(addresses.get(k) ?? []), ...v]);
  }
  const comments = new Map<string, string>();
  for (const doc of docs.comments) {
    for (const r of readOfacTable(doc, COMMENTS)) {
      const key = r[0]!.trim();
      const text = r[1] ?? '';
      if (cell(text)) comments.set(key, (comments.get(key) ?? '') + text);
    }
  }
  return { aliases, addresses, comments };
}

function baseName(name: string): string {
  return (name.split(/[?#]/)[0] ?? name).split(/[\\/]/).pop()!.toLowerCase();
}

/** True for the consolidated non-SDN primary file by its name (cons_prim.csv, CONS_PRIM.CSV). */
export function isConsolidatedName(name: string): boolean {
  return /(^|[^a-z])cons(olidated)?([_.-]|$)/i.test(baseName(name));
}

/** Sort a folder's documents into primary files and companions by file name. */
function classify(input: Parameters<Parser>[0]) {
  const primary: FetchedDocument[] = [];
  const aliases: FetchedDocument[] = input.extras.aliases ? [input.extras.aliases] : [];
  const addresses: FetchedDocument[] = input.extras.addresses ? [input.extras.addresses] : [];
  const comments: FetchedDocument[] = input.extras.comments ? [input.extras.comments] : [];
  if (input.documents.length <= 1) return { primary: [...input.documents], aliases, addresses, comments };
  for (const doc of input.documents) {
    const base = baseName(doc.name);
    if (!/\.csv$/.test(base)) continue;
    if (/(^|_)alt\.csv$/.test(base)) aliases.push(doc);
    else if (/(^|_)add\.csv$/.test(base)) addresses.push(doc);
    else if (/comments\.csv$/.test(base)) comments.push(doc);
    else primary.push(doc);
  }
  return { primary, aliases, addresses, comments };
}

function designationsFor(
  lists: ListCode[],
  programs: string[],
  extras: OfacRemarks,
): DesignationInput[] {
  return lists.map((list) => {
    const d: DesignationInput = { list, status: 'active', programs };
    if (list === 'US-OFAC-CMIC') {
      const since = extras.cmicListing ?? extras.cmicEffective;
      if (since) {
        d.since = since;
        // The CMIC listing date is the day OFAC published the entry; the effective date is when the bans began.
        d.since_kind = extras.cmicListing ? 'published' : 'effective';
      }
      if (extras.cmicListing && extras.cmicEffective) {
        d.published = extras.cmicListing;
        d.effective = extras.cmicEffective;
      }
      const notes = [
        extras.cmicEffective && `Effective Date (CMIC) ${extras.cmicEffective}`,
        extras.cmicDivestment && `Purchase/Sales For Divestment Date (CMIC) ${extras.cmicDivestment}`,
      ].filter(Boolean);
      if (notes.length) d.notes = notes.join('; ');
    }
    return d;
  });
}

function primaryRecords(doc: FetchedDocument, listOf: (programs: string[]) => ListCode[], companions: Companions): SourceRecordInput[] {
  const out: SourceRecordInput[] = [];
  readOfacTable(doc, PRIMARY).forEach((r, i) => {
    const row = i + 1;
    const key = r[0]!.trim();
    const name = cell(r[1]);
    if (!name) throw new ParseError(`${doc.name}: row ${row}: SDN_Name is empty`);
    const rawType = cell(r[2])?.toLowerCase();
    const type = rawType ? TYPES[rawType] : 'entity';
    if (!type) throw new ParseError(`${doc.name}: row ${row}: SDN_Type ${JSON.stringify(r[2])} is not individual, vessel, aircraft or -0-`);
    const programs = splitPrograms(cell(r[3]));
    const [title, callSign, vessType, tonnage, grt, vessFlag, vessOwner] = r.slice(4, 11).map(cell);
    const comment = companions.comments.get(key);
    // a Remarks cell cut at 1,000 characters goes on in sdn_comments.csv, mid-word: join them as they are
    const remarksText = cell((cell(r[11]) === undefined ? '' : r[11]!) + (comment ?? ''));
    const extras = parseOfacRemarks(remarksText);

    const names: NameEntry[] = [{ value: name, kind: 'primary' }];
    const seen = new Set([keyName(name)]);
    const addName = (value: string, kind: NameKind) => {
      const k = keyName(value);
      if (!k || seen.has(k)) return;
      seen.add(k);
      names.push({ value, kind });
    };
    for (const n of companions.aliases.get(key) ?? []) addName(n.value, n.kind);
    for (const v of extras.alias) addName(v, 'alias');
    // Securities issuer names: sometimes the parent company, so weak (searchable, not joined on).
    for (const v of extras.issuerNames) addName(v, 'weak');
    for (const v of extras.former) addName(v, 'former');
    for (const v of extras.weak) addName(v, 'weak');

    const addresses = companions.addresses.get(key) ?? [];
    const identifiers = [...extras.identifiers];
    if (callSign) identifiers.unshift({ type: 'Call Sign', value: callSign });

    const vessel = [
      vessType && `Vessel Type ${vessType}`,
      tonnage && `Tonnage ${tonnage}`,
      grt && `GRT ${grt}`,
      vessFlag && `Vessel Flag ${vessFlag}`,
      vessOwner && `Vessel Owner ${vessOwner}`,
    ].filter(Boolean);
    const remarks = [title && `Title ${title}`, ...vessel, remarksText].filter(Boolean).join('; ');

    out.push({
      key,
      name,
      type,
      names,
      countries: ofacCountries([...addresses.map((a) => a.country), ...extras.countries, vessFlag]),
      addresses: [...new Set(addresses.map((a) => a.text).filter((t): t is string => !!t))],
      identifiers,
      designations: designationsFor(listOf(programs), programs, extras),
      remarks: remarks || undefined,
    });
  });
  return out;
}

export const parseOfacCsv: Parser = (input) => {
  const docs = classify(input);
  if (!docs.primary.length) {
    throw new ParseError(`${input.source.location}: no primary OFAC CSV (sdn.csv / cons_prim.csv) among the documents`);
  }
  const companions = readCompanions(docs);
  const records: SourceRecord[] = [];
  for (const doc of docs.primary) {
    const fixed = input.source.list;
    const listOf = fixed
      ? () => [fixed]
      : isConsolidatedName(doc.name)
        ? listsOfPrograms
        : (): ListCode[] => ['US-OFAC-SDN'];
    records.push(...finalizeRecords(primaryRecords(doc, listOf, companions), doc.name));
  }
  return keepLists(docs.primary.length > 1 ? finalizeRecords(records, input.source.location) : records, input.source.lists);
};
