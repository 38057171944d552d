/**
 * The eval's own name folding (shared/eval/README.md): NFKC (full-width forms fold here), lower case, accents
 * removed, punctuation and symbols as spaces, spaces collapsed. Written here on purpose, independent of the
 * project's normaliser, so the yardstick does not move when the matcher's normalisation changes.
 */

/**
 * Non-spacing marks: the accents NFKD splits off letters (é -> e + U+0301). Both sides of a comparison are
 * folded alike, so dropping marks of other scripts too (kana voicing, Indic vowel signs) only widens a match.
 */
const DIACRITICS = /\p{Mn}/gu;

/** Letters with a stroke or ligatures that NFKD leaves whole. */
const LETTERS: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i', ħ: 'h' };
const LETTER_RE = new RegExp(`[${Object.keys(LETTERS).join('')}]`, 'g');

export function fold(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .normalize('NFKD')
    .replace(DIACRITICS, '')
    .normalize('NFC')
    .replace(LETTER_RE, (c) => LETTERS[c] ?? c)
    .replace(/[^\p{L}\p{N}\p{M}]+/gu, ' ')
    .trim();
}
