/**
 * cn-notices: what a notice is, read from its text: the list it adds to (decided from the wording, never
 * from a folder name), its document number (文号), publication and effective dates, issuing body, the laws
 * it cites, the countries it names, and the measures it takes.
 */
import type { ListCode } from '../../lists';
import { isoDate } from '../common';

export interface NoticeHeader {
  /** 【发布单位】 or an equivalent label was present. */
  hasHeader: boolean;
  title?: string;
  url?: string;
  /** Publication date (YYYY-MM-DD). */
  published?: string;
  /** Date the notice says it takes effect, when it names one (自2025年4月10日12时01分起正式实施). */
  effective?: string;
  /** The document number, normalised: 商务部公告2025年第13号, 外交部令第19号, 不可靠实体清单工作机制公告〔2025〕7号. */
  citation?: string;
  /** Canonical reference used to resolve later modifications: UEL:2025:7, MOFCOM:2025:13, MFA:2025:19. */
  ref?: string;
  authority?: string;
  /** 【发布单位】 as printed (安全与管制局 on MOFCOM pages). */
  unit?: string;
  list?: ListCode;
  /** Laws and regulations cited (《中华人民共和国反外国制裁法》 -> 反外国制裁法). */
  programs: string[];
  /** ISO codes of the country the notice names for all its targets (N家美国实体, 关于对加拿大机构...). */
  countries: string[];
}

export const COUNTRY_ZH: Record<string, string> = {
  美国: 'US', 加拿大: 'CA', 日本: 'JP', 台湾地区: 'TW', 台湾: 'TW', 英国: 'GB', 德国: 'DE', 法国: 'FR', 澳大利亚: 'AU',
  立陶宛: 'LT', 捷克: 'CZ', 荷兰: 'NL', 韩国: 'KR', 印度: 'IN', 以色列: 'IL', 比利时: 'BE', 意大利: 'IT', 新西兰: 'NZ',
  瑞典: 'SE', 丹麦: 'DK', 波兰: 'PL', 乌克兰: 'UA', 俄罗斯: 'RU',
};
const COUNTRY_WORDS = Object.keys(COUNTRY_ZH).sort((a, b) => b.length - a.length).join('|');

/** Compact form for patterns that must ignore the spacing of official typesetting (不 可 靠 实 体). */
export function compact(text: string): string {
  return text.replace(/[\s\u3000]+/g, '');
}

function labelValue(s: string, labels: string): string | undefined {
  const re = new RegExp(`(?:[【\\[](?:${labels})[】\\]]|^[ \\t\\u3000]*(?:${labels})[ \\t\\u3000]*[:：])[ \\t\\u3000]*([^\\n【]*)`, 'm');
  const v = re.exec(s)?.[1]?.trim();
  return v ? v : undefined;
}

/** The list a notice adds to (or removes from), from its wording. */
export function detectList(s: string): ListCode | undefined {
  const c = compact(s);
  const m = /(?:列入|移出|纳入)(不可靠实体清单|(?:出口管制)?管控名单|(?:出口管制)?关注名单)/.exec(c);
  if (m) return m[1] === '不可靠实体清单' ? 'CN-MOFCOM-UEL' : m[1]!.endsWith('管控名单') ? 'CN-MOFCOM-ECL' : 'CN-MOFCOM-ECWL';
  if (/["“]?台独["”]?(?:顽固分子|打手帮凶|帮凶)|国务院台湾事务办公室|国务院台办|国台办/.test(c)) return 'CN-TAO';
  if (/不可靠实体清单/.test(c)) return 'CN-MOFCOM-UEL';
  if (/出口管制管控名单/.test(c)) return 'CN-MOFCOM-ECL';
  if (/出口管制关注名单/.test(c)) return 'CN-MOFCOM-ECWL';
  if (/反制|反外国制裁法/.test(c)) return 'CN-CM';
  return undefined;
}

/** 商务部公告2025年第13号, 外交部令第19号, 不可靠实体清单工作机制公告〔2025〕7号: one spelling per kind. */
export function normalizeCitation(raw: string): string {
  const c = compact(raw).replace(/[［[【]/g, '〔').replace(/[］\]】]/g, '〕');
  let m: RegExpMatchArray | null;
  if ((m = c.match(/^不可靠实体清单工作机制(?:公告)?(?:〔(\d{4})〕|(\d{4})年第?)(\d+)号$/))) {
    return `不可靠实体清单工作机制公告〔${m[1] ?? m[2]}〕${m[3]}号`;
  }
  if ((m = c.match(/^(?:中华人民共和国)?外交部令第(\d+)号$/))) return `外交部令第${m[1]}号`;
  if ((m = c.match(/^商务部(?:公告)?(\d{4})年第(\d+)号(?:公告)?$/))) return `商务部公告${m[1]}年第${m[2]}号`;
  return c;
}

/** The canonical reference of a normalised citation; MFA orders carry no year, so the publication year is used. */
export function citationRef(citation: string | undefined, year?: string): string | undefined {
  if (!citation) return undefined;
  let m: RegExpMatchArray | null;
  if ((m = citation.match(/^不可靠实体清单工作机制公告〔(\d{4})〕(\d+)号$/))) return `UEL:${m[1]}:${+m[2]!}`;
  if ((m = citation.match(/^商务部公告(\d{4})年第(\d+)号$/))) return `MOFCOM:${m[1]}:${+m[2]!}`;
  if ((m = citation.match(/^外交部令第(\d+)号$/))) return `MFA:${year ?? ''}:${+m[1]!}`;
  if ((m = citation.match(/〔(\d{4})〕(\d+)号$/))) return `〔〕:${m[1]}:${+m[2]!}`;
  return undefined;
}

const DATE_LINE = /^[ \t\u3000]*(\d{4})[ \t]*年[ \t]*(\d{1,2})[ \t]*月[ \t]*(\d{1,2})[ \t]*日[ \t\u3000]*$/;

/** The signature block: the last "YYYY年M月D日" line and the body named on the line(s) above it. */
function signature(lines: string[]): { authority?: string; date?: string } {
  for (let i = lines.length - 1; i > 0; i--) {
    if (!DATE_LINE.test(lines[i]!)) continue;
    let j = i - 1;
    while (j >= 0 && !lines[j]!.trim()) j--;
    if (j >= 0 && /^[（(].*代章[）)]$/.test(compact(lines[j]!))) j--;
    while (j >= 0 && !lines[j]!.trim()) j--;
    const who = j >= 0 ? compact(lines[j]!) : '';
    if (who && who.length <= 24 && /^[\u4e00-\u9fff（）()]+$/.test(who) && !/附件|清单|名单/.test(who)) {
      return { authority: who, date: isoDate(compact(lines[i]!)) };
    }
    return { date: isoDate(compact(lines[i]!)) };
  }
  return {};
}

function isMetaLine(line: string): boolean {
  const l = line.trim();
  return !l || /^https?:\/\//i.test(l) || /^来源[:：]/.test(l) || /^\d{4}-\d{1,2}-\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$/.test(l) || /^[【[]/.test(l);
}

/**
 * Read the header of a notice. `s` is the folded (simplified) text, `t` the original; both have the same
 * length, so text cut from `t` at offsets found in `s` keeps the notice's own characters (titles).
 */
export function readHeader(s: string, t: string): NoticeHeader {
  const sLines = s.split('\n');
  const tLines = t.split('\n');
  const c = compact(s);
  const unit = labelValue(s, '发布单位|发文单位|发文机关|发布机构');
  const number = labelValue(s, '发布文号|发文字号|文号');
  const dateLabel = labelValue(s, '发文日期|发布日期|成文日期|发布时间');
  const hasHeader = unit !== undefined || number !== undefined;

  const url = sLines.map((l) => l.trim()).find((l) => /^https?:\/\/\S+$/i.test(l));
  const titleIndex = sLines.findIndex((l) => !isMetaLine(l));
  const title = titleIndex >= 0 ? tLines[titleIndex]!.trim().replace(/\s+/g, ' ') : undefined;

  const sig = signature(sLines);
  let published = isoDate(dateLabel);
  if (!published) {
    for (const line of sLines.slice(0, 8)) {
      if (/^\s*https?:/i.test(line)) continue;
      if (line.length > 100) continue;
      const m = /(?:^|\s)(\d{4}-\d{1,2}-\d{1,2})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?(?:\s|$)/.exec(line);
      if (m) {
        published = isoDate(m[1]);
        if (published) break;
      }
    }
  }
  if (!published) {
    const m = /[（(](\d{4}年\d{1,2}月\d{1,2}日)(?:中华人民共和国)?[^（()）]{0,12}令第\d+号公布/.exec(c);
    published = isoDate(m?.[1]);
  }
  published ??= sig.date;
  if (!published) {
    const m = /(\d{4}年\d{1,2}月\d{1,2}日)/.exec(c);
    published = isoDate(m?.[1]);
  }

  let citation = number ? normalizeCitation(number) : undefined;
  if (!citation) {
    let m: RegExpMatchArray | null;
    if ((m = c.match(/(?:中华人民共和国)?外交部令第(\d+)号/))) citation = `外交部令第${m[1]}号`;
    else if ((m = c.match(/商务部公告(\d{4})年第(\d+)号/))) citation = `商务部公告${m[1]}年第${m[2]}号`;
    else if ((m = c.match(/不可靠实体清单工作机制公告(\d{4})年第(\d+)号/))) citation = `不可靠实体清单工作机制公告〔${m[1]}〕${m[2]}号`;
    else if ((m = c.match(/不可靠实体清单工作机制(?:公告)?〔(\d{4})〕(\d+)号/)) && c.indexOf(m[0]) < 200) citation = `不可靠实体清单工作机制公告〔${m[1]}〕${m[2]}号`;
    else if (title && /决定$|公告$|通知$/.test(title)) citation = title;
  }

  let effective: string | undefined;
  const eff = /(?:本公告|本决定|本令)?自(\d{4}年\d{1,2}月\d{1,2}日)(?:\d{1,2}时(?:\d{1,2}分)?)?起(?:正式)?(?:施行|实施|生效)/.exec(c);
  if (eff) effective = isoDate(eff[1]);
  else if (/自(?:公布|发布)之日起(?:正式)?(?:施行|实施|生效)/.test(c)) effective = published;

  const list = detectList(s);
  let authority = sig.authority;
  if (!authority) {
    if (/外交部令/.test(c)) authority = '外交部';
    else if (citation?.startsWith('不可靠实体清单工作机制')) authority = '不可靠实体清单工作机制';
    else if (citation?.startsWith('商务部')) authority = '商务部';
    else authority = unit ? compact(unit) : undefined;
  }

  const programs: string[] = [];
  for (const m of s.matchAll(/《([^《》\n]{2,40})》/g)) {
    const folded = m[1]!;
    if (!/(?:法|规定|条例|办法)$/.test(folded)) continue;
    const skip = folded.startsWith('中华人民共和国') ? 7 : 0;
    const law = t.slice(m.index + 1 + skip, m.index + 1 + folded.length).replace(/\s+/g, '');
    if (!programs.includes(law)) programs.push(law);
  }

  return {
    hasHeader,
    title,
    url,
    published,
    effective,
    citation,
    ref: citationRef(citation, published?.slice(0, 4)),
    authority,
    unit: unit ? compact(unit) : undefined,
    list,
    programs,
    countries: noticeCountries(titleIndex >= 0 ? compact(sLines[titleIndex]!) : '', c, list),
  };
}

function noticeCountries(title: string, c: string, list: ListCode | undefined): string[] {
  const codes = (text: string, re: RegExp) => [...new Set([...text.matchAll(re)].map((m) => COUNTRY_ZH[m[1]!]!))];
  let found = codes(title, new RegExp(`(${COUNTRY_WORDS})`, 'g'));
  if (found.length === 1) return found;
  found = codes(c, new RegExp(`(?:(?:\\d+|[一二三四五六七八九十两]+)家|以下)(${COUNTRY_WORDS})(?:军工)?(?:相关)?(?:实体|企业|机构)`, 'g'));
  if (found.length === 1) return found;
  return list === 'CN-TAO' ? ['TW'] : [];
}

export interface MeasureGroup {
  /** The targets named by the group ("对哈德逊研究所、里根图书馆等2家机构"), folded text. */
  target?: string;
  /** Whom the group is for, when it says (机构/企业 vs 个人/人员). */
  type?: 'entity' | 'individual';
  /** The measures, as printed. */
  text: string;
}

const HAN_NUM = '一二三四五六七八九十';

/** Numbering level of a line: 1 for 一、, 2 for （一）, 3 for 1. / （1）; 0 when not numbered. */
export function numberLevel(line: string): 0 | 1 | 2 | 3 {
  const l = line.trim();
  if (new RegExp(`^[${HAN_NUM}]+、`).test(l)) return 1;
  if (new RegExp(`^[（(][${HAN_NUM}]+[）)]`).test(l)) return 2;
  if (/^\d+\s*[.．、](?!\d)/.test(l) || /^[（(]\d+[）)]/.test(l)) return 3;
  return 0;
}

/** The line without its numbering. */
export function stripNumber(line: string): string {
  return line
    .trim()
    .replace(new RegExp(`^(?:[${HAN_NUM}]+、|[（(][${HAN_NUM}]+[）)]|\\d+\\s*[.．、](?!\\d)|[（(]\\d+[）)])\\s*`), '')
    .trim();
}

const MEASURES_END = /^[ \t\u3000]*(?:本公告|本决定|本令|附件|附[:：]|附[ \t\u3000]*$|不可靠实体清单工作机制办公室|外交部[ \t\u3000]*$|商[ \t\u3000]*务[ \t\u3000]*部[ \t\u3000]*$|上述(?:两家|\d+家)?实体违反)/;

/**
 * The measures a notice takes: the numbered items after "采取以下…措施：". When the items are addressed
 * ("一、对…2家机构：…", "二、对…等10名…高级管理人员，…"), one group per item, so that organisations and
 * their executives each get their own measures.
 */
export function readMeasures(s: string, t: string): MeasureGroup[] {
  const sLines = s.split('\n');
  const tLines = t.split('\n');
  const start = sLines.findIndex((l) => /(?:措施|惩戒)[：:]/.test(l));
  if (start < 0) return [];
  const lines: Array<{ s: string; t: string }> = [];
  const after = sLines[start]!.split(/(?:措施|惩戒)[：:]/).slice(1).join('');
  if (after.trim()) {
    const offset = sLines[start]!.length - after.length;
    lines.push({ s: after, t: tLines[start]!.slice(offset) });
  }
  let firstLevel = -1;
  for (let i = start + 1; i < sLines.length; i++) {
    const line = sLines[i]!;
    if (!line.trim()) continue;
    if (MEASURES_END.test(line) || DATE_LINE.test(line)) break;
    const next = sLines.slice(i + 1).find((l) => l.trim());
    if (next && DATE_LINE.test(next) && compact(line).length <= 24 && /^[\u4e00-\u9fff（）()]+$/.test(compact(line))) break;
    const level = numberLevel(line);
    if (firstLevel < 0) firstLevel = level;
    else if (level > 0 && firstLevel > 0 && level < firstLevel) break;
    lines.push({ s: line.trim(), t: tLines[i]!.trim() });
  }
  if (!lines.length) return [];
  const level = Math.max(firstLevel, 0);
  const firsts = lines.filter((l) => numberLevel(l.s) === level).map((l) => stripNumber(l.s));
  const addressed = level > 0 && firsts.length > 1 && firsts.every((f) => f.startsWith('对') && !/^对(?:其|上述|该)/.test(f));
  if (!addressed) return [{ text: lines.map((l) => l.t).join('') }];

  const groups: Array<{ s: string[]; t: string[] }> = [];
  for (const l of lines) {
    if (numberLevel(l.s) === level || !groups.length) groups.push({ s: [], t: [] });
    groups[groups.length - 1]!.s.push(l.s);
    groups[groups.length - 1]!.t.push(l.t);
  }
  return groups.map((g) => {
    const first = stripNumber(g.s[0]!);
    const firstT = stripNumber(g.t[0]!);
    if (!first.startsWith('对')) return { text: g.t.join('') };
    let cut = topLevelIndex(first, /[：:]/);
    if (cut < 0) cut = topLevelIndex(first, /[，]/);
    const target = cut > 0 ? first.slice(1, cut) : first.slice(1);
    const own = cut > 0 ? firstT.slice(cut + 1) : '';
    const text = [own, ...g.t.slice(1)].join('').trim();
    return { target, type: /人员|个人|人士/.test(target) ? 'individual' : 'entity', text: text || g.t.join('') };
  });
}

/** Index of the first character matching `re` outside any brackets, or -1. */
export function topLevelIndex(text: string, re: RegExp): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '（' || ch === '(') depth++;
    else if ((ch === '）' || ch === ')') && depth > 0) depth--;
    else if (depth === 0 && re.test(ch)) return i;
  }
  return -1;
}
