/**
 * The `sanctions` command (DESIGN.md "The sanctions CLI": a contract other checks rely on).
 *
 *   sanctions refresh [--sources FILE]
 *   sanctions lookup [--json] [--limit N] [--list CODE,..] [--side us|cn] QUERY...
 *   sanctions lookup --json --batch FILE
 *   sanctions screen FILE [--column NAME] [--country-column NAME] [--out FILE] [--json]
 *   sanctions events [--json] [--since ID]
 *   sanctions lists [--json]
 *   sanctions status [--json]
 *   sanctions outbox [--json] | outbox retry --id N | --all
 *
 * Database: --db PATH, else SANCTIONS_DB, else var/sanctions.db.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { hostname } from 'node:os';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import { listShared, printFailed, retryShared, sharedDatabaseUrl, sharedStatusLines } from './cli/shared-outbox';
import { readStdin } from './cli/stdin';
import { guardOutput, type GuardedOutput } from './cli/stdout';
import { thousands, table } from './cli/table';
import { ackTrail, auditTrail, currentUser, recordLookup } from './core/audit';
import { licenceLines, listSummaries } from './core/catalog';
import { ConfigError as EnvError } from './core/config';
import { listInfo } from './core/lists';
import { shownTime } from './core/time';
import { eventJson, licenceOfSources, listJson } from './core/contract-json';
import { LookupParams, lookupOptions, readQuery } from './core/lookup-params';
import { eventDateText, sinceText } from './core/designation-dates';
import { ruleText } from './core/designation-fr';
import { historyText } from './core/designation-history';
import { footnoteNotes } from './core/designation-lines';
import { failedMessages, failedSummary, retryFailed } from './core/alerts/failed';
import { coverageLine, hasListData, onlyDemoData, type ListCoverage } from './core/coverage';
import { delistedSince, lookup, matchExplanation, type LookupOptions, type LookupResponse, type LookupResult } from './core/lookup';
import { describeHolder, LeaseBusyError } from './core/ops/lease';
import { DEFAULT_REFRESH_WAIT_MS, refreshSources, type SourceRefreshResult } from './core/refresh';
import { ConfigError, loadSourcesFile } from './core/sources/config';
import { openStore } from './core/reindex';
import { openDb, StoreError, type Db } from './core/store/db';
import { CorruptDatabaseError, diagnose } from './core/store/integrity';
import { EventStore } from './core/store/events';
import { SourceStore } from './core/store/sources';

/** bin/sanctions.js reads `.env` before running a command (the environment wins over the file). */
export { loadDotEnv } from './core/env-file';

export interface CliIO {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Standard input, for `--batch -` and `screen -` (tests hand it in; the process reads it as a stream). */
  stdin?: () => string | Buffer | Promise<string | Buffer>;
}

let stdout: GuardedOutput | undefined;
let stderr: GuardedOutput | undefined;

const defaultIO: CliIO = {
  out: (text) => (stdout ??= guardOutput(process.stdout)).write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => (stderr ??= guardOutput(process.stderr)).write(text.endsWith('\n') ? text : `${text}\n`),
  env: process.env,
};

class UsageError extends Error {}

/** Errors that say what is wrong by themselves: no integrity check needed to explain them. */
const expected = (err: unknown): boolean =>
  err instanceof UsageError || err instanceof NoListDataError || err instanceof ConfigError || err instanceof EnvError || err instanceof StoreError || err instanceof LeaseBusyError;

/** A screening answer was asked of a database that holds no list data: refuse (exit 3), never "no match". */
class NoListDataError extends Error {}

export const EXIT = { ok: 0, sourceFailed: 1, usage: 2, noListData: 3 } as const;

const USAGE = `usage: sanctions <command> [options]

commands:
  refresh [--sources FILE] [--wait SECS]   fetch, parse and diff every source; a line per source (waits up to
                                           --wait, default 300, for a refresh another process is running)
  lookup [--json] [--limit N] [--page N] [--list CODE,..] [--side us|cn] [--review] [--audit] QUERY...
  lookup --json --batch FILE|-             one query per line in (- for stdin), one JSON object per line out
  screen FILE|- [--column NAME] [--country-column NAME] [--out FILE] [--json]
                                           a CSV or XLSX of names (- for stdin): a row per name with its best
                                           match, lists, status, since, citation and verdict (match, review,
                                           clear), then a summary; --out FILE.csv or FILE.xlsx; at most 5 MB and
                                           5,000 rows (SCREEN_MAX_BYTES, SCREEN_MAX_ROWS)
  audit [--json] [--limit N]               the audit trail of recorded lookups and acknowledged alerts, newest first
  events [--json] [--since ID]             change events in order
  lists [--json]                           the catalogue with counts and last refresh
  status [--json]                          each source: status, last refresh, last error (checks the file first)
  backup [--force] FILE                    a consistent copy of the database, safe while the bot runs
  outbox [--json]                          alert messages that could not be delivered
  outbox retry --id N | --all              send them again (also automatic once their platform answers again);
                                           the outbox is PostgreSQL's when DATABASE_URL is set (status says its backlog)
  migrate [--json]                         apply pending schema migrations: PostgreSQL when DATABASE_URL is set,
                                           else the SQLite file (docs/deploy.md)
  export [--out FILE]                      the users' own data (subscriptions, watch terms, Slack installations, audit
                                           trail) as JSON lines, from PostgreSQL when DATABASE_URL is set
  import FILE|- [--json]                   put an export back (idempotent): into PostgreSQL when DATABASE_URL is set
  discord-register [--global] [--check|--clear]   register the Discord slash commands (docs/discord.md)

options for every command:
  --db PATH                                database (default: $SANCTIONS_DB, else var/sanctions.db)
  -h, --help                               this text

exit status: 0 done; 1 a refresh left a source failed or quarantined; 2 usage or configuration error;
3 no list data loaded (lookup never answers from an empty or missing database, and never creates one)`;

const COMMON = {
  db: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options: { ...COMMON, ...options }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function dbPath(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  return flag || env.SANCTIONS_DB || 'var/sanctions.db';
}

export async function run(argv: string[], io: CliIO = defaultIO): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'refresh':
        return await refreshCommand(rest, io);
      case 'lookup':
        return await lookupCommand(rest, io);
      case 'events':
        return eventsCommand(rest, io);
      case 'lists':
        return listsCommand(rest, io);
      case 'status':
        return await statusCommand(rest, io);
      case 'outbox':
        return await outboxCommand(rest, io);
      case 'audit':
        return auditCommand(rest, io);
      case 'backup':
        return await backupCommand(rest, io);
      case 'screen':
        return await (await import('./cli/screen')).screenCommand(rest, io, {
          withListData,
          dbPath: (flag) => dbPath(flag, io.env),
          usage: (message) => new UsageError(message),
          help: () => help(io),
        });
      case 'migrate':
        return await (await import('./cli/migrate')).migrateCommand(rest, io, { dbPath: (flag) => dbPath(flag, io.env), usage: (message) => new UsageError(message) });
      case 'export':
        return await (await import('./cli/transfer')).exportCommand(rest, io, { dbPath: (flag) => dbPath(flag, io.env), usage: (message) => new UsageError(message) });
      case 'import':
        return await (await import('./cli/transfer')).importCommand(rest, io, { dbPath: (flag) => dbPath(flag, io.env), usage: (message) => new UsageError(message) });
      case 'discord-register':
        // Loaded here only, so that the other commands never load discord.js.
        return await (await import('./bots/discord/register')).discordRegisterCommand(rest, io);
      case undefined:
      case 'help':
      case '-h':
      case '--help':
        io.out(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`sanctions: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    if (err instanceof NoListDataError) {
      io.err(`sanctions: ${err.message}`);
      return EXIT.noListData;
    }
    if (err instanceof ConfigError || err instanceof EnvError || err instanceof StoreError || err instanceof CorruptDatabaseError) {
      io.err(`sanctions: ${err.message}`);
      return 2;
    }
    throw err;
  }
}

/**
 * Open an existing database for a command: a missing file is never created (`missing` says what to do), and a
 * failure is checked against the file, so a damaged database is named as such.
 */
function withDb<T>(path: string, fn: (db: Db) => T, options: { check?: boolean; missing?: string } = {}): T {
  if (path !== ':memory:' && !existsSync(path)) {
    throw new NoListDataError(options.missing ?? `there is no database at ${path} (nothing was created): run "npx sanctions refresh --db ${path}" first`);
  }
  const db = openStore(path, { check: options.check });
  try {
    return fn(db);
  } catch (err) {
    throw diagnose(db, path, err, expected);
  } finally {
    db.close();
  }
}

/**
 * A database that must already hold list data (lookups, screening): a missing file is never created, and an
 * empty or never-refreshed one is refused with what to run, so that no answer can say "no match" from nothing.
 */
function withListData<T>(path: string, fn: (db: Db) => T): T {
  const fix = `load the lists first: npx sanctions refresh --db ${path} [--sources FILE] (the bundled seed is a demo, not screening data)`;
  return withDb(
    path,
    (db) => {
      if (!hasListData(db)) {
        throw new NoListDataError(
          onlyDemoData(db)
            ? `no list data loaded: the database ${path} holds only the bundled demo seed, which is not screening data; ${fix}`
            : `no list data loaded: the database ${path} holds no list (never refreshed, or every source failed); ${fix}`,
        );
      }
      return fn(db);
    },
    { missing: `no list data loaded: there is no database at ${path} (nothing was created); ${fix}` },
  );
}

async function refreshCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(args, { sources: { type: 'string' }, wait: { type: 'string' } });
  if (values.help) return help(io);
  if (positionals.length) throw new UsageError(`refresh takes no arguments, got "${positionals.join(' ')}"`);
  const wait = z.coerce.number().min(0).max(86_400).safeParse(values.wait ?? DEFAULT_REFRESH_WAIT_MS / 1000);
  if (!wait.success) throw new UsageError(`--wait: must be a number of seconds from 0 to 86400, got "${values.wait}"`);
  const file = values.sources || io.env.SANCTIONS_SOURCES || 'data/sources.json';
  const sources = loadSourcesFile(file);
  const path = dbPath(values.db, io.env);
  const db = openStore(path, { check: true });
  try {
    const started = Date.now();
    const idWidth = Math.max(...sources.map((s) => s.id.length));
    let results: SourceRefreshResult[];
    try {
      results = await refreshSources(db, sources, {
        onResult: (r) => io.out(refreshLine(r, idWidth)),
        waitMs: wait.data * 1000,
        onWait: (row) => io.err(`sanctions: another refresh of ${path} is running (held by ${describeHolder(row)}); waiting up to ${wait.data}s`),
      });
    } catch (err) {
      // Another process is refreshing this database: its refresh is the one that counts; nothing failed here.
      if (!(err instanceof LeaseBusyError)) throw err;
      io.err(`sanctions: refresh of ${path} already running (held by ${describeHolder(err.row)}); not started`);
      return EXIT.ok;
    }
    const bad = results.filter((r) => r.outcome === 'failed' || r.outcome === 'quarantined');
    const totals = results.reduce((t, r) => ({ added: t.added + r.added, removed: t.removed + r.removed, changed: t.changed + r.changed, suspended: t.suspended + r.suspended }), { added: 0, removed: 0, changed: 0, suspended: 0 });
    io.out(
      `${results.length} sources in ${((Date.now() - started) / 1000).toFixed(1)}s: ${totals.added} added, ${totals.removed} removed, ` +
        `${totals.changed} changed, ${totals.suspended} suspended` + (bad.length ? `; ${bad.length} not applied (${bad.map((b) => b.source).join(', ')})` : ''),
    );
    return bad.length ? 1 : 0;
  } catch (err) {
    throw diagnose(db, path, err, expected);
  } finally {
    db.close();
  }
}

/** A consistent copy of the database while the bot keeps writing (SQLite's online backup), then checked. */
async function backupCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(args, { force: { type: 'boolean' } });
  if (values.help) return help(io);
  if (positionals.length !== 1) throw new UsageError('backup needs one FILE to write the copy to');
  const target = positionals[0]!;
  const path = dbPath(values.db, io.env);
  if (resolve(target) === resolve(path)) throw new UsageError(`backup: ${target} is the database itself`);
  if (existsSync(target) && !values.force) throw new UsageError(`backup: ${target} exists; give another FILE, or --force to overwrite it`);
  if (path !== ':memory:' && !existsSync(path)) throw new NoListDataError(`there is no database at ${path} (nothing was created)`);
  const db = openStore(path, { check: true });
  try {
    // Large steps: a write by another process restarts the copy, so fewer steps finish sooner under load.
    const { totalPages } = await db.backup(target, { progress: () => 4096 });
    const copy = openDb(target, { readonly: true, check: true });
    copy.close();
    io.out(`Backed up ${path} to ${target} (${totalPages} pages, checked). To restore: stop the bot, then copy ${target} over ${path} (and remove ${path}-wal and ${path}-shm).`);
    return EXIT.ok;
  } catch (err) {
    throw diagnose(db, path, err, expected);
  } finally {
    db.close();
  }
}

function refreshLine(r: SourceRefreshResult, idWidth: number): string {
  const head = `${r.source.padEnd(idWidth)}  ${r.outcome.padEnd(12)}`;
  const time = `${(r.ms / 1000).toFixed(1)}s`;
  switch (r.outcome) {
    case 'applied':
    case 'unchanged':
      return `${head}${thousands(r.records).padStart(7)} records  ` +
        (r.baseline ? 'baseline (first snapshot, no events)' : `+${r.added} added  -${r.removed} removed  ~${r.changed} changed  ${r.suspended} suspended`) +
        (r.held ? `  (${r.held} removals held until the next fetch confirms them)` : '') + `  ${time}` +
        (r.warnings?.length ? `\n${' '.repeat(idWidth + 2)}warning: ${r.warnings.join(`\n${' '.repeat(idWidth + 2)}warning: `)}` : '');
    case 'not-modified':
      return `${head}${thousands(r.records).padStart(7)} records  source unchanged since the last refresh  ${time}`;
    default:
      return `${head}${r.message ?? ''}`;
  }
}

async function lookupCommand(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(args, {
    json: { type: 'boolean' },
    limit: { type: 'string' },
    page: { type: 'string' },
    list: { type: 'string' },
    side: { type: 'string' },
    batch: { type: 'string' },
    review: { type: 'boolean' },
    audit: { type: 'boolean' },
  });
  if (values.help) return help(io);
  const parsed = LookupParams.safeParse({ limit: values.limit, page: values.page, list: values.list, side: values.side });
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join('; '));
  // People reading the terminal always see the review band apart; JSON carries it only when asked.
  const options: LookupOptions = lookupOptions(parsed.data, Boolean(values.review || !values.json));
  const audit = values.audit ? { platform: 'cli', actor: currentUser(), place: hostname() } : undefined;
  if (values.batch && !values.json) throw new UsageError('--batch needs --json');
  if (values.batch && positionals.length) throw new UsageError('--batch reads its queries from the file; give no QUERY');
  const typed = positionals.join(' ').trim();
  if (!values.batch && !typed) throw new UsageError('lookup needs a QUERY');
  // Read the input before the database, so that a bad --batch path is a usage error whatever the data.
  const lines = values.batch ? await readBatch(values.batch, io) : [];
  return withListData(dbPath(values.db, io.env), (db) => {
    if (values.batch) {
      let bad = 0;
      for (const line of lines) {
        // A line that names nothing ("", "please") is answered as the empty query, in its place; a line with a bad
        // option ("Huawei side:eu") as an error in its place, never as a clean miss.
        const read = readQuery(line, options);
        if (!('query' in read) && !read.blank) {
          io.out(JSON.stringify({ query: line, error: read.problem }));
          bad++;
          continue;
        }
        const asked = 'query' in read ? read : { query: '', options };
        const response = lookup(db, asked.query, asked.options);
        if (audit && line.trim()) recordLookup(db, audit, response);
        io.out(JSON.stringify(response));
      }
      // Every line was answered; a line that could not be read makes the run a usage error, so scripts notice.
      if (bad) io.err(`${bad} line${bad === 1 ? '' : 's'} of --batch could not be read (answered with "error" in place)`);
      return bad ? EXIT.usage : 0;
    }
    const asked = readQuery(typed, options);
    if (!('query' in asked)) throw new UsageError(asked.problem);
    const response = lookup(db, asked.query, asked.options);
    if (audit) recordLookup(db, audit, response);
    if (values.json) io.out(JSON.stringify(response));
    else io.out(renderLookup(response));
    return 0;
  });
}

async function readBatch(path: string, io: CliIO): Promise<string[]> {
  let text: string;
  try {
    // Standard input as a stream: a synchronous read of fd 0 fails on a non-blocking pipe (EAGAIN) and elsewhere.
    text = path === '-' ? (await (io.stdin ? io.stdin() : readStdin())).toString() : readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read --batch file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

function renderLookup(response: LookupResponse): string {
  const { query, results, total, offset } = response;
  const review = response.review ?? [];
  const out: string[] = [];
  const searched = response.searched.filter((l) => l.freshness !== 'no data');
  const scope = coverageLine({ lists: response.searched, as_of: response.as_of, warnings: response.warnings });
  if (!total) {
    out.push(`No match for "${query}" on the ${searched.length} list${searched.length === 1 ? '' : 's'} searched (${listCodes(searched)}); ${scope.replace(/^.*?, data/, 'data')}.`);
  } else {
    const range = results.length < total ? `, showing ${offset + 1}-${offset + results.length} of ${total}` : '';
    out.push(`${total} match${total === 1 ? '' : 'es'} for "${query}"${range} (${scope}).`);
  }
  if (!total && response.outside_filter) out.push(`! Outside the lists searched, "${query}" matches ${response.outside_filter} part${response.outside_filter === 1 ? 'y' : 'ies'}: drop --list/--side (or list:/side:) to see ${response.outside_filter === 1 ? 'it' : 'them'}.`);
  if (response.warnings.length) out.push(response.warnings.map((w) => `! ${w}`).join('\n'));
  results.forEach((r, i) => out.push(renderParty(r, `${offset + i + 1}.`)));
  if (total > offset + results.length) out.push(`${total - offset - results.length} more: add --page ${Math.floor(offset / Math.max(results.length, 1)) + 2} (or a larger --limit).`);
  if (review.length) {
    out.push(`Below the match threshold, worth a look (review):`);
    review.slice(0, 3).forEach((r) => out.push(renderParty(r, '?')));
  }
  return out.join('\n\n');
}

function listCodes(lists: ListCoverage[]): string {
  return lists.length > 6 ? `${lists.slice(0, 6).map((l) => l.list).join(', ')} and ${lists.length - 6} more` : lists.map((l) => l.list).join(', ');
}

function renderParty(r: LookupResult, mark: string): string {
  const how = matchExplanation(r.match);
  const standing = r.standing === 'delisted' ? `NO LONGER LISTED${delistedSince(r) ? ` since ${delistedSince(r)}` : ''}  ` : r.standing === 'suspended' ? 'SUSPENDED (no designation in force)  ' : '';
  const head = `${mark} ${standing}${r.name}  [${r.type}${r.countries.length ? `, ${r.countries.join(' ')}` : ''}]  score ${r.score.toFixed(2)}: ${how} match on "${r.match.name}"`;
  const rows = r.designations.map((d) => [
    d.list,
    d.status + (d.until ? (d.status === 'removed' ? ` ${d.until}` : ` until ${d.until}`) : ''),
    sinceText(d) ?? '',
    d.citation ?? '',
    d.url ?? listInfo(d.list).url,
  ]);
  const aliases = r.aliases.length ? `\n   also: ${r.aliases.slice(0, 6).join('; ')}${r.aliases.length > 6 ? `; +${r.aliases.length - 6} more` : ''}` : '';
  // What happened to a designation since it was made (China suspends, resumes and stops measures).
  const histories = r.designations.flatMap((d) => {
    const text = historyText(d.history, 60);
    const rule = ruleText(d);
    return [...(text ? [`   ${d.list} history: ${text}`] : []), ...(rule ? [`   ${d.list}: ${rule}`] : [])];
  });
  // What an Entity List footnote digit in the licence text means (el-footnotes.ts), once per list and footnote.
  const footnotes = [...new Set(r.designations.flatMap((d) => footnoteNotes(d.notes).map((f) => `   ${d.list} ${f.charAt(0).toLowerCase()}${f.slice(1)}`)))];
  const notes = [...histories, ...footnotes];
  return `${head}${aliases}\n${indent(table(['list', 'status', 'since', 'citation', 'source'], rows), '   ')}${notes.length ? `\n${notes.join('\n')}` : ''}`;
}

function indent(text: string, by: string): string {
  return text
    .split('\n')
    .map((l) => by + l)
    .join('\n');
}

function eventsCommand(args: string[], io: CliIO): number {
  const { values, positionals } = parse(args, { json: { type: 'boolean' }, since: { type: 'string' } });
  if (values.help) return help(io);
  if (positionals.length) throw new UsageError(`events takes no arguments, got "${positionals.join(' ')}"`);
  const since = z.coerce.number().int().min(0).safeParse(values.since ?? 0);
  if (!since.success) throw new UsageError(`--since: must be an event id (a whole number), got "${values.since}"`);
  return withDb(dbPath(values.db, io.env), (db) => {
    const events = new EventStore(db).list({ sinceId: since.data });
    if (values.json) {
      for (const e of events) {
        io.out(JSON.stringify(eventJson(e)));
      }
      return 0;
    }
    if (!events.length) {
      io.out(since.data ? `No events after ${since.data}.` : 'No events yet: the first refresh of a source is its baseline.');
      return 0;
    }
    io.out(table(['id', 'at', 'kind', 'list', 'name', 'detail'], events.map((e) => [e.id, shownTime(e.at, 'second'), e.kind, e.list, e.name, describeDetail(e.detail)]), ['r']));
    return 0;
  });
}

function describeDetail(detail: Record<string, unknown>): string {
  const parts: string[] = [];
  if (Array.isArray(detail.fields)) parts.push(`fields: ${detail.fields.join(', ')}`);
  if (detail.until) parts.push(`until ${String(detail.until)}`);
  const date = eventDateText(detail);
  if (date) parts.push(date);
  if (detail.relisted) parts.push('relisted');
  return parts.join('; ');
}

function listsCommand(args: string[], io: CliIO): number {
  const { values, positionals } = parse(args, { json: { type: 'boolean' } });
  if (values.help) return help(io);
  if (positionals.length) throw new UsageError(`lists takes no arguments, got "${positionals.join(' ')}"`);
  return withDb(dbPath(values.db, io.env), (db) => {
    const summaries = listSummaries(db, { all: true });
    const licences = new SourceStore(db).licences();
    if (values.json) {
      for (const s of summaries) {
        io.out(JSON.stringify(listJson(s, licenceOfSources(licences, s.sources))));
      }
      return 0;
    }
    io.out(
      table(
        ['list', 'side', 'name', 'active', 'suspended', 'removed', 'sources', 'last refresh'],
        summaries.map((s) => [s.list, s.side, s.name, thousands(s.active), s.suspended || '', s.removed || '', s.sources.join(', ') || '-', shownTime(s.last_refresh, 'minute', 'never')]),
        ['l', 'l', 'l', 'r', 'r', 'r'],
      ),
    );
    const licensed = [...licences].filter(([id]) => summaries.some((s) => s.sources.includes(id)));
    if (licensed.length) io.out(`\n${licenceLines(licensed, summaries)}`);
    return 0;
    // The catalogue is an overview: a damaged file is said, whichever pages its counts happen to read.
  }, { check: true });
}

function statusCommand(args: string[], io: CliIO): number | Promise<number> {
  const { values, positionals } = parse(args, { json: { type: 'boolean' } });
  if (values.help) return help(io);
  if (positionals.length) throw new UsageError(`status takes no arguments, got "${positionals.join(' ')}"`);
  // PostgreSQL (DATABASE_URL): the sources are this host's copy's, the alerts the shared outbox's.
  const sharedUrl = sharedDatabaseUrl(io.env);
  const code = withDb(dbPath(values.db, io.env), (db) => {
    const store = new SourceStore(db);
    const sources = store.all();
    const licences = store.licences();
    if (values.json) {
      for (const s of sources) {
        io.out(JSON.stringify({ source: s.id, format: s.format, location: s.location, ...(licences.has(s.id) ? { licence: licences.get(s.id) } : {}), status: s.status, records: s.record_count, pending_removals: s.pending_removals, pending_since: s.pending_removals_since, warnings: s.parse_warnings ? (JSON.parse(s.parse_warnings) as string[]) : [], last_attempt: s.last_attempt_at, last_success: s.last_success_at, last_change: s.last_change_at, next_run: s.next_run_at, error: s.last_error }));
      }
      return 0;
    }
    if (!sources.length) {
      io.out('No source has been refreshed yet: run "sanctions refresh".');
      return 0;
    }
    io.out(
      table(
        ['source', 'status', 'records', 'last success', 'last change', 'next run', 'problem'],
        sources.map((s) => [s.id, s.status, thousands(s.record_count), shownTime(s.last_success_at, 'minute', 'never'), shownTime(s.last_change_at), shownTime(s.next_run_at), [s.last_error, s.pending_removals ? `${s.pending_removals} removals pending since ${shownTime(s.pending_removals_since, 'minute')}: applied when the next fetch confirms them` : '', warningsText(s.parse_warnings)].filter(Boolean).join('; ')]),
        ['l', 'l', 'r'],
      ),
    );
    const licensed = [...licences].filter(([id]) => sources.some((s) => s.id === id));
    if (licensed.length) io.out(`\n${licenceLines(licensed)}`);
    if (sharedUrl) return 0;
    const failed = failedSummary(db);
    if (failed.retryable) {
      io.out(
        `\nAlerts: ${failed.retryable} message(s) to ${failed.platforms.join(', ')} could not be delivered (oldest queued ${shownTime(failed.oldest)}; last error: ${failed.lastError ?? 'unknown'}): "sanctions outbox" lists them, "sanctions outbox retry --all" sends them again.`,
      );
    }
    return 0;
  }, { check: true });
  if (!sharedUrl || values.json) return code;
  return sharedStatusLines(sharedUrl).then((lines) => {
    for (const line of lines) io.out(line);
    return code;
  });
}

function outboxCommand(args: string[], io: CliIO): number | Promise<number> {
  const { values, positionals } = parse(args, { json: { type: 'boolean' }, id: { type: 'string' }, all: { type: 'boolean' } });
  if (values.help) return help(io);
  const [action, ...extra] = positionals;
  if (extra.length || (action !== undefined && action !== 'retry')) throw new UsageError(`outbox takes "retry" or nothing, got "${positionals.join(' ')}"`);
  // PostgreSQL (DATABASE_URL): the outbox is the shared store's (src/cli/shared-outbox.ts).
  const sharedUrl = sharedDatabaseUrl(io.env);
  if (sharedUrl && values.db) throw new UsageError('--db names a SQLite file, but DATABASE_URL is set: the outbox is in PostgreSQL (unset DATABASE_URL to use the file)');
  if (action === 'retry') {
    const id = values.id === undefined ? undefined : z.coerce.number().int().min(1).safeParse(values.id);
    if (id && !id.success) throw new UsageError(`--id: must be a message id from "sanctions outbox", got "${values.id}"`);
    if (Boolean(id) === Boolean(values.all)) throw new UsageError('outbox retry needs --id N or --all');
    if (sharedUrl) return retryShared(sharedUrl, id ? { id: id.data! } : { all: true }, io);
    return withDb(dbPath(values.db, io.env), (db) => {
      const n = retryFailed(db, id ? { id: id.data! } : { all: true });
      if (id && !n) {
        io.err(`sanctions: no failed message ${id.data} that can be sent again (see "sanctions outbox"; a paused subscription's messages are not sent again)`);
        return 1;
      }
      io.out(`${n} message(s) queued again: a running bot sends them within ALERT_POLL_MS.`);
      return 0;
    });
  }
  if (values.id !== undefined || values.all) throw new UsageError('--id and --all go with "outbox retry"');
  if (sharedUrl) return listShared(sharedUrl, Boolean(values.json), io);
  return withDb(dbPath(values.db, io.env), (db) => {
    printFailed(failedMessages(db), Boolean(values.json), io);
    return 0;
  });
}

/** "warning: 2 notices parsed to nothing (first: ...)" from a source's stored parse warnings. */
function warningsText(json: string | null): string {
  const warnings = json ? (JSON.parse(json) as string[]) : [];
  if (!warnings.length) return '';
  return `warning: ${warnings.length === 1 ? warnings[0] : `${warnings.length} parse warnings (first: ${warnings[0]})`}`;
}

function auditCommand(args: string[], io: CliIO): number {
  const { values, positionals } = parse(args, { json: { type: 'boolean' }, limit: { type: 'string' } });
  if (values.help) return help(io);
  if (positionals.length) throw new UsageError(`audit takes no arguments, got "${positionals.join(' ')}"`);
  const limit = z.coerce.number().int().min(1).max(10_000).safeParse(values.limit ?? 50);
  if (!limit.success) throw new UsageError(`--limit: must be a whole number from 1 to 10000, got "${values.limit}"`);
  return withDb(dbPath(values.db, io.env), (db) => {
    const entries = auditTrail(db, { limit: limit.data });
    // Acknowledged alerts ("Acknowledge") are entries of their own kind: who handled which alert message, when.
    const acks = ackTrail(db, { limit: limit.data });
    if (values.json) {
      const all = [...entries.map((e) => ({ kind: 'lookup' as const, ...e })), ...acks].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
      for (const e of all.slice(0, limit.data)) io.out(JSON.stringify(e));
      return 0;
    }
    if (!entries.length && !acks.length) {
      io.out('The audit trail is empty.');
      return 0;
    }
    if (entries.length) {
      io.out(
        table(
          ['id', 'at', 'platform', 'who', 'where', 'query', 'top result', 'data'],
          entries.map((e) => [e.id, shownTime(e.at, 'second'), e.platform, e.actor ?? '', e.place ?? '', e.query, e.results[0] ? `${e.results[0].name} (${e.results[0].score})` : 'no match', `v${e.datasetVersion}`]),
          ['r'],
        ),
      );
    }
    if (acks.length) {
      if (entries.length) io.out('');
      io.out('Acknowledged alerts:');
      io.out(
        table(
          ['alert', 'acknowledged', 'platform', 'who', 'channel', 'message', 'queued'],
          acks.map((a) => [a.outbox, shownTime(a.at, 'second'), a.platform, a.name ? `${a.name} (${a.actor})` : a.actor, a.channel, `${a.message}: ${(a.headline ?? '').slice(0, 60)}`, a.queuedAt ? shownTime(a.queuedAt, 'second') : '']),
          ['r'],
        ),
      );
    }
    return 0;
  });
}

function help(io: CliIO): number {
  io.out(USAGE);
  return 0;
}
