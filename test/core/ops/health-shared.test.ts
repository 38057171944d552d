/**
 * /healthz in PostgreSQL mode when the shared store does not answer: "down" (503) with what failed, never an empty
 * backlog that looks healthy; whether the server refuses the connection or does not answer at all.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startHealthServer } from '../../../src/core/ops/health-server';
import { refreshSources } from '../../../src/core/refresh';
import { PostgresSharedStore } from '../../../src/core/shared/postgres';
import type { SharedOutbox } from '../../../src/core/shared/types';
import { loadSourcesFile } from '../../../src/core/sources/config';
import { openDb } from '../../../src/core/store/db';
import { SOURCES_DIR } from '../../helpers/shared';
import { tempDir } from '../../helpers/tmp';

describe('/healthz on a shared store that does not answer', () => {
  const dir = tempDir('sanctions-health-shared-');

  it('is down (503) when PostgreSQL refuses the connection or never answers, with the sources of the local copy still fine', async () => {
    const db = openDb(join(dir, 'copy.db'));
    await refreshSources(db, loadSourcesFile(join(SOURCES_DIR, 'timeline-t0.json')));
    // Port 1: nothing listens there.
    const refused = PostgresSharedStore.open('postgres://bot:secret@127.0.0.1:1/sanctions', { max: 1 });
    const silent: Pick<SharedOutbox, 'backlog' | 'failedSummary'> = { backlog: () => new Promise(() => {}), failedSummary: () => new Promise(() => {}) };
    const servers = [await startHealthServer(0, { db: () => db, sharedOutbox: () => refused.outbox }), await startHealthServer(0, { db: () => db, sharedOutbox: () => silent, sharedTimeoutMs: 200 })];
    try {
      const answers = await Promise.all(servers.map(async ({ port }) => {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        return { code: res.status, body: (await res.json()) as { ok: boolean; status: string; problems: string[]; outbox?: unknown } };
      }));
      for (const { code, body } of answers) {
        expect(code).toBe(503);
        expect(body).toMatchObject({ ok: false, status: 'down' });
        expect(body.outbox).toBeUndefined();
      }
      expect(answers[0]!.body.problems.join()).toMatch(/^database: shared store \(PostgreSQL\): .*(ECONNREFUSED|connect)/);
      expect(answers[0]!.body.problems.join()).not.toContain('secret');
      expect(answers[1]!.body.problems).toEqual(['database: shared store (PostgreSQL): no answer within 200 ms']);
    } finally {
      for (const s of servers) s.server.close();
      await refused.close();
      db.close();
    }
  });
});
