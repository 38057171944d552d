import { describe, expect, it } from 'vitest';
import { combineSources, samePage, type SourcedLine } from '../../src/core/designation-sources';
import { historyText } from '../../src/core/designation-history';
import { lineOn, type StatusLine } from '../../src/core/designation-status';

const formats: Record<string, string> = { notices: 'cn-notices', sheet: 'cn-sanctions-csv', other: 'entities-json' };
const formatOf = (s: string) => formats[s];

describe('combineSources: an official notice and a sheet line of one designation make one line', () => {
  it('takes status, dates and 文号 from the notice, and what the notice lacks from the sheet', () => {
    const out = combineSources(
      [
        { list: 'CN-MOFCOM-UEL', status: 'active', since: '2025-04-04', source: 'sheet', url: 'https://www.mofcom.gov.cn/a.html', authority: 'Ministry of Commerce' },
        { list: 'CN-MOFCOM-UEL', status: 'suspended', since: '2025-04-04', until: '2026-11-10', source: 'notices', citation: '〔2025〕7号' },
      ],
      formatOf,
    );
    expect(out).toEqual([
      { list: 'CN-MOFCOM-UEL', status: 'suspended', since: '2025-04-04', until: '2026-11-10', source: 'notices', citation: '〔2025〕7号', url: 'https://www.mofcom.gov.cn/a.html', authority: 'Ministry of Commerce', sources: ['notices', 'sheet'] },
    ]);
  });

  it('matches by the same official page when the days differ, and by the nearest day within a week', () => {
    const out = combineSources<SourcedLine>(
      [
        { list: 'CN-CM', status: 'active', since: '2024-07-31', source: 'sheet', url: 'http://mfa.gov.cn/x/t1.shtml' },
        { list: 'CN-CM', status: 'active', since: '2024-07-12', source: 'notices', url: 'https://www.mfa.gov.cn/x/t1.shtml/' },
        { list: 'CN-MOFCOM-ECL', status: 'active', since: '2025-01-03', source: 'sheet' },
        { list: 'CN-MOFCOM-ECL', status: 'active', since: '2025-01-02', source: 'notices', citation: '第1号' },
      ],
      formatOf,
    );
    expect(out.map((d) => [d.list, d.since, d.sources])).toEqual([
      ['CN-CM', '2024-07-12', ['notices', 'sheet']],
      ['CN-MOFCOM-ECL', '2025-01-02', ['notices', 'sheet']],
    ]);
  });

  it('keeps what only one source has, marked by its source, and never folds two notices or two lists together', () => {
    const lines = [
      { list: 'CN-MOFCOM-UEL', status: 'active', since: '2023-02-16', source: 'sheet' },
      { list: 'CN-MOFCOM-UEL', status: 'active', since: '2025-01-02', source: 'notices', citation: '〔2025〕1号' },
      { list: 'CN-MOFCOM-UEL', status: 'removed', since: '2025-02-04', source: 'notices', citation: '〔2025〕4号' },
      { list: 'CN-CM', status: 'active', since: '2025-01-02', source: 'sheet' },
    ];
    const out = combineSources(lines, formatOf);
    expect(out).toEqual(lines);
  });

  it('leaves lists without an official source as they are (two secondary sources are not combined)', () => {
    const lines = [
      { list: 'US-BIS-EL', status: 'active', since: '2020-01-01', source: 'sheet' },
      { list: 'US-BIS-EL', status: 'active', since: '2020-01-01', source: 'other' },
    ];
    expect(combineSources(lines, formatOf)).toEqual(lines);
  });

  it('samePage ignores scheme, www and trailing slash, not the path', () => {
    expect(samePage('https://www.mofcom.gov.cn/a/b.html', 'http://mofcom.gov.cn/a/b.html/')).toBe(true);
    expect(samePage('https://www.mofcom.gov.cn/a/b.html', 'https://www.mofcom.gov.cn/a/c.html')).toBe(false);
    expect(samePage(undefined, 'x')).toBe(false);
  });
});

describe('lineOn: a designation on a given day', () => {
  const suspended: StatusLine = {
    status: 'suspended' as const,
    until: '2026-11-10',
    history: [
      { status: 'active' as const, from: '2025-04-04', until: '2025-05-14' },
      { status: 'suspended' as const, from: '2025-05-14', until: '2026-11-10' },
    ],
  };

  it('keeps a suspension that runs on that day', () => {
    expect(lineOn(suspended, '2026-11-09')).toBe(suspended);
  });

  it('reads a suspension that has run out as in force again, and says since when', () => {
    const out = lineOn(suspended, '2026-12-01');
    expect(out.status).toBe('active');
    expect(out.until).toBeUndefined();
    expect(out.history!.at(-1)).toEqual({ status: 'active', from: '2026-11-10' });
    expect(out.history).toHaveLength(3);
    expect(suspended.history).toHaveLength(2);
    expect(out.notes).toMatch(/Suspension ended 2026-11-10/);
  });

  it('never changes removed or active designations', () => {
    const removed = { status: 'removed' as const, until: '2025-05-14' };
    expect(lineOn(removed, '2026-12-01')).toBe(removed);
  });
});

describe('historyText: the steps after the listing, in words', () => {
  it('names each suspension with its announcement, and the end of the last one', () => {
    const text = historyText([
      { status: 'active', from: '2025-04-04', until: '2025-05-14', citation: '〔2025〕7号' },
      { status: 'suspended', from: '2025-05-14', until: '2025-08-12', title: '商务部新闻发言人就暂停17家美国实体不可靠实体清单措施答记者问' },
      { status: 'suspended', from: '2025-11-10', until: '2026-11-10', citation: '公告X号' },
      { status: 'active', from: '2026-11-10' },
    ]);
    expect(text).toBe('suspended 2025-05-14 – 2025-08-12 (商务部新闻发言人就暂停17家美国实体不可靠实体清单措施答记者问); suspended 2025-11-10 – 2026-11-10 (公告X号); in force again from 2026-11-10');
    expect(historyText([{ status: 'active', from: '2025-03-04' }, { status: 'removed', from: '2025-11-10' }])).toBe('stopped 2025-11-10');
    expect(historyText([{ status: 'active', from: '2025-03-04' }])).toBeUndefined();
  });
});
