import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshSource } from '../../src/core/refresh';
import type { SourceConfig } from '../../src/core/sources/config';
import { openDb } from '../../src/core/store/db';
import { EventStore } from '../../src/core/store/events';
import { SourceStore } from '../../src/core/store/sources';
import { tempDir } from '../helpers/tmp';

describe('refresh over http with conditional GET', () => {
  const dir = tempDir();
  const seen: IncomingHttpHeaders[] = [];
  let body = JSON.stringify({ entities: [{ name: 'Alpha Trading Co.', country: 'China', federal_register: '89 FR 1, 1/2/24' }] });
  let etag = '"v1"';
  let server: Server;
  let source: SourceConfig;

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers);
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, { etag });
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', etag });
      res.end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    source = { id: 'http-el', format: 'entities-json', list: 'US-BIS-EL', location: `http://127.0.0.1:${port}/el.json` };
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('stores the first snapshot, answers a 304 without parsing, and diffs a new version', async () => {
    const db = openDb(join(dir, 'http.db'));
    const first = await refreshSource(db, source);
    expect(first).toMatchObject({ outcome: 'applied', baseline: true, records: 1 });
    expect(seen[0]!['if-none-match']).toBeUndefined();

    const second = await refreshSource(db, source);
    expect(second.outcome).toBe('not-modified');
    expect(seen[1]!['if-none-match']).toBe('"v1"');

    body = JSON.stringify({ entities: [{ name: 'Alpha Trading Co.', country: 'China', federal_register: '89 FR 1, 1/2/24' }, { name: 'Beta Optics Ltd.', country: 'Hong Kong', federal_register: '90 FR 7, 3/4/25' }] });
    etag = '"v2"';
    const third = await refreshSource(db, source);
    expect(third).toMatchObject({ outcome: 'applied', baseline: false, added: 1, records: 2 });
    expect(new EventStore(db).list().map((e) => [e.kind, e.list, e.name])).toEqual([['added', 'US-BIS-EL', 'Beta Optics Ltd.']]);
    expect(new SourceStore(db).get('http-el')).toMatchObject({ status: 'ok', record_count: 2 });
    db.close();
  });

  it('marks the source failed when the server is gone, keeping the data', async () => {
    const db = openDb(join(dir, 'gone.db'));
    await refreshSource(db, source);
    const gone = { ...source, location: 'http://127.0.0.1:9/el.json', timeout_ms: 2000 };
    const result = await refreshSource(db, gone);
    expect(result.outcome).toBe('failed');
    expect(result.message).toMatch(/^fetch http:\/\/127\.0\.0\.1:9\/el\.json: /);
    expect(new SourceStore(db).get('http-el')).toMatchObject({ status: 'failed', record_count: 2 });
    db.close();
  });
});
