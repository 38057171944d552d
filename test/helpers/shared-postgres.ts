/**
 * A test file's PostgreSQL for the shared store: started before the file's tests (test/helpers/postgres.ts), stopped
 * after them, with fresh migrated stores on it, each closed at the end. `available` is false on a machine with neither
 * the server's binaries nor SANCTIONS_TEST_PG_URL (the file's tests are then skipped, visibly).
 */
import { afterAll, beforeAll } from 'vitest';
import { PostgresSharedStore } from '../../src/core/shared/postgres';
import { postgresAvailable, startTestPostgres, type TestPostgres } from './postgres';

export interface SharedPostgres {
  available: boolean;
  newDatabase(): Promise<string>;
  /** A migrated store on a fresh database, or on `url` (two stores on one database stand for two hosts). */
  openShared(url?: string): Promise<PostgresSharedStore>;
}

export function sharedPostgresForFile(): SharedPostgres {
  const available = postgresAvailable();
  let server: TestPostgres | undefined;
  const stores: PostgresSharedStore[] = [];
  beforeAll(async () => {
    if (available) server = await startTestPostgres();
  }, 120_000);
  afterAll(async () => {
    for (const s of stores) await s.close();
    await server?.stop();
  });
  const newDatabase = () => server!.newDatabase();
  return {
    available,
    newDatabase,
    async openShared(url?: string) {
      const store = PostgresSharedStore.open(url ?? (await newDatabase()), { max: 4 });
      stores.push(store);
      await store.migrate();
      return store;
    },
  };
}
