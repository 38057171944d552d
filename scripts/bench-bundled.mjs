#!/usr/bin/env node
// Runs a benchmark compiled as the bot runs (one esbuild bundle with the packages of the compiled build, no tsx):
//   node scripts/bench-bundled.mjs bench/alerts.ts [ARGS...]
// For benchmarks that measure the bot's own process (its memory above all): tsx's loader and its source maps
// held ~40 MB of a process that the bot, started from dist/, never carries.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { build } from 'esbuild';
import { BUILD_OPTIONS } from './build-options.mjs';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/bench-bundled.mjs bench/FILE.ts [ARGS...]');
  process.exit(2);
}
const root = join(import.meta.dirname, '..');
const outdir = join(root, 'var', 'bench-build');
mkdirSync(outdir, { recursive: true });
const outfile = join(outdir, `${basename(entry, '.ts')}.mjs`);
await build({
  entryPoints: [join(root, entry)],
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: BUILD_OPTIONS.target,
  external: BUILD_OPTIONS.external,
  outfile,
  logLevel: 'warning',
  // Packages left outside (CommonJS among them) are imported; a bundled CommonJS dependency needs require.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});
const child = spawn(process.execPath, [outfile, ...args], { stdio: 'inherit', cwd: root });
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
