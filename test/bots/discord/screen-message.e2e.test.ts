/**
 * "Screen this message" on Discord: the message context-menu command through the real discord.js against the
 * loopback fake, on the shared current dataset (real names, real lists); and its registration.
 */
import { ApplicationCommandType, GatewayDispatchEvents, InteractionResponseType, MessageFlags } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordBot, type DiscordBot } from '../../../src/bots/discord/client';
import type { Logger } from '../../../src/bots/discord/logger';
import { checkRegistered, registerCommands } from '../../../src/bots/discord/register';
import { messageSize } from '../../../src/bots/discord/render';
import { discordMessageText, SCREEN_MESSAGE_COMMAND, screeningMessage } from '../../../src/bots/discord/screen-message';
import { screenMessageParts } from '../../../src/core/screen-message/screen';
import type { DataHandle } from '../../../src/core/dataset';
import { currentDb } from '../../helpers/current';
import { FakeDiscord, type Recorded } from './fake-discord';
import { GUILD_ID, memberMessage, messageCommand } from './payloads';

const TOKEN = 'test-token.discord';
const logs: string[] = [];
const logger: Logger = { info: () => {}, warn: (_o, m) => logs.push(m), error: (_o, m) => logs.push(m) };

/** Three listed companies (one written in Chinese) and two clean ones, with mentions that must not come back. */
const MESSAGE = [
  'Before we ship: Hangzhou Hikvision Digital Technology Co., Ltd. (cameras), Lockheed Martin Corporation and 中国电子科技集团公司 for the radar parts,',
  'plus Oakridge Dental Supplies Ltd. and Sunny Meadow Farms Co., Ltd. for the rest. <@1300000000000000009> @everyone please confirm by noon.',
].join('\n');

let fake: FakeDiscord;
let bot: DiscordBot;
const db = currentDb();

beforeAll(async () => {
  const handle: DataHandle = { db, seed: false };
  fake = await FakeDiscord.start();
  bot = createDiscordBot({ token: TOKEN, applicationId: fake.applicationId, guildId: GUILD_ID, apiUrl: fake.api, data: () => handle, audit: false, logger, restRetries: 0, checkCommands: false });
  await bot.start();
});

afterAll(async () => {
  await bot?.stop();
  await fake?.close();
});

function editOf(token: string): Recorded | undefined {
  return fake.requests.find((r) => r.method === 'PATCH' && r.path === `/api/v10/webhooks/${fake.applicationId}/${token}/messages/@original`);
}

/** Everything the answer shows: its content and its embeds' titles and descriptions. */
function shownText(edit: Recorded): string {
  const body = edit.body as { content?: string; embeds?: Array<{ title?: string; description?: string }> };
  return [body.content ?? '', ...(body.embeds ?? []).flatMap((e) => [e.title ?? '', e.description ?? ''])].join('\n');
}

describe('Screen this message (Discord message command)', () => {
  it('defers ephemerally, then answers with the three matches first and the two clear lines, no mention, no echo', async () => {
    const interaction = messageCommand(fake.applicationId, SCREEN_MESSAGE_COMMAND, memberMessage(MESSAGE));
    fake.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: interaction });
    const edit = await fake.waitFor(() => editOf(interaction.token));
    const callback = fake.requests.find((r) => r.path === `/api/v10/interactions/${interaction.id}/${interaction.token}/callback`)!;
    expect(callback.body).toMatchObject({ type: InteractionResponseType.DeferredChannelMessageWithSource, data: { flags: MessageFlags.Ephemeral } });
    const text = shownText(edit);
    const lines = text.split('\n').filter((l) => /^(● match|◐ review|○ clear|⚠ not screened)/.test(l));
    expect(lines.map((l) => l.split('  ')[0])).toEqual(['● match', '● match', '● match', '○ clear', '○ clear']);
    expect(lines[0]).toContain('Hangzhou Hikvision Digital Technology Co., Ltd.');
    expect(lines[1]).toContain('Lockheed Martin Corporation');
    expect(lines[2]).toContain('中国电子科技集团公司');
    expect(lines[3]).toContain('Oakridge Dental Supplies Ltd.');
    expect(lines[4]).toContain('Sunny Meadow Farms Co., Ltd.');
    expect(text).toContain('5 names in this message: 3 matches, 0 to review, 2 clear');
    expect(text).toMatch(/\d+ lists searched \(US \d+, China \d+\), data as of \d{4}-\d{2}-\d{2}/);
    expect(text).not.toContain('radar parts');
    expect(text).not.toContain('everyone');
    expect(text).not.toContain('1300000000000000009');
    expect(edit.body.allowed_mentions).toEqual({ parse: [], replied_user: false });
  });

  it('reads no names from a message without any, and says nothing was screened', async () => {
    const interaction = messageCommand(fake.applicationId, SCREEN_MESSAGE_COMMAND, memberMessage('lol ok, see you tomorrow'), { guild: false });
    fake.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: interaction });
    const text = shownText(await fake.waitFor(() => editOf(interaction.token)));
    expect(text).toContain('No organisation or person names found');
    expect(text).not.toMatch(/\bclear\b/);
  });

  it('is registered with the slash commands, as a message command, and checked as served', async () => {
    const done = await registerCommands({ token: TOKEN, applicationId: fake.applicationId, guildId: GUILD_ID, apiUrl: fake.api, restOptions: { retries: 0 } });
    expect(done.commands).toContain(SCREEN_MESSAGE_COMMAND);
    const put = fake.find('PUT', /\/commands$/).at(-1)!;
    expect((put.body as Array<{ name: string; type?: number }>).find((c) => c.name === SCREEN_MESSAGE_COMMAND)).toMatchObject({ type: ApplicationCommandType.Message });
    // Discord answers a context-menu command with an empty description: still "as served".
    fake.registered.set(put.path, (fake.registered.get(put.path) as Array<Record<string, unknown>>).map((c) => ({ description: '', ...c })));
    expect(await checkRegistered({ token: TOKEN, applicationId: fake.applicationId, guildId: GUILD_ID, apiUrl: fake.api, restOptions: { retries: 0 } })).toMatchObject({ matches: true, missing: [] });
  });

  it('fits 25 of the longest real names in one message: the scope in the content, the lines in embeds, within limits', () => {
    const longest = db.prepare<[], { name: string }>("SELECT name FROM records WHERE type != 'person' AND name LIKE '% %' ORDER BY length(name) DESC LIMIT 40").all();
    const text = longest.map((r) => `"${r.name.slice(0, 110).replace(/"/g, '')}"`).join('\n');
    const { reply, screening } = screenMessageParts(text, { db, platform: 'discord', channel: 'c', audit: false, seed: false });
    expect(screening!.names).toHaveLength(25);
    const m = screeningMessage(reply, screening!);
    expect(m.content!.length).toBeLessThanOrEqual(2000);
    expect(m.content).toMatch(/\d+ lists searched \(US \d+, China \d+\), data as of/);
    expect(m.content).toContain('Only the first 25 of the');
    expect(m.embeds!.length).toBeLessThanOrEqual(10);
    for (const e of m.embeds as Array<{ description?: string }>) expect(e.description!.length).toBeLessThanOrEqual(4096);
    expect(messageSize({ embeds: m.embeds as never })).toBeLessThanOrEqual(6000);
    const lines = (m.embeds as Array<{ description?: string }>).flatMap((e) => e.description!.split('\n'));
    const shown = lines.filter((l) => /^(● match|◐ review|○ clear|⚠ not screened)/.test(l)).length;
    const counted = Number(/… (\d+) more names? not shown/.exec(lines.join('\n'))?.[1] ?? 0);
    expect(shown + counted).toBe(25);
  });

  it('reads a message as people see it: mentions, roles, channels and custom emoji out', () => {
    expect(discordMessageText('<@123> <@!45> <@&67> <#89> <:hik:1234> @here ZTE').replace(/\s+/g, ' ').trim()).toBe('ZTE');
  });
});
