/** The store's migrations re-derive the name index and parties through what the opener gives them. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/core/reindex';
import { openDb, StoreError } from '../../src/core/store/db';
import { MIGRATIONS } from '../../src/core/store/migrations';
import { tempDir } from '../helpers/tmp';

describe('migrations that re-derive names', () => {
  const dir = tempDir();
  /** A database at schema 1 (before the name index) holding two records of one company on two lists. */
  const oldDatabase = (name: string) => {
    const path = join(dir, name);
    const db = openDb(path, { migrations: MIGRATIONS.slice(0, 1) });
    db.prepare("INSERT INTO sources (id, format, location) VALUES ('a', 'entities-json', 'a.json'), ('b', 'entities-json', 'b.json')").run();
    const insert = db.prepare("INSERT INTO records (source_id, key, name, type, payload, hash, first_seen, last_seen) VALUES (?, ?, ?, 'entity', ?, 'h', '2025-01-01', '2025-01-01')");
    for (const [source, name] of [['a', 'Zhongxin Precision Optics Co., Ltd.'], ['b', 'ZHONGXIN PRECISION OPTICS COMPANY LIMITED']] as const) {
      insert.run(source, name, name, JSON.stringify({ key: name, name, type: 'entity', names: [{ value: name, kind: 'primary' }], designations: [{ list: 'US-BIS-EL', status: 'active' }] }));
    }
    db.close();
    return path;
  };

  it('rebuild the name index and the parties when the application opens an old database', () => {
    const db = openStore(oldDatabase('old.db'));
    expect(db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM names').get()!.n).toBe(2);
    expect(db.prepare<[], { n: number }>('SELECT COUNT(DISTINCT party_id) AS n FROM records').get()!.n).toBe(1);
    db.close();
  });

  it('refuse to upgrade an old database with records when opened without the derivations', () => {
    expect(() => openDb(oldDatabase('old2.db'))).toThrow(StoreError);
  });
});
