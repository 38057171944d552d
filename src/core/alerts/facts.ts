/**
 * What an analyst needs to act on one change event, read from the stored record and its designation at routing
 * time (the event's own detail is thin: a status, maybe a date): the party as the lookup card names it, its type
 * and countries, what happened (added, removed, suspended, resumed, changed: which fields), the publisher's date
 * (since / published, and the effective date where it differs; never the date the bot refreshed), program or
 * legal basis, citation, a link to the official document, and for China's lists the issuing body.
 */
import { designationsByList } from '../diff';
import { listInfo, type ListCode } from '../lists';
import type { ChangeEvent, Designation, PartyType, SourceRecord } from '../model';
import type { Db } from '../store/db';

export type AlertAction = 'added' | 'relisted' | 'removed' | 'suspended' | 'resumed' | 'changed';

export interface AlertFacts {
  /** The party as its lookup card names it (the party's own record's name). */
  party: string;
  /** The party's id for Details ("p123"). */
  partyId: string;
  /** The event's record name, where it differs from the party's name. */
  listedAs?: string;
  type: PartyType;
  countries: string[];
  action: AlertAction;
  /** For changes: the fields that changed. */
  fields?: string[];
  /** For a rename: the name before. */
  previousName?: string;
  /** The publisher's date of the designation (since, or published), where the source gives one. */
  date?: string;
  /** Which date `date` is: the publication or the effective date; absent where the source does not say. */
  dateKind?: 'published' | 'effective';
  /** The effective date, where it differs from `date`. */
  effective?: string;
  /** A removal or suspension: since when the party had been listed (the designation's date). */
  listedSince?: string;
  /** A removal whose source gives no listing date: when this bot first saw the listing (a lower bound). */
  seenSince?: string;
  /** The end of a suspension, or the date a designation ended, where the source says. */
  until?: string;
  programs: string[];
  /** FR page, 文号, OFAC action. */
  citation?: string;
  /** The official document (or the official entry) to link to. */
  url?: string;
  /** Who issued it: the designation's authority, or the list's issuer (MOFCOM, MFA, TAO...). */
  issuer: string;
  /** China's lists: a measure by Beijing. */
  retaliation: boolean;
}

/** Fields whose change matters to a screening decision (names, status, program); the rest are cosmetic. */
export const MATERIAL_FIELDS = new Set(['name', 'names', 'type', 'status', 'programs', 'since', 'until', 'countries', 'identifiers', 'citation', 'authority']);

/** The short issuer of a Chinese authority as the notices name it. */
export function issuerOf(list: ListCode, authority: string | undefined): string {
  const a = authority ?? '';
  if (/foreign affairs|外交部/i.test(a)) return 'MFA';
  if (/taiwan|台湾|台办/i.test(a)) return 'TAO';
  if (/commerce|商务部|不可靠实体/i.test(a)) return 'MOFCOM';
  if (/state council|国务院/i.test(a)) return 'State Council';
  return a || listInfo(list).issuer;
}

/** A link to the entry itself where the list has one per entry (OFAC: the Sanctions List Search page). */
function entryUrl(list: ListCode, key: string): string | undefined {
  if (list === 'US-OFAC-SDN' && /^\d{1,9}$/.test(key)) return `https://sanctionssearch.ofac.treas.gov/Details.aspx?id=${key}`;
  return undefined;
}

interface RecordRow {
  name: string;
  type: string;
  payload: string;
  party_id: number | null;
  party_name: string | null;
  first_seen: string | null;
}

/** Reads the facts of events from the store; one instance per routing pass (statements prepared once). */
export class FactsReader {
  private readonly q;

  constructor(db: Db) {
    this.q = db.prepare<[string, number], RecordRow>(
      `SELECT r.name, r.type, r.payload, r.party_id, p.name AS party_name,
              (SELECT first_seen FROM designations d WHERE d.record_id = r.id AND d.list = ?) AS first_seen
         FROM records r LEFT JOIN records p ON p.id = r.party_id WHERE r.id = ?`,
    );
  }

  facts(event: ChangeEvent & { recordId: number }): AlertFacts {
    const row = this.q.get(event.list, event.recordId);
    const record = row ? (JSON.parse(row.payload) as SourceRecord) : undefined;
    const designation = record ? designationsByList({ ...record, designations: record.designations ?? [] }).get(event.list) : undefined;
    const facts = eventFacts(event, { name: row?.party_name ?? row?.name ?? event.name, id: row?.party_id ?? event.recordId }, record, designation);
    if (facts.action === 'removed' && !facts.listedSince && row?.first_seen) facts.seenSince = row.first_seen.slice(0, 10);
    return facts;
  }
}

/** The facts of one event, given its record (as stored) and that record's designation on the event's list. */
export function eventFacts(
  event: Pick<ChangeEvent, 'kind' | 'list' | 'name' | 'detail' | 'record'>,
  party: { name: string; id: number },
  record: Pick<SourceRecord, 'type' | 'countries'> | undefined,
  designation: Designation | undefined,
): AlertFacts {
  const d = event.detail;
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  const fields = Array.isArray(d.fields) ? d.fields.map(String) : undefined;
  let action: AlertAction = event.kind;
  if (event.kind === 'added' && d.relisted) action = 'relisted';
  if (event.kind === 'changed' && fields?.includes('status') && d.from === 'suspended' && d.status === 'active') action = 'resumed';
  const since = designation?.since ?? str(d.since);
  const published = designation?.published ?? (designation?.since_kind === 'published' ? since : undefined);
  const effective = designation?.effective ?? (designation?.since_kind === 'effective' ? since : undefined);
  const date = published ?? since ?? effective;
  const retaliation = listInfo(event.list).side === 'cn';
  const facts: AlertFacts = {
    party: party.name,
    partyId: `p${party.id}`,
    type: record?.type ?? 'unknown',
    countries: record?.countries ?? [],
    action,
    programs: designation?.programs ?? [],
    issuer: retaliation ? issuerOf(event.list, designation?.authority) : listInfo(event.list).issuer,
    retaliation,
  };
  if (party.name !== event.name) facts.listedAs = event.name;
  if (fields?.length) facts.fields = fields;
  if (str(d.previous_name)) facts.previousName = str(d.previous_name);
  if (date) facts.date = date;
  const kind = published && date === published ? 'published' : effective && date === effective ? 'effective' : d.since_kind === 'published' || d.since_kind === 'effective' ? d.since_kind : undefined;
  if (date && kind) facts.dateKind = kind;
  if (effective && effective !== date) facts.effective = effective;
  if ((action === 'removed' || action === 'suspended') && since) facts.listedSince = since;
  const until = str(d.until) ?? designation?.until;
  if (until) facts.until = until;
  const citation = designation?.citation ?? str(d.citation);
  if (citation) facts.citation = citation;
  const url = designation?.url ?? entryUrl(event.list, event.record);
  if (url) facts.url = url;
  return facts;
}

/** A removal without the publisher's listing date: what is known of since when. */
export function listedSinceUnknown(f: Pick<AlertFacts, 'seenSince'>): string {
  return f.seenSince ? `listed since at least ${f.seenSince} (the source gives no date; first seen then)` : 'the source gives no listing date';
}

/**
 * The dates of an alert line, in the order every surface shows them: the publisher's date (with its kind), the
 * effective date where it differs, since when the party had been listed (or what is known of it on a removal),
 * and the end of a suspension. Plain text: each renderer escapes it.
 */
export function alertDates(f: AlertFacts): string[] {
  return [
    f.date && f.date !== f.listedSince ? dateText(f) : '',
    f.effective ? `effective ${f.effective}` : '',
    f.listedSince ? `listed since ${f.listedSince}` : f.action === 'removed' ? listedSinceUnknown(f) : '',
    f.until ? `until ${f.until}` : '',
  ].filter(Boolean);
}

/** The programs of an alert line, the first `max` and how many more. */
export function programsText(programs: readonly string[], max = Infinity): string {
  return programs.slice(0, max).join(', ') + (programs.length > max ? ` +${programs.length - max}` : '');
}

/** "aircraft", "vessel", "person", "entity": how a line names the kind of party. */
export function typeWord(type: PartyType): string {
  return type === 'individual' ? 'person' : type === 'unknown' ? 'party' : type;
}

/** What happened, in words: "added to", "removed from", "changed on". */
export const ACTION_WORDS: Record<AlertAction, string> = {
  added: 'added to',
  relisted: 'listed again on',
  removed: 'removed from',
  suspended: 'suspended on',
  resumed: 'back in force on',
  changed: 'changed on',
};

/** The order a digest tells things in: additions, removals, suspensions, material changes, cosmetic ones. */
export function actionRank(f: Pick<AlertFacts, 'action' | 'fields'>): number {
  switch (f.action) {
    case 'added':
    case 'relisted':
      return 0;
    case 'removed':
      return 1;
    case 'suspended':
      return 2;
    case 'resumed':
      return 3;
    case 'changed':
      return f.fields?.some((x) => MATERIAL_FIELDS.has(x)) ? 4 : 5;
  }
}

/** "published 2023-02-27", "effective 2023-02-24", or "since 2019-05-21" where the source does not say which. */
export function dateText(f: Pick<AlertFacts, 'date' | 'dateKind'>): string {
  return `${f.dateKind ?? 'since'} ${f.date}`;
}
