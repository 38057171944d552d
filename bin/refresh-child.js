#!/usr/bin/env node
// The refresh child process the bot forks for each refresh (src/core/refresh-process/child.ts).
import { loadEntry } from './entry.js';

await loadEntry('refresh-child', 'core/refresh-process/child.ts');
