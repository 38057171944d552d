/**
 * Where the project's own files are (data/seed, bin/), from any module: the source tree (src/core/...) under
 * tsx, or the compiled bundle (dist/...) that `npm ci` builds. Found by walking up to the folder that holds
 * package.json, so that moving code between the two layouts never breaks a relative path.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The project's root folder (the one with package.json). */
export function projectRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'bin'))) return (root = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the project root (package.json) above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** A path inside the project. */
export function projectPath(...parts: string[]): string {
  return resolve(projectRoot(), ...parts);
}
