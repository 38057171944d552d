/**
 * `sanctions export [--out FILE] [--db PATH]` and `sanctions import FILE|- [--json] [--db PATH]`: the users' own data
 * (subscriptions, watch terms, Slack installations, the audit trail) out of one store and into another, e.g. from the
 * SQLite file to PostgreSQL (docs/deploy.md, "Moving from SQLite to PostgreSQL"). The engine is the configured one:
 * PostgreSQL when DATABASE_URL is set, else the SQLite file of --db / SANCTIONS_DB.
 */
import { closeSync, createReadStream, existsSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { ConfigError, EnvSchema } from '../core/config';
import { openSharedStore, type StoreConfig } from '../core/shared/open';
import { redactUrl } from '../core/shared/postgres';
import type { SharedStore } from '../core/shared/types';
import { StoreError } from '../core/store/db';
import { exportUserData, type TransferCounts } from '../core/transfer/export';
import { TransferFormatError } from '../core/transfer/format';
import { importUserData, readTransferFile } from '../core/transfer/import';

export interface TransferIO {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  stdin?: () => string | Buffer | Promise<string | Buffer>;
}

export interface TransferHelpers {
  dbPath: (flag: string | undefined) => string;
  usage: (message: string) => Error;
}

const EXPORT_USAGE = 'usage: sanctions export [--out FILE] [--db PATH]   the users\' own data as JSON lines (stdout without --out; it holds Slack bot tokens)';
const IMPORT_USAGE = 'usage: sanctions import FILE|- [--json] [--db PATH]   put back what `sanctions export` wrote (PostgreSQL when DATABASE_URL is set)';

function storeConfig(env: NodeJS.ProcessEnv, db: string | undefined, helpers: TransferHelpers): StoreConfig {
  const parsed = EnvSchema.shape.DATABASE_URL.safeParse(env.DATABASE_URL);
  if (!parsed.success) throw new ConfigError(`invalid configuration: DATABASE_URL: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  if (parsed.data && db) throw helpers.usage('--db names a SQLite file, but DATABASE_URL is set: the shared state is in PostgreSQL (unset DATABASE_URL to use the file)');
  return { DATABASE_URL: parsed.data, SANCTIONS_DB: helpers.dbPath(db) };
}

const where = (config: StoreConfig) => (config.DATABASE_URL ? `PostgreSQL ${redactUrl(config.DATABASE_URL)}` : `SQLite ${config.SANCTIONS_DB}`);

/** Run `work` on the configured store; a database failure is said with where it happened. */
async function withStore<T>(config: StoreConfig, work: (store: SharedStore) => Promise<T>): Promise<T> {
  const store = openSharedStore(config);
  try {
    return await work(store);
  } catch (err) {
    if (err instanceof TransferFormatError || err instanceof StoreError) throw err;
    const e = err as Error & { code?: string };
    // 42P01: undefined table (a PostgreSQL database not migrated to this version).
    const hint = e.code === '42P01' ? ' (run `sanctions migrate` first)' : '';
    throw new StoreError(`${where(config)}: ${e.message || e.code || String(err)}${hint}`);
  } finally {
    await store.close();
  }
}

const summary = (c: TransferCounts) =>
  `${c.subscription} subscription(s), ${c.watch_term} watch term(s), ${c.slack_installation} Slack installation(s), ${c.slack_channel_workspace} channel workspace(s), ${c.audit} audit entr${c.audit === 1 ? 'y' : 'ies'}`;

export async function exportCommand(args: string[], io: TransferIO, helpers: TransferHelpers): Promise<number> {
  let values: { db?: string; out?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ args, options: { db: { type: 'string' }, out: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } }, strict: true }));
  } catch (err) {
    throw helpers.usage((err as Error).message);
  }
  if (values.help) {
    io.out(EXPORT_USAGE);
    return 0;
  }
  const config = storeConfig(io.env, values.db, helpers);
  if (!config.DATABASE_URL && config.SANCTIONS_DB !== ':memory:' && !existsSync(config.SANCTIONS_DB)) {
    throw new StoreError(`there is no database at ${config.SANCTIONS_DB} (nothing was created, nothing exported)`);
  }
  const toFile = values.out !== undefined && values.out !== '-';
  // A file: written beside its final name, readable by its owner only (it holds bot tokens), renamed when complete.
  const tmp = toFile ? `${values.out}.partial` : undefined;
  // Made anew, never an existing file or link of someone else's (O_EXCL), so its mode is surely 0600.
  if (tmp) rmSync(tmp, { force: true });
  const fd = tmp ? openSync(tmp, 'wx', 0o600) : undefined;
  let batch: string[] = [];
  const flush = () => {
    if (!batch.length) return;
    const text = `${batch.join('\n')}\n`;
    if (fd === undefined) io.out(text.slice(0, -1));
    else writeSync(fd, text);
    batch = [];
  };
  try {
    const counts = await withStore(config, (store) =>
      exportUserData(store, (line) => {
        batch.push(line);
        if (batch.length >= 500) flush();
      }),
    );
    flush();
    if (fd !== undefined) {
      fsyncSync(fd);
      closeSync(fd);
      renameSync(tmp!, values.out!);
      io.err(`exported from ${where(config)} to ${values.out}: ${summary(counts)}`);
    }
    return 0;
  } catch (err) {
    if (fd !== undefined) {
      closeSync(fd);
      rmSync(tmp!, { force: true });
    }
    throw err;
  }
}

async function* linesOf(source: string, io: TransferIO): AsyncIterable<string> {
  if (source === '-') {
    const all = io.stdin ? String(await io.stdin()) : '';
    yield* all.split(/\r?\n/);
    return;
  }
  if (!existsSync(source)) throw new TransferFormatError(`${source}: no such file`);
  yield* createInterface({ input: createReadStream(source, 'utf8'), crlfDelay: Infinity });
}

export async function importCommand(args: string[], io: TransferIO, helpers: TransferHelpers): Promise<number> {
  let values: { db?: string; json?: boolean; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args, options: { db: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true }));
  } catch (err) {
    throw helpers.usage((err as Error).message);
  }
  if (values.help) {
    io.out(IMPORT_USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw helpers.usage('import takes one file (- for standard input)');
  const source = positionals[0]!;
  const config = storeConfig(io.env, values.db, helpers);
  let file;
  try {
    file = await readTransferFile(linesOf(source, io));
  } catch (err) {
    if (!(err instanceof TransferFormatError)) throw err;
    io.err(`sanctions import: ${source === '-' ? 'standard input' : source}: ${err.message} (nothing was imported)`);
    return 2;
  }
  const report = await withStore(config, async (store) => {
    await store.migrate();
    return importUserData(store, file);
  });
  if (values.json) io.out(JSON.stringify({ target: where(config), source: { engine: file.header.engine, exportedAt: file.header.exported_at }, ...report }));
  else io.out(`imported into ${where(config)} from a ${file.header.engine} export of ${file.header.exported_at}:\n  read:    ${summary(report.read)}\n  written: ${summary(report.written)} (the rest were there already)`);
  return 0;
}
