/**
 * Discord autocomplete of a name while it is typed (issue 15, seen 1), through the real discord.js against the
 * loopback Discord (fake-discord.ts), on the shared current dataset: partial words and partial Chinese names
 * complete, the list and side options filter, Discord's limits hold, and names that would ping stay inert.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApplicationCommandOptionType, GatewayDispatchEvents, InteractionResponseType } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordBot, type DiscordBot } from '../../../src/bots/discord/client';
import { ALERTS_COMMAND, LOOKUP_COMMAND } from '../../../src/bots/discord/commands';
import type { Logger } from '../../../src/bots/discord/logger';
import type { DataHandle } from '../../../src/core/dataset';
import { refreshSources } from '../../../src/core/refresh';
import { loadSourcesFile } from '../../../src/core/sources/config';
import { openDb, type Db } from '../../../src/core/store/db';
import { currentDb } from '../../helpers/current';
import { tempDir } from '../../helpers/tmp';
import { FakeDiscord } from './fake-discord';
import { autocomplete, GUILD_ID, guildCreate, type Opt } from './payloads';

const logs: Array<{ level: string; msg: string }> = [];
const logger: Logger = {
  info: (_obj, msg) => logs.push({ level: 'info', msg }),
  warn: (_obj, msg) => logs.push({ level: 'warn', msg }),
  error: (_obj, msg) => logs.push({ level: 'error', msg }),
};
const dir = tempDir('sanctions-discord-ac-');

let fake: FakeDiscord;
let bot: DiscordBot;
let handle: DataHandle;
let current: DataHandle;
let hostile: Db;

const str = (name: string, value: string, focused = false): Opt => ({ name, type: ApplicationCommandOptionType.String, value, ...(focused ? { focused } : {}) });

interface Choice {
  name: string;
  value: string;
}

/** Sends an autocomplete interaction for /sanctions lookup and returns the choices the bot answered with. */
async function choicesFor(name: string, options: Opt[] = []): Promise<Choice[]> {
  const payload = autocomplete(fake.applicationId, { name: LOOKUP_COMMAND, subcommand: 'lookup', options: [str('name', name, true), ...options] });
  fake.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: payload });
  const answer = await fake.waitFor(() =>
    fake.requests.find((r) => r.method === 'POST' && r.path === `/api/v10/interactions/${payload.id}/${payload.token}/callback`),
  );
  expect(answer.body.type).toBe(InteractionResponseType.ApplicationCommandAutocompleteResult);
  const choices = answer.body.data.choices as Choice[];
  expect(choices.length).toBeLessThanOrEqual(25);
  for (const c of choices) {
    expect(c.name.length).toBeGreaterThan(0);
    expect(c.name.length).toBeLessThanOrEqual(100);
    expect(c.value.length).toBeGreaterThan(0);
    expect(c.value.length).toBeLessThanOrEqual(100);
  }
  return choices;
}

beforeAll(async () => {
  current = { db: currentDb(), seed: false };
  writeFileSync(
    join(dir, 'hostile.json'),
    JSON.stringify({ entities: [{ id: 'h1', name: '@everyone Trading', aliases: ['<@123> Holdings'], country: 'CN', effective_date: '2026-01-02' }] }),
  );
  writeFileSync(join(dir, 'sources.json'), JSON.stringify({ sources: [{ id: 'hostile', format: 'entities-json', list: 'US-BIS-UVL', location: 'hostile.json' }] }));
  hostile = openDb(join(dir, 'hostile.db'));
  await refreshSources(hostile, loadSourcesFile(join(dir, 'sources.json')));
  handle = current;
  fake = await FakeDiscord.start();
  bot = createDiscordBot({ token: 'test-token.discord', applicationId: fake.applicationId, guildId: GUILD_ID, apiUrl: fake.api, data: () => handle, audit: false, logger, restRetries: 0 });
  await bot.start();
  fake.dispatch({ t: GatewayDispatchEvents.GuildCreate, d: guildCreate(fake.botUser) });
  await fake.waitFor(() => bot.client.guilds.cache.has(GUILD_ID));
});

afterAll(async () => {
  await bot?.stop();
  await fake?.close();
  hostile?.close();
});

describe('Discord autocomplete while a name is typed (issue 15, seen 1)', () => {
  it('completes a partial word: "Hikv" and "Hikvi" offer Hikvision first, its lists in the label, its name as the value', async () => {
    handle = current;
    for (const typed of ['Hikv', 'Hikvi']) {
      const [first] = await choicesFor(typed);
      expect(first).toEqual({
        name: 'Hangzhou Hikvision Digital Technology Co., Ltd. (Hikvision) · Entity List, NS-CMIC, 1260H',
        value: 'Hangzhou Hikvision Digital Technology Co., Ltd.',
      });
    }
    expect(await choicesFor('H')).toHaveLength(25);
  });

  it('completes a legal form being typed ("zte corpo") and a partial Chinese name ("华为技")', async () => {
    handle = current;
    expect((await choicesFor('zte corpo'))[0]!.value).toMatch(/^ZTE\b/);
    expect((await choicesFor('华为技'))[0]!.value).toBe('Huawei Technologies Co., Ltd.');
    expect((await choicesFor('huawei tec'))[0]!.value).toBe('Huawei Technologies Co., Ltd.');
  });

  it('a space after the last word says it is finished: "huawei tech " offers Huawei Tech Investment first', async () => {
    handle = current;
    expect((await choicesFor('huawei tech '))[0]!.value).toMatch(/^Huawei Tech\.? Investment/);
  });

  it('honours the list and side options typed before the name', async () => {
    handle = current;
    const onList = await choicesFor('huawei', [str('list', 'US-DOD-1260H')]);
    expect(onList.length).toBeGreaterThan(0);
    for (const c of onList) expect(c.name).toMatch(/1260H/);
    expect(await choicesFor('hikvision', [str('side', 'cn')])).toEqual([]);
  });

  it('offers names for /sanctions-alerts watch add too', async () => {
    handle = current;
    const payload = autocomplete(fake.applicationId, { name: ALERTS_COMMAND, group: 'watch', subcommand: 'add', options: [str('name', 'Hikvi', true)] });
    fake.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: payload });
    const answer = await fake.waitFor(() => fake.requests.find((r) => r.path === `/api/v10/interactions/${payload.id}/${payload.token}/callback`));
    expect(answer.body.data.choices[0].value).toBe('Hangzhou Hikvision Digital Technology Co., Ltd.');
  });

  it('shows names that would ping as inert text, and never logs a failure', async () => {
    handle = { db: hostile, seed: false };
    const choices = await choicesFor('every');
    expect(choices[0]!.name).toBe('@\u200beveryone Trading · Unverified List');
    for (const c of await choicesFor('holdi')) expect(c.name).not.toMatch(/<@\d/);
    expect(logs.filter((l) => l.level === 'error')).toEqual([]);
  });
});
