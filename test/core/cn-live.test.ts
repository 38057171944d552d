/**
 * China from the official announcements, live (issue 12): a `cn-notices` source with `discover` reads the
 * official indexes — MOFCOM's yearly announcement index (UTF-8), the Security & Control Bureau's JPaaS
 * JSON answer, MOFCOM's news releases, the MFA countermeasures index and the TAO hub (GB2312 / GB18030) —
 * served on 127.0.0.1, fetches each relevant notice once (pages wrapping the REAL notice texts), and parses
 * them with their 文号, issuer, dates and URL; a later suspension resolves against the archived notice.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lookup, type LookupResult } from '../../src/core/lookup';
import { refreshSources, type SourceRefreshResult } from '../../src/core/refresh';
import type { SourceConfig } from '../../src/core/sources/config';
import { openDb, type Db } from '../../src/core/store/db';
import { DocumentArchive } from '../../src/core/store/documents';
import { SourceStore } from '../../src/core/store/sources';
import { bureauApiAnswer, gbListPage, mofcomIndex, noticePage, noticeText } from '../helpers/cn-pages';
import { fixturePath } from '../helpers/shared';
import { tempDir } from '../helpers/tmp';

const P = {
  year: '/zcfb/blgg/gg/2025/index.html',
  api: '/api-gateway/jpaas-publish-server/front/page/build/unit',
  news: '/syxwfb/index.html',
  mfa: '/web/wjb_673085/zfxxgk_674865/gknrlb/fzcqdcs/',
  tao: '/zccs/zccs_61195/cjtdwgfz/',
  uel1: '/zwgk/zcfb/art/2025/art_c164b1339d694766938f75c1f83bddf8.html',
  uel7: '/zwgk/zcfb/art/2025/art_e4f474d3aeba4672913db1042d845d78.html',
  /** The same announcement at a second official address (the yearly index's copy). */
  uel7copy: '/zcfb/blgg/gg/2025/art/2025/art_e4f474d3aeba4672913db1042d845d78.html',
  uel2: '/flzc/gzjgfxwj/art/2025/art_2aaf11cceb1c4986ad7c4c2a37725b0a.html',
  rule: '/flzc/gzjgfxwj/art/2025/art_0f9e8d7c6b5a49382716051a2b3c4d5e.html',
  dumping: '/zwgk/zcfb/art/2025/art_0a1b2c3d4e5f60718293a4b5c6d7e8f9.html',
  suspend: '/syxwfb/art/2025/art_4c1d2e3f4a5b4c6d8e9f0a1b2c3d4e5f.html',
  extend: '/syxwfb/art/2025/art_8a7b6c5d4e3f4a2b9c1d0e2f3a4b5c6d.html',
  mfaNotice: '/web/wjb_673085/zfxxgk_674865/gknrlb/fzcqdcs/202412/t20241227_11520050.shtml',
  taoNotice: '/zccs/zccs_61195/cjtdwgfz/202603/t20260310_12700001.htm',
};

interface Page {
  status: number;
  body: Buffer;
  type: string;
}

const html = (body: Buffer, charset = 'utf-8'): Page => ({ status: 200, body, type: charset ? `text/html; charset=${charset}` : 'text/html' });

/** A page whose title is a bare announcement number (so it is fetched) and that is an export-control rule, not a list. */
const RULE_TEXT = `商务部公告2025年第10号
【发布单位】安全与管制局
【发布文号】商务部公告2025年第10号
【发文日期】2025年02月04日

商务部 海关总署公告2025年第10号 公布对钨、碲、铋、钼、铟相关物项实施出口管制的决定

根据《中华人民共和国出口管制法》《中华人民共和国两用物项出口管制条例》有关规定，为维护国家安全和利益、履行防扩散等国际义务，经国务院批准，决定对以下物项实施出口管制。
出口经营者应当按照有关规定办理出口许可手续。

商务部 海关总署
2025年2月4日`;

const pages = new Map<string, Page>();
const hits = new Map<string, number>();
let server: Server;
let base: string;

function serveAll(): void {
  pages.clear();
  pages.set(
    P.year,
    html(
      mofcomIndex([
        { href: P.uel7, title: '不可靠实体清单工作机制关于将斯凯迪奥公司等11家美国企业列入不可靠实体清单的公告', date: '2025-04-04' },
        { href: P.dumping, title: '商务部公告2025年第12号 关于对原产于美国的进口相关产品的反倾销调查的最终裁定', date: '2025-03-01' },
        { href: P.uel1, title: '不可靠实体清单工作机制关于对洛克希德·马丁导弹与火控公司等10家美国企业采取不可靠实体清单措施的公告', date: '2025-01-02' },
      ]),
    ),
  );
  pages.set(P.api, {
    status: 200,
    type: 'application/json;charset=UTF-8',
    body: bureauApiAnswer([
      { href: P.uel7copy, title: '不可靠实体清单工作机制公告〔2025〕7号', date: '2025-04-04' },
      { href: P.rule, title: '商务部公告2025年第10号', date: '2025-02-04' },
      { href: P.uel2, title: '不可靠实体清单工作机制关于对海岸间电子公司等7家美国企业采取不可靠实体清单措施的公告', date: '2025-01-14' },
      { href: `${base}${P.uel1}`, title: '不可靠实体清单工作机制公告〔2025〕1号', date: '2025-01-02' },
    ]),
  });
  pages.set(
    P.news,
    html(
      mofcomIndex([
        { href: P.extend, title: '商务部新闻发言人就调整不可靠实体清单措施答记者问', date: '2025-08-12' },
        { href: P.suspend, title: '商务部新闻发言人就暂停17家美国实体不可靠实体清单措施答记者问', date: '2025-05-14' },
        { href: '/syxwfb/art/2025/art_99999999999999999999999999999999.html', title: '商务部召开例行新闻发布会', date: '2025-05-15' },
      ]),
    ),
  );
  pages.set(
    P.mfa,
    html(
      gbListPage('反制裁、反干涉、反制长臂管辖措施', [
        { href: './202412/t20241227_11520050.shtml', title: '关于对美国军工企业及高级管理人员采取反制措施的决定', date: '2024-12-27' },
        { href: '../../zcwj/202409/t20240902_11482222.shtml', title: '中华人民共和国政府信息公开工作年度报告', date: '2024-09-02' },
      ]),
      '',
    ),
  );
  pages.set(
    P.tao,
    html(
      gbListPage('惩戒“台独”顽固分子及其帮凶', [
        { href: './202603/t20260310_12700001.htm', title: '国务院台办：依法惩戒“台独”顽固分子测试戊、测试己', date: '2026-03-10' },
        { href: '/xwfbh/202603/t20260311_12700100.htm', title: '国务院台办新闻发布会', date: '2026-03-11' },
      ]),
      '',
    ),
  );
  pages.set(P.uel1, html(noticePage(noticeText('unreliable-entity-list/202501.md'))));
  pages.set(P.uel7, html(noticePage(noticeText('unreliable-entity-list/202507.md'))));
  pages.set(P.uel7copy, html(noticePage(noticeText('unreliable-entity-list/202507.md'), { container: 'TRS_Editor' })));
  pages.set(P.uel2, { status: 404, type: 'text/html', body: Buffer.from('<html><body>404 页面不存在</body></html>') });
  pages.set(P.rule, html(noticePage(RULE_TEXT)));
  pages.set('/zcfb/blgg/gg/2024/index.html', html(mofcomIndex([{ href: P.rule, title: '商务部公告2025年第10号', date: '2025-02-04' }])));
  pages.set(P.suspend, html(noticePage(noticeText('unreliable-entity-list-updates/20250514.md'))));
  pages.set(P.extend, html(noticePage(noticeText('unreliable-entity-list-updates/20250812.md'))));
  // The MFA page as the site serves it: GB18030 bytes, the charset only in <meta>, no charset in the header.
  pages.set(P.mfaNotice, html(noticePage(noticeText('anti-sanction-list/20241227.md'), { charset: 'gb2312', container: 'TRS_Editor' }), ''));
  pages.set(P.taoNotice, html(readFileSync(fixturePath('cn-notices/tao-page.gb18030.html')), ''));
}

const now = new Date('2026-03-20T08:00:00Z');
const dir = tempDir('sanctions-cn-live-');
let db: Db;
let source: SourceConfig;
const url = (path: string) => `${base}${path}`;

async function refresh(s: SourceConfig = source): Promise<SourceRefreshResult> {
  const [r] = await refreshSources(db, [s], { now: () => now });
  return r!;
}

function first(query: string, at = now): LookupResult {
  const [r] = lookup(db, query, { side: 'cn', now: at }).results;
  expect(r, query).toBeDefined();
  return r!;
}

const storedWarnings = (): string[] => JSON.parse(new SourceStore(db).get('cn-notices')!.parse_warnings ?? '[]') as string[];

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const page = pages.get(path);
    if (!page) {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<html><body>404</body></html>');
      return;
    }
    res.writeHead(page.status, { 'content-type': page.type });
    res.end(page.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  serveAll();
  source = {
    id: 'cn-notices',
    format: 'cn-notices',
    location: url('/zwgk/zcfb/index.html'),
    timeout_ms: 5000,
    discover: {
      indexes: [
        url(P.year),
        `${url(P.api)}?webId=b28941ad4e064442856787562c9a4961&pageId=79d6d2c4e44d458180d37dd4f0996645&tagId=%E4%BF%A1%E6%81%AF%E5%88%97%E8%A1%A8&parseType=bulidstatic&pageType=column&paramJson=%7B%22pageNo%22%3A1%2C%22pageSize%22%3A99999%7D`,
        url(P.news),
        url(P.mfa),
        url(P.tao),
      ],
      max_new: 60,
    },
  } as SourceConfig;
  db = openDb(join(dir, 'cn-live.db'));
});
afterAll(async () => {
  db?.close();
  await new Promise<void>((r) => server.close(() => r()));
});

describe('cn-notices discovered on the official indexes (loopback)', () => {
  let firstRun: SourceRefreshResult;

  beforeAll(async () => {
    firstRun = await refresh();
  });

  it('applies the first snapshot from the notices the indexes link to, never fetching irrelevant ones', () => {
    expect(firstRun).toMatchObject({ outcome: 'applied', baseline: true });
    expect(firstRun.records).toBe(10 + 11 + 7 + 2); // 〔2025〕1号, 〔2025〕7号 (once, though at two addresses), 外交部令第16号, the TAO page
    for (const p of [P.uel1, P.uel7, P.uel7copy, P.suspend, P.extend, P.mfaNotice, P.taoNotice, P.rule]) expect(hits.get(p), p).toBe(1);
    expect(hits.get(P.dumping)).toBeUndefined();
    expect(hits.get('/syxwfb/art/2025/art_99999999999999999999999999999999.html')).toBeUndefined();
    expect(hits.get('/web/wjb_673085/zfxxgk_674865/zcwj/202409/t20240902_11482222.shtml')).toBeUndefined();
    expect(new DocumentArchive(db).count('cn-notices')).toBe(8);
  });

  it('has Lockheed Martin Missiles and Fire Control on the UEL since 2025-01-02 under 〔2025〕1号, with the issuer and the page it was read from', () => {
    const r = first('Lockheed Martin Missiles and Fire Control');
    expect(r.name).toBe('Lockheed Martin Missiles and Fire Control');
    expect(r.designations).toEqual([
      expect.objectContaining({
        list: 'CN-MOFCOM-UEL',
        status: 'active',
        since: '2025-01-02',
        citation: '不可靠实体清单工作机制公告〔2025〕1号',
        authority: '不可靠实体清单工作机制',
        url: url(P.uel1),
        source: 'cn-notices',
      }),
    ]);
    expect(r.aliases).toContain('洛克希德·马丁导弹与火控公司');
  });

  it('shows Skydio once on the UEL (one notice at two addresses), suspended and the suspension extended by the later answers citing 〔2025〕7号', () => {
    const skydio = first('Skydio', new Date('2025-09-01T00:00:00Z'));
    const uel = skydio.designations.filter((d) => d.list === 'CN-MOFCOM-UEL');
    expect(uel).toHaveLength(1);
    expect(uel[0]).toMatchObject({ status: 'suspended', since: '2025-04-04', until: '2025-11-10', citation: '不可靠实体清单工作机制公告〔2025〕7号' });
    expect([url(P.uel7), url(P.uel7copy)]).toContain(uel[0]!.url);
    expect(uel[0]!.history).toEqual([
      expect.objectContaining({ status: 'active', from: '2025-04-04', until: '2025-05-14', citation: '不可靠实体清单工作机制公告〔2025〕7号' }),
      expect.objectContaining({ status: 'suspended', from: '2025-05-14', until: '2025-08-12', url: url(P.suspend) }),
      expect.objectContaining({ status: 'suspended', from: '2025-08-12', until: '2025-11-10', url: url(P.extend) }),
    ]);
    // On the test's day (2026-03-20) no announcement read extends it further: the measures apply again.
    const today = first('Skydio').designations.find((d) => d.list === 'CN-MOFCOM-UEL')!;
    expect(today.status).toBe('active');
    expect(today.history!.at(-1)).toEqual({ status: 'active', from: '2025-11-10' });
  });

  it('reads the GB18030 MFA decision (charset only in <meta>) with its order number and date, and the GB18030 TAO page', () => {
    const insitu = first('Insitu');
    expect(insitu.designations).toContainEqual(
      expect.objectContaining({ list: 'CN-CM', since: '2024-12-27', citation: '外交部令第16号', url: url(P.mfaNotice), source: 'cn-notices' }),
    );
    expect(first('英斯图公司').id).toBe(insitu.id);
    const tao = first('测试戊');
    expect(tao.designations).toEqual([expect.objectContaining({ list: 'CN-TAO', since: '2026-03-10', url: url(P.taoNotice) })]);
  });

  it('reports, and keeps on the source for status, the page that looked relevant and parsed to nothing, the notice that could not be fetched and the change it could not apply', () => {
    const warnings = firstRun.warnings ?? [];
    expect(warnings).toContainEqual(expect.stringContaining(`${url(P.rule)}: no recognizable list in the notice`));
    expect(warnings).toContainEqual(expect.stringMatching(new RegExp(`^discovery: .*${P.uel2}.*404.*tried again next refresh`)));
    expect(warnings).toContainEqual(expect.stringMatching(/names UEL:2025:8, which no notice read carries/));
    expect(warnings).toContainEqual(expect.stringMatching(/^discovery: 4 links on the indexes do not speak of a list/));
    expect(storedWarnings()).toEqual(warnings);
  });

  it('answers the next refresh with not-modified, fetching no known notice again but retrying the one that failed', async () => {
    const second = await refresh();
    expect(second.outcome).toBe('not-modified');
    for (const p of [P.uel1, P.uel7, P.uel7copy, P.suspend, P.extend, P.mfaNotice, P.taoNotice, P.rule]) expect(hits.get(p), p).toBe(1);
    expect(hits.get(P.uel2)).toBe(2);
    expect(storedWarnings()).toContainEqual(expect.stringContaining(`${url(P.rule)}: no recognizable list in the notice`));
    expect(storedWarnings()).toContainEqual(expect.stringContaining(P.uel2));
  });

  it('adds the notice once it can be fetched, with events for its targets', async () => {
    pages.set(P.uel2, html(noticePage(noticeText('unreliable-entity-list/202502.md'))));
    const third = await refresh();
    expect(third).toMatchObject({ outcome: 'applied', baseline: false, added: 7 });
    expect(hits.get(P.uel2)).toBe(3);
    expect(storedWarnings().join('\n')).not.toContain(P.uel2);
    const r = first('Anduril Industries');
    expect(r.designations).toContainEqual(expect.objectContaining({ list: 'CN-MOFCOM-UEL', citation: '不可靠实体清单工作机制公告〔2025〕2号', url: url(P.uel2) }));
  });

  it('quarantines a discovered set of which no page is a notice, saying why', async () => {
    const junk = { ...source, id: 'cn-junk', discover: { indexes: [url('/zcfb/blgg/gg/2024/index.html')] } } as SourceConfig;
    const r = await refresh(junk);
    expect(r.outcome).toBe('quarantined');
    expect(r.message).toMatch(new RegExp(`none of the 1 documents is a notice on a list: ${url(P.rule).replace(/[.?]/g, '\\$&')}: no recognizable list`));
  });

  it('fails the source when every index is down, keeping its data', async () => {
    const before = new SourceStore(db).get('cn-notices')!.record_count;
    const down = { ...source, discover: { ...source.discover!, indexes: [url('/gone/a/index.html'), 'http://127.0.0.1:9/index.html'] } };
    const r = await refresh(down);
    expect(r.outcome).toBe('failed');
    expect(r.message).toMatch(/every index of cn-notices failed/);
    expect(new SourceStore(db).get('cn-notices')).toMatchObject({ record_count: before });
    expect(first('Skydio').designations.some((d) => d.list === 'CN-MOFCOM-UEL')).toBe(true);
  });
});
