/**
 * Screening files through the real Bolt against the loopback fake of Slack: a CSV or XLSX shared in the DM
 * with the app is downloaded with the bot token (url_private_download), screened, and answered in the file's
 * thread with the result file (files.uploadV2) and the summary; its verdicts agree with the CLI's
 * `lookup --json --review --batch` on the same names. Malformed files get one line naming the problem.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type { EnvelopedEvent, SlashCommand, types } from '@slack/bolt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { screenCsv, screenNames, type ScreenNames } from '../../../bench/lib/screen-names';
import { createSlackApp, type SlackBot } from '../../../src/bots/slack/app';
import { run } from '../../../src/cli';
import type { DataHandle } from '../../../src/core/dataset';
import { verdictOf } from '../../../src/core/screen/verdict';
import { currentDb } from '../../helpers/current';
import { tempDir } from '../../helpers/tmp';
import { xlsx } from '../../helpers/xlsx';
import { postToBot, startFakeSlack, waitFor, type FakeSlack, type HostedFile, type RecordedCall } from './fake-slack';

const SECRET = 'test-signing-secret';
const logs: string[] = [];
const logger = pino({ level: 'warn' }, { write: (line: string) => void logs.push(line) });
const dir = tempDir();
const db = currentDb();

let fake: FakeSlack;
let bot: SlackBot;
let port: number;
let names: ScreenNames;
let seq = 0;

/** A file object as Slack puts it in a file_share event. */
function fileObject(f: HostedFile): NonNullable<types.FileShareMessageEvent['files']>[number] {
  return {
    ...f,
    created: 1_700_000_000,
    title: f.name,
    filetype: f.name.split('.').pop() ?? '',
    pretty_type: 'CSV',
    editable: false,
    mode: 'hosted',
    is_external: false,
    external_type: null,
    is_public: false,
    public_url_shared: false,
    display_as_bot: false,
    username: null,
    permalink: `https://acme.slack.com/files/UUSER/${f.id}/${f.name}`,
    channels: null,
    groups: null,
  } as NonNullable<types.FileShareMessageEvent['files']>[number];
}

/** Share files in the DM with the app (a message.im event of subtype file_share); returns the message ts. */
async function share(files: HostedFile[], text = ''): Promise<string> {
  const ts = `1700001${String(++seq).padStart(3, '0')}.000100`;
  const event: types.FileShareMessageEvent = { type: 'message', subtype: 'file_share', text, files: files.map(fileObject), upload: false, display_as_bot: false, user: 'UUSER', ts, channel: 'DUSER', channel_type: 'im', event_ts: ts };
  const envelope: EnvelopedEvent<types.FileShareMessageEvent> = { token: 't', team_id: 'T0ACME', api_app_id: 'A0SANCTIONS', event, type: 'event_callback', event_id: `EvScreen${seq}`, event_time: 1_700_000_000 };
  const res = await postToBot(port, JSON.stringify(envelope), 'application/json', { secret: SECRET });
  expect(res.status).toBe(200);
  return ts;
}

/** The upload answering a thread: its completeUploadExternal call and the uploaded file's text. */
async function uploadIn(thread: string, ms = 15_000): Promise<{ complete: RecordedCall; content: string }> {
  const complete = await waitFor(() => fake.calls.find((c) => c.method === 'files.completeUploadExternal' && c.body.thread_ts === thread), ms);
  const [file] = JSON.parse(String(complete.body.files)) as Array<{ id: string }>;
  const upload = fake.calls.find((c) => c.method === 'upload' && c.path === `/upload/${file!.id}`)!;
  return { complete, content: String(upload.body.content) };
}

const postIn = (thread: string) => () => fake.calls.find((c) => c.method === 'chat.postMessage' && c.body.thread_ts === thread);

/** The result CSV's rows as cells. */
function rowsOf(csv: string): string[][] {
  return parse(csv, { bom: true, relax_column_count: true }) as string[][];
}

beforeAll(async () => {
  names = screenNames(db, { listed: 600, clean: 400 });
  fake = await startFakeSlack({ admins: new Set() });
  const handle: DataHandle = { db, seed: false };
  bot = createSlackApp({ botToken: 'xoxb-test', signingSecret: SECRET, host: '127.0.0.1', port: 0, apiUrl: fake.apiUrl, logger, retryConfig: { retries: 0 }, data: () => handle, audit: false, screenLimits: { maxBytes: 5 * 1024 * 1024, maxRows: 1000 } });
  port = (await bot.start()).port!;
});

afterAll(async () => {
  await bot?.stop();
  await fake?.close();
});

describe('Slack: screening a shared file (real Bolt, fake Slack)', () => {
  it('answers a 1,000-row CSV shared in the DM with the result file and summary in its thread; verdicts agree with the CLI', async () => {
    const file = fake.hostFile('counterparties.csv', Buffer.from(screenCsv(names)));
    const ts = await share([file]);
    const { complete, content } = await uploadIn(ts);
    // Downloaded with the bot token, from the file's url_private_download.
    const download = fake.calls.find((c) => c.method === 'download' && c.path.startsWith(`/files-pri/${file.id}/`))!;
    expect(download.body.authorization).toBe('Bearer xoxb-test');
    expect(complete.body.channel_id).toBe('DUSER');
    const comment = String(complete.body.initial_comment);
    expect(comment).toMatch(/^\*Screened counterparties\.csv: 1,000 rows: \d+ matches, \d+ to review, \d+ clear\.\*\nSearched \d+ lists \(US \d+, China \d+\), data as of \d{4}-\d\d-\d\d \d\d:\d\d UTC: /);
    expect(JSON.parse(String(complete.body.files))[0].title).toBe('Screening of counterparties.csv');
    const rows = rowsOf(content);
    expect(rows[0]!.slice(0, 4)).toEqual(['row', 'input name', 'input country', 'verdict']);
    expect(rows).toHaveLength(1001);
    expect(rows.slice(1).map((r) => r[1])).toEqual(names.rows.map((r) => r.name.replace(/^(?=[=+\-@])/, "'")));
    // The same names through the CLI.
    const txt = join(dir, 'names.txt');
    writeFileSync(txt, `${names.rows.map((r) => r.name).join('\n')}\n`);
    const out: string[] = [];
    expect(await run(['lookup', '--json', '--review', '--batch', txt, '--db', inject('currentDb')], { out: (t) => out.push(t), err: () => {}, env: {} })).toBe(0);
    const verdicts = out.map((l) => verdictOf(JSON.parse(l) as Parameters<typeof verdictOf>[0]));
    expect(rows.slice(1).map((r) => r[3])).toEqual(verdicts);
    const counts = (v: string) => verdicts.filter((x) => x === v).length;
    expect(comment).toContain(`1,000 rows: ${counts('match')} matches, ${counts('review')} to review, ${counts('clear')} clear.`);
    expect(counts('match')).toBeGreaterThanOrEqual(570);
  });

  it('reads an XLSX with the column named in the message, and a country column', async () => {
    const file = fake.hostFile('suppliers.xlsx', xlsx([['Ref', 'Legal name', 'Land'], [1, 'Hikvision', 'CN'], [2, 'Thistle Bakery Oy', 'FI']]));
    const ts = await share([file], 'please check column:"legal name" country:Land');
    const { complete, content } = await uploadIn(ts);
    expect(String(complete.body.initial_comment)).toContain('Read XLSX sheet "Names", names from Legal name, countries from Land (row 1 is the header).');
    expect(rowsOf(content).slice(1).map((r) => r.slice(0, 4))).toEqual([
      ['2', 'Hikvision', 'CN', 'match'],
      ['3', 'Thistle Bakery Oy', 'FI', 'clear'],
    ]);
  });

  it.each([
    ['binary garbage', 'garbage.csv', Buffer.from([0x00, 0x9f, 0x92, 0x96, 0xff, 0x00]), '', /^Could not screen garbage\.csv: not a CSV or XLSX file: row 1 holds binary data/],
    ['an XLSX that is not a zip', 'broken.xlsx', Buffer.from('Name\nHikvision\n'), '', /^Could not screen broken\.xlsx: not a readable XLSX: the file is not a ZIP archive/],
    ['a missing named column', 'names.csv', Buffer.from('Name\nHikvision\n'), 'column:Supplier', /^Could not screen names\.csv: no column named "Supplier" in row 1 \(the header row has "Name"\)$/],
    ['too many rows', 'big.csv', Buffer.from(`Name\n${'Acme\n'.repeat(1001)}`), '', /^Could not screen big\.csv: row 1,002: more than 1,000 rows of names \(SCREEN_MAX_ROWS\); split the file$/],
  ])('refuses %s with one line naming the problem, and uploads nothing', async (_what, name, bytes, text, reason) => {
    const ts = await share([fake.hostFile(name, bytes)], text);
    const post = await waitFor(postIn(ts));
    expect(String(post.body.text)).toMatch(reason);
    expect(String(post.body.text)).not.toContain('\n');
    expect(fake.calls.some((c) => c.method === 'files.completeUploadExternal' && c.body.thread_ts === ts)).toBe(false);
  });

  it('asks files.info for a shared file that came without its URLs (file_access: check_file_info)', async () => {
    const hosted = fake.hostFile('info.csv', Buffer.from('Name\nDJI\n'));
    const ts = await share([{ ...hosted, url_private: undefined, url_private_download: undefined } as unknown as HostedFile]);
    const { content } = await uploadIn(ts);
    expect(fake.calls.some((c) => c.method === 'files.info' && c.body.file === hosted.id)).toBe(true);
    expect(rowsOf(content)[1]!.slice(0, 4)).toEqual(['2', 'DJI', '', 'match']);
  });

  it('never sends the token to a file URL off Slack\'s file host', async () => {
    const hosted = fake.hostFile('elsewhere.csv', Buffer.from('Name\nDJI\n'));
    const ts = await share([{ ...hosted, url_private: 'https://files.evil.example/elsewhere.csv', url_private_download: 'https://files.evil.example/elsewhere.csv?download=1' }]);
    expect(String((await waitFor(postIn(ts))).body.text)).toBe("Could not screen elsewhere.csv: the file is not on Slack's file host, so it was not downloaded");
    expect(fake.calls.some((c) => c.method === 'download' && c.path.includes(hosted.id))).toBe(false);
  });

  it('says a file that is no spreadsheet is not screened, and how to send one', async () => {
    const ts = await share([fake.hostFile('photo.png', Buffer.from([0x89, 0x50, 0x4e, 0x47]), 'image/png')]);
    expect(String((await waitFor(postIn(ts))).body.text)).toMatch(/^Not screened: photo\.png is not a CSV or XLSX file\. Screen a list of names: share the file with me in a direct message/);
  });

  it('/sanctions screen explains how (with the limits), and screens a linked file into the asker\'s DM', async () => {
    const ask = (text: string) => {
      const responseUrl = fake.responseUrl();
      const payload: SlashCommand = { token: 't', command: '/sanctions', text, response_url: responseUrl, trigger_id: '1', user_id: 'U0ASKER', user_name: 'asker', team_id: 'T0ACME', team_domain: 'acme', channel_id: 'C0COMPLIANCE', channel_name: 'compliance', api_app_id: 'A0SANCTIONS' };
      return { body: new URLSearchParams(payload as unknown as Record<string, string>).toString(), responseUrl };
    };
    const help = ask('screen');
    await postToBot(port, help.body, 'application/x-www-form-urlencoded', { secret: SECRET });
    const helpCall = await waitFor(() => fake.calls.find((c) => c.method === 'response' && `${fake.url}${c.path}` === help.responseUrl));
    expect(helpCall.body.response_type).toBe('ephemeral');
    expect(String(helpCall.body.text)).toMatch(/share the file with me in a direct message.*Limits: at most 5 MB and 1,000 rows\./s);
    // Someone else's file, which the app can see: not screened for the asker (its names would go to them).
    const theirs = fake.hostFile('theirs.csv', Buffer.from('Company\nDJI\n'), 'text/csv', 'U0OTHER');
    const other = ask(`screen https://acme.slack.com/files/U0OTHER/${theirs.id}/theirs.csv`);
    await postToBot(port, other.body, 'application/x-www-form-urlencoded', { secret: SECRET });
    const refused = await waitFor(() => fake.calls.find((c) => c.method === 'response' && `${fake.url}${c.path}` === other.responseUrl));
    expect(refused.body.text).toMatch(/^Not screened: theirs\.csv was shared by someone else/);
    expect(fake.calls.some((c) => c.method === 'download' && c.path.includes(theirs.id))).toBe(false);
    // A company whose name starts with the word stays a lookup.
    const company = ask('SCREEN Holdings');
    await postToBot(port, company.body, 'application/x-www-form-urlencoded', { secret: SECRET });
    const looked = await waitFor(() => fake.calls.find((c) => c.method === 'response' && `${fake.url}${c.path}` === company.responseUrl));
    expect(JSON.stringify(looked.body)).toMatch(/SCREEN Holdings/);
    expect(JSON.stringify(looked.body)).not.toMatch(/Screen a list of names/);
    const file = fake.hostFile('linked.csv', Buffer.from('Company\nDJI\n'), 'text/csv', 'U0ASKER');
    const linked = ask(`screen https://acme.slack.com/files/UUSER/${file.id}/linked.csv column:Company`);
    await postToBot(port, linked.body, 'application/x-www-form-urlencoded', { secret: SECRET });
    const said = await waitFor(() => fake.calls.find((c) => c.method === 'response' && `${fake.url}${c.path}` === linked.responseUrl));
    expect(said.body.text).toBe('Screening linked.csv: the result comes to your direct message with the app.');
    const complete = await waitFor(() => fake.calls.find((c) => c.method === 'files.completeUploadExternal' && String(c.body.initial_comment).includes('Screened linked.csv')));
    expect(complete.body.channel_id).toBe('D0ASKER');
    expect(String(complete.body.initial_comment)).toContain('1 row: 1 match, 0 to review, 0 clear.');
  });
});
