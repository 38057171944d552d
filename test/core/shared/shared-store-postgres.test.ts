/**
 * The shared store suite on PostgreSQL: the cluster .ci/run started (SANCTIONS_TEST_PG_URL), or a throwaway one
 * started for this file (test/helpers/postgres.ts). Two connection pools on one database stand for two hosts.
 * Skipped, visibly, only on a machine with neither the server binaries nor SANCTIONS_TEST_PG_URL (CI has both).
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { PG_MIGRATIONS } from '../../../src/core/shared/pg-migrations';
import { PostgresSharedStore } from '../../../src/core/shared/postgres';
import type { SharedStore } from '../../../src/core/shared/types';
import { postgresAvailable, startTestPostgres, type TestPostgres } from '../../helpers/postgres';
import { sharedStoreSuite } from './shared-store.suite';

const available = postgresAvailable();
let server: TestPostgres | undefined;
const opened: SharedStore[] = [];

beforeAll(async () => {
  if (available) server = await startTestPostgres();
}, 120_000);

afterAll(async () => {
  for (const s of opened) await s.close();
  await server?.stop();
});

describe.skipIf(!available)('PostgreSQL engine', () => {
  sharedStoreSuite({
    name: 'postgres',
    latestVersion: PG_MIGRATIONS.at(-1)!.version,
    async open() {
      // The previous test's pools are done with: closed now, so that idle connections do not pile up to the server's limit.
      for (const s of opened.splice(0)) await s.close();
      const url = await server!.newDatabase();
      const a = PostgresSharedStore.open(url);
      const b = PostgresSharedStore.open(url);
      opened.push(a, b);
      await a.migrate();
      return { a, b, refs: { refreshId: 1, recordId: 1 } };
    },
    async openUnmigrated() {
      const url = await server!.newDatabase();
      const stores: [SharedStore, SharedStore] = [PostgresSharedStore.open(url), PostgresSharedStore.open(url)];
      opened.push(...stores);
      return stores;
    },
    async freshCliTarget() {
      return { args: [], env: { DATABASE_URL: await server!.newDatabase() } };
    },
    // Closed in this file's afterAll, before the server stops.
    async cleanup() {},
  });
});
