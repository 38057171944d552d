/**
 * Parties: records on different lists (or sources) that are the same real-world party, found by a
 * shared identifier (a USCC, a registration or IMO number...) or by a shared name or alias between
 * records of different sources. Stored as records.party_id (the smallest record id of the group) so
 * that lookup answers one card per party. Rebuilt after every refresh that changed data: linear in
 * the number of records and names.
 */
import type { Db } from '../store/db';

/** Identifier types that say nothing about identity (dates, gender, sanctions flags...). */
const WEAK_IDENTIFIER = /date|gender|nationality|citizen|title|position|birth|established|effective|listing|divestment|target type|sanctions|vessel type|flag|tonnage|email|phone|dob|pob/i;

/** A name key shared by more records than this is too generic to join on. */
const MAX_RECORDS_PER_KEY = 12;

class UnionFind {
  private readonly parent = new Map<number, number>();
  /** Countries of each group, kept on its root: a name join must not bring together parties of other countries. */
  readonly countries = new Map<number, Set<string>>();

  find(x: number): number {
    let root = this.parent.get(x) ?? x;
    if (root === x) return x;
    root = this.find(root);
    this.parent.set(x, root);
    return root;
  }

  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return;
    // The smaller id is the root, so a party's id is the smallest record id in it.
    const [root, child] = ra < rb ? [ra, rb] : [rb, ra];
    this.parent.set(child, root);
    const merged = new Set([...(this.countries.get(root) ?? []), ...(this.countries.get(child) ?? [])]);
    this.countries.set(root, merged);
    this.countries.delete(child);
  }

  countriesOf(x: number): Set<string> {
    return this.countries.get(this.find(x)) ?? new Set();
  }
}

interface RecordRow {
  id: number;
  source_id: string;
  type: string;
  identifiers: string | null;
  countries: string | null;
}

export function rebuildParties(db: Db): number {
  const records = db
    .prepare<[], RecordRow>(
      `SELECT id, source_id, type, json_extract(payload, '$.identifiers') AS identifiers, json_extract(payload, '$.countries') AS countries FROM records`,
    )
    .all();
  const byId = new Map(records.map((r) => [r.id, r]));
  const uf = new UnionFind();
  for (const r of records) uf.countries.set(r.id, new Set(JSON.parse(r.countries ?? '[]') as string[]));

  const idKeys = new Map<string, number[]>();
  for (const r of records) {
    for (const ident of JSON.parse(r.identifiers ?? '[]') as Array<{ type: string; value: string }>) {
      if (WEAK_IDENTIFIER.test(ident.type)) continue;
      const value = ident.value.toUpperCase().replace(/[^A-Z0-9]/g, '');
      if (value.length < 6) continue;
      const key = `${ident.type.toLowerCase().replace(/[^a-z]/g, '')}:${value}`;
      const list = idKeys.get(key) ?? [];
      list.push(r.id);
      idKeys.set(key, list);
    }
  }
  for (const ids of idKeys.values()) {
    if (ids.length > MAX_RECORDS_PER_KEY) continue;
    for (const id of ids.slice(1)) uf.union(ids[0]!, id);
  }

  const nameKeys = new Map<string, Map<number, boolean>>();
  const names = db
    .prepare<[], { record_id: number; compact: string; tokens: string; kind: string }>(
      "SELECT record_id, compact, tokens, kind FROM names WHERE kind != 'weak' AND compact != ''",
    )
    .all();
  for (const n of names) {
    // One-word aliases (brands, acronyms, generic words such as "Technologies") are too weak to join on:
    // parent and subsidiary share a brand but are different parties. One-word primary names may join
    // other records whose primary name is the same ("Skydio Inc." on two of China's lists).
    const oneWord = !n.tokens.includes(' ');
    if (n.compact.length < 4 || (oneWord && n.kind !== 'primary')) continue;
    const key = oneWord ? `primary:${n.compact}` : n.compact;
    const holders = nameKeys.get(key) ?? new Map<number, boolean>();
    holders.set(n.record_id, (holders.get(n.record_id) ?? false) || n.kind === 'primary');
    nameKeys.set(key, holders);
  }
  // Joins within a source (a party repeated per designation) first, then across sources.
  for (const pass of ['same-source', 'cross-source'] as const) {
    for (const holders of nameKeys.values()) {
      if (holders.size < 2 || holders.size > MAX_RECORDS_PER_KEY) continue;
      const ids = [...holders.keys()];
      for (let i = 0; i < ids.length; i++) {
        for (let j = i + 1; j < ids.length; j++) {
          const a = byId.get(ids[i]!)!;
          const b = byId.get(ids[j]!)!;
          if ((a.source_id === b.source_id) !== (pass === 'same-source')) continue;
          const bothPrimary = holders.get(a.id)! && holders.get(b.id)!;
          if (sameParty(a, b, bothPrimary, uf.countriesOf(a.id), uf.countriesOf(b.id))) uf.union(a.id, b.id);
        }
      }
    }
  }

  const update = db.prepare<[number, number, number]>('UPDATE records SET party_id = ? WHERE id = ? AND party_id IS NOT ?');
  let changed = 0;
  db.transaction(() => {
    for (const r of records) changed += update.run(uf.find(r.id), r.id, uf.find(r.id)).changes;
  }).immediate();
  return changed;
}

/**
 * Two records that share a name: the same party when nothing contradicts it. Within one source only by
 * their primary names (sheets that repeat a party once per designation, such as China's), since a source
 * that keeps two records under other shared names usually means two parties.
 */
function sameParty(a: RecordRow, b: RecordRow, bothPrimary: boolean, ca: Set<string>, cb: Set<string>): boolean {
  if (a.source_id === b.source_id && !bothPrimary) return false;
  const typeA = a.type === 'unknown' ? undefined : a.type;
  const typeB = b.type === 'unknown' ? undefined : b.type;
  if (typeA && typeB && typeA !== typeB) return false;
  const agree = [...cb].some((c) => ca.has(c));
  // People share names: join them only when their countries agree. Companies: unless their countries differ.
  if (a.type === 'individual' || b.type === 'individual') return agree;
  return agree || ca.size === 0 || cb.size === 0;
}
