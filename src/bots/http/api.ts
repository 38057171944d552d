/**
 * The HTTP API beside the bots (off unless API_PORT is set), for screening tools, ticketing and ERP hooks:
 *
 *   GET  /v1/lookup?q=&list=&side=&limit=&page=&review=   one lookup, the JSON of `sanctions lookup --json`
 *   POST /v1/batch                                         JSON lines in, one lookup response per line out
 *   GET  /v1/lists                                         the lines of `sanctions lists --json`, as an array
 *   GET  /v1/events?since=&limit=                          the lines of `sanctions events --json`, as an array
 *   GET  /v1/openapi.json                                  this API described (OpenAPI 3.1)
 *
 * With API_KEY set every /v1 route but the description needs `Authorization: Bearer KEY` (or `X-API-Key`),
 * compared in constant time. Bodies are limited (API_MAX_BODY_BYTES, lines per batch); an answer never says
 * "no match" without data: with no list data loaded, lookups answer 503 with the reason, as the CLI exits 3.
 * A batch is answered as it is read, and yields the event loop between lines, so one large batch does not
 * hold up other requests or the chat bots in the same process.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { auditLookup, type SharedAuditStore } from '../../core/audit-target';
import { listSummaries } from '../../core/catalog';
import { eventJson, licenceOfSources, listJson } from '../../core/contract-json';
import { hasListData, onlyDemoData } from '../../core/coverage';
import type { DataHandle } from '../../core/dataset';
import { lookup, lookupMatches, type LookupOptions, type LookupResponse } from '../../core/lookup';
import { LookupAnswerCache, matchesJson } from '../../core/lookup-answers';
import { LookupParams, lookupOptions, readQuery } from '../../core/lookup-params';
import { EventStore } from '../../core/store/events';
import { SourceStore } from '../../core/store/sources';
import { openApiDocument } from './openapi';
import { LookupPool } from './lookup-pool';

export interface ApiOptions {
  data: () => DataHandle;
  port: number;
  host?: string;
  apiKey?: string;
  /** Largest request body accepted (default 1 MiB). */
  maxBodyBytes?: number;
  /** Most lines one batch may hold (default 5,000). */
  maxBatchLines?: number;
  audit?: boolean;
  /** Most bytes of serialised matches kept for names asked again (lookup-answers.ts); 0 keeps none. */
  answerCacheBytes?: number;
  /** Worker threads for lookups (lookup-pool.ts); 0: lookups on the server's own thread. Default 1. */
  lookupThreads?: number;
  /** The shared store (DATABASE_URL): lookups are audited in its trail instead of the local database's. */
  shared?: SharedAuditStore;
}

export const DEFAULT_LOOKUP_THREADS = 1;

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
export const DEFAULT_MAX_BATCH_LINES = 5000;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const sha = (s: string) => createHash('sha256').update(s).digest();

/** The key a request presents matches API_KEY (constant time, whatever the lengths). */
function authorised(req: IncomingMessage, key: string | undefined): boolean {
  if (!key) return true;
  const header = req.headers.authorization;
  const given = (header?.match(/^Bearer\s+(.+)$/i)?.[1] ?? (req.headers['x-api-key'] as string | undefined) ?? '').trim();
  return timingSafeEqual(sha(given), sha(key)) && given.length > 0;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendJson(res, status, JSON.stringify(body), headers);
}

/** An answer serialised already. */
function sendJson(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function readBody(req: IncomingMessage, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > max) {
      reject(new HttpError(413, `request body of ${declared} bytes is over the limit of ${max} bytes; split the batch`));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        reject(new HttpError(413, `request body is over the limit of ${max} bytes; split the batch`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** One line of a batch: a JSON string (the name) or an object {q, list?, side?, limit?, page?}. */
const BatchLine = z.union([
  z.string(),
  z.object({ q: z.string(), list: z.union([z.string(), z.array(z.string())]).optional(), side: z.string().optional(), limit: z.number().optional(), page: z.number().optional() }).strict(),
]);

function issues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'line'}: ${i.message}`).join('; ');
}

/** `lists --json`'s objects, each with its sources' licence where one is named. */
function listsJson(db: DataHandle['db']): Record<string, unknown>[] {
  const licences = new SourceStore(db).licences();
  return listSummaries(db, { all: true }).map((s) => listJson(s, licenceOfSources(licences, s.sources)));
}

export interface ApiServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

export async function startApiServer(options: ApiOptions): Promise<ApiServer> {
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxLines = options.maxBatchLines ?? DEFAULT_MAX_BATCH_LINES;

  /** The database to screen from, or the reason there is none (as the CLI's exit 3). */
  const screeningDb = () => {
    const handle = options.data();
    if (handle.seed || !hasListData(handle.db)) {
      throw new HttpError(
        503,
        onlyDemoData(handle.db) || handle.seed
          ? 'no list data loaded: only the bundled demo seed is loaded, which is not screening data; refresh the lists first (npx sanctions refresh)'
          : 'no list data loaded: the database holds no list (never refreshed, or every source failed); refresh the lists first (npx sanctions refresh)',
      );
    }
    return handle.db;
  };

  // Lookups on worker threads, each with its own read-only handle on the database file (none for a database in
  // memory: a thread could not open it). Made on the first lookup, and again if the database file changes.
  let pool: { path: string; pool: LookupPool } | undefined;
  const threads = options.lookupThreads ?? DEFAULT_LOOKUP_THREADS;
  const poolFor = (db: DataHandle['db']): LookupPool | undefined => {
    if (threads <= 0 || db.memory || !db.name || db.name === ':memory:') return undefined;
    if (pool?.path !== db.name) {
      void pool?.pool.close();
      pool = { path: db.name, pool: new LookupPool(db.name, threads) };
    }
    return pool.pool;
  };

  // Answers to names asked before, per dataset version (lookup-answers.ts): the coverage is read for each.
  const answers = new LookupAnswerCache(options.answerCacheBytes);

  const audited = (req: IncomingMessage) => ({ platform: 'api', actor: req.socket.remoteAddress ?? 'unknown', place: String(req.headers['user-agent'] ?? '').slice(0, 80) });

  async function lookupRoute(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const q = url.searchParams.get('q') ?? '';
    const parsed = LookupParams.safeParse({
      limit: url.searchParams.get('limit') ?? undefined,
      page: url.searchParams.get('page') ?? undefined,
      list: url.searchParams.getAll('list').join(',') || undefined,
      side: url.searchParams.get('side') ?? undefined,
    });
    if (!parsed.success) throw new HttpError(400, issues(parsed.error));
    const review = /^(1|true|yes)$/i.test(url.searchParams.get('review') ?? '');
    const read = readQuery(q, lookupOptions(parsed.data, review));
    if (!('query' in read)) throw new HttpError(400, `q: ${read.problem}`);
    const db = screeningDb();
    const threads = poolFor(db);
    const body = await answers.answerBytes(db, read.query, read.options, () => (threads ? threads.matches(read.query, read.options) : matchesJson(lookupMatches(db, read.query, read.options))));
    if (options.audit) auditLookup({ db, shared: options.shared }, audited(req), JSON.parse(body.toString('utf8')) as LookupResponse);
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
    res.end(body);
  }

  async function batchRoute(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const body = await readBody(req, maxBody);
    const lines = body.replace(/\r\n?/g, '\n').split('\n');
    if (lines.at(-1) === '') lines.pop();
    if (lines.length > maxLines) throw new HttpError(413, `${lines.length} lines is over the limit of ${maxLines} lines per batch; split it`);
    const parsed = LookupParams.safeParse({ limit: url.searchParams.get('limit') ?? undefined, list: url.searchParams.getAll('list').join(',') || undefined, side: url.searchParams.get('side') ?? undefined });
    if (!parsed.success) throw new HttpError(400, issues(parsed.error));
    const base = lookupOptions(parsed.data, false);
    const db = screeningDb();
    res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8' });
    for (let i = 0; i < lines.length; i++) {
      res.write(`${JSON.stringify(batchAnswer(db, lines[i]!, i + 1, base, req))}\n`);
      // Other requests and the bots get the event loop between lines.
      if (i % 20 === 19) await new Promise((r) => setImmediate(r));
      if (res.destroyed) return;
    }
    res.end();
  }

  function batchAnswer(db: ReturnType<typeof screeningDb>, line: string, n: number, base: LookupOptions, req: IncomingMessage): unknown {
    if (!line.trim()) return lookup(db, '', base);
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      return { line: n, error: `line ${n}: not JSON (a JSON string such as "Huawei", or {"q": "Huawei", "side": "us"})` };
    }
    const item = BatchLine.safeParse(json);
    if (!item.success) return { line: n, error: `line ${n}: ${issues(item.error)}` };
    const fields = typeof item.data === 'string' ? { q: item.data } : item.data;
    const params = LookupParams.safeParse({ limit: fields.limit ?? base.limit, list: fields.list ?? base.lists, side: fields.side ?? base.side, page: fields.page });
    if (!params.success) return { line: n, error: `line ${n}: ${issues(params.error)}` };
    const read = readQuery(fields.q, lookupOptions(params.data, false));
    // A line that names nothing is answered as the empty query; one with a bad option is an error, never a clean miss.
    if (!('query' in read) && !read.blank) return { line: n, query: fields.q, error: `line ${n}: ${read.problem}` };
    const response = 'query' in read ? lookup(db, read.query, read.options) : lookup(db, '', base);
    if (options.audit && fields.q.trim()) auditLookup({ db, shared: options.shared }, audited(req), response);
    return response;
  }

  function eventsRoute(res: ServerResponse, url: URL): void {
    const q = z
      .object({ since: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(5000).default(1000) })
      .safeParse({ since: url.searchParams.get('since') ?? undefined, limit: url.searchParams.get('limit') ?? undefined });
    if (!q.success) throw new HttpError(400, issues(q.error));
    const events = new EventStore(options.data().db).list({ sinceId: q.data.since, limit: q.data.limit });
    const last = events.at(-1)?.id ?? q.data.since;
    send(res, 200, events.map(eventJson), { 'x-next-since': String(last) });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://api.local');
    const route = `${req.method} ${url.pathname.replace(/\/+$/, '')}`;
    if (route === 'GET /v1/openapi.json') return send(res, 200, openApiDocument());
    if (!url.pathname.startsWith('/v1/')) throw new HttpError(404, `no such route: ${url.pathname} (see /v1/openapi.json)`);
    if (!authorised(req, options.apiKey)) throw new HttpError(401, 'missing or wrong API key: send Authorization: Bearer <API_KEY>');
    switch (route) {
      case 'GET /v1/lookup':
        return lookupRoute(req, res, url);
      case 'POST /v1/batch':
        return batchRoute(req, res, url);
      case 'GET /v1/lists':
        return send(res, 200, listsJson(options.data().db));
      case 'GET /v1/events':
        return eventsRoute(res, url);
      default: {
        const known = ['/v1/lookup', '/v1/batch', '/v1/lists', '/v1/events'].includes(url.pathname.replace(/\/+$/, ''));
        throw new HttpError(known ? 405 : 404, known ? `${req.method} is not allowed on ${url.pathname}` : `no such route: ${url.pathname} (see /v1/openapi.json)`);
      }
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (err instanceof HttpError) send(res, err.status, { error: err.message }, err.status === 401 ? { 'www-authenticate': 'Bearer' } : {});
      else send(res, 500, { error: `internal error: ${(err as Error).message}` });
    });
  });
  server.requestTimeout = 120_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool?.pool.close();
    },
  };
}
