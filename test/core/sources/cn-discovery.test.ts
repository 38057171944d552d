import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { parseNoticeDocument } from '../../../src/core/sources/cn-notices';
import { declaredCharset, decodePage, noticeLinks, noticeText, relevantTitle } from '../../../src/core/sources/cn-discovery';
import { pageTitle } from '../../../src/core/sources/cn-notices-parts/text';
import { fixturePath } from '../../helpers/shared';

const page = (name: string) => readFileSync(fixturePath(`cn-discovery/${name}`));

describe('cn-discovery: notice links from the official indexes', () => {
  it('reads MOFCOM\'s yearly index: article links resolved, each once, dated, other sites and paging left out', () => {
    const base = 'https://www.mofcom.gov.cn/zcfb/blgg/gg/2025/index.html';
    const links = noticeLinks(decodePage(page('mofcom-gg-2025-index.html')), base);
    expect(links).toEqual([
      {
        url: 'https://www.mofcom.gov.cn/zcfb/blgg/gg/2025/art/2025/art_67b1b070edcb42e2ad9b8860c15f3b12.html',
        title: '商务部公告2025年第13号 关于将15家美国实体列入出口管制管控名单的公告',
        date: '2025-03-04',
        relevant: true,
      },
      {
        url: 'https://www.mofcom.gov.cn/zcfb/blgg/gg/2025/art/2025/art_0a1b2c3d4e5f60718293a4b5c6d7e8f9.html',
        title: '商务部公告2025年第12号 关于对原产于美国的进口相关产品的反倾销调查的最终裁定',
        date: '2025-03-01',
        relevant: false,
      },
      {
        url: 'https://www.mofcom.gov.cn/zwgk/zcfb/art/2025/art_e4f474d3aeba4672913db1042d845d78.html',
        title: '不可靠实体清单工作机制公告〔2025〕7号',
        date: '2025-04-04',
        relevant: true,
      },
    ]);
  });

  it('reads the MFA countermeasures index: relative tYYYYMMDD links, dates in brackets', () => {
    const links = noticeLinks(decodePage(page('mfa-fzcqdcs-index.html')), 'https://www.mfa.gov.cn/web/wjb_673085/zfxxgk_674865/gknrlb/fzcqdcs/');
    expect(links.map((l) => [l.url, l.date, l.relevant])).toEqual([
      ['https://www.mfa.gov.cn/web/wjb_673085/zfxxgk_674865/gknrlb/fzcqdcs/202412/t20241227_11524085.shtml', '2024-12-27', true],
      ['https://www.mfa.gov.cn/web/wjb_673085/zfxxgk_674865/gknrlb/fzcqdcs/202410/t20241010_11504846.shtml', '2024-10-10', true],
      ['https://www.mfa.gov.cn/web/wjb_673085/zfxxgk_674865/zcwj/202409/t20240902_11482222.shtml', '2024-09-02', false],
    ]);
  });

  it('reads the MOFCOM bureau\'s list from the HTML its JSON API answers with', () => {
    const links = noticeLinks(page('aqygzj-unit.json').toString('utf8'), 'https://aqygzj.mofcom.gov.cn/flzc/gzjgfxwj/index.html');
    expect(links.map((l) => [l.url, l.date, l.relevant])).toEqual([
      ['https://aqygzj.mofcom.gov.cn/flzc/gzjgfxwj/art/2025/art_2aaf11cceb1c4986ad7c4c2a37725b0a.html', '2025-01-14', true],
      ['https://aqygzj.mofcom.gov.cn/flzc/gzjgfxwj/art/2025/art_1ee79b1b7f21444ebf4797c0ff8500fd.html', '2025-01-02', true],
    ]);
  });

  it('decodes the GB2312 TAO hub by its meta charset and finds its notices', () => {
    const body = page('tao-hub.gb2312.html');
    expect(declaredCharset(body)).toBe('gb2312');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(body)).toThrow();
    const links = noticeLinks(decodePage(body), 'https://www.gwytb.gov.cn/zccs/zccs_61195/cjtdwgfz/');
    expect(links.map((l) => [l.title, l.date, l.relevant])).toEqual([
      ['国务院台办：依法惩戒“台独”顽固分子测试戊、测试己', '2026-03-10', true],
      ['国务院台办就“台独”打手帮凶举报邮箱答记者问', '2024-10-14', true],
      ['国务院台办新闻发布会', '2026-03-11', false],
    ]);
    expect(links[0]!.url).toBe('https://www.gwytb.gov.cn/zccs/zccs_61195/cjtdwgfz/202603/t20260310_12700001.htm');
  });

  it('fetches titles that speak of a list or are a bare announcement number, not export-control rules in general', () => {
    expect(relevantTitle('商务部公告2025年第21号')).toBe(true);
    expect(relevantTitle('不可靠实体清单工作机制公告〔2025〕7号')).toBe(true);
    expect(relevantTitle('商务部公告2025年第13号 公布将15家美国实体列入出口管制管控名单')).toBe(true);
    expect(relevantTitle('商务部 海关总署公告2025年第10号 公布对钨、碲、铋、钼、铟相关物项实施出口管制的决定')).toBe(false);
    expect(relevantTitle('两用物项出口管制许可常见问题解答')).toBe(false);
  });

  it('prefers the HTTP charset to the page\'s own, and reads GBK declared either way', () => {
    const gbk = iconv.encode('<html><head><meta charset="gbk"></head><body>斯凯迪奥公司</body></html>', 'gbk');
    expect(decodePage(gbk)).toContain('斯凯迪奥公司');
    expect(decodePage(gbk, 'text/html; charset=GB18030')).toContain('斯凯迪奥公司');
    expect(declaredCharset(gbk, 'text/html; charset=UTF-8')).toBe('utf-8');
  });
});

describe('cn-discovery: the article text of a notice page', () => {
  it('gives the cn-notices parser the text of a GB18030 TAO page: list, date and targets', () => {
    const url = 'https://www.gwytb.gov.cn/zccs/zccs_61195/cjtdwgfz/202603/t20260310_12700001.htm';
    const text = noticeText(readFileSync(fixturePath('cn-notices/tao-page.gb18030.html')), url);
    expect(text.split('\n')[0]).toBe(url);
    expect(text).not.toMatch(/<|首页/);
    const notice = parseNoticeDocument({ name: url, body: Buffer.from(text, 'utf8') });
    expect(notice.header).toMatchObject({ list: 'CN-TAO', published: '2026-03-10', url });
    expect(notice.entities.map((e) => e.zh)).toEqual(['测试戊', '测试己']);
  });

  it("takes the site's name off a page title, keeping titles that have none", () => {
    expect(pageTitle('关于对美国反华议员迈克·麦考尔采取反制措施的决定_中华人民共和国外交部')).toBe('关于对美国反华议员迈克·麦考尔采取反制措施的决定');
    expect(pageTitle('不可靠实体清单工作机制公告〔2025〕7号 - 商务部')).toBe('不可靠实体清单工作机制公告〔2025〕7号');
    expect(pageTitle('商务部公告2025年第13号 公布将15家美国实体列入出口管制管控名单')).toBe('商务部公告2025年第13号 公布将15家美国实体列入出口管制管控名单');
    expect(pageTitle('Raytheon/Lockheed Martin_Javelin')).toBe('Raytheon/Lockheed Martin_Javelin');
  });
});
