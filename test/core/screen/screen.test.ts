/**
 * Screening a file of names over the shared current dataset: CSV and XLSX read alike, columns chosen by header,
 * verdicts from the same lookup the CLI's batch answers, the country column choosing among candidates without
 * changing a verdict, and every malformed file refused with one line that names the problem (and the row).
 */
import { describe, expect, it } from 'vitest';
import { lookup } from '../../../src/core/lookup';
import { ScreenError } from '../../../src/core/screen/errors';
import { screenLimits } from '../../../src/core/screen/limits';
import { csvCell, resultCsv, summaryLines } from '../../../src/core/screen/output';
import { screenFile, screenFileAsync, type ScreenReport } from '../../../src/core/screen/screen';
import { verdictOf } from '../../../src/core/screen/verdict';
import { ConfigError } from '../../../src/core/config';
import { isScreenable, parseScreenAsk, screenForChat } from '../../../src/core/screen/chat';
import { openDb } from '../../../src/core/store/db';
import { currentDb } from '../../helpers/current';
import { xlsx, zip } from '../../helpers/xlsx';

const db = currentDb();
const limits = { maxBytes: 5 * 1024 * 1024, maxRows: 5000 };
const csv = (text: string) => Buffer.from(text, 'utf8');

function screen(bytes: Buffer, options: { column?: string; countryColumn?: string; fileName?: string; maxRows?: number; maxBytes?: number } = {}): ScreenReport {
  return screenFile(db, bytes, { ...options, limits: { ...limits, ...(options.maxRows ? { maxRows: options.maxRows } : {}), ...(options.maxBytes ? { maxBytes: options.maxBytes } : {}) } });
}

function refusal(bytes: Buffer, options: Parameters<typeof screen>[1] = {}): string {
  try {
    screen(bytes, options);
  } catch (err) {
    if (err instanceof ScreenError) return err.message;
    throw err;
  }
  throw new Error('screened a file that should have been refused');
}

const NAMES = ['Hikvision', 'Huawei', 'Rheinmetall AG', 'Microsoft Corporation', '华为技术有限公司', 'Lockheed Martin Corporation'];

describe('screening a file', () => {
  it('gives one row per input row with the verdict of the same lookup, in order, empty rows skipped (never clear)', () => {
    const report = screen(csv(`Company Name;Country\n${NAMES.slice(0, 3).join(';\n')};\n;\n${NAMES.slice(3).join(';\n')};\n`), { fileName: 'names.csv' });
    expect(report.file).toMatchObject({ format: 'csv', header: true, column: 'Company Name', countryColumn: 'Country' });
    expect(report.rows.map((r) => r.row)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(report.rows[3]).toMatchObject({ verdict: 'skipped', note: 'empty row' });
    const screened = report.rows.filter((r) => r.verdict !== 'skipped');
    expect(screened.map((r) => r.name)).toEqual(NAMES);
    for (const r of screened) expect(r.verdict).toBe(verdictOf(lookup(db, r.name, { limit: 10, review: true })));
    expect(screened.map((r) => r.verdict)).toEqual(['match', 'match', 'match', 'clear', 'match', 'match']);
    expect(screened[0]!.best!.name).toMatch(/Hikvision/);
    expect(screened[4]!.best!.name).toMatch(/Huawei Technologies/);
    expect(report.summary).toMatchObject({ rows: 7, match: 5, review: 0, clear: 1, skipped: 1, errors: 0 });
    expect(report.summary.searched.map((l) => l.list)).toEqual(expect.arrayContaining(['US-OFAC-SDN', 'US-BIS-EL', 'CN-MOFCOM-UEL']));
    expect(report.summary.as_of).toMatch(/^\d{4}-\d\d-\d\dT/);
    const lines = summaryLines(report);
    expect(lines).toContain('Row 2: Hikvision -> Hangzhou Hikvision Digital Technology Co., Ltd. (US-BIS-EL, US-OFAC-CMIC, US-DOD-1260H; score 1.00)');
    expect(lines.filter((l) => l.startsWith('Row '))).toHaveLength(5);
    expect(lines.some((l) => l.includes('Microsoft'))).toBe(false);
    const [head, scope] = lines;
    expect(head).toBe('7 rows: 5 matches, 0 to review, 1 clear (1 skipped (no name)).');
    expect(scope).toMatch(/^Searched \d+ lists \(US \d+, China \d+\), data as of \d{4}-\d\d-\d\d \d\d:\d\d UTC: US-BIS-EL, /);
  });

  it('reads the same names from an XLSX as from a CSV, with the same verdicts', () => {
    const rows: Array<Array<string | number | null>> = [['Ref', 'Counterparty', 'Country'], ...NAMES.map((n, i) => [i + 1, i === 2 ? `inline:${n}` : n, i === 1 ? null : 'CN'])];
    const fromXlsx = screen(xlsx(rows), { fileName: 'names.xlsx' });
    const fromCsv = screen(csv(`Ref,Counterparty,Country\n${NAMES.map((n, i) => `${i + 1},${n},${i === 1 ? '' : 'CN'}`).join('\n')}\n`));
    expect(fromXlsx.file).toMatchObject({ format: 'xlsx', sheet: 'Names', column: 'Counterparty', countryColumn: 'Country' });
    expect(fromXlsx.rows.map((r) => [r.row, r.name, r.verdict, r.best?.id])).toEqual(fromCsv.rows.map((r) => [r.row, r.name, r.verdict, r.best?.id]));
  });

  it('takes the column asked for, case-insensitively; a missing one is named with the headings there are', () => {
    const file = csv('id,LEGAL ENTITY,notes\n1,Hikvision,x\n2,Acme Widgets of Nowhere,y\n');
    expect(screen(file, { column: 'legal entity' }).rows.map((r) => r.name)).toEqual(['Hikvision', 'Acme Widgets of Nowhere']);
    expect(refusal(file, { column: 'Supplier' })).toBe('no column named "Supplier" in row 1 (the header row has "id", "LEGAL ENTITY", "notes")');
    expect(refusal(file, { column: 'legal entity', countryColumn: 'Land' })).toMatch(/^no column named "Land" in row 1/);
  });

  it('reads one name per row with no header when the first row is no heading', () => {
    const report = screen(csv('Hikvision\nDJI\n'));
    expect(report.file).toMatchObject({ header: false, column: 'column A' });
    expect(report.rows.map((r) => [r.row, r.verdict])).toEqual([[1, 'match'], [2, 'match']]);
  });

  it('lets the country choose among candidates, never the verdict, and says which had the highest score', () => {
    const report = screen(csv('Name,Country\nHuawei,France\nHuawei,\n'));
    const [fr, none] = report.rows;
    expect(fr!.verdict).toBe(none!.verdict);
    expect(fr!.best!.countries).toContain('FR');
    expect(fr!.passedOver?.name).toBe(none!.best!.name);
    expect(resultCsv(report)).toContain('chosen for its country (FR); highest score: Huawei Technologies');
  });

  it('answers a cell it cannot look up as an error naming row and column, never as clear', () => {
    const report = screen(csv('Name\nHikvision\nHuawei side:eu\n'));
    expect(report.rows[1]).toMatchObject({ row: 3, verdict: 'error', note: 'row 3, column A (Name): side is us or cn, got "eu"' });
    expect(report.summary).toMatchObject({ errors: 1, clear: 0 });
  });

  it('screens in slices for the bots, giving the event loop back, with the same report', async () => {
    const file = csv(`Name\n${NAMES.join('\n')}\n`);
    let ran = false;
    setImmediate(() => (ran = true));
    const sliced = await screenFileAsync(db, file, { limits }, 0);
    // Without a yield to the event loop, the whole screening would finish before that callback could run.
    expect(ran).toBe(true);
    expect(sliced.rows.map((r) => [r.verdict, r.best?.id])).toEqual(screen(file).rows.map((r) => [r.verdict, r.best?.id]));
  });

  it('writes names that look like formulas as text in the result file', () => {
    const report = screen(csv('Name\n=HYPERLINK("http://x")\n+1-2\n-Acme\n@SUM(A1)\n'));
    const lines = resultCsv(report).split('\r\n');
    expect(lines[0]!.charCodeAt(0)).toBe(0xfeff);
    expect(lines.slice(1, 5).map((l) => l.split(',')[1])).toEqual([`"'=HYPERLINK(""http://x"")"`, "'+1-2", "'-Acme", "'@SUM(A1)"]);
    expect(csvCell('\tcmd')).toBe("'\tcmd");
    expect(csvCell('plain')).toBe('plain');
  });
});

describe('files that cannot be screened: one line naming the problem', () => {
  it.each([
    ['binary garbage', Buffer.from([0x41, 0x0a, 0x42, 0x0a, 0x00, 0xff, 0x13, 0x37]), {}, /^not a CSV or XLSX file: row 3 holds binary data/],
    ['an XLSX that is not a ZIP', csv('Name\nHikvision\n'), { fileName: 'names.xlsx' }, /^not a readable XLSX: the file is not a ZIP archive/],
    ['a ZIP cut short', xlsx([['Name'], ['Hikvision']]).subarray(0, 200), {}, /^not a readable XLSX: the ZIP directory is missing/],
    ['a ZIP that is not a workbook', zip([{ name: 'readme.txt', data: 'hello' }]), {}, /^not a readable XLSX: the archive has no xl\/workbook\.xml$/],
    ['an XLSX part with a DOCTYPE (entity expansion)', zip([{ name: 'xl/workbook.xml', data: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><workbook>&a;</workbook>' }]), {}, /^not a readable XLSX: xl\/workbook\.xml declares a DOCTYPE/],
    ['an old .xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), {}, /^an old Excel \.xls .* save it as XLSX or CSV$/],
    ['Latin-1 text', Buffer.from('Name\nBeijing\nM\xfcller GmbH\n', 'latin1'), {}, /^not UTF-8 text: row 3 has a byte that is not UTF-8/],
    ['an empty file', Buffer.alloc(0), {}, /^the file is empty/],
    ['only a header', csv('Name\n'), {}, /^the file has a header row \(Name\) and no names under it$/],
    ['too many rows', csv(`Name\n${Array.from({ length: 12 }, (_, i) => `Company ${i}`).join('\n')}\n`), { maxRows: 10 }, /^row 12: more than 10 rows of names \(SCREEN_MAX_ROWS\); split the file$/],
    ['too many rows, the last after a run of empty rows', csv(`Name\n${Array.from({ length: 10 }, (_, i) => `Company ${i}`).join('\n')}\n\n\n\nHikvision\n`), { maxRows: 10 }, /^row 12: more than 10 rows of names/],
    ['too many rows in an XLSX', xlsx([['Name'], ...Array.from({ length: 11 }, (_, i) => [`Company ${i}`])]), { maxRows: 10 }, /^row 12: more than 10 rows of names/],
    ['an XLSX with a cell far to the right (every row would be padded out to it)', xlsx([['Name'], ['Hikvision', ...Array<null>(300).fill(null), 'x']]), {}, /^row 2: a cell in column KP, beyond the 256 columns read; keep the names/],
    ['too large', csv('Name\n' + 'Hikvision\n'.repeat(300)), { maxBytes: 1024 }, /^the file is 2\.9 KB, more than the 1 KB allowed \(SCREEN_MAX_BYTES\)$/],
  ] as const)('%s', (_what, bytes, options, reason) => {
    const message = refusal(Buffer.from(bytes), options);
    expect(message).toMatch(reason);
    expect(message).not.toContain('\n');
  });

  it('refuses an XLSX whose sheet would inflate past the cap (a zip bomb), before inflating it all', () => {
    const bomb = zip([{ name: 'xl/workbook.xml', data: Buffer.alloc(30 * 1024 * 1024, 0x20) }]);
    expect(bomb.length).toBeLessThan(100_000);
    expect(refusal(bomb, { maxBytes: 64 * 1024 })).toMatch(/^not screened: xl\/workbook\.xml inflates to \d+ bytes, more than the 4194304 allowed$/);
  });

  it('validates its limits from the environment, naming the variable', () => {
    expect(screenLimits({})).toEqual({ maxBytes: 5 * 1024 * 1024, maxRows: 5000 });
    expect(screenLimits({ SCREEN_MAX_ROWS: '200', SCREEN_MAX_BYTES: '65536' })).toEqual({ maxBytes: 65536, maxRows: 200 });
    expect(() => screenLimits({ SCREEN_MAX_ROWS: 'lots' })).toThrow(ConfigError);
    expect(() => screenLimits({ SCREEN_MAX_ROWS: '0' })).toThrow(/SCREEN_MAX_ROWS: must be a whole number from 1 to 100000, got "0"/);
  });
});

describe('screening for chat', () => {
  it('refuses to screen from the demo seed or from no data, and answers the file and summary otherwise', async () => {
    const file = csv('Name\nHikvision\n');
    expect(await screenForChat({ db, seed: true }, file, { limits, fileName: 'a.csv' })).toEqual({ ok: false, reason: expect.stringMatching(/^Not screened: the bot is answering from its bundled demo seed/) });
    const empty = openDb(':memory:');
    expect(await screenForChat({ db: empty, seed: false }, file, { limits, fileName: 'a.csv' })).toEqual({ ok: false, reason: expect.stringMatching(/^Not screened: no list data is loaded yet/) });
    empty.close();
    const answer = await screenForChat({ db, seed: false }, file, { limits, fileName: 'a.csv' });
    expect(answer.ok && answer.file.name).toBe('a-screened.csv');
    expect(answer.ok && answer.summary[0]).toBe('1 row: 1 match, 0 to review, 0 clear.');
    expect(await screenForChat({ db, seed: false }, Buffer.from([0, 1, 2]), { limits, fileName: 'b.csv' })).toEqual({ ok: false, reason: expect.stringMatching(/^Could not screen b\.csv: not a CSV or XLSX file/) });
  });

  it('reads the options written beside a file, and knows which files to screen', () => {
    expect(parseScreenAsk('please column:"Legal name" country:Land thanks')).toEqual({ column: 'Legal name', countryColumn: 'Land' });
    expect(parseScreenAsk('column=Company country-column=“Pays d’origine”')).toEqual({ column: 'Company', countryColumn: 'Pays d’origine' });
    expect(parseScreenAsk('just the file')).toEqual({});
    expect(isScreenable('a.CSV')).toBe(true);
    expect(isScreenable('book.xlsx')).toBe(true);
    expect(isScreenable('blob', 'text/csv; charset=utf-8')).toBe(true);
    expect(isScreenable('photo.png', 'image/png')).toBe(false);
  });
});
