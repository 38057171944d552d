/**
 * Name normalisation for matching: NFKC (full-width forms fold here), lower case, accents removed,
 * punctuation as spaces. The displayed name is never changed; this is only the form names are compared in.
 */
export function normalizeName(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
