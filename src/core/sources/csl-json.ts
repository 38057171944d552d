/**
 * `csl-json`: the trade.gov Consolidated Screening List as JSON: the bulk `consolidated.json` and search API
 * responses (`{ results: [...], total, sources_used, ... }`), or a bare array of results (the 2015 API samples).
 *
 * Per result (SOURCES.md "CSL JSON"): scalar fields as in the CSV; `programs`, `alt_names` (may be null),
 * `citizenships`, `nationalities`, `dates_of_birth`, `places_of_birth` as arrays; `addresses` as objects
 * {address, city, state, postal_code, country}; `ids` as objects {type, number, country, issue_date,
 * expiration_date}. Strings are also accepted where arrays are expected (`; `-joined, as in the CSV), and CSV
 * style strings where objects are, so a result copied from either form reads the same.
 */
import { z } from 'zod';
import type { Identifier } from '../model';
import { formatZodIssues } from './config';
import { decodeText } from './common';
import {
  cleanText,
  cslParser,
  identifier,
  listOfItem,
  multi,
  parseAddress,
  parseIdsCell,
  text,
  type CslAddress,
  type CslItem,
} from './csl-common';
import { ParseError, type FetchedDocument, type Parser } from './types';

/** A scalar that may be null, a number or a boolean (standard_order), as text. */
const Scalar = z
  .union([z.string(), z.number(), z.boolean()])
  .nullish()
  .transform((v) => (v === null || v === undefined || v === false ? undefined : text(String(v))));

/** An array of strings, or one `; `-joined string, or null. */
const Multi = z
  .union([z.array(z.union([z.string(), z.number()]).nullable()), z.string()])
  .nullish()
  .transform((v) => (typeof v === 'string' ? multi(v) : (v ?? []).flatMap((x) => (x === null ? [] : multi(String(x))))));

const JsonAddress = z.union([
  z.string(),
  z
    .object({ address: Scalar, city: Scalar, state: Scalar, postal_code: Scalar, country: Scalar })
    .passthrough(),
]);

const JsonId = z.union([
  z.string(),
  z.object({ type: Scalar, number: Scalar, country: Scalar, issue_date: Scalar, expiration_date: Scalar }).passthrough(),
]);

export const CslJsonResult = z
  .object({
    id: Scalar,
    _id: Scalar,
    source: z.string().transform(cleanText).pipe(z.string().min(1, 'source is empty')),
    name: z.string().transform(cleanText).pipe(z.string().min(1, 'name is empty')),
    entity_number: Scalar,
    type: Scalar,
    programs: Multi,
    title: Scalar,
    addresses: z.array(JsonAddress.nullable()).nullish(),
    federal_register_notice: Scalar,
    start_date: Scalar,
    end_date: Scalar,
    standard_order: Scalar,
    license_requirement: Scalar,
    license_policy: Scalar,
    call_sign: Scalar,
    vessel_type: Scalar,
    gross_tonnage: Scalar,
    gross_registered_tonnage: Scalar,
    vessel_flag: Scalar,
    vessel_owner: Scalar,
    remarks: Scalar,
    source_list_url: Scalar,
    source_information_url: Scalar,
    alt_names: Multi,
    citizenships: Multi,
    nationalities: Multi,
    dates_of_birth: Multi,
    places_of_birth: Multi,
    ids: z.union([z.array(JsonId.nullable()), z.string()]).nullish(),
  })
  .passthrough();
type CslJsonResult = z.infer<typeof CslJsonResult>;

function address(a: z.infer<typeof JsonAddress> | null): CslAddress | undefined {
  if (!a) return undefined;
  if (typeof a === 'string') return parseAddress(a);
  const parts = [a.address, a.city, a.state, a.postal_code, a.country].filter((p): p is string => !!p);
  if (!parts.length) return undefined;
  const printed = parseAddress(parts.join(', '));
  // the country field is authoritative; the printed text keeps it last, as the CSV does
  return { text: printed?.text, country: a.country ? (parseAddress(a.country)?.country ?? a.country) : printed?.country };
}

function identifiers(ids: CslJsonResult['ids']): Identifier[] {
  if (!ids) return [];
  if (typeof ids === 'string') return parseIdsCell(ids);
  const out: Identifier[] = [];
  for (const x of ids) {
    if (!x) continue;
    if (typeof x === 'string') out.push(...parseIdsCell(x));
    else {
      const id = identifier(x.type, x.number, x.country);
      if (id) out.push(id);
    }
  }
  return out;
}

function item(r: CslJsonResult, where: string, list: CslItem['list']): CslItem {
  return {
    where,
    list,
    id: r.id ?? r._id,
    entityNumber: r.entity_number,
    type: r.type,
    name: r.name,
    title: r.title,
    programs: r.programs,
    altNames: r.alt_names,
    addresses: (r.addresses ?? []).map(address).filter((a): a is CslAddress => !!a),
    citation: r.federal_register_notice,
    startDate: r.start_date,
    endDate: r.end_date,
    standardOrder: r.standard_order,
    licenseRequirement: r.license_requirement,
    licensePolicy: r.license_policy,
    callSign: r.call_sign,
    vesselType: r.vessel_type,
    grossTonnage: r.gross_tonnage,
    grossRegisteredTonnage: r.gross_registered_tonnage,
    vesselFlag: r.vessel_flag,
    vesselOwner: r.vessel_owner,
    remarks: r.remarks,
    sourceListUrl: r.source_list_url,
    sourceInformationUrl: r.source_information_url,
    citizenships: r.citizenships,
    nationalities: r.nationalities,
    datesOfBirth: r.dates_of_birth,
    placesOfBirth: r.places_of_birth,
    identifiers: identifiers(r.ids),
  };
}

/** The results array of one document; a ParseError when it is not CSL JSON. */
function resultsOf(doc: FetchedDocument): unknown[] {
  const body = decodeText(doc);
  if (!body.trim()) throw new ParseError(`${doc.name}: not a CSL JSON: the file is empty`);
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (err) {
    throw new ParseError(`${doc.name}: not a CSL JSON: not valid JSON (${(err as Error).message})`);
  }
  if (Array.isArray(json)) return json;
  if (json && typeof json === 'object' && Array.isArray((json as { results?: unknown }).results)) {
    return (json as { results: unknown[] }).results;
  }
  throw new ParseError(`${doc.name}: not a CSL JSON: expected an array of results or an object with "results": [...]`);
}

function* itemsOf(doc: FetchedDocument, wanted: ReadonlySet<string> | undefined): Generator<CslItem> {
  const results = resultsOf(doc);
  for (let i = 0; i < results.length; i++) {
    const where = `${doc.name}: results[${i}]`;
    const parsed = CslJsonResult.safeParse(results[i]);
    if (!parsed.success) throw new ParseError(`${where}: ${formatZodIssues(parsed.error)}`);
    const list = listOfItem(parsed.data.source, wanted, where);
    if (list) yield item(parsed.data, where, list);
  }
}

export const parseCslJson: Parser = cslParser(itemsOf);
