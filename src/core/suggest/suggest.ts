/**
 * Type-ahead: what has been typed so far in, the parties it most likely starts to name out, best first, one
 * choice per real-world party (parties whose names read the same are one choice), at most 25 (Discord's limit).
 *
 * Partial words complete ("Hikv" -> Hikvision, "zte corpo" -> ZTE ...), partial Chinese names complete, both
 * against names listed in Chinese and, through the company vocabulary, names listed only in English ("华为技" ->
 * Huawei Technologies). Ranking, in order: no typed word left unmatched (legal forms and filler may be); a
 * distinctive word of the name reached (not only places, trade words, legal forms); every finished word a whole
 * word of the name (the word being typed may be the start of one); parties with a
 * designation in force before suspended, before delisted ones; then how much of the name is covered, whether
 * the typed text starts it, on how many lists the party is, primary names before aliases, shorter names first.
 *
 * Cost per call, on the in-memory index of suggest-index.ts (built once per dataset version): O(log V) per typed
 * word to find its range among the V distinct words; the entries under the narrowest range of a required word
 * are read whole when they number at most CANDIDATE_CAP; a wider range (one or two letters, a common word) is
 * read lazily in order of preference (a heap merge over its k words, O((k + m) log k) for m entries read) until
 * SCAN_MATCHES entries fit, with the entries of a typed legal-form or filler word when its range is narrow. So a
 * call scores at most about CANDIDATE_CAP + SCAN_MATCHES entries however large the data grows; what grows is
 * log V, the k of a wide range, and, only when every typed word is common and they seldom meet, the entries read
 * before SCAN_MATCHES fit (bounded by the N entries). Chinese-script input reads the postings of its rarest
 * character (names in Chinese, a few hundred today) plus up to 4 finished forms x 3 Latin renderings, each read
 * as above.
 */
import { z } from 'zod';
import { latinRenderings, hasHan, toSimplified } from '../match/chinese';
import { nameForms } from '../match/normalize';
import { normalizeName } from '../match/text';
import { isoDay, statusOn } from '../designation-status';
import { isListCode, listInfo, ListCode } from '../lists';
import { standingOf, type Standing } from '../lookup';
import type { Db } from '../store/db';
import { completeHan } from './han-completion';
import { fitHan, fitWords, typedHan, type Fit } from './match-entry';
import { suggestIndex, type SuggestEntry, type SuggestIndex, type SuggestParty } from './suggest-index';
import { typedWords, type TypedWord } from './typed';

/** Discord's limits: 25 choices, a choice's name and value up to 100 characters each. */
export const MAX_SUGGESTIONS = 25;
export const MAX_CHOICE_CHARS = 100;

const MAX_TYPED = 200;
/** Postings read in full when the narrowest typed word's range holds at most this many. */
const CANDIDATE_CAP = 1500;
/** A wider range is scanned in order of preference until this many entries fit. */
const SCAN_MATCHES = 300;
/** Latin forms tried per Chinese text, and finished forms of a partial Chinese name. */
const RENDERINGS = 3;
const COMPLETIONS = 4;
/** Routes through a Latin rendering of Chinese input are trusted a little less than the name itself. */
const RENDERING_FACTOR = 0.9;
/** Ranked parties read for choices, as a multiple of the choices wanted (the rest cannot make the list). */
const DUPLICATES_READ = 4;

export const SuggestOptions = z.object({
  limit: z.number().int().min(1).max(MAX_SUGGESTIONS).optional(),
  lists: z.array(ListCode).optional(),
  side: z.enum(['us', 'cn']).optional(),
  now: z.date().optional(),
  /** Longest label and value, in characters. */
  maxLabel: z.number().int().min(20).max(1000).optional(),
  maxValue: z.number().int().min(20).max(1000).optional(),
});
export type SuggestOptions = z.infer<typeof SuggestOptions>;

export interface Suggestion {
  /** What to search for when chosen: the party's name, cut at a word to maxValue characters. */
  value: string;
  /** What to show: the name, the name that matched when it reads otherwise, the lists in force, the standing. */
  label: string;
  /** The party's name (the primary name of the record whose name matched). */
  name: string;
  /** The stored name that matched (an alias, a Chinese or pinyin name, or the name itself). */
  matched: string;
  /** The party, then any others whose names read the same (one choice finds them all). */
  partyIds: number[];
  standing: Standing;
  /** Lists with a designation in force, among those searched. */
  lists: ListCode[];
  /** For Chinese input found through a Latin rendering: that rendering. */
  via?: string;
}

interface Candidate {
  entry: SuggestEntry;
  fit: Fit;
  /** Not typed but finished from the vocabulary: never a whole-word match. */
  finished: boolean;
  factor: number;
  via: string | undefined;
}

interface Ranked {
  candidate: Candidate;
  party: SuggestParty;
  standing: Standing;
  /** The order of choices as one number, smaller first (rankKey). */
  key: number;
}

const STANDING_ORDER: Record<Standing, number> = { listed: 0, suspended: 1, delisted: 2 };

export function suggest(db: Db, typed: string, options: SuggestOptions = {}): Suggestion[] {
  const opts = SuggestOptions.parse(options);
  const text = typed.normalize('NFKC').slice(0, MAX_TYPED);
  if (!text.trim()) return [];
  const index = suggestIndex(db);
  const candidates = hasHan(text) ? hanCandidates(index, text) : latinCandidates(index, typedWords(text));
  return choose(index, candidates, opts);
}

/**
 * Entries fitting typed Latin words, read from the narrowest range of the word index among the required words;
 * when that range is too wide to read whole, also from the narrowest range of a legal-form or filler word that
 * was typed ("DES International": "des" is a filler word, but the names that carry it are the likeliest).
 */
function latinCandidates(index: SuggestIndex, typed: TypedWord[], finished = false, factor = 1, via?: string): Candidate[] {
  if (!typed.length) return [];
  // A finished word may stand for a longer one (an abbreviation), unless it is one of the optional words.
  const narrowest = (words: TypedWord[]) => {
    let best: { from: number; to: number; count: number } | undefined;
    for (const w of words) {
      const range = w.partial || (w.text.length >= 2 && !w.optional) ? index.words.range(w.text) : exactRange(index, w.text);
      const count = index.words.count(range.from, range.to);
      if (!best || count < best.count) best = { ...range, count };
    }
    return best;
  };
  const required = narrowest(typed.filter((w) => !w.optional));
  if (!required || required.count === 0) return [];
  const out: Candidate[] = [];
  const seen = new Set<number>();
  const consider = (id: number) => {
    if (seen.has(id)) return;
    seen.add(id);
    const entry = index.entries[id]!;
    const fit = fitWords(typed, entry, index.weightOf);
    if (fit) out.push({ entry, fit, finished, factor, via });
  };
  const readAll = (range: { from: number; to: number }) => {
    for (let k = range.from; k < range.to; k++) for (const id of index.words.postingsOf(k)) consider(id);
  };
  if (required.count <= CANDIDATE_CAP) {
    readAll(required);
    return out;
  }
  const optional = narrowest(typed.filter((w) => w.optional));
  if (optional && optional.count <= CANDIDATE_CAP) readAll(optional);
  // Entries are numbered in order of preference: the first ones under the range are the likeliest.
  const enough = out.length + SCAN_MATCHES;
  for (const id of index.words.merged(required.from, required.to)) {
    consider(id);
    if (out.length >= enough) break;
  }
  return out;
}

function exactRange(index: SuggestIndex, word: string): { from: number; to: number } {
  const i = index.words.indexOf(word);
  return i < 0 ? { from: 0, to: 0 } : { from: i, to: i + 1 };
}

/**
 * Chinese-script input: names in Chinese containing the typed characters (read from the postings of the rarest
 * one), and names in Latin script through the Latin renderings of the text as typed and as finished.
 */
function hanCandidates(index: SuggestIndex, text: string): Candidate[] {
  const simplified = toSimplified(text);
  const han = normalizeName(simplified).replace(/ /g, '');
  const out: Candidate[] = [];
  let rarest: Int32Array | undefined;
  for (const c of new Set(han)) {
    const i = index.hanChars.indexOf(c);
    const postings = i < 0 ? new Int32Array(0) : index.hanChars.postingsOf(i);
    if (!rarest || postings.length < rarest.length) rarest = postings;
  }
  const typed = typedHan(han);
  for (const id of rarest ?? []) {
    const entry = index.entries[id]!;
    const fit = fitHan(typed, entry);
    if (fit) out.push({ entry, fit, finished: false, factor: 1, via: undefined });
  }
  const texts = [{ text: simplified, finished: false }, ...completeHan(han, COMPLETIONS).map((t) => ({ text: t, finished: true }))];
  const tried = new Set<string>();
  for (const t of texts) {
    // Not the initials of the syllables: the start of a name typed in characters does not start its initials.
    for (const rendering of latinRenderings(t.text).filter((r) => r.how !== 'initials').slice(0, RENDERINGS)) {
      if (tried.has(rendering.text)) continue;
      tried.add(rendering.text);
      out.push(...latinCandidates(index, typedWords(rendering.text), t.finished, RENDERING_FACTOR, rendering.text));
    }
  }
  return out;
}

/** The best candidate of each party on the lists searched, ranked, one choice per name that reads differently. */
function choose(index: SuggestIndex, candidates: Candidate[], opts: SuggestOptions): Suggestion[] {
  const limit = opts.limit ?? MAX_SUGGESTIONS;
  const today = isoDay(opts.now ?? new Date());
  const standings = new Map<number, { standing: Standing; lists: ListCode[] } | null>();
  const standingOfParty = (party: SuggestParty) => {
    let s = standings.get(party.id);
    if (s === undefined) standings.set(party.id, (s = partyStanding(party, opts, today)));
    return s;
  };
  const best = new Map<number, Ranked>();
  for (const c of candidates) {
    const party = index.parties.get(c.entry.partyId);
    if (!party) continue;
    const s = standingOfParty(party);
    if (!s) continue;
    const key = rankKey(c, party, s.standing);
    const prior = best.get(party.id);
    if (!prior || key < prior.key) best.set(party.id, { candidate: c, party, standing: s.standing, key });
  }
  const ordered = [...best.values()].sort((a, b) => a.key - b.key || a.party.id - b.party.id);
  const out: Suggestion[] = [];
  const byKey = new Map<string, Suggestion>();
  // Parties whose names read the same rank close together: a few more than the choices are read for them.
  for (const r of ordered.slice(0, limit * DUPLICATES_READ)) {
    const { entry, via } = r.candidate;
    const name = (index.recordNames.get(entry.recordId) ?? '').trim() || entry.value;
    if (!name.trim()) continue;
    const key = recordKey(index, entry.recordId, name);
    const same = byKey.get(key);
    if (same) {
      same.partyIds.push(r.party.id);
      continue;
    }
    if (out.length >= limit) continue;
    const lists = standingOfParty(r.party)!.lists;
    const suggestion: Suggestion = {
      value: valueOf(name, opts.maxValue ?? MAX_CHOICE_CHARS),
      label: labelOf(name, entry.value, lists, r.standing, opts.maxLabel ?? MAX_CHOICE_CHARS),
      name,
      matched: entry.value,
      partyIds: [r.party.id],
      standing: r.standing,
      lists,
      ...(via ? { via } : {}),
    };
    byKey.set(key, suggestion);
    out.push(suggestion);
  }
  return out;
}

/** The party's standing and lists in force on the lists searched; null when it has nothing on them. */
function partyStanding(party: SuggestParty, opts: SuggestOptions, today: string): { standing: Standing; lists: ListCode[] } | null {
  const statuses: string[] = [];
  const lists = new Set<ListCode>();
  for (const d of party.designations) {
    if (!isListCode(d.list)) continue;
    if (opts.lists?.length && !opts.lists.includes(d.list)) continue;
    if (opts.side && listInfo(d.list).side !== opts.side) continue;
    const status = statusOn(d.status, d.until, today);
    statuses.push(status);
    if (status === 'active') lists.add(d.list);
  }
  return statuses.length ? { standing: standingOf(statuses), lists: [...lists] } : null;
}

/**
 * The order of choices as one number, smaller first, comparing in turn: typed words left unmatched, a distinctive
 * word reached, every finished word whole, the standing, then the fit's score with how many lists the party is
 * on and the kind of name that matched, then the name's length. Sorting numbers keeps a call with thousands of
 * candidates cheap.
 */
function rankKey(c: Candidate, party: SuggestParty, standing: Standing): number {
  const kind = c.entry.kindRank === 0 ? 1 : c.entry.kindRank === 1 ? 0.5 : 0;
  const score = c.fit.score * c.factor + 0.1 * (Math.min(party.activeLists, 4) / 4) + 0.05 * kind;
  const whole = c.fit.whole && !c.finished;
  const cls = ((Math.min(c.fit.skipped, 15) * 2 + (c.fit.distinctive ? 0 : 1)) * 2 + (whole ? 0 : 1)) * 4 + STANDING_ORDER[standing];
  // score is within [0, 1.15]: 2 - score, in millionths, is below 2,000,000.
  return (cls * 2_000_000 + Math.round((2 - score) * 1_000_000)) * 4096 + Math.min(c.entry.value.length, 4095);
}

/** Names that read the same once legal forms, case and punctuation are set aside are one choice. */
function readsAs(name: string): string {
  return nameForms(name).tokens.join(' ') || normalizeName(name);
}

const recordKeys = new WeakMap<SuggestIndex, Map<number, string>>();

/** readsAs of a record's name, kept with the index (names are read as they are first offered). */
function recordKey(index: SuggestIndex, recordId: number, name: string): string {
  let keys = recordKeys.get(index);
  if (!keys) recordKeys.set(index, (keys = new Map()));
  let key = keys.get(recordId);
  if (key === undefined) keys.set(recordId, (key = readsAs(name)));
  return key;
}

/** The name, cut at the last space within `max` characters (a lookup of the cut name still finds the party). */
export function valueOf(name: string, max: number): string {
  const clean = name.replace(/\s+/g, ' ').trim();
  if (clean.length <= max) return clean;
  const cut = clean.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return (space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;(-]+$/, '');
}

const STANDING_WORDS: Record<Standing, string> = { listed: '', suspended: 'suspended', delisted: 'no longer listed' };

/**
 * "Name (matched name) · Entity List, 1260H" within `max` characters: the matched name only when it reads
 * otherwise than the name; lists cut before the name is; a party not listed says so instead of lists.
 */
export function labelOf(name: string, matched: string, lists: ListCode[], standing: Standing, max: number): string {
  const clean = (t: string) => t.replace(/\s+/g, ' ').trim();
  const title = clean(name);
  const aka = readsAs(matched) !== readsAs(name) ? ` (${clean(matched)})` : '';
  const tail = standing === 'listed' ? lists.map((l) => listInfo(l).short).join(', ') : STANDING_WORDS[standing];
  const tails = tail ? [` · ${tail}`] : [''];
  if (standing === 'listed' && lists.length > 1) tails.push(` · ${listInfo(lists[0]!).short} +${lists.length - 1}`);
  tails.push('');
  for (const t of tails) {
    for (const a of [aka, '']) {
      const label = `${title}${a}${t}`;
      if (label.length <= max) return label;
    }
  }
  const t = standing === 'listed' ? '' : ` · ${STANDING_WORDS[standing]}`;
  return `${title.slice(0, max - t.length - 1).trimEnd()}…${t}`;
}

/**
 * Build the type-ahead index of the current dataset version now (about a second and ~50 MB for the real data),
 * so that the first keystroke after a start or a refresh does not wait for it. For processes that serve it.
 */
export function warmSuggest(db: Db): void {
  suggestIndex(db);
  suggest(db, '华为技');
}
