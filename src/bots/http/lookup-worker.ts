/**
 * A lookup thread of the HTTP API (lookup-pool.ts): its own read-only handle on the database and its own matcher
 * caches, answering {id, query, options} with the matches already serialised (lookup-answers.ts), so that the
 * server's thread only parses requests, adds the coverage and writes answers. It reads the dataset version on every lookup, as the bot does: a refresh
 * by another process shows in its next answer.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { lookupMatches, warmUp, type LookupOptions } from '../../core/lookup';
import { matchesJson, type MatchesJson } from '../../core/lookup-answers';
import { openDb } from '../../core/store/db';

export interface LookupJob {
  id: number;
  query: string;
  options: Omit<LookupOptions, 'now'>;
}

export type LookupAnswer = { id: number; found: MatchesJson } | { id: number; error: string };

const { dbPath } = workerData as { dbPath: string };
const db = openDb(dbPath, { readonly: true });
warmUp(db);
parentPort!.on('message', (job: LookupJob) => {
  let answer: LookupAnswer;
  try {
    answer = { id: job.id, found: matchesJson(lookupMatches(db, job.query, job.options)) };
  } catch (err) {
    answer = { id: job.id, error: (err as Error).message };
  }
  parentPort!.postMessage(answer);
});
parentPort!.postMessage({ ready: true });
