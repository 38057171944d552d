/**
 * One `<sdnEntry>` of the old sdnList XML (SDN.XML / consolidated.xml, tempuri.org namespace) -> a record.
 */
import type { ListCode } from '../../lists';
import type { Identifier, NameEntry, NameKind, PartyType, SourceRecordInput } from '../../model';
import { ofacCountries, ofacCountryCode } from '../ofac-csv';
import { ParseError } from '../types';
import { items, txt, type XNode } from './node';

// ---------------------------------------------------------------------------------------------------------
// The old sdnList XML

export function sdnListRecord(entry: XNode, where: string, listOf: (programs: string[]) => ListCode[]): SourceRecordInput {
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
