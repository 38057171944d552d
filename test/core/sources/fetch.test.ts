import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceConfig } from '../../../src/core/sources/config';
import { FetchError, fetchLocation, fetchSource, type FetchResult } from '../../../src/core/sources/fetch';

const ETAG = '"v1"';
const LAST_MODIFIED = 'Tue, 01 Apr 2025 10:00:00 GMT';
const BODY = 'ent_num,SDN_Name\n1,ACME LTD\n';
/** 300 KB that compress well and differ at every offset. */
const SIZED = Buffer.from(Array.from({ length: 30_000 }, (_, i) => `${String(i).padStart(9, '0')}\n`).join(''));

let server: Server;
let base: string;
const seen: { path: string; headers: IncomingHttpHeaders }[] = [];
let tmp: string;

function conditional(res: ServerResponse, headers: IncomingHttpHeaders, etag: string, body: string, contentType = 'text/csv'): void {
  if (headers['if-none-match'] === etag) {
    res.writeHead(304, { etag });
    res.end();
    return;
  }
  res.writeHead(200, { etag, 'last-modified': LAST_MODIFIED, 'content-type': contentType });
  res.end(body);
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'sanctions-fetch-'));
  server = createServer((req, res) => {
    res.on('error', () => undefined);
    const path = req.url ?? '/';
    seen.push({ path, headers: req.headers });
    switch (path) {
      case '/sdn.csv':
        return conditional(res, req.headers, ETAG, BODY);
      case '/alt.csv':
        return conditional(res, req.headers, '"alt1"', 'alt\n');
      case '/plain':
        res.writeHead(200, { 'content-type': 'text/plain' });
        return void res.end('same every time');
      case '/redirect':
        res.writeHead(302, { location: '/sdn.csv' });
        return void res.end();
      case '/hang':
        return; // never answers
      case '/slow-body':
        res.writeHead(200, { 'content-type': 'text/plain' });
        return void res.write('first part, then nothing');
      case '/sized':
        res.writeHead(200, { 'content-length': String(SIZED.length) });
        return void res.end(SIZED);
      case '/sized-gzip': {
        const zipped = gzipSync(SIZED);
        res.writeHead(200, { 'content-length': String(zipped.length), 'content-encoding': 'gzip' });
        return void res.end(zipped);
      }
      case '/big-length':
        res.writeHead(200, { 'content-length': String(1024 * 1024) });
        return void res.end(Buffer.alloc(1024 * 1024));
      case '/big-chunked': {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        let sent = 0;
        const chunk = Buffer.alloc(16 * 1024, 120);
        const timer = setInterval(() => {
          if (res.destroyed || sent >= 1024 * 1024) {
            clearInterval(timer);
            res.end();
            return;
          }
          res.write(chunk);
          sent += chunk.length;
        }, 1);
        return;
      }
      case '/error':
        res.writeHead(500);
        return void res.end('boom');
      default:
        res.writeHead(404);
        return void res.end('no');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(tmp, { recursive: true, force: true });
});

async function fetchError(promise: Promise<unknown>): Promise<FetchError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FetchError);
  return err as FetchError;
}

function ok(result: FetchResult): Extract<FetchResult, { status: 'ok' }> {
  expect(result.status).toBe('ok');
  return result as Extract<FetchResult, { status: 'ok' }>;
}

describe('fetchLocation over http', () => {
  it('fetches a 200 with its validators, then gets a 304 for them', async () => {
    const url = `${base}/sdn.csv`;
    const first = ok(await fetchLocation(url, {}));
    expect(first.documents).toEqual([{ name: url, body: Buffer.from(BODY), contentType: 'text/csv' }]);
    expect(first.validators).toMatchObject({ etag: ETAG, lastModified: LAST_MODIFIED });
    expect(first.validators.contentHash).toBe(first.contentHash);
    expect(first.bytes).toBe(Buffer.byteLength(BODY));
    expect(seen.at(-1)!.headers['user-agent']).toMatch(/^sanctions-bot\//);

    const second = await fetchLocation(url, { previous: { etag: ETAG, lastModified: LAST_MODIFIED } });
    expect(second).toEqual({ status: 'not-modified', validators: { etag: ETAG, lastModified: LAST_MODIFIED } });
    const headers = seen.at(-1)!.headers;
    expect(headers['if-none-match']).toBe(ETAG);
    expect(headers['if-modified-since']).toBe(LAST_MODIFIED);
  });

  it('reports an unchanged body as not-modified when the server does not answer 304', async () => {
    const first = ok(await fetchLocation(`${base}/plain`, {}));
    const second = await fetchLocation(`${base}/plain`, { previous: first.validators });
    expect(second).toEqual({ status: 'not-modified', validators: { contentHash: first.contentHash } });
  });

  it('follows redirects and names the document after the requested URL', async () => {
    const result = ok(await fetchLocation(`${base}/redirect`, { userAgent: 'test-agent' }));
    expect(result.documents[0]!.name).toBe(`${base}/redirect`);
    expect(result.documents[0]!.body.toString()).toBe(BODY);
    expect(seen.at(-1)!.headers['user-agent']).toBe('test-agent');
  });

  it('times out a server that never answers', async () => {
    const started = Date.now();
    const err = await fetchError(fetchLocation(`${base}/hang`, { timeoutMs: 200 }));
    expect(err.kind).toBe('timeout');
    expect(err.message).toBe(`fetch ${base}/hang: timed out after 200 ms`);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('times out a body that stops arriving', async () => {
    const err = await fetchError(fetchLocation(`${base}/slow-body`, { timeoutMs: 200 }));
    expect(err.kind).toBe('timeout');
  });

  it('reads a body with a Content-Length into one buffer, byte for byte, also when gzip makes it longer than announced', async () => {
    for (const path of ['/sized', '/sized-gzip']) {
      const result = ok(await fetchLocation(`${base}${path}`, {}));
      expect(result.bytes).toBe(SIZED.length);
      expect(result.documents[0]!.body.equals(SIZED)).toBe(true);
    }
  });

  it('rejects a Content-Length over maxBytes', async () => {
    const err = await fetchError(fetchLocation(`${base}/big-length`, { maxBytes: 1000 }));
    expect(err.kind).toBe('too-large');
    expect(err.message).toContain(`${base}/big-length`);
    expect(err.message).toContain('1000');
  });

  it('stops reading a chunked body once it passes maxBytes', async () => {
    const err = await fetchError(fetchLocation(`${base}/big-chunked`, { maxBytes: 50_000 }));
    expect(err.kind).toBe('too-large');
    expect(seen.at(-1)!.path).toBe('/big-chunked');
  });

  it('reports other statuses as http errors naming the status and URL', async () => {
    const err = await fetchError(fetchLocation(`${base}/error`, {}));
    expect(err.kind).toBe('http');
    expect(err.message).toBe(`fetch ${base}/error: HTTP 500 Internal Server Error`);
  });

  it('reports 404 as not-found', async () => {
    const err = await fetchError(fetchLocation(`${base}/missing.csv`, {}));
    expect(err.kind).toBe('not-found');
    expect(err.message).toContain('404');
    expect(err.message).toContain(`${base}/missing.csv`);
  });

  it('reports a refused connection as a network error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const err = await fetchError(fetchLocation(`http://127.0.0.1:${port}/x`, { timeoutMs: 2000 }));
    expect(err.kind).toBe('network');
    expect(err.message).toMatch(new RegExp(`^fetch http://127\\.0\\.0\\.1:${port}/x: .*ECONNREFUSED`));
  });

  it('throws the caller signal reason when cancelled', async () => {
    const controller = new AbortController();
    const promise = fetchLocation(`${base}/hang`, { signal: controller.signal, timeoutMs: 5000 });
    const reason = new Error('shutting down');
    setTimeout(() => controller.abort(reason), 20);
    await expect(promise).rejects.toBe(reason);
  });
});

describe('fetchLocation on files and folders', () => {
  it('reads a file, reports the same hash as not-modified, and a change as ok', async () => {
    const path = join(tmp, 'sdn.csv');
    writeFileSync(path, 'one');
    const first = ok(await fetchLocation(path, {}));
    expect(first.documents).toEqual([{ name: path, body: Buffer.from('one') }]);
    expect(first.validators).toEqual({ contentHash: first.contentHash });
    expect(first.contentHash).toMatch(/^[0-9a-f]{64}$/);

    expect(await fetchLocation(path, { previous: first.validators })).toEqual({ status: 'not-modified', validators: first.validators });

    writeFileSync(path, 'two');
    const third = ok(await fetchLocation(path, { previous: first.validators }));
    expect(third.documents[0]!.body.toString()).toBe('two');
    expect(third.contentHash).not.toBe(first.contentHash);
  });

  it('reports a missing file as not-found naming the path', async () => {
    const path = join(tmp, 'nope.csv');
    const err = await fetchError(fetchLocation(path, {}));
    expect(err.kind).toBe('not-found');
    expect(err.message).toBe(`fetch ${path}: no such file or folder`);
  });

  it('refuses a file over maxBytes', async () => {
    const path = join(tmp, 'big.bin');
    writeFileSync(path, Buffer.alloc(2000));
    const err = await fetchError(fetchLocation(path, { maxBytes: 1000 }));
    expect(err.kind).toBe('too-large');
    expect(err.message).toContain(path);
  });

  it('reads every file below a folder in sorted relative order, skipping dotfiles', async () => {
    const dir = join(tmp, 'notices');
    mkdirSync(join(dir, 'b', 'c'), { recursive: true });
    mkdirSync(join(dir, '.git'), { recursive: true });
    writeFileSync(join(dir, 'z.txt'), 'z');
    writeFileSync(join(dir, 'a.txt'), 'a');
    writeFileSync(join(dir, 'b', 'c', 'deep.txt'), 'deep');
    writeFileSync(join(dir, 'b', 'b.txt'), 'b');
    writeFileSync(join(dir, '.hidden'), 'x');
    writeFileSync(join(dir, '.git', 'HEAD'), 'x');

    const first = ok(await fetchLocation(dir, {}));
    expect(first.documents.map((d) => [d.name, d.body.toString()])).toEqual([
      ['a.txt', 'a'],
      ['b/b.txt', 'b'],
      ['b/c/deep.txt', 'deep'],
      ['z.txt', 'z'],
    ]);
    expect(first.bytes).toBe(7);
    expect((await fetchLocation(dir, { previous: first.validators })).status).toBe('not-modified');

    // A rename with the same bytes is a change.
    rmSync(join(dir, 'z.txt'));
    writeFileSync(join(dir, 'y.txt'), 'z');
    const renamed = ok(await fetchLocation(dir, { previous: first.validators }));
    expect(renamed.contentHash).not.toBe(first.contentHash);
    expect((await fetchError(fetchLocation(dir, { maxBytes: 5 }))).kind).toBe('too-large');
  });
});

describe('fetchSource', () => {
  it('fetches a single location like fetchLocation, with no extras', async () => {
    const source: SourceConfig = { id: 'sdn', format: 'ofac-csv', location: `${base}/sdn.csv` };
    const first = await fetchSource(source);
    expect(first.status).toBe('ok');
    if (first.status !== 'ok') return;
    expect(first.extras).toEqual({});
    expect(first.validators).toEqual({ etag: ETAG, lastModified: LAST_MODIFIED, contentHash: first.contentHash });
    expect((await fetchSource(source, first.validators)).status).toBe('not-modified');
  });

  it('fetches companions and is not-modified only when every part is unchanged', async () => {
    const dir = join(tmp, 'ofac');
    mkdirSync(dir, { recursive: true });
    const add = join(dir, 'add.csv');
    const comments = join(dir, 'sdn_comments.csv');
    writeFileSync(add, 'add v1');
    writeFileSync(comments, 'comments v1');
    const source: SourceConfig = {
      id: 'sdn',
      format: 'ofac-csv',
      location: `${base}/sdn.csv`,
      aliases: `${base}/alt.csv`,
      addresses: add,
      comments,
    };

    const first = await fetchSource(source);
    if (first.status !== 'ok') throw new Error('expected ok');
    expect(first.documents.map((d) => d.name)).toEqual([`${base}/sdn.csv`]);
    expect(first.extras.aliases).toEqual({ name: `${base}/alt.csv`, body: Buffer.from('alt\n'), contentType: 'text/csv' });
    expect(first.extras.addresses?.body.toString()).toBe('add v1');
    expect(first.extras.comments?.name).toBe(comments);
    expect(first.bytes).toBe(Buffer.byteLength(BODY) + 4 + 6 + 11);
    expect(first.validators).toMatchObject({ etag: ETAG, lastModified: LAST_MODIFIED, contentHash: first.contentHash });
    expect(first.validators.parts?.aliases?.etag).toBe('"alt1"');

    const before = seen.length;
    const second = await fetchSource(source, JSON.parse(JSON.stringify(first.validators)));
    expect(second.status).toBe('not-modified');
    expect(second.validators.contentHash).toBe(first.contentHash);
    expect(seen.slice(before).map((s) => s.headers['if-none-match'])).toEqual([ETAG, '"alt1"']);

    writeFileSync(comments, 'comments v2');
    const third = await fetchSource(source, second.validators);
    if (third.status !== 'ok') throw new Error('expected ok');
    expect(third.contentHash).not.toBe(first.contentHash);
    expect(third.documents[0]!.body.toString()).toBe(BODY); // unchanged parts fetched again in full
    expect(third.extras.aliases?.body.toString()).toBe('alt\n');
    expect(third.extras.comments?.body.toString()).toBe('comments v2');

    // Only the combined hash kept (no per-part validators): everything is fetched and compared.
    const flat = await fetchSource(source, { contentHash: third.contentHash });
    expect(flat.status).toBe('not-modified');
  });

  it('passes timeout_ms and max_bytes from the config', async () => {
    const source: SourceConfig = { id: 'big', format: 'csl-csv', location: `${base}/big-length`, max_bytes: 100 };
    expect((await fetchError(fetchSource(source))).kind).toBe('too-large');
    const hanging: SourceConfig = { id: 'hang', format: 'csl-csv', location: `${base}/hang`, timeout_ms: 100 };
    expect((await fetchError(fetchSource(hanging))).message).toBe(`fetch ${base}/hang: timed out after 100 ms`);
  });
});
