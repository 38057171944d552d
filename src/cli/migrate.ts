/**
 * `sanctions migrate [--json]`: apply the pending schema migrations of the configured engine (PostgreSQL when
 * DATABASE_URL is set, else the SQLite file of --db / SANCTIONS_DB) and say what was done. Safe to run from several
 * hosts at once (PostgreSQL: an advisory lock; SQLite: each migration re-checks the version under the write lock).
 */
import { parseArgs } from 'node:util';
import { ConfigError, EnvSchema } from '../core/config';
import { migrateConfigured } from '../core/shared/open';
import type { MigrationReport } from '../core/shared/types';

/** What the command needs of the CLI's input and output. */
export interface MigrateIO {
  out: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

export interface MigrateHelpers {
  dbPath: (flag: string | undefined) => string;
  usage: (message: string) => Error;
}

/** DATABASE_URL as the bot reads it (the same validation and messages as start-up). */
function databaseUrl(env: NodeJS.ProcessEnv): string | undefined {
  const parsed = EnvSchema.shape.DATABASE_URL.safeParse(env.DATABASE_URL);
  if (!parsed.success) throw new ConfigError(`invalid configuration: DATABASE_URL: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  return parsed.data;
}

export function migrationText(r: MigrationReport): string {
  const where = r.engine === 'postgres' ? `PostgreSQL ${r.target}` : `SQLite ${r.target}`;
  if (!r.applied.length) return `${where}: schema at version ${r.after}, nothing to apply`;
  const lines = r.applied.map((m) => `  ${m.version}  ${m.name}`);
  return [`${where}: schema version ${r.before} -> ${r.after}, applied ${r.applied.length} migration(s):`, ...lines].join('\n');
}

export async function migrateCommand(args: string[], io: MigrateIO, helpers: MigrateHelpers): Promise<number> {
  let values: { db?: string; json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({ args, options: { db: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true }));
  } catch (err) {
    throw helpers.usage((err as Error).message);
  }
  if (values.help) {
    io.out('usage: sanctions migrate [--json] [--db PATH]   apply pending migrations (PostgreSQL when DATABASE_URL is set)');
    return 0;
  }
  const url = databaseUrl(io.env);
  if (url && values.db) throw helpers.usage('--db names a SQLite file, but DATABASE_URL is set: the shared state is in PostgreSQL (unset DATABASE_URL to migrate the file)');
  const report = await migrateConfigured({ DATABASE_URL: url, SANCTIONS_DB: helpers.dbPath(values.db) });
  io.out(values.json ? JSON.stringify(report) : migrationText(report));
  return 0;
}
