/**
 * `sanctions migrate` and DATABASE_URL: which engine is chosen, what the command prints, and the errors that name
 * what is wrong (the engine behaviour itself is in the shared store suite, run on both engines).
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../../src/cli';
import { ConfigError, loadConfig } from '../../../src/core/config';
import { selectedEngine } from '../../../src/core/shared/open';
import { MIGRATIONS } from '../../../src/core/store/migrations';
import { tempDir } from '../../helpers/tmp';

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(args, { out: (t) => out.push(t), err: (t) => err.push(t), env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('DATABASE_URL', () => {
  it('unset or empty keeps SQLite, the default; a PostgreSQL URL selects PostgreSQL', () => {
    expect(selectedEngine(loadConfig({}))).toBe('sqlite');
    expect(selectedEngine(loadConfig({ DATABASE_URL: '' }))).toBe('sqlite');
    expect(selectedEngine(loadConfig({ DATABASE_URL: 'postgres://bot:secret@db.internal:5432/sanctions' }))).toBe('postgres');
    expect(selectedEngine(loadConfig({ DATABASE_URL: 'postgresql:///sanctions?host=/run/postgresql' }))).toBe('postgres');
  });

  it.each([
    ['mysql://db.internal/sanctions', /DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL \(only PostgreSQL is supported\), got a mysql:\/\/ URL/],
    ['db.internal:5432', /DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/],
    ['not a url', /DATABASE_URL: must be a PostgreSQL URL such as postgres:\/\/user:password@db.internal:5432\/sanctions/],
    ['postgres://db.internal:5432', /DATABASE_URL: must name the database/],
    ['postgres:///sanctions', /DATABASE_URL: must name the server/],
  ])('refuses %s with one line naming the variable', (value, message) => {
    expect(() => loadConfig({ DATABASE_URL: value })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_URL: value })).toThrow(message);
  });

});

describe('sanctions migrate', () => {
  const dir = tempDir('sanctions-migrate-');
  const latest = MIGRATIONS.at(-1)!;

  it('creates and migrates a SQLite file, names each migration applied, then finds nothing to do', async () => {
    const db = join(dir, 'new.db');
    const first = await cli(['migrate', '--db', db]);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out.split('\n')[0]).toBe(`SQLite ${db}: schema version 0 -> ${latest.version}, applied ${MIGRATIONS.length} migration(s):`);
    expect(first.out).toContain(`  ${latest.version}  ${latest.name}`);
    expect(first.out).toContain('  1  sources, refreshes, records, designations, names, events');
    const file = new Database(db, { readonly: true });
    expect(file.pragma('user_version', { simple: true })).toBe(latest.version);
    file.close();
    const again = await cli(['migrate', '--json'], { SANCTIONS_DB: db });
    expect(JSON.parse(again.out)).toEqual({ engine: 'sqlite', target: db, before: latest.version, after: latest.version, applied: [] });
  });

  it('brings a file of an older schema up to date, applying only what it lacks', async () => {
    const db = join(dir, 'old.db');
    // A file as the previous release left it: every migration but the last.
    const { openDb } = await import('../../../src/core/store/db');
    openDb(db, { migrations: MIGRATIONS.slice(0, -1) }).close();
    const r = await cli(['migrate', '--db', db, '--json']);
    expect(JSON.parse(r.out)).toMatchObject({ before: latest.version - 1, after: latest.version, applied: [{ version: latest.version, name: latest.name }] });
  });

  it('says what is wrong: a bad DATABASE_URL, --db beside DATABASE_URL, a PostgreSQL that does not answer (password never shown)', async () => {
    const bad = await cli(['migrate'], { DATABASE_URL: 'mysql://x/y' });
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^sanctions: invalid configuration: DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/);
    const both = await cli(['migrate', '--db', join(dir, 'x.db')], { DATABASE_URL: 'postgres://u@127.0.0.1/y' });
    expect(both.code).toBe(2);
    expect(both.err).toContain('--db names a SQLite file, but DATABASE_URL is set');
    // Port 1 on loopback: nothing listens there.
    const down = await cli(['migrate'], { DATABASE_URL: 'postgres://bot:hunter2secret@127.0.0.1:1/sanctions' });
    expect(down.code).toBe(2);
    expect(down.err).toMatch(/^sanctions: PostgreSQL at postgres:\/\/bot:\*\*\*@127\.0\.0\.1:1\/sanctions: .*ECONNREFUSED/);
    expect(down.err).not.toContain('hunter2secret');
  });
});
