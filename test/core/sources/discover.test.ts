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

describe('discover: an index that lists nothing', () => {
  it('is a failure, not "nothing new": a block page on the only index fails the source; beside a good index it is a warning', async () => {
    const { createServer } = await import('node:http');
    const { join } = await import('node:path');
    const { fetchDiscovering } = await import('../../../src/core/sources/discover');
    const { LINK_READERS } = await import('../../../src/core/sources/link-readers');
    const { DocumentArchive } = await import('../../../src/core/store/documents');
    const { openStore } = await import('../../../src/core/reindex');
    const { tempDir } = await import('../../helpers/tmp');
    const server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      if (req.url === '/blocked.html') res.end('<html><body><p>访问验证 Please enable JavaScript</p></body></html>');
      else if (req.url === '/index.html') res.end('<html><body><ul><li><a href="/art/2026/art_abc123.html">关于将某公司列入不可靠实体清单的公告</a> <span>2026-11-20</span></li></ul></body></html>');
      else res.end('<html><body><div class="article">不可靠实体清单工作机制公告</div></body></html>');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const db = openStore(join(tempDir(), 'discover.db'));
    const options = { archive: new DocumentArchive(db), now: () => new Date(), readers: LINK_READERS };
    const source = (indexes: string[]) => ({ id: 'cn', format: 'cn-notices' as const, location: indexes[0]!, discover: { indexes } });
    try {
      await expect(fetchDiscovering(source([`${base}/blocked.html`]), undefined, options)).rejects.toThrow(/the index lists no document/);
      const r = await fetchDiscovering(source([`${base}/blocked.html`, `${base}/index.html`]), undefined, options);
      expect(r.status).toBe('ok');
      expect(r.discovery!.warnings[0]).toMatch(/index not read: .*blocked\.html: the index lists no document/);
      expect(r.discovery!.found).toBe(1);
    } finally {
      db.close();
      server.close();
    }
  });
});
