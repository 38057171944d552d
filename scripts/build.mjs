#!/usr/bin/env node
// The compiled build: src/main.ts (npm start), src/cli.ts (the `sanctions` command) and the refresh child,
// bundled by esbuild into dist/ with the packages left as they are (node_modules), split so that the Slack
// and Discord adapters load only when a token asks for them. Run by `npm ci` (the prepare script) and
// `npm run build`. bin/*.js use dist/ when it is newer than every source file, else src/ through tsx.
import { build } from 'esbuild';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD_OPTIONS } from './build-options.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist');
const started = Date.now();
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({ ...BUILD_OPTIONS, absWorkingDir: root, outdir: 'dist', logLevel: 'warning' });
// Written last: bin/ trusts dist/ only when this stamp exists and is newer than every source file.
writeFileSync(join(out, 'BUILD'), `${new Date().toISOString()}\n`);
process.stdout.write(`dist/ built in ${Date.now() - started} ms\n`);
