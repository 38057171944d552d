import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate, openDb, schemaVersion, StoreError } from '../../../src/core/store/db';
import { MIGRATIONS } from '../../../src/core/store/migrations';
import { tempDir } from '../../helpers/tmp';

describe('store', () => {
  const dir = tempDir();

  it('applies the numbered migrations once, in WAL mode', () => {
    const path = join(dir, 'a.db');
    const db = openDb(path);
    expect(schemaVersion(db)).toBe(MIGRATIONS.at(-1)!.version);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(migrate(db)).toBe(MIGRATIONS.at(-1)!.version);
    db.close();
    const again = openDb(path);
    const tables = again.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all().map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['sources', 'refreshes', 'records', 'designations', 'names', 'events', 'meta']));
    again.close();
  });

  it('refuses a database made by a newer program', () => {
    const db = openDb(join(dir, 'b.db'));
    db.pragma('user_version = 999');
    expect(() => migrate(db)).toThrow(StoreError);
    expect(() => migrate(db)).toThrow(/schema version 999 is newer/);
    db.close();
  });

  it('keeps event ids increasing even after the newest event row is gone', () => {
    const db = openDb(':memory:');
    db.exec("INSERT INTO sources (id, format, location) VALUES ('s', 'csl-csv', 'x')");
    db.exec("INSERT INTO refreshes (source_id, started_at, outcome) VALUES ('s', 'now', 'applied')");
    db.exec("INSERT INTO records (source_id, key, name, type, payload, hash, first_seen, last_seen) VALUES ('s', 'k', 'n', 'entity', '{}', 'h', 'now', 'now')");
    const insert = db.prepare("INSERT INTO events (at, refresh_id, kind, list, source_id, record_id, record_key, name) VALUES ('now', 1, 'added', 'US-BIS-EL', 's', 1, 'k', 'n') RETURNING id");
    const a = (insert.get() as { id: number }).id;
    db.exec(`DELETE FROM events WHERE id = ${a}`);
    const b = (insert.get() as { id: number }).id;
    expect(b).toBeGreaterThan(a);
    db.close();
  });
});
