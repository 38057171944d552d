/** The installation store suite on SQLite (migration 20). */
import { afterAll } from 'vitest';
import { SqliteInstallations } from '../../../src/core/installations/sqlite';
import { openDb, type Db } from '../../../src/core/store/db';
import { installationsSuite } from './installations.suite';

const opened: Db[] = [];
afterAll(() => opened.forEach((db) => db.close()));

installationsSuite({
  name: 'sqlite',
  async open() {
    const db = openDb(':memory:');
    opened.push(db);
    return new SqliteInstallations(db);
  },
});
