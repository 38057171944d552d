/**
 * Refresh in a child process, so that fetching, parsing, diffing and index building never run on the serving
 * process's event loop (a Slack or Discord acknowledgement must go out within 3 s, whatever a refresh costs)
 * and a refresh's memory is returned to the system when it ends. The serving process only sees the committed
 * result: its lookups pick the new data up by the dataset version, on their next query.
 */
import { fork } from 'node:child_process';
import { projectPath } from '../paths';
import type { SourceRefreshResult } from '../refresh';
import type { SourceConfig } from '../sources/config';
import { ChildMessage, type RefreshJob } from './protocol';

const CHILD = projectPath('bin/refresh-child.js');

export interface ChildRefreshOptions {
  onStart?: (sourceId: string) => void;
  onResult?: (result: SourceRefreshResult) => void;
  /** Kill the child after this long (a stuck download is bounded by the fetch timeouts too). */
  timeoutMs?: number;
}

export interface ChildRefreshReport {
  results: SourceRefreshResult[];
  /** Peak resident memory of the child, as it measured it. */
  rssPeakBytes: number;
}

export class RefreshChildError extends Error {}

/** Another process holds the database's refresh lease: this refresh did not start (the other one counts). */
export class RefreshBusyError extends RefreshChildError {}

export function refreshInChild(dbPath: string, sources: SourceConfig[], options: ChildRefreshOptions = {}): Promise<ChildRefreshReport> {
  return new Promise((resolvePromise, reject) => {
    const child = fork(CHILD, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'json' });
    const results: SourceRefreshResult[] = [];
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(() => reject(new RefreshChildError(`the refresh took longer than ${Math.round((options.timeoutMs ?? 0) / 1000)} s and was stopped`)));
    }, options.timeoutMs ?? 30 * 60_000);
    timer.unref();
    child.on('message', (raw) => {
      const parsed = ChildMessage.safeParse(raw);
      if (!parsed.success) return;
      const message = parsed.data;
      switch (message.type) {
        case 'start':
          options.onStart?.(message.source);
          break;
        case 'result':
          results.push(message.result);
          options.onResult?.(message.result);
          break;
        case 'done':
          finish(() => resolvePromise({ results: message.results, rssPeakBytes: message.rssPeakBytes }));
          break;
        case 'error':
          finish(() => reject(message.busy ? new RefreshBusyError(message.message) : new RefreshChildError(message.message)));
          break;
      }
    });
    child.on('error', (err) => finish(() => reject(new RefreshChildError(`cannot start the refresh process: ${err.message}`))));
    child.on('exit', (code, signal) => {
      finish(() => reject(new RefreshChildError(`the refresh process ended before it finished (${signal ?? `exit ${code}`}); ${results.length} of ${sources.length} sources done`)));
    });
    const job: RefreshJob = { type: 'refresh', dbPath, sources };
    child.send(job);
  });
}
