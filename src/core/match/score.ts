/**
 * Scoring a candidate name against a query: how much of the query the name explains (each word weighted
 * by how rare it is), scaled by how much of the name the query covers. Typos and prefixes count less than
 * exact words; a name equal to the query (spacing and legal forms aside) scores 1.
 */
import type { TokenMatch } from './candidates';

export interface QueryToken {
  text: string;
  /** Inverse document frequency of the word (a word no name has weighs the most). */
  weight: number;
  matches: TokenMatch[];
}

export interface NameScore {
  score: number;
  /** Some query word matched only through a typo. */
  fuzzy: boolean;
  /** Some query word matched only as the start of a longer word. */
  prefix: boolean;
  /** Every query word found, but in another order than the name has them. */
  reordered: boolean;
  /** The name equals the query (spacing and legal forms aside). */
  whole: boolean;
}

export function idf(df: number, total: number): number {
  return Math.log(1 + total / (df + 1));
}

/**
 * Share of the score that needs no coverage of the name: a query that is all of a company's distinctive
 * words may leave out its place or trade ("Dahua" for Zhejiang Dahua Technology); a person is named by all
 * of their names, so a surname alone is weak evidence.
 */
const FLOOR = { entity: 0.5, leading: 0.65, legalName: 0.4, han: 0.75, individual: 0.4 };

export function scoreName(
  query: QueryToken[],
  queryCompact: string,
  name: { tokens: string[]; compact: string; type?: string; han?: boolean },
  nameWeight: (token: string) => number,
  fullLegalName = false,
): NameScore {
  const whole = queryCompact.length > 0 && queryCompact === name.compact;
  if (whole) return { score: 1, fuzzy: false, prefix: false, reordered: false, whole: true };
  let found = 0;
  let total = 0;
  let fuzzy = false;
  let prefix = false;
  const nameBest = new Map<string, number>();
  const positions: number[] = [];
  for (const q of query) {
    total += q.weight;
    let best = 0;
    let how: TokenMatch['how'] | undefined;
    let at = -1;
    name.tokens.forEach((t, i) => {
      const sim = t === q.text ? 1 : (q.matches.find((m) => m.token === t)?.sim ?? 0);
      if (sim > best) {
        best = sim;
        how = t === q.text ? 'exact' : q.matches.find((m) => m.token === t)?.how;
        at = i;
      }
    });
    if (best > 0) {
      found += q.weight * best;
      positions.push(at);
      const t = name.tokens[at]!;
      nameBest.set(t, Math.max(nameBest.get(t) ?? 0, best));
      if (how === 'fuzzy') fuzzy = true;
      if (how === 'prefix') prefix = true;
    }
  }
  const queryCoverage = total > 0 ? found / total : 0;
  let nameTotal = 0;
  let nameFound = 0;
  for (const t of new Set(name.tokens)) {
    const w = nameWeight(t);
    nameTotal += w;
    nameFound += w * (nameBest.get(t) ?? 0);
  }
  const nameCoverage = nameTotal > 0 ? nameFound / nameTotal : 0;
  const reordered = positions.some((p, i) => i > 0 && p < positions[i - 1]!);
  // The query is the head of the name ("Raytheon" for Raytheon Missiles & Defense): what follows a company's
  // head words usually describes a division or trade, so it counts for less (unless a legal name was typed).
  const leading = positions.length === query.length && positions.every((p, i) => p === i);
  const floor = name.han
    ? FLOOR.han
    : name.type === 'individual'
      ? FLOOR.individual
      : fullLegalName
        ? FLOOR.legalName
        : leading
          ? FLOOR.leading
          : FLOOR.entity;
  return { score: queryCoverage * (floor + (1 - floor) * nameCoverage), fuzzy, prefix, reordered, whole };
}
