/**
 * cn-notices: the targets of a notice. From its annex (附件 / 附: numbered lines, section headings such as
 * 一、企业 / 二、高级管理人员, "-" lines for branches) when it has one, otherwise from the decision
 * sentence itself ("决定将X（English）、Y列入不可靠实体清单", "中方决定对石平采取以下反制措施").
 */
import type { ListCode } from '../../lists';
import { COUNTRY_ZH, compact, numberLevel, stripNumber, topLevelIndex } from './header';

export interface NoticeEntity {
  /** The Chinese name as printed (cut from the original text, so traditional stays traditional). */
  zh?: string;
  /** The Latin name the notice gives, usually in brackets after the Chinese. */
  en?: string;
  aliases: string[];
  type: 'entity' | 'individual';
  /** Position, gender, birth date... as printed. */
  remarks: string[];
  /** The name of the parent where the entity is listed as one of its branches. */
  parent?: string;
  countries: string[];
  /** 列入 (add) or 移出 (remove). */
  action: 'add' | 'remove';
}

interface Context {
  list: ListCode;
  category?: 'entity' | 'individual';
  inline: boolean;
  action: 'add' | 'remove';
  /** Map a name cut from the folded text back to the original characters. */
  restore: (folded: string) => string;
}

const OPEN = new Set(['（', '(']);
const CLOSE = new Set(['）', ')']);
const HAN = /[\u3400-\u9fff\uf900-\ufaff]/;
const HAN_G = /[\u3400-\u9fff\uf900-\ufaff]/g;

/** Organisation endings (Chinese and Latin); a name ending so is not a person. */
const ORG_SUFFIX =
  /(?:公司|集团|实验室|研究所|研究院|研究中心|图书馆|委员会|基金会|项目|联盟|机构|大学|学院|学会|协会|论坛|中心|株式会社|会社|银行|组织|团体|工厂|厂|办公室|联合会|商会|智库|电台|电视台|报社|杂志社|医院|企业|合资公司|分公司|事务所|政府|议会|部|局|署|院|所|社|团|队|会)$/;
const EN_ORG =
  /\b(?:inc|llc|l\.l\.c|ltd|limited|corp|corporation|company|co|group|holdings|institute|foundation|committee|project|systems?|technolog(?:y|ies)|industries|aerospace|aeronautics|defen[cs]e|solutions|labs?|laborator(?:y|ies)|ventures|partnership|enterprises|electronics|services|agency|academy|university|forum|association|council|cent(?:er|re)|library|gmbh|ag|kk|sarl|plc|federal|shipbuilding|engineering|research|international|management|logistics|communications|missiles?)\b/i;
/** Titles that precede a person's name (执行主任穆罕默德·土赫提, 联邦众议员迈克·麦考尔). */
const TITLE = /(?:主席|所长|主任|官|议员|长|总裁|董事|经理|顾问|主管|负责人|创始人|总监|大使|委员|教授|研究员|记者|律师|成员|代表)/g;
const COUNTRY_EN: Record<string, RegExp> = {
  美国: /america|\bU\.?S\.?A?\b|united states/i,
  加拿大: /canad/i,
  日本: /japan/i,
  英国: /brit|\bU\.?K\.?\b|united kingdom/i,
  澳大利亚: /austral/i,
  德国: /german/i,
  法国: /franc|french/i,
  台湾地区: /taiwan/i,
};

interface Token {
  paren: boolean;
  /** Inside the brackets for bracket tokens, the text otherwise. */
  inner: string;
  raw: string;
}

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let buf = '';
  let inner = '';
  let raw = '';
  let depth = 0;
  for (const ch of text) {
    if (OPEN.has(ch)) {
      if (depth === 0) {
        if (buf) out.push({ paren: false, inner: buf, raw: buf });
        buf = '';
        inner = '';
        raw = ch;
      } else {
        inner += ch;
        raw += ch;
      }
      depth++;
    } else if (CLOSE.has(ch) && depth > 0) {
      depth--;
      raw += ch;
      if (depth === 0) out.push({ paren: true, inner, raw });
      else inner += ch;
    } else if (depth > 0) {
      inner += ch;
      raw += ch;
    } else {
      buf += ch;
    }
  }
  if (depth > 0) buf += raw;
  if (buf) out.push({ paren: false, inner: buf, raw: buf });
  return out;
}

/** A bracket that holds a Latin name (not a Chinese remark such as （诺斯罗普·格鲁曼公司董事长）). */
function isLatinParen(t: Token): boolean {
  if (!t.paren || !/[A-Za-z]/.test(t.inner)) return false;
  const han = (t.inner.match(HAN_G) ?? []).length;
  const latin = (t.inner.match(/[A-Za-z]/g) ?? []).length;
  return han === 0 || latin > han * 2;
}

export function cleanLatin(text: string): string {
  return text
    .replace(/[\u200b-\u200f\u2060\ufeff]/g, '')
    .replace(/\s+/g, ' ')
    .replace(/,(?=[A-Za-z])/g, ', ')
    .trim();
}

/** Collapse spaces, and drop those next to Han characters (AEVEX 航天公司 -> AEVEX航天公司). */
export function cleanHan(text: string): string {
  return text
    .replace(/[\u200b-\u200f\u2060\ufeff]/g, '')
    .replace(/[\s\u3000]+/g, ' ')
    .replace(/\s+(?=[\u3400-\u9fff·“”])|(?<=[\u3400-\u9fff·“”])\s+/g, '')
    .trim();
}

/** "执行主任穆罕默德·土赫提" -> role 执行主任, name 穆罕默德·土赫提 (the last title that leaves a name). */
function splitRole(text: string): { role?: string; name: string } {
  let end = -1;
  for (const m of text.matchAll(TITLE)) {
    const e = m.index + m[0].length;
    if (e >= 2 && text.length - e >= 2) end = e;
  }
  if (end < 0) return { name: text };
  return { role: text.slice(0, end), name: text.slice(end) };
}

function looksOrg(name: string, en: string | undefined): boolean {
  return ORG_SUFFIX.test(name) || (en !== undefined && EN_ORG.test(en)) || (!HAN.test(name) && EN_ORG.test(name));
}

interface Piece {
  text: string;
  /** The delimiter before this piece: 、 ， 和 or '' for the first. */
  delim: string;
}

/** Split a run of names at top-level 、，；, and at 和/及 right after a bracket: "A（a）、B（b）和C（c）". */
function splitPieces(text: string): Piece[] {
  const pieces: Piece[] = [];
  let cur = '';
  let delim = '';
  let afterParen = false;
  const push = (next: string) => {
    if (cur.trim()) pieces.push({ text: cur.trim(), delim });
    cur = '';
    delim = next;
    afterParen = false;
  };
  for (const tok of tokenize(text)) {
    if (tok.paren) {
      cur += tok.raw;
      afterParen = true;
      continue;
    }
    const s = tok.inner;
    for (let i = 0; i < s.length; i++) {
      const ch = s[i]!;
      if ('、，,；;'.includes(ch)) {
        push(ch === ',' ? '，' : ch);
        continue;
      }
      if (afterParen && /\s/.test(ch)) continue;
      if (afterParen) {
        const conj = /^(以及|及|和|与)/.exec(s.slice(i));
        if (conj) {
          push('和');
          i += conj[0].length - 1;
          continue;
        }
      }
      cur += ch;
      afterParen = false;
    }
  }
  push('');
  return pieces;
}

/** "美国波音防务" + "、" + "空间与安全集团（Boeing Defense, Space & Security）" is one name. */
function mergeSplitNames(pieces: Piece[]): Piece[] {
  const out: Piece[] = [];
  for (let i = 0; i < pieces.length; i++) {
    let p = pieces[i]!;
    while (i + 1 < pieces.length && pieces[i + 1]!.delim === '、' && !tokenize(p.text).some(isLatinParen)) {
      const next = pieces[i + 1]!;
      const nextName = tokenize(next.text).filter((t) => !t.paren).map((t) => t.inner).join('');
      if (ORG_SUFFIX.test(p.text) || !ORG_SUFFIX.test(nextName) || /[·]/.test(p.text)) break;
      p = { text: `${p.text}、${next.text}`, delim: p.delim };
      i++;
    }
    out.push(p);
  }
  return out;
}

interface Parsed extends NoticeEntity {
  role?: string;
  branches: boolean;
}

/** One printed entry: "凯西·沃登（Kathy J. Warden），女，诺斯罗普·格鲁曼公司董事长" and the like. */
function parseEntry(text: string, ctx: Context, inheritedRole?: string): Parsed | undefined {
  const entry = text.trim().replace(/^[-－—–•·\s]+/, '').replace(/[。；;，,、\s]+$/, '');
  if (!entry) return undefined;
  const toks = tokenize(entry);
  const li = toks.findIndex(isLatinParen);
  let namePart: string;
  let rest: string;
  let en: string | undefined;
  const aliases: string[] = [];
  if (li >= 0) {
    namePart = toks.slice(0, li).map((t) => t.raw).join('');
    en = cleanLatin(toks[li]!.inner);
    let j = li + 1;
    while (j < toks.length && (isLatinParen(toks[j]!) || !toks[j]!.raw.trim())) {
      if (toks[j]!.paren) aliases.push(cleanLatin(toks[j]!.inner));
      j++;
    }
    rest = toks.slice(j).map((t) => t.raw).join('');
  } else {
    const cut = topLevelIndex(entry, /[，,]/);
    namePart = cut >= 0 ? entry.slice(0, cut) : entry;
    rest = cut >= 0 ? entry.slice(cut + 1) : '';
  }
  namePart = cleanHan(namePart).replace(/^(?:包括|以及|其中|及|和|与)/, '').replace(/等$/, '').trim();
  if (!namePart && !en) return undefined;
  if (!HAN.test(namePart) && !en && namePart) {
    en = cleanLatin(namePart);
    namePart = '';
  }

  const remarks: string[] = [];
  const countries: string[] = [];
  let gender: string | undefined;
  let branches = false;
  rest = rest
    .replace(/^[\s，,、]+/, '')
    .replace(/^等(?:[，,、]?共计?\d+(?:人|名|家))?$/, '')
    .replace(/[。；;，,\s]+$/, '');
  const g = /^(男|女)(?:[，,、\s]+|$)/.exec(rest);
  if (g) {
    gender = g[1];
    rest = rest.slice(g[0].length);
  }
  const br = /^及其(分支机构|子公司|附属机构|关联(?:公司|机构))/.exec(rest);
  if (br) {
    branches = true;
    remarks.push(rest);
    rest = '';
  }
  for (const m of rest.matchAll(/([\u4e00-\u9fff]{1,6}?)籍/g)) {
    const code = COUNTRY_ZH[m[1]!];
    if (code && !countries.includes(code)) countries.push(code);
  }

  const personList = ctx.list === 'CN-CM' || ctx.list === 'CN-TAO';
  const org = namePart ? looksOrg(namePart, en) : en !== undefined && EN_ORG.test(en);
  const person =
    ctx.category === 'individual' ||
    gender !== undefined ||
    (!org && ctx.category !== 'entity' && personList && namePart !== '');
  let role: string | undefined;
  if (person && namePart) {
    const split = splitRole(namePart);
    role = split.role ?? inheritedRole;
    if (split.role) namePart = split.name;
  } else if (namePart) {
    const q = /[“"]([^”"]{2,})[”"]/.exec(namePart);
    if (q && namePart.replace(q[0], '').length <= 6) namePart = q[1]!.trim();
    if (ctx.inline) {
      const c = /^(美国|加拿大|日本|英国|澳大利亚|德国|法国)(.{2,})$/.exec(namePart);
      if (c && !(en && COUNTRY_EN[c[1]!]?.test(en))) namePart = c[2]!;
    }
  }
  if (gender) remarks.unshift(gender);
  if (role) remarks.push(role);
  if (rest) remarks.push(rest);

  return {
    zh: namePart ? ctx.restore(namePart) : undefined,
    en,
    aliases,
    type: person ? 'individual' : 'entity',
    remarks,
    countries,
    action: ctx.action,
    role,
    branches,
  };
}

/** A line naming several people, each with a Latin name: "包括执行主任A（a），法律顾问B（b）、C（c）…等，共15人". */
function parseMany(text: string, ctx: Context): Parsed[] {
  const out: Parsed[] = [];
  const pieces = splitPieces(text);
  const head = pieces[0] && !tokenize(pieces[0].text).some(isLatinParen) ? cleanHan(pieces[0].text) : undefined;
  let lastRole: string | undefined;
  for (const p of pieces) {
    if (!tokenize(p.text).some(isLatinParen)) continue;
    const e = parseEntry(p.text, ctx, p.delim === '、' ? lastRole : undefined);
    if (!e) continue;
    if (e.role) lastRole = e.role;
    if (head && /人员|成员/.test(head)) e.remarks.push(head);
    out.push(e);
  }
  return out;
}

function isManyLine(text: string): boolean {
  const toks = tokenize(text);
  let seen = false;
  let hanBetween = false;
  for (const t of toks) {
    if (isLatinParen(t)) {
      if (seen && hanBetween) return true;
      seen = true;
      hanBetween = false;
    } else if (seen && HAN.test(t.raw)) {
      hanBetween = true;
    }
  }
  return false;
}

const CATEGORY = /^(?:[一二三四五六七八九十]+类)?(企业|实体|机构|单位|组织|个人|人员|人士|高级管理人员|企业高级管理人员|机构人员|相关人员)(?:名单)?(?:[（(][^）)]*[）)])?[:：]?$/;
const DATE_PAREN = /^[（(]\d{4}年\d{1,2}月\d{1,2}日[）)]$/;
const ANNEX_MARK = /^附(?:件)?\s*\d*$/;
const BRANCH = /^[-－—–•]\s*(.+)$/;

function isTitleLine(line: string, refTitle: string | undefined): boolean {
  const c = compact(line);
  if (refTitle && c === refTitle) return true;
  return numberLevel(line) === 0 && !tokenize(c).some(isLatinParen) && /(?:清单|名单|实体|企业|机构|人员|单位|个人)$/.test(c);
}

interface Item {
  text: string;
  category?: 'entity' | 'individual';
  branches: string[];
}

/** The entries of the annex, or undefined when the notice has none. */
function annexItems(s: string): Item[] | undefined {
  const lines = s.split('\n');
  let ref = -1;
  let refTitle: string | undefined;
  lines.forEach((l, i) => {
    const m = /^[ \t\u3000]*附(?:件)?\s*\d*\s*[:：]\s*(.+)$/.exec(l);
    if (m && ref < 0) {
      ref = i;
      refTitle = compact(m[1]!).replace(/[（(][^）)]*[）)]$/, '');
    }
  });
  let start = -1;
  for (let i = ref + 1; i < lines.length; i++) {
    const c = compact(lines[i]!);
    if (ANNEX_MARK.test(c)) {
      start = i + 1;
      break;
    }
    if (ref >= 0 && refTitle && c === refTitle) {
      start = i;
      break;
    }
  }
  if (start < 0) return undefined;

  const region = lines.slice(start);
  const numbered = region.some((l) => numberLevel(l) > 0 && stripNumber(l) !== '');
  const items: Item[] = [];
  let category: Item['category'];
  let started = false;
  for (const line of region) {
    const tr = line.trim();
    if (!tr) {
      if (!numbered && started) break;
      continue;
    }
    if (DATE_PAREN.test(compact(tr))) continue;
    const b = BRANCH.exec(tr);
    if (b && items.length) {
      items[items.length - 1]!.branches.push(b[1]!.trim());
      continue;
    }
    if (numbered) {
      if (numberLevel(tr) === 0) {
        if (started) break;
        continue;
      }
      const content = stripNumber(tr);
      if (!content) continue;
      const cat = CATEGORY.exec(compact(content));
      if (cat) {
        category = /人员|个人|人士/.test(cat[1]!) ? 'individual' : 'entity';
        started = true;
        continue;
      }
      items.push({ text: content, category, branches: [] });
      started = true;
    } else {
      if (!started && isTitleLine(tr, refTitle)) continue;
      items.push({ text: tr, category, branches: [] });
      started = true;
    }
  }
  return items;
}

const INLINE_ADD =
  /决定(?:于\d{4}年\d{1,2}月\d{1,2}日)?将([^。]*?)(列入|纳入|列为|移出)(?:出口管制)?(不可靠实体清单|管控名单|关注名单|反制清单|["“]?台独["”]?[^。，、]{0,10}?(?:清单|名单|分子))/g;
const INLINE_CM = /决定对([^。：:]*?)采取(?:以下|如下|相应)?(?:的)?(?:反制裁|反制|处理)?措施/g;

/** Targets named in the decision sentence itself. */
function inlineSegments(s: string): Array<{ text: string; action: 'add' | 'remove' }> {
  const flat = s.replace(/\n+/g, '');
  const out: Array<{ text: string; action: 'add' | 'remove' }> = [];
  for (const m of flat.matchAll(INLINE_ADD)) out.push({ text: m[1]!, action: m[2] === '移出' ? 'remove' : 'add' });
  for (const m of flat.matchAll(INLINE_CM)) out.push({ text: m[1]!, action: 'add' });
  return out
    .map((seg) => ({
      ...seg,
      text: seg.text
        .trim()
        .replace(/^(?:参与|涉及|涉嫌|协助)[^、，（(]*?的/, '')
        .replace(/[（(]见附件[）)]$/, '')
        .replace(/等(?:\d+|[一二三四五六七八九十两]+)?(?:家|名|个)?[^、，（()）]{0,8}$/, '')
        .trim(),
    }))
    .filter((seg) => seg.text && !/^(?:以下|上述|该|其|这)/.test(seg.text) && !/后附|附件|清单列明/.test(seg.text));
}

export function readEntities(s: string, list: ListCode, restore: (folded: string) => string): NoticeEntity[] {
  const action: 'add' | 'remove' = /决定(?:于\d{4}年\d{1,2}月\d{1,2}日)?将[^。]*?移出/.test(s.replace(/\n+/g, '')) ? 'remove' : 'add';
  const parsed: Parsed[] = [];
  const items = annexItems(s);
  if (items?.length) {
    for (const item of items) {
      const ctx: Context = { list, category: item.category, inline: false, action, restore };
      const found = isManyLine(item.text) ? parseMany(item.text, ctx) : [parseEntry(item.text, ctx)].filter((e): e is Parsed => !!e);
      parsed.push(...found);
      const main = found[found.length - 1];
      if (main && item.branches.length) {
        const parent = main.en ?? main.zh;
        for (const branch of item.branches) {
          const e = parseEntry(branch, { ...ctx, category: 'entity' });
          if (!e) continue;
          if (main.en && e.en && compact(e.en).toLowerCase() === compact(main.en).toLowerCase() && !e.zh) continue;
          e.parent = parent;
          e.remarks.push(`${main.zh ?? main.en}的分支机构`);
          parsed.push(e);
        }
      }
    }
  }
  if (!parsed.length) {
    for (const seg of inlineSegments(s)) {
      const ctx: Context = { list, inline: true, action: seg.action, restore };
      const pieces = mergeSplitNames(splitPieces(seg.text));
      for (const p of pieces) {
        const e = parseEntry(p.text, ctx);
        if (e) parsed.push(e);
      }
    }
  }
  const seen = new Set<string>();
  return parsed
    .filter((e) => {
      const k = compact(e.zh ?? e.en ?? '').toLowerCase();
      if (!k || seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .map(({ role: _role, branches: _branches, ...e }) => e);
}
