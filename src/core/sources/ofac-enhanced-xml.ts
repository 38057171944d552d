/**
 * `ofac-enhanced-xml`: OFAC's SDN / CONS Enhanced XML (root `sanctionsData`, namespace
 * https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML).
 *
 * Per entity: key = the OFAC entity id (the ent_num of the legacy CSV, stable); one designation per list named
 * in `sanctionsLists` ("SDN List", "Non-SDN CMIC List", "Sectoral Sanctions Identifications List", ... — the
 * umbrella "Consolidated List" every entity of CONS carries is not a list of its own); `since` = the CMIC
 * Listing Date feature for CMIC, else the list entry's `datePublished`. Programs, legal authorities (citation)
 * and sanctions types (notes) are shared out between an entity's lists where the program says which list it
 * belongs to (UKRAINE-EO13662 -> SSI, CMIC-EO13959 -> CMIC, ...). Names: the primary name and every alias
 * (A.K.A. -> alias, F.K.A. -> former, N.K.A. -> alias, low-quality A.K.A. -> weak), each with every
 * translation: Chinese Simplified / Traditional become script 'han' with lang zh-Hans / zh-Hant. Identity
 * documents and the Equity Ticker / ISIN / SWIFT/BIC features become identifiers; addresses become text and
 * country codes; the remaining features and relationships are kept as remarks.
 *
 * The old `sdnList` XML (SDN.XML / consolidated.xml, tempuri.org namespace) is read too, since it is cheap:
 * its list is the config's `list`, else as for ofac-csv (consolidated file by name -> lists from programs).
 * `lists` in the config keeps only those lists (current.json keeps the six non-SDN lists of CONS).
 */
import type { ListCode } from '../lists';
import { SourceRecord, type DesignationInput, type Identifier, type NameEntry, type NameKind, type PartyType, type Script, type SourceRecordInput } from '../model';
import { finalizeRecords, isoDate, keepLists } from './common';
import { formatZodIssues } from './config';
import { consolidatedListOfProgram, isConsolidatedName, listsOfPrograms, ofacCountries, ofacCountryCode } from './ofac-csv';
import { ParseError, type FetchedDocument, type Parser } from './types';
import { bufferChunks, streamXml, type XNode } from './xml-stream';

export const ENHANCED_XML_NAMESPACE = 'https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML';

/** Elements that repeat: always arrays, so that a single item does not turn into an object. */
const REPEATED = new Set([
  'entity',
  'sanctionsList',
  'sanctionsProgram',
  'sanctionsType',
  'legalAuthority',
  'name',
  'translation',
  'namePart',
  'address',
  'addressPart',
  'feature',
  'identityDocument',
  'relationship',
  // the old sdnList format
  'sdnEntry',
  'program',
  'aka',
  'id',
  'nationality',
  'citizenship',
  'dateOfBirthItem',
  'placeOfBirthItem',
]);

function isNode(v: unknown): v is XNode {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The text of an element, whether it came out as a string or as an object with attributes. */
function txt(v: unknown): string | undefined {
  if (Array.isArray(v)) return txt(v[0]);
  if (typeof v === 'string') return v.trim() || undefined;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (isNode(v)) return txt(v['#text']);
  return undefined;
}

function attr(v: unknown, name: string): string | undefined {
  const node = Array.isArray(v) ? v[0] : v;
  return isNode(node) ? txt(node[`@_${name}`]) : undefined;
}

function child(node: unknown, key: string): XNode | undefined {
  if (!isNode(node)) return undefined;
  const v = node[key];
  const first = Array.isArray(v) ? v[0] : v;
  return isNode(first) ? first : undefined;
}

/** node.a.b...: the items of the last step as an array (missing steps give []). */
function items(node: unknown, ...path: string[]): unknown[] {
  let cur: unknown = node;
  for (let i = 0; i < path.length - 1; i++) cur = child(cur, path[i]!);
  if (!isNode(cur)) return [];
  const v = cur[path[path.length - 1]!];
  if (v === undefined || v === null || v === '') return [];
  return Array.isArray(v) ? v : [v];
}

// ---------------------------------------------------------------------------------------------------------
// Lists, scripts

/** The list code of an Enhanced XML sanctionsList name; null for the umbrella "Consolidated List". */
export function listOfEnhancedName(name: string): ListCode | null | undefined {
  const n = name.trim();
  if (/^consolidated list$/i.test(n)) return null;
  if (/^SDN List$|specially designated nationals/i.test(n)) return 'US-OFAC-SDN';
  if (/\bCMIC\b|chinese military/i.test(n)) return 'US-OFAC-CMIC';
  if (/sectoral sanctions|\bSSI\b/i.test(n)) return 'US-OFAC-SSI';
  if (/palestinian legislative|\bPLC\b/i.test(n)) return 'US-OFAC-PLC';
  if (/menu-based|\bMBS\b/i.test(n)) return 'US-OFAC-MBS';
  if (/\bCAPTA\b|correspondent account|\b561\b/i.test(n)) return 'US-OFAC-CAPTA';
  if (/\bFSE\b|foreign sanctions evaders/i.test(n)) return 'US-OFAC-FSE';
  return undefined;
}

function scriptOfName(name: string | undefined): { script?: Script; lang?: string } {
  if (!name) return {};
  if (/^latin$/i.test(name)) return { script: 'latin' };
  if (/chinese simplified/i.test(name)) return { script: 'han', lang: 'zh-Hans' };
  if (/chinese traditional/i.test(name)) return { script: 'han', lang: 'zh-Hant' };
  if (/chinese|han/i.test(name)) return { script: 'han', lang: 'zh' };
  return { script: 'other' };
}

const ADDRESS_ORDER = ['ADDRESS1', 'ADDRESS2', 'ADDRESS3', 'CITY', 'STATE/PROVINCE', 'POSTAL CODE', 'REGION'];
const ID_FEATURES = new Set(['Equity Ticker', 'ISIN', 'SWIFT/BIC', 'BIK (RU)']);
const COUNTRY_FEATURES = new Set(['Nationality Country', 'Citizenship Country', 'Nationality of Registration']);
const CMIC_DATES: Record<string, 'listing' | 'effective' | 'divestment'> = {
  'Listing Date (CMIC)': 'listing',
  'Effective Date (CMIC)': 'effective',
  'Purchase/Sales For Divestment Date (CMIC)': 'divestment',
};

/** Sanctions types that say which list they belong to. */
function listOfSanctionsType(type: string): ListCode | undefined {
  if (/13662|sectoral/i.test(type)) return 'US-OFAC-SSI';
  if (/cmic|13959/i.test(type)) return 'US-OFAC-CMIC';
  if (/^block$/i.test(type)) return 'US-OFAC-SDN';
  if (/^reject$/i.test(type)) return 'US-OFAC-PLC';
  if (/\b561\b/.test(type)) return 'US-OFAC-CAPTA';
  return undefined;
}

/**
 * Share items out between lists: an item that names its list goes there; the rest go to the lists that got
 * none of their own (SDN, MBS...); a list left with nothing gets everything.
 */
function share<T>(lists: ListCode[], values: T[], listOf: (v: T) => ListCode | undefined): Map<ListCode, T[]> {
  const out = new Map<ListCode, T[]>(lists.map((l) => [l, []]));
  const rest: T[] = [];
  for (const v of values) {
    const l = listOf(v);
    if (l && out.has(l)) out.get(l)!.push(v);
    else rest.push(v);
  }
  const bare = lists.filter((l) => !out.get(l)!.length);
  for (const l of bare) out.get(l)!.push(...rest);
  if (!bare.length) for (const l of lists) out.get(l)!.push(...rest);
  for (const l of lists) if (!out.get(l)!.length) out.get(l)!.push(...values);
  return out;
}

function eoNumbers(text: string): string[] {
  return [...text.matchAll(/(?:EO|Executive Order)\s*(\d{5})/gi)].map((m) => m[1]!);
}

// ---------------------------------------------------------------------------------------------------------
// Enhanced XML entities

function featureDate(f: unknown): string | undefined {
  const vd = child(f, 'valueDate');
  return isoDate(txt(vd?.fromDateBegin)) ?? isoDate(txt((f as XNode).value));
}

function enhancedRecord(entity: XNode, where: string, fallbackList: ListCode | undefined): SourceRecordInput {
  const key = attr(entity, 'id');
  if (!key) throw new ParseError(`${where}: an <entity> has no id`);
  const at = `${where}: entity ${key}`;
  const general = child(entity, 'generalInfo');
  const rawType = txt(general?.entityType)?.toLowerCase();
  const type: PartyType = rawType === 'individual' || rawType === 'vessel' || rawType === 'aircraft' || rawType === 'entity' ? rawType : 'unknown';

  // names
  const names: NameEntry[] = [];
  let primaryName: string | undefined;
  for (const n of items(entity, 'names', 'name')) {
    const isPrimary = txt((n as XNode).isPrimary) === 'true';
    const aliasType = (txt((n as XNode).aliasType) ?? '').toUpperCase();
    const low = txt((n as XNode).isLowQuality) === 'true';
    const kind: NameKind = isPrimary ? 'primary' : aliasType === 'F.K.A.' ? 'former' : low ? 'weak' : 'alias';
    for (const t of items(n, 'translations', 'translation')) {
      const parts = items(t, 'nameParts', 'namePart').map((p) => txt((p as XNode).value)).filter(Boolean);
      const value = txt((t as XNode).formattedFullName) ?? (parts.length ? parts.join(' ') : undefined);
      if (!value) continue;
      const tPrimary = txt((t as XNode).isPrimary) === 'true';
      const { script, lang } = scriptOfName(txt((t as XNode).script));
      let tKind: NameKind = kind;
      if (kind === 'primary') {
        if (tPrimary && !primaryName) primaryName = value;
        else tKind = 'translation';
      }
      const entry: NameEntry = { value, kind: tKind };
      if (script) entry.script = script;
      if (lang) entry.lang = lang;
      names.push(entry);
    }
  }
  primaryName ??= names.find((n) => n.kind === 'primary' || n.kind === 'translation')?.value ?? names[0]?.value;
  if (!primaryName) throw new ParseError(`${at}: no name`);

  // lists and programs
  const listEntries = items(entity, 'sanctionsLists', 'sanctionsList');
  const lists: ListCode[] = [];
  const published = new Map<ListCode, string>();
  const unknown: string[] = [];
  for (const l of listEntries) {
    const name = txt(l);
    if (!name) continue;
    const code = listOfEnhancedName(name);
    if (code === null) continue;
    if (!code) {
      unknown.push(name);
      continue;
    }
    if (!lists.includes(code)) lists.push(code);
    const date = isoDate(attr(l, 'datePublished'));
    if (date && !published.has(code)) published.set(code, date);
  }
  const programs = items(entity, 'sanctionsPrograms', 'sanctionsProgram').map(txt).filter((p): p is string => !!p);
  if (!lists.length) {
    if (fallbackList) lists.push(fallbackList);
    else if (unknown.length) throw new ParseError(`${at} "${primaryName}": unknown sanctions list ${unknown.map((u) => JSON.stringify(u)).join(', ')}`);
    else throw new ParseError(`${at} "${primaryName}": no sanctions list`);
  }
  const authorities = items(entity, 'legalAuthorities', 'legalAuthority').map(txt).filter((a): a is string => !!a);
  const sanctionsTypes = items(entity, 'sanctionsTypes', 'sanctionsType').map(txt).filter((a): a is string => !!a);

  // features
  const identifiers: Identifier[] = [];
  const countryTexts: Array<string | undefined> = [];
  const remarks: string[] = [];
  const generalRemarks = txt(general?.remarks);
  if (generalRemarks) remarks.push(generalRemarks);
  const cmic: Partial<Record<'listing' | 'effective' | 'divestment', string>> = {};
  for (const f of items(entity, 'features', 'feature')) {
    const ftype = txt((f as XNode).type);
    const value = txt((f as XNode).value);
    if (!ftype) continue;
    const which = CMIC_DATES[ftype];
    if (which) {
      cmic[which] ??= featureDate(f);
      continue;
    }
    if (!value) continue;
    if (ID_FEATURES.has(ftype)) identifiers.push({ type: ftype, value });
    else if (COUNTRY_FEATURES.has(ftype)) countryTexts.push(value);
    // The securities issuer is often the company itself, but can be its parent (Huawei Technologies: Huawei
    // Investment & Holding): searchable, yet too weak to join parties on.
    else if (ftype === 'Issuer Name') names.push({ value, kind: 'weak' });
    else remarks.push(`${ftype} ${value}`);
  }
  for (const d of items(entity, 'identityDocuments', 'identityDocument')) {
    const dtype = txt((d as XNode).type);
    const number = txt((d as XNode).documentNumber);
    if (!dtype || !number) continue;
    const countryText = txt((d as XNode).issuingCountry);
    const id: Identifier = { type: dtype, value: number };
    const cc = ofacCountryCode(countryText);
    if (countryText) id.country = cc ?? countryText;
    identifiers.push(id);
    countryTexts.push(countryText);
  }

  // addresses
  const addresses: string[] = [];
  for (const a of items(entity, 'addresses', 'address')) {
    const country = txt((a as XNode).country);
    countryTexts.unshift(country);
    for (const t of items(a, 'translations', 'translation')) {
      const parts = items(t, 'addressParts', 'addressPart')
        .map((p) => ({ type: txt((p as XNode).type) ?? '', value: txt((p as XNode).value) }))
        .filter((p): p is { type: string; value: string } => !!p.value)
        .sort((x, y) => rank(x.type) - rank(y.type))
        .map((p) => p.value);
      if (parts.length) addresses.push([...parts, country].filter(Boolean).join(', '));
    }
  }

  // relationships
  let parent: string | undefined;
  for (const r of items(entity, 'relationships', 'relationship')) {
    const rtype = txt((r as XNode).type);
    const related = txt((r as XNode).relatedEntity);
    if (!related) continue;
    if (rtype && /^owned or controlled by$/i.test(rtype)) parent ??= related;
    remarks.push(`${rtype ?? 'Linked To'}: ${related}`);
  }

  const programsBy = share(lists, programs, consolidatedListOfProgram);
  const typesBy = share(lists, sanctionsTypes, listOfSanctionsType);
  const designations: DesignationInput[] = lists.map((list) => {
    const progs = programsBy.get(list) ?? programs;
    const eos = new Set(progs.flatMap(eoNumbers));
    const matching = authorities.filter((a) => eoNumbers(a).some((n) => eos.has(n)));
    const cite = matching.length ? matching : authorities;
    const d: DesignationInput = { list, status: 'active', programs: progs };
    const notes = [...(typesBy.get(list) ?? [])];
    if (list === 'US-OFAC-CMIC') {
      const since = cmic.listing ?? cmic.effective ?? published.get(list);
      if (since) d.since = since;
      if (cmic.effective) notes.push(`Effective Date (CMIC) ${cmic.effective}`);
      if (cmic.divestment) notes.push(`Purchase/Sales For Divestment Date (CMIC) ${cmic.divestment}`);
    } else if (published.get(list)) d.since = published.get(list);
    if (cite.length) d.citation = cite.join('; ');
    if (notes.length) d.notes = notes.join('; ');
    return d;
  });

  const record: SourceRecordInput = {
    key,
    name: primaryName,
    type,
    names,
    countries: ofacCountries(countryTexts),
    addresses: [...new Set(addresses)],
    identifiers,
    designations,
  };
  if (parent) record.parent = parent;
  if (remarks.length) record.remarks = remarks.join('; ');
  return record;
}

function rank(type: string): number {
  const i = ADDRESS_ORDER.indexOf(type.toUpperCase());
  return i < 0 ? ADDRESS_ORDER.length : i;
}

// ---------------------------------------------------------------------------------------------------------
// The old sdnList XML

function sdnListRecord(entry: XNode, where: string, listOf: (programs: string[]) => ListCode[]): SourceRecordInput {
  const key = txt(entry.uid);
  const last = txt(entry.lastName);
  const first = txt(entry.firstName);
  if (!key) throw new ParseError(`${where}: an <sdnEntry> has no uid`);
  if (!last) throw new ParseError(`${where}: sdnEntry ${key} has no lastName`);
  const name = first ? `${last}, ${first}` : last;
  const rawType = txt(entry.sdnType)?.toLowerCase();
  const type: PartyType = rawType === 'individual' || rawType === 'vessel' || rawType === 'aircraft' || rawType === 'entity' ? rawType : 'unknown';
  const programs = items(entry, 'programList', 'program').map(txt).filter((p): p is string => !!p);
  const names: NameEntry[] = [{ value: name, kind: 'primary' }];
  for (const a of items(entry, 'akaList', 'aka')) {
    const al = txt((a as XNode).lastName);
    if (!al) continue;
    const af = txt((a as XNode).firstName);
    const akaType = (txt((a as XNode).type) ?? '').toLowerCase();
    const weak = /weak/i.test(txt((a as XNode).category) ?? '');
    const kind: NameKind = akaType === 'f.k.a.' ? 'former' : weak ? 'weak' : 'alias';
    names.push({ value: af ? `${al}, ${af}` : al, kind });
  }
  const countryTexts: Array<string | undefined> = [];
  const addresses: string[] = [];
  for (const a of items(entry, 'addressList', 'address')) {
    const node = a as XNode;
    const country = txt(node.country);
    countryTexts.push(country);
    const parts = ['address1', 'address2', 'address3', 'city', 'stateOrProvince', 'postalCode', 'country'].map((k) => txt(node[k])).filter(Boolean);
    if (parts.length) addresses.push(parts.join(', '));
  }
  const identifiers: Identifier[] = [];
  for (const i of items(entry, 'idList', 'id')) {
    const node = i as XNode;
    const idType = txt(node.idType);
    const idNumber = txt(node.idNumber);
    if (!idType || !idNumber) continue;
    const c = txt(node.idCountry);
    const id: Identifier = { type: idType, value: idNumber };
    if (c) id.country = ofacCountryCode(c) ?? c;
    identifiers.push(id);
    countryTexts.push(c);
  }
  for (const n of items(entry, 'nationalityList', 'nationality')) countryTexts.push(txt((n as XNode).country));
  for (const n of items(entry, 'citizenshipList', 'citizenship')) countryTexts.push(txt((n as XNode).country));
  const record: SourceRecordInput = {
    key,
    name,
    type,
    names,
    countries: ofacCountries(countryTexts),
    addresses: [...new Set(addresses)],
    identifiers,
    designations: listOf(programs).map((list) => ({ list, status: 'active' as const, programs })),
  };
  const remarks = txt(entry.remarks);
  if (remarks) record.remarks = remarks;
  return record;
}

// ---------------------------------------------------------------------------------------------------------

const WHAT = 'an OFAC Enhanced XML file';

type Fixed = ListCode | undefined;

/** Each record validated as it comes: an error names the file and the entity. */
function validated(input: SourceRecordInput, where: string): SourceRecordInput {
  const parsed = SourceRecord.safeParse(input);
  if (!parsed.success) throw new ParseError(`${where}: entity ${input.key} "${input.name}": ${formatZodIssues(parsed.error)}`);
  return input;
}

/**
 * Stream one OFAC XML document (Enhanced `sanctionsData` or old `sdnList`), calling `onRecord` with each
 * entity's record, validated. Memory: one entity's subtree at a time, plus the caller's records.
 */
export function streamOfacXml(chunks: Iterable<Buffer>, where: string, fixed: Fixed, onRecord: (r: SourceRecordInput) => void): void {
  let kind: 'enhanced' | 'sdnList' | undefined;
  let hasEntities = false;
  let sdnListOf: (programs: string[]) => ListCode[] = () => ['US-OFAC-SDN'];
  streamXml(chunks, {
    where,
    what: WHAT,
    repeated: REPEATED,
    onRoot(name, attributes) {
      if (name === 'sanctionsData') {
        const ns = attributes.xmlns;
        if (ns && ns !== ENHANCED_XML_NAMESPACE) {
          throw new ParseError(`${where}: <sanctionsData> in namespace ${ns}, not the OFAC Enhanced XML namespace ${ENHANCED_XML_NAMESPACE}`);
        }
        kind = 'enhanced';
      } else if (name === 'sdnList') {
        kind = 'sdnList';
        sdnListOf = fixed ? () => [fixed] : isConsolidatedName(where) ? listsOfPrograms : () => ['US-OFAC-SDN'];
      } else {
        throw new ParseError(`${where}: not ${WHAT}: the root element is <${name}>, expected <sanctionsData> (or the old <sdnList>)`);
      }
    },
    onOpen(name, path) {
      if (name === 'entities' && path.length === 1) hasEntities = true;
    },
    collect(name, path) {
      if (kind === 'enhanced') return name === 'entity' && path.length === 2 && path[1] === 'entities';
      return name === 'sdnEntry' && path.length === 1;
    },
    onElement(_name, node) {
      onRecord(validated(kind === 'enhanced' ? enhancedRecord(node, where, fixed) : sdnListRecord(node, where, sdnListOf), where));
    },
  });
  if (kind === 'enhanced' && !hasEntities) throw new ParseError(`${where}: <sanctionsData> has no <entities>`);
}

function recordsOf(doc: FetchedDocument, input: Parameters<Parser>[0]): SourceRecord[] {
  const raw: SourceRecordInput[] = [];
  streamOfacXml(bufferChunks(doc.body), doc.name, input.source.list, (r) => raw.push(r));
  return finalizeRecords(raw, doc.name);
}

export const parseOfacEnhancedXml: Parser = (input) => {
  if (!input.documents.length) throw new ParseError(`${input.source.location}: no document to read`);
  const docs = input.documents.length > 1 ? input.documents.filter((d) => /\.xml$/i.test(d.name.split(/[?#]/)[0] ?? '')) : input.documents;
  if (!docs.length) throw new ParseError(`${input.source.location}: no .xml file among the documents`);
  const records = docs.flatMap((d) => recordsOf(d, input));
  return keepLists(docs.length > 1 ? finalizeRecords(records, input.source.location) : records, input.source.lists);
};
