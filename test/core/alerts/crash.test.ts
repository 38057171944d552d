import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SubscriptionStore } from '../../../src/core/alerts/subscriptions';
import { refreshSources } from '../../../src/core/refresh';
import { loadSourcesFile } from '../../../src/core/sources/config';
import { openDb } from '../../../src/core/store/db';
import { REPO_ROOT, SOURCES_DIR } from '../../helpers/shared';
import { tempDir } from '../../helpers/tmp';

const CHANNELS = 30;

describe('delivery across a crash', () => {
  const dir = tempDir();

  it('a process killed (SIGKILL) in the middle of a batch, restarted, delivers every remaining alert exactly once', async () => {
    const path = join(dir, 'crash.db');
    const db = openDb(path);
    await refreshSources(db, loadSourcesFile(join(SOURCES_DIR, 'timeline-t0.json')));
    const subs = new SubscriptionStore(db);
    for (let i = 0; i < CHANNELS; i++) subs.subscribe({ platform: 'slack', channel: `C${i}`, targets: ['all'], kinds: ['added', 'removed', 'changed', 'suspended'], countries: [], health: false });
    await refreshSources(db, loadSourcesFile(join(SOURCES_DIR, 'timeline-t1.json')));
    db.close();

    // The fake platform: a message counts as delivered when it answers 200. On the 10th request it answers
    // nothing: the test kills the sender while that request is in flight.
    const delivered: string[] = [];
    const keys = new Set<string>();
    let requests = 0;
    let hold: (() => void) | undefined;
    const held = new Promise<void>((resolve) => (hold = resolve));
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      if (req.method === 'GET') {
        const key = new URL(req.url!, 'http://x').searchParams.get('key')!;
        res.writeHead(200).end(JSON.stringify({ seen: keys.has(key) }));
        return;
      }
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        requests++;
        if (requests === 10 && hold) {
          hold();
          hold = undefined;
          return; // never answered
        }
        const message = JSON.parse(body) as { channel: string; key: string };
        delivered.push(message.channel);
        keys.add(message.key);
        res.writeHead(200).end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/post`;
    const run = () => {
      const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/run.js'), join(REPO_ROOT, 'test/fixtures/alerts/deliver.ts')], {
        env: { ...process.env, DB: path, SINK_URL: url },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('exit', (code, signal) => r({ code, signal })));
      return { child, exited };
    };

    const first = run();
    await held;
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(delivered.length).toBeGreaterThan(0);
    expect(delivered.length).toBeLessThan(CHANNELS);

    const second = run();
    expect((await second.exited).code).toBe(0);
    server.close();

    const counts = new Map<string, number>();
    for (const c of delivered) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(CHANNELS);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    const check = openDb(path, { readonly: true });
    expect(check.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM outbox WHERE state = 'delivered'").get()!.n).toBe(CHANNELS);
    expect(check.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM deliveries').get()!.n).toBe(CHANNELS * 312);
    check.close();
  }, 180_000);
});
