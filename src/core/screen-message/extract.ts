/**
 * The organisation and person names in a message's text, for "Screen this message": no database, only the
 * text. Four kinds of evidence, each a span of the text:
 *
 *  - legal:        a legal form (Co., Ltd., Inc., LLC, GmbH, S.A., Company Limited ... the matcher's own list,
 *                  normalize.ts) and the capitalised words before it ("Huawei Technologies Co., Ltd.");
 *  - han:          a Chinese name ending in 公司, 集团, 研究院, 研究所, 大学 ... starting after punctuation or a
 *                  particle or verb (与, 和, 向, 对, 的, 签署 ...): "与中国电子科技集团公司签署" -> 中国电子科技集团公司;
 *  - quoted:       anything short in quotes: "Hikvision", “DJI”, 「海康威视」;
 *  - capitalised:  runs of capitalised words ("Lockheed Martin", "China Electronics Technology Group"), single
 *                  capitalised words inside a sentence, and acronyms (ZTE, DJI) anywhere.
 *
 * Spans inside a longer one are dropped, names are deduplicated by their folded form, obvious non-names
 * (sentence-initial common words, greetings, months, places alone) are left out, and at most `limit` names are
 * returned in the order they appear, with how many were found.
 */
import { CHINESE_PLACE_WORDS } from '../match/chinese-vocabulary';
import { toSimplified } from '../match/chinese';
import { coverageFactor, isPlaceWord } from '../match/generic-words';
import { legalFormAt } from '../match/normalize';
import { normalizeName } from '../match/text';
import { ABBREVIATIONS, AMBIGUOUS_FORMS, AND_WORDS, CONNECTORS, HAN_BOUNDARIES, HAN_NO_SPLIT, HAN_SUFFIXES, OF_HEADS, STOP_WORDS } from './words';

export type NameKind = 'legal' | 'han' | 'quoted' | 'capitalised';

export interface FoundName {
  /** The name as written in the message. */
  text: string;
  kind: NameKind;
  /** Where it stands in the text (UTF-16 offsets). */
  start: number;
  end: number;
}

export interface Extraction {
  /** The names, in the order they appear, at most `limit`. */
  names: FoundName[];
  /** How many distinct names were found before the cap. */
  found: number;
  /** More names were found than returned. */
  capped: boolean;
  limit: number;
  /** The text was longer than MAX_TEXT characters: only its start was read. */
  truncated: boolean;
}

export const MAX_NAMES = 25;
/** Characters of a message read (Slack messages hold up to 40,000; Discord's 4,000). */
export const MAX_TEXT = 40_000;

export function extractNames(message: string, options: { limit?: number } = {}): Extraction {
  const limit = options.limit ?? MAX_NAMES;
  const text = message.slice(0, MAX_TEXT);
  const tokens = tokenize(text);
  const legal = legalNames(text, tokens);
  const covered = new Set(legal.flatMap((l) => l.tokens));
  const candidates: FoundName[] = [...quotedNames(text), ...legal.map((l) => l.name), ...capitalisedRuns(text, tokens, covered), ...hanNames(text)];
  const names = dedupe(candidates.map(clean).filter((c): c is FoundName => Boolean(c)));
  return { names: names.slice(0, limit), found: names.length, capped: names.length > limit, limit, truncated: message.length > MAX_TEXT };
}

// ------------------------------------------------------------------------------------------------ Latin tokens

interface Token {
  text: string;
  start: number;
  end: number;
  /** normalizeName of the token, as words ("S.A." -> ["s", "a"]). */
  words: string[];
  lower: string;
}

const TOKEN = /[\p{Script=Latin}\p{N}](?:[\p{Script=Latin}\p{N}\p{M}&-]|['’](?=\p{L})|\.(?=[\p{Script=Latin}\p{N}]))*\.?/gu;

function tokenize(text: string): Token[] {
  return [...text.matchAll(TOKEN)].map((m) => {
    const raw = m[0];
    return { text: raw, start: m.index, end: m.index + raw.length, words: normalizeName(raw).split(' ').filter(Boolean), lower: raw.replace(/\.$/, '').replace(/['’]s$/u, '').toLowerCase() };
  });
}

const isCapitalised = (t: Token): boolean => /^\p{Lu}/u.test(t.text) || /^\p{Ll}+\p{Lu}/u.test(t.text);
const isNumber = (t: Token): boolean => /^\p{N}+$/u.test(t.text.replace(/\.$/, ''));
/** ZTE, DJI, BGI; iFlytek, SenseTime: a name even where a sentence starts. */
const isDistinctive = (t: Token): boolean => /^\p{Lu}[\p{Lu}\p{N}&-]+\.?$/u.test(t.text) || /\p{Ll}\p{Lu}/u.test(t.text);
const isStop = (t: Token): boolean => STOP_WORDS.has(t.lower);
const isConnector = (t: Token): boolean => CONNECTORS.has(t.lower);

/**
 * Whitespace on one line, a hyphen or ampersand, or (in a legal name) a bracket ("Huawei Technologies (UK)
 * Co."): the name goes on.
 */
function joins(text: string, a: Token, b: Token, brackets = false): boolean {
  const gap = text.slice(a.end, b.start);
  return /^(?:[ \t\u00a0]*|[ \t]*[-&][ \t]*)$/u.test(gap) || (brackets && /^[ \t]*[()（）][ \t]*$/u.test(gap));
}

/** A token ending with a dot that is not an abbreviation, an initial or a legal form ends its sentence. */
function endsSentence(t: Token): boolean {
  if (!t.text.endsWith('.')) return false;
  const bare = t.lower;
  return !(ABBREVIATIONS.has(bare) || /^\p{L}$/u.test(bare) || bare.includes('.') || legalFormAt(t.words, 0));
}

/** Does a sentence start at token i (first of the text, or after . ! ? : or a line break)? */
function sentenceStart(text: string, tokens: Token[], i: number): boolean {
  if (i === 0) return /^[\s"'“‘([「『-]*$/u.test(text.slice(0, tokens[0]!.start));
  const prev = tokens[i - 1]!;
  const gap = text.slice(prev.end, tokens[i]!.start);
  return endsSentence(prev) || /[!?:;\n。！？：；]/u.test(gap) || /\.\s/u.test(gap);
}

/** "and" joins when a trade word follows it: "Import and Export", "Science and Technology". */
function andJoins(tokens: Token[], i: number): boolean {
  const next = tokens[i + 1];
  return Boolean(next && AND_WORDS.has(tokens[i]!.lower) && isCapitalised(next) && next.words.every((w) => coverageFactor(w) === 0.5));
}

/** Does "of" after this word continue a name? After a trade or institution word, yes (Bank of China). */
function ofJoins(before: Token): boolean {
  return before.words.every((w) => coverageFactor(w) === 0.5 || OF_HEADS.has(w));
}

// ------------------------------------------------------------------------------------------------ legal names

interface LegalName {
  name: FoundName;
  tokens: number[];
}

/** The legal form starting at token i, as the number of tokens it spans, if it is written as one. */
function legalFormTokens(tokens: Token[], i: number): { length: number; ambiguous: boolean; written: boolean } | undefined {
  const first = tokens[i]!;
  if (!isCapitalised(first)) return undefined;
  const words: string[] = [];
  const owner: number[] = [];
  for (let k = i; k < Math.min(tokens.length, i + 4); k++) {
    for (const w of tokens[k]!.words) {
      words.push(w);
      owner.push(k);
    }
  }
  const form = legalFormAt(words, 0);
  if (!form) return undefined;
  const last = owner[form.length - 1]!;
  // The form must end with a token, not inside one ("Sa" of "Samsung" is no form: tokens are whole words).
  if (owner[form.length] === last) return undefined;
  for (let k = i + 1; k <= last; k++) if (!isCapitalised(tokens[k]!)) return undefined;
  const ambiguous = AMBIGUOUS_FORMS.has(form.join(' '));
  const written = /^\p{Lu}{2,}\.?$/u.test(first.text) || first.text.includes('.');
  return { length: last - i + 1, ambiguous, written };
}

function legalNames(text: string, tokens: Token[]): LegalName[] {
  const out: LegalName[] = [];
  const inChain = new Set<number>();
  for (let i = 0; i < tokens.length; i++) {
    const form = legalFormTokens(tokens, i);
    if (!form) continue;
    // A chain of forms: "Co., Ltd.", "Company Limited", "Private Limited", "Sdn. Bhd.".
    let end = i + form.length - 1;
    let trusted = !form.ambiguous || form.written;
    for (;;) {
      const next = tokens[end + 1];
      if (!next || !/^[ \t]*,?[ \t]*$/.test(text.slice(tokens[end]!.end, next.start))) break;
      const more = legalFormTokens(tokens, end + 1);
      if (!more) break;
      trusted ||= !more.ambiguous || more.written;
      end += more.length;
    }
    const chain = range(i, end);
    for (const k of chain) inChain.add(k);
    if (!trusted) {
      i = end;
      continue;
    }
    // The capitalised words before the chain, back to the sentence start, a break, or the previous name's form.
    let first = i;
    for (let j = i - 1; j >= 0 && i - j <= 10; j--) {
      const tok = tokens[j]!;
      if (!joins(text, tok, tokens[j + 1]!, true) || endsSentence(tok) || inChain.has(j)) break;
      // "of" after a head word goes on (Bank of China); after a person's name it ends the company's name.
      if (tok.lower === 'of' && j > 0 && !ofJoins(tokens[j - 1]!)) break;
      if (isCapitalised(tok) || isNumber(tok) || isConnector(tok) || andJoins(tokens, j)) first = j;
      else break;
    }
    while (first < i && (isStop(tokens[first]!) || isConnector(tokens[first]!) || AND_WORDS.has(tokens[first]!.lower))) first++;
    if (first === i) {
      i = end;
      continue;
    }
    const start = tokens[first]!.start;
    const stop = tokens[end]!.end;
    out.push({ name: { text: text.slice(start, stop), kind: 'legal', start, end: stop }, tokens: range(first, end) });
    i = end;
  }
  return out;
}

// ------------------------------------------------------------------------------------------------ capitalised runs

function capitalisedRuns(text: string, tokens: Token[], covered: Set<number>): FoundName[] {
  const out: FoundName[] = [];
  let i = 0;
  while (i < tokens.length) {
    if (covered.has(i) || !(isCapitalised(tokens[i]!) || isNumber(tokens[i]!))) {
      i++;
      continue;
    }
    // A run: capitalised words (numbers and connectors inside), on one line, within one sentence, no stop word.
    const begin = i;
    let end = i;
    for (let k = i + 1; k < tokens.length && k - i < 10; k++) {
      const tok = tokens[k]!;
      if (covered.has(k) || !joins(text, tokens[k - 1]!, tok) || endsSentence(tokens[k - 1]!)) break;
      if (isCapitalised(tok) && !isStop(tok)) end = k;
      else if (!(isNumber(tok) || (isConnector(tok) && (tok.lower !== 'of' || ofJoins(tokens[k - 1]!))) || andJoins(tokens, k))) break;
    }
    let first = begin;
    while (first <= end && (isStop(tokens[first]!) || isConnector(tokens[first]!) || isNumber(tokens[first]!))) first++;
    const run = range(first, end);
    i = end + 1;
    if (!run.length) continue;
    // Only common words before it since the sentence began: the first word left still opens the sentence.
    const atStart = sentenceStart(text, tokens, begin);
    const only = tokens[first]!;
    if (run.length === 1) {
      // One word: an acronym or a mixed-case name anywhere; a capitalised word only inside a sentence.
      if (!isDistinctive(only) && (atStart || only.lower.length < 3)) continue;
    }
    const words = run.flatMap((k) => tokens[k]!.words);
    // Places alone ("Hong Kong", "United States") and common words are no names.
    if (words.every((w) => isPlaceWord(w) || STOP_WORDS.has(w) || CONNECTORS.has(w))) continue;
    const start = tokens[first]!.start;
    const stop = tokens[end]!.end;
    out.push({ text: text.slice(start, stop), kind: 'capitalised', start, end: stop });
  }
  return out;
}

// ------------------------------------------------------------------------------------------------ Chinese names

/** Han text with the digits, middle dots and bracketed places a name may hold: 中国电子科技集团公司第14研究所, 华为技术（深圳）有限公司. */
const HAN_CLAUSE = /(?:[\p{Script=Han}0-9０-９·・]|[(（]\p{Script=Han}{1,8}[)）])+/gu;

function hanNames(text: string): FoundName[] {
  const out: FoundName[] = [];
  for (const m of text.matchAll(HAN_CLAUSE)) {
    const clause = m[0];
    for (const seg of hanSegments(clause)) {
      const name = hanName(seg.text);
      if (!name) continue;
      const start = m.index + seg.start + name.offset;
      out.push({ text: name.text, kind: 'han', start, end: start + name.text.length });
    }
  }
  return out;
}

/** The clause cut at particles and verbs (与, 和, 向, 签署 ...), except where they open a name (对外, 同济). */
function hanSegments(clause: string): Array<{ text: string; start: number }> {
  const out: Array<{ text: string; start: number }> = [];
  let segStart = 0;
  let i = 0;
  while (i < clause.length) {
    const word = HAN_NO_SPLIT.some((w) => clause.startsWith(w, i)) ? undefined : HAN_BOUNDARIES.find((b) => clause.startsWith(b, i));
    if (word) {
      if (i > segStart) out.push({ text: clause.slice(segStart, i), start: segStart });
      i += word.length;
      segStart = i;
      continue;
    }
    i++;
  }
  if (segStart < clause.length) out.push({ text: clause.slice(segStart), start: segStart });
  return out;
}

/** The name in a segment: from its start to the end of its last suffix, with at least two characters before it. */
function hanName(seg: string): { text: string; offset: number } | undefined {
  let end = -1;
  for (let i = 0; i < seg.length; i++) {
    const suffix = HAN_SUFFIXES.find((s) => seg.startsWith(s, i));
    if (suffix) {
      end = i + suffix.length;
      i = end - 1;
    }
  }
  if (end < 0) return undefined;
  const lead = /^[0-9０-９·・\s]*/u.exec(seg)![0].length;
  const name = seg.slice(lead, end);
  if (name.length > 40) return undefined;
  // The core: the name without its suffixes and places; "该公司", "中国公司", "贵公司" are no names.
  let core = toSimplified(name);
  for (const s of HAN_SUFFIXES) core = core.split(toSimplified(s)).join('');
  for (const p of [...CHINESE_PLACE_WORDS].sort((a, b) => b.length - a.length)) if (p.length >= 2) core = core.split(p).join('');
  core = core.replace(/[^\p{Script=Han}]/gu, '');
  if (core.length < 2) return undefined;
  return { text: name, offset: lead };
}

// ------------------------------------------------------------------------------------------------ quoted names

const QUOTED = /"([^"\n]{2,120})"|“([^”\n]{2,120})”|「([^」\n]{2,120})」|『([^』\n]{2,120})』|‘([^’\n]{2,120})’/gu;

function quotedNames(text: string): FoundName[] {
  const out: FoundName[] = [];
  for (const m of text.matchAll(QUOTED)) {
    const inner = m.slice(1).find((g) => g !== undefined)!;
    const offset = m.index + m[0].indexOf(inner);
    const trimmed = inner.trim();
    // A quoted sentence is no name: many words, or a question or an exclamation.
    if (trimmed.split(/\s+/).length > 8 || /[?!？！。]$/u.test(trimmed)) continue;
    const start = offset + inner.indexOf(trimmed);
    out.push({ text: trimmed, kind: 'quoted', start, end: start + trimmed.length });
  }
  return out;
}

// ------------------------------------------------------------------------------------------------ clean-up

/** Trailing commas and sentence dots off (a legal form keeps its own: "Ltd."); non-names dropped. */
function clean(c: FoundName): FoundName | undefined {
  // "Huawei's" is Huawei.
  let text = c.text.replace(/[\s,;:]+$/u, '').replace(/(?<=\p{L})['’]s\.?$/u, '');
  // A sentence's dot goes; an abbreviation's stays ("Ltd.", "S.A.", "Co.").
  const last = /([\p{L}.]+)\.$/u.exec(text)?.[1]?.toLowerCase();
  if (c.kind !== 'quoted' && last !== undefined && !ABBREVIATIONS.has(last) && !last.includes('.') && last.length > 1) text = text.slice(0, -1);
  if (!/\p{L}.*\p{L}|\p{Script=Han}/su.test(text)) return undefined;
  const words = normalizeName(text).split(' ').filter(Boolean);
  if (!/\p{Script=Han}/u.test(text) && words.every((w) => STOP_WORDS.has(w) || CONNECTORS.has(w) || isPlaceWord(w))) return undefined;
  return { ...c, text, end: c.start + text.length };
}

function key(name: string): string {
  return normalizeName(toSimplified(name)).replace(/ /g, '');
}

/** Spans inside a longer span go (the longer one says more); the same name twice, once. */
function dedupe(candidates: FoundName[]): FoundName[] {
  const bySize = [...candidates].sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: FoundName[] = [];
  const keys = new Set<string>();
  for (const c of bySize) {
    if (kept.some((k) => k.start <= c.start && c.end <= k.end)) continue;
    const k = key(c.text);
    if (!k || keys.has(k)) continue;
    keys.add(k);
    kept.push(c);
  }
  return kept.sort((a, b) => a.start - b.start);
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let k = from; k <= to; k++) out.push(k);
  return out;
}
