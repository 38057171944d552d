/**
 * `ftm-json`: OpenSanctions FollowTheMoney entities, NDJSON (one entity per line; a JSON array is accepted
 * too). Delta files wrap entities as `{"op": "ADD"|"MOD"|"DEL", "entity": {...}}`: ADD/MOD take the entity
 * (a later MOD replaces an earlier version of the same id), DEL is skipped.
 *
 * - Records: the party schemata Person, Company, Organization, LegalEntity, PublicBody, Vessel, Airplane,
 *   one per FtM id (the key). Parties marked `"target": false` (relatives, officers, owners carried along
 *   in an export) are not designated and are left out.
 * - Joined from the same file: Sanction (entity -> the party's designation: since = earliest
 *   startDate/listingDate, programs, authority, sourceUrl, reason; removed with until when every sanction
 *   has an endDate), Address (addressEntity -> addresses), Identification/Passport (holder -> identifiers).
 *   Without a Sanction, since = the party's createdAt.
 * - Names: the caption when it is one of properties.name (OpenSanctions' display pick), else the first
 *   name, is primary; the other names and `alias` are aliases, `previousName` former, `weakAlias` weak.
 * - Countries: country, nationality, citizenship, jurisdiction, mainCountry (lower-case codes upper-cased).
 * - Identifiers: registrationNumber, innCode, ogrnCode, taxNumber, vatCode, leiCode, swiftBic, imoNumber...
 * - List: the config's `list` (required).
 * Property values are read leniently (a bare string counts as a one-value list; non-strings are ignored),
 * as real exports carry such values.
 */
import { z } from 'zod';
import type { DesignationInput, NameEntry, PartyType, SourceRecordInput } from '../model';
import { formatZodIssues } from './config';
import { countryCode, decodeText, finalizeRecords, isoDate, keepLists } from './common';
import { ParseError, type FetchedDocument, type Parser } from './types';

const FORMAT = 'ftm-json';

const PARTY_TYPES: Record<string, PartyType> = {
  Person: 'individual',
  Company: 'entity',
  Organization: 'entity',
  LegalEntity: 'entity',
  PublicBody: 'entity',
  Vessel: 'vessel',
  Airplane: 'aircraft',
};

const IDENTIFIER_PROPS: Record<string, string> = {
  registrationNumber: 'Registration number',
  innCode: 'INN',
  ogrnCode: 'OGRN',
  okpoCode: 'OKPO',
  kppCode: 'KPP',
  taxNumber: 'Tax number',
  vatCode: 'VAT',
  leiCode: 'LEI',
  swiftBic: 'SWIFT/BIC',
  dunsCode: 'DUNS',
  uniqueEntityId: 'UEI',
  cikCode: 'CIK',
  permId: 'PermID',
  imoNumber: 'IMO',
  mmsi: 'MMSI',
  callSign: 'Call sign',
  idNumber: 'ID number',
  passportNumber: 'Passport',
  socialSecurityNumber: 'Social security number',
  icaoCode: 'ICAO',
  serialNumber: 'Serial number',
  wikidataId: 'Wikidata',
};

const COUNTRY_PROPS = ['country', 'nationality', 'citizenship', 'jurisdiction', 'mainCountry'];

const Entity = z.object({
  id: z.string().min(1),
  schema: z.string().min(1),
  caption: z.string().optional(),
  properties: z.record(z.string(), z.unknown()).default({}),
  target: z.boolean().optional(),
  /** Ids this (deduplicated) entity was merged from; references may use them. */
  referents: z.array(z.string()).optional(),
});
type Entity = z.infer<typeof Entity>;

/** A property's values: strings only, trimmed, distinct; a bare string counts as one value. */
function prop(e: Entity, name: string): string[] {
  const v = e.properties[name];
  const values = Array.isArray(v) ? v : [v];
  const out: string[] = [];
  for (const x of values) {
    if (typeof x !== 'string') continue;
    const s = x.trim();
    if (s && !out.includes(s)) out.push(s);
  }
  return out;
}

function country(value: string): string {
  if (/^[a-z]{2}$/i.test(value)) {
    const code = value.toUpperCase();
    return code === 'UK' ? 'GB' : code;
  }
  return countryCode(value) ?? value;
}

/** Full dates only (FtM dates may be partial: 2022, 2022-06). */
function fullDate(value: string | undefined): string | undefined {
  return value && /^\d{4}-\d{2}-\d{2}/.test(value) ? isoDate(value.slice(0, 10)) : undefined;
}

function readEntities(doc: FetchedDocument): { entities: Entity[]; deleted: number } {
  if (!doc.body.length) throw new ParseError(`${doc.name}: empty`);
  const text = decodeText(doc);
  const start = text.trimStart().slice(0, 200);
  if (!start) throw new ParseError(`${doc.name}: empty`);
  if (start.startsWith('<')) throw new ParseError(`${doc.name}: looks like HTML or XML, not FollowTheMoney JSON`);
  if (!start.startsWith('{') && !start.startsWith('[')) throw new ParseError(`${doc.name}: not JSON: FollowTheMoney entities are one JSON object per line`);

  const items: Array<{ value: unknown; where: string }> = [];
  if (start.startsWith('[')) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw new ParseError(`${doc.name}: not valid JSON (${(err as Error).message})`);
    }
    (json as unknown[]).forEach((value, i) => items.push({ value, where: `item ${i + 1}` }));
  } else {
    text.split('\n').forEach((line, i) => {
      if (!line.trim()) return;
      try {
        items.push({ value: JSON.parse(line), where: `line ${i + 1}` });
      } catch (err) {
        throw new ParseError(`${doc.name}: line ${i + 1}: not valid JSON (${(err as Error).message}); expected one entity per line`);
      }
    });
  }

  const entities: Entity[] = [];
  let deleted = 0;
  for (const { value, where } of items) {
    let candidate = value;
    if (candidate && typeof candidate === 'object' && 'op' in candidate) {
      const { op, entity } = candidate as { op: unknown; entity: unknown };
      if (op === 'DEL') {
        deleted++;
        continue;
      }
      if (op !== 'ADD' && op !== 'MOD') throw new ParseError(`${doc.name}: ${where}: unknown delta op ${JSON.stringify(op)} (expected ADD, MOD or DEL)`);
      candidate = entity;
    }
    const parsed = Entity.safeParse(candidate);
    if (!parsed.success) {
      throw new ParseError(`${doc.name}: ${where}: not a FollowTheMoney entity (${formatZodIssues(parsed.error)})`);
    }
    entities.push(parsed.data);
  }
  return { entities, deleted };
}

function designationOf(party: Entity, sanctions: Entity[], list: NonNullable<DesignationInput['list']>): DesignationInput {
  if (!sanctions.length) {
    return {
      list,
      status: 'active',
      since: fullDate(prop(party, 'createdAt')[0]),
      programs: prop(party, 'program'),
      url: prop(party, 'sourceUrl')[0],
    };
  }
  const starts = sanctions.flatMap((s) => [...prop(s, 'startDate'), ...prop(s, 'listingDate')].map(fullDate)).filter((d): d is string => !!d);
  const ends = sanctions.map((s) => prop(s, 'endDate').map(fullDate).find(Boolean));
  const allEnded = ends.every(Boolean);
  const programs = [...new Set(sanctions.flatMap((s) => [...prop(s, 'program'), ...prop(s, 'programId')]))];
  const pick = (name: string) => sanctions.map((s) => prop(s, name)[0]).find(Boolean);
  const notes = [...new Set(sanctions.flatMap((s) => [...prop(s, 'reason'), ...prop(s, 'summary')]))].join('\n') || undefined;
  return {
    list,
    status: allEnded ? 'removed' : 'active',
    since: starts.sort()[0],
    until: allEnded ? (ends as string[]).sort()[ends.length - 1] : undefined,
    programs,
    citation: pick('unscId') ?? pick('authorityId'),
    url: pick('sourceUrl') ?? prop(party, 'sourceUrl')[0],
    authority: pick('authority'),
    notes,
  };
}

function addressText(a: Entity): string | undefined {
  const full = prop(a, 'full')[0];
  if (full) return full;
  const parts = ['street', 'street2', 'city', 'postalCode', 'region', 'state', 'country'].flatMap((p) => prop(a, p));
  return parts.length ? parts.join(', ') : undefined;
}

function partyRecord(
  party: Entity,
  where: string,
  list: NonNullable<DesignationInput['list']>,
  sanctions: Entity[],
  addresses: Map<string, Entity>,
  idDocs: Entity[],
): SourceRecordInput {
  const allNames = prop(party, 'name');
  const caption = party.caption?.trim();
  const primary = caption && (allNames.includes(caption) || !allNames.length) ? caption : allNames[0];
  if (!primary) throw new ParseError(`${where}: ${party.schema} ${party.id} has no name and no caption`);
  const names: NameEntry[] = [{ value: primary, kind: 'primary' }];
  const add = (value: string, kind: NameEntry['kind']) => {
    if (!names.some((n) => n.value === value && (n.kind === kind || n.kind === 'primary'))) names.push({ value, kind });
  };
  for (const n of allNames) add(n, 'alias');
  for (const n of prop(party, 'alias')) add(n, 'alias');
  for (const n of prop(party, 'previousName')) add(n, 'former');
  for (const n of prop(party, 'weakAlias')) add(n, 'weak');

  const countries = [...new Set(COUNTRY_PROPS.flatMap((p) => prop(party, p)).map(country))];
  const addressList = [...prop(party, 'address')];
  for (const ref of prop(party, 'addressEntity')) {
    const a = addresses.get(ref);
    const t = a && addressText(a);
    if (t && !addressList.includes(t)) addressList.push(t);
  }
  const identifiers = Object.entries(IDENTIFIER_PROPS).flatMap(([p, type]) => prop(party, p).map((value) => ({ type, value })));
  for (const d of idDocs) {
    const value = prop(d, 'number')[0];
    if (!value) continue;
    const c = prop(d, 'country')[0];
    identifiers.push({ type: prop(d, 'type')[0] ?? d.schema, value, ...(c ? { country: country(c) } : {}) });
  }
  const remarks = [...prop(party, 'notes')].join('\n') || undefined;
  return {
    key: party.id,
    name: primary,
    type: PARTY_TYPES[party.schema] ?? 'unknown',
    names,
    countries,
    addresses: addressList,
    identifiers,
    designations: [designationOf(party, sanctions, list)],
    remarks,
  };
}

export const parseFtmJson: Parser = ({ source, documents }) => {
  if (!documents.length) throw new ParseError(`${source.id}: no document to parse`);
  const list = source.list;
  if (!list) throw new ParseError(`${source.id}: the source config needs a "list" (${FORMAT} is a single-list format)`);

  const raw: SourceRecordInput[] = [];
  for (const doc of documents) {
    const { entities, deleted } = readEntities(doc);
    // Latest version of each id wins (a MOD after an ADD); file order is kept.
    const byId = new Map<string, Entity>();
    for (const e of entities) byId.set(e.id, e);
    const parties: Entity[] = [];
    const sanctions = new Map<string, Entity[]>();
    const addresses = new Map<string, Entity>();
    const idDocs = new Map<string, Entity[]>();
    const push = (map: Map<string, Entity[]>, key: string, e: Entity) => map.set(key, [...(map.get(key) ?? []), e]);
    for (const e of byId.values()) {
      if (e.schema in PARTY_TYPES) {
        if (e.target !== false) parties.push(e);
      } else if (e.schema === 'Sanction') for (const ref of prop(e, 'entity')) push(sanctions, ref, e);
      else if (e.schema === 'Address') for (const id of [e.id, ...(e.referents ?? [])]) addresses.set(id, e);
      else if (e.schema === 'Identification' || e.schema === 'Passport') for (const ref of prop(e, 'holder')) push(idDocs, ref, e);
    }
    if (!parties.length && !deleted) {
      const schemata = [...new Set(entities.map((e) => e.schema))].join(', ');
      throw new ParseError(`${doc.name}: no party entities (Person, Company, Organization, LegalEntity, PublicBody, Vessel, Airplane) in ${entities.length} entities${schemata ? ` (schemata: ${schemata})` : ''}`);
    }
    for (const p of parties) {
      raw.push(partyRecord(p, doc.name, list, sanctions.get(p.id) ?? [], addresses, idDocs.get(p.id) ?? []));
    }
  }
  const records = finalizeRecords(raw, documents.map((d) => d.name).join(', '));
  return keepLists(records, source.lists);
};
