/**
 * cn-notices text preparation: bytes to text (UTF-8, or GB18030 for older government pages), HTML pages
 * to plain text, and a character-for-character fold of traditional characters to simplified ones so that
 * one set of patterns reads both. The fold keeps every offset, so names are cut from the original text.
 */
import iconv from 'iconv-lite';
import type { FetchedDocument } from '../types';

/** The charset a page declares: the HTTP Content-Type first, then its own <meta charset> / <meta http-equiv>. */
export function declaredCharset(body: Buffer, contentType?: string): string | undefined {
  const fromHeader = /charset\s*=\s*["']?([\w-]+)/i.exec(contentType ?? '')?.[1];
  if (fromHeader) return fromHeader.toLowerCase();
  const head = body.subarray(0, 4096).toString('latin1');
  const meta = /<meta\b[^>]*\bcharset\s*=\s*["']?([\w-]+)/i.exec(head)?.[1];
  return meta?.toLowerCase();
}

const GB_FAMILY = /^(?:gb2312|gbk|gb18030|x-gbk|cp936|euc-cn)$/;

/**
 * Text of a document: UTF-8 when the bytes are valid UTF-8 (whatever a misconfigured server declares);
 * otherwise the charset the page declares (GB2312 / GBK through GB18030, a superset of both; Big5...),
 * else GB18030 (older government pages that declare nothing).
 */
export function documentString(doc: FetchedDocument): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(doc.body);
  } catch {
    const charset = declaredCharset(doc.body, doc.contentType);
    text =
      charset && !GB_FAMILY.test(charset) && !/^utf-?8$/.test(charset) && iconv.encodingExists(charset)
        ? iconv.decode(doc.body, charset)
        : iconv.decode(doc.body, 'gb18030');
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return text.replace(/\r\n?/g, '\n');
}

/** Whether a body is an HTML page rather than plain text. */
export function looksLikeHtml(text: string, contentType?: string): boolean {
  if (contentType && /html/i.test(contentType)) return true;
  const head = text.slice(0, 2000);
  if (/^\s*<(?:!doctype\s+html|html|head|body|meta)\b/i.test(head)) return true;
  return (text.match(/<\/(?:p|div|span|td|li|html|body)>/gi) ?? []).length >= 3;
}

const NAMED_ENTITIES: Record<string, string> = {
  nbsp: ' ', ensp: ' ', emsp: '\u3000', thinsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'",
  ldquo: '“', rdquo: '”', lsquo: '‘', rsquo: '’', middot: '·', bull: '•', hellip: '…', mdash: '—', ndash: '–',
  copy: '©', reg: '®', times: '×', laquo: '«', raquo: '»', zwnj: '', zwj: '', shy: '',
};

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? whole;
  });
}

/** Class or id values of the article containers of mofcom.gov.cn, mfa.gov.cn and gwytb.gov.cn pages. */
const CONTAINERS = ['art-con', 'TRS_Editor', 'Custom_UnionStyle', 'content_text', 'News_Body_Txt_A', 'news-content', 'article-content', 'zoom', 'article', 'content'];

/** The inner HTML of the first element whose class or id names one of CONTAINERS, by matching tag depth. */
function articleHtml(html: string): string | undefined {
  for (const name of CONTAINERS) {
    const open = new RegExp(`<(div|article|section|td)\\b[^>]*\\b(?:class|id)\\s*=\\s*["'][^"']*\\b${name}\\b[^"']*["'][^>]*>`, 'i');
    const m = open.exec(html);
    if (!m) continue;
    const tag = m[1]!.toLowerCase();
    const tags = new RegExp(`<(/?)${tag}\\b[^>]*>`, 'gi');
    tags.lastIndex = m.index + m[0].length;
    let depth = 1;
    let t: RegExpExecArray | null;
    while ((t = tags.exec(html))) {
      depth += t[1] ? -1 : 1;
      if (depth === 0) {
        const inner = html.slice(m.index + m[0].length, t.index);
        if (/[\u4e00-\u9fff]/.test(inner)) return inner;
        break;
      }
    }
  }
  return undefined;
}

function fragmentText(html: string): string {
  return decodeEntities(
    html
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<\/(?:p|div|li|tr|h[1-6]|table|section|article|ul|ol|dd|dt)>/gi, '\n')
      .replace(/<(?:p|div|li|tr|h[1-6])\b[^>]*>/gi, '\n')
      .replace(/<\/?(?:td|th)\b[^>]*>/gi, ' ')
      .replace(/<[^>]+>/g, ''),
  );
}

/**
 * A page's <title> without the site's name after it ("关于对…的决定_中华人民共和国外交部", "… - 商务部", "…|国务院台湾事务办公室"):
 * the notice's own title, which the parser may cite when the notice has no number.
 */
export function pageTitle(title: string): string {
  const m = /^(.{6,}?)\s*(?:[_|｜]|\s[-—–]\s)\s*([^_|｜]{2,40})$/.exec(title);
  return m && /部|办|网|政府|中华人民共和国|政务|门户|公开|首页|gov/i.test(m[2]!) ? m[1]! : title;
}

/**
 * Plain text of an official page: its <title>, the 【发布单位】/【发布文号】/【发文日期】 lines wherever they
 * are, the address of the page, then the article body (or the whole body when no article container is known).
 */
export function htmlToText(html: string, url?: string): string {
  const cleaned = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(script|style|noscript|template)\b[\s\S]*?<\/\1\s*>/gi, '');
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(cleaned)?.[1];
  const body = cleaned.replace(/<head\b[\s\S]*?<\/head\s*>/i, '');
  const whole = fragmentText(body);
  const article = articleHtml(body);
  const main = article === undefined ? whole : fragmentText(article);
  const lines: string[] = [];
  if (url && /^https?:\/\//i.test(url)) lines.push(url);
  if (title) lines.push(pageTitle(decodeEntities(title.replace(/<[^>]+>/g, '')).replace(/\s+/g, ' ').trim()));
  if (article !== undefined) {
    for (const line of whole.split('\n')) {
      if (/[【[](?:发布单位|发布文号|发文日期|發布單位|發布文號|發文日期)[】\]]|^\s*(?:发布单位|发布文号|发文日期|发布时间|發布單位|發布文號|發文日期)\s*[:：]/.test(line) && !main.includes(line.trim())) {
        lines.push(line.trim());
      }
    }
  }
  lines.push(main);
  return tidy(lines.join('\n'));
}

/** Trailing spaces off, non-breaking spaces to spaces, no more than one blank line in a row. */
export function tidy(text: string): string {
  return text
    .replace(/[\u00a0\u2002\u2003\u2009]/g, ' ')
    .replace(/[\u200b-\u200f\u2060\ufeff]/g, '')
    .split('\n')
    .map((l) => l.replace(/[ \t]+$/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * Traditional -> simplified, one character for one character, for the words the patterns look for
 * (list names, header labels, verbs, numbering, type words) and common characters of names. Names are
 * still cut from the original text, so this table only has to cover the structure, not every name.
 */
const TRADITIONAL =
  '發发佈布單单號号實实體体機机關关製制務务將将對对決决採采於于據据規规條条國国際际區区臺台灣湾獨独頑顽幫帮兇凶' +
  '業业驗验構构個个員员級级團团圖图書书館馆會会聯联學学壇坛責责見见暫暂繼继續续類类凍冻結结財财產产進进資资簽签' +
  '證证準准屬属與与們们這这為为開开動动統统係系華华處处罰罚執执額额軍军參参亞亚維维爾尔權权導导議议長长總总' +
  '麥麦羅罗蘭兰頓顿歐欧韓韩門门內内報报點点衛卫達达訊讯電电網网絡络設设計计劃划術术辦办兩两項项轉转應应當当' +
  '請请經经營营徵征嚴严邊边護护稱称險险風风龍龙鐵铁陸陆飛飞彈弹艦舰廠厂語语詳详細细數数傳传輸输銷销購购費费' +
  '貨货島岛黨党問问題题談谈聲声則则顧顾職职負负駐驻領领舉举組组織织協协萬万並并從从後后說说還还時时間间紀纪' +
  '錄录來来東东車车馬马無无隊队陣阵檢检測测術术備备製制線线訂订標标準准鄰邻區区戶户義义舊旧質质際际範范圍围' +
  '雙双級级濟济產产權权項项節节屆届歸归滿满業业實实頒颁佈布們们禮礼樣样環环貿贸盡尽懲惩瞭了';

const FOLD = new Map<string, string>();
for (let i = 0; i + 1 < TRADITIONAL.length; i += 2) FOLD.set(TRADITIONAL[i]!, TRADITIONAL[i + 1]!);
for (let c = 0xff10; c <= 0xff19; c++) FOLD.set(String.fromCharCode(c), String.fromCharCode(c - 0xff10 + 0x30));

/** The text with traditional characters folded to simplified ones and full-width digits to ASCII; same length. */
export function foldText(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    out += FOLD.get(c) ?? c;
  }
  return out;
}

/** How many characters of the text the fold changed (a traditional-character notice changes many). */
export function foldedCount(original: string, folded: string): number {
  let n = 0;
  for (let i = 0; i < original.length; i++) if (original.charCodeAt(i) !== folded.charCodeAt(i)) n++;
  return n;
}
