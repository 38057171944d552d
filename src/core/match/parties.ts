/**
 * Parties: records on different lists (or sources) that are the same real-world party. Stored as
 * records.party_id (the smallest record id of the group) so that lookup answers one card per party.
 * Rebuilt after every refresh that changed data: linear in the number of records and names.
 *
 * Evidence is applied strongest first, and every join is refused when the merged group would contradict
 * itself (PartyGroups: two different USCCs or registration numbers, a subsidiary with the parent its list
 * names, other countries or record types), so a weak join can never undo what a strong one decided:
 *  1. a shared identifier (USCC, registration, tax or IMO number, ISIN...);
 *  2. the same primary name within one source, when the source repeats a party (in the same country, on
 *     another list, or in another announcement or edition) rather than listing two parties of one name;
 *  3. the same primary name (the full name) across sources;
 *  3b. the same name (primary or translation) on the same list from the same day in two sources: one
 *     designation reported twice (an official notice and a curated sheet), which joins people too when
 *     one side gives no country (their countries must still not disagree);
 *  4. a curated rename: a record's former name is another record's primary name;
 *  5. an alias (not only places) that is another source's primary name for one party, unless the alias's
 *     own source gives it to two of its parties or names another of its parties so;
 *  6. a record's own short name ("(Dahua)" after "Zhejiang Dahua Technology Co., Ltd." on the 1260H sheet)
 *     that is the whole distinctive core of another list's short name for one party ("Dahua Technology");
 *  7. a specific alias that several sources give to one party each and none as a primary name.
 * A name joins only when it points at exactly one party, and a record whose names point at parties that
 * cannot be one (other countries...) joins none of them.
 */
import { killPoint } from '../ops/test-hooks';
import type { Db } from '../store/db';
import { bumpDatasetVersion } from '../store/meta';
import { nameForms } from './normalize';
import { PartyGroups } from './party-groups';
import { joinKey, type Identifier } from './party-identifiers';
import { coreKey, isOwnShortName, aliasNamingAPrimary, specificSharedAlias, type IndexedName } from './party-names';

/** A key shared by more records than this is too generic to join on. */
const MAX_RECORDS_PER_KEY = 12;

/** Record types a company's short name can name. */
const ORGANISATION = new Set(['entity', 'unknown']);

interface RecordRow {
  id: number;
  source_id: string;
  type: string;
  identifiers: string | null;
  countries: string | null;
  parent: string | null;
  lists: string | null;
  dates: string | null;
  listings: string | null;
}

interface NameRow extends IndexedName {
  record_id: number;
  kind: string;
  value: string;
}

interface PartyRecord {
  id: number;
  source: string;
  type: string;
  lists: Set<string>;
  /** When its designations began. */
  dates: Set<string>;
  parent?: string;
  primary?: NameRow;
  /** list|since of each designation. */
  listings: Set<string>;
}

/** Name key -> the records that bear it. */
type KeyIndex = Map<string, number[]>;

/** bumpVersion: when the grouping changed, move the dataset version in the same transaction (lookups keep parties per version). */
export function rebuildParties(db: Db, options: { bumpVersion?: boolean } = {}): number {
  const rows = db
    .prepare<[], RecordRow>(
      `SELECT id, source_id, type, json_extract(payload, '$.identifiers') AS identifiers, json_extract(payload, '$.countries') AS countries,
              json_extract(payload, '$.parent') AS parent,
              (SELECT group_concat(list) FROM designations WHERE record_id = records.id) AS lists,
              (SELECT group_concat(since) FROM designations WHERE record_id = records.id) AS dates,
              (SELECT group_concat(list || '|' || since) FROM designations WHERE record_id = records.id AND since IS NOT NULL) AS listings
         FROM records`,
    )
    .all();
  const names = db
    .prepare<[], NameRow>("SELECT record_id, kind, value, tokens, compact, han FROM names WHERE kind != 'weak' AND compact != ''")
    .all()
    .map((n) => ({ ...n, han: Boolean(n.han) }));

  const identifiers = new Map(rows.map((r) => [r.id, JSON.parse(r.identifiers ?? '[]') as Identifier[]]));
  const groups = new PartyGroups(
    rows.map((r) => ({ id: r.id, type: r.type, countries: JSON.parse(r.countries ?? '[]') as string[], identifiers: identifiers.get(r.id)! })),
  );
  const records = new Map<number, PartyRecord>(
    rows.map((r) => [r.id, { id: r.id, source: r.source_id, type: r.type, lists: split(r.lists), dates: split(r.dates), listings: split(r.listings), ...(r.parent ? { parent: r.parent } : {}) }]),
  );
  for (const n of names) if (n.kind === 'primary') records.get(n.record_id)!.primary ??= n;

  const keys = indexNames(records, names);
  const join = new Joiner(records, groups);
  keepSubsidiariesApart(records, keys.any, groups);
  joinByIdentifiers(identifiers, groups);
  joinWithinSources(records, keys.primary, groups);
  join.toOneParty(keys.primary, keys.primary, { perSource: true });
  joinSameDesignations(records, names, groups);
  join.toOneParty(keys.former, keys.primary, { sameSource: true });
  join.toOneParty(keys.alias, keys.primary, { uniqueInOwnSource: true, apartInOwnSource: keys.primary });
  join.toOneParty(keys.shortName, keys.shortFormCore, { organisations: true, apartInOwnSource: keys.shortFormCore });
  joinOnSharedAliases(records, keys, groups);

  const update = db.prepare<[number, number, number]>('UPDATE records SET party_id = ? WHERE id = ? AND party_id IS NOT ?');
  let changed = 0;
  db.transaction(() => {
    for (const r of rows) changed += update.run(groups.find(r.id), r.id, groups.find(r.id)).changes;
    if (changed && options.bumpVersion) bumpDatasetVersion(db);
    killPoint('during-parties');
  }).immediate();
  return changed;
}

interface NameKeys {
  primary: KeyIndex;
  former: KeyIndex;
  /** Aliases and translations that may name a party (a record's own primary name left out). */
  alias: KeyIndex;
  /** Those of the aliases that may join records sharing them when no record bears them as primary name. */
  sharedAlias: Set<string>;
  /** Distinctive cores of primary names written without a legal form ("Dahua Technology" -> "dahua"). */
  shortFormCore: KeyIndex;
  /** Records' own short names, by the core they stand for. */
  shortName: KeyIndex;
  /** Every name of each record, by compact form (for the parent names of subsidiaries). */
  any: KeyIndex;
}

function indexNames(records: Map<number, PartyRecord>, names: NameRow[]): NameKeys {
  const keys: NameKeys = { primary: new Map(), former: new Map(), alias: new Map(), sharedAlias: new Set(), shortFormCore: new Map(), shortName: new Map(), any: new Map() };
  for (const n of names) {
    const record = records.get(n.record_id)!;
    add(keys.any, n.compact, n.record_id);
    const primary = record.primary;
    if (n === primary) {
      const core = coreKey(n);
      if (core && core.replace(/ /g, '').length >= 3 && !nameForms(n.value).legal) add(keys.shortFormCore, core, n.record_id);
    }
    if (n.kind === 'primary') {
      if (n.compact.length >= 4) add(keys.primary, n.compact, n.record_id);
      continue;
    }
    if (primary && isOwnShortName(n, primary) && !nameForms(n.value).legal) add(keys.shortName, coreKey(primary)!, n.record_id);
    if (n.compact.length < 4 || n.compact === primary?.compact) continue;
    if (n.kind === 'former') add(keys.former, n.compact, n.record_id);
    else if (aliasNamingAPrimary(n)) {
      add(keys.alias, n.compact, n.record_id);
      if (specificSharedAlias(n)) keys.sharedAlias.add(n.compact);
    }
  }
  return keys;
}

function add(index: KeyIndex, key: string, id: number): void {
  const ids = index.get(key) ?? [];
  if (!ids.includes(id)) ids.push(id);
  index.set(key, ids);
}

function split(list: string | null): Set<string> {
  return new Set((list ?? '').split(',').filter(Boolean));
}

function differ(a: Set<string>, b: Set<string>): boolean {
  return a.size !== b.size || [...a].some((x) => !b.has(x));
}

/** A subsidiary never joins the party of the parent its list names (on the 1260H sheet: Parent Name). */
function keepSubsidiariesApart(records: Map<number, PartyRecord>, any: KeyIndex, groups: PartyGroups): void {
  for (const r of records.values()) {
    if (!r.parent) continue;
    for (const id of any.get(nameForms(r.parent).compact) ?? []) if (records.get(id)!.source === r.source) groups.keepApart(r.id, id);
  }
}

function joinByIdentifiers(identifiers: Map<number, Identifier[]>, groups: PartyGroups): void {
  const byKey: KeyIndex = new Map();
  for (const [id, idents] of identifiers) {
    for (const ident of idents) {
      const key = joinKey(ident);
      if (key) add(byKey, key, id);
    }
  }
  for (const ids of byKey.values()) {
    if (ids.length > MAX_RECORDS_PER_KEY) continue;
    for (const id of ids.slice(1)) groups.union(ids[0]!, id, false);
  }
}

/**
 * Records of one source with the same primary name: one party when the source repeats it (in the same
 * country, on another list, or in another announcement or edition), not when it lists two parties of one
 * name at once (two undated OFAC entries "NATIONAL LIBERATION ARMY", one Colombian, one Macedonian, neither
 * with a country).
 */
function joinWithinSources(records: Map<number, PartyRecord>, primary: KeyIndex, groups: PartyGroups): void {
  for (const ids of primary.values()) {
    if (ids.length < 2 || ids.length > MAX_RECORDS_PER_KEY) continue;
    for (let i = 0; i < ids.length; i++) {
      for (let j = i + 1; j < ids.length; j++) {
        const a = records.get(ids[i]!)!;
        const b = records.get(ids[j]!)!;
        if (a.source !== b.source) continue;
        const agree = [...groups.countriesOf(b.id)].some((c) => groups.countriesOf(a.id).has(c));
        const redated = a.dates.size > 0 && b.dates.size > 0 && differ(a.dates, b.dates);
        if (agree || differ(a.lists, b.lists) || redated) groups.union(a.id, b.id, true);
      }
    }
  }
}

/**
 * Step 3b: records of two sources that bear the same name (primary or translation) and the same designation
 * (list and start day) report one designation: join them, people included when one side has no country.
 * A name that one source gives to two of its records on that designation names neither.
 */
function joinSameDesignations(records: Map<number, PartyRecord>, names: NameRow[], groups: PartyGroups): void {
  const namesOf = new Map<number, Set<string>>();
  for (const n of names) {
    // Short names too ("VSE Corporation" -> "vse"): the same list and day in two sources makes them specific.
    if ((n.kind !== 'primary' && n.kind !== 'translation') || n.compact.length < 2) continue;
    namesOf.set(n.record_id, (namesOf.get(n.record_id) ?? new Set()).add(n.compact));
  }
  const byListing: KeyIndex = new Map();
  for (const r of records.values()) for (const l of r.listings) add(byListing, l, r.id);
  for (const ids of byListing.values()) {
    if (ids.length < 2) continue;
    const byName: KeyIndex = new Map();
    for (const id of ids) for (const n of namesOf.get(id) ?? []) add(byName, n, id);
    for (const same of byName.values()) {
      const perSource = new Map<string, number[]>();
      for (const id of same) perSource.set(records.get(id)!.source, [...(perSource.get(records.get(id)!.source) ?? []), id]);
      if (perSource.size < 2 || [...perSource.values()].some((v) => v.length > 1)) continue;
      for (const id of same.slice(1)) if (groups.designationCompatible(same[0]!, id)) groups.union(same[0]!, id, false);
    }
  }
}

interface JoinOptions {
  /** Join to the one matching party of each other source (full names, which several sources bear alike). */
  perSource?: boolean;
  /** Also join within the record's own source (curated renames). */
  sameSource?: boolean;
  /** Only organisations (a company's short name does not name a vessel). */
  organisations?: boolean;
  /** Refuse a name the record's own source gives to another of its parties too (it names several). */
  uniqueInOwnSource?: boolean;
  /** Refuse a name the record's own source bears, in `to`, as another of its parties' (it keeps them apart). */
  apartInOwnSource?: KeyIndex;
}

class Joiner {
  constructor(
    private readonly records: Map<number, PartyRecord>,
    private readonly groups: PartyGroups,
  ) {}

  /**
   * Joins each record bearing names under `from` to the one party bearing each name under `to`, when all
   * the parties its names point at can be one.
   */
  toOneParty(from: KeyIndex, to: KeyIndex, options: JoinOptions): void {
    const keysOf = new Map<number, string[]>();
    for (const [key, ids] of from) {
      if (ids.length > MAX_RECORDS_PER_KEY || !to.has(key)) continue;
      for (const id of ids) keysOf.set(id, [...(keysOf.get(id) ?? []), key]);
    }
    for (const [id, keys] of keysOf) {
      const own = this.groups.find(id);
      const named = new Set<number>();
      const joinable = new Set<number>();
      for (const key of keys) {
        for (const parties of this.partiesNamed(id, key, from, to, options)) {
          for (const p of parties) named.add(p);
          if (parties.size === 1) joinable.add([...parties][0]!);
        }
      }
      named.delete(own);
      joinable.delete(own);
      const all = [...named];
      if (!all.every((p) => all.every((q) => p === q || this.groups.nameCompatible(p, q)))) continue;
      for (const party of joinable) this.groups.union(id, party, true);
    }
  }

  /**
   * The parties `key` names for the record `id`, as sets (one per source with perSource): a set of one is a
   * party to join, a larger one says the name is ambiguous there.
   */
  private partiesNamed(id: number, key: string, from: KeyIndex, to: KeyIndex, options: JoinOptions): Array<Set<number>> {
    const record = this.records.get(id)!;
    const own = this.groups.find(id);
    const otherParty = (o: number) => o !== id && this.records.get(o)!.source === record.source && this.groups.find(o) !== own;
    if (options.uniqueInOwnSource && from.get(key)!.some(otherParty)) return [];
    if (options.apartInOwnSource?.get(key)?.some(otherParty)) return [];
    if (options.organisations && !ORGANISATION.has(record.type)) return [];
    const byScope = new Map<string, Set<number>>();
    for (const t of to.get(key) ?? []) {
      const target = this.records.get(t)!;
      if (t === id || (!options.sameSource && target.source === record.source)) continue;
      if (options.organisations && !ORGANISATION.has(target.type)) continue;
      if (this.groups.find(t) === own || !this.groups.nameCompatible(id, t)) continue;
      const scope = options.perSource ? target.source : '';
      byScope.set(scope, (byScope.get(scope) ?? new Set()).add(this.groups.find(t)));
    }
    return [...byScope.values()];
  }
}

/** Step 7: a specific alias several sources give to one party each, and none as a primary name. */
function joinOnSharedAliases(records: Map<number, PartyRecord>, keys: NameKeys, groups: PartyGroups): void {
  for (const [key, ids] of keys.alias) {
    if (ids.length < 2 || ids.length > MAX_RECORDS_PER_KEY || keys.primary.has(key) || !keys.sharedAlias.has(key)) continue;
    const partiesPerSource = new Map<string, Set<number>>();
    for (const id of ids) {
      const source = records.get(id)!.source;
      partiesPerSource.set(source, (partiesPerSource.get(source) ?? new Set()).add(groups.find(id)));
    }
    if (partiesPerSource.size < 2 || [...partiesPerSource.values()].some((s) => s.size > 1)) continue;
    if (!ids.every((a) => ids.every((b) => groups.nameCompatible(a, b)))) continue;
    for (const id of ids.slice(1)) groups.union(ids[0]!, id, true);
  }
}
