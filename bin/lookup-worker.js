#!/usr/bin/env node
// A lookup thread of the HTTP API (src/bots/http/lookup-worker.ts), started as a worker thread.
import { loadEntry } from './entry.js';

await loadEntry('lookup-worker', 'bots/http/lookup-worker.ts');
