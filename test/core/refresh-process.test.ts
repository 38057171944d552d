import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordLookupSoon } from '../../src/core/audit';
import { lookup } from '../../src/core/lookup';
import { refreshInChild } from '../../src/core/refresh-process/run';
import { openStore } from '../../src/core/reindex';
import { loadSourcesFile } from '../../src/core/sources/config';
import { SOURCES_DIR } from '../helpers/shared';
import { tempDir } from '../helpers/tmp';

describe('refresh off the serving path (issue 11, seen 1)', () => {
  const dir = tempDir();

  it('refreshes in a child process; the serving connection sees the committed data and its events', async () => {
    const path = join(dir, 'child.db');
    const serving = openStore(path);
    const started: string[] = [];
    const t0 = await refreshInChild(path, loadSourcesFile(join(SOURCES_DIR, 'timeline-t0.json')), { onStart: (id) => started.push(id) });
    expect(started).toEqual(['us-ofac-sdn', 'cn-lists']);
    expect(t0.results.map((r) => [r.source, r.outcome, r.baseline])).toEqual([['us-ofac-sdn', 'applied', true], ['cn-lists', 'applied', true]]);
    expect(t0.rssPeakBytes).toBeGreaterThan(0);
    const t1 = await refreshInChild(path, loadSourcesFile(join(SOURCES_DIR, 'timeline-t1.json')));
    expect(t1.results.map((r) => [r.source, r.added])).toEqual([['us-ofac-sdn', 298], ['cn-lists', 14]]);
    expect(serving.prepare('SELECT COUNT(*) AS n FROM events').get()).toEqual({ n: 312 });
    expect(lookup(serving, 'Rheinmetall').results[0]!.name).toBe('Rheinmetall AG');
    serving.close();
  });

  it('reports a failure in the child as an error, not as a result', async () => {
    // The database path is a folder: the child cannot open it.
    await expect(refreshInChild(dir, loadSourcesFile(join(SOURCES_DIR, 'timeline-t0.json')))).rejects.toThrow();
  });

  it('never makes a lookup wait on a refresh\'s write lock to write its audit entry: kept, then written', async () => {
    const path = join(dir, 'audit.db');
    await refreshInChild(path, loadSourcesFile(join(SOURCES_DIR, 'timeline-t0.json')));
    const serving = openStore(path);
    const refresh = openStore(path);
    refresh.exec('BEGIN IMMEDIATE');
    const response = lookup(serving, 'Rheinmetall');
    const started = performance.now();
    recordLookupSoon(serving, { platform: 'slack', actor: 'U1' }, response);
    // With the 5 s busy timeout, a synchronous write would have waited that long.
    expect(performance.now() - started).toBeLessThan(1000);
    expect(serving.prepare('SELECT COUNT(*) AS n FROM audit').get()).toEqual({ n: 0 });
    refresh.exec('ROLLBACK');
    refresh.close();
    await new Promise((r) => setTimeout(r, 600));
    expect(serving.prepare('SELECT query FROM audit').all()).toEqual([{ query: 'Rheinmetall' }]);
    serving.close();
  });
});
