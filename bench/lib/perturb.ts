/**
 * Deterministic name perturbations: the typing mistakes and shortenings of the bench's query set, and the
 * synthetic look-alike names of the tenfold dataset. Every function takes its randomness from a seeded Rng.
 */
import { int, pick, sample, type Rng } from './prng';

const HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
const ASCII_LETTER = /[A-Za-z]/;

export function isHan(text: string): boolean {
  return HAN.test(text);
}

/** Legal-form endings, longest first; matched at the end of a name after a space or comma. */
const LEGAL_SUFFIXES = [
  'company limited', 'co., ltd.', 'co., ltd', 'co. ltd.', 'co ltd', 'co., limited', 'pte. ltd.', 'pte ltd', 'pvt. ltd.', 'pvt ltd',
  'sdn. bhd.', 'sdn bhd', 's.a.r.l.', 's.r.l.', 's.p.a.', 'l.l.c.', 'incorporated', 'corporation', 'limited', 'company', 'gmbh',
  'ltd.', 'ltd', 'llc', 'inc.', 'inc', 'corp.', 'corp', 'plc', 'jsc', 'ojsc', 'cjsc', 'pjsc', 'ooo', 'zao', 'oao', 'pao', 'llp',
  'b.v.', 'bv', 'n.v.', 'nv', 's.a.', 'sa', 'ag', 'srl', 'spa', 'fze', 'fzco', 'fzc', 'fz-llc', 'dmcc', 'co.',
];
const SUFFIX_RE = new RegExp(`[\\s,]+(${LEGAL_SUFFIXES.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})\\s*$`, 'i');
const SUFFIX_CHOICES = ['Co., Ltd.', 'LLC', 'Limited', 'Inc.', 'Corporation', 'GmbH', 'JSC', 'S.A.', 'FZE', 'Group Co., Ltd.', 'Trading LLC'];

const HAN_SUFFIX_RE = /(股份有限公司|有限责任公司|有限公司|集团公司|集团|公司|研究院|研究所|大学)$/;
const HAN_SUFFIX_CHOICES = ['有限公司', '股份有限公司', '集团有限公司', '有限责任公司', '科技有限公司', '研究所'];
const HAN_CITIES = ['北京', '上海', '深圳', '广州', '天津', '重庆', '杭州', '南京', '武汉', '成都', '西安', '苏州', '厦门', '青岛'];
const HAN_POOL = [...'华中国际科技电子信息通达安泰恒宏远航天海光明新盛创智能源环球联合精密仪器材料工程实业贸易发展'];

const CITIES = [
  'Beijing', 'Shanghai', 'Shenzhen', 'Guangzhou', 'Tianjin', 'Chongqing', 'Hangzhou', 'Nanjing', 'Wuhan', 'Chengdu', "Xi'an",
  'Suzhou', 'Xiamen', 'Qingdao', 'Dalian', 'Harbin', 'Moscow', 'Tehran', 'Dubai', 'Minsk', 'Damascus', 'Karachi', 'Hong Kong',
  'Istanbul', 'Caracas', 'Pyongyang', 'Almaty', 'Yerevan', 'Baku', 'Tashkent', 'Novosibirsk', 'Kazan', 'Isfahan', 'Shiraz',
];
const CITY_RE = new RegExp(`\\b(${CITIES.map((c) => c.replace(/'/g, "'?")).join('|')})\\b`, 'i');
const SYLLABLES = ['ka', 'to', 'ri', 'na', 'vo', 'sel', 'mar', 'tek', 'lin', 'dor', 'zan', 'qi', 'hua', 'xin', 'bel', 'gor', 'tra', 'nex', 'ol', 'sun'];

/** Tokens between spaces. */
function words(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}

function hasLetters(word: string, n: number): boolean {
  return [...word].filter((c) => /\p{L}/u.test(c)).length >= n;
}

/** Is the text written in capitals (OFAC style)? New words follow that style. */
function shouting(text: string): boolean {
  const letters = text.replace(/[^A-Za-z]/g, '');
  return letters.length > 0 && letters === letters.toUpperCase();
}

function styled(word: string, like: string): string {
  if (shouting(like)) return word.toUpperCase();
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function randomLetter(rng: Rng, original: string, pool: string): string {
  for (let tries = 0; tries < 10; tries++) {
    const c = ASCII_LETTER.test(original) ? String.fromCharCode(97 + int(rng, 26)) : pick(rng, [...pool]);
    const out = original === original.toUpperCase() && original !== original.toLowerCase() ? c.toUpperCase() : c.toLowerCase();
    if (out !== original) return out;
  }
  return original === 'x' ? 'y' : 'x';
}

/** Indexes of letters (not the first of their word) in words of at least `min` letters. */
function letterSlots(text: string, min: number): number[] {
  const chars = [...text];
  const slots: number[] = [];
  let start = 0;
  for (const w of text.split(/(\s+)/)) {
    const len = [...w].length;
    if (!/^\s+$/.test(w) && hasLetters(w, min)) {
      for (let i = start + 1; i < start + len; i++) if (/\p{L}/u.test(chars[i]!)) slots.push(i);
    }
    start += len;
  }
  return slots;
}

// ---------------------------------------------------------------------------------------------------------
// Query perturbations: each returns undefined when it does not apply to the name.

export type QueryKind = 'exact' | 'lower' | 'typo' | 'no-suffix' | 'word-swap' | 'prefix';
export const QUERY_KINDS: readonly QueryKind[] = ['exact', 'lower', 'typo', 'no-suffix', 'word-swap', 'prefix'];

/** One typing mistake: two neighbouring letters swapped, a letter dropped, or a letter replaced. */
export function typo(name: string, rng: Rng): string | undefined {
  const slots = letterSlots(name, 4);
  if (!slots.length) return undefined;
  const chars = [...name];
  const i = pick(rng, slots);
  const how = int(rng, 3);
  if (how === 0 && i + 1 < chars.length && /\p{L}/u.test(chars[i + 1]!) && chars[i] !== chars[i + 1]) {
    [chars[i], chars[i + 1]] = [chars[i + 1]!, chars[i]!];
  } else if (how === 1) {
    chars.splice(i, 1);
  } else {
    chars[i] = randomLetter(rng, chars[i]!, name.replace(/[^\p{L}]/gu, ''));
  }
  const out = chars.join('');
  return out !== name ? out : undefined;
}

export function dropSuffix(name: string): string | undefined {
  const m = SUFFIX_RE.exec(name);
  if (!m) return undefined;
  const rest = name.slice(0, m.index).replace(/[\s,]+$/, '');
  return hasLetters(rest, 3) ? rest : undefined;
}

export function swapWords(name: string, rng: Rng): string | undefined {
  // "LAST, First" reads "First LAST" once swapped: a comma ending a word goes.
  const ws = words(name).map((w) => w.replace(/,$/, ''));
  if (ws.length < 2) return undefined;
  const i = int(rng, ws.length - 1);
  [ws[i], ws[i + 1]] = [ws[i + 1]!, ws[i]!];
  const out = ws.join(' ');
  return out !== name.replace(/\s+/g, ' ').trim() ? out : undefined;
}

/** The first words of a multi-word name (at least 4 letters of it). */
export function wordPrefix(name: string, rng: Rng): string | undefined {
  const ws = words(name);
  if (ws.length < 2) return undefined;
  const k = 1 + int(rng, ws.length - 1);
  const out = ws.slice(0, k).join(' ').replace(/[\s,;:(-]+$/, '');
  return hasLetters(out, 4) ? out : undefined;
}

export function perturbQuery(name: string, kind: QueryKind, rng: Rng): string | undefined {
  switch (kind) {
    case 'exact':
      return name;
    case 'lower':
      return name.toLowerCase() !== name ? name.toLowerCase() : undefined;
    case 'typo':
      return typo(name, rng);
    case 'no-suffix':
      return dropSuffix(name);
    case 'word-swap':
      return swapWords(name, rng);
    case 'prefix':
      return wordPrefix(name, rng);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Synthetic look-alikes for the tenfold dataset.

function pseudoWord(rng: Rng): string {
  let w = '';
  const n = 2 + int(rng, 2);
  for (let i = 0; i < n; i++) w += pick(rng, SYLLABLES);
  return w;
}

function swapCity(name: string, rng: Rng): string {
  const m = CITY_RE.exec(name);
  if (m) {
    const others = CITIES.filter((c) => c.toLowerCase() !== m[1]!.toLowerCase());
    return name.slice(0, m.index) + styled(pick(rng, others), m[1]!) + name.slice(m.index + m[1]!.length);
  }
  return `${styled(pick(rng, CITIES), name)} ${name}`;
}

function changeLetters(name: string, rng: Rng): string {
  let out = name;
  const n = 1 + int(rng, 2);
  for (let i = 0; i < n; i++) {
    const slots = letterSlots(out, 3);
    if (!slots.length) break;
    const chars = [...out];
    const at = pick(rng, slots);
    chars[at] = randomLetter(rng, chars[at]!, out.replace(/[^\p{L}]/gu, ''));
    out = chars.join('');
  }
  return out;
}

function insertPseudoWord(name: string, rng: Rng): string {
  const ws = words(name);
  const at = int(rng, ws.length + 1);
  ws.splice(at, 0, styled(pseudoWord(rng), name));
  return ws.join(' ');
}

function changeSuffix(name: string, rng: Rng): string {
  const m = SUFFIX_RE.exec(name);
  const base = m ? name.slice(0, m.index).replace(/[\s,]+$/, '') : name;
  const current = m?.[1]?.toLowerCase();
  const choice = pick(rng, SUFFIX_CHOICES.filter((s) => s.toLowerCase() !== current));
  return `${base} ${shouting(name) ? choice.toUpperCase() : choice}`;
}

function hanVariant(name: string, rng: Rng, ops: number): string {
  let out = name;
  for (const op of sample(rng, [0, 1, 2, 3], ops)) {
    const chars = [...out];
    if (op === 0) {
      const city = HAN_CITIES.find((c) => out.startsWith(c));
      out = city ? pick(rng, HAN_CITIES.filter((c) => c !== city)) + out.slice(city.length) : pick(rng, HAN_CITIES) + out;
    } else if (op === 1) {
      const slots = chars.map((c, i) => (HAN.test(c) ? i : -1)).filter((i) => i >= 0);
      if (slots.length) chars[pick(rng, slots)] = pick(rng, HAN_POOL);
      out = chars.join('');
    } else if (op === 2) {
      const at = int(rng, chars.length + 1);
      chars.splice(at, 0, pick(rng, HAN_POOL), pick(rng, HAN_POOL));
      out = chars.join('');
    } else {
      const m = HAN_SUFFIX_RE.exec(out);
      const base = m ? out.slice(0, m.index) : out;
      out = base + pick(rng, HAN_SUFFIX_CHOICES.filter((s) => s !== m?.[1]));
    }
  }
  return out;
}

/**
 * A look-alike of a real name: two of (city or prefix word swapped or added, one or two letters changed, a
 * pseudo-word inserted, the legal suffix changed; people get no legal suffix). Never the name itself.
 */
export function syntheticName(name: string, rng: Rng, person = false): string {
  if (isHan(name)) {
    const out = hanVariant(name, rng, 2);
    return out !== name ? out : `${name}${pick(rng, HAN_POOL)}`;
  }
  const ops = person ? [changeLetters, insertPseudoWord, swapCity] : [swapCity, changeLetters, insertPseudoWord, changeSuffix];
  const chosen = sample(rng, ops, 2);
  let out = name;
  for (const op of chosen) out = op(out, rng);
  return out !== name ? out : insertPseudoWord(name, rng);
}
