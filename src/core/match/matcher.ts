/**
 * The matcher: a query in, the best-matching name of each party out, scored and explained.
 * Latin queries are matched word by word (exact, typo, prefix); Chinese queries are matched on character
 * pairs against Chinese names (traditional folded to simplified) and, through pinyin and a vocabulary of
 * company words, against names listed only in Latin script.
 */
import type { Db } from '../store/db';
import { CandidateFinder, type CandidateName } from './candidates';
import { hasHan, latinRenderings, toSimplified, vocabularyPinyin, type RenderingHow } from './chinese';
import { coverageFactor, isPlaceWord } from './generic-words';
import { nameForms, type NameForms } from './normalize';
import { englishFromPinyin, pinyinQuery, splitSyllables } from './pinyin';
import { queryUnits, unexplainedText, type UnitsOfQuery } from './query-units';
import { idf, matchesByToken, scoreName, type NameScore, type QueryToken } from './score';

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
  /** Query words (or runs of Han characters) this name does not account for: "usa" in "Hikvision USA". */
  unexplained?: string[];
}

/** Scores at or above this are matches; the CLI and bots show them as results. */
export const DEFAULT_THRESHOLD = 0.8;
/** Scores from here up to the threshold are worth a human look: shown apart, as "review". */
export const REVIEW_THRESHOLD = 0.65;

const MAX_QUERY_LENGTH = 200;
const MAX_QUERY_TOKENS = 12;
/** Latin forms of a Chinese query tried, best first. */
const MAX_RENDERINGS = 4;
/** At least two thirds of the words split into pinyin syllables. */
function readsAsPinyin(tokens: readonly string[]): boolean {
  if (!tokens.length) return false;
  const syllabic = tokens.filter((t) => splitSyllables(t)).length;
  return syllabic * 3 >= tokens.length * 2;
}

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
    const variants: Variant[] = [];
    if (hasHan(text)) {
      const traditionalQuery = toSimplified(text) !== text;
      variants.push({
        forms: nameForms(text),
        options: { fuzzy: false, prefix: false },
        factor: 1,
        how: (c, s) => {
          if (traditionalQuery || writtenTraditional(c)) return 'traditional/simplified';
          if (s.whole) return c.kind === 'primary' ? 'exact' : 'alias';
          return 'chinese';
        },
      });
      for (const rendering of latinRenderings(text).slice(0, MAX_RENDERINGS)) {
        variants.push({
          forms: nameForms(rendering.text),
          options: { fuzzy: false, prefix: false },
          factor: RENDERING_FACTOR[rendering.how],
          how: () => rendering.how,
          via: rendering.text,
        });
      }
    } else {
      const forms = nameForms(text);
      variants.push({ forms, options: { fuzzy: true, prefix: true }, factor: 1, how: latinHow });
      // Read as pinyin, in syllable pairs: "Kuangshi", "Haikang Weishi" meet names listed in Chinese script.
      // Only a query that reads as pinyin (most of its words split into syllables): a long Arabic or Russian
      // name is not one, and trying it costs the slowest queries most.
      if (!readsAsPinyin(forms.tokens)) return bestPerParty(this.searchVariants(variants, minScore)).filter((h) => h.score >= minScore);
      const pinyin = pinyinQuery(forms, MAX_QUERY_TOKENS);
      if (pinyin && pinyin.forms.tokens.join(' ') !== forms.tokens.join(' ')) {
        variants.push({ forms: pinyin.forms, units: pinyin.units, options: { fuzzy: false, prefix: false }, factor: RENDERING_FACTOR.pinyin, how: () => 'pinyin' });
      }
      // ...and through the company vocabulary, in the English a party is listed under ("shuzi jishu": digital technology).
      const english = englishFromPinyin(forms, vocabularyPinyin());
      if (english) {
        variants.push({ forms: nameForms(english), options: { fuzzy: false, prefix: false }, factor: RENDERING_FACTOR.vocabulary, how: () => 'vocabulary', via: english });
      }
    }
    return bestPerParty(this.searchVariants(variants, minScore)).filter((h) => h.score >= minScore);
  }

  /** Search several forms of one query together: candidates are gathered for all, loaded once, scored against each. */
  private searchVariants(variants: Variant[], minScore: number): MatchHit[] {
    const total = this.finder.nameCount();
    const prepared: Array<{ variant: Variant; tokens: QueryToken[]; units: UnitsOfQuery }> = [];
    const ids = new Set<number>();
    for (const variant of variants) {
      const units = variant.units ?? queryUnits(variant.forms.tokens, MAX_QUERY_TOKENS);
      const words = units.tokens;
      if (!words.length) continue;
      // A short single word (an acronym such as DJI or SMIC) must match exactly.
      const short = words.length === 1 && words[0]!.length <= 4;
      const loose = !short && !variant.forms.han;
      const tokens: QueryToken[] = words.map((word, i) => {
        const matches = this.finder.expand(word, { fuzzy: variant.options.fuzzy && loose, prefix: variant.options.prefix && loose });
        const exact = matches.find((m) => m.how === 'exact');
        const df = exact ? exact.df : matches.length ? Math.max(...matches.map((m) => m.df)) : 0;
        return { text: word, weight: idf(df, total), matches, byToken: matchesByToken(matches), units: units.tokenUnits[i]! };
      });
      prepared.push({ variant, tokens, units });
      for (const id of this.finder.evidence(tokens, variant.forms.compact)) ids.add(id);
    }
    const candidates = this.finder.load([...ids]);
    if (!candidates.length) return [];
    const dfs = this.finder.dfOf(candidates);
    const hits: MatchHit[] = [];
    for (const { variant, tokens, units } of prepared) {
      const strict = variant.forms.legal && !variant.forms.han;
      // Each name word's weight, computed once per query form (candidates share most of their words).
      const weights = new Map<string, number>();
      const weight = (t: string) => {
        let w = weights.get(t);
        if (w === undefined) weights.set(t, (w = idf(dfs.get(t) ?? 0, total) * coverageFactor(t, strict)));
        return w;
      };
      for (const c of candidates) {
        if (c.han !== variant.forms.han) continue;
        const s = scoreName(tokens, variant.forms.compact, c, weight, strict, units, isPlaceWord);
        if (s.score <= 0) continue;
        const unexplained = s.score * variant.factor >= minScore ? unexplainedText(units, s.covered) : [];
        hits.push({
          partyId: c.partyId,
          recordId: c.recordId,
          name: c.value,
          kind: c.kind,
          score: s.score * variant.factor,
          how: variant.how(c, s),
          ...(variant.via ? { via: variant.via } : {}),
          ...(unexplained.length ? { unexplained } : {}),
        });
      }
    }
    return hits;
  }
}

interface Variant {
  forms: NameForms;
  /** The query's units when its tokens are not plain words or Han pairs (pinyin syllable pairs). */
  units?: UnitsOfQuery;
  options: { fuzzy: boolean; prefix: boolean };
  /** Indirect routes to a name (pinyin, vocabulary) are trusted a little less than the name itself. */
  factor: number;
  how: (candidate: CandidateName, score: NameScore) => MatchHow;
  via?: string;
}

function latinHow(candidate: CandidateName, s: NameScore): MatchHow {
  if (candidate.pinyin) return 'pinyin';
  if (s.whole) return candidate.kind === 'primary' ? 'exact' : 'alias';
  if (s.fuzzy) return 'fuzzy';
  if (s.reordered) return 'word order';
  return 'partial';
}

/** Whether a candidate's name is written in traditional characters (remembered with the candidate, which the finder keeps). */
const traditional = new WeakMap<CandidateName, boolean>();
function writtenTraditional(c: CandidateName): boolean {
  let t = traditional.get(c);
  if (t === undefined) traditional.set(c, (t = toSimplified(c.value) !== c.value));
  return t;
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
