import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SourceRecord } from '../../../src/core/model';
import { parseCnNotices } from '../../../src/core/sources/cn-notices';
import { ParseError, parseWarnings, type FetchedDocument } from '../../../src/core/sources/types';
import { folderDocs, input } from '../../helpers/docs';
import { fixturePath } from '../../helpers/shared';
import { measure, NOTICES_DIR, type MeasureReport } from './cn-notices.measure';
import { perList } from '../../helpers/records';
import { noticePage } from '../../helpers/cn-pages';

const parse = (documents: FetchedDocument[], lists?: string[]) =>
  parseCnNotices(input({ format: 'cn-notices', location: NOTICES_DIR, ...(lists ? { lists: lists as never } : {}) }, documents));

const fixture = (name: string, as?: string, contentType?: string): FetchedDocument => ({
  name: as ?? name,
  body: readFileSync(fixturePath(`cn-notices/${name}`)),
  contentType,
});

function byCitation(records: SourceRecord[], citation: string): SourceRecord[] {
  return records.filter((r) => r.designations.some((d) => d.citation === citation));
}

describe('cn-notices on the real announcement folder', () => {
  let docs: FetchedDocument[];
  let records: SourceRecord[];
  let report: MeasureReport;

  beforeAll(() => {
    docs = folderDocs(NOTICES_DIR);
    records = parse(docs);
    report = measure(records);
  });

  it('reads all 41 files and agrees with ammitto/data-cn on 95% or more', () => {
    expect(docs).toHaveLength(41);
    expect(report.overall.recall).toBeGreaterThanOrEqual(0.95);
    expect(report.overall.precision).toBeGreaterThanOrEqual(0.95);
    for (const score of Object.values(report.perFolder)) expect(score.recall).toBeGreaterThanOrEqual(0.95);
  });

  it('differs from the YAML only where the YAML is wrong', () => {
    // 202403.yml lists PVH for 〔2024〕3号, which only opens an investigation (PVH is listed by 〔2025〕4号)
    expect(report.misses.map((m) => `${m.file} ${m.zh}`)).toEqual(['unrealiable-entity-list/202403.yml PVH集团']);
    // 20241221.yml keeps 4 of the 20 people the annex names (机构人员（共计20人）)
    expect(report.extras.every((e) => e.designation.citation === '外交部令第15号' && e.record.type === 'individual')).toBe(true);
    expect(report.extras).toHaveLength(16);
    expect(report.typeMismatches).toEqual([]);
  });

  it('has the expected count per list, one record per target per notice, unique keys', () => {
    expect(perList(records)).toEqual({ 'CN-CM': 154, 'CN-MOFCOM-ECL': 102, 'CN-MOFCOM-UEL': 82 });
    expect(new Set(records.map((r) => r.key)).size).toBe(records.length);
    expect(records.every((r) => r.designations.length === 1)).toBe(true);
  });

  it('puts Lockheed Martin on the UEL with its Chinese name, 文号 and date', () => {
    const lm = records.find((r) => r.key === 'CN-MOFCOM-UEL|洛克希德 马丁公司|2023-02-16');
    expect(lm).toBeDefined();
    expect(lm!.name).toBe('Lockheed Martin Corporation');
    expect(lm!.type).toBe('entity');
    expect(lm!.names).toContainEqual({ value: '洛克希德·马丁公司', kind: 'translation', script: 'han', lang: 'zh-Hans' });
    expect(lm!.designations[0]).toMatchObject({
      list: 'CN-MOFCOM-UEL',
      status: 'active',
      since: '2023-02-16',
      citation: '不可靠实体清单工作机制公告〔2023〕1号',
      authority: '不可靠实体清单工作机制',
    });
    expect(lm!.designations[0]!.notes).toContain('禁止上述企业从事与中国有关的进出口活动');
    // and on the export-control control list two years later, a separate designation event
    const ecl = records.find((r) => r.key === 'CN-MOFCOM-ECL|洛克希德 马丁公司|2025-01-02');
    expect(ecl?.designations[0]).toMatchObject({ list: 'CN-MOFCOM-ECL', citation: '商务部公告2025年第1号', since: '2025-01-02' });
  });

  it('puts a MOFCOM 管控名单 announcement on CN-MOFCOM-ECL with 2025年第N号', () => {
    const n13 = byCitation(records, '商务部公告2025年第13号');
    expect(n13).toHaveLength(15);
    expect(n13.every((r) => r.designations[0]!.list === 'CN-MOFCOM-ECL' && r.designations[0]!.since === '2025-03-04')).toBe(true);
    expect(n13.map((r) => r.name)).toContain('Leidos');
    expect(n13.find((r) => r.name === 'Leidos')!.names.map((n) => n.value)).toContain('莱多斯公司');
    // 第22号 says it takes effect on 2025-04-10 12:01; the key keeps the publication date
    const n22 = byCitation(records, '商务部公告2025年第22号');
    expect(n22).toHaveLength(12);
    expect(n22[0]!.designations[0]!.since).toBe('2025-04-10');
    expect(n22[0]!.key.endsWith('|2025-04-09')).toBe(true);
    // 第21号 has no 【】 header: number and date come from its title and signature
    expect(byCitation(records, '商务部公告2025年第21号')).toHaveLength(16);
  });

  it('puts an MFA 反制 decision on CN-CM, organisations and executives apart', () => {
    const o19 = byCitation(records, '外交部令第19号');
    expect(o19).toHaveLength(30);
    expect(o19.filter((r) => r.type === 'entity')).toHaveLength(20);
    expect(o19.filter((r) => r.type === 'individual')).toHaveLength(10);
    const luckey = o19.find((r) => r.name === 'Palmer Luckey')!;
    expect(luckey.designations[0]).toMatchObject({ list: 'CN-CM', authority: '外交部', since: '2025-12-26', status: 'active' });
    expect(luckey.names.map((n) => n.value)).toContain('帕尔默·卢基');
    expect(luckey.remarks).toContain('安杜里尔公司创始人');
    expect(luckey.designations[0]!.notes).toContain('不予签发签证');
    // titles before a name are not part of it (美国…联邦众议员迈克·麦考尔)
    expect(records.some((r) => r.name === 'Michael McCaul' && r.names.some((n) => n.value === '迈克·麦考尔'))).toBe(true);
    // 石平: no annex, the name comes from the decision sentence
    expect(records.find((r) => r.key === 'CN-CM|石平|2025-09-08')?.type).toBe('individual');
    // the Canadian decision names 2 organisations and 20 people in prose
    expect(byCitation(records, '外交部令第15号')).toHaveLength(22);
  });

  it('keeps measures per group: the organisations of 第1号 (2023) are not under the individuals\' asset freeze', () => {
    const hudson = records.find((r) => r.key === 'CN-CM|哈德逊研究所|2023-04-07')!;
    expect(hudson.designations[0]!.notes).toContain('严格限制');
    expect(hudson.designations[0]!.notes).not.toContain('冻结');
    const stern = records.find((r) => r.key === 'CN-CM|萨拉 斯特恩|2023-04-07')!;
    expect(stern.designations[0]!.notes).toContain('冻结');
  });

  it('suspends the 〔2025〕7号 entities until 2026-11-10', () => {
    const n7 = byCitation(records, '不可靠实体清单工作机制公告〔2025〕7号');
    expect(n7).toHaveLength(11);
    for (const r of n7) expect(r.designations[0]).toMatchObject({ status: 'suspended', until: '2026-11-10', since: '2025-04-04' });
    expect(n7[0]!.designations[0]!.notes).toContain('继续暂停');
  });

  it('keeps the history of the 〔2025〕7号 listings: listed, then each suspension with the announcement that made it', () => {
    for (const r of byCitation(records, '不可靠实体清单工作机制公告〔2025〕7号')) {
      const history = r.designations[0]!.history!;
      expect(history.map((h) => [h.status, h.from, h.until])).toEqual([
        ['active', '2025-04-04', '2025-05-14'],
        ['suspended', '2025-05-14', '2025-08-12'],
        ['suspended', '2025-08-12', '2025-11-10'],
        ['suspended', '2025-11-10', '2026-11-10'],
      ]);
      expect(history[0]!.citation).toBe('不可靠实体清单工作机制公告〔2025〕7号');
      for (const h of history.slice(1)) expect(h.title).toMatch(/不可靠实体清单/);
    }
    // the stopped 〔2025〕8号: listed, suspended, then stopped on 2025-08-12
    for (const r of byCitation(records, '不可靠实体清单工作机制公告〔2025〕8号')) {
      expect(r.designations[0]!.history!.at(-1)).toMatchObject({ status: 'removed', from: '2025-08-12' });
    }
  });

  it('marks stopped measures removed: 〔2025〕8号 from 2025-08-12, 〔2025〕5号 and 6号 from 2025-11-10', () => {
    const n8 = byCitation(records, '不可靠实体清单工作机制公告〔2025〕8号');
    expect(n8).toHaveLength(6);
    for (const r of n8) expect(r.designations[0]).toMatchObject({ status: 'removed', until: '2025-08-12' });
    const n5 = byCitation(records, '不可靠实体清单工作机制公告〔2025〕5号');
    expect(n5).toHaveLength(10);
    for (const r of n5) expect(r.designations[0]).toMatchObject({ status: 'removed', until: '2025-11-10' });
    // Illumina: the 6号 measure (gene sequencers) stopped, the 4号 listing stands
    expect(records.find((r) => r.key === 'CN-MOFCOM-UEL|因美纳公司|2025-03-04')?.designations[0]?.status).toBe('removed');
    expect(records.find((r) => r.key === 'CN-MOFCOM-UEL|因美纳公司|2025-02-04')?.designations[0]?.status).toBe('active');
    expect(report.statusChecks.every((c) => c.ok)).toBe(true);
  });

  it('lists nobody for an investigation notice (〔2024〕3号, PVH)', () => {
    expect(byCitation(records, '不可靠实体清单工作机制公告〔2024〕3号')).toHaveLength(0);
  });

  it('does not depend on file names, folder names or order', () => {
    const renamed = [...docs].reverse().map((d, i) => ({ ...d, name: `x/${String(i).padStart(3, '0')}.txt` }));
    const again = parse(renamed);
    const view = (rs: SourceRecord[]) =>
      Object.fromEntries(rs.map((r) => [r.key, `${r.designations[0]!.status} ${r.designations[0]!.until ?? ''}`]));
    expect(view(again)).toEqual(view(records));
  });

  it('keeps only the lists the config asks for', () => {
    expect(perList(parse(docs, ['CN-MOFCOM-ECL']))).toEqual({ 'CN-MOFCOM-ECL': 102 });
  });

  it('reads a modification announcement alone (a single live page) without error, and warns that it changes nothing read', () => {
    const only = docs.filter((d) => d.name.endsWith('20251105.md'));
    expect(only).toHaveLength(1);
    const alone = parse(only);
    expect(alone).toEqual([]);
    const warnings = parseWarnings(alone);
    expect(warnings.length).toBeGreaterThan(0);
    for (const w of warnings) expect(w).toMatch(/20251105\.md: ".*(暂停|停止).*" \(2025-11-05\) names UEL:2025:\d+.*which no notice read carries/);
    expect(warnings.join('\n')).toMatch(/UEL:2025:7/);
  });

  it('surfaces the notices of the folder that look relevant but yield nothing: only the PVH investigation notice', () => {
    expect(parseWarnings(records)).toEqual([expect.stringMatching(/202403\.md: a notice on CN-MOFCOM-UEL \(不可靠实体清单工作机制公告〔2024〕3号\) that opens an investigation \(.*PVH.*\), not a listing/)]);
  });
});

describe('cn-notices on the same announcements as discovered pages', () => {
  it('reads the 41 real texts as article pages named by their URL (MFA and TAO-style GB18030, copies, chrome) exactly as the folder', () => {
    const folder = folderDocs(NOTICES_DIR);
    const pages: FetchedDocument[] = folder.map((d, i) => {
      const text = d.body.toString('utf8');
      const first = text.split('\n')[0]!.trim();
      const url = /^https?:\/\//.test(first) ? first : `https://www.mofcom.gov.cn/syxwfb/art/2025/art_${String(i).padStart(32, '0')}.html`;
      const gb = d.name.startsWith('anti-sanction-list/');
      return { name: url, body: noticePage(text, gb ? { charset: 'gb2312', container: 'TRS_Editor' } : {}) };
    });
    const live = parseCnNotices(input({ format: 'cn-notices', location: 'https://www.mofcom.gov.cn/', discover: { indexes: ['https://www.mofcom.gov.cn/'] } }, pages));
    const known = parse(folder);
    const view = (rs: SourceRecord[]) =>
      Object.fromEntries(rs.map((r) => { const d = r.designations[0]!; return [r.key, [r.designations.length, d.status, d.since, d.until, d.citation, d.authority].join(' ')]; }));
    expect(view(live)).toEqual(view(known));
    const report = measure(live);
    expect([report.overall.matched, report.overall.theirs, report.overall.matchedOurs, report.overall.ours]).toEqual([322, 323, 322, 338]);
    expect(parseWarnings(live).map((w) => w.replace(/^\S+: /, ''))).toEqual(parseWarnings(known).map((w) => w.replace(/^\S+: /, '')));
  });
});

describe('cn-notices fixtures', () => {
  it('reads an HTML page of a notice (entities, header outside the article, URL from the fetch)', () => {
    const url = 'https://www.mofcom.gov.cn/zwgk/zcfb/art/2025/art_113cfe1ef91740c9a0e92a5a91e779d9.html';
    const records = parse([fixture('mofcom-ecl-page.html', url, 'text/html; charset=utf-8')]);
    expect(records.map((r) => r.name)).toEqual(['Huntington Ingalls Industries, Inc.', 'Planate Management Group', 'Global Dimensions LLC']);
    expect(records[0]!.names).toContainEqual({ value: '亨廷顿·英格尔斯工业公司', kind: 'translation', script: 'han', lang: 'zh-Hans' });
    expect(records[0]!.designations[0]).toMatchObject({
      list: 'CN-MOFCOM-ECL',
      citation: '商务部公告2025年第51号',
      since: '2025-09-25',
      url,
      authority: '商务部',
    });
    expect(records[0]!.countries).toEqual(['US']);
  });

  it('reads a notice in traditional characters, keeping the names as printed', () => {
    const records = parse([fixture('uel-traditional.txt')]);
    expect(records).toHaveLength(3);
    const saronic = records.find((r) => r.name === 'Saronic Technologies, Inc.')!;
    expect(saronic.names).toContainEqual({ value: '薩羅尼克科技公司', kind: 'translation', script: 'han', lang: 'zh-Hant' });
    expect(saronic.designations[0]).toMatchObject({
      list: 'CN-MOFCOM-UEL',
      citation: '不可靠实体清单工作机制公告〔2025〕9号',
      since: '2025-09-25',
      authority: '不可靠实体清单工作机制',
    });
    expect(records.map((r) => r.names.find((n) => n.script === 'han')?.value)).toContain('國際海洋工程公司');
  });

  it('reads a GB18030 page of a TAO list', () => {
    const records = parse([fixture('tao-page.gb18030.html', 'https://www.gwytb.gov.cn/zccs/zccs_61195/cjtdwgfz/x.htm')]);
    expect(records.map((r) => [r.name, r.type])).toEqual([
      ['测试戊', 'individual'],
      ['测试己', 'individual'],
    ]);
    expect(records[0]!.designations[0]).toMatchObject({ list: 'CN-TAO', since: '2026-03-10', authority: '国务院台湾事务办公室' });
  });

  it('gives zero records, not an error, for a notice that lists nobody, with a warning naming the file', () => {
    const none = parse([fixture('no-entities.txt')]);
    expect(none).toEqual([]);
    expect(parseWarnings(none)).toEqual([expect.stringMatching(/^no-entities\.txt: a notice on CN-.* that opens an investigation \(.*测试丁公司.*\), not a listing/)]);
    expect(parseWarnings(parse([fixture('ecwl-add.txt'), fixture('ecwl-remove.txt')]))).toEqual([]);
  });

  it('refuses text that is not a notice, saying why', () => {
    expect(() => parse([fixture('garbage.txt')])).toThrow(ParseError);
    expect(() => parse([fixture('garbage.txt')])).toThrow(/garbage\.txt: .*no 【发布单位】 header and no recognizable list/);
    expect(() => parse([fixture('no-list.txt')])).toThrow(/no-list\.txt: no recognizable list/);
    // one bad file spoils the folder (the refresh quarantines it rather than dropping records)
    expect(() => parse([fixture('ecwl-add.txt'), fixture('garbage.txt')])).toThrow(ParseError);
  });

  it('in a discovered set, turns a page that is not a notice into a warning naming it, and reads the rest', () => {
    const discovered = (documents: FetchedDocument[]) =>
      parseCnNotices(input({ format: 'cn-notices', location: 'https://www.mofcom.gov.cn/', discover: { indexes: ['https://www.mofcom.gov.cn/x/index.html'] } }, documents));
    const url = 'https://www.mofcom.gov.cn/zwgk/zcfb/art/2025/art_0000000000000000000000000000garb.html';
    const records = discovered([fixture('ecwl-add.txt'), fixture('garbage.txt', url), fixture('no-list.txt', `${url}?2`)]);
    expect(records.length).toBeGreaterThan(0);
    const warnings = parseWarnings(records);
    expect(warnings).toEqual([
      expect.stringMatching(/^https:\/\/www\.mofcom\.gov\.cn\/.*garb\.html: not an official notice: .*not read/),
      expect.stringMatching(/garb\.html\?2: no recognizable list .*not read/),
    ]);
    // nothing in the set is a notice: the snapshot is refused (the refresh quarantines it), saying why
    expect(() => discovered([fixture('garbage.txt', url)])).toThrow(ParseError);
    expect(() => discovered([fixture('garbage.txt', url)])).toThrow(/none of the 1 documents is a notice on a list: .*garb\.html/);
  });

  it('reads a notice published at two official addresses (and in the seed folder) once', () => {
    const text = readFileSync(`${NOTICES_DIR}/unreliable-entity-list/202507.md`, 'utf8').split('\n').slice(1).join('\n');
    const at = (url: string): FetchedDocument => ({ name: url, body: Buffer.from(`${url}\n${text}`) });
    const once = parse([at('https://www.mofcom.gov.cn/zwgk/zcfb/art/2025/art_e4f474d3aeba4672913db1042d845d78.html')]);
    const copies = parse([
      at('https://www.mofcom.gov.cn/zcfb/blgg/gg/2025/art/2025/art_e4f474d3aeba4672913db1042d845d78.html'),
      at('https://www.mofcom.gov.cn/zwgk/zcfb/art/2025/art_e4f474d3aeba4672913db1042d845d78.html'),
      { name: 'unreliable-entity-list/202507.md', body: readFileSync(`${NOTICES_DIR}/unreliable-entity-list/202507.md`) },
    ]);
    expect(copies).toHaveLength(11);
    expect(copies.map((r) => [r.key, r.designations.length])).toEqual(once.map((r) => [r.key, 1]));
  });

  it('decodes a page by the charset it declares when it is not UTF-8 (GB2312 meta, Big5 header)', () => {
    const text = readFileSync(fixturePath('cn-notices/uel-traditional.txt'), 'utf8');
    const html = `<html><head><title>公告</title></head><body><div class="art-con">${text.split('\n').map((l) => `<p>${l}</p>`).join('')}</div></body></html>`;
    const big5 = parse([{ name: 'https://www.mofcom.gov.cn/art/2025/art_big5.html', body: iconv.encode(html, 'big5'), contentType: 'text/html; charset=big5' }]);
    expect(big5.map((r) => r.name)).toEqual(parse([fixture('uel-traditional.txt')]).map((r) => r.name));
  });

  it('puts 关注名单 on CN-MOFCOM-ECWL and resolves a later 移出 against it', () => {
    const records = parse([fixture('ecwl-add.txt'), fixture('ecwl-remove.txt')]);
    expect(records).toHaveLength(3);
    for (const r of records) expect(r.designations[0]).toMatchObject({ list: 'CN-MOFCOM-ECWL', since: '2025-10-10', citation: '商务部公告2025年第98号' });
    const beta = records.find((r) => r.name === 'Test Beta LLC')!;
    expect(beta.designations[0]!.history?.map((h) => h.status)).toEqual(['active', 'removed']);
    expect(beta.designations[0]).toMatchObject({ status: 'removed', until: '2026-01-15' });
    expect(records.filter((r) => r.designations[0]!.status === 'active')).toHaveLength(2);
    // alone, the removal page still says who left the list and when
    const alone = parse([fixture('ecwl-remove.txt')]);
    expect(alone).toHaveLength(1);
    expect(alone[0]!.designations[0]).toMatchObject({ status: 'removed', until: '2026-01-15', citation: '商务部公告2026年第5号' });
  });
});
