/**
 * Chinese-script work for the matcher: folding traditional to simplified (opencc-js), stripping legal
 * forms from Han company names, and the Latin renderings a Han name is likely listed under (English
 * words from a vocabulary of company-name words, pinyin from pinyin-pro for the rest).
 *
 * Both packages are loaded on first use, through require, so importing this module costs nothing and
 * every function stays synchronous: the opencc converter takes ~40 ms to build, pinyin-pro ~30 ms to load.
 */
import { createRequire } from 'node:module';
import type { Converter as OpenCCConverterFactory, ConverterFunction } from 'opencc-js';
import type { pinyin as PinyinFunction } from 'pinyin-pro';
import { CHINESE_VOCABULARY, CHINESE_VOCABULARY_MAX_LENGTH } from './chinese-vocabulary';
import { normalizeName } from './text';

const requireCjs = createRequire(import.meta.url);

let toSimplifiedConverter: ConverterFunction | undefined;
let pinyinFunction: typeof PinyinFunction | undefined;

function converter(): ConverterFunction {
  if (!toSimplifiedConverter) {
    // The t2cn build carries only the traditional -> simplified dictionaries (100 kB, not 1.2 MB).
    const opencc = requireCjs('opencc-js/t2cn') as { Converter: typeof OpenCCConverterFactory };
    // 'hk' = Hong Kong variants + standard traditional: also folds 衞 綫 and the like. Not 'twp':
    // its phrase table rewrites words inside proper names (中興通訊 -> 中兴通信).
    toSimplifiedConverter = opencc.Converter({ from: 'hk', to: 'cn' });
  }
  return toSimplifiedConverter;
}

function pinyinSyllables(han: string): string[] {
  pinyinFunction ??= (requireCjs('pinyin-pro') as { pinyin: typeof PinyinFunction }).pinyin;
  return pinyinFunction(han, { toneType: 'none', type: 'array' });
}

/** Loads opencc-js and pinyin-pro now (~70 ms) rather than on the first Han query; optional. */
export function preloadChinese(): void {
  converter();
  pinyinSyllables('中');
}

const HAN = /\p{Script=Han}/u;

/** True when the text holds at least one Han character (Chinese, or Japanese kanji). */
export function hasHan(text: string): boolean {
  return HAN.test(text);
}

/** Traditional (and Hong Kong variant) characters to simplified. Idempotent; non-Han text is returned as is. */
export function toSimplified(text: string): string {
  return hasHan(text) ? converter()(text) : text;
}

// ---------------------------------------------------------------------------------------------
// Legal forms

/** Pure legal forms and branch words, longest first so 股份有限公司 wins over 有限公司 and 公司. */
const LEGAL_FORMS = [
  '股份有限公司', '有限责任公司', '有限公司', '股份公司', '分公司', '子公司', '总公司', '公司',
  '株式会社', '有限会社', '合同会社', '合伙企业', '有限合伙', '普通合伙',
];
/** A legal form, with a bracketed place before it ("(香港)有限公司") or a bracketed partnership form. */
const LEGAL_FORM = new RegExp(
  `(?:\\(\\s*\\p{Script=Han}{1,8}\\s*\\)\\s*)?(?:${LEGAL_FORMS.join('|')})|\\(\\s*(?:有限合伙|普通合伙)\\s*\\)`,
  'gu',
);
/** Name separators and brackets (after NFKC, so full-width forms are already ASCII). */
const SEPARATORS = /[·・•‧、，,。()[\]{}【】「」『』《》〈〉〔〕“”‘’"]+/gu;

/**
 * Removes legal forms (股份有限公司, 有限责任公司, 有限公司, 公司, 株式会社, (香港)有限公司 ...) from a Han
 * company name, wherever they stand (中国电子科技集团公司第十四研究所 loses its 公司), and turns separators
 * and brackets into spaces. 集团 (Group) is kept: it is usually part of the listed English name.
 * The text is folded to simplified first; core comes back simplified, whitespace collapsed.
 */
export function stripChineseLegalForms(text: string): { core: string; forms: string[] } {
  const forms: string[] = [];
  const simplified = toSimplified(text).normalize('NFKC');
  const core = simplified
    .replace(LEGAL_FORM, (form) => {
      forms.push(form.replace(/\s+/g, ''));
      return ' ';
    })
    .replace(SEPARATORS, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return { core, forms };
}

// ---------------------------------------------------------------------------------------------
// Segmentation

/** A piece of the core; all its texts are already normalised. */
type Segment =
  /** Latin, digits, kana ...: kept as typed. */
  | { kind: 'other'; text: string }
  /** A vocabulary word or an ordinal (第十四): English renderings, best first, and its pinyin. */
  | { kind: 'word'; han: string; english: readonly string[]; pinyin: string }
  /** Han characters not in the vocabulary: one pinyin word. */
  | { kind: 'run'; han: string; pinyin: string };

const NUMERAL_DIGITS: Readonly<Record<string, number>> = {
  〇: 0, 零: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
};
const NUMERAL_UNITS: Readonly<Record<string, number>> = { 十: 10, 百: 100, 千: 1000 };
const ORDINAL_AT = /^第([〇零一二两三四五六七八九十百千]+)/u;

function parseChineseNumber(chars: string): number {
  const list = Array.from(chars);
  if (!list.some((c) => c in NUMERAL_UNITS)) {
    return Number(list.map((c) => NUMERAL_DIGITS[c] ?? 0).join('')); // 一〇一 -> 101
  }
  let total = 0;
  let current = 0;
  for (const c of list) {
    const unit = NUMERAL_UNITS[c];
    if (unit !== undefined) {
      total += (current || 1) * unit; // 十四: the leading 一 of 一十 is implied
      current = 0;
    } else {
      current = NUMERAL_DIGITS[c] ?? 0;
    }
  }
  return total + current;
}

function ordinalRenderings(n: number): string[] {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return [`${n}${suffix}`, `no ${n}`];
}

interface Piece {
  start: number;
  end: number;
  english?: readonly string[];
}

/**
 * Splits a run of Han characters into vocabulary words, ordinals and unknown stretches: fewest
 * pieces, a vocabulary word or ordinal costing 1 and an unknown character slightly more, so the
 * vocabulary covers as much as it can with the longest words. maxWord < chars.length excludes the
 * whole run (used to split a vocabulary word into its own words for pinyin).
 */
function splitHan(chars: readonly string[], maxWord: number): Piece[] {
  const n = chars.length;
  const text = chars.join('');
  // Substring by character index; plain slicing when there are no surrogate pairs (the usual case).
  const sub = text.length === n ? (i: number, j: number) => text.slice(i, j) : (i: number, j: number) => chars.slice(i, j).join('');
  const cost = new Array<number>(n + 1).fill(Infinity);
  const back = new Array<Piece | undefined>(n + 1);
  cost[0] = 0;
  const relax = (piece: Piece, weight: number): void => {
    const c = (cost[piece.start] ?? Infinity) + weight;
    if (c < (cost[piece.end] ?? Infinity)) {
      cost[piece.end] = c;
      back[piece.end] = piece;
    }
  };
  for (let i = 0; i < n; i++) {
    if (cost[i] === Infinity) continue;
    if (chars[i] === '第') {
      const m = ORDINAL_AT.exec(sub(i, i + 8));
      if (m?.[1]) relax({ start: i, end: i + 1 + Array.from(m[1]).length, english: ordinalRenderings(parseChineseNumber(m[1])) }, 1);
    }
    for (let len = Math.min(maxWord, n - i); len >= 1; len--) {
      const english = CHINESE_VOCABULARY.get(sub(i, i + len));
      if (english) relax({ start: i, end: i + len, english }, 1);
    }
    relax({ start: i, end: i + 1 }, 1.01);
  }
  const pieces: Piece[] = [];
  for (let end = n; end > 0; ) {
    const piece = back[end];
    if (!piece) break;
    pieces.push(piece);
    end = piece.start;
  }
  pieces.reverse();
  // Merge consecutive unknown characters into one piece (one pinyin word).
  const merged: Piece[] = [];
  for (const piece of pieces) {
    const last = merged[merged.length - 1];
    if (!piece.english && last && !last.english) last.end = piece.end;
    else merged.push({ ...piece });
  }
  return merged;
}

/**
 * Pinyin of a vocabulary word, split into its own vocabulary words when they cover all of it:
 * 西北工业大学 -> "xibei gongye daxue", but 研究所 -> "yanjiusuo". A place with 市 or 省 reads as the
 * place alone (深圳市 -> "shenzhen").
 */
const wordPinyinCache = new Map<string, string>();
const PLACE_SUFFIX = new Set(['市', '省']);

function wordPinyin(chars: readonly string[], syllables: readonly string[]): string {
  const key = chars.join('');
  let cached = wordPinyinCache.get(key);
  if (cached === undefined) {
    cached = normalizeName(syllables.join(''));
    const last = chars[chars.length - 1] ?? '';
    if (chars.length > 2 && PLACE_SUFFIX.has(last) && CHINESE_VOCABULARY.has(key.slice(0, -1))) {
      cached = normalizeName(syllables.slice(0, -1).join(''));
    } else if (chars.length > 2) {
      const inner = splitHan(chars, chars.length - 1);
      if (inner.length > 1 && inner.every((p) => p.english)) {
        cached = inner
          .map((p) => wordPinyin(chars.slice(p.start, p.end), syllables.slice(p.start, p.end)))
          .join(' ');
      }
    }
    if (wordPinyinCache.size < 5000) wordPinyinCache.set(key, cached);
  }
  return cached;
}

/** Syllables of a Han run, one per character; characters pinyin-pro does not know are left out. */
function syllablesOf(chars: readonly string[]): string[] {
  let syllables = pinyinSyllables(chars.join(''));
  if (syllables.length !== chars.length) syllables = chars.map((c) => pinyinSyllables(c).join(''));
  return syllables.map((s) => (HAN.test(s) ? '' : s));
}

const TOKEN = /第\d+|(?:(?!第\d)\p{Script=Han})+|[^\s\p{Script=Han}]+/gu;

function segment(core: string): Segment[] {
  const segments: Segment[] = [];
  for (const [token] of core.matchAll(TOKEN)) {
    const arabicOrdinal = /^第(\d+)$/.exec(token);
    if (arabicOrdinal?.[1]) {
      segments.push({ kind: 'word', han: token, english: ordinalRenderings(Number(arabicOrdinal[1])), pinyin: `di ${arabicOrdinal[1]}` });
    } else if (!hasHan(token)) {
      segments.push({ kind: 'other', text: normalizeName(token) });
    } else {
      const chars = Array.from(token);
      const syllables = syllablesOf(chars);
      for (const piece of splitHan(chars, CHINESE_VOCABULARY_MAX_LENGTH)) {
        const pieceChars = chars.slice(piece.start, piece.end);
        const pieceSyllables = syllables.slice(piece.start, piece.end);
        const han = pieceChars.join('');
        if (piece.english) segments.push({ kind: 'word', han, english: piece.english, pinyin: wordPinyin(pieceChars, pieceSyllables) });
        else segments.push({ kind: 'run', han, pinyin: normalizeName(pieceSyllables.join('')) });
      }
    }
  }
  return segments;
}

// ---------------------------------------------------------------------------------------------
// Renderings

let vocabularyByPinyin: Map<string, string> | undefined;

/**
 * The vocabulary read back from pinyin: the toneless pinyin of each word of two characters or more
 * (spaces removed) -> its first English rendering ('' for words dropped in English, such as 股份).
 * Built on first use (~1,000 words through pinyin-pro); the first word of a pinyin wins (the fixed
 * names come first in the vocabulary).
 */
export function vocabularyPinyin(): ReadonlyMap<string, string> {
  if (!vocabularyByPinyin) {
    vocabularyByPinyin = new Map();
    for (const [han, english] of CHINESE_VOCABULARY) {
      if (Array.from(han).length < 2) continue;
      const key = normalizeName(pinyinSyllables(han).join('')).replace(/ /g, '');
      if (!/^[a-z]+$/.test(key) || vocabularyByPinyin.has(key)) continue;
      vocabularyByPinyin.set(key, english[0] ?? '');
    }
  }
  return vocabularyByPinyin;
}

/**
 * The pinyin of a Han name's core (legal forms stripped), one word per vocabulary word or run of other
 * characters, places without 市/省, Latin parts kept: 深圳市大疆创新科技有限公司 -> "shenzhen dajiang
 * chuangxin keji". Undefined when nothing Latin is left (only legal forms, or characters pinyin-pro
 * does not know).
 */
export function pinyinRendering(han: string): string | undefined {
  if (!hasHan(han)) return undefined;
  const { core } = stripChineseLegalForms(han);
  if (core === '') return undefined;
  const text = segment(core)
    .map((s) => (s.kind === 'other' ? s.text : s.pinyin))
    .filter((t) => t !== '')
    .join(' ');
  return text && LATIN.test(text) ? text : undefined;
}

export type RenderingHow = 'pinyin' | 'vocabulary' | 'initials';
export interface LatinRendering {
  /** Already normalised with normalizeName. */
  text: string;
  how: RenderingHow;
}

const MAX_RENDERINGS = 6;
/** A rendering is kept only when it is all Latin letters and digits: kana left in it would never match. */
const LATIN = /^[\p{Script=Latin}\p{N} ]+$/u;
/** Initials are offered for cores of this many Han characters (比亚迪 -> byd). */
const INITIALS_MIN = 3;
const INITIALS_MAX = 4;

/**
 * The Latin forms a Chinese name is likely listed under, best first, at most 6, each normalised:
 * the vocabulary rendering (English for vocabulary words, pinyin for the rest), alternatives of
 * vocabulary words (technology / technologies), the all-pinyin rendering, and for a short core
 * holding a name the vocabulary does not know, the initials of its syllables. Latin parts of a
 * mixed query are kept ("TCL科技" -> "tcl technology"). Text without Han, or only legal forms, gives [].
 */
export function latinRenderings(han: string): LatinRendering[] {
  if (!hasHan(han)) return [];
  const { core } = stripChineseLegalForms(han);
  if (core === '') return [];
  const segments = segment(core);

  // Every piece is normalised already, so joining them with single spaces keeps the whole normalised.
  const render = (pick: (s: Segment, index: number) => string): string =>
    segments.map((s, i) => pick(s, i)).filter((t) => t !== '').join(' ');
  const english = (s: Segment): string =>
    s.kind === 'other' ? s.text : s.kind === 'word' ? (s.english[0] ?? '') : s.pinyin;
  const pinyin = (s: Segment): string => (s.kind === 'other' ? s.text : s.pinyin);

  const out: LatinRendering[] = [];
  const seen = new Set<string>();
  const add = (text: string, how: RenderingHow): void => {
    if (LATIN.test(text) && !seen.has(text)) {
      seen.add(text);
      out.push({ text, how });
    }
  };
  const alternatives = (alt: number): void => {
    segments.forEach((target, t) => {
      if (target.kind !== 'word') return;
      const choice = target.english[alt];
      if (choice !== undefined) add(render((s, i) => (i === t ? choice : english(s))), 'vocabulary');
    });
  };

  const usesVocabulary = segments.some((s) => s.kind === 'word' && s.english.length > 0);
  add(render(english), usesVocabulary ? 'vocabulary' : 'pinyin');
  alternatives(1);
  add(render(pinyin), 'pinyin');
  const maxAlternatives = Math.max(0, ...segments.map((s) => (s.kind === 'word' ? s.english.length : 0)));
  for (let alt = 2; alt < maxAlternatives; alt++) alternatives(alt);

  const coreChars = Array.from(core);
  const initialsWanted =
    coreChars.length >= INITIALS_MIN &&
    coreChars.length <= INITIALS_MAX &&
    coreChars.every((c) => HAN.test(c)) &&
    segments.some((s) => s.kind === 'run');
  if (initialsWanted) {
    const initials = normalizeName(syllablesOf(coreChars).map((s) => s.charAt(0)).join(''));
    if (initials.length === coreChars.length && !seen.has(initials)) {
      if (out.length >= MAX_RENDERINGS) out.length = MAX_RENDERINGS - 1;
      add(initials, 'initials');
    }
  }
  return out.slice(0, MAX_RENDERINGS);
}
