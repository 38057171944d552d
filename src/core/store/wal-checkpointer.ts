/**
 * WAL checkpoints off the event loop. SQLite copies the write-ahead log back into the database file (a checkpoint)
 * on the commit that finds the log over 1,000 pages, in the committing thread, with an fsync: routing a refresh to
 * 10,000 channels writes 1.6 M claims, and the slices whose commits checkpointed held the event loop for 100-500 ms.
 * Here a worker thread with its own connection checkpoints (PASSIVE: it never waits for readers or blocks writers)
 * four times a second, and the bot's connections checkpoint themselves only past a very large log (CHECKPOINT_FALLBACK_PAGES),
 * should the thread fall behind or die (it is started again).
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Db } from './db';

/** How often the thread checkpoints: a checkpoint with nothing to copy costs a few system calls. */
export const DEFAULT_EVERY_MS = 250;

/**
 * Pages of log after which a connection checkpoints by itself while a checkpointer runs (~400 MB at 4 KiB pages):
 * a safety net for a thread that died, not a limit met in use. The count is of the log since it last started over,
 * which it does only when a write finds everything copied back: under a steady stream of writes (pruning 1.6 M
 * claims) it passed 10,000 pages although the thread had copied them, and the commit that then checkpointed held
 * the event loop for 1.9 s.
 */
export const CHECKPOINT_FALLBACK_PAGES = 100_000;

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqlite);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 1000');
db.pragma('wal_autocheckpoint = 0');
let timer;
const beat = () => {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ log: r.log, checkpointed: r.checkpointed });
  } catch (err) {
    parentPort.postMessage({ error: String((err && err.message) || err) });
  }
  timer = setTimeout(beat, workerData.everyMs);
};
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
beat();
`;

export interface CheckpointerOptions {
  everyMs?: number;
  /** Told of a checkpoint that failed (the thread goes on). */
  onError?: (message: string) => void;
  /** Told of each checkpoint: frames in the log and frames copied back (tests, metrics). */
  onCheckpoint?: (log: number, checkpointed: number) => void;
}

export class WalCheckpointer {
  private worker?: Worker;
  private stopped = false;

  constructor(
    private readonly path: string,
    private readonly options: CheckpointerOptions = {},
  ) {}

  /** Start the thread, and let these connections leave checkpoints to it (but past CHECKPOINT_FALLBACK_PAGES). */
  start(connections: Db[] = []): this {
    // (The log's file is not cut back when it starts over: truncating a 100 MB log held the event loop ~200 ms.)
    for (const db of connections) db.pragma(`wal_autocheckpoint = ${CHECKPOINT_FALLBACK_PAGES}`);
    this.spawn();
    return this;
  }

  private spawn(): void {
    const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER, { eval: true, workerData: { path: this.path, sqlite, everyMs: this.options.everyMs ?? DEFAULT_EVERY_MS } });
    worker.on('message', (m: { log?: number; checkpointed?: number; error?: string }) => {
      if (m.error) this.options.onError?.(m.error);
      else this.options.onCheckpoint?.(m.log ?? 0, m.checkpointed ?? 0);
    });
    worker.on('error', (err) => this.options.onError?.(err.message));
    // A thread that died is started again (the connections' fallback checkpoints meanwhile).
    worker.on('exit', () => {
      if (!this.stopped) setTimeout(() => !this.stopped && this.spawn(), 1000).unref();
    });
    worker.unref();
    this.worker = worker;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const worker = this.worker;
    if (!worker) return;
    // Held until it has stopped (it is unref'd while it runs, so that it never keeps the process alive).
    worker.ref();
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage('stop');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise<void>((r) => (timer = setTimeout(r, 2000)))]);
    clearTimeout(timer);
    await worker.terminate();
  }
}
