/**
 * The one text fold every matching module compares in, with no dependency of its own (normalize and
 * chinese both build on it, so neither needs the other for it): NFKC (full-width forms fold here), lower
 * case, accents removed, apostrophes dropped, any other punctuation as a single space.
 */
export function normalizeName(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .normalize('NFC')
    .replace(/['’`]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
