/**
 * The refresh child process: receives one job (a database path and the sources to refresh), runs fetch ->
 * parse -> diff -> apply on its own connection, reports each source as it finishes, and exits. All the
 * parsing memory and CPU of a refresh live here, never on the serving process's event loop.
 */
import { LeaseBusyError } from '../ops/lease';
import { refreshSources } from '../refresh';
import { openStore } from '../reindex';
import { ChildMessage, RefreshJob } from './protocol';

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, undefined, () => resolve());
  });
}

let peak = process.memoryUsage.rss();
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
sampler.unref();

async function runJob(raw: unknown): Promise<void> {
  const parsed = RefreshJob.safeParse(raw);
  if (!parsed.success) {
    await send({ type: 'error', message: `refresh child: invalid job: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` });
    process.exit(2);
  }
  const job = parsed.data;
  let db: ReturnType<typeof openStore> | undefined;
  try {
    db = openStore(job.dbPath);
    const results = await refreshSources(db, job.sources, {
      onStart: (s) => void send({ type: 'start', source: s.id }),
      onResult: (r) => void send({ type: 'result', result: r }),
    });
    peak = Math.max(peak, process.memoryUsage.rss());
    await send({ type: 'done', results, rssPeakBytes: peak });
  } catch (err) {
    await send({ type: 'error', message: (err as Error).message, ...(err instanceof LeaseBusyError ? { busy: true } : {}) });
    process.exitCode = 1;
  } finally {
    db?.close();
  }
  process.disconnect?.();
}

process.once('message', (message) => void runJob(message));
// The parent went away (killed, crashed): nothing is left to report to; the refresh itself is transactional.
process.on('disconnect', () => setTimeout(() => process.exit(process.exitCode ?? 0), 0).unref());
