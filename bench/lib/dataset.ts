import { copyFileSync, rmSync } from 'node:fs';
/** Where things are, and loading a dataset the project's own way (refreshSources), for the eval and the bench. */
import { resolve } from 'node:path';
import { projectRoot } from '../../src/core/paths';
import { performance } from 'node:perf_hooks';
import { refreshSources, type SourceRefreshResult } from '../../src/core/refresh';
import type { SourceConfig } from '../../src/core/sources/config';
import { openDb, type Db } from '../../src/core/store/db';

/**
 * The repository root, found by walking up to package.json (so that a bench bundled by scripts/bench-bundled.mjs
 * finds it too); the shared data is cloned beside it as ../shared.
 */
export const REPO_ROOT = projectRoot();
export const SHARED = resolve(process.env.SANCTIONS_SHARED ?? resolve(REPO_ROOT, '../shared'));
export const DEFAULT_CASES = resolve(SHARED, 'eval/public.jsonl');
export const DEFAULT_SOURCES = resolve(SHARED, 'data/sources/current.json');

export function repoPath(...parts: string[]): string {
  return resolve(REPO_ROOT, ...parts);
}

export interface LoadReport {
  results: SourceRefreshResult[];
  ms: number;
  /** Sources that were failed or quarantined: their data (if any) is the previous snapshot. */
  bad: SourceRefreshResult[];
}

/**
 * Refresh `sources` into the database at `path` (created and migrated if needed). A source unchanged since
 * the last refresh of that database is not parsed again, so a second run costs little.
 */
export async function loadDataset(path: string, sources: SourceConfig[], log: (line: string) => void = () => {}): Promise<LoadReport> {
  const db = openDb(path);
  try {
    const started = performance.now();
    const results = await refreshSources(db, sources, {
      onResult: (r) => log(`  ${r.source}: ${r.outcome}, ${r.records} records${r.message ? ` (${r.message})` : ''} in ${(r.ms / 1000).toFixed(1)}s`),
    });
    const ms = performance.now() - started;
    return { results, ms, bad: results.filter((r) => r.outcome === 'failed' || r.outcome === 'quarantined') };
  } finally {
    db.close();
  }
}

export interface Counts {
  records: number;
  names: number;
}

export function counts(db: Db): Counts {
  const count = (table: 'records' | 'names') => db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).get()!.n;
  return { records: count('records'), names: count('names') };
}

/** Copy a database file whole (its WAL checkpointed first), replacing the target and its WAL files. */
export function checkpointAndCopy(from: string, to: string): void {
  const db = openDb(from);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${to}${suffix}`, { force: true });
  copyFileSync(from, to);
}
