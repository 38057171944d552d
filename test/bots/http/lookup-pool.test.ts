/**
 * The API's lookup threads (lookup-pool.ts) on the real current dataset: each answer (the thread's matches with the
 * coverage added) is, byte for byte, what the server's own thread would have written, and the jobs of many concurrent requests all come back to their own
 * request.
 */
import { afterAll, describe, expect, inject, it } from 'vitest';
import { LookupPool } from '../../../src/bots/http/lookup-pool';
import { lookup } from '../../../src/core/lookup';
import { answerWithCoverage } from '../../../src/core/lookup-answers';
import { currentDb } from '../../helpers/current';

describe('lookup threads', () => {
  const db = currentDb();
  const pool = new LookupPool(inject('currentDb'), 2);
  afterAll(() => pool.close());

  it('answer exactly what an in-process lookup serialises, each to its own request, many at once', async () => {
    const queries = ['Hikvision', '海康威视', 'Huawei Technologies', 'DJI', 'Lockheed Martin', 'Skydio', 'huawei tec', 'Kaspersky', 'no such company zzqx', '中国电子科技集团公司'];
    const jobs = [...queries, ...queries, ...queries].map((q, i) => ({ q, options: i % 2 ? { side: 'us' as const } : { limit: 3, review: true } }));
    const answers = await Promise.all(jobs.map((j) => pool.matches(j.q, j.options)));
    answers.forEach((found, i) => {
      expect(answerWithCoverage(db, found, jobs[i]!.options)).toBe(JSON.stringify(lookup(db, jobs[i]!.q, jobs[i]!.options)));
    });
  });
});
