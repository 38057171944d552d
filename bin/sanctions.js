#!/usr/bin/env node
// The `sanctions` command: the compiled bundle (dist/cli.js) when it is current, else src/cli.ts through tsx.
// `.env` is read first; variables already in the environment win over it.
import { loadEntry } from './entry.js';

const { run, loadDotEnv } = await loadEntry('cli', 'cli.ts');
try {
  loadDotEnv();
} catch (err) {
  process.stderr.write(`${err.message}\n`);
  process.exit(2);
}
process.exitCode = await run(process.argv.slice(2));
