/**
 * Moving the users' own data from SQLite to PostgreSQL with the real `sanctions export` and `sanctions import`
 * (issue 16): data made through the real code paths on a copy of the current dataset (subscribe, unsubscribe a list,
 * a daily schedule, watch terms, audited lookups, a Slack installation and its channels), exported from SQLite,
 * imported into a throwaway PostgreSQL, exported again from there: the two bodies are equal. Importing twice writes
 * nothing the second time; a wrong line is refused with its number and nothing is written; an unknown format version
 * is refused.
 */
import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/cli';
import { runCommand, type CommandContext } from '../../../src/core/commands/handle';
import { SqliteInstallations } from '../../../src/core/installations/sqlite';
import { PostgresSharedStore } from '../../../src/core/shared/postgres';
import { openStore } from '../../../src/core/reindex';
import { FORMAT_VERSION } from '../../../src/core/transfer/format';
import { runCli } from '../../helpers/cli-process';
import { currentDb } from '../../helpers/current';
import { postgresAvailable, startTestPostgres, type TestPostgres } from '../../helpers/postgres';
import { tempDir } from '../../helpers/tmp';

const available = postgresAvailable();
const dir = tempDir('sanctions-transfer-');
const source = join(dir, 'source.db');
let server: TestPostgres | undefined;

const current = currentDb();

beforeAll(async () => {
  // A writable copy of the current dataset, and the users' data made as the bot makes it.
  copyFileSync(current.name, source);
  const db = openStore(source);
  const ctx = (channel: string, over: Partial<CommandContext> = {}): CommandContext => ({ db, platform: 'slack', channel, user: 'U1', place: 'T0ALPHA', canManage: true, audit: true, ...over });
  const said = (line: string, c: CommandContext) => runCommand(line, c);
  said('subscribe all kinds:added,removed countries:CN,RU', ctx('C1'));
  said('unsubscribe US-OFAC-SDN', ctx('C1'));
  said('subscribe cn schedule:daily at:08:00 tz:Europe/Berlin', ctx('C2'));
  said('watch add Huawei Technologies', ctx('C2'));
  said('watch add Acme Ltd', ctx('C3', { platform: 'discord', place: 'G1' }));
  said('lookup Huawei', ctx('C1'));
  said('lookup Rosneft', ctx('C2'));
  said('lookup nothing like this name at all', ctx('C3', { platform: 'discord', place: 'G1' }));
  // Recorded lookups are written when the database is free: give the queue its turn.
  await new Promise((r) => setTimeout(r, 300));
  const installs = new SqliteInstallations(db);
  await installs.save({ teamId: 'T0ALPHA', enterpriseInstall: false, botToken: 'xoxb-alpha', botUserId: 'UA', raw: { team: { id: 'T0ALPHA' }, bot: { token: 'xoxb-alpha' } } }, new Date('2026-01-01T00:00:00Z'));
  await installs.save({ enterpriseId: 'E0ORG', enterpriseInstall: true, botToken: 'xoxb-org', raw: { enterprise: { id: 'E0ORG' } } }, new Date('2026-01-02T00:00:00Z'));
  await installs.rememberChannel('C1', { teamId: 'T0ALPHA' });
  await installs.rememberChannel('C2', { teamId: 'T0GRID', enterpriseId: 'E0ORG' });
  db.close();
  if (available) server = await startTestPostgres();
}, 180_000);

afterAll(async () => {
  await server?.stop();
});

const body = (text: string) => text.trimEnd().split('\n').slice(1);
const header = (text: string) => JSON.parse(text.split('\n')[0]!) as Record<string, unknown>;

describe('export from SQLite', () => {
  it('writes a header and every kind of the users\' own data, to a file only its owner may read', async () => {
    const file = join(dir, 'sqlite.jsonl');
    const run = await runCli(['export', '--db', source, '--out', file], { DATABASE_URL: '' });
    expect(run.err).toMatch(/exported from SQLite .*: 3 subscription\(s\), 2 watch term\(s\), 2 Slack installation\(s\), 2 channel workspace\(s\), 3 audit entries/);
    expect(run.code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(header(text)).toMatchObject({ format: 'sanctions-user-data', version: FORMAT_VERSION, engine: 'sqlite' });
    const lines = body(text).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.find((l) => l.type === 'subscription' && l.channel === 'C1')).toMatchObject({ targets: ['all'], excluded: ['US-OFAC-SDN'], kinds: ['added', 'removed'], countries: ['CN', 'RU'] });
    expect(lines.find((l) => l.type === 'subscription' && l.channel === 'C2')).toMatchObject({ targets: ['side:cn'], schedule: { every: 'daily', at: '08:00', tz: 'Europe/Berlin' } });
    expect(lines.filter((l) => l.type === 'watch_term').map((l) => l.term)).toEqual(['Acme Ltd', 'Huawei Technologies']);
    expect(lines.filter((l) => l.type === 'audit').map((l) => l.query)).toEqual(['Huawei', 'Rosneft', 'nothing like this name at all']);
    expect(lines.find((l) => l.type === 'slack_installation' && l.key === 'T0ALPHA')).toMatchObject({ botToken: 'xoxb-alpha', installedAt: '2026-01-01T00:00:00.000Z' });
    // The list data is not exported.
    expect(text).not.toMatch(/"type":"(record|event|source)"/);
  });

  it('to stdout without --out; refuses a database that does not exist rather than create one', async () => {
    const run = await runCli(['export', '--db', source], { DATABASE_URL: '' });
    expect(run.code).toBe(0);
    expect(body(run.out)).toEqual(body(readFileSync(join(dir, 'sqlite.jsonl'), 'utf8')));
    const missing = await runCli(['export', '--db', join(dir, 'nope.db')], { DATABASE_URL: '' });
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/there is no database at .*nope\.db/);
  });
});

describe.skipIf(!available)('import into PostgreSQL, export again', () => {
  it('the export from PostgreSQL has the same body as the one from SQLite; importing again writes nothing', async () => {
    const url = await server!.newDatabase();
    const file = join(dir, 'sqlite.jsonl');
    const first = await runCli(['import', file, '--json'], { DATABASE_URL: url });
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    const r1 = JSON.parse(first.out) as { read: Record<string, number>; written: Record<string, number> };
    expect(r1.read).toEqual({ subscription: 3, watch_term: 2, slack_installation: 2, slack_channel_workspace: 2, audit: 3 });
    expect(r1.written).toEqual(r1.read);

    const again = await runCli(['import', file, '--json'], { DATABASE_URL: url });
    expect(again.code).toBe(0);
    expect((JSON.parse(again.out) as { written: Record<string, number> }).written).toEqual({ subscription: 0, watch_term: 0, slack_installation: 0, slack_channel_workspace: 0, audit: 0 });

    const out = join(dir, 'postgres.jsonl');
    const exported = await runCli(['export', '--out', out], { DATABASE_URL: url });
    expect(exported.code).toBe(0);
    const pgText = readFileSync(out, 'utf8');
    expect(header(pgText)).toMatchObject({ engine: 'postgres', version: FORMAT_VERSION });
    expect(body(pgText)).toEqual(body(readFileSync(file, 'utf8')));

    // The rows are what the bot reads: the subscription, its watch terms and the installation through the store.
    const store = PostgresSharedStore.open(url, { max: 1 });
    try {
      expect(await store.subscriptions.get('slack', 'C1')).toMatchObject({ targets: ['all'], excluded: ['US-OFAC-SDN'], cursor: 0 });
      expect(await store.subscriptions.watchTerms('slack', 'C2')).toEqual(['Huawei Technologies']);
      expect((await store.installations.find({ teamId: 'T0GRID', enterpriseId: 'E0ORG', enterpriseInstall: false }))!.botToken).toBe('xoxb-org');
      expect((await store.audit.list()).map((a) => a.query)).toEqual(['nothing like this name at all', 'Rosneft', 'Huawei']);
    } finally {
      await store.close();
    }
  }, 120_000);

  it('refuses a file with a wrong line, naming the line and the field, and writes nothing', async () => {
    const url = await server!.newDatabase();
    const lines = readFileSync(join(dir, 'sqlite.jsonl'), 'utf8').trimEnd().split('\n');
    const i = lines.findIndex((l) => l.includes('"type":"watch_term"'));
    lines[i] = lines[i]!.replace('"createdAt":"', '"createdAt":"yesterday');
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, `${lines.join('\n')}\n`);
    const run = await runCli(['import', bad], { DATABASE_URL: url });
    expect(run.code).toBe(2);
    expect(run.err).toMatch(new RegExp(`line ${i + 1} \\(watch_term\\): createdAt: .*nothing was imported`));
    const store = PostgresSharedStore.open(url, { max: 1 });
    try {
      // Not even migrated: nothing was touched.
      expect((await store.pool.query("SELECT to_regclass('subscriptions') AS t")).rows[0].t).toBeNull();
    } finally {
      await store.close();
    }
    // Exporting from it says what to do rather than export nothing.
    const exported = await runCli(['export'], { DATABASE_URL: url });
    expect(exported.code).toBe(2);
    expect(exported.err).toMatch(/PostgreSQL postgres:\/\/.*: relation ".*" does not exist \(run `sanctions migrate` first\)/);
    expect(exported.out).toBe('');
  }, 60_000);
});

describe('import refusals (SQLite target)', () => {
  it('refuses a file of an unknown format version, and a file that is not an export', async () => {
    const lines = readFileSync(join(dir, 'sqlite.jsonl'), 'utf8').trimEnd().split('\n');
    const future = join(dir, 'future.jsonl');
    writeFileSync(future, [JSON.stringify({ ...header(lines.join('\n')), version: FORMAT_VERSION + 1 }), ...lines.slice(1)].join('\n'));
    const target = join(dir, 'target.db');
    const run = await runCli(['import', future, '--db', target], { DATABASE_URL: '' });
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/line 1: format version 2 is not one this program reads \(it reads version 1\)/);
    const other = join(dir, 'other.jsonl');
    writeFileSync(other, '{"hello":"world"}\n');
    const notOurs = await runCli(['import', other, '--db', target], { DATABASE_URL: '' });
    expect(notOurs.err).toMatch(/line 1: not a sanctions-user-data file/);
  });

  it('imports into a SQLite file too, twice without duplicates, and exports the same body back', async () => {
    const target = join(dir, 'roundtrip.db');
    const file = join(dir, 'sqlite.jsonl');
    expect((await runCli(['import', file, '--db', target], { DATABASE_URL: '' })).code).toBe(0);
    const again = await runCli(['import', file, '--db', target, '--json'], { DATABASE_URL: '' });
    expect((JSON.parse(again.out) as { written: Record<string, number> }).written).toEqual({ subscription: 0, watch_term: 0, slack_installation: 0, slack_channel_workspace: 0, audit: 0 });
    const back = await runCli(['export', '--db', target], { DATABASE_URL: '' });
    expect(body(back.out)).toEqual(body(readFileSync(file, 'utf8')));
  });

  it('an installation filed under the wrong key is refused before anything is written', async () => {
    const lines = readFileSync(join(dir, 'sqlite.jsonl'), 'utf8').trimEnd().split('\n');
    const i = lines.findIndex((l) => l.includes('"type":"slack_installation"'));
    const line = JSON.parse(lines[i]!) as { key: string };
    lines[i] = JSON.stringify({ ...line, key: `${line.key}X` });
    const bad = join(dir, 'bad-key.jsonl');
    writeFileSync(bad, `${lines.join('\n')}\n`);
    const target = join(dir, 'bad-key.db');
    const run = await runCli(['import', bad, '--db', target], { DATABASE_URL: '' });
    expect(run.code).toBe(2);
    expect(run.err).toMatch(new RegExp(`line ${i + 1} \\(slack_installation\\): key: should be .*nothing was imported`));
    expect(existsSync(target)).toBe(false);
  });

  it('keeps identical audit entries (one name screened twice in a millisecond) as many times as the file has them, once', async () => {
    const lines = readFileSync(join(dir, 'sqlite.jsonl'), 'utf8').trimEnd().split('\n');
    const audit = lines.find((l) => l.includes('"type":"audit"'))!;
    const twice = join(dir, 'twice.jsonl');
    writeFileSync(twice, `${[...lines, audit].join('\n')}\n`);
    const target = join(dir, 'twice.db');
    const first = await runCli(['import', twice, '--db', target, '--json'], { DATABASE_URL: '' });
    const auditLines = lines.filter((l) => l.includes('"type":"audit"')).length + 1;
    expect((JSON.parse(first.out) as { written: { audit: number } }).written.audit).toBe(auditLines);
    const again = await runCli(['import', twice, '--db', target, '--json'], { DATABASE_URL: '' });
    expect((JSON.parse(again.out) as { written: { audit: number } }).written.audit).toBe(0);
    const back = await runCli(['export', '--db', target], { DATABASE_URL: '' });
    expect(body(back.out).filter((l) => l === audit)).toHaveLength(2);
  });

  it('reads the file from standard input with -, and a bad line there is named by its number too', async () => {
    const text = readFileSync(join(dir, 'sqlite.jsonl'), 'utf8');
    const target = join(dir, 'stdin.db');
    const out: string[] = [];
    const err: string[] = [];
    const io = (input: string) => ({ out: (t: string) => out.push(t), err: (t: string) => err.push(t), env: { DATABASE_URL: '' }, stdin: () => input });
    expect(await run(['import', '-', '--db', target, '--json'], io(text))).toBe(0);
    expect((JSON.parse(out.join('')) as { written: { audit: number } }).written.audit).toBe(3);
    const broken = text.trimEnd().split('\n');
    broken.splice(2, 0, '{"type":"subscription","platform":"slack"}');
    expect(await run(['import', '-', '--db', target], io(broken.join('\n')))).toBe(2);
    expect(err.join('')).toMatch(/standard input: line 3 \(subscription\): channel: .*nothing was imported/);
  });
});
