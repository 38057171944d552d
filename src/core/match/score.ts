/**
 * Scoring a candidate name against a query: how much of the query the name explains (each word weighted
 * by how rare it is), scaled by how much of the name the query covers. Typos and prefixes count less than
 * exact words; a name equal to the query (spacing and legal forms aside) scores 1.
 */
import type { TokenMatch } from './candidates';
import { UNEXPLAINED_COST } from './generic-words';

export interface QueryToken {
  text: string;
  /** Inverse document frequency of the word (a word no name has weighs the most). */
  weight: number;
  matches: TokenMatch[];
  /** The query units (words, or Han characters) this token stands for; see QueryUnits. */
  units?: number[];
  /** `matches` by index token, for scoring many names against one query (built once by the matcher). */
  byToken?: ReadonlyMap<string, TokenMatch>;
}

/** A query token's matches by index token: what scoreName looks up for every word of every candidate. */
export function matchesByToken(matches: readonly TokenMatch[]): Map<string, TokenMatch> {
  const map = new Map<string, TokenMatch>();
  for (const m of matches) if (!map.has(m.token)) map.set(m.token, m);
  return map;
}

/**
 * The units a query is made of (its words; the characters of a Han query, whose tokens are character
 * pairs) and what each costs when no name word explains it (generic-words.ts: places little, trade words
 * a little more, anything else its whole weight).
 */
export interface QueryUnits {
  cost: number[];
  /** Units that identify a party when matched: not generic, and not a one- or two-letter word ("Li Auto"). */
  distinct: boolean[];
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
  /** The query units some word of the name explains (see QueryUnits). */
  covered: ReadonlySet<number>;
}

/** Every unit: a whole match leaves nothing unexplained. */
const ALL: ReadonlySet<number> = { has: () => true } as unknown as ReadonlySet<number>;

const NO_MATCH: NameScore = { score: 0, fuzzy: false, prefix: false, reordered: false, whole: false, covered: new Set<number>() };

/** Does some query word match some word of the name (exactly, or as one of its expansions)? */
function sharesAWord(query: QueryToken[], name: { tokens: string[]; pinyin?: boolean }): boolean {
  for (const q of query) {
    for (const t of name.tokens) {
      if (t === q.text) return true;
      if (name.pinyin) continue;
      if (q.byToken ? q.byToken.has(t) : q.matches.some((m) => m.token === t)) return true;
    }
  }
  return false;
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
  name: { tokens: string[]; compact: string; type?: string; han?: boolean; pinyin?: boolean },
  nameWeight: (token: string) => number,
  fullLegalName = false,
  units?: QueryUnits,
  isPlace: (token: string) => boolean = () => false,
): NameScore {
  const whole = queryCompact.length > 0 && queryCompact === name.compact;
  if (whole) return { score: 1, fuzzy: false, prefix: false, reordered: false, whole: true, covered: ALL };
  // Most candidates of a query with several forms (a Chinese name and its Latin renderings) share no word with a
  // given form: say so before allocating anything.
  if (!sharesAWord(query, name)) return NO_MATCH;
  let found = 0;
  let total = 0;
  const missed: QueryToken[] = [];
  const covered = new Set<number>();
  let distinctive = false;
  let fuzzy = false;
  let prefix = false;
  const nameBest = new Map<string, number>();
  const positions: number[] = [];
  for (const q of query) {
    let best = 0;
    let how: TokenMatch['how'] | undefined;
    let at = -1;
    const byToken = q.byToken;
    for (let i = 0; i < name.tokens.length; i++) {
      const t = name.tokens[i]!;
      // A pinyin name is the reading of Chinese characters: only its exact syllables count, not look-alikes.
      const m = t === q.text || name.pinyin ? undefined : byToken ? byToken.get(t) : q.matches.find((x) => x.token === t);
      const sim = t === q.text ? 1 : (m?.sim ?? 0);
      if (sim > best) {
        best = sim;
        how = t === q.text ? 'exact' : m?.how;
        at = i;
      }
    }
    if (best > 0) {
      total += q.weight;
      found += q.weight * best;
      if (q.units) {
        for (const u of q.units) {
          covered.add(u);
          if (units?.distinct[u]) distinctive = true;
        }
      }
      positions.push(at);
      const t = name.tokens[at]!;
      nameBest.set(t, Math.max(nameBest.get(t) ?? 0, best));
      if (how === 'fuzzy') fuzzy = true;
      if (how === 'prefix') prefix = true;
    } else missed.push(q);
  }
  // A query word the name does not explain costs its whole weight, unless a distinctive word of the query
  // did match: then a place or trade word left over ("Hikvision USA", "Sugon Computers") costs only a
  // share of it, and a token whose units are all explained by other tokens (a Han pair across a word
  // boundary) nothing.
  // Not for a person (a surname and a trade word are not a branch of anyone), and a place left over counts in
  // full when the name has a place of its own the query did not give: "Agricultural Bank of China" is not
  // "Russian Agricultural Bank".
  if (missed.length) {
    const discount = units !== undefined && distinctive && name.type !== 'individual';
    const otherPlace = discount && name.tokens.some((t) => !nameBest.has(t) && isPlace(t));
    for (const q of missed) {
      let cost = 1;
      if (discount && q.units?.length) {
        cost = 0; // every unit explained by other tokens
        for (const u of q.units) {
          if (covered.has(u)) continue;
          const c = units.cost[u] ?? 1;
          cost = Math.max(cost, otherPlace && c <= UNEXPLAINED_COST.place ? 1 : c);
        }
      }
      total += q.weight * cost;
    }
  }

  const queryCoverage = total > 0 ? found / total : 0;
  let nameTotal = 0;
  let nameFound = 0;
  for (let i = 0; i < name.tokens.length; i++) {
    const t = name.tokens[i]!;
    if (name.tokens.indexOf(t) !== i) continue; // each distinct word once
    const w = nameWeight(t);
    nameTotal += w;
    nameFound += w * (nameBest.get(t) ?? 0);
  }
  const nameCoverage = nameTotal > 0 ? nameFound / nameTotal : 0;
  const reordered = positions.some((p, i) => i > 0 && p < positions[i - 1]!);
  // The query is the head of the name ("Raytheon" for Raytheon Missiles & Defense): what follows a company's
  // head words usually describes a division or trade, so it counts for less (unless a legal name was typed).
  const leading = positions.length === query.length && positions.every((p, i) => p === i);
  // Pinyin names are syllable pairs, as Han names are character pairs: covered as loosely.
  const floor = name.han || name.pinyin
    ? FLOOR.han
    : name.type === 'individual'
      ? FLOOR.individual
      : fullLegalName
        ? FLOOR.legalName
        : leading
          ? FLOOR.leading
          : FLOOR.entity;
  return { score: queryCoverage * (floor + (1 - floor) * nameCoverage), fuzzy, prefix, reordered, whole, covered };
}
