// Which code bin/*.js run: the compiled bundle in dist/ (built by `npm ci` / `npm run build`) when it is
// newer than every file under src/, else the TypeScript sources through tsx (development: an edit takes
// effect without a build). SANCTIONS_FROM_SOURCE=1 always runs the sources.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function buildIsCurrent() {
  if (process.env.SANCTIONS_FROM_SOURCE === '1') return false;
  const stamp = join(root, 'dist', 'BUILD');
  if (!existsSync(stamp)) return false;
  return statSync(stamp).mtimeMs >= newestSource(join(root, 'src'));
}

/** Import an entry point: dist/<name>.js when current, else src/<source> through tsx. */
export async function loadEntry(name, source) {
  if (buildIsCurrent()) return import(pathToFileURL(join(root, 'dist', `${name}.js`)).href);
  const { register } = await import('tsx/esm/api');
  register();
  return import(pathToFileURL(join(root, 'src', source)).href);
}
