/** Where the shared real data lives: ../shared beside the repository (SANCTIONS_SHARED overrides). */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const SHARED = resolve(process.env.SANCTIONS_SHARED ?? resolve(REPO_ROOT, '../shared'));
export const RAW = resolve(SHARED, 'data/raw');
export const SOURCES_DIR = resolve(SHARED, 'data/sources');

if (!existsSync(RAW)) {
  throw new Error(`the shared real data is missing: expected ${RAW} (clone the repo beside ../shared or set SANCTIONS_SHARED)`);
}

export function rawPath(relative: string): string {
  return resolve(RAW, relative);
}

export function fixturePath(relative: string): string {
  return resolve(REPO_ROOT, 'test/fixtures', relative);
}
