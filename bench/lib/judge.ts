/**
 * Pass/fail of one eval case, exactly per shared/eval/README.md:
 * - positive: one of the first 3 results has a designation on an expected list AND one of its names (name or
 *   any alias), folded, contains that same expectation's name, folded;
 * - negative (expect null): no result at all.
 */
import type { EvalCase } from './cases';
import { fold } from './fold';

/** What the judge reads of a lookup result (the project's LookupResult has all of this and more). */
export interface JudgedResult {
  name: string;
  aliases: string[];
  score: number;
  match: { name: string; how: string };
  designations: Array<{ list: string }>;
}

export const TOP_K = 3;

export interface Verdict {
  pass: boolean;
  /** 1-based rank of the first result satisfying an expectation (may be > TOP_K: found, but too low). */
  rank?: number;
  why: string;
}

/** Does this result satisfy this expectation (list and name)? */
export function satisfies(result: JudgedResult, expected: { list: string; name: string }): boolean {
  if (!result.designations.some((d) => d.list === expected.list)) return false;
  const want = fold(expected.name);
  return [result.name, ...result.aliases].some((n) => fold(n).includes(want));
}

export function judge(c: Pick<EvalCase, 'expect'>, results: readonly JudgedResult[]): Verdict {
  if (c.expect === null) {
    return results.length === 0 ? { pass: true, why: 'clean: no result' } : { pass: false, why: `dirty: ${results.length} result(s)` };
  }
  const expect = c.expect;
  const rank = results.findIndex((r) => expect.some((e) => satisfies(r, e))) + 1;
  if (rank >= 1 && rank <= TOP_K) return { pass: true, rank, why: `found at rank ${rank}` };
  if (rank > TOP_K) return { pass: false, rank, why: `found at rank ${rank}, below the top ${TOP_K}` };
  return { pass: false, why: results.length ? `not in the ${results.length} result(s)` : 'no result' };
}
