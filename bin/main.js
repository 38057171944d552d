#!/usr/bin/env node
// `npm start`: runs src/main.ts through tsx's loader.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main();
