#!/usr/bin/env node
// The `sanctions` command: runs src/cli.ts through tsx's loader (no build step; tsx caches the transform).
import { register } from 'tsx/esm/api';

register();
const { run } = await import('../src/cli.ts');
process.exitCode = await run(process.argv.slice(2));
