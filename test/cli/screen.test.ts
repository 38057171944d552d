/**
 * `sanctions screen`: a 1,000-row CSV of real listed names (from the shared data) and clean names, screened by
 * the CLI, agrees row for row with `sanctions lookup --json --review --batch` on the same names; the result
 * file, stdin, --out, --json and the refusals (exit 2, one line naming the problem).
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { screenCsv, screenNames } from '../../bench/lib/screen-names';
import { run } from '../../src/cli';
import { verdictOf } from '../../src/core/screen/verdict';
import { openDb } from '../../src/core/store/db';
import { REPO_ROOT } from '../helpers/shared';
import { tempDir } from '../helpers/tmp';
import { xlsx } from '../helpers/xlsx';
import { parse } from 'csv-parse/sync';
import { readXlsx } from '../../src/core/screen/xlsx';

const dir = tempDir();
const db = inject('currentDb');
const namesCsv = join(dir, 'names.csv');
const namesTxt = join(dir, 'names.txt');
let names: ReturnType<typeof screenNames>;

function cli(args: string[], stdin?: string) {
  const out: string[] = [];
  const err: string[] = [];
  return run(args, { out: (t) => out.push(t), err: (t) => err.push(t), env: {}, ...(stdin !== undefined ? { stdin: () => stdin } : {}) }).then((code) => ({
    code,
    out: out.join('\n'),
    err: err.join('\n'),
    lines: out.join('\n').split('\n').filter(Boolean),
  }));
}

beforeAll(() => {
  const handle = openDb(db, { readonly: true });
  names = screenNames(handle, { listed: 600, clean: 400 });
  handle.close();
  writeFileSync(namesCsv, screenCsv(names));
  writeFileSync(namesTxt, `${names.rows.map((r) => r.name).join('\n')}\n`);
});

describe('sanctions screen', () => {
  it('screens 1,000 real and clean names with the verdicts of lookup --json --review --batch, row for row', async () => {
    expect(names.rows).toHaveLength(1000);
    const screened = await cli(['screen', namesCsv, '--json', '--db', db]);
    expect(screened.err).toBe('');
    expect(screened.code).toBe(0);
    const rows = screened.lines.slice(0, -1).map((l) => JSON.parse(l) as { row: number; name: string; verdict: string; match: { id: string } | null });
    const summary = (JSON.parse(screened.lines.at(-1)!) as { summary: Record<string, number | unknown> }).summary;
    const batch = await cli(['lookup', '--json', '--review', '--batch', namesTxt, '--db', db]);
    expect(batch.code).toBe(0);
    const responses = batch.lines.map((l) => JSON.parse(l) as Parameters<typeof verdictOf>[0] & { query: string });
    expect(responses).toHaveLength(1000);
    expect(rows.map((r) => r.name)).toEqual(names.rows.map((r) => r.name));
    expect(rows.map((r) => r.verdict)).toEqual(responses.map((r) => verdictOf(r)));
    // Without --review the batch still says which rows match: a party in force among its results.
    const plain = (await cli(['lookup', '--json', '--batch', namesTxt, '--db', db])).lines.map((l) => JSON.parse(l) as { results: Array<{ standing: string }> });
    expect(rows.map((r) => r.verdict === 'match')).toEqual(plain.map((p) => p.results.some((x) => x.standing === 'listed')));
    expect(rows.map((r) => r.row)).toEqual(names.rows.map((_, i) => i + 2));
    // The listed names are found, and the made-up ones are not (this is real screening, not an echo).
    const listedMatched = rows.filter((r, i) => names.rows[i]!.listed && r.verdict === 'match').length;
    const cleanClear = rows.filter((r, i) => !names.rows[i]!.listed && r.verdict === 'clear').length;
    expect(listedMatched).toBeGreaterThanOrEqual(570);
    expect(cleanClear).toBeGreaterThanOrEqual(380);
    expect(summary).toMatchObject({ rows: 1000, skipped: 0, errors: 0, thresholds: { match: 0.8, review: 0.65 } });
    expect((summary.match as number) + (summary.review as number) + (summary.clear as number)).toBe(1000);
    expect(summary.lists).toEqual(expect.arrayContaining(['US-OFAC-SDN', 'US-BIS-EL', 'CN-MOFCOM-UEL']));
    expect(summary.as_of).toMatch(/^\d{4}-/);
  });

  it('--out writes the result CSV and prints the summary; XLSX in gives the same rows', async () => {
    const out = join(dir, 'result.csv');
    const book = join(dir, 'names.xlsx');
    writeFileSync(book, xlsx([['Name', 'Country'], ['Hikvision', 'CN'], ['=cmd|" /C calc"!A0', ''], ['Thistle Bakery Oy', 'FI']]));
    const { code, out: printed } = await cli(['screen', book, '--out', out, '--db', db]);
    expect(code).toBe(0);
    expect(printed.split('\n')[0]).toBe('3 rows: 1 match, 0 to review, 2 clear.');
    expect(printed).toMatch(/Searched \d+ lists .* data as of /);
    expect(printed).toContain('Read XLSX sheet "Names", names from Name, countries from Country (row 1 is the header).');
    expect(printed.split('\n').at(-1)).toBe(`Written to ${out}.`);
    const lines = readFileSync(out, 'utf8').replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0]).toBe('row,input name,input country,verdict,best match,score,matched,standing,lists,status,since,citation,link,party id,candidates,note');
    expect(lines[1]).toMatch(/^2,Hikvision,CN,match,"Hangzhou Hikvision Digital Technology Co\., Ltd\.",1\.000,/);
    expect(lines[2]).toMatch(/^3,"'=cmd\|"" \/C calc""!A0",,clear,/);
    expect(lines[3]).toMatch(/^4,Thistle Bakery Oy,FI,clear,/);
  });

  it('--out FILE.xlsx writes the result as a workbook with the same rows as the CSV', async () => {
    const book = join(dir, 'result.xlsx');
    const csvOut = join(dir, 'same.csv');
    const input = join(dir, 'few.csv');
    writeFileSync(input, 'Name,Country\nHikvision,CN\n=1+1,\n华为技术有限公司,CN\n');
    expect((await cli(['screen', input, '--out', book, '--db', db])).code).toBe(0);
    expect((await cli(['screen', input, '--out', csvOut, '--db', db])).code).toBe(0);
    const sheet = readXlsx(readFileSync(book), { maxRows: 100, maxInflatedBytes: 1 << 24 });
    expect(sheet.sheet).toBe('Screening');
    const csvRows = parse(readFileSync(csvOut, 'utf8'), { bom: true, relax_column_count: true }) as string[][];
    // The same cells, except that a workbook needs no apostrophe before a formula-like name (its cells are text).
    expect(sheet.rows.map((r) => r.slice(0, 6))).toEqual(csvRows.map((r) => r.slice(0, 6).map((c) => c.replace(/^'(?=[=+\-@])/, ''))));
    expect(sheet.rows[2]!.slice(0, 3)).toEqual(['3', '=1+1', '']);
    expect(sheet.rows[3]![3]).toBe('match');
  });

  it('reads the file from standard input (-) in the real process, CSV out and the summary on stderr', async () => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/sanctions.js'), 'screen', '-', '--db', db], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.end('Name\nDJI\n\nAcme Widgets of Nowhere\n');
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(out.replace(/^\uFEFF/, '').split('\r\n').map((l) => l.split(',').slice(0, 4).join(','))).toEqual([
      'row,input name,input country,verdict',
      '2,DJI,,match',
      '3,,,skipped',
      '4,Acme Widgets of Nowhere,,clear',
    ]);
    expect(err.split('\n')[0]).toBe('3 rows: 1 match, 0 to review, 1 clear (1 skipped (no name)).');
  }, 30_000);

  it.each([
    [['screen', 'NAMES', '--column', 'Supplier'], /^sanctions: .*names\.csv: no column named "Supplier" in row 1 \(the header row has "Name", "Country"\)$/],
    [['screen', '-'], /^sanctions: standard input: not a CSV or XLSX file: row 1 holds binary data/],
  ])('refuses %j with one line and exit 2', async (args, reason) => {
    const { code, err, out } = await cli([...args.map((a) => (a === 'NAMES' ? namesCsv : a)), '--db', db], '\u0000\u0001garbage');
    expect({ code, out }).toEqual({ code: 2, out: '' });
    expect(err).toMatch(reason);
    expect(err).not.toContain('\n');
  });

  it('too many rows is refused by the configured limit, naming the row', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await run(['screen', namesCsv, '--db', db], { out: (t) => out.push(t), err: (t) => err.push(t), env: { SCREEN_MAX_ROWS: '999' } });
    expect(code).toBe(2);
    expect(err.join('\n')).toMatch(/names\.csv: row 1,001: more than 999 rows of names \(SCREEN_MAX_ROWS\); split the file$/);
    expect(out).toEqual([]);
  });

  it('never answers from a missing database: exit 3, nothing printed, no file created', async () => {
    const missing = join(dir, 'none', 'missing.db');
    const { code, out, err } = await cli(['screen', namesCsv, '--db', missing]);
    expect({ code, out }).toEqual({ code: 3, out: '' });
    expect(err).toMatch(/^sanctions: no list data loaded: there is no database at .*missing\.db \(nothing was created\)/);
  });

  it('is in the help, and usage errors say what is wrong', async () => {
    expect((await cli(['help'])).out).toMatch(/screen FILE\|- \[--column NAME\] \[--country-column NAME\] \[--out FILE\] \[--json\]/);
    expect((await cli(['screen', '--db', db])).err).toMatch(/^sanctions: screen needs one FILE/);
    expect((await cli(['screen', namesCsv, '--out', 'x.xls', '--db', db])).err).toMatch(/^sanctions: --out writes CSV, or XLSX when FILE ends in \.xlsx/);
    expect((await cli(['screen', join(dir, 'nope.csv'), '--db', db])).err).toMatch(/^sanctions: cannot read .*nope\.csv: no such file/);
  });
});
