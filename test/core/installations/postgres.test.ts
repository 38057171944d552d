/**
 * The installation store suite on PostgreSQL (migration 2): the cluster .ci/run started (SANCTIONS_TEST_PG_URL) or a
 * throwaway one started for this file. Skipped, visibly, only on a machine with neither (CI has both).
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { PostgresInstallations } from '../../../src/core/installations/postgres';
import { PostgresSharedStore } from '../../../src/core/shared/postgres';
import { postgresAvailable, startTestPostgres, type TestPostgres } from '../../helpers/postgres';
import { installationsSuite } from './installations.suite';

const available = postgresAvailable();
let server: TestPostgres | undefined;
const opened: PostgresSharedStore[] = [];

beforeAll(async () => {
  if (available) server = await startTestPostgres();
}, 120_000);

afterAll(async () => {
  for (const s of opened) await s.close();
  await server?.stop();
});

describe.skipIf(!available)('PostgreSQL engine', () => {
  installationsSuite({
    name: 'postgres',
    async open() {
      const store = PostgresSharedStore.open(await server!.newDatabase(), { max: 2 });
      opened.push(store);
      await store.migrate();
      return new PostgresInstallations(store.pool);
    },
  });
});
