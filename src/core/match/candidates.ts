/**
 * Candidates for a query from the name index, without scanning every name: each query token is looked up
 * exactly in the token vocabulary, by prefix, and (when it is not a known word) through the FTS5 trigram
 * index of the vocabulary for words one or two typos away; the postings of the rarest matching tokens
 * give the candidate names.
 */
import type { Db } from '../store/db';
import { PINYIN_LANG } from './pinyin';
import { oneEditVariants, prefixSimilarity, typoSimilarity } from './similarity';

export interface TokenMatch {
  token: string;
  id: number;
  df: number;
  sim: number;
  how: 'exact' | 'fuzzy' | 'prefix';
}

export interface CandidateName {
  id: number;
  recordId: number;
  partyId: number;
  value: string;
  kind: string;
  tokens: string[];
  compact: string;
  han: boolean;
  /** The record's party type: people are matched more strictly than companies. */
  type: string;
  /** A pinyin form derived from a Chinese-script name (tokens are syllable pairs). */
  pinyin: boolean;
}

/** A postings list longer than this is not used to find candidates (the word is too common to say much). */
const COMMON_DF = 1200;
/** Postings read to seed the candidates before commoner words only add evidence. */
const SEED_BUDGET = 400;
/** The rarest word always seeds, but no more than this many names of it. */
const FIRST_SEED_LIMIT = 600;
const MAX_CANDIDATES = 100;
const FUZZY_CANDIDATES = 40;
/**
 * The finder keeps what it read of the index in memory for the life of one dataset version (a refresh makes a
 * new finder): postings lists, candidate names, exact-compact hits. A long-running process so answers from
 * memory once a name has been seen, and the CLI reads only what its one query needs. The caps bound memory on
 * a very large dataset (past them a cache starts over): at 1x the whole index is ~54k names and ~170k postings.
 */
const MAX_CACHED_NAMES = 300_000;
const MAX_CACHED_POSTINGS = 4_000_000;
const MAX_CACHED_COMPACTS = 50_000;

/** Quote each term for FTS5 MATCH: inside double quotes only `"` is special, and it is doubled. */
export function ftsQuote(term: string): string {
  return `"${term.replace(/"/g, '""')}"`;
}

/** An FTS5 query matching any of the trigrams of `token`, each quoted. */
export function trigramQuery(token: string): string | undefined {
  const chars = [...token];
  if (chars.length < 3) return undefined;
  const grams = new Set<string>();
  for (let i = 0; i + 3 <= chars.length; i++) grams.add(chars.slice(i, i + 3).join(''));
  return [...grams].map(ftsQuote).join(' OR ');
}

export class CandidateFinder {
  private readonly q;
  private readonly dfCache = new Map<string, number>();
  private totalNames = -1;
  /** Token id -> its first postings (shortest names first), as many as were asked for. */
  private readonly postingsCache = new Map<number, { ids: Int32Array; limit: number }>();
  /** Token id -> every name bearing it, ascending: membership for words too common to seed. */
  private readonly membersCache = new Map<number, Int32Array>();
  private cachedPostings = 0;
  private readonly namesCache = new Map<number, CandidateName>();
  private readonly compactCache = new Map<string, number[]>();
  /** Names whose words' frequencies are all in dfCache. */
  private readonly dfKnown = new WeakSet<object>();

  constructor(private readonly db: Db) {
    this.q = {
      exact: db.prepare<[string], { id: number; df: number }>('SELECT id, df FROM tokens WHERE token = ? AND df > 0'),
      prefix: db.prepare<[string, string], { id: number; token: string; df: number }>(
        'SELECT id, token, df FROM tokens WHERE token > ? AND token < ? AND df > 0 ORDER BY df DESC LIMIT 40',
      ),
      variants: db.prepare<[string], { id: number; token: string; df: number }>(
        'SELECT id, token, df FROM tokens WHERE token IN (SELECT value FROM json_each(?)) AND df > 0',
      ),
      sameStart: db.prepare<[string, string, number, number], { id: number; token: string; df: number }>(
        'SELECT id, token, df FROM tokens WHERE token > ? AND token < ? AND length(token) BETWEEN ? AND ? AND df > 0 LIMIT 200',
      ),
      fuzzy: db.prepare<[string, number], { id: number; token: string; df: number }>(
        'SELECT t.id, t.token, t.df FROM token_grams g JOIN tokens t ON t.id = g.rowid WHERE token_grams MATCH ? AND t.df > 0 ORDER BY g.rank LIMIT ?',
      ),
      postings: db.prepare<[number, number], { name_id: number }>('SELECT name_id FROM name_tokens WHERE token_id = ? ORDER BY len, name_id LIMIT ?'),
      members: db.prepare<[number], { name_id: number }>('SELECT name_id FROM name_tokens WHERE token_id = ? ORDER BY name_id'),
      compact: db.prepare<[string], { id: number }>('SELECT id FROM names WHERE compact = ? LIMIT 50'),
      names: db.prepare<[string], { id: number; record_id: number; party_id: number | null; value: string; kind: string; tokens: string; compact: string; han: number; type: string; lang: string | null }>(
        `SELECT n.id, n.record_id, r.party_id, n.value, n.kind, n.tokens, n.compact, n.han, r.type, n.lang
           FROM names n JOIN records r ON r.id = n.record_id WHERE n.id IN (SELECT value FROM json_each(?))`,
      ),
      df: db.prepare<[string], { token: string; df: number }>('SELECT token, df FROM tokens WHERE token IN (SELECT value FROM json_each(?))'),
      count: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM names'),
    };
  }

  /** Number of indexed names: the N of the inverse document frequency. */
  nameCount(): number {
    if (this.totalNames < 0) this.totalNames = Math.max(1, this.q.count.get()!.n);
    return this.totalNames;
  }

  private readonly expansions = new Map<string, TokenMatch[]>();

  /** The index tokens a query token may stand for (cached: queries repeat words, Chinese renderings more so). */
  expand(token: string, options: { fuzzy: boolean; prefix: boolean }): TokenMatch[] {
    const key = `${options.fuzzy ? 'f' : '-'}${options.prefix ? 'p' : '-'}${token}`;
    const cached = this.expansions.get(key);
    if (cached) return cached;
    if (this.expansions.size > 20_000) this.expansions.clear();
    const result = this.expandUncached(token, options);
    this.expansions.set(key, result);
    return result;
  }

  private expandUncached(token: string, options: { fuzzy: boolean; prefix: boolean }): TokenMatch[] {
    const out: TokenMatch[] = [];
    const exact = this.q.exact.get(token);
    if (exact) out.push({ token, id: exact.id, df: exact.df, sim: 1, how: 'exact' });
    if (options.prefix && token.length >= 3) {
      for (const row of this.q.prefix.all(token, `${token}\uffff`)) {
        const sim = prefixSimilarity(token, row.token);
        if (sim) out.push({ token: row.token, id: row.id, df: row.df, sim, how: 'prefix' });
      }
    }
    if (options.fuzzy && !exact && token.length >= 4) {
      // One typo anywhere: every one-edit variant, looked up exactly.
      const rows = this.q.variants.all(JSON.stringify(oneEditVariants(token)));
      if (token.length >= 7) {
        // Two typos in a long word: words of about its length sharing its first three letters...
        const start = token.slice(0, 3);
        rows.push(...this.q.sameStart.all(start, `${start}\uffff`, token.length - 2, token.length + 2));
      }
      if (!rows.some((r) => typoSimilarity(token, r.token) > 0)) {
        // ...and, when nothing is that close, words sharing its trigrams (a typo in the first letters).
        const match = trigramQuery(token);
        if (match) rows.push(...this.q.fuzzy.all(match, FUZZY_CANDIDATES));
      }
      for (const row of rows) {
        if (row.token === token) continue;
        const sim = typoSimilarity(token, row.token);
        if (sim) out.push({ token: row.token, id: row.id, df: row.df, sim, how: 'fuzzy' });
      }
    }
    // One entry per index token: the best way it matches.
    const best = new Map<string, TokenMatch>();
    for (const m of out) {
      this.dfCache.set(m.token, m.df);
      const prior = best.get(m.token);
      if (!prior || m.sim > prior.sim) best.set(m.token, m);
    }
    return [...best.values()];
  }

  /**
   * Candidate name ids for the expanded query tokens, best partial evidence first, at most MAX_CANDIDATES.
   * The rarest tokens seed the candidates (their postings, up to a budget); commoner tokens then only add
   * evidence to those seeds, probed through the (token, name) key, so a query costs about the same however
   * common its other words are.
   */
  evidence(expanded: Array<{ weight: number; matches: TokenMatch[] }>, compact: string): number[] {
    const evidence = new Map<number, number>();
    const all = expanded.flatMap((e) => e.matches.map((m) => ({ ...m, weight: e.weight })));
    all.sort((a, b) => a.df - b.df);
    let seeded = 0;
    const rest: typeof all = [];
    for (const m of all) {
      const seed = seeded === 0 || (seeded + m.df <= SEED_BUDGET && m.df <= COMMON_DF);
      if (!seed) {
        rest.push(m);
        continue;
      }
      const ids = this.postings(m.id, seeded === 0 ? FIRST_SEED_LIMIT : COMMON_DF);
      seeded += ids.length;
      for (const id of ids) evidence.set(id, (evidence.get(id) ?? 0) + m.weight * m.sim);
    }
    if (rest.length && evidence.size) {
      const seeds = [...evidence.keys()];
      for (const m of rest) {
        const members = this.members(m.id);
        for (const id of seeds) if (has(members, id)) evidence.set(id, evidence.get(id)! + m.weight * m.sim);
      }
    }
    if (compact) for (const id of this.compactIds(compact)) evidence.set(id, Number.MAX_SAFE_INTEGER);
    return [...evidence.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, MAX_CANDIDATES)
      .map(([id]) => id);
  }

  /** The first `limit` postings of a token (shortest names first), from memory once read. */
  private postings(tokenId: number, limit: number): Int32Array {
    const cached = this.postingsCache.get(tokenId);
    // Enough cached, or fewer rows than were asked for last time: that is every posting there is.
    if (cached && (cached.limit >= limit || cached.ids.length < cached.limit)) return cached.ids.length > limit ? cached.ids.subarray(0, limit) : cached.ids;
    const ids = Int32Array.from(this.q.postings.all(tokenId, limit), (r) => r.name_id);
    if (cached) {
      this.postingsCache.delete(tokenId);
      this.cachedPostings -= cached.ids.length;
    }
    this.remember(ids.length);
    this.postingsCache.set(tokenId, { ids, limit });
    return ids;
  }

  /** Every name bearing a token, ascending (read once per token and dataset version). */
  private members(tokenId: number): Int32Array {
    let ids = this.membersCache.get(tokenId);
    if (!ids) {
      ids = Int32Array.from(this.q.members.all(tokenId), (r) => r.name_id);
      this.remember(ids.length);
      this.membersCache.set(tokenId, ids);
    }
    return ids;
  }

  /** Count postings about to be cached; past the cap both postings caches start over. */
  private remember(added: number): void {
    if (this.cachedPostings + added > MAX_CACHED_POSTINGS) {
      this.postingsCache.clear();
      this.membersCache.clear();
      this.cachedPostings = 0;
    }
    this.cachedPostings += added;
  }

  /** Names whose compact form is exactly this (a query written without spaces, or a Chinese name). */
  private compactIds(compact: string): number[] {
    let ids = this.compactCache.get(compact);
    if (!ids) {
      if (this.compactCache.size >= MAX_CACHED_COMPACTS) this.compactCache.clear();
      ids = this.q.compact.all(compact).map((r) => r.id);
      this.compactCache.set(compact, ids);
    }
    return ids;
  }

  /** The candidate names with what scoring needs. */
  load(ids: number[]): CandidateName[] {
    let missing = ids.filter((id) => !this.namesCache.has(id));
    if (missing.length) {
      // Full: start over, and read every name this call needs (not only those that were missing).
      if (this.namesCache.size + missing.length > MAX_CACHED_NAMES) {
        this.namesCache.clear();
        missing = ids;
      }
      for (const n of this.q.names.all(JSON.stringify(missing))) {
        this.namesCache.set(n.id, {
          id: n.id,
          recordId: n.record_id,
          partyId: n.party_id ?? n.record_id,
          value: n.value,
          kind: n.kind,
          tokens: n.tokens ? n.tokens.split(' ') : [],
          compact: n.compact,
          han: n.han === 1,
          type: n.type,
          pinyin: n.lang === PINYIN_LANG,
        });
      }
    }
    // In id order, as the index returns them: ties between equal scores break the same way as ever.
    const out: CandidateName[] = [];
    for (const id of [...ids].sort((a, b) => a - b)) {
      const name = this.namesCache.get(id);
      if (name) out.push(name);
    }
    return out;
  }

  /** Document frequency of each token (0 for a token no name has), cached for the life of this finder. */
  dfOf(names: Iterable<{ tokens: readonly string[] }>): Map<string, number> {
    const missing: string[] = [];
    for (const n of names) {
      // A name seen before has every word's frequency cached already (the cache only grows with the finder).
      if (this.dfKnown.has(n)) continue;
      this.dfKnown.add(n);
      for (const t of n.tokens) {
        if (this.dfCache.has(t)) continue;
        this.dfCache.set(t, 0);
        missing.push(t);
      }
    }
    if (missing.length) for (const row of this.q.df.all(JSON.stringify(missing))) this.dfCache.set(row.token, row.df);
    return this.dfCache;
  }
}

/** Binary search of an ascending array. */
function has(sorted: Int32Array, value: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = sorted[mid]!;
    if (v === value) return true;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
