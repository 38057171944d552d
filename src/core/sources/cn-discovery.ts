/**
 * Discovery of China's official notices: from an index page (MOFCOM's yearly announcement index, its
 * Security & Control Bureau's notices, the MFA countermeasures index, the TAO hub) to the links of the
 * notices it lists, and from a notice page to its article text, which the `cn-notices` parser reads.
 *
 * - Pages are decoded by the charset they declare (HTTP Content-Type, else <meta charset> or <meta
 *   http-equiv>), GB2312 / GBK / GB18030 through iconv-lite's GB18030 (a superset of both): one decoder with the
 *   notice reader (cn-notices-parts/text.ts documentString), which also reads valid UTF-8 as such.
 * - The MOFCOM bureau's list is a JavaScript shell over a JSON API whose answer carries the list's HTML in a
 *   string field: the links are read from that HTML.
 * - A link is a notice when it points at an article page of the index's own site (MOFCOM `/art/YYYY/art_<id>.html`,
 *   MFA / TAO `tYYYYMMDD_<n>.shtml|htm|html`); it is relevant when its title speaks of a list China keeps
 *   (不可靠实体清单, 出口管制管控/关注名单, 反制, 反外国制裁法, 台独..., or a bare announcement number). Irrelevant notices (anti-dumping rulings)
 *   are returned too, marked, so that a caller can count what it skipped.
 *
 * No network here: the fetch module fetches, this module reads what it fetched.
 */
import { declaredCharset, decodeEntities, documentString, htmlToText } from './cn-notices-parts/text';

export { declaredCharset };

export interface NoticeLink {
  url: string;
  title: string;
  /** The date printed beside the link (YYYY-MM-DD), else the one in the URL. */
  date?: string;
  /** The title speaks of one of China's lists. */
  relevant: boolean;
}

/** The page's text, decoded as the notice reader decodes a notice (valid UTF-8 as such, else its declared charset, GB18030 by default). */
export function decodePage(body: Buffer, contentType?: string): string {
  return documentString({ name: '', body, ...(contentType ? { contentType } : {}) });
}

/**
 * Titles worth fetching: they speak of a list (not of export control in general: the bureau's index holds
 * hundreds of 两用物项出口管制 rules that name nobody), or they are nothing but the number of a MOFCOM or UEL
 * announcement (商务部公告2025年第21号), which could be anything and is fetched to find out.
 */
const RELEVANT = /不可靠实体清单|管控名单|关注名单|反制|反外国制裁法|制裁|台独|顽固分子|帮凶|不可靠實體清單|管控名單|關注名單|反製|臺獨/;
const BARE_NUMBER = /^\s*(?:商务部公告\s*\d{4}\s*年\s*第\s*\d+\s*号|不可靠实体清单工作机制(?:公告)?\s*〔\d{4}〕\s*\d+\s*号)\s*$/;

export function relevantTitle(title: string): boolean {
  return RELEVANT.test(title) || BARE_NUMBER.test(title);
}

const ARTICLE_PATH = [/\/art\/\d{4}\/art_[0-9a-z]+\.html?$/i, /\/t\d{8}_\d+\.(?:s?html?)$/i];

/** The list's HTML: the page itself, or the HTML a JSON API answer carries (MOFCOM bureau's list shell). */
function listHtml(page: string): string {
  const t = page.trimStart();
  if (!t.startsWith('{') && !t.startsWith('[')) return page;
  try {
    const parts: string[] = [];
    const walk = (v: unknown): void => {
      if (typeof v === 'string') {
        if (/<a\b/i.test(v)) parts.push(v);
      } else if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') Object.values(v).forEach(walk);
    };
    walk(JSON.parse(t));
    return parts.join('\n');
  } catch {
    return page;
  }
}

function isoFrom(text: string | undefined): string | undefined {
  const m = /(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})/.exec(text ?? '') ?? /\bt(\d{4})(\d{2})(\d{2})_/.exec(text ?? '');
  if (!m) return undefined;
  const [y, mo, d] = [m[1]!, m[2]!.padStart(2, '0'), m[3]!.padStart(2, '0')];
  return `${y}-${mo}-${d}`;
}

/**
 * The notice links of an index page, in page order, each once. `base` is the index's own URL: relative
 * links resolve against it, and only links to its own site are notices.
 */
export function noticeLinks(page: string, base: string): NoticeLink[] {
  const html = listHtml(page).replace(/<!--[\s\S]*?-->/g, '').replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, '');
  const site = new URL(base).hostname.replace(/^www\./, '').split('.').slice(-3).join('.');
  const out: NoticeLink[] = [];
  const seen = new Set<string>();
  const anchor = /<a\b([^>]*)>([\s\S]*?)<\/a>/gi;
  for (const m of html.matchAll(anchor)) {
    const attrs = m[1]!;
    const href = /\bhref\s*=\s*["']([^"']+)["']/i.exec(attrs)?.[1];
    if (!href || /^(?:javascript:|#|mailto:)/i.test(href)) continue;
    let url: URL;
    try {
      url = new URL(decodeEntities(href), base);
    } catch {
      continue;
    }
    if (!/^https?:$/.test(url.protocol) || !url.hostname.endsWith(site)) continue;
    if (!ARTICLE_PATH.some((p) => p.test(url.pathname))) continue;
    const key = url.href.replace(/^https?:\/\//, '');
    if (seen.has(key)) continue;
    seen.add(key);
    const titleAttr = /\btitle\s*=\s*["']([^"']+)["']/i.exec(attrs)?.[1];
    const text = decodeEntities(m[2]!.replace(/<[^>]+>/g, '')).replace(/\s+/g, ' ').trim();
    const title = decodeEntities(titleAttr ?? '').trim() || text;
    // The date printed after the link, before the next link (<span>2025-03-04</span>).
    const rest = html.slice(m.index + m[0].length, m.index + m[0].length + 300);
    const after = rest.slice(0, rest.search(/<a\b/i) >= 0 ? rest.search(/<a\b/i) : rest.length).replace(/<[^>]+>/g, ' ');
    const date = isoFrom(after) ?? isoFrom(text) ?? isoFrom(url.pathname);
    out.push({ url: url.href, title, ...(date ? { date } : {}), relevant: relevantTitle(title) });
  }
  return out;
}

/** The article text of a notice page (decoded by its charset), as the `cn-notices` parser reads it. */
export function noticeText(body: Buffer, url: string, contentType?: string): string {
  return htmlToText(decodePage(body, contentType), url);
}
