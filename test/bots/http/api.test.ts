/**
 * The HTTP API on the real current dataset (built once by global-setup), over loopback: the CLI's JSON, the
 * API key, limits, and never a false "no match" when no list data is loaded.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApiServer, type ApiServer } from '../../../src/bots/http/api';
import { openStore } from '../../../src/core/reindex';
import { currentDb } from '../../helpers/current';
import { REPO_ROOT } from '../../helpers/shared';
import { tempDir } from '../../helpers/tmp';


const KEY = 'k'.repeat(8) + '-test-api-key';

describe('HTTP API on the current dataset', () => {
  const db = currentDb();
  let api: ApiServer;
  let base: string;
  beforeAll(async () => {
    api = await startApiServer({ data: () => ({ db, seed: false }), port: 0, apiKey: KEY, maxBodyBytes: 4096, maxBatchLines: 50 });
    base = `http://127.0.0.1:${api.port}`;
  });
  afterAll(() => api.close());
  const get = (path: string, key: string | null = KEY) => fetch(`${base}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });

  it('GET /v1/lookup answers exactly what `sanctions lookup --json` prints for the same query', async () => {
    const res = await get('/v1/lookup?q=Hikvision&side=us');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { results: { name: string; designations: { list: string }[] }[]; searched: { list: string }[] };
    const cli = JSON.parse(
      execFileSync(process.execPath, [join(REPO_ROOT, 'bin/sanctions.js'), 'lookup', '--json', '--side', 'us', '--db', inject('currentDb'), 'Hikvision'], { encoding: 'utf8' }),
    ) as typeof body;
    expect(body.results.map((r) => r.name)).toEqual(cli.results.map((r) => r.name));
    expect(body.results[0]!.designations.map((d) => d.list)).toEqual(cli.results[0]!.designations.map((d) => d.list));
    expect(body.searched.every((l) => l.list.startsWith('US-'))).toBe(true);
  });

  it('asks for the key on every /v1 route but the description', async () => {
    expect((await get('/v1/lookup?q=DJI', null)).status).toBe(401);
    expect((await get('/v1/lists', 'wrong-key-wrong-key')).status).toBe(401);
    const x = await fetch(`${base}/v1/lists`, { headers: { 'x-api-key': KEY } });
    expect(x.status).toBe(200);
    const doc = (await (await get('/v1/openapi.json', null)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/lookup', '/v1/batch', '/v1/lists', '/v1/events']));
  });

  it('names a bad parameter', async () => {
    const res = await get('/v1/lookup?q=DJI&list=US-NOPE');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/list: unknown list code US-NOPE/);
    expect((await get('/v1/lookup?q=')).status).toBe(400);
    expect((await get('/v1/nothing')).status).toBe(404);
  });

  it('POST /v1/batch: JSON lines in, one answer per line out in order, bad lines answered in place', async () => {
    const res = await fetch(`${base}/v1/batch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/x-ndjson' },
      body: '"Hikvision"\n{"q": "海康威视", "side": "us"}\nnot json\n{"q": "DJI", "list": "US-NOPE"}\n"Acme Widgets of Nowhere"\n"Huawei side:eu"\n',
    });
    expect(res.status).toBe(200);
    const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as { query?: string; total?: number; error?: string; searched?: unknown[] });
    expect(lines).toHaveLength(6);
    expect(lines[0]!.total).toBeGreaterThan(0);
    expect(lines[1]!.total).toBeGreaterThan(0);
    expect(lines[2]!.error).toMatch(/line 3: not JSON/);
    expect(lines[3]!.error).toMatch(/line 4: list: unknown list code US-NOPE/);
    // A clean answer still says what it searched.
    expect(lines[4]!.total).toBe(0);
    expect(lines[4]!.searched!.length).toBeGreaterThan(10);
    // A bad option inside the query is an error, never a clean "no match".
    expect(lines[5]).toMatchObject({ line: 6, error: 'line 6: side is us or cn, got "eu"' });
    expect(lines[5]!.total).toBeUndefined();
  });

  it('refuses bodies and batches over the limits', async () => {
    const big = await fetch(`${base}/v1/batch`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` }, body: `"${'x'.repeat(5000)}"\n` });
    expect(big.status).toBe(413);
    const many = await fetch(`${base}/v1/batch`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` }, body: '"a"\n'.repeat(51) });
    expect(many.status).toBe(413);
    expect(((await many.json()) as { error: string }).error).toMatch(/51 lines is over the limit of 50/);
  });

  it('GET /v1/lists and /v1/events carry the CLI objects', async () => {
    const lists = (await (await get('/v1/lists')).json()) as { list: string; active: number }[];
    expect(lists.find((l) => l.list === 'US-BIS-EL')!.active).toBeGreaterThan(1000);
    const events = await get('/v1/events?since=0&limit=5');
    expect(events.status).toBe(200);
    expect(events.headers.get('x-next-since')).toMatch(/^\d+$/);
    expect((await get('/v1/events?since=-1')).status).toBe(400);
  });
});

describe('HTTP API without list data', () => {
  it('answers 503 with the reason, never an empty result', async () => {
    const db = openStore(join(tempDir(), 'empty.db'));
    const api = await startApiServer({ data: () => ({ db, seed: false }), port: 0 });
    try {
      const res = await fetch(`http://127.0.0.1:${api.port}/v1/lookup?q=Huawei`);
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: string }).error).toMatch(/^no list data loaded/);
    } finally {
      await api.close();
      db.close();
    }
  });
});

describe('npm start with API_PORT and no terminal', () => {
  it('serves the API until SIGTERM, then stops cleanly', async () => {
    const { copyFileSync } = await import('node:fs');
    const { startBot } = await import('../../helpers/start-bot');
    const dir = tempDir();
    const dbFile = join(dir, 'current.db');
    copyFileSync(inject('currentDb'), dbFile);
    const bot = startBot({ SANCTIONS_DB: dbFile, API_PORT: '0', API_KEY: KEY }, { stdin: 'ignore' });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        const timer = setInterval(() => {
          const m = /HTTP API on http:\/\/127\.0\.0\.1:(\d+)\/v1\//.exec(bot.out() + bot.err());
          if (m) {
            clearInterval(timer);
            resolve(Number(m[1]));
          }
        }, 50);
        void bot.done.then((r) => reject(new Error(`exited ${r.code}: ${r.out}${r.err}`)));
        setTimeout(() => reject(new Error(`no API after 60 s: ${bot.out()}${bot.err()}`)), 60_000);
      });
      const res = await fetch(`http://127.0.0.1:${port}/v1/lookup?q=DJI`, { headers: { authorization: `Bearer ${KEY}` } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { total: number }).total).toBeGreaterThan(0);
    } finally {
      bot.child.kill('SIGTERM');
    }
    const end = await bot.done;
    expect(end.code).toBe(0);
    expect(end.out + end.err).toMatch(/Stopping\./);
  }, 90_000);
});
