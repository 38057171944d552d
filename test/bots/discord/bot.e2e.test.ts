/**
 * The real discord.js against a loopback Discord (test/bots/discord/fake-discord.ts): slash commands,
 * autocomplete, buttons, questions by mention and DM, registration, permissions, alert delivery and its
 * faults, and that no mention of any kind ever leaves the bot.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApplicationCommandOptionType, GatewayDispatchEvents, InteractionResponseType, MessageFlags } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordBot, type DiscordBot } from '../../../src/bots/discord/client';
import { ALERTS_COMMAND, LOOKUP_COMMAND } from '../../../src/bots/discord/commands';
import type { Logger } from '../../../src/bots/discord/logger';
import { checkRegistered, registerCommands } from '../../../src/bots/discord/register';
import { DiscordSink } from '../../../src/bots/discord/sink';
import { run } from '../../../src/cli';
import { alertReplies } from '../../../src/core/alerts/messages';
import { AlertPipeline } from '../../../src/core/alerts/pipeline';
import { Router, type RoutedEvent } from '../../../src/core/alerts/route';
import { SubscriptionStore } from '../../../src/core/alerts/subscriptions';
import { changeSchedule } from '../../../src/core/alerts/summaries';
import { openSeed, type DataHandle } from '../../../src/core/dataset';
import { refreshSources } from '../../../src/core/refresh';
import { loadSourcesFile } from '../../../src/core/sources/config';
import { openDb, type Db } from '../../../src/core/store/db';
import { currentDb } from '../../helpers/current';
import { SOURCES_DIR } from '../../helpers/shared';
import { decodePng } from '../../helpers/png';
import { tempDir } from '../../helpers/tmp';
import { FakeDiscord, type Recorded } from './fake-discord';
import { ADMIN, autocomplete, botMessage, button, CHANNEL_ID, DM_CHANNEL_ID, GUILD_ID, guildCreate, MEMBER, messageCreate, PERMISSIONS, slash, type Opt } from './payloads';

const TOKEN = 'test-token.discord';
const dir = tempDir('sanctions-discord-');
const logs: Array<{ level: string; msg: string; obj: Record<string, unknown> }> = [];
const logger: Logger = {
  info: (obj, msg) => logs.push({ level: 'info', msg, obj }),
  warn: (obj, msg) => logs.push({ level: 'warn', msg, obj }),
  error: (obj, msg) => logs.push({ level: 'error', msg, obj }),
};

let fake: FakeDiscord;
let bot: DiscordBot;
let timeline: Db;
let hostile: Db;
let handle: DataHandle;
let current: DataHandle;
let timelineHandle: DataHandle;
let hostileHandle: DataHandle;

const str = (name: string, value: string, focused = false): Opt => ({ name, type: ApplicationCommandOptionType.String, value, ...(focused ? { focused } : {}) });

/** The bodies the bot sent that carry a message (content, embeds or components). */
function messageBodies(): Array<Recorded & { message: Record<string, unknown> }> {
  return fake.requests.flatMap((r) => {
    if (!r.body || typeof r.body !== 'object') return [];
    const b = r.body as Record<string, unknown>;
    const message = (r.path.endsWith('/callback') ? (b.data as Record<string, unknown> | undefined) : b) ?? {};
    return 'content' in message || 'embeds' in message || 'components' in message ? [{ ...r, message }] : [];
  });
}

function callbackOf(interactionId: string): Recorded | undefined {
  return fake.requests.find((r) => r.method === 'POST' && r.path.startsWith(`/api/v10/interactions/${interactionId}/`) && r.path.endsWith('/callback'));
}

function editOf(token: string): Recorded | undefined {
  return fake.requests.find((r) => r.method === 'PATCH' && r.path === `/api/v10/webhooks/${fake.applicationId}/${token}/messages/@original`);
}

beforeAll(async () => {
  timeline = openDb(join(dir, 'timeline.db'));
  await refreshSources(timeline, loadSourcesFile(join(SOURCES_DIR, 'timeline-t0.json')));
  await refreshSources(timeline, loadSourcesFile(join(SOURCES_DIR, 'timeline-t1.json')));
  // Hostile names: each would ping a whole server, a user or a role if it reached Discord as written.
  writeFileSync(
    join(dir, 'hostile.json'),
    JSON.stringify({
      entities: [
        { id: 'h1', name: '@everyone', aliases: ['<@123> Holdings', '@here Trading'], country: 'CN', federal_register: '<@&456> 99 FR 1', effective_date: '2026-01-02' },
        { id: 'h2', name: '<@123>', aliases: ['**Bold** _Trading_ <#789>'], country: 'CN', effective_date: '2026-01-03' },
      ],
    }),
  );
  writeFileSync(join(dir, 'hostile-sources.json'), JSON.stringify({ sources: [{ id: 'hostile', format: 'entities-json', list: 'US-BIS-UVL', location: 'hostile.json' }] }));
  hostile = openDb(join(dir, 'hostile.db'));
  await refreshSources(hostile, loadSourcesFile(join(dir, 'hostile-sources.json')));

  timelineHandle = { db: timeline, seed: false };
  hostileHandle = { db: hostile, seed: false };
  current = { db: currentDb(), seed: false };
  handle = timelineHandle;

  fake = await FakeDiscord.start();
  // The current dataset is opened read-only, so this bot keeps no audit trail (a test below does, on its own).
  bot = createDiscordBot({ token: TOKEN, applicationId: fake.applicationId, guildId: GUILD_ID, apiUrl: fake.api, data: () => handle, audit: false, logger, restRetries: 0 });
  await bot.start();
  fake.dispatch({ t: GatewayDispatchEvents.GuildCreate, d: guildCreate(fake.botUser) });
  await fake.waitFor(() => bot.client.guilds.cache.has(GUILD_ID));
});

afterAll(async () => {
  await bot?.stop();
  await fake?.close();
  timeline?.close();
  hostile?.close();
});

describe('Discord over the gateway (real discord.js, fake Discord on 127.0.0.1)', () => {
  it('connects with only the intents it needs, and warns (without registering) that the commands are not registered', async () => {
    expect(bot.client.isReady()).toBe(true);
    expect(bot.client.options.intents.toArray().sort()).toEqual(['DirectMessages', 'GuildMessages', 'Guilds']);
    const check = await bot.registration();
    expect(check).toMatchObject({ scope: 'guild', matches: false, missing: ['sanctions', 'sanctions-alerts', 'Screen this message'] });
    expect(logs.some((l) => l.level === 'warn' && /differ from what this bot serves.*npx sanctions discord-register/.test(l.msg))).toBe(true);
    expect(fake.find('PUT', /commands$/)).toHaveLength(0);
  });

  it('answers a slash lookup: deferred ephemeral, then the card through the webhook edit', async () => {
    handle = timelineHandle;
    const payload = slash(fake.applicationId, { name: LOOKUP_COMMAND, subcommand: 'lookup', options: [str('name', 'Rheinmetall')] });
    fake.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: payload });
    const edit = await fake.waitFor(() => editOf(payload.token));
    expect(callbackOf(payload.id)!.body).toEqual({ type: InteractionResponseType.DeferredChannelMessageWithSource, data: { flags: MessageFlags.Ephemeral } });
    expect(edit.body.allowed_mentions).toEqual({ parse: [], replied_user: false });
    expect(edit.body.content).toMatch(/1 match for "Rheinmetall"/);
    const card = edit.body.embeds[0];
    expect(card.title).toBe('Rheinmetall AG');
    expect(card.description).toMatch(/Matched:\*\* exact/);
    expect(card.description).toContain('莱茵金属公司');
    const field = card.fields.find((f: { name: string }) => f.name.startsWith('CN-MOFCOM-ECL'));
    expect(field.name).toBe('CN-MOFCOM-ECL · Export Control List · active');
    expect(field.value).toMatch(/since 2026-07-24/);
    expect(field.value).toMatch(/\[official notice\]\(https:\/\/www\.mofcom\.gov\.cn\/.+\)/);
    // Details for the party, and Share (the answer is only the asker's).
    const ids = edit.body.components.flatMap((row: { components: Array<{ custom_id: string }> }) => row.components.map((c) => c.custom_id));
    expect(ids).toEqual(expect.arrayContaining(['sanctions:share:lookup Rheinmetall', 'sanctions:details:p15513']));
  });

  it('autocompletes the name from the index, and answers empty input with no choices', async () => {
    handle = timelineHandle;
    const typed = autocomplete(fake.applicationId, { name: LOOKUP_COMMAND, subcommand: 'lookup', options: [str('name', 'Rheinmetall', true)] });
    const empty = autocomplete(fake.applicationId, { name: LOOKUP_COMMAND, subcommand: 'lookup', options: [str('name', '  ', true)] });
    fake.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: typed });
    fake.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: empty });
    const answer = await fake.waitFor(() => callbackOf(typed.id));
    expect(answer.body.type).toBe(InteractionResponseType.ApplicationCommandAutocompleteResult);
    expect(answer.body.data.choices[0]).toEqual({ name: 'Rheinmetall AG · Export Control List', value: 'Rheinmetall AG' });
    expect(answer.body.data.choices.length).toBeLessThanOrEqual(25);
    for (const c of answer.body.data.choices) expect(c.name.length).toBeLessThanOrEqual(100);
    expect((await fake.waitFor(() => callbackOf(empty.id))).body).toEqual({ type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices: [] } });
  });

  it('reads the name option with the same question parser as a DM: "is DJI sanctioned?" finds DJI (issue 10, seen 2)', async () => {
    handle = current;
    const payload = slash(fake.applicationId, { name: LOOKUP_COMMAND, subcommand: 'lookup', options: [str('name', 'is DJI sanctioned?')] });
    fake.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: payload });
    const edit = await fake.waitFor(() => editOf(payload.token));
    expect(edit.body.content).toMatch(/match(?:es)? for "DJI"/);
    expect(edit.body.content).toMatch(/lists searched \(US \d+, China \d+\), data as of /);
    expect(edit.body.embeds[0].title).toMatch(/DJI/);
  });

  it('refuses to screen from the demo seed or an empty database, saying why, instead of "no match" (issue 10, seen 1)', async () => {
    const seed = await openSeed();
    const empty = openDb(join(dir, 'empty.db'));
    try {
      for (const data of [seed, { db: empty, seed: false }]) {
        handle = data;
        const payload = slash(fake.applicationId, { name: LOOKUP_COMMAND, subcommand: 'lookup', options: [str('name', 'Hikvision')] });
        fake.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: payload });
        const edit = await fake.waitFor(() => editOf(payload.token));
        expect(edit.body.content).toMatch(/No list data loaded/);
        expect(edit.body.content).not.toMatch(/no match/i);
      }
    } finally {
      handle = timelineHandle;
      seed.db.close();
      empty.close();
    }
  });

  it('pages with More results and opens Details on the shared current dataset', async () => {
    handle = current;
    const payload = slash(fake.applicationId, { name: LOOKUP_COMMAND, subcommand: 'lookup', options: [str('name', 'Huawei')] });
    fake.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: payload });
    const first = await fake.waitFor(() => editOf(payload.token));
    expect(first.body.content).toMatch(/\d+ matches for "Huawei", 1-5 of \d+/);
    expect(first.body.embeds.length).toBeLessThanOrEqual(10);
    const buttons = first.body.components.flatMap((row: { components: Array<{ custom_id: string; label: string }> }) => row.components);
    const more = buttons.find((b: { label: string }) => /^Next 5 of \d+ more$/.test(b.label));
    expect(more.custom_id).toBe('sanctions:more:lookup Huawei page:2');
    const details = buttons.find((b: { custom_id: string }) => b.custom_id.startsWith('sanctions:details:'));

    // The click on the ephemeral answer: the next page replaces it (UPDATE_MESSAGE).
    const click = button(fake.applicationId, more.custom_id, botMessage(fake.applicationId, fake.botUser, true, [more.custom_id]));
    fake.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: click });
    const update = await fake.waitFor(() => callbackOf(click.id));
    expect(update.body.type).toBe(InteractionResponseType.UpdateMessage);
    expect(update.body.data.content).toMatch(/matches for "Huawei", 6-10 of \d+/);
    expect(update.body.data.embeds.length).toBeGreaterThan(0);
    expect(update.body.data.embeds[0].title).not.toBe(first.body.embeds[0].title);
    expect(update.body.data.allowed_mentions).toEqual({ parse: [], replied_user: false });

    const open = button(fake.applicationId, details.custom_id, botMessage(fake.applicationId, fake.botUser, true, [details.custom_id]));
    fake.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: open });
    const card = await fake.waitFor(() => callbackOf(open.id));
    expect(card.body.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(card.body.data.flags).toBe(MessageFlags.Ephemeral);
    expect(card.body.data.embeds).toHaveLength(1);
    expect(card.body.data.embeds[0].footer.text).toMatch(new RegExp(`^${details.custom_id.split(':')[2]}`));
  });

  it('answers a mention in a server channel (and ignores messages that do not mention it) and a DM', async () => {
    handle = timelineHandle;
    const chatter = messageCreate('Rheinmetall news today', { guild: true });
    const mention = messageCreate(`<@${fake.botId}> is Rheinmetall sanctioned?`, { guild: true, mentions: [fake.botUser] });
    const dm = messageCreate('Is Rheinmetall AG on any list?', { guild: false });
    fake.dispatch({ t: GatewayDispatchEvents.MessageCreate, d: chatter });
    fake.dispatch({ t: GatewayDispatchEvents.MessageCreate, d: mention });
    fake.dispatch({ t: GatewayDispatchEvents.MessageCreate, d: dm });
    const inChannel = await fake.waitFor(() => fake.find('POST', new RegExp(`^/api/v10/channels/${CHANNEL_ID}/messages$`)).find((r) => r.body.message_reference?.message_id === mention.id));
    expect(inChannel.body.allowed_mentions).toEqual({ parse: [], replied_user: false });
    expect(inChannel.body.embeds[0].title).toBe('Rheinmetall AG');
    expect(inChannel.body.flags).toBeUndefined();
    const inDm = await fake.waitFor(() => fake.find('POST', new RegExp(`^/api/v10/channels/${DM_CHANNEL_ID}/messages$`)).find((r) => r.body.message_reference?.message_id === dm.id));
    expect(inDm.body.embeds[0].title).toBe('Rheinmetall AG');
    expect(fake.requests.some((r) => r.body?.message_reference?.message_id === chatter.id)).toBe(false);
  });

  it('refuses alert changes to a member without Manage Server or Manage Channels, and accepts them from one with', async () => {
    handle = timelineHandle;
    const store = new SubscriptionStore(timeline);
    const denied = slash(fake.applicationId, { name: ALERTS_COMMAND, subcommand: 'subscribe', options: [str('target', 'cn')] }, { guild: true, permissions: PERMISSIONS.none, user: MEMBER });
    fake.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: denied });
    const no = await fake.waitFor(() => callbackOf(denied.id));
    expect(no.body.data.flags).toBe(MessageFlags.Ephemeral);
    expect(no.body.data.content).toMatch(/Only members with the Manage Channels or Manage Server permission can change this channel's alerts/);
    expect(no.body.data.content).not.toMatch(/workspace/);
    expect(store.get('discord', CHANNEL_ID)).toBeUndefined();

    const allowed = slash(fake.applicationId, { name: ALERTS_COMMAND, subcommand: 'subscribe', options: [str('target', 'cn US-BIS-EL'), str('kinds', 'added, removed')] }, { guild: true, permissions: PERMISSIONS.manager, user: ADMIN });
    fake.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: allowed });
    const yes = await fake.waitFor(() => callbackOf(allowed.id));
    expect(yes.body.data.flags).toBeUndefined();
    expect(yes.body.data.content).toMatch(/This channel now hears about Beijing's lists, Entity List \(US-BIS-EL\); changes: added, removed/);
    expect(store.get('discord', CHANNEL_ID)).toMatchObject({ targets: ['side:cn', 'US-BIS-EL'], kinds: ['added', 'removed'], createdBy: ADMIN.id });

    // In a DM the person manages their own conversation.
    const own = slash(fake.applicationId, { name: ALERTS_COMMAND, group: 'watch', subcommand: 'add', options: [str('name', 'Rheinmetall')] }, { guild: false, user: MEMBER });
    fake.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: own });
    expect((await fake.waitFor(() => callbackOf(own.id))).body.data.content).toMatch(/Watching "Rheinmetall"/);
    expect(store.watchTerms('discord', DM_CHANNEL_ID)).toEqual(['Rheinmetall']);
  });

  it('issue 13: help in Discord\'s own syntax, "thanks!" answered briefly, exclusions said, recent pages with a Discord footer', async () => {
    handle = timelineHandle;
    // Seen 5: the help shows /sanctions-alerts and its options, never Slack's grammar.
    const help = slash(fake.applicationId, { name: LOOKUP_COMMAND, subcommand: 'help' }, { guild: true, permissions: PERMISSIONS.none, user: MEMBER });
    fake.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: help });
    const helpText = String((await fake.waitFor(() => callbackOf(help.id))).body.data.content);
    // Discord markdown escaped: a `]` would close a masked link.
    expect(helpText).toContain('/sanctions-alerts subscribe [target:all|us|cn|CODE ...\\] [kinds:added,removed,changed,suspended\\]');
    expect(helpText).not.toMatch(/workspace admins/);

    // Seen 5: small talk in a DM.
    const thanks = messageCreate('thanks!', { guild: false });
    fake.dispatch({ t: GatewayDispatchEvents.MessageCreate, d: thanks });
    const welcome = await fake.waitFor(() => fake.find('POST', new RegExp(`^/api/v10/channels/${DM_CHANNEL_ID}/messages$`)).find((r) => r.body.message_reference?.message_id === thanks.id));
    expect(welcome.body.content).toBe("You're welcome!");
    expect(welcome.body.embeds ?? []).toEqual([]);

    // Seen 4: all, then all but the SDN, in the member's own DM.
    for (const [sub, target] of [['subscribe', 'all'], ['unsubscribe', 'US-OFAC-SDN']] as const) {
      const i = slash(fake.applicationId, { name: ALERTS_COMMAND, subcommand: sub, options: [str('target', target)] }, { guild: false, user: MEMBER });
      fake.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: i });
      const content = String((await fake.waitFor(() => callbackOf(i.id))).body.data.content);
      if (sub === 'unsubscribe') expect(content).toMatch(/This channel now hears about every list except SDN \(US-OFAC-SDN\)/);
    }
    expect(new SubscriptionStore(timeline).get('discord', DM_CHANNEL_ID)).toMatchObject({ targets: ['all'], excluded: ['US-OFAC-SDN'] });

    // Seen 2: recent with filters, a page footer as Discord types it.
    const recent = slash(fake.applicationId, { name: LOOKUP_COMMAND, subcommand: 'recent', options: [str('list', 'US-OFAC-SDN'), str('kind', 'added')] }, { guild: true, permissions: PERMISSIONS.none, user: MEMBER });
    fake.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: recent });
    const page = JSON.stringify((await fake.waitFor(() => callbackOf(recent.id))).body.data);
    expect(page).toMatch(/Page 1 of \d+ \(1-20 of \d+\)\. More: `\/sanctions recent list:US-OFAC-SDN kind:added page:2`/);
  });

  it('answers a failure politely (ephemeral, no trace) and logs it', async () => {
    const closed = openDb(join(dir, 'closed.db'));
    closed.close();
    handle = { db: closed, seed: false };
    try {
      const status = slash(fake.applicationId, { name: LOOKUP_COMMAND, subcommand: 'status' });
      const lookup = slash(fake.applicationId, { name: LOOKUP_COMMAND, subcommand: 'lookup', options: [str('name', 'DJI')] });
      fake.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: status });
      fake.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: lookup });
      const direct = await fake.waitFor(() => callbackOf(status.id));
      expect(direct.body.data).toEqual({ content: expect.stringMatching(/^Sorry, something went wrong/), flags: MessageFlags.Ephemeral, allowed_mentions: { parse: [], replied_user: false }, tts: false, enforce_nonce: false });
      const edited = await fake.waitFor(() => editOf(lookup.token));
      expect(edited.body.content).toMatch(/^Sorry, something went wrong/);
      expect(JSON.stringify(edited.body)).not.toMatch(/at \w+ \(|\.ts:\d+|database connection/);
      expect(logs.filter((l) => l.level === 'error' && l.msg === 'discord: interaction failed').length).toBeGreaterThanOrEqual(2);
    } finally {
      handle = timelineHandle;
    }
  });

  it('registers the commands with a PUT (guild and global), after which the start-time check matches', async () => {
    const guild = await registerCommands({ token: TOKEN, applicationId: fake.applicationId, guildId: GUILD_ID, apiUrl: fake.api, restOptions: { retries: 0 } });
    expect(guild).toEqual({ scope: 'guild', guildId: GUILD_ID, commands: ['sanctions', 'sanctions-alerts', 'Screen this message'] });
    const put = fake.find('PUT', new RegExp(`^/api/v10/applications/${fake.applicationId}/guilds/${GUILD_ID}/commands$`));
    expect(put).toHaveLength(1);
    expect(put[0]!.headers.authorization).toBe(`Bot ${TOKEN}`);
    const [lookupDef, alertsDef] = put[0]!.body;
    expect(lookupDef.default_member_permissions).toBeUndefined();
    expect(alertsDef.default_member_permissions).toBe('16');
    const lookup = lookupDef.options.find((o: { name: string }) => o.name === 'lookup');
    expect(lookup.options.find((o: { name: string }) => o.name === 'name')).toMatchObject({ required: true, autocomplete: true });
    expect(lookup.options.find((o: { name: string }) => o.name === 'list').choices.length).toBeLessThanOrEqual(25);
    expect(await checkRegistered({ token: TOKEN, applicationId: fake.applicationId, guildId: GUILD_ID, apiUrl: fake.api, restOptions: { retries: 0 } })).toMatchObject({ matches: true, missing: [], different: [] });

    // The CLI: global when DISCORD_GUILD_ID is unset.
    const out: string[] = [];
    const err: string[] = [];
    const code = await run(['discord-register'], { out: (t) => out.push(t), err: (t) => err.push(t), env: { DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: fake.applicationId, DISCORD_API_URL: fake.api } });
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out.join('\n')).toMatch(/Registered \/sanctions and \/sanctions-alerts for application \d+, globally/);
    expect(fake.find('PUT', new RegExp(`^/api/v10/applications/${fake.applicationId}/commands$`))).toHaveLength(1);
    expect(await run(['discord-register'], { out: () => {}, err: (t) => err.push(t), env: {} })).toBe(2);
    expect(err.join('\n')).toMatch(/needs DISCORD_TOKEN and DISCORD_APPLICATION_ID/);

    // --check and --clear on the guild scope; a rejected token exits 1 with the reason.
    const env = { DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: fake.applicationId, DISCORD_GUILD_ID: GUILD_ID, DISCORD_API_URL: fake.api };
    const io = { out: (t: string) => out.push(t), err: (t: string) => err.push(t), env };
    expect(await run(['discord-register', '--check'], io)).toBe(0);
    expect(out.at(-1)).toBe(`guild ${GUILD_ID}: the guild slash commands are registered as served`);
    expect(await run(['discord-register', '--clear'], io)).toBe(0);
    expect(fake.find('PUT', new RegExp(`/guilds/${GUILD_ID}/commands$`)).at(-1)!.body).toEqual([]);
    expect(await run(['discord-register', '--check'], io)).toBe(1);
    expect(out.at(-1)).toMatch(/not registered: \/sanctions, \/sanctions-alerts/);
    fake.on('PUT', /commands$/, () => ({ status: 401, body: { message: '401: Unauthorized', code: 0 } }), 1);
    expect(await run(['discord-register'], io)).toBe(1);
    expect(err.at(-1)).toMatch(/guild \d+ command registration failed: Discord rejected DISCORD_TOKEN \(401 Unauthorized\)/);
  });
});

describe('Discord alert delivery (the AlertSink)', () => {
  it('posts an alert to the channel and returns the message id', async () => {
    const router = new Router(timeline);
    const events = router.eventsAfter(0).filter((e) => e.list === 'CN-MOFCOM-ECL').slice(0, 2);
    expect(events.length).toBe(2);
    const [reply] = alertReplies({ targets: ['side:cn'] }, events);
    const result = await bot.sink.deliver(CHANNEL_ID, reply!);
    expect(result.ok).toBe(true);
    const sent = fake.find('POST', new RegExp(`^/api/v10/channels/${CHANNEL_ID}/messages$`)).at(-1)!;
    expect(result).toEqual({ ok: true, ref: expect.stringMatching(/^\d+$/) });
    expect(sent.body.allowed_mentions).toEqual({ parse: [] });
    expect(sent.body.content).toContain(events[0]!.name.split(' ')[0]);
    expect(sent.body.embeds[0].description).toMatch(/CN-MOFCOM-ECL/);
    // Each alert line has its Details button (the Acknowledge button is added when the outbox queues it).
    const ids = (sent.body.components as Array<{ components: Array<{ custom_id: string }> }>).flatMap((r) => r.components.map((c) => c.custom_id));
    expect(ids).toEqual(expect.arrayContaining([`sanctions:details:${events[0]!.facts.partyId}`]));
  });

  it("sends the worker's message key as the nonce, so that a repeat within minutes posts nothing new", async () => {
    const reply = { blocks: [{ type: 'text' as const, text: 'once' }], summary: 'once' };
    const first = await bot.sink.deliver(CHANNEL_ID, reply, 'sanctions-123456-1767225600000');
    const again = await bot.sink.deliver(CHANNEL_ID, reply, 'sanctions-123456-1767225600000');
    const other = await bot.sink.deliver(CHANNEL_ID, reply, 'sanctions-123457-1767225600000');
    expect(first.ok && again.ok && first.ref === again.ref).toBe(true);
    expect(other.ok && other.ref !== (first.ok && first.ref)).toBe(true);
    const sent = fake.find('POST', new RegExp(`^/api/v10/channels/${CHANNEL_ID}/messages$`)).slice(-3);
    expect(sent.map((r) => r.body.enforce_nonce)).toEqual([true, true, true]);
    expect(sent[0]!.body.nonce).toMatch(/^[0-9a-f]{25}$/);
    expect(sent[1]!.body.nonce).toBe(sent[0]!.body.nonce);
    expect(sent[2]!.body.nonce).not.toBe(sent[0]!.body.nonce);
  });

  it('gives a 429 back as temporary with its retry-after, without waiting it out', async () => {
    fake.on('POST', /^\/api\/v10\/channels\/1500000000000000001\/messages$/, () => ({ status: 429, body: { message: 'You are being rate limited.', retry_after: 1.5, global: false }, headers: { 'retry-after': '1.5', 'x-ratelimit-scope': 'user' } }), 1);
    const started = Date.now();
    const result = await bot.sink.deliver('1500000000000000001', { blocks: [{ type: 'text', text: 'x' }], summary: 'x' });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(result).toMatchObject({ ok: false, permanent: false });
    expect(result.ok === false && result.retryAfterMs).toBeGreaterThanOrEqual(1500);
    expect(result.ok === false && result.retryAfterMs).toBeLessThan(2000);
  });

  it('gives Unknown Channel, Missing Access and Missing Permissions back as permanent, a 500 and a timeout as temporary', async () => {
    const answers: Record<string, { status: number; body: unknown }> = {
      '1500000000000000002': { status: 404, body: { message: 'Unknown Channel', code: 10003 } },
      '1500000000000000003': { status: 403, body: { message: 'Missing Access', code: 50001 } },
      '1500000000000000004': { status: 403, body: { message: 'Missing Permissions', code: 50013 } },
      '1500000000000000005': { status: 500, body: { message: 'Internal Server Error', code: 0 } },
    };
    for (const [channel, answer] of Object.entries(answers)) fake.on('POST', new RegExp(`^/api/v10/channels/${channel}/messages$`), () => answer);
    const reply = { blocks: [{ type: 'text' as const, text: 'x' }], summary: 'x' };
    expect(await bot.sink.deliver('1500000000000000002', reply)).toEqual({ ok: false, permanent: true, reason: 'Unknown Channel: the channel was deleted (10003)' });
    expect(await bot.sink.deliver('1500000000000000003', reply)).toMatchObject({ ok: false, permanent: true, reason: expect.stringMatching(/^Missing Access/) });
    expect(await bot.sink.deliver('1500000000000000004', reply)).toMatchObject({ ok: false, permanent: true, reason: expect.stringMatching(/^Missing Permissions/) });
    expect(await bot.sink.deliver('1500000000000000005', reply)).toMatchObject({ ok: false, permanent: false, reason: 'Discord HTTP 500' });

    // A server that never answers: the sink's own time limit, then temporary.
    fake.on('POST', /^\/api\/v10\/channels\/1500000000000000006\/messages$/, () => ({ status: 200, body: {}, delayMs: 2000 }));
    const slow = new DiscordSink({ token: TOKEN, apiUrl: fake.api, timeoutMs: 100 });
    try {
      expect(await slow.deliver('1500000000000000006', reply)).toMatchObject({ ok: false, permanent: false, reason: 'timed out' });
    } finally {
      slow.close();
    }
  });
});

/** A multipart request as discord.js sends a message with files: its payload_json and each file's content by name. */
function multipart(r: Recorded): { json: Record<string, unknown>; files: Map<string, string> } {
  const boundary = /boundary=(.+)$/.exec(String(r.headers['content-type']))![1]!;
  const files = new Map<string, string>();
  let json: Record<string, unknown> = {};
  for (const part of String(r.body).split(`--${boundary}`).slice(1, -1)) {
    const at = part.indexOf('\r\n\r\n');
    const head = part.slice(0, at);
    const content = part.slice(at + 4, part.endsWith('\r\n') ? -2 : undefined);
    const name = /name="([^"]+)"/.exec(head)![1]!;
    const filename = /filename="([^"]+)"/.exec(head)?.[1];
    if (name === 'payload_json') json = JSON.parse(content) as Record<string, unknown>;
    else if (filename) files.set(filename, content);
  }
  return { json, files };
}

describe('Discord digest of China\'s t0 -> t1 additions: attachments, buttons, Show all, Acknowledge (issue 13)', () => {
  it('posts one message with a headline, Details per line, Show all and Acknowledge, and the full digest as CSV and Markdown attachments', async () => {
    handle = timelineHandle;
    const subs = new SubscriptionStore(timeline);
    subs.subscribe({ platform: 'discord', channel: CHANNEL_ID, targets: ['side:cn'], kinds: ['added', 'removed', 'changed', 'suspended'], countries: [], health: false });
    timeline.prepare('UPDATE subscriptions SET cursor = 0 WHERE channel = ?').run(CHANNEL_ID);
    const before = fake.requests.length;
    const pipeline = new AlertPipeline(timeline, { sinks: new Map([['discord', bot.sink]]) });
    await pipeline.tick();
    await pipeline.stop();
    const posts = fake.requests.slice(before).filter((r) => r.method === 'POST' && r.path === `/api/v10/channels/${CHANNEL_ID}/messages`);
    expect(posts).toHaveLength(1);
    expect(String(posts[0]!.headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/);
    const { json, files } = multipart(posts[0]!);
    expect(json.content).toMatch(/^\*\*MOFCOM added 14 entries to the Export Control List \(List of Export Controls\)\*\*/);
    expect(json.allowed_mentions).toEqual({ parse: [] });
    const description = (json.embeds as Array<{ description: string }>)[0]!.description;
    // A line: party, type, country, list, date of the announcement, program, issuer, link to the announcement.
    expect(description).toMatch(/\*\*Rheinmetall AG\*\* \*entity · DE\* added to Export Control List `CN-MOFCOM-ECL` · published 2026-07-24 · List of Export Controls · China, MOFCOM · \[official entry\]\(https:\/\/www\.mofcom\.gov\.cn\//);
    const ids = (json.components as Array<{ components: Array<{ custom_id: string; label: string }> }>).flatMap((row) => row.components);
    const outbox = timeline.prepare<[string], { id: number }>("SELECT id FROM outbox WHERE channel = ? AND kind = 'digest'").get(CHANNEL_ID)!.id;
    expect(ids.map((b) => b.custom_id)).toEqual(expect.arrayContaining([`sanctions:page:digest ${outbox} 1`, `sanctions:ack:ack ${outbox}`]));
    expect(ids.filter((b) => b.custom_id.startsWith('sanctions:details:p'))).toHaveLength(14);
    expect(ids.find((b) => b.custom_id.startsWith('sanctions:ack:'))!.label).toBe('Acknowledge');
    // The attachments: all 14 entries, one CSV row each, and the same as a Markdown table.
    expect(json.attachments).toEqual([expect.objectContaining({ id: 0, filename: expect.stringMatching(/\.csv$/) }), expect.objectContaining({ id: 1, filename: expect.stringMatching(/\.md$/) })]);
    const csv = [...files.entries()].find(([name]) => name.endsWith('.csv'))![1];
    const rows = csv.trim().split('\r\n');
    expect(rows).toHaveLength(15);
    expect(rows.slice(1).every((r) => r.includes(',CN-MOFCOM-ECL,added,,2026-07-24,'))).toBe(true);
    expect(csv).toContain('Rheinmetall AG,,entity,DE,Export Control List,CN-MOFCOM-ECL,added,,2026-07-24,published,,,,List of Export Controls,,MOFCOM,https://www.mofcom.gov.cn/');
    const md = [...files.entries()].find(([name]) => name.endsWith('.md'))![1];
    expect(md.split('\n').filter((l) => /^\| \d+ \|/.test(l))).toHaveLength(14);

    // Show all: the entries as a message below (one page of 14: no Next).
    const show = button(fake.applicationId, `sanctions:page:digest ${outbox} 1`, { ...botMessage(fake.applicationId, fake.botUser, false, [`sanctions:page:digest ${outbox} 1`]), channel_id: CHANNEL_ID });
    fake.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: show });
    const page = await fake.waitFor(() => callbackOf(show.id));
    expect(page.body.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(page.body.data.content).toMatch(/Digest: entries 1–14 of 14 \(page 1 of 1\)/);
    expect(page.body.data.embeds[0].description.split('\n')).toHaveLength(14);

    // Acknowledge: the alert is edited in place to say who handled it and when, its button gone; no ping.
    const seen = button(fake.applicationId, `sanctions:ack:ack ${outbox}`, { ...botMessage(fake.applicationId, fake.botUser, false, [`sanctions:ack:ack ${outbox}`]), channel_id: CHANNEL_ID });
    fake.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: seen });
    const edit = await fake.waitFor(() => callbackOf(seen.id));
    expect(edit.body.type).toBe(InteractionResponseType.UpdateMessage);
    expect(edit.body.data.content).toMatch(/✅ Handled by @.+ at \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(edit.body.data.allowed_mentions).toEqual({ parse: [], replied_user: false });
    expect(JSON.stringify(edit.body.data.components)).not.toContain('sanctions:ack:');
    expect(timeline.prepare('SELECT user_id, channel FROM alert_acks WHERE outbox_id = ?').get(outbox)).toEqual({ user_id: ADMIN.id, channel: CHANNEL_ID });
  });
});

/** The files of a multipart request as bytes (binary attachments: the PNG chart). */
function multipartBytes(r: Recorded): Map<string, Buffer> {
  const boundary = Buffer.from(`--${/boundary=(.+)$/.exec(String(r.headers['content-type']))![1]!}`);
  const body = r.bytes!;
  const files = new Map<string, Buffer>();
  let at = body.indexOf(boundary);
  while (at >= 0) {
    const next = body.indexOf(boundary, at + boundary.length);
    if (next < 0) break;
    const part = body.subarray(at + boundary.length, next);
    const split = part.indexOf('\r\n\r\n');
    const head = part.subarray(0, split).toString('utf8');
    const filename = /filename="([^"]+)"/.exec(head)?.[1];
    if (filename) files.set(filename, part.subarray(split + 4, part.length - 2));
    at = next;
  }
  return files;
}

describe('Discord: a scheduled daily summary with its chart attached (issue 13)', () => {
  it('sends nothing until 08:00 Europe/Berlin (fake clock), then one message with the CSV, Markdown and a PNG chart that decodes', async () => {
    const channel = '1100000000000000777';
    const subs = new SubscriptionStore(timeline);
    subs.subscribe({ platform: 'discord', channel, targets: ['side:cn'], kinds: ['added', 'removed', 'changed', 'suspended'], countries: [], health: false });
    let clock = new Date('2026-12-01T10:00:00Z');
    changeSchedule(timeline, subs.get('discord', channel)!, { every: 'daily', at: '08:00', tz: 'Europe/Berlin' }, clock);
    // From the first event on: China's t0 -> t1 additions are held for the summary.
    timeline.prepare('UPDATE subscriptions SET cursor = 0 WHERE channel = ?').run(channel);
    const before = fake.requests.length;
    const posts = () => fake.requests.slice(before).filter((r) => r.method === 'POST' && r.path === `/api/v10/channels/${channel}/messages`);
    const pipeline = new AlertPipeline(timeline, { sinks: new Map([['discord', bot.sink]]), now: () => clock });
    await pipeline.tick();
    expect(posts()).toHaveLength(0);
    clock = new Date('2026-12-02T07:00:00Z');
    await pipeline.tick();
    await pipeline.tick();
    await pipeline.stop();
    expect(posts()).toHaveLength(1);
    const { json } = multipart(posts()[0]!);
    expect(json.content).toMatch(/^\*\*Daily summary: 14 list changes from 2026-12-01 11:00 Europe\/Berlin to 2026-12-02 08:00 Europe\/Berlin\*\*/);
    const files = multipartBytes(posts()[0]!);
    const names = [...files.keys()];
    expect(names).toEqual([expect.stringMatching(/\.csv$/), expect.stringMatching(/\.md$/), expect.stringMatching(/designations-by-week\.png$/)]);
    const png = decodePng(files.get(names[2]!)!);
    expect([png.width, png.height]).toEqual([720, 360]);
    expect((json.attachments as Array<{ filename: string }>).map((a) => a.filename)).toEqual(names);
  });
  it('sets and ends a schedule through /sanctions-alerts subscribe with its schedule, day, at and tz options', async () => {
    handle = timelineHandle;
    const store = new SubscriptionStore(timeline);
    const set = slash(
      fake.applicationId,
      { name: ALERTS_COMMAND, subcommand: 'subscribe', options: [str('target', 'cn'), str('schedule', 'weekly'), str('day', 'mon'), str('at', '09:00'), str('tz', 'America/New_York')] },
      { guild: true, permissions: PERMISSIONS.manager, user: ADMIN },
    );
    fake.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: set });
    const reply = await fake.waitFor(() => callbackOf(set.id));
    // Discord markdown escaped (New\\_York); the schedule said whatever the lists already were.
    expect(reply.body.data.content).toMatch(/Alerts now come as a weekly summary on Mondays at 09:00 \(America\/New\\_York\); the first at \d{4}-\d\d-\d\d 09:00 America\/New\\_York/);
    expect(store.get('discord', CHANNEL_ID)).toMatchObject({ schedule: { every: 'weekly', day: 1, at: '09:00', tz: 'America/New_York' } });
    const live = slash(fake.applicationId, { name: ALERTS_COMMAND, subcommand: 'subscribe', options: [str('schedule', 'live')] }, { guild: true, permissions: PERMISSIONS.manager, user: ADMIN });
    fake.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: live });
    expect((await fake.waitFor(() => callbackOf(live.id))).body.data.content).toMatch(/Alerts now come as they happen/);
    expect(store.get('discord', CHANNEL_ID)).toMatchObject({ schedule: { every: 'live' } });
  });
});

describe('no mention ever leaves the bot', () => {
  it('escapes hostile names in lookups, questions and alerts, and sends allowed_mentions none on every message', async () => {
    handle = hostileHandle;
    const lookup = slash(fake.applicationId, { name: LOOKUP_COMMAND, subcommand: 'lookup', options: [str('name', '@everyone')] });
    const other = slash(fake.applicationId, { name: LOOKUP_COMMAND, subcommand: 'lookup', options: [str('name', '<@123>')] });
    const ask = messageCreate(`<@${fake.botId}> check "Holdings"`, { guild: true, mentions: [fake.botUser] });
    fake.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: lookup });
    fake.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: other });
    fake.dispatch({ t: GatewayDispatchEvents.MessageCreate, d: ask });
    const first = await fake.waitFor(() => editOf(lookup.token));
    const second = await fake.waitFor(() => editOf(other.token));
    await fake.waitFor(() => fake.requests.find((r) => r.body?.message_reference?.message_id === ask.id));
    // A first snapshot is a baseline without events: the alert carries the hostile names itself.
    const [alert] = alertReplies({ targets: ['all'] }, [hostileEvent()]);
    expect((await bot.sink.deliver(CHANNEL_ID, alert!)).ok).toBe(true);

    // The hostile party was found and shown, neutralised.
    expect(JSON.stringify(first.body.embeds)).toContain('@\u200beveryone');
    expect(JSON.stringify(second.body.embeds)).toContain('\\\\<@\u200b123>');

    const bodies = messageBodies();
    expect(bodies.length).toBeGreaterThan(10);
    for (const b of bodies) {
      expect(b.message.allowed_mentions, `${b.method} ${b.path}`).toMatchObject({ parse: [] });
      expect(Object.keys(b.message.allowed_mentions as object).sort(), `${b.method} ${b.path}`).toEqual(expect.not.arrayContaining(['users', 'roles']));
      // custom_id is opaque: Discord hands it back on a click and never displays it.
      const text = JSON.stringify(b.message, (key, value: unknown) => (key === 'custom_id' ? undefined : value));
      expect(text, `${b.method} ${b.path}`).not.toMatch(/@everyone|@here|<@!?\d+>|<@&\d+>|<#\d+>/);
    }
  });

});

describe('start, stop and the audit trail', () => {
  it('fails start with a clear error when Discord rejects the token, leaving nothing running', async () => {
    const own = await FakeDiscord.start();
    own.on('GET', /^\/api\/v10\/gateway\/bot$/, () => ({ status: 401, body: { message: '401: Unauthorized', code: 0 } }));
    const rejected = createDiscordBot({ token: 'bad-token', applicationId: own.applicationId, apiUrl: own.api, data: () => timelineHandle, audit: false, logger, restRetries: 0 });
    try {
      await expect(rejected.start()).rejects.toThrow(/^Discord login failed: .*check DISCORD_TOKEN/);
      expect(own.connections).toBe(0);
    } finally {
      await rejected.stop();
      await own.close();
    }
  });

  it('records lookups in the audit trail when asked to (its own bot, on the writable timeline database)', async () => {
    const own = await FakeDiscord.start();
    const audited = createDiscordBot({ token: TOKEN, applicationId: own.applicationId, apiUrl: own.api, data: () => timelineHandle, audit: true, logger, restRetries: 0, checkCommands: false });
    try {
      await audited.start();
      const payload = slash(own.applicationId, { name: LOOKUP_COMMAND, subcommand: 'lookup', options: [str('name', 'Rheinmetall')] }, { guild: true, user: ADMIN });
      own.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: payload });
      await own.waitFor(() => own.requests.find((r) => r.method === 'PATCH'));
      const row = timeline.prepare<[], { platform: string; actor: string; place: string; query: string }>("SELECT platform, actor, place, query FROM audit WHERE platform = 'discord'").get();
      expect(row).toEqual({ platform: 'discord', actor: ADMIN.id, place: `${GUILD_ID}/${CHANNEL_ID}`, query: 'Rheinmetall' });
    } finally {
      await audited.stop();
      await own.close();
    }
  });
});

function hostileEvent(): RoutedEvent {
  return {
    id: 1,
    at: '2026-01-02T00:00:00.000Z',
    kind: 'added',
    list: 'US-BIS-UVL',
    source: 'hostile',
    record: 'h1',
    refreshId: 1,
    name: '@everyone <@123> <@&456> <#789> @here',
    detail: { since: '2026-01-02', citation: '<@&456> 99 FR 1' },
    recordId: 1,
    partyId: 1,
    countries: ['CN'],
    watch: '@here',
    retaliation: false,
    facts: {
      party: '@everyone <@123> holdings',
      partyId: 'p1',
      listedAs: '@everyone <@123> <@&456> <#789> @here',
      type: 'entity',
      countries: ['CN'],
      action: 'added',
      date: '2026-01-02',
      programs: ['@here <#789>'],
      citation: '<@&456> 99 FR 1',
      url: 'https://example.com/rule?x=<@123>',
      issuer: 'Commerce / BIS',
      retaliation: false,
    },
  };
}
