/**
 * Pages that reproduce the structure of China's official sites, for discovery tests served on 127.0.0.1:
 * notice pages wrapping the REAL notice texts (china_lists/ammitto_data_cn/reference-docs) in the chrome of
 * an article page (navigation, scripts, an attribute block outside the article, a footer with its own
 * date), and index pages (MOFCOM yearly index, the bureau's JSON API answer, the MFA and TAO lists).
 */
import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { rawPath } from './shared';

export const NOTICE_TEXTS = rawPath('china_lists/ammitto_data_cn/reference-docs/sanction-lists');

/** A real notice text (first line: its official URL, when it has one). */
export function noticeText(relative: string): string {
  return readFileSync(`${NOTICE_TEXTS}/${relative}`, 'utf8');
}

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A notice text as its article page: <title> and an <h1>, the 【发布单位】【发布文号】【发文日期】 block outside
 * the article container (as on mofcom.gov.cn), the text in `container`, nav, scripts and a dated footer
 * around it; encoded as `charset` says (gb2312 pages through GB18030).
 */
export function noticePage(text: string, options: { charset?: 'utf-8' | 'gb2312'; container?: string } = {}): Buffer {
  const charset = options.charset ?? 'utf-8';
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  if (/^https?:\/\//.test(lines[0] ?? '')) lines.shift();
  const header = lines.filter((l) => /^【/.test(l.trim()));
  const body = lines.filter((l) => !/^【/.test(l.trim()));
  const title = body.find((l) => l.trim() && !/^来源[:：]/.test(l.trim()))?.trim() ?? '公告';
  const html = `<!DOCTYPE html>
<html lang="zh-CN"><head>
<meta ${charset === 'utf-8' ? 'charset="utf-8"' : 'http-equiv="Content-Type" content="text/html; charset=gb2312"'}>
<meta name="ArticleTitle" content="${escape(title)}">
<title>${escape(title)}_政务公开</title>
<script type="text/javascript">var _hmt = _hmt || []; if (1 < 2) { document.write('<div class="x">广告</div>'); }</script>
<style>.art-con p { text-indent: 2em; }</style>
</head>
<body>
<div class="header"><div class="top-nav"><a href="/">首页</a> | <a href="/zwgk/">政务公开</a> | <a href="/xwfb/">新闻发布</a> | <a href="/zcfb/">政策发布</a></div>
<div class="search"><input type="text" placeholder="请输入关键词"><a href="javascript:search()">搜索</a></div></div>
<div class="location">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 正文</div>
<h1 class="art-title">${escape(title)}</h1>
<div class="art-info"><table>${header.map((h) => `<tr><td>${escape(h.trim())}</td></tr>`).join('')}</table></div>
<div class="${options.container ?? 'art-con art-con-bottonmLine'}">
${body.map((l) => `<p>${escape(l)}</p>`).join('\n')}
</div>
<div class="share"><a href="javascript:void(0)">分享到微信</a><script>share();</script></div>
<!-- 相关链接：不可靠实体清单工作机制公告〔2099〕99号 -->
<div class="footer"><p>主办单位：中华人民共和国商务部 承办：商务部电子商务和信息化司</p><p>京ICP备05004093号-1</p><p>2020年1月1日</p></div>
</body></html>`;
  return charset === 'utf-8' ? Buffer.from(html, 'utf8') : iconv.encode(html, 'gb18030');
}

export interface IndexLink {
  href: string;
  title: string;
  date: string;
}

/** MOFCOM's yearly announcement index (UTF-8): title attribute, truncated text, date span, paging. */
export function mofcomIndex(links: IndexLink[]): Buffer {
  const items = links
    .map((l) => `<li><a href="${l.href}" target="_blank" title="${escape(l.title)}">${escape(l.title.slice(0, 24))}...</a><span>${l.date}</span></li>`)
    .join('\n');
  return Buffer.from(`<!DOCTYPE html><html><head><meta charset="utf-8"><title>商务部公告</title><script>var pageCount = 2;</script></head>
<body><div class="header"><a href="/">首页</a><a href="/zcfb/index.html">政策发布</a></div>
<div class="txtList_01"><ul>
${items}
</ul></div><div class="page"><a href="index_1.html">2</a><a href="javascript:void(0)">下一页</a></div></body></html>`);
}

/** The JSON the bureau's JPaaS API answers with: the list's HTML in a string field. */
export function bureauApiAnswer(links: IndexLink[]): Buffer {
  const html = `<ul class="list">${links.map((l) => `<li><a href="${l.href}" title="${l.title}">${l.title.slice(0, 20)}...</a><span>[${l.date}]</span></li>`).join('')}</ul>`;
  return Buffer.from(JSON.stringify({ success: true, data: { html, total: links.length }, message: 'ok' }));
}

/** A list page of the MFA or TAO kind (relative tYYYYMMDD_N links, dates in brackets), in GB2312/GB18030. */
export function gbListPage(title: string, links: IndexLink[]): Buffer {
  const html = `<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>${title}</title></head>
<body><div class="nav"><a href="/">首页</a> &gt; <a href="../">上级栏目</a></div>
<div class="newsBd"><ul class="list1">
${links.map((l) => `<li><a href="${l.href}" target="_blank">${escape(l.title)}</a><span>（${l.date}）</span></li>`).join('\n')}
</ul></div><div class="footer">版权所有 2024年12月</div></body></html>`;
  return iconv.encode(html, 'gb18030');
}
