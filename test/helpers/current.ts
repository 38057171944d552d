/** The database of the shared current dataset, built once by test/global-setup.ts, opened read-only. */
import { afterAll, inject } from 'vitest';
import { openDb, type Db } from '../../src/core/store/db';

export function currentDb(): Db {
  const db = openDb(inject('currentDb'), { readonly: true });
  afterAll(() => db.close());
  return db;
}
