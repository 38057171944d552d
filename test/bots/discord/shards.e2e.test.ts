/**
 * Sharding (issue 16) with the real discord.js against the loopback Discord: DISCORD_SHARDS as a number and as
 * `auto` (GET /gateway/bot recommends 2), DISCORD_SHARD_IDS running a part of them, interactions answered from
 * whichever shard Discord routes the guild to, and alerts posted through REST once per channel with both shards up.
 */
import { join } from 'node:path';
import { ApplicationCommandOptionType, GatewayDispatchEvents, GatewayOpcodes, InteractionResponseType } from 'discord-api-types/v10';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordBot, discordOptionsFromConfig, type DiscordBot } from '../../../src/bots/discord/client';
import { ALERTS_COMMAND, LOOKUP_COMMAND } from '../../../src/bots/discord/commands';
import type { Logger } from '../../../src/bots/discord/logger';
import { AlertPipeline } from '../../../src/core/alerts/pipeline';
import { loadConfig } from '../../../src/core/config';
import type { DataHandle } from '../../../src/core/dataset';
import { refreshSources } from '../../../src/core/refresh';
import { loadSourcesFile } from '../../../src/core/sources/config';
import { openDb, type Db } from '../../../src/core/store/db';
import { SOURCES_DIR } from '../../helpers/shared';
import { tempDir } from '../../helpers/tmp';
import { FakeDiscord, type Recorded } from './fake-discord';
import { ADMIN, autocomplete, botMessage, button, memberMessage, messageCommand, PERMISSIONS, slash } from './payloads';
import { SCREEN_MESSAGE_COMMAND } from '../../../src/bots/discord/screen-message';
import { fromGuild, guildOnShard } from './shard-guilds';

const TOKEN = 'test-token.discord';
const dir = tempDir('sanctions-discord-shards-');
const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

let db: Db;
let handle: DataHandle;
let fake: FakeDiscord | undefined;
let bot: DiscordBot | undefined;

beforeAll(async () => {
  db = openDb(join(dir, 'timeline.db'));
  await refreshSources(db, loadSourcesFile(join(SOURCES_DIR, 'timeline-t0.json')));
  handle = { db, seed: false };
});

afterEach(async () => {
  await bot?.stop();
  await fake?.close();
  bot = undefined;
  fake = undefined;
});

afterAll(() => db?.close());

/** A bot configured from the environment as main.ts does it (loadConfig -> discordOptionsFromConfig). */
async function startSharded(env: Record<string, string>, recommendedShards = 2): Promise<{ fake: FakeDiscord; bot: DiscordBot }> {
  fake = await FakeDiscord.start({ recommendedShards, maxConcurrency: 16 });
  const config = loadConfig({ DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: fake.applicationId, DISCORD_API_URL: fake.api, ...env });
  bot = createDiscordBot({ ...discordOptionsFromConfig(config)!, data: () => handle, audit: false, logger: quiet, restRetries: 0, checkCommands: false });
  await bot.start();
  return { fake, bot };
}

const lookup = (applicationId: string, name: string) =>
  slash(applicationId, { name: LOOKUP_COMMAND, subcommand: 'lookup', options: [{ name: 'name', type: ApplicationCommandOptionType.String, value: name }] });

const editOf = (f: FakeDiscord, token: string): Recorded | undefined =>
  f.requests.find((r) => r.method === 'PATCH' && r.path === `/api/v10/webhooks/${f.applicationId}/${token}/messages/@original`);

const shard0 = guildOnShard(0, 2);
const shard1 = guildOnShard(1, 2);

describe('Discord sharding in one process (real discord.js, fake Discord routing guilds to shards)', () => {
  it('DISCORD_SHARDS=2: two IDENTIFYs [0,2] and [1,2]; a lookup from a guild on each shard is answered; alerts go out once per channel through REST', async () => {
    const { fake, bot } = await startSharded({ DISCORD_SHARDS: '2' });
    expect([...fake.identifies].sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(fake.connections).toBe(2);
    expect(bot.shards()).toEqual({ ids: [0, 1], count: 2, text: '2 shards' });

    // Subscribe a channel on each shard (the command answered from the shard that brought it).
    for (const where of [shard0, shard1]) {
      const sub = fromGuild(slash(fake.applicationId, { name: ALERTS_COMMAND, subcommand: 'subscribe', options: [{ name: 'target', type: ApplicationCommandOptionType.String, value: 'cn' }] }, { guild: true, permissions: PERMISSIONS.manager, user: ADMIN }), where);
      fake.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: sub });
      const answer = await fake.waitFor(() => fake.requests.find((r) => r.method === 'POST' && r.path.startsWith(`/api/v10/interactions/${sub.id}/`)));
      expect(answer.body.data.content).toMatch(/This channel now hears about Beijing's lists/);
    }
    await refreshSources(db, loadSourcesFile(join(SOURCES_DIR, 'timeline-t1.json')));

    const first = fromGuild(lookup(fake.applicationId, 'Rheinmetall'), shard0);
    const second = fromGuild(lookup(fake.applicationId, 'Rheinmetall'), shard1);
    fake.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: first });
    fake.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: second });
    for (const payload of [first, second]) {
      const edit = await fake.waitFor(() => editOf(fake, payload.token));
      expect(edit.body.embeds[0].title).toBe('Rheinmetall AG');
    }
    // Each interaction reached exactly one connection: the shard Discord routes its guild to.
    const interactions = fake.routed.filter((r) => r.t === GatewayDispatchEvents.InteractionCreate);
    expect(interactions.filter((r) => r.guildId === shard0.guildId).map((r) => r.shards)).toEqual([[0], [0]]);
    expect(interactions.filter((r) => r.guildId === shard1.guildId).map((r) => r.shards)).toEqual([[1], [1]]);

    // Alerts: the delivery worker with the bot's sink, as the leader runs it: one REST post per subscribed channel.
    // The sink is a REST client of its own, not the gateway client's (nor any shard's).
    expect(bot.sink.rest).not.toBe(bot.client.rest);
    const frames = fake.gatewayFrames.length;
    const pipeline = new AlertPipeline(db, { sinks: new Map([['discord', bot.sink]]) });
    await pipeline.tick();
    await pipeline.tick();
    await pipeline.stop();
    const posts = (channel: string) => fake.find('POST', new RegExp(`^/api/v10/channels/${channel}/messages$`));
    expect(posts(shard0.channelId)).toHaveLength(1);
    expect(posts(shard1.channelId)).toHaveLength(1);
    expect(JSON.stringify(posts(shard0.channelId)[0]!.body)).toMatch(/MOFCOM added 14 entries to the Export Control List/);
    // Nothing of the delivery went over a gateway connection (the bot only heartbeats there).
    expect(fake.gatewayFrames.slice(frames).filter((f) => f.op !== GatewayOpcodes.Heartbeat)).toEqual([]);
  });

  it('DISCORD_SHARDS=2: on shard 1, autocomplete, a Details button and Screen this message are answered by the shard that got them', async () => {
    await refreshSources(db, loadSourcesFile(join(SOURCES_DIR, 'timeline-t1.json'))); // unchanged if the test above ran
    const { fake } = await startSharded({ DISCORD_SHARDS: '2' });
    const callback = (id: string) => fake.waitFor(() => fake.requests.find((r) => r.method === 'POST' && r.path.startsWith(`/api/v10/interactions/${id}/`)));

    const typing = fromGuild(autocomplete(fake.applicationId, { name: LOOKUP_COMMAND, subcommand: 'lookup', options: [{ name: 'name', type: ApplicationCommandOptionType.String, value: 'Rheinmet', focused: true }] }), shard1);
    fake.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: typing });
    const choices = (await callback(typing.id)).body;
    expect(choices.type).toBe(InteractionResponseType.ApplicationCommandAutocompleteResult);
    expect(choices.data.choices[0].value).toBe('Rheinmetall AG');

    const asked = fromGuild(lookup(fake.applicationId, 'Rheinmetall'), shard1);
    fake.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: asked });
    const ids: string[] = (await fake.waitFor(() => editOf(fake, asked.token))).body.components.flatMap((row: { components: Array<{ custom_id: string }> }) => row.components.map((c) => c.custom_id));
    const details = ids.find((id) => id.startsWith('sanctions:details:'))!;
    const click = fromGuild(button(fake.applicationId, details, botMessage(fake.applicationId, fake.botUser, true, [details])), shard1);
    fake.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: click });
    expect((await callback(click.id)).body.data.embeds[0].title).toBe('Rheinmetall AG');

    const screen = fromGuild(messageCommand(fake.applicationId, SCREEN_MESSAGE_COMMAND, memberMessage('Our next order goes to Rheinmetall AG.')), shard1);
    fake.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: screen });
    expect(JSON.stringify((await fake.waitFor(() => editOf(fake, screen.token))).body)).toContain('Rheinmetall AG');

    expect(fake.routed.filter((r) => r.t === GatewayDispatchEvents.InteractionCreate).map((r) => r.shards)).toEqual([[1], [1], [1], [1]]);
  });

  it('DISCORD_SHARDS=auto: runs the count GET /gateway/bot recommends (2), and answers guilds on both shards', async () => {
    const { fake, bot } = await startSharded({ DISCORD_SHARDS: 'auto' });
    expect(fake.find('GET', /^\/api\/v10\/gateway\/bot$/).length).toBeGreaterThan(0);
    expect([...fake.identifies].sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect(bot.shards()).toEqual({ ids: [0, 1], count: 2, text: '2 shards' });
    const payloads = [fromGuild(lookup(fake.applicationId, 'Rheinmetall'), shard0), fromGuild(lookup(fake.applicationId, 'Rheinmetall'), shard1)];
    for (const d of payloads) fake.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d });
    for (const d of payloads) expect((await fake.waitFor(() => editOf(fake, d.token))).body.embeds[0].title).toBe('Rheinmetall AG');
  });

  it('DISCORD_SHARD_IDS=1 of DISCORD_SHARDS=2: identifies only shard 1, answers its guilds, and never sees shard 0\'s', async () => {
    const { fake, bot } = await startSharded({ DISCORD_SHARDS: '2', DISCORD_SHARD_IDS: '1' });
    expect(fake.identifies).toEqual([[1, 2]]);
    expect(fake.connections).toBe(1);
    expect(bot.shards()).toEqual({ ids: [1], count: 2, text: 'shard 1 of 2' });
    const mine = fromGuild(lookup(fake.applicationId, 'Rheinmetall'), shard1);
    const theirs = fromGuild(lookup(fake.applicationId, 'Rheinmetall'), shard0);
    fake.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: theirs });
    fake.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: mine });
    expect((await fake.waitFor(() => editOf(fake, mine.token))).body.embeds[0].title).toBe('Rheinmetall AG');
    // Shard 0's guild went to no connection of this process (another host runs shard 0), so nothing answered it.
    expect(fake.routed.find((r) => r.guildId === shard0.guildId)?.shards).toEqual([]);
    expect(fake.requests.filter((r) => r.path.includes(theirs.id) || r.path.includes(theirs.token))).toEqual([]);
  });

  it('unset: one connection and the IDENTIFY discord.js always sent ([0, 1]), as before sharding existed', async () => {
    const { fake, bot } = await startSharded({}, 1);
    expect(fake.identifies).toEqual([[0, 1]]);
    expect(fake.connections).toBe(1);
    expect(bot.shards()).toBeUndefined();
  });

  it('a bot that outgrew one connection (Discord closes 4011 Sharding Required): start-up stops with a line that says to set DISCORD_SHARDS=auto; with it, it starts', async () => {
    fake = await FakeDiscord.start({ recommendedShards: 2, requiredShards: 2, maxConcurrency: 16 });
    const config = (env: Record<string, string>) => loadConfig({ DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: fake!.applicationId, DISCORD_API_URL: fake!.api, ...env });
    const single = createDiscordBot({ ...discordOptionsFromConfig(config({}))!, data: () => handle, audit: false, logger: quiet, restRetries: 0, checkCommands: false });
    bot = single; // stopped by afterEach, should it ever start
    await expect(single.start()).rejects.toThrow(/^Discord login failed: .*Sharding is required.* \(the bot is in too many servers for one gateway connection: set DISCORD_SHARDS=auto/);
    expect(fake.identifies).toEqual([[0, 1]]);
    bot = createDiscordBot({ ...discordOptionsFromConfig(config({ DISCORD_SHARDS: 'auto' }))!, data: () => handle, audit: false, logger: quiet, restRetries: 0, checkCommands: false });
    await bot.start();
    expect(fake.identifies.slice(1).sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
  });
});
