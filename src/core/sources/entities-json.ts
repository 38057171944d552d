/**
 * `entities-json`: a plain list of entities. The document is an array, or an object with `entities` or
 * `entries`; each item has `name` and optionally `aliases`, `id`/`uid`, `type`, `program(s)`, `country`,
 * `address`, `effective_date`, `federal_register`, `notes`, `status`, `list`.
 *
 * Real shapes: phagehunter/nsfreg `{list_id, count, entities[]}` (BIS EL / MEU / DPL, NS-CMIC, ...), the
 * derived OFAC SDN roster `{entries[{uid, name, aliases, program "A] [B", type "-0-"|individual|...}]}`,
 * and EyeWarnYou's `{entries[{id, list, name, altNames, countries, programs, startDate, sourceUrl,
 * cnStatus, cnStatusUntil, remarks}]}` (those field names are read as synonyms).
 *
 * - List: the item's `list` when it is a list code or a known alias (CN-UEL, CN-ECL, CN-ECWL, CN-AFSL...),
 *   else the config's `list`; neither is a ParseError.
 * - Key: the item's id/uid when present; otherwise stableKey(list, keyName(name), country, date) where
 *   date = effective_date (ISO), else the normalised FR citations, else the raw federal_register text.
 *   Items sharing a key (the same entry printed twice, e.g. the DPL's one row per address) fold into
 *   one record with their addresses united and one designation per list.
 * - federal_register: every citation "76 FR 71869" / "46 F.R. 46154" in the text, in order, distinct,
 *   joined with "; " is the citation (all of them: the original listing and each amendment); the earliest
 *   date in the text (11/21/11, 9-22-08, June 10, 2026) is `since` when effective_date is absent. Text
 *   without an "N FR N" citation ("Vol. 86, No. 51, 03/18/21, Federal Register") is kept as written.
 * - status: null/active -> active; removed/stopped/delisted/revoked/inactive... -> removed; suspended or
 *   pending -> suspended (until from `cnStatusUntil`/`until`); other wording stays active and is noted.
 */
import type { DesignationInput, DesignationStatus, NameEntry, PartyType, SourceRecordInput } from '../model';
import { isListCode, type ListCode } from '../lists';
import { countryCode, countryCodes, decodeText, finalizeRecords, isoDate, keepLists, keyName, scriptOf, splitMulti, stableKey } from './common';
import { cnNoticeCitation, tidyMergedRecords } from './cn-sanctions-csv';
import { footnoteLines, splitFootnotes } from './el-footnotes';
import { checkItems } from './entities-json-item';
import { ParseError, type FetchedDocument, type Parser } from './types';

const FORMAT = 'entities-json';

/** List names other projects use for our lists. */
const LIST_ALIASES: Record<string, ListCode> = {
  'CN-UEL': 'CN-MOFCOM-UEL',
  'CN-ECL': 'CN-MOFCOM-ECL',
  'CN-ECWL': 'CN-MOFCOM-ECWL',
  'CN-AFSL': 'CN-CM',
  'CN-CML': 'CN-CM',
  'CN-CM': 'CN-CM',
  'CN-TAO-DIEHARD': 'CN-TAO',
  'CN-TAO-ACCOMP': 'CN-TAO',
  'US-NS-CMIC': 'US-OFAC-CMIC',
  'US-BIS-MIEU': 'US-BIS-MEU',
};

export function listFromText(text: string | undefined): ListCode | undefined {
  if (!text) return undefined;
  const t = text.trim().toUpperCase();
  if (isListCode(t)) return t;
  return LIST_ALIASES[t];
}

// ---------------------------------------------------------------------------------------------------------
// Federal Register citations

export interface FederalRegister {
  /** Distinct "N FR N" citations in order of appearance. */
  citations: string[];
  /** Every date the text names, as ISO, in order of appearance. */
  dates: string[];
}

const FR_CITATION = /\b(\d{1,3})\s*F\.?\s?R\.?\s*(\d{1,6})\b/g;
const MONTH_NAMES = 'Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?';
const DATE_IN_TEXT = new RegExp(
  `\\b(\\d{1,2})[/-](\\d{1,2})[/-](\\d{4}|\\d{2})\\b|\\b(\\d{4}-\\d{2}-\\d{2})\\b|\\b((?:${MONTH_NAMES})\\.?\\s+\\d{1,2},?\\s+\\d{4})\\b`,
  'g',
);

/** Citations and dates of a federal_register cell: "73 FR 54504, 9/22/08. 75 FR 78883, 12/17/10." */
export function parseFederalRegister(text: string | null | undefined): FederalRegister {
  const citations: string[] = [];
  const dates: string[] = [];
  if (!text) return { citations, dates };
  for (const m of text.matchAll(FR_CITATION)) {
    const c = `${m[1]} FR ${m[2]}`;
    if (!citations.includes(c)) citations.push(c);
  }
  for (const m of text.matchAll(DATE_IN_TEXT)) {
    const iso = m[1] ? isoDate(`${m[1]}/${m[2]}/${m[3]}`) : isoDate(m[4] ?? m[5]);
    if (iso) dates.push(iso);
  }
  return { citations, dates };
}

// ---------------------------------------------------------------------------------------------------------
// Item fields

type Item = Record<string, unknown>;

function text(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  return s || undefined;
}

/** A string or an array of strings (other values are ignored) as a list of trimmed, distinct values. */
function texts(v: unknown, separator?: string | RegExp): string[] {
  const values = Array.isArray(v) ? v : [v];
  const out: string[] = [];
  for (const x of values) {
    const s = text(x);
    if (!s) continue;
    for (const part of separator ? splitMulti(s, separator) : [s]) if (!out.includes(part)) out.push(part);
  }
  return out;
}

function first(item: Item, ...fields: string[]): unknown {
  for (const f of fields) {
    const v = item[f];
    if (v !== undefined && v !== null && v !== '') return v;
  }
  return undefined;
}

function partyType(value: string | undefined): PartyType {
  if (!value) return 'unknown';
  const t = value.trim().toLowerCase();
  if (t === '-0-' || t === 'entity' || t === 'organization' || t === 'organisation' || t === 'company' || t === 'legalentity') return 'entity';
  if (t === 'individual' || t === 'person') return 'individual';
  if (t === 'vessel') return 'vessel';
  if (t === 'aircraft' || t === 'airplane') return 'aircraft';
  return 'unknown';
}

function statusOf(value: string | undefined): { status: DesignationStatus; remark?: string } {
  if (!value) return { status: 'active' };
  const t = value.trim().toLowerCase();
  if (t === 'active' || t === 'current' || t === 'in effect') return { status: 'active' };
  // Plain status words need no remark; other wording ("Inactive-Pending Litigation") is kept in notes.
  const plain = /^(suspended|removed|stopped|delisted|revoked|terminated|lifted|cancelled|inactive|expired)$/.test(t);
  const remark = plain ? undefined : value.trim();
  if (/suspend|pending/.test(t)) return { status: 'suspended', remark };
  if (/remov|stop|delist|revok|terminat|lift|rescind|cancel|inactive|expired|withdrawn/.test(t)) return { status: 'removed', remark };
  return { status: 'active', remark };
}

function programs(item: Item): string[] {
  const out: string[] = [];
  for (const p of [...texts(item.programs), ...texts(item.program)]) {
    // OFAC's multi-program field: "SDGT] [IRGC] [IFSR".
    for (const part of p.split(/\]\s*\[/)) {
      const v = part.replace(/^\[|\]$/g, '').trim();
      if (v && !out.includes(v)) out.push(v);
    }
  }
  return out;
}

function itemsOf(doc: FetchedDocument): Item[] {
  const body = decodeText(doc);
  const start = body.trimStart().slice(0, 200);
  if (!start) throw new ParseError(`${doc.name}: empty file, expected ${FORMAT}`);
  if (start.startsWith('<')) throw new ParseError(`${doc.name}: looks like HTML or XML, not ${FORMAT}`);
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (err) {
    throw new ParseError(`${doc.name}: not valid JSON (${(err as Error).message})`);
  }
  let items: unknown;
  if (Array.isArray(json)) items = json;
  else if (json && typeof json === 'object') {
    const o = json as Record<string, unknown>;
    items = Array.isArray(o.entities) ? o.entities : Array.isArray(o.entries) ? o.entries : undefined;
    if (items === undefined) {
      throw new ParseError(
        `${doc.name}: no entities: expected an array or an object with an "entities" or "entries" array (found keys: ${Object.keys(o).slice(0, 10).join(', ') || 'none'})`,
      );
    }
  } else throw new ParseError(`${doc.name}: no entities: the JSON is a ${json === null ? 'null' : typeof json}, not an array or object`);
  const list = items as unknown[];
  if (!list.length) throw new ParseError(`${doc.name}: no entities: the list is empty`);
  list.forEach((x, i) => {
    if (!x || typeof x !== 'object' || Array.isArray(x)) throw new ParseError(`${doc.name}: item ${i + 1}: not an object`);
  });
  return checkItems(list, doc.name) as Item[];
}

function recordOf(item: Item, index: number, doc: FetchedDocument, fallbackList: ListCode | undefined): SourceRecordInput {
  const at = `${doc.name}: item ${index + 1}`;
  const name = text(item.name);
  if (!name) throw new ParseError(`${at}: no "name"`);
  const itemList = text(item.list);
  const list = listFromText(itemList) ?? fallbackList;
  if (!list) {
    throw new ParseError(
      itemList
        ? `${at} "${name}": list "${itemList}" is not a known list code and the source config names no "list"`
        : `${at} "${name}": the source config needs a "list" (${FORMAT} is a single-list format)`,
    );
  }

  const names: NameEntry[] = [{ value: name, kind: 'primary' }];
  for (const alias of [...texts(item.aliases), ...texts(item.altNames), ...texts(item.alt_names)]) {
    if (alias === name) continue;
    names.push(scriptOf(alias) === 'han' ? { value: alias, kind: 'translation', script: 'han' } : { value: alias, kind: 'alias' });
  }

  const rawCountries = [...texts(item.country), ...texts(item.countries)];
  const countries = countryCodes(rawCountries);
  const addresses = [...texts(item.address), ...texts(item.addresses)].flatMap((a) => splitMulti(a, /;\s+and\s+/i));

  const effectiveText = text(first(item, 'effective_date', 'startDate', 'start_date', 'listing_date'));
  const effective = effectiveText ? isoDate(effectiveText) : undefined;
  if (effectiveText && !effective) throw new ParseError(`${at} "${name}": effective date "${effectiveText}" is not a date`);
  const frText = text(item.federal_register)?.replace(/\s+/g, ' ');
  const fr = parseFederalRegister(frText);
  const frCitation = fr.citations.length ? fr.citations.join('; ') : frText;
  const since = effective ?? [...fr.dates].sort()[0];

  const progs = programs(item);
  const statusText = text(first(item, 'status', 'cnStatus'));
  const { status, remark } = statusOf(statusText);
  const remarks = text(item.remarks);
  const licence = text(item.notes) && list.startsWith('US-BIS-') ? splitFootnotes(text(item.notes)!) : undefined;
  const notes =
    [licence ? licence.text : text(item.notes), remarks, remark && `Status: ${remark}`, ...(licence ? footnoteLines(licence.footnotes, licence.text) : [])]
      .filter(Boolean)
      .join('\n') || undefined;
  let until = isoDate(text(first(item, 'cnStatusUntil', 'until', 'end_date', 'endDate')));
  if (!until && status === 'removed' && remarks) until = isoDate(remarks.match(/\bfrom (\d{4}-\d{2}-\d{2})/)?.[1]);

  const designation: DesignationInput = {
    list,
    status,
    since,
    // effective_date is an effective date; the earliest Federal Register date is when the listing was published.
    since_kind: effective && item.effective_date ? 'effective' : !effective && since ? 'published' : undefined,
    // Both days where the item has its effective date and one Federal Register notice (its publication).
    ...(effective && item.effective_date && new Set(fr.dates).size === 1 && fr.dates[0] !== effective ? { published: fr.dates[0], effective } : {}),
    until: status === 'active' ? undefined : until,
    programs: progs,
    citation: text(item.citation) ?? frCitation ?? progs.map(cnNoticeCitation).find(Boolean),
    url: text(first(item, 'sourceUrl', 'source_url', 'url')),
    authority: text(item.authority),
    notes,
    footnotes: licence?.footnotes.length ? licence.footnotes : undefined,
  };

  const id = text(first(item, 'id', 'uid'));
  const countryKey = rawCountries.map((c) => countryCode(c) ?? keyName(c)).join(',');
  const key = id ?? stableKey(list, keyName(name), countryKey, effective ?? effectiveText ?? frCitation);
  return {
    key,
    name,
    type: partyType(text(item.type)),
    names,
    countries,
    addresses,
    identifiers: [],
    designations: [designation],
  };
}

export const parseEntitiesJson: Parser = ({ source, documents }) => {
  if (!documents.length) throw new ParseError(`${source.id}: no document to parse`);
  const raw = documents.flatMap((doc) => itemsOf(doc).map((item, i) => recordOf(item, i, doc, source.list)));
  const records = tidyMergedRecords(finalizeRecords(raw, documents.map((d) => d.name).join(', ')));
  return keepLists(records, source.lists);
};
