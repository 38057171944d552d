/**
 * chat.postMessage as JSON (post-json.ts): every way a post can fail comes back as what deliveryFailure reads from
 * the WebClient, against a real HTTP server on loopback.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonPostMessage } from '../../../src/bots/slack/post-json';
import { deliveryFailure } from '../../../src/bots/slack/sink';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
let handler: Handler = (_req, res) => res.end();
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (d: Buffer) => (body += d));
  req.on('end', () => handler(req, res, body));
});
let url = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const post = (timeoutMs = 2000) => jsonPostMessage({ token: 'xoxb-test', apiUrl: url, timeoutMs })({ channel: 'C1', text: 'hi', metadata: { event_type: 'e', event_payload: { key: 'k' } } });
const failure = async (timeoutMs?: number) => deliveryFailure(await post(timeoutMs).then(() => undefined, (err: unknown) => err));

describe('chat.postMessage as JSON', () => {
  it('posts the arguments as JSON with the token as a Bearer header, and returns the answer', async () => {
    let seen: { auth?: string; type?: string; body?: unknown; path?: string } = {};
    handler = (req, res, body) => {
      seen = { auth: req.headers.authorization, type: req.headers['content-type'], body: JSON.parse(body), path: req.url };
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ok: true, ts: '1700000000.000100', channel: 'C1' }));
    };
    expect(await post()).toMatchObject({ ok: true, ts: '1700000000.000100' });
    expect(seen).toEqual({ auth: 'Bearer xoxb-test', type: 'application/json; charset=utf-8', body: { channel: 'C1', text: 'hi', metadata: { event_type: 'e', event_payload: { key: 'k' } } }, path: '/api/chat.postMessage' });
  });

  it('a 429 with Retry-After is a rate limit for that long; without a usable one, a plain failure', async () => {
    handler = (_req, res) => res.writeHead(429, { 'retry-after': '3' }).end();
    expect(await failure()).toEqual({ ok: false, permanent: false, reason: 'rate limited', retryAfterMs: 3000 });
    for (const header of [undefined, '', 'Wed, 21 Oct 2026 07:28:00 GMT']) {
      handler = (_req, res) => res.writeHead(429, header === undefined ? {} : { 'retry-after': header }).end();
      const f = await failure();
      expect(f, String(header)).toMatchObject({ ok: false, permanent: false, reason: 'HTTP 429 without a Retry-After' });
      expect(f.retryAfterMs).toBeUndefined();
    }
  });

  it('a platform error keeps its code (permanent or not), an HTTP error is transient', async () => {
    handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: 'channel_not_found' }));
    expect(await failure()).toEqual({ ok: false, permanent: true, reason: 'channel_not_found' });
    handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: 'ratelimited' }));
    expect(await failure()).toMatchObject({ ok: false, permanent: false, reason: 'ratelimited' });
    handler = (_req, res) => res.writeHead(503).end('busy');
    expect(await failure()).toEqual({ ok: false, permanent: false, reason: 'HTTP 503' });
  });

  it('no answer in time, or an answer that is not JSON, is unanswered: the worker looks before sending again', async () => {
    handler = () => undefined; // never answers
    expect(await failure(200)).toEqual({ ok: false, permanent: false, reason: 'network: timeout', unanswered: true });
    handler = (_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>oops</html>');
    expect(await failure()).toMatchObject({ ok: false, permanent: false, unanswered: true });
  });
});
