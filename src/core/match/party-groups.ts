/**
 * Groups of records that are one party, as a union-find that refuses a union when the merged group would
 * contradict itself, whichever records were joined first (the checks are on whole groups, so a chain of
 * joins cannot bring two conflicting records together either):
 *  - two different values of an identifier an entity has only one of (two USCCs, two registration numbers);
 *  - two records that must stay apart (a subsidiary and the parent its list names);
 *  - for joins by name: different record types, or countries that do not agree.
 * The party id is the smallest record id of the group.
 */
import { exclusiveSlot, type Identifier } from './party-identifiers';

export interface PartyRecordFacts {
  id: number;
  type: string;
  countries: readonly string[];
  identifiers: readonly Identifier[];
}

interface Group {
  members: number[];
  countries: Set<string>;
  /** Known record types ('unknown' left out). */
  types: Set<string>;
  /** Exclusive identifier slot -> the values the group holds. */
  slots: Map<string, Set<string>>;
}

export class PartyGroups {
  private readonly parent = new Map<number, number>();
  private readonly groups = new Map<number, Group>();
  private readonly apart = new Map<number, Set<number>>();

  constructor(records: Iterable<PartyRecordFacts>) {
    for (const r of records) {
      const slots = new Map<string, Set<string>>();
      for (const ident of r.identifiers) {
        const s = exclusiveSlot(ident);
        if (!s) continue;
        const values = slots.get(s.slot) ?? new Set<string>();
        values.add(s.value);
        slots.set(s.slot, values);
      }
      this.groups.set(r.id, {
        members: [r.id],
        countries: new Set(r.countries),
        types: new Set(r.type === 'unknown' ? [] : [r.type]),
        slots,
      });
    }
  }

  find(x: number): number {
    const p = this.parent.get(x);
    if (p === undefined) return x;
    const root = this.find(p);
    if (root !== p) this.parent.set(x, root);
    return root;
  }

  /** a and b must never be in one party (a subsidiary and its parent). */
  keepApart(a: number, b: number): void {
    if (a === b) return;
    for (const [x, y] of [[a, b], [b, a]] as const) {
      const set = this.apart.get(x) ?? new Set<number>();
      set.add(y);
      this.apart.set(x, set);
    }
  }

  countriesOf(x: number): ReadonlySet<string> {
    return this.group(x).countries;
  }

  /**
   * Whether the parties of a and b may be joined on a shared name: the same kind of record, and countries
   * that agree (people), or that do not disagree (companies: one side may have none).
   */
  nameCompatible(a: number, b: number): boolean {
    const ga = this.group(a);
    const gb = this.group(b);
    if (ga.types.size && gb.types.size && ![...ga.types].some((t) => gb.types.has(t))) return false;
    const agree = [...gb.countries].some((c) => ga.countries.has(c));
    if (ga.types.has('individual') || gb.types.has('individual')) return agree;
    return agree || ga.countries.size === 0 || gb.countries.size === 0;
  }

  /**
   * Whether the parties of a and b may be joined as the same designation reported by two sources: the same
   * kind of record, and countries that do not disagree (one side may have none, people included).
   */
  designationCompatible(a: number, b: number): boolean {
    const ga = this.group(a);
    const gb = this.group(b);
    if (ga.types.size && gb.types.size && ![...ga.types].some((t) => gb.types.has(t))) return false;
    return [...gb.countries].some((c) => ga.countries.has(c)) || ga.countries.size === 0 || gb.countries.size === 0;
  }

  /** Joins the parties of a and b unless that contradicts what either holds; true when they are (now) one. */
  union(a: number, b: number, byName: boolean): boolean {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return true;
    if (byName && !this.nameCompatible(ra, rb)) return false;
    const ga = this.groups.get(ra)!;
    const gb = this.groups.get(rb)!;
    if (conflictingSlots(ga, gb) || this.keptApart(ga, gb)) return false;
    const [root, child] = ra < rb ? [ra, rb] : [rb, ra];
    const [gRoot, gChild] = ra < rb ? [ga, gb] : [gb, ga];
    this.parent.set(child, root);
    gRoot.members.push(...gChild.members);
    for (const c of gChild.countries) gRoot.countries.add(c);
    for (const t of gChild.types) gRoot.types.add(t);
    for (const [slot, values] of gChild.slots) {
      const mine = gRoot.slots.get(slot) ?? new Set<string>();
      for (const v of values) mine.add(v);
      gRoot.slots.set(slot, mine);
    }
    this.groups.delete(child);
    return true;
  }

  private group(x: number): Group {
    return this.groups.get(this.find(x))!;
  }

  private keptApart(ga: Group, gb: Group): boolean {
    const members = new Set(gb.members);
    return ga.members.some((m) => [...(this.apart.get(m) ?? [])].some((o) => members.has(o)));
  }
}

/** Both groups fill one exclusive slot, with no value in common. */
function conflictingSlots(ga: Group, gb: Group): boolean {
  for (const [slot, values] of ga.slots) {
    const other = gb.slots.get(slot);
    if (other && ![...values].some((v) => other.has(v))) return true;
  }
  return false;
}
