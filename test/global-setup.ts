/**
 * Builds the database of the shared current dataset once per test run, for the tests that read it
 * (lookup, matcher, parties). Each test gets its path through `inject('currentDb')` and opens it read-only.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { refreshSources } from '../src/core/refresh';
import { loadSourcesFile } from '../src/core/sources/config';
import { openDb } from '../src/core/store/db';

declare module 'vitest' {
  export interface ProvidedContext {
    currentDb: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'sanctions-current-'));
  const path = join(dir, 'current.db');
  const shared = resolve(process.env.SANCTIONS_SHARED ?? resolve(import.meta.dirname, '../../shared'));
  const db = openDb(path);
  const results = await refreshSources(db, loadSourcesFile(join(shared, 'data/sources/current.json')));
  db.close();
  const bad = results.filter((r) => r.outcome !== 'applied' && r.outcome !== 'not-modified');
  if (bad.length) throw new Error(`building the current dataset failed: ${bad.map((b) => `${b.source}: ${b.message}`).join('; ')}`);
  project.provide('currentDb', path);
  return () => rmSync(dir, { recursive: true, force: true });
}
