import { describe, expect, it } from 'vitest';
import { expandIndexes } from '../../../src/core/sources/discover';

describe('discover: index addresses', () => {
  const yearly = 'https://www.mofcom.gov.cn/zcfb/blgg/gg/{year}/index.html';

  it('reads a {year} index for the current year, and in January for the year before too', () => {
    expect(expandIndexes([yearly, 'https://www.mfa.gov.cn/x/'], new Date('2026-03-20T00:00:00Z'))).toEqual([
      'https://www.mofcom.gov.cn/zcfb/blgg/gg/2026/index.html',
      'https://www.mfa.gov.cn/x/',
    ]);
    expect(expandIndexes([yearly], new Date('2027-01-02T00:00:00Z'))).toEqual([
      'https://www.mofcom.gov.cn/zcfb/blgg/gg/2026/index.html',
      'https://www.mofcom.gov.cn/zcfb/blgg/gg/2027/index.html',
    ]);
  });

  it('reads each address once', () => {
    expect(expandIndexes(['https://a.gov.cn/i.html', 'https://a.gov.cn/i.html'], new Date('2026-05-01T00:00:00Z'))).toEqual(['https://a.gov.cn/i.html']);
  });
});
