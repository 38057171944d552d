/**
 * /healthz (database, last refresh per source, outbox backlog, messages given up on) and /metrics (Prometheus)
 * on their own port. `status` is "ok", "degraded" (the bot runs, but something needs a person: a source
 * quarantined or failing, alert messages that could not be delivered; `problems` says what), or "down" (the
 * database cannot be read). Anything but "ok" answers 503.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { failedSummary } from '../alerts/failed';
import { outboxBacklog } from '../alerts/outbox';
import type { SharedOutbox } from '../shared/types';
import type { Db } from '../store/db';
import { SourceStore } from '../store/sources';
import { metrics } from './metrics';
// The shared store's answers are bounded: a network that drops packets must not hold /healthz up.
import { withTimeout } from './timeout';

export interface HealthOptions {
  db: () => Db;
  nextRuns?: () => Map<string, string>;
  seed?: () => boolean;
  /**
   * PostgreSQL mode (DATABASE_URL): the outbox is the shared store's, so its backlog and failed messages are read
   * there (the sources stay this process's copy's). A shared store that does not answer within `sharedTimeoutMs`
   * (default 5 s) is "down".
   */
  sharedOutbox?: () => Pick<SharedOutbox, 'backlog' | 'failedSummary'>;
  sharedTimeoutMs?: number;
}

export async function health(options: HealthOptions): Promise<{ ok: boolean; body: Record<string, unknown> }> {
  try {
    const db = options.db();
    db.prepare('SELECT 1').get();
    const next = options.nextRuns?.() ?? new Map<string, string>();
    const sources = new SourceStore(db).all().map((s) => ({
      id: s.id,
      status: s.status,
      records: s.record_count,
      last_success: s.last_success_at,
      last_attempt: s.last_attempt_at,
      next_run: next.get(s.id) ?? null,
      error: s.last_error,
    }));
    const shared = options.sharedOutbox?.();
    const ms = options.sharedTimeoutMs ?? 5_000;
    const [backlog, failed] = shared
      ? await withTimeout(Promise.all([shared.backlog(), shared.failedSummary()]), ms).catch((err: Error & { code?: string }) => {
          throw new Error(`shared store (PostgreSQL): ${err.message || err.code || String(err)}`);
        })
      : [outboxBacklog(db), failedSummary(db)];
    const problems: string[] = [];
    if (!sources.length) problems.push('no source has been refreshed yet');
    for (const s of sources) if (s.status !== 'ok' && s.status !== 'new') problems.push(`source ${s.id} ${s.status}${s.error ? `: ${s.error}` : ''}`);
    if (failed.retryable) {
      problems.push(
        `${failed.retryable} alert message(s) to ${failed.platforms.join(', ')} could not be delivered (last error: ${failed.lastError ?? 'unknown'}); "sanctions outbox" lists them`,
      );
    }
    metrics.setOutbox(backlog.pending, failed.retryable);
    const ok = problems.length === 0;
    return { ok, body: { ok, status: ok ? 'ok' : 'degraded', problems, database: 'ok', seed: options.seed?.() ?? false, sources, outbox: backlog } };
  } catch (err) {
    return { ok: false, body: { ok: false, status: 'down', problems: [`database: ${(err as Error).message}`], database: (err as Error).message } };
  }
}

export async function startHealthServer(port: number, options: HealthOptions, host = '127.0.0.1'): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    if (req.url === '/healthz') {
      void health(options).then(({ ok, body }) => {
        res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      });
    } else if (req.url === '/metrics') {
      // The outbox gauges come from the database: refresh them first.
      void health(options).then(() => {
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
        res.end(metrics.render());
      });
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found: try /healthz or /metrics\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return { server, port: (server.address() as AddressInfo).port };
}
