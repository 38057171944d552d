/**
 * What has been typed so far, read for type-ahead: the normalised words, the last one still being typed
 * (it may complete a longer word) unless a space or punctuation follows it, and which words may go unmatched
 * (legal forms and filler: "zte corpo" still means ZTE when no ZTE name carries "Corporation").
 */
import { LEGAL_AND_FILLER_WORDS } from '../match/normalize';
import { normalizeName } from '../match/text';

export interface TypedWord {
  text: string;
  /** The word may be the start of a longer one (the last word, while it is being typed). */
  partial: boolean;
  /** A legal form or filler word (or the start of one, while typed): a name need not carry it. */
  optional: boolean;
}

/** More words than this say nothing more to a type-ahead; the rest are ignored. */
const MAX_WORDS = 8;
const LEGAL_WORDS = [...LEGAL_AND_FILLER_WORDS];

/** Whether `text` is a legal form or filler word, or (while typed) the start of a longer one. */
function optionalWord(text: string, partial: boolean): boolean {
  if (LEGAL_AND_FILLER_WORDS.has(text)) return true;
  return partial && LEGAL_WORDS.some((w) => w.length > text.length && w.startsWith(text));
}

export function typedWords(typed: string): TypedWord[] {
  const all = normalizeName(typed).split(' ').filter(Boolean);
  const words = all.slice(0, MAX_WORDS);
  // Still typing the last word, unless what was typed ends with a space or punctuation.
  const open = all.length === words.length && !/[^\p{L}\p{N}]$/u.test(typed);
  const out = words.map((text, i) => {
    const partial = open && i === words.length - 1;
    return { text, partial, optional: optionalWord(text, partial) };
  });
  // A query made only of such words ("Co", "The") is taken as it is.
  if (out.every((w) => w.optional)) for (const w of out) w.optional = false;
  return out;
}
