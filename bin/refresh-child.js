#!/usr/bin/env node
// The refresh child process the bot forks for each refresh (src/core/refresh-process/child.ts), through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../src/core/refresh-process/child.ts');
