/**
 * Issue 16: the adapters on the shared store (DATABASE_URL). The real Bolt and discord.js against the loopback
 * fakes, and the HTTP API, each given `shared`: a subscription typed in Slack or Discord is in the shared store (a
 * real PostgreSQL from test/helpers/postgres.ts; the SQLite engine on a machine without one), never in the local
 * file; a scheduled summary is refused; lookups are audited in the shared trail. Slack still acks before the store
 * answers, and Discord defers a command whose store is slow instead of missing its 3 s.
 */
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { EnvelopedEvent, SlashCommand, types } from '@slack/bolt';
import { ApplicationCommandOptionType, GatewayDispatchEvents, MessageFlags } from 'discord-api-types/v10';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleBot } from '../../src/bots/console/console';
import { PLAIN } from '../../src/bots/console/render';
import { createDiscordBot, type DiscordBot } from '../../src/bots/discord/client';
import { ALERTS_COMMAND } from '../../src/bots/discord/commands';
import type { Logger } from '../../src/bots/discord/logger';
import { startApiServer, type ApiServer } from '../../src/bots/http/api';
import { createSlackApp, type SlackBot } from '../../src/bots/slack/app';
import { SubscriptionStore } from '../../src/core/alerts/subscriptions';
import { auditTrail } from '../../src/core/audit';
import { settleSharedAudits } from '../../src/core/audit-target';
import type { SharedCommandStore } from '../../src/core/commands/shared-commands';
import type { DataHandle } from '../../src/core/dataset';
import { openStore } from '../../src/core/reindex';
import { refreshSources } from '../../src/core/refresh';
import { PostgresSharedStore } from '../../src/core/shared/postgres';
import { SqliteSharedStore } from '../../src/core/shared/sqlite';
import type { SharedStore } from '../../src/core/shared/types';
import { screenMessage } from '../../src/core/screen-message/screen';
import { loadSourcesFile } from '../../src/core/sources/config';
import { openDb, type Db } from '../../src/core/store/db';
import { postgresAvailable, startTestPostgres, type TestPostgres } from '../helpers/postgres';
import { SOURCES_DIR } from '../helpers/shared';
import { tempDir } from '../helpers/tmp';
import { FakeDiscord, type Recorded } from './discord/fake-discord';
import { ADMIN, autocomplete, CHANNEL_ID, GUILD_ID, guildCreate, PERMISSIONS, slash as discordSlash } from './discord/payloads';
import { postToBot, startFakeSlack, waitFor, type FakeSlack } from './slack/fake-slack';

const SECRET = 'test-signing-secret';
const FORM = 'application/x-www-form-urlencoded';
const ENGINE = postgresAvailable() ? 'postgres' : 'sqlite';

const dir = tempDir('sanctions-shared-adapters-');
let db: Db;
let handle: DataHandle;
let server: TestPostgres | undefined;
let shared: SharedStore;
/** A store whose subscriptions wait for `release()` (a slow database), to see who answers first. */
let gate: { open: Promise<void>; release: () => void };
let gated: SharedCommandStore;
let fakeSlack: FakeSlack;
let slack: SlackBot;
let slowSlack: SlackBot;
let slackPort: number;
let slowSlackPort: number;
let fakeDiscord: FakeDiscord;
let discord: DiscordBot | undefined;
let slowDiscord: DiscordBot;
let api: ApiServer;

const silent = pino({ level: 'silent' });
const discordLogs: string[] = [];
const discordLogger: Logger = { info: () => {}, warn: (_o, m) => discordLogs.push(m), error: (o, m) => discordLogs.push(`${m} ${JSON.stringify(o)}`) };

function newGate() {
  let release!: () => void;
  const open = new Promise<void>((resolve) => (release = resolve));
  return { open, release };
}

beforeAll(async () => {
  db = openDb(join(dir, 'data.db'));
  for (const step of [0, 1]) await refreshSources(db, loadSourcesFile(join(SOURCES_DIR, `timeline-t${step}.json`)));
  handle = { db, seed: false };
  if (ENGINE === 'postgres') {
    server = await startTestPostgres();
    shared = PostgresSharedStore.open(server.url);
  } else {
    const path = join(dir, 'shared.db');
    shared = new SqliteSharedStore(openStore(path), { path, closeDb: true });
  }
  await shared.migrate();
  gate = newGate();
  const slow = <A extends unknown[], R>(f: (...a: A) => Promise<R>) => async (...a: A): Promise<R> => {
    await gate.open;
    return f(...a);
  };
  const s = shared.subscriptions;
  gated = {
    audit: shared.audit,
    subscriptions: {
      create: slow(s.create.bind(s)),
      get: slow(s.get.bind(s)),
      list: slow(s.list.bind(s)),
      remove: slow(s.remove.bind(s)),
      addWatch: slow(s.addWatch.bind(s)),
      removeWatch: slow(s.removeWatch.bind(s)),
      watchTerms: slow(s.watchTerms.bind(s)),
    },
  };

  fakeSlack = await startFakeSlack({ admins: new Set(['UADMIN']), memberships: { UADMIN: ['C0SHARED', 'C0ELSEWHERE'] } });
  const common = { botToken: 'xoxb-test', signingSecret: SECRET, host: '127.0.0.1', port: 0, apiUrl: fakeSlack.apiUrl, logger: silent, retryConfig: { retries: 0 }, data: () => handle, audit: true };
  slack = createSlackApp({ ...common, shared });
  slowSlack = createSlackApp({ ...common, shared: gated });
  slackPort = (await slack.start()).port!;
  slowSlackPort = (await slowSlack.start()).port!;

  fakeDiscord = await FakeDiscord.start();
  const discordCommon = { token: 'test-token.discord', applicationId: fakeDiscord.applicationId, guildId: GUILD_ID, apiUrl: fakeDiscord.api, data: () => handle, audit: true, logger: discordLogger, restRetries: 0, checkCommands: false };
  discord = createDiscordBot({ ...discordCommon, shared });
  await discord.start();
  fakeDiscord.dispatch({ t: GatewayDispatchEvents.GuildCreate, d: guildCreate(fakeDiscord.botUser) });
  await fakeDiscord.waitFor(() => discord!.client.guilds.cache.has(GUILD_ID));

  api = await startApiServer({ data: () => handle, port: 0, audit: true, lookupThreads: 0, shared });
}, 180_000);

afterAll(async () => {
  gate?.release();
  await slack?.stop();
  await slowSlack?.stop();
  await discord?.stop();
  await slowDiscord?.stop();
  await fakeDiscord?.close();
  await fakeSlack?.close();
  await api?.close();
  await settleSharedAudits();
  await shared?.close();
  await server?.stop();
  db?.close();
});

function slash(text: string, user: string, channel: string): { body: string; responseUrl: string } {
  const responseUrl = fakeSlack.responseUrl();
  const payload: SlashCommand = {
    token: 'verification-token',
    command: '/sanctions',
    text,
    response_url: responseUrl,
    trigger_id: '1.2.3',
    user_id: user,
    user_name: user.toLowerCase(),
    team_id: 'T0ACME',
    team_domain: 'acme',
    channel_id: channel,
    channel_name: 'compliance',
    api_app_id: 'A0SANCTIONS',
  };
  return { body: new URLSearchParams(payload as Record<string, string>).toString(), responseUrl };
}

const responseTo = (url: string) => () => fakeSlack.calls.find((c) => c.method === 'response' && `${fakeSlack.url}${c.path}` === url);

async function command(port: number, text: string, user: string, channel: string) {
  const { body, responseUrl } = slash(text, user, channel);
  const res = await postToBot(port, body, FORM, { secret: SECRET });
  expect(res.status).toBe(200);
  return (await waitFor(responseTo(responseUrl))).body as { response_type?: string; text?: string; blocks?: unknown[] };
}

const str = (name: string, value: string, focused = false) => ({ name, type: ApplicationCommandOptionType.String, value, ...(focused ? { focused } : {}) });
const callbackOf = (id: string): Recorded | undefined => fakeDiscord.requests.find((r) => r.method === 'POST' && r.path.startsWith(`/api/v10/interactions/${id}/`) && r.path.endsWith('/callback'));
const callbacksOf = (id: string): Recorded[] => fakeDiscord.requests.filter((r) => r.method === 'POST' && r.path.startsWith(`/api/v10/interactions/${id}/`) && r.path.endsWith('/callback'));
const editOf = (token: string): Recorded | undefined => fakeDiscord.requests.find((r) => r.method === 'PATCH' && r.path === `/api/v10/webhooks/${fakeDiscord.applicationId}/${token}/messages/@original`);

describe(`Slack on the shared store (${ENGINE}; real Bolt, fake Slack)`, () => {
  it('/sanctions subscribe US-OFAC-SDN: announced in the channel, kept in the shared store, not in the local file', async () => {
    const answer = await command(slackPort, 'subscribe US-OFAC-SDN', 'UADMIN', 'C0SHARED');
    expect(answer.response_type).toBe('in_channel');
    expect(JSON.stringify(answer)).toMatch(/This channel now hears about SDN \(US-OFAC-SDN\); every kind of change/);
    expect(await shared.subscriptions.get('slack', 'C0SHARED')).toMatchObject({ targets: ['US-OFAC-SDN'], excluded: [], createdBy: 'UADMIN' });
    expect(new SubscriptionStore(db).get('slack', 'C0SHARED')).toBeUndefined();

    await command(slackPort, 'watch add Rheinmetall', 'UADMIN', 'C0SHARED');
    expect(await shared.subscriptions.watchTerms('slack', 'C0SHARED')).toEqual(['Rheinmetall']);
    expect(new SubscriptionStore(db).watchTerms('slack', 'C0SHARED')).toEqual([]);

    const listed = await command(slackPort, 'subscriptions', 'UUSER', 'C0SHARED');
    expect(listed.response_type).toBe('ephemeral');
    expect(JSON.stringify(listed)).toMatch(/SDN \(US-OFAC-SDN\)/);
    expect(JSON.stringify(listed)).toMatch(/Rheinmetall/);
    expect(JSON.stringify(listed)).toMatch(/as they come/);
  });

  it('refuses a scheduled summary, privately, and changes nothing; a member who is not an admin is refused too', async () => {
    const before = await shared.subscriptions.get('slack', 'C0SHARED');
    const refused = await command(slackPort, 'subscribe daily at:08:00', 'UADMIN', 'C0SHARED');
    expect(refused.response_type).toBe('ephemeral');
    expect(JSON.stringify(refused)).toMatch(/scheduled summaries are not available with the PostgreSQL store/);
    const member = await command(slackPort, 'unsubscribe all', 'UUSER', 'C0SHARED');
    expect(member.response_type).toBe('ephemeral');
    expect(JSON.stringify(member)).toMatch(/Only workspace admins and owners/);
    expect(await shared.subscriptions.get('slack', 'C0SHARED')).toEqual(before);
  });

  it('acks the slash command before the shared store has answered, then answers through response_url', async () => {
    const { body, responseUrl } = slash('subscribe cn', 'UADMIN', 'C0SLOW');
    // The store does not answer until released: the HTTP request (Slack's 3 s) is answered all the same.
    const res = await postToBot(slowSlackPort, body, FORM, { secret: SECRET });
    expect(res.status).toBe(200);
    expect(responseTo(responseUrl)()).toBeUndefined();
    expect(await shared.subscriptions.get('slack', 'C0SLOW')).toBeUndefined();
    gate.release();
    const answer = (await waitFor(responseTo(responseUrl))).body as { response_type?: string };
    expect(answer.response_type).toBe('in_channel');
    expect(JSON.stringify(answer)).toMatch(/now hears about Beijing's lists/);
    expect(await shared.subscriptions.get('slack', 'C0SLOW')).toMatchObject({ targets: ['side:cn'] });
    gate = newGate();
  });

  it('audits a lookup in the shared trail, not in the local file', async () => {
    const localBefore = auditTrail(db, { limit: 1000 }).length;
    const answer = await command(slackPort, 'lookup Rheinmetall', 'ULOOKER', 'C0SHARED');
    expect(JSON.stringify(answer)).toContain('Rheinmetall AG');
    await settleSharedAudits();
    const entries = (await shared.audit.list({ limit: 100 })).filter((e) => e.actor === 'ULOOKER');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ platform: 'slack', place: 'T0ACME/C0SHARED', query: 'Rheinmetall' });
    expect(entries[0]!.results[0]).toMatchObject({ name: 'Rheinmetall AG' });
    expect(auditTrail(db, { limit: 1000 })).toHaveLength(localBefore);
  });

  it("the App Home shows the person's channels and recent lookups from the shared store", async () => {
    await command(slackPort, 'lookup Rheinmetall', 'UADMIN', 'C0SHARED');
    await settleSharedAudits();
    const n = fakeSlack.calls.length;
    const event: types.AppHomeOpenedEvent = { type: 'app_home_opened', user: 'UADMIN', channel: 'DADMIN', tab: 'home', event_ts: '1700000000.1' };
    const envelope: EnvelopedEvent<typeof event> = { token: 'verification-token', team_id: 'T0ACME', api_app_id: 'A0SANCTIONS', event, type: 'event_callback', event_id: 'EvHomeShared1', event_time: 1_700_000_000 };
    expect((await postToBot(slackPort, JSON.stringify(envelope), 'application/json', { secret: SECRET })).status).toBe(200);
    const call = await waitFor(() => fakeSlack.calls.slice(n).find((c) => c.method === 'views.publish'));
    const text = JSON.stringify(call.body.view);
    // Neither is in the local file: the channel's subscription and the lookup are the shared store's.
    expect(new SubscriptionStore(db).all('slack')).toEqual([]);
    expect(text).toContain('<#C0SHARED>');
    expect(text).toContain('SDN (US-OFAC-SDN)');
    // The recent lookup's line (the latest changes name Rheinmetall AG too, but not as "*query* → party").
    expect(text).toMatch(/\*Rheinmetall\* → Rheinmetall AG/);
    expect(text).not.toContain('No lookups yet');
  });
});

describe(`Discord on the shared store (${ENGINE}; real discord.js, fake Discord)`, () => {
  it('/sanctions-alerts subscribe and watch: in the shared store, and the watch remove choices come from there', async () => {
    const sub = discordSlash(fakeDiscord.applicationId, { name: ALERTS_COMMAND, subcommand: 'subscribe', options: [str('target', 'cn US-BIS-EL')] }, { guild: true, permissions: PERMISSIONS.manager, user: ADMIN });
    fakeDiscord.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: sub });
    const yes = await fakeDiscord.waitFor(() => callbackOf(sub.id));
    expect(yes.body).toMatchObject({ type: 4 });
    expect((yes.body as { data: { flags?: number } }).data.flags).toBeUndefined();
    expect((yes.body as { data: { content: string } }).data.content).toMatch(/This channel now hears about Beijing's lists, Entity List \(US-BIS-EL\)/);
    expect(await shared.subscriptions.get('discord', CHANNEL_ID)).toMatchObject({ targets: ['side:cn', 'US-BIS-EL'], createdBy: ADMIN.id });
    expect(new SubscriptionStore(db).get('discord', CHANNEL_ID)).toBeUndefined();

    const watch = discordSlash(fakeDiscord.applicationId, { name: ALERTS_COMMAND, group: 'watch', subcommand: 'add', options: [str('name', 'Rheinmetall')] }, { guild: true, permissions: PERMISSIONS.manager, user: ADMIN });
    fakeDiscord.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: watch });
    expect(((await fakeDiscord.waitFor(() => callbackOf(watch.id))).body as { data: { content: string } }).data.content).toMatch(/Watching "Rheinmetall"/);
    expect(await shared.subscriptions.watchTerms('discord', CHANNEL_ID)).toEqual(['Rheinmetall']);

    const ac = autocomplete(fakeDiscord.applicationId, { name: ALERTS_COMMAND, group: 'watch', subcommand: 'remove', options: [str('name', 'rhein', true)] }, { guild: true, permissions: PERMISSIONS.manager, user: ADMIN });
    fakeDiscord.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: ac });
    const choices = await fakeDiscord.waitFor(() => callbackOf(ac.id));
    expect((choices.body as { data: { choices: unknown[] } }).data.choices).toEqual([{ name: 'Rheinmetall', value: 'Rheinmetall' }]);
  });

  it('defers (ephemeral) a command whose shared store is slow, then edits the answer in', async () => {
    // One bot on the fake gateway at a time: the slow one alone answers.
    await discord?.stop();
    discord = undefined;
    slowDiscord = createDiscordBot({
      token: 'test-token.discord',
      applicationId: fakeDiscord.applicationId,
      apiUrl: fakeDiscord.api,
      data: () => handle,
      audit: false,
      logger: discordLogger,
      restRetries: 0,
      checkCommands: false,
      shared: gated,
      deferAfterMs: 50,
    });
    await slowDiscord.start();
    fakeDiscord.dispatch({ t: GatewayDispatchEvents.GuildCreate, d: guildCreate(fakeDiscord.botUser) });
    await fakeDiscord.waitFor(() => slowDiscord.client.guilds.cache.has(GUILD_ID));
    const i = discordSlash(fakeDiscord.applicationId, { name: ALERTS_COMMAND, subcommand: 'unsubscribe', options: [str('target', 'US-BIS-EL')] }, { guild: true, permissions: PERMISSIONS.manager, user: ADMIN });
    fakeDiscord.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: i });
    // The deferral (type 5) goes out while the store still waits.
    const deferred = await fakeDiscord.waitFor(() => callbacksOf(i.id).find((c) => (c.body as { type: number }).type === 5));
    expect(callbacksOf(i.id)).toHaveLength(1);
    expect((deferred.body as { data: { flags: number } }).data.flags).toBe(MessageFlags.Ephemeral);
    expect(editOf(i.token)).toBeUndefined();
    gate.release();
    const edited = await fakeDiscord.waitFor(() => editOf(i.token));
    expect((edited.body as { content: string }).content).toMatch(/Stopped Entity List \(US-BIS-EL\)\.\nThis channel now hears about Beijing's lists;/);
    expect(await shared.subscriptions.get('discord', CHANNEL_ID)).toMatchObject({ targets: ['side:cn'] });
    gate = newGate();
  });
});

describe(`HTTP API on the shared store (${ENGINE})`, () => {
  it('audits GET /v1/lookup and POST /v1/batch lookups in the shared trail', async () => {
    const localBefore = auditTrail(db, { limit: 1000 }).length;
    const one = await fetch(`http://127.0.0.1:${api.port}/v1/lookup?q=Rheinmetall`, { headers: { 'user-agent': 'shared-test-agent' } });
    expect(one.status).toBe(200);
    const batch = await fetch(`http://127.0.0.1:${api.port}/v1/batch`, { method: 'POST', body: '"Hikvision"\n', headers: { 'user-agent': 'shared-test-agent' } });
    expect(batch.status).toBe(200);
    await batch.text();
    await settleSharedAudits();
    const entries = (await shared.audit.list({ limit: 100 })).filter((e) => e.platform === 'api' && e.place === 'shared-test-agent');
    expect(entries.map((e) => e.query).sort()).toEqual(['Hikvision', 'Rheinmetall']);
    expect(auditTrail(db, { limit: 1000 })).toHaveLength(localBefore);
  });
});

describe(`the console and "Screen this message" on the shared store (${ENGINE})`, () => {
  it('the console subscribes, watches and lists in the shared store', async () => {
    const input = new PassThrough();
    let out = '';
    const output = new PassThrough();
    output.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    const bot = new ConsoleBot({ input, output, data: () => handle, style: PLAIN, interactive: false, audit: true, user: 'console-tester', shared });
    const running = bot.run();
    input.end('subscribe cn US-OFAC-SDN\nwatch add Rheinmetall\nsubscriptions\nsubscribe weekly\n');
    await running;
    expect(out).toMatch(/This channel now hears about Beijing's lists, SDN \(US-OFAC-SDN\)/);
    expect(out).toMatch(/Watching "Rheinmetall"/);
    expect(out).toMatch(/Delivery\W+as they come/);
    expect(out).toMatch(/scheduled summaries are not available with the PostgreSQL store/);
    expect(await shared.subscriptions.get('console', 'console')).toMatchObject({ targets: ['side:cn', 'US-OFAC-SDN'], schedule: { every: 'live' } });
    expect(await shared.subscriptions.watchTerms('console', 'console')).toEqual(['Rheinmetall']);
    expect(new SubscriptionStore(db).get('console', 'console')).toBeUndefined();
  });

  it('a screened message audits each name it looked up in the shared trail', async () => {
    const localBefore = auditTrail(db, { limit: 1000 }).length;
    const reply = screenMessage('Contract review: Rheinmetall AG and Blue Harbor Bakery LLC', { db, platform: 'discord', channel: 'C-SCREEN', user: 'USCREENER', place: 'G1', audit: true, shared });
    expect(reply.summary).toMatch(/screened/);
    await settleSharedAudits();
    const entries = (await shared.audit.list({ limit: 100 })).filter((e) => e.actor === 'USCREENER');
    expect(entries.map((e) => e.query).sort()).toEqual(['Blue Harbor Bakery LLC', 'Rheinmetall AG']);
    expect(entries.every((e) => e.place === 'G1/C-SCREEN' && e.platform === 'discord')).toBe(true);
    expect(auditTrail(db, { limit: 1000 })).toHaveLength(localBefore);
  });
});
