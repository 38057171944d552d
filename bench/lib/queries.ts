/**
 * The bench's query set, the same on every run over the same data: every eval query, about 350 real stored
 * names (a seeded sample of `names` in id order) each perturbed one way, and 30 stored Chinese-character names.
 */
import type { Db } from '../../src/core/store/db';
import { QUERY_KINDS, perturbQuery, type QueryKind } from './perturb';
import { int, mulberry32, type Rng } from './prng';

export type QueryOrigin = 'eval' | QueryKind | 'han';

export interface BenchQuery {
  q: string;
  kind: QueryOrigin;
  /** The stored name it was made from (not for eval queries). */
  from?: string;
}

export interface QuerySetOptions {
  seed?: number;
  perKind?: number;
  han?: number;
}

export function buildQuerySet(db: Db, evalQueries: readonly string[], options: QuerySetOptions = {}): BenchQuery[] {
  const rng = mulberry32(options.seed ?? 20260711);
  const perKind = options.perKind ?? 58;
  const out: BenchQuery[] = [];
  const seen = new Set<string>();
  const add = (q: BenchQuery): boolean => {
    if (!q.q.trim() || seen.has(q.q)) return false;
    seen.add(q.q);
    out.push(q);
    return true;
  };
  for (const q of evalQueries) add({ q, kind: 'eval' });

  const latin = db.prepare<[], { value: string }>("SELECT value FROM names WHERE script != 'han' ORDER BY id").all().map((r) => r.value);
  const han = db.prepare<[], { value: string }>("SELECT value FROM names WHERE script = 'han' ORDER BY id").all().map((r) => r.value);

  for (const kind of QUERY_KINDS) {
    let made = 0;
    // Draw names until enough of them take this perturbation (a bounded number of tries).
    for (let tries = 0; made < perKind && tries < perKind * 200 && latin.length; tries++) {
      const from = latin[int(rng, latin.length)]!;
      const q = perturbQuery(from, kind, rng);
      if (q && add({ q, kind, from })) made++;
    }
  }
  for (const from of drawDistinct(rng, han, options.han ?? 30)) add({ q: from, kind: 'han', from });
  return out;
}

function drawDistinct(rng: Rng, items: readonly string[], k: number): string[] {
  const picked = new Set<string>();
  for (let tries = 0; picked.size < k && tries < k * 50 && items.length; tries++) picked.add(items[int(rng, items.length)]!);
  return [...picked];
}
