/**
 * `sanctions screen FILE|- [--column NAME] [--country-column NAME] [--out FILE] [--json]`: a CSV or XLSX of names
 * in, one verdict row per input row out (src/core/screen). Wired from src/cli.ts, which hands in its database
 * and usage helpers (so that this module does not import the CLI back).
 *
 *   --out FILE   the result CSV (XLSX when FILE ends in .xlsx) goes to FILE and the summary to standard output; without it, the CSV goes to
 *                standard output and the summary to standard error (so `> result.csv` keeps only the CSV)
 *   --json       one JSON object per row, then {"summary": {...}}, on standard output
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Db } from '../core/store/db';
import { ScreenError } from '../core/screen/errors';
import { screenLimits, sizeText } from '../core/screen/limits';
import { resultCsv, rowJson, summaryJson, summaryLines } from '../core/screen/output';
import { screenFile } from '../core/screen/screen';
import { resultXlsx } from '../core/screen/xlsx-write';
import { readStdin } from './stdin';

export interface ScreenCliIO {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  stdin?: () => string | Buffer | Promise<string | Buffer>;
}

export interface ScreenCliContext {
  /** Open the database, refusing one with no list data (exit 3). */
  withListData: <T>(path: string, fn: (db: Db) => T) => T;
  dbPath: (flag: string | undefined) => string;
  /** An error the CLI prints with its usage text and exit 2. */
  usage: (message: string) => Error;
  help: () => number;
}

export const SCREEN_USAGE = 'screen FILE|- [--column NAME] [--country-column NAME] [--out FILE] [--json]';

export async function screenCommand(args: string[], io: ScreenCliIO, ctx: ScreenCliContext): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { db: { type: 'string' }, help: { type: 'boolean', short: 'h' }, column: { type: 'string' }, 'country-column': { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw ctx.usage((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return ctx.help();
  if (positionals.length !== 1) throw ctx.usage(`screen needs one FILE (CSV or XLSX; - for standard input), got ${positionals.length ? `"${positionals.join(' ')}"` : 'none'}`);
  const file = positionals[0]!;
  if (values.out && values.json) throw ctx.usage('--out writes the CSV; --json prints JSON: give one of them');
  if (values.out && /\.(xls|xlsm|xlsb|ods)$/i.test(values.out)) throw ctx.usage('--out writes CSV, or XLSX when FILE ends in .xlsx');
  if (values.out && values.out !== '-' && file !== '-' && resolve(values.out) === resolve(file)) throw ctx.usage('--out is the input file itself');
  for (const [flag, value] of [['--column', values.column], ['--country-column', values['country-column']]] as const) {
    if (value !== undefined && !value.trim()) throw ctx.usage(`${flag} needs a column name (as in the header row)`);
  }
  const limits = screenLimits(io.env);
  // Read the input before the database, so that a bad file is said whatever the data.
  let bytes: Buffer;
  try {
    if (file === '-') {
      const input = await (io.stdin ? io.stdin() : readStdin(process.stdin, limits.maxBytes));
      bytes = typeof input === 'string' ? Buffer.from(input) : input;
    } else {
      if (!existsSync(file)) throw ctx.usage(`cannot read ${file}: no such file`);
      const size = statSync(file).size;
      if (size > limits.maxBytes) throw new ScreenError(`the file is ${sizeText(size)}, more than the ${sizeText(limits.maxBytes)} allowed (SCREEN_MAX_BYTES)`);
      bytes = readFileSync(file);
    }
  } catch (err) {
    if (err instanceof ScreenError) return refuse(io, file, err);
    if ((err as NodeJS.ErrnoException).code) throw ctx.usage(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code}`);
    throw err;
  }
  let report;
  try {
    report = ctx.withListData(ctx.dbPath(values.db), (db) => screenFile(db, bytes, { column: values.column, countryColumn: values['country-column'], fileName: file === '-' ? undefined : file, limits }));
  } catch (err) {
    if (err instanceof ScreenError) return refuse(io, file, err);
    throw err;
  }
  if (values.json) {
    for (const r of report.rows) io.out(JSON.stringify(rowJson(r)));
    io.out(JSON.stringify(summaryJson(report)));
  } else if (values.out && values.out !== '-') {
    writeFileSync(values.out, /\.xlsx$/i.test(values.out) ? resultXlsx(report) : resultCsv(report));
    io.out([...summaryLines(report), `Written to ${values.out}.`].join('\n'));
  } else {
    io.out(resultCsv(report).replace(/\r\n$/, ''));
    io.err(summaryLines(report).join('\n'));
  }
  // Like --batch: a row that could not be looked up makes the run a usage error, so that scripts notice.
  if (report.summary.errors) io.err(`sanctions: ${report.summary.errors} row${report.summary.errors === 1 ? '' : 's'} could not be screened (answered with verdict "error" in place)`);
  return report.summary.errors ? 2 : 0;
}

/** One line naming the file and the problem (the row and column where there is one); exit 2. */
function refuse(io: ScreenCliIO, file: string, err: ScreenError): number {
  io.err(`sanctions: ${file === '-' ? 'standard input' : file}: ${err.message}`);
  return 2;
}
