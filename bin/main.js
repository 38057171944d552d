#!/usr/bin/env node
// `npm start`: the compiled bundle (dist/main.js) when it is current, else src/main.ts through tsx.
import { loadEntry } from './entry.js';

const { main } = await loadEntry('main', 'main.ts');
process.exitCode = await main();
