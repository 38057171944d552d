/**
 * The units a query is made of, for explaining what of it a name leaves unexplained and what that costs:
 * the words of a Latin query; the characters of a Han query (its tokens are overlapping character pairs,
 * so one character may be explained by either pair it belongs to) and the Latin words typed beside them.
 */
import { hanCharCosts, unexplainedCost } from './generic-words';
import type { QueryUnits } from './score';

const HAN = /\p{Script=Han}/u;

export interface UnitsOfQuery extends QueryUnits {
  /** The query tokens, deduplicated in order, at most `max`. */
  tokens: string[];
  /** For each token, the units it stands for. */
  tokenUnits: number[][];
  /** The text of each unit. */
  text: string[];
  /** Units of one group (the characters of a Han run, the syllables of a pinyin word) are shown joined when unexplained. */
  group: number[];
}

export function queryUnits(tokens: readonly string[], max: number): UnitsOfQuery {
  const hanTokens = tokens.filter((t) => HAN.test(t));
  const latin = tokens.filter((t) => !HAN.test(t));
  // Han tokens come first, as the chain of pairs of one text (or that text, when it is one character).
  const chars = hanTokens.length ? [...Array.from(hanTokens[0]!), ...hanTokens.slice(1).map((t) => Array.from(t).at(-1)!)] : [];
  const text = [...chars, ...latin];
  const cost = [...hanCharCosts(chars.join('')), ...latin.map(unexplainedCost)];
  const distinct = text.map((t, i) => cost[i]! >= 1 && (i < chars.length || t.length >= 3));
  const group = text.map((_, i) => (i < chars.length ? -1 : i));
  const unitsByToken = new Map<string, number[]>();
  tokens.forEach((t, i) => {
    const units = i < hanTokens.length ? (Array.from(t).length === 1 ? [i] : [i, i + 1]) : [chars.length + i - hanTokens.length];
    unitsByToken.set(t, [...(unitsByToken.get(t) ?? []), ...units]);
  });
  const kept = [...unitsByToken.keys()].slice(0, max);
  return { tokens: kept, tokenUnits: kept.map((t) => [...new Set(unitsByToken.get(t))]), text, cost, distinct, group };
}

/** The units not covered, as text: consecutive units of one group joined, other units one each. */
export function unexplainedText(units: UnitsOfQuery, covered: ReadonlySet<number>): string[] {
  const out: string[] = [];
  let last = -2;
  for (let i = 0; i < units.text.length; i++) {
    if (covered.has(i)) continue;
    if (last === i - 1 && units.group[i] === units.group[last]) out[out.length - 1] += units.text[i]!;
    else out.push(units.text[i]!);
    last = i;
  }
  return out;
}
