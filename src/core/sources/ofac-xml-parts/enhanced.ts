/**
 * One Enhanced XML `<entity>` (its subtree) -> a record: lists, dates, programs, citations, names, identifiers.
 * See ../ofac-enhanced-xml.ts for the mapping.
 */
import type { ListCode } from '../../lists';
import type { DesignationInput, Identifier, NameEntry, NameKind, PartyType, Script, SourceRecordInput } from '../../model';
import { isoDate } from '../common';
import { consolidatedListOfProgram, ofacCountries, ofacCountryCode } from '../ofac-csv';
import { ParseError } from '../types';
import { attr, child, items, txt, type XNode } from './node';

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

export function enhancedRecord(entity: XNode, where: string, fallbackList: ListCode | undefined): SourceRecordInput {
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
      // The CMIC listing date is the day OFAC published the entry; the effective date is when the bans began.
      const since = cmic.listing ?? cmic.effective ?? published.get(list);
      if (since) {
        d.since = since;
        d.since_kind = !cmic.listing && cmic.effective ? 'effective' : 'published';
      }
      if (cmic.listing && cmic.effective) {
        d.published = cmic.listing;
        d.effective = cmic.effective;
      }
      if (cmic.effective) notes.push(`Effective Date (CMIC) ${cmic.effective}`);
      if (cmic.divestment) notes.push(`Purchase/Sales For Divestment Date (CMIC) ${cmic.divestment}`);
    } else if (published.get(list)) {
      // datePublished: the day the entry was published on that list.
      d.since = published.get(list);
      d.since_kind = 'published';
    }
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
