import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RefreshScheduler } from '../../../src/core/alerts/scheduler';
import { startHealthServer } from '../../../src/core/ops/health-server';
import { metrics } from '../../../src/core/ops/metrics';
import { refreshSources } from '../../../src/core/refresh';
import { loadSourcesFile } from '../../../src/core/sources/config';
import { openDb } from '../../../src/core/store/db';
import { SOURCES_DIR } from '../../helpers/shared';
import { tempDir } from '../../helpers/tmp';

describe('health endpoint and metrics', () => {
  const dir = tempDir();

  it('serves /healthz with database, sources, next runs and outbox backlog, and /metrics in Prometheus text', async () => {
    const db = openDb(join(dir, 'h.db'));
    await refreshSources(db, loadSourcesFile(join(SOURCES_DIR, 'timeline-t0.json')));
    const scheduler = new RefreshScheduler({ defaultCron: '0 3 * * *', run: async () => {} });
    scheduler.start(loadSourcesFile(join(SOURCES_DIR, 'timeline-t0.json')));
    metrics.refreshes.inc({ source: 'us-ofac-sdn', outcome: 'applied' });
    metrics.lookupSeconds.observe(0.0015);
    const { server, port } = await startHealthServer(0, { db: () => db, nextRuns: () => scheduler.nextRuns() });
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { ok: boolean; sources: Array<{ id: string; status: string; next_run: string }>; outbox: { pending: number } };
      expect(body.ok).toBe(true);
      expect(body.sources.map((s) => [s.id, s.status])).toEqual([['cn-lists', 'ok'], ['us-ofac-sdn', 'ok']]);
      expect(body.sources[0]!.next_run).toMatch(/T03:00:00/);
      expect(body.outbox).toEqual({ pending: 0, failed: 0, oldest: null });
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(text).toContain('sanctions_refreshes_total{outcome="applied",source="us-ofac-sdn"} 1');
      expect(text).toContain('sanctions_lookup_duration_seconds_bucket{le="0.002"} 1');
      expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).toBe(404);
      db.prepare("UPDATE sources SET status = 'quarantined' WHERE id = 'cn-lists'").run();
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(503);
    } finally {
      server.close();
      await scheduler.stop();
      db.close();
    }
  });

  it('groups sources by cron and never starts a source twice while it runs', async () => {
    let runs = 0;
    let release!: () => void;
    const blocked = new Promise<void>((r) => (release = r));
    const scheduler = new RefreshScheduler({
      defaultCron: '* * * * * *',
      jitterMs: 1,
      run: async () => {
        runs++;
        await blocked;
      },
    });
    scheduler.start([
      { id: 'a', format: 'csl-csv', location: 'x' },
      { id: 'b', format: 'csl-csv', location: 'y', cron: '0 0 1 1 *' },
    ]);
    await new Promise((r) => setTimeout(r, 2600));
    expect(runs).toBe(1);
    expect([...scheduler.nextRuns().keys()].sort()).toEqual(['a', 'b']);
    release();
    await scheduler.stop();
  });
});
