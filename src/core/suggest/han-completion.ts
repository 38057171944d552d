/**
 * Partial Chinese names, finished from the company-name vocabulary: the last characters typed are the start of
 * a vocabulary word ("华为技" -> "华为技术", "海康威" -> "海康威视", "中兴通" -> "中兴通讯"), so the names listed only
 * in English ("Huawei Technologies") can be offered through the Latin rendering of the finished text.
 */
import { CHINESE_VOCABULARY, CHINESE_VOCABULARY_MAX_LENGTH } from '../match/chinese-vocabulary';

let words: string[] | undefined;

/** Vocabulary words, shortest first (the likeliest completion of a few characters is the shortest word). */
function vocabulary(): string[] {
  words ??= [...CHINESE_VOCABULARY.keys()].sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
  return words;
}

/**
 * Up to `max` finished forms of `text` (simplified Han), longest matching tail first: the tail of the text
 * that starts a longer vocabulary word is replaced by that word. [] when no tail starts one.
 */
export function completeHan(text: string, max = 4): string[] {
  const chars = Array.from(text);
  const out: string[] = [];
  for (let k = Math.min(chars.length, CHINESE_VOCABULARY_MAX_LENGTH - 1); k >= 1 && out.length < max; k--) {
    const head = chars.slice(0, -k).join('');
    const tail = chars.slice(-k).join('');
    for (const word of vocabulary()) {
      if (word.length <= tail.length || !word.startsWith(tail)) continue;
      const finished = head + word;
      if (!out.includes(finished)) out.push(finished);
      if (out.length >= max) break;
    }
  }
  return out;
}
