/** String distances for single tokens. */

/** Optimal-string-alignment (Damerau-Levenshtein with adjacent transpositions), stopping once past `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (a === b) return 0;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let rowMin = cur[0];
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n]!;
}

/** How many typing mistakes a token of this length may carry and still be the same word. */
export function allowedEdits(length: number): number {
  if (length < 4) return 0;
  if (length < 7) return 1;
  return 2;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * Every string one edit away from `token` (deletion, adjacent transposition, substitution, insertion over
 * a-z0-9): looked up exactly in the vocabulary, they find one-typo words that share no trigram with the
 * query ("huwaei" and "huawei").
 */
export function oneEditVariants(token: string): string[] {
  const out = new Set<string>();
  for (let i = 0; i < token.length; i++) {
    out.add(token.slice(0, i) + token.slice(i + 1));
    if (i + 1 < token.length) out.add(token.slice(0, i) + token[i + 1] + token[i] + token.slice(i + 2));
    for (const c of ALPHABET) if (c !== token[i]) out.add(token.slice(0, i) + c + token.slice(i + 1));
  }
  for (let i = 0; i <= token.length; i++) for (const c of ALPHABET) out.add(token.slice(0, i) + c + token.slice(i));
  out.delete(token);
  return [...out];
}

/** Similarity of a query token to an index token when they differ by typos: 1 edit 0.9, 2 edits 0.8. */
export function typoSimilarity(query: string, token: string): number {
  const max = allowedEdits(Math.min(query.length, token.length));
  if (max === 0) return 0;
  // The first letter is rarely the mistake; requiring it keeps short words from matching everything.
  if (query[0] !== token[0]) return 0;
  const d = editDistance(query, token, max);
  return d > max ? 0 : 1 - 0.1 * d;
}

/** Similarity when the query token is the start of an index token ("tech" in "technology"). */
export function prefixSimilarity(query: string, token: string): number {
  if (query.length < 3 || token.length <= query.length || !token.startsWith(query)) return 0;
  return 0.8;
}
