/**
 * Lookups of the HTTP API on worker threads. One thread parsing requests, looking names up and writing answers
 * serves ~1,500 lookups a second; at 20 concurrent requests that is ~13 ms of queueing each. With the lookups on
 * their own threads (each with a read-only handle and its own matcher caches), the server's thread only parses
 * and writes, and the lookups of several requests run at once. Each job goes to the thread with the fewest in
 * hand. A thread that dies fails its jobs (answered 500, never as a clean result) and is started again.
 */
import { Worker } from 'node:worker_threads';
import type { LookupOptions } from '../../core/lookup';
import { projectPath } from '../../core/paths';
import type { MatchesJson } from '../../core/lookup-answers';
import type { LookupAnswer, LookupJob } from './lookup-worker';

interface Thread {
  worker: Worker;
  pending: Map<number, { resolve: (found: MatchesJson) => void; reject: (err: Error) => void }>;
  ready: Promise<void>;
}

export class LookupPool {
  private readonly threads: Thread[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly dbPath: string,
    size: number,
  ) {
    for (let i = 0; i < size; i++) this.threads.push(this.start());
  }

  private start(): Thread {
    const worker = new Worker(projectPath('bin/lookup-worker.js'), { workerData: { dbPath: this.dbPath } });
    const thread: Thread = { worker, pending: new Map(), ready: Promise.resolve() };
    thread.ready = new Promise((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    thread.ready.catch(() => undefined);
    worker.on('message', (answer: LookupAnswer | { ready: true }) => {
      if (!('id' in answer)) return;
      const job = thread.pending.get(answer.id);
      if (!job) return;
      thread.pending.delete(answer.id);
      if ('found' in answer) job.resolve(answer.found);
      else job.reject(new Error(answer.error));
    });
    const fail = (why: string) => {
      for (const job of thread.pending.values()) job.reject(new Error(`the lookup thread stopped (${why})`));
      thread.pending.clear();
      const at = this.threads.indexOf(thread);
      if (at >= 0 && !this.closed) this.threads[at] = this.start();
    };
    worker.on('error', (err) => fail(err.message));
    worker.on('exit', (code) => {
      if (!this.closed) fail(`exit ${code}`);
    });
    worker.unref();
    return thread;
  }

  /** The lookup's matches, serialised (lookup-answers.ts), from the least busy thread. */
  async matches(query: string, options: Omit<LookupOptions, 'now'>): Promise<MatchesJson> {
    const thread = this.threads.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    await thread.ready;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      thread.worker.postMessage({ id, query, options } satisfies LookupJob);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }
}
