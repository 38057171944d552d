/**
 * Which data the bot answers from: the refreshed database, or (on a first run that could reach no source)
 * the bundled seed, labelled as such on every answer until a real refresh succeeds.
 */
import { existsSync } from 'node:fs';
import { hasListData } from './coverage';
import { projectPath } from './paths';
import { refreshSources, type RefreshOptions, type SourceRefreshResult } from './refresh';
import { loadSourcesFile, type SourceConfig } from './sources/config';
import { openStore } from './reindex';
import type { Db } from './store/db';

export const SEED_SOURCES = projectPath('data/seed/sources.json');

export const SEED_NOTICE =
  'Answering from the bundled seed (a small curated sample, not a screening dataset): no official source could be reached yet. Run "npx sanctions refresh" when the network or a mirror is available.';

export interface DataHandle {
  db: Db;
  /** True while answers come from the bundled seed. */
  seed: boolean;
  notice?: string;
  /** While on the seed: the refreshed database that takes over once a refresh fills it. */
  main?: Db;
}


/** The seed, loaded into a database of its own in memory (the refreshed database is never mixed with it). */
export async function openSeed(path = SEED_SOURCES): Promise<DataHandle> {
  if (!existsSync(path)) throw new Error(`the bundled seed is missing: ${path}`);
  const db = openStore(':memory:');
  const results = await refreshSources(db, loadSourcesFile(path));
  const bad = results.find((r) => r.outcome === 'failed' || r.outcome === 'quarantined');
  if (bad) throw new Error(`the bundled seed could not be loaded: ${bad.message}`);
  return { db, seed: true, notice: SEED_NOTICE };
}

export interface FirstRun {
  handle: DataHandle;
  results: SourceRefreshResult[];
}

/**
 * Open the database; when it holds nothing yet, refresh it from the configured sources first, and fall back
 * to the seed when that brings no data (no network, as on an air-gapped machine).
 */
export async function openData(dbPath: string, sources: SourceConfig[], firstRun: (sourceCount: number) => RefreshOptions = () => ({})): Promise<FirstRun> {
  const db = openStore(dbPath, { check: true });
  if (hasListData(db)) return { handle: { db, seed: false }, results: [] };
  const results = await refreshSources(db, sources, firstRun(sources.length));
  if (hasListData(db)) return { handle: { db, seed: false }, results };
  const seed = await openSeed();
  return { handle: { ...seed, main: db }, results };
}
