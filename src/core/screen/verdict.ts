/**
 * A row's verdict from its lookup, and nothing else: the same lookup `sanctions lookup --json --review --batch`
 * answers for the same name, so that a screened file and the CLI always agree.
 *
 *   match   a party with a designation in force on the lists searched scored at or above the match threshold
 *           (DEFAULT_THRESHOLD, 0.80: lookup's `results`, standing "listed")
 *   review  no such party, but something a person should look at: a party at or above the threshold whose
 *           designations are all suspended or removed (standing "suspended"/"delisted"), or a party in the
 *           review band (REVIEW_THRESHOLD 0.65 up to 0.80: lookup's `review`)
 *   clear   nothing scored 0.65 or more on the lists searched
 *
 * The country column never changes a verdict: it only chooses which candidate is shown as the best match.
 */
import { countryCode } from '../sources/common';
import { DEFAULT_THRESHOLD, REVIEW_THRESHOLD, type LookupResponse, type LookupResult } from '../lookup';

export type Verdict = 'match' | 'review' | 'clear';

export { DEFAULT_THRESHOLD as MATCH_THRESHOLD, REVIEW_THRESHOLD };

export function verdictOf(response: Pick<LookupResponse, 'results' | 'review'>): Verdict {
  if (response.results.some((r) => r.standing === 'listed')) return 'match';
  if (response.results.length || response.review?.length) return 'review';
  return 'clear';
}

/** ISO 3166 code of a country cell ("China", "cn", "PRC", "中国"), or undefined. */
export function countryOf(cell: string | undefined): string | undefined {
  const text = cell?.trim();
  if (!text) return undefined;
  const aliases: Record<string, string> = { prc: 'CN', '中国': 'CN', '中华人民共和国': 'CN', '香港': 'HK', '美国': 'US', uk: 'GB', usa: 'US', 'u.s.': 'US', 'u.s.a.': 'US' };
  return aliases[text.toLowerCase()] ?? countryCode(/^[a-z]{2}$/i.test(text) ? text.toUpperCase() : text);
}

/**
 * The candidate shown for a verdict: among the parties that make the verdict (listed ones for a match; then the
 * others), one in the row's country first when a country is given, else lookup's own order (best first).
 */
export function bestCandidate(
  response: Pick<LookupResponse, 'results' | 'review'>,
  country?: string,
): { best?: LookupResult; candidates: number; countryMatched: boolean; passedOver?: LookupResult } {
  const verdict = verdictOf(response);
  const pool = verdict === 'match' ? response.results.filter((r) => r.standing === 'listed') : [...response.results, ...(response.review ?? [])];
  const inCountry = country ? pool.find((r) => r.countries.includes(country)) : undefined;
  const best = inCountry ?? pool[0];
  // The country moved another candidate ahead of lookup's first: say which, so that nothing is hidden by it.
  const passedOver = best && pool[0] && best !== pool[0] ? pool[0] : undefined;
  return { ...(best ? { best } : {}), candidates: response.results.length + (response.review?.length ?? 0), countryMatched: Boolean(inCountry), ...(passedOver ? { passedOver } : {}) };
}
