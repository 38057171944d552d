/**
 * The matcher: a query in, the best-matching name of each party out, scored and explained.
 * Latin queries are matched word by word (exact, typo, prefix); Chinese queries are matched on character
 * pairs against Chinese names (traditional folded to simplified) and, through pinyin and a vocabulary of
 * company words, against names listed only in Latin script.
 */
import type { Db } from '../store/db';
import { CandidateFinder, type CandidateName } from './candidates';
import { hasHan, latinRenderings, toSimplified, type RenderingHow } from './chinese';
import { nameForms } from './normalize';
import { idf, scoreName, type QueryToken } from './score';

export type MatchHow =
  | 'exact'
  | 'alias'
  | 'fuzzy'
  | 'partial'
  | 'word order'
  | 'chinese'
  | 'traditional/simplified'
  | RenderingHow;

export interface MatchHit {
  partyId: number;
  recordId: number;
  /** The name that matched, as listed. */
  name: string;
  kind: string;
  score: number;
  how: MatchHow;
  /** For pinyin / vocabulary matches: the Latin form of the query that matched. */
  via?: string;
}

/** Scores at or above this are matches; the CLI and bots show them as results. */
export const DEFAULT_THRESHOLD = 0.8;
/** Scores from here up to the threshold are worth a human look: shown apart, as "review". */
export const REVIEW_THRESHOLD = 0.65;

const MAX_QUERY_LENGTH = 200;
const MAX_QUERY_TOKENS = 12;
/** Indirect routes to a name are trusted a little less than the name itself. */
const RENDERING_FACTOR: Record<RenderingHow, number> = { vocabulary: 0.96, pinyin: 0.96, initials: 0.9 };

export class Matcher {
  private readonly finder: CandidateFinder;

  constructor(db: Db) {
    this.finder = new CandidateFinder(db);
  }

  /** The best hit per party at or above `minScore`, best first. */
  search(query: string, minScore = REVIEW_THRESHOLD): MatchHit[] {
    const text = query.normalize('NFKC').slice(0, MAX_QUERY_LENGTH).trim();
    if (!text) return [];
    const hits: MatchHit[] = [];
    if (hasHan(text)) {
      const traditionalQuery = toSimplified(text) !== text;
      hits.push(...this.searchForms(text, { fuzzy: false, prefix: false }, (c, s) => {
        if (s.whole) return c.kind === 'primary' ? 'exact' : 'alias';
        return traditionalQuery || toSimplified(c.value) !== c.value ? 'traditional/simplified' : 'chinese';
      }).map((h) => (traditionalQuery && (h.how === 'exact' || h.how === 'alias') ? { ...h, how: 'traditional/simplified' as const } : h)));
      for (const rendering of latinRenderings(text)) {
        for (const hit of this.searchForms(rendering.text, { fuzzy: false, prefix: false }, () => rendering.how)) {
          hits.push({ ...hit, score: hit.score * RENDERING_FACTOR[rendering.how], via: rendering.text });
        }
      }
    } else {
      hits.push(...this.searchForms(text, { fuzzy: true, prefix: true }, latinHow));
    }
    return bestPerParty(hits).filter((h) => h.score >= minScore);
  }

  private searchForms(
    text: string,
    options: { fuzzy: boolean; prefix: boolean },
    how: (candidate: CandidateName, score: ReturnType<typeof scoreName>) => MatchHow,
  ): MatchHit[] {
    const forms = nameForms(text);
    const words = [...new Set(forms.tokens)].slice(0, MAX_QUERY_TOKENS);
    if (!words.length) return [];
    // A short single word (an acronym such as DJI or SMIC) must match exactly.
    const short = words.length === 1 && words[0]!.length <= 4;
    const total = this.finder.nameCount();
    const tokens: QueryToken[] = words.map((word) => {
      const matches = this.finder.expand(word, { fuzzy: options.fuzzy && !short && !forms.han, prefix: options.prefix && !short && !forms.han });
      const exact = matches.find((m) => m.how === 'exact');
      const df = exact ? exact.df : matches.length ? Math.max(...matches.map((m) => m.df)) : 0;
      return { text: word, weight: idf(df, total), matches };
    });
    const candidates = this.finder.find(tokens, forms.compact);
    if (!candidates.length) return [];
    const dfs = this.finder.dfOf(candidates.flatMap((c) => c.tokens));
    const weight = (t: string) => idf(dfs.get(t) ?? 0, total);
    const hits: MatchHit[] = [];
    for (const c of candidates) {
      const s = scoreName(tokens, forms.compact, c, weight);
      if (s.score <= 0) continue;
      hits.push({ partyId: c.partyId, recordId: c.recordId, name: c.value, kind: c.kind, score: s.score, how: how(c, s) });
    }
    return hits;
  }
}

function latinHow(candidate: CandidateName, s: ReturnType<typeof scoreName>): MatchHow {
  if (s.whole) return candidate.kind === 'primary' ? 'exact' : 'alias';
  if (s.fuzzy) return 'fuzzy';
  if (s.reordered) return 'word order';
  return 'partial';
}

const KIND_RANK: Record<string, number> = { primary: 0, alias: 1, translation: 1, former: 2, weak: 3 };

function bestPerParty(hits: MatchHit[]): MatchHit[] {
  const best = new Map<number, MatchHit>();
  for (const h of hits) {
    const prior = best.get(h.partyId);
    if (!prior || h.score > prior.score + 1e-9 || (Math.abs(h.score - prior.score) < 1e-9 && (KIND_RANK[h.kind] ?? 4) < (KIND_RANK[prior.kind] ?? 4))) {
      best.set(h.partyId, h);
    }
  }
  return [...best.values()].sort((a, b) => b.score - a.score || (KIND_RANK[a.kind] ?? 4) - (KIND_RANK[b.kind] ?? 4));
}
