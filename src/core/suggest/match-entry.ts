/**
 * How well one stored name fits what has been typed so far, for type-ahead. Latin: every typed word must be a
 * word of the name, or the start of one (the last word while typed; an earlier word as an abbreviation), except
 * legal forms and filler, which may go unmatched. Chinese script: the typed characters must occur in the name.
 *
 * The fit says what the ranking needs: whether a distinctive word of the name was reached (not only places,
 * trade words or legal forms), whether every typed word is a whole word of the name, how many optional words
 * went unmatched, and a score in [0, 1] from how much of the name the typed words cover, whether they start
 * it, and in which order.
 */
import { hanCharCosts } from '../match/generic-words';
import type { SuggestEntry } from './suggest-index';
import type { TypedWord } from './typed';

export interface Fit {
  distinctive: boolean;
  whole: boolean;
  skipped: number;
  score: number;
}

/** The fit of typed Latin words to an entry's words, or undefined when a required word is not in the name. */
export function fitWords(typed: readonly TypedWord[], entry: SuggestEntry, weightOf: (word: string) => number): Fit | undefined {
  const words = entry.words;
  if (!words.length) return undefined;
  const used: number[] = [];
  let previous = -1;
  let inOrder = true;
  let whole = true;
  let skipped = 0;
  let first = -1;
  let distinctive = false;
  let covered = 0;
  let completion = 0;
  for (const q of typed) {
    // The name's word this typed word stands for: one after the previous match first; then, for a finished word,
    // the same word; for the word being typed, the one that says more about the party ("s" finishes "Sandgris"
    // rather than being the "S." of "S. de R.L.").
    let j = -1;
    let best = -1;
    for (let k = 0; k < words.length; k++) {
      const w = words[k]!;
      const exact = w === q.text;
      if (!exact && !(w.length > q.text.length && w.startsWith(q.text) && (q.partial || (q.text.length >= 2 && !q.optional)))) continue;
      if (used.includes(k)) continue;
      const value = (k > previous ? 4 : 0) + (q.partial ? 2 * weightOf(w) + (exact ? 1 : 0) : (exact ? 2 : 0) + weightOf(w));
      if (value > best) {
        best = value;
        j = k;
      }
    }
    if (j < 0) {
      if (!q.optional) return undefined;
      skipped++;
      continue;
    }
    // The word being typed may happen to be a whole word ("Hik" in "... HIK Group"): only finished words count.
    if (!q.partial && words[j] !== q.text) whole = false;
    if (q.partial) completion = q.text.length / words[j]!.length;
    used.push(j);
    if (j < previous) inOrder = false;
    if (first < 0) first = j;
    previous = j;
    const weight = weightOf(words[j]!);
    covered += weight;
    if (weight === 1) distinctive = true;
  }
  if (first < 0) return undefined;
  const coverage = entry.total > 0 ? Math.min(1, covered / entry.total) : used.length / words.length;
  return { distinctive, whole, skipped, score: combine(coverage, startOf(entry, first, weightOf), inOrder, completion) };
}

/** 1 when the typed text starts the name (legal forms and filler aside), 0.6 after places only, else 0. */
function startOf(entry: SuggestEntry, first: number, weightOf: (word: string) => number): number {
  if (first <= entry.lead) return 1;
  for (let j = 0; j < first; j++) if (weightOf(entry.words[j]!) > 0.25) return 0;
  return 0.6;
}

function combine(coverage: number, start: number, inOrder: boolean, completion: number): number {
  return 0.6 * coverage + 0.25 * start + 0.1 * (inOrder ? 1 : 0) + 0.05 * completion;
}

export interface TypedHan {
  /** Simplified, normalised, without spaces. */
  text: string;
  /** Some typed character is not part of a place or trade word of the vocabulary. */
  distinctive: boolean;
}

export function typedHan(text: string): TypedHan {
  return { text, distinctive: hanCharCosts(text).some((c) => c >= 1) };
}

/** The fit of typed Chinese-script text to an entry's Han text, or undefined when it does not occur in it. */
export function fitHan(typed: TypedHan, entry: SuggestEntry): Fit | undefined {
  const han = entry.han;
  if (!han) return undefined;
  const at = han.indexOf(typed.text);
  if (at < 0) return undefined;
  const core = entry.hanCore || han;
  const whole = typed.text.includes(core);
  const coverage = whole ? 1 : core.includes(typed.text) ? typed.text.length / core.length : Math.min(1, typed.text.length / core.length);
  const lead = at === 0 ? 1 : hanCharCosts(han.slice(0, at)).every((c) => c <= 0.1) ? 0.6 : 0;
  return { distinctive: typed.distinctive, whole, skipped: 0, score: combine(coverage, lead, true, typed.text.length / han.length) };
}
