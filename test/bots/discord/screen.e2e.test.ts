/**
 * Screening files through the real discord.js against the loopback Discord: `/sanctions screen file:<attachment>`
 * (deferred privately, then the result CSV attached to the answer with the summary) and a file attached to a DM
 * (answered in the DM). The verdicts of a 1,000-row file agree with the CLI's `lookup --json --review --batch`;
 * malformed files get one line naming the problem; no mention can leave the bot.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { ApplicationCommandOptionType, GatewayDispatchEvents, InteractionResponseType, MessageFlags } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { screenCsv, screenNames, type ScreenNames } from '../../../bench/lib/screen-names';
import { createDiscordBot, type DiscordBot } from '../../../src/bots/discord/client';
import { commandDefinitions, LOOKUP_COMMAND } from '../../../src/bots/discord/commands';
import type { Logger } from '../../../src/bots/discord/logger';
import { run } from '../../../src/cli';
import type { DataHandle } from '../../../src/core/dataset';
import { verdictOf } from '../../../src/core/screen/verdict';
import { currentDb } from '../../helpers/current';
import { tempDir } from '../../helpers/tmp';
import { xlsx } from '../../helpers/xlsx';
import { FakeDiscord, type Recorded } from './fake-discord';
import { DM_CHANNEL_ID, GUILD_ID, guildCreate, messageCreate, slash, type Opt } from './payloads';

const dir = tempDir('sanctions-discord-screen-');
const logs: Array<{ level: string; msg: string }> = [];
const logger: Logger = { info: (_o, msg) => logs.push({ level: 'info', msg }), warn: (_o, msg) => logs.push({ level: 'warn', msg }), error: (_o, msg) => logs.push({ level: 'error', msg }) };
const db = currentDb();

let fake: FakeDiscord;
let bot: DiscordBot;
let names: ScreenNames;

/** A multipart body's parts by name: payload_json (parsed) and the files' text. */
function multipart(req: Recorded): { payload: Record<string, unknown>; files: Array<{ name: string; filename: string; text: string }> } {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(String(req.headers['content-type']))!;
  const raw = req.bytes!.toString('utf8');
  const parts = raw.split(`--${boundary[1] ?? boundary[2]}`).slice(1, -1);
  let payload: Record<string, unknown> = {};
  const files: Array<{ name: string; filename: string; text: string }> = [];
  for (const part of parts) {
    const [head, ...body] = part.replace(/^\r\n/, '').split('\r\n\r\n');
    const text = body.join('\r\n\r\n').replace(/\r\n$/, '');
    const name = /name="([^"]+)"/.exec(head!)?.[1] ?? '';
    const filename = /filename="([^"]+)"/.exec(head!)?.[1];
    if (name === 'payload_json') payload = JSON.parse(text) as Record<string, unknown>;
    else if (filename) files.push({ name, filename, text });
  }
  return { payload, files };
}

const fileOpt = (id: string): Opt => ({ name: 'file', type: ApplicationCommandOptionType.Attachment, value: id });
const strOpt = (name: string, value: string): Opt => ({ name, type: ApplicationCommandOptionType.String, value });

/** `/sanctions screen` with an attachment (in `resolved`, as Discord sends it). */
function screenCommand(attachment: ReturnType<FakeDiscord['hostAttachment']> | undefined, extra: Opt[] = []) {
  const payload = slash(fake.applicationId, { name: LOOKUP_COMMAND, subcommand: 'screen', options: [...(attachment ? [fileOpt(attachment.id)] : []), ...extra] });
  if (attachment) payload.data.resolved = { attachments: { [attachment.id]: attachment } };
  return payload;
}

const editOf = (token: string) => () => fake.requests.find((r) => r.method === 'PATCH' && r.path === `/api/v10/webhooks/${fake.applicationId}/${token}/messages/@original`);
const callbackOf = (id: string) => () => fake.requests.find((r) => r.method === 'POST' && r.path.startsWith(`/api/v10/interactions/${id}/`));

beforeAll(async () => {
  names = screenNames(db, { listed: 600, clean: 400 });
  fake = await FakeDiscord.start();
  const handle: DataHandle = { db, seed: false };
  bot = createDiscordBot({ token: 'test-token.discord', applicationId: fake.applicationId, guildId: GUILD_ID, apiUrl: fake.api, data: () => handle, audit: false, logger, restRetries: 0, checkCommands: false, screenLimits: { maxBytes: 5 * 1024 * 1024, maxRows: 1000 } });
  await bot.start();
  fake.dispatch({ t: GatewayDispatchEvents.GuildCreate, d: guildCreate(fake.botUser) });
  await fake.waitFor(() => bot.client.guilds.cache.has(GUILD_ID));
});

afterAll(async () => {
  await bot?.stop();
  await fake?.close();
});

describe('Discord: screening a file (real discord.js, fake Discord)', () => {
  it('registers /sanctions screen with an attachment option', () => {
    const screen = (commandDefinitions()[0]!.options ?? []).find((o) => o.name === 'screen') as { options: Array<{ name: string; type: number }> };
    expect(screen.options.map((o) => [o.name, o.type])).toEqual([
      ['file', ApplicationCommandOptionType.Attachment],
      ['column', ApplicationCommandOptionType.String],
      ['country-column', ApplicationCommandOptionType.String],
    ]);
  });

  it('answers /sanctions screen file:<1,000-row CSV> privately with the result file and summary; verdicts agree with the CLI', async () => {
    const attachment = fake.hostAttachment('counterparties.csv', Buffer.from(screenCsv(names)));
    const payload = screenCommand(attachment);
    fake.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: payload });
    expect((await fake.waitFor(callbackOf(payload.id))).body).toEqual({ type: InteractionResponseType.DeferredChannelMessageWithSource, data: { flags: MessageFlags.Ephemeral } });
    const edit = await fake.waitFor(editOf(payload.token), 15_000);
    const { payload: json, files } = multipart(edit);
    expect(json.allowed_mentions).toEqual({ parse: [], replied_user: false });
    expect(String(json.content)).toMatch(/^\*\*Screened counterparties\.csv: 1,000 rows: \d+ matches, \d+ to review, \d+ clear\.\*\*\nSearched \d+ lists \(US \d+, China \d+\), data as of \d{4}-\d\d-\d\d \d\d:\d\d UTC: /);
    expect(files.map((f) => f.filename)).toEqual(['counterparties-screened.csv']);
    const rows = parse(files[0]!.text, { bom: true, relax_column_count: true }) as string[][];
    expect(rows).toHaveLength(1001);
    const txt = join(dir, 'names.txt');
    writeFileSync(txt, `${names.rows.map((r) => r.name).join('\n')}\n`);
    const out: string[] = [];
    expect(await run(['lookup', '--json', '--review', '--batch', txt, '--db', inject('currentDb')], { out: (t) => out.push(t), err: () => {}, env: {} })).toBe(0);
    const verdicts = out.map((l) => verdictOf(JSON.parse(l) as Parameters<typeof verdictOf>[0]));
    expect(rows.slice(1).map((r) => r[3])).toEqual(verdicts);
    const n = (v: string) => verdicts.filter((x) => x === v).length;
    expect(String(json.content)).toContain(`1,000 rows: ${n('match')} matches, ${n('review')} to review, ${n('clear')} clear.`);
  });

  it('screens an XLSX attached to a DM, with the column named in the text, and replies in the DM', async () => {
    const attachment = fake.hostAttachment('suppliers.xlsx', xlsx([['Ref', 'Legal name'], [1, 'Hikvision'], [2, '@everyone Thistle Bakery Oy']]));
    const dm = messageCreate('column:"legal name"', { guild: false });
    dm.attachments = [attachment];
    fake.dispatch({ t: GatewayDispatchEvents.MessageCreate, d: dm });
    const reply = await fake.waitFor(() => fake.find('POST', new RegExp(`^/api/v10/channels/${DM_CHANNEL_ID}/messages$`)).find((r) => r.bytes && multipart(r).payload.message_reference && (multipart(r).payload.message_reference as { message_id: string }).message_id === dm.id), 10_000);
    const { payload, files } = multipart(reply);
    expect(payload.allowed_mentions).toEqual({ parse: [], replied_user: false });
    expect(String(payload.content)).toMatch(/^\*\*Screened suppliers\.xlsx: 2 rows: 1 match, 0 to review, 1 clear\.\*\*/);
    const rows = parse(files[0]!.text, { bom: true, relax_column_count: true }) as string[][];
    expect(rows.slice(1).map((r) => r.slice(0, 4))).toEqual([
      ['2', 'Hikvision', '', 'match'],
      // Formula-safe: a cell starting with @ is written as text.
      ['3', "'@everyone Thistle Bakery Oy", '', 'clear'],
    ]);
  });

  it.each([
    ['binary garbage', 'garbage.csv', Buffer.from([0x00, 0xde, 0xad, 0xbe, 0xef]), [], /^Could not screen garbage\.csv: not a CSV or XLSX file: row 1 holds binary data/],
    ['an XLSX that is not a zip', 'broken.xlsx', Buffer.from('Name\nHikvision\n'), [], /^Could not screen broken\.xlsx: not a readable XLSX: the file is not a ZIP archive/],
    ['a missing named column', 'names.csv', Buffer.from('Name\nHikvision\n'), [strOpt('column', 'Supplier')], /^Could not screen names\.csv: no column named "Supplier" in row 1 \(the header row has "Name"\)$/],
    ['too many rows', 'big.csv', Buffer.from(`Name\n${'Acme\n'.repeat(1001)}`), [], /^Could not screen big\.csv: row 1,002: more than 1,000 rows of names \(SCREEN\\_MAX\\_ROWS\); split the file$/],
  ])('refuses %s with one line naming the problem, and attaches nothing', async (_what, name, bytes, extra, reason) => {
    const payload = screenCommand(fake.hostAttachment(name, bytes), extra);
    fake.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: payload });
    const edit = await fake.waitFor(editOf(payload.token));
    const body = edit.bytes && String(edit.headers['content-type']).startsWith('multipart/') ? multipart(edit).payload : (edit.body as Record<string, unknown>);
    expect(String(body.content)).toMatch(reason);
    expect(String(body.content)).not.toContain('\n');
    expect(body.attachments ?? []).toEqual([]);
  });

  it('downloads only from Discord\'s CDN (or the configured API origin)', async () => {
    const hosted = fake.hostAttachment('elsewhere.csv', Buffer.from('Name\nDJI\n'));
    const payload = screenCommand({ ...hosted, url: 'https://cdn.evil.example/elsewhere.csv', proxy_url: 'https://cdn.evil.example/elsewhere.csv' });
    fake.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: payload });
    const edit = await fake.waitFor(editOf(payload.token));
    const body = edit.bytes && String(edit.headers['content-type']).startsWith('multipart/') ? multipart(edit).payload : (edit.body as Record<string, unknown>);
    expect(body.content).toBe("Could not screen elsewhere.csv: the file is not on Discord's file host, so it was not downloaded");
    expect(fake.requests.some((r) => r.method === 'GET' && r.path.includes('/attachments/') && r.path.includes('elsewhere'))).toBe(false);
  });

  it('/sanctions screen with no file says how, with the limits', async () => {
    const payload = screenCommand(undefined);
    fake.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: payload });
    const callback = await fake.waitFor(callbackOf(payload.id));
    expect(callback.body.data.flags).toBe(MessageFlags.Ephemeral);
    expect(callback.body.data.content).toMatch(/use \/sanctions screen with the file attached.*Limits: at most 5 MB and 1,000 rows\./s);
  });
});
