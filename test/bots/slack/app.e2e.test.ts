/**
 * The real Bolt app against a loopback fake of Slack: signed slash commands, buttons and events in; Web API
 * calls and response_url posts out, recorded and checked. Data: the timeline t0 -> t1 (Rheinmetall joins
 * China's export-control list) plus two hostile entities, and the shared current dataset for paging.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BlockAction, ButtonAction, EnvelopedEvent, SlashCommand, types } from '@slack/bolt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackApp, parseAdminUsers, type SlackBot } from '../../../src/bots/slack/app';
import { SlackSink } from '../../../src/bots/slack/sink';
import { AlertPipeline } from '../../../src/core/alerts/pipeline';
import { alertReplies } from '../../../src/core/alerts/messages';
import { Router } from '../../../src/core/alerts/route';
import { SubscriptionStore } from '../../../src/core/alerts/subscriptions';
import { auditTrail } from '../../../src/core/audit';
import type { DataHandle } from '../../../src/core/dataset';
import { refreshSources } from '../../../src/core/refresh';
import { loadSourcesFile } from '../../../src/core/sources/config';
import { openDb, type Db } from '../../../src/core/store/db';
import { currentDb } from '../../helpers/current';
import { SOURCES_DIR } from '../../helpers/shared';
import { tempDir } from '../../helpers/tmp';
import { postToBot, startFakeSlack, waitFor, type FakeSlack, type RecordedCall } from './fake-slack';

const SECRET = 'test-signing-secret';
const FORM = 'application/x-www-form-urlencoded';

const logs: string[] = [];
const logger = pino({ level: 'warn' }, { write: (line: string) => void logs.push(line) });

let fake: FakeSlack;
let timeline: SlackBot;
let current: SlackBot;
let timelinePort: number;
let currentPort: number;
let db: Db;

function slash(text: string, user = 'UUSER', channel = 'C0COMPLIANCE'): { body: string; responseUrl: string } {
  const responseUrl = fake.responseUrl();
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

function button(actionId: string, value: string, user = 'U0SHARER', ephemeral = true): { body: string; responseUrl: string } {
  const responseUrl = fake.responseUrl();
  const action: ButtonAction = { type: 'button', action_id: actionId, block_id: 'b1', action_ts: '1700000000.1', value, text: { type: 'plain_text', text: 'x' } };
  const payload: BlockAction<ButtonAction> = {
    type: 'block_actions',
    actions: [action],
    team: { id: 'T0ACME', domain: 'acme' },
    user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: 'T0ACME' },
    channel: { id: 'C0COMPLIANCE', name: 'compliance' },
    container: { type: 'message', message_ts: '1700000000.000100', channel_id: 'C0COMPLIANCE', is_ephemeral: ephemeral },
    response_url: responseUrl,
    trigger_id: '1.2.3',
    api_app_id: 'A0SANCTIONS',
    token: 'verification-token',
  };
  return { body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), responseUrl };
}

let eventSeq = 0;
function eventBody(event: types.AppMentionEvent | types.GenericMessageEvent): string {
  const envelope: EnvelopedEvent<typeof event> = {
    token: 'verification-token',
    team_id: 'T0ACME',
    api_app_id: 'A0SANCTIONS',
    event,
    type: 'event_callback',
    event_id: `Ev${++eventSeq}`,
    event_time: 1_700_000_000,
  };
  return JSON.stringify(envelope);
}

const responseTo = (url: string) => () => fake.calls.find((c) => c.method === 'response' && `${fake.url}${c.path}` === url);
const json = (call: RecordedCall) => JSON.stringify(call.body);

// Registered at the top level: both helpers add their own afterAll clean-up.
const dir = tempDir();
const sharedDb = currentDb();

beforeAll(async () => {
  db = openDb(join(dir, 'slack.db'));
  await refreshSources(db, loadSourcesFile(join(SOURCES_DIR, 'timeline-t0.json')));
  await refreshSources(db, loadSourcesFile(join(SOURCES_DIR, 'timeline-t1.json')));
  // Hostile data: names, aliases and citations that would ping everyone if they reached Slack unescaped.
  writeFileSync(
    join(dir, 'hostile.json'),
    JSON.stringify({
      entities: [
        { id: 'h1', name: '<!channel>', aliases: ['<@U123> Holdings', '<!subteam^S0TEAM|@compliance> Trading'], country: 'CN', citation: '<!here> 99 FR 1', url: 'javascript:alert(1)', effective_date: '2026-01-02' },
        { id: 'h2', name: 'Evil <!everyone> Trading Co', aliases: ['*Evil* _Trading_'], country: 'CN', citation: '99 FR 2', url: 'https://evil.example/a|<!here>' },
      ],
    }),
  );
  writeFileSync(join(dir, 'hostile-sources.json'), JSON.stringify({ sources: [{ id: 'hostile', format: 'entities-json', list: 'US-BIS-UVL', location: 'hostile.json' }] }));
  await refreshSources(db, loadSourcesFile(join(dir, 'hostile-sources.json')));

  fake = await startFakeSlack({ admins: new Set(['UADMIN']), failing: { C0RATE: 'rate', C0GONE: 'gone', C0DOWN: '500' } });
  const handle: DataHandle = { db, seed: false };
  const common = { botToken: 'xoxb-test', signingSecret: SECRET, host: '127.0.0.1', port: 0, apiUrl: fake.apiUrl, logger, retryConfig: { retries: 0 } };
  timeline = createSlackApp({ ...common, data: () => handle, audit: true, admins: parseAdminUsers('uallow, U0OTHER') });
  const shared: DataHandle = { db: sharedDb, seed: false, notice: 'Test notice: the shared current dataset' };
  // The current dataset is opened read-only: no audit rows there.
  current = createSlackApp({ ...common, data: () => shared, audit: false });
  timelinePort = (await timeline.start()).port!;
  currentPort = (await current.start()).port!;
});

afterAll(async () => {
  await timeline?.stop();
  await current?.stop();
  await fake?.close();
  db?.close();
});

describe('Slack /sanctions over HTTP (real Bolt, fake Slack)', () => {
  it('acks a signed lookup at once and sends the card to response_url, ephemeral', async () => {
    const { body, responseUrl } = slash('lookup Rheinmetall', 'UUSER');
    const res = await postToBot(timelinePort, body, FORM, { secret: SECRET });
    expect(res.status).toBe(200);
    expect(res.ms).toBeLessThan(3000);
    const call = await waitFor(responseTo(responseUrl));
    expect(call.body.response_type).toBe('ephemeral');
    const blocks = call.body.blocks as types.KnownBlock[];
    expect(blocks[0]).toMatchObject({ type: 'header' });
    expect(json(call)).toContain('Rheinmetall AG');
    expect(json(call)).toContain('CN-MOFCOM-ECL');
    expect(json(call)).toMatch(/<https:\/\/www\.mofcom\.gov\.cn\/[^|>]+\|/);
    const actions = blocks.find((b): b is types.ActionsBlock => b.type === 'actions')!;
    expect(actions.elements.map((e) => (e as types.Button).action_id)).toEqual(['sanctions_share']);
    expect(auditTrail(db, { limit: 1 })[0]).toMatchObject({ platform: 'slack', actor: 'UUSER', place: 'T0ACME/C0COMPLIANCE', query: 'Rheinmetall' });
  });

  it('treats a bare name as a lookup and unknown words as help, never an error', async () => {
    const bare = slash('Rheinmetall');
    await postToBot(timelinePort, bare.body, FORM, { secret: SECRET });
    expect(json(await waitFor(responseTo(bare.responseUrl)))).toContain('Rheinmetall AG');
    const bad = slash('subscribe XX-NOPE', 'UADMIN');
    await postToBot(timelinePort, bad.body, FORM, { secret: SECRET });
    const call = await waitFor(responseTo(bad.responseUrl));
    expect(call.body.response_type).toBe('ephemeral');
    expect(json(call)).toMatch(/unknown list or option/);
    const empty = slash('');
    await postToBot(timelinePort, empty.body, FORM, { secret: SECRET });
    expect(json(await waitFor(responseTo(empty.responseUrl)))).toMatch(/lookup &lt;name&gt;/);
  });

  it('rejects a bad signature and a stale timestamp with 401, and answers neither', async () => {
    const forged = slash('lookup Rheinmetall');
    const bad = await postToBot(timelinePort, forged.body, FORM, { secret: SECRET, signature: `v0=${'0'.repeat(64)}` });
    expect(bad.status).toBe(401);
    const otherSecret = await postToBot(timelinePort, forged.body, FORM, { secret: 'not-the-secret' });
    expect(otherSecret.status).toBe(401);
    const stale = slash('lookup Rheinmetall');
    const old = await postToBot(timelinePort, stale.body, FORM, { secret: SECRET, timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    expect(old.status).toBe(401);
    await new Promise((r) => setTimeout(r, 100));
    expect(responseTo(forged.responseUrl)()).toBeUndefined();
    expect(responseTo(stale.responseUrl)()).toBeUndefined();
  });

  it('rejects requests signed 10 minutes in the future or the past (401), accepts one a minute ahead (issue 11, seen 10)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const future = slash('lookup Rheinmetall');
    expect((await postToBot(timelinePort, future.body, FORM, { secret: SECRET, timestamp: now + 10 * 60 })).status).toBe(401);
    const past = slash('lookup Rheinmetall');
    expect((await postToBot(timelinePort, past.body, FORM, { secret: SECRET, timestamp: now - 10 * 60 })).status).toBe(401);
    const skewed = slash('lookup Rheinmetall');
    expect((await postToBot(timelinePort, skewed.body, FORM, { secret: SECRET, timestamp: now + 60 })).status).toBe(200);
    expect(json(await waitFor(responseTo(skewed.responseUrl)))).toContain('Rheinmetall AG');
    await new Promise((r) => setTimeout(r, 100));
    expect(responseTo(future.responseUrl)()).toBeUndefined();
    expect(responseTo(past.responseUrl)()).toBeUndefined();
  });

  it('serves a health check', async () => {
    const res = await fetch(`http://127.0.0.1:${timelinePort}/healthz`);
    expect(res.status).toBe(200);
  });
});

describe('Slack buttons', () => {
  it('Share in channel posts the lookup to the channel, saying who shared it', async () => {
    const { body, responseUrl } = button('sanctions_share', 'lookup Rheinmetall', 'U0SHARER');
    const res = await postToBot(timelinePort, body, FORM, { secret: SECRET });
    expect(res.status).toBe(200);
    const call = await waitFor(responseTo(responseUrl));
    expect(call.body).toMatchObject({ response_type: 'in_channel', replace_original: false });
    expect(json(call)).toContain('Shared by <@U0SHARER>');
    expect(json(call)).toContain('Rheinmetall AG');
    // Already public: no second Share button.
    expect(json(call)).not.toContain('sanctions_share');
  });

  it('reads "/sanctions is DJI sanctioned?" with the same question parser as a mention (issue 10, seen 2)', async () => {
    const asked = slash('is DJI sanctioned?');
    await postToBot(currentPort, asked.body, FORM, { secret: SECRET });
    const card = await waitFor(responseTo(asked.responseUrl));
    expect(json(card)).toMatch(/match(?:es)? for \\"DJI\\"/);
    expect(json(card)).toMatch(/lists searched \(US \d+, China \d+\), data as of /);
    expect(json(card)).not.toMatch(/No match/);
  });

  it('More results returns page 2 (the shared current dataset, "lookup Huawei")', async () => {
    const first = slash('lookup Huawei');
    await postToBot(currentPort, first.body, FORM, { secret: SECRET });
    const page1 = await waitFor(responseTo(first.responseUrl));
    expect(json(page1)).toContain('Test notice');
    const more = (page1.body.blocks as types.KnownBlock[])
      .filter((b): b is types.ActionsBlock => b.type === 'actions')
      .flatMap((b) => b.elements as types.Button[])
      .find((e) => e.action_id === 'sanctions_more')!;
    expect(more.value).toBe('lookup Huawei page:2');
    const click = button('sanctions_more', more.value!, 'UUSER');
    await postToBot(currentPort, click.body, FORM, { secret: SECRET });
    const page2 = await waitFor(responseTo(click.responseUrl));
    expect(page2.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(json(page2)).toMatch(/matches for \\"Huawei\\", 6-10 of \d+/);
    const ids = (b: RecordedCall) => [...json(b).matchAll(/details (p\d+)/g)].map((m) => m[1]);
    expect(ids(page2).length).toBeGreaterThan(0);
    expect(ids(page2).some((id) => ids(page1).includes(id))).toBe(false);
  });

  it('Details shows one party with all its aliases', async () => {
    const first = slash('lookup Huawei Technologies');
    await postToBot(currentPort, first.body, FORM, { secret: SECRET });
    const id = json(await waitFor(responseTo(first.responseUrl))).match(/details (p\d+)/)![1]!;
    const click = button('sanctions_details', `details ${id}`, 'UUSER');
    await postToBot(currentPort, click.body, FORM, { secret: SECRET });
    const call = await waitFor(responseTo(click.responseUrl));
    expect(call.body.response_type).toBe('ephemeral');
    expect(json(call)).toContain(`id ${id}`);
    expect(json(call)).not.toContain('sanctions_details');
  });

  it('ignores a button whose value is not a lookup', async () => {
    const { body, responseUrl } = button('sanctions_share', 'subscribe all', 'UUSER');
    expect((await postToBot(timelinePort, body, FORM, { secret: SECRET })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    expect(responseTo(responseUrl)()).toBeUndefined();
    expect(new SubscriptionStore(db).get('slack', 'C0COMPLIANCE')).toBeUndefined();
  });
});

describe('Slack mentions and direct messages', () => {
  it('answers "@bot is Rheinmetall on any list?" in the thread with chat.postMessage', async () => {
    const before = fake.calls.length;
    const event: types.AppMentionEvent = { type: 'app_mention', user: 'UUSER', text: '<@UBOT> is Rheinmetall on any list?', ts: '1700000100.000200', channel: 'C0COMPLIANCE', event_ts: '1700000100.000200', team: 'T0ACME' };
    const res = await postToBot(timelinePort, eventBody(event), 'application/json', { secret: SECRET });
    expect(res.status).toBe(200);
    const post = await waitFor(() => fake.calls.slice(before).find((c) => c.method === 'chat.postMessage'));
    expect(post.body).toMatchObject({ channel: 'C0COMPLIANCE', thread_ts: '1700000100.000200', unfurl_links: 'false' });
    expect(json(post)).toContain('Rheinmetall AG');
    expect(json(post)).not.toContain('sanctions_share');
    expect(auditTrail(db, { limit: 1 })[0]).toMatchObject({ platform: 'slack', actor: 'UUSER', query: 'Rheinmetall' });
  });

  it('answers the same event only once when Slack retries it', async () => {
    const event: types.AppMentionEvent = { type: 'app_mention', user: 'UUSER', text: '<@UBOT> check Rheinmetall please', ts: '1700000200.000200', channel: 'C0COMPLIANCE', event_ts: '1700000200.000200' };
    const body = eventBody(event);
    await postToBot(timelinePort, body, 'application/json', { secret: SECRET });
    await postToBot(timelinePort, body, 'application/json', { secret: SECRET });
    await waitFor(() => fake.calls.find((c) => c.method === 'chat.postMessage' && c.body.thread_ts === '1700000200.000200'));
    await new Promise((r) => setTimeout(r, 100));
    expect(fake.calls.filter((c) => c.method === 'chat.postMessage' && c.body.thread_ts === '1700000200.000200')).toHaveLength(1);
  });

  it('answers a direct message in the DM, and ignores bot messages', async () => {
    const dm: types.GenericMessageEvent = { type: 'message', subtype: undefined, channel_type: 'im', user: 'UUSER', text: 'what about Rheinmetall?', ts: '1700000300.000300', channel: 'D0DM', event_ts: '1700000300.000300' };
    await postToBot(timelinePort, eventBody(dm), 'application/json', { secret: SECRET });
    const post = await waitFor(() => fake.calls.find((c) => c.method === 'chat.postMessage' && c.body.channel === 'D0DM'));
    expect(post.body.thread_ts).toBeUndefined();
    expect(json(post)).toContain('Rheinmetall AG');
    const fromBot = { ...dm, ts: '1700000301.0', event_ts: '1700000301.0', bot_id: 'B0OTHER', channel: 'D0BOTS' } as types.GenericMessageEvent;
    await postToBot(timelinePort, eventBody(fromBot), 'application/json', { secret: SECRET });
    await new Promise((r) => setTimeout(r, 100));
    expect(fake.calls.find((c) => c.method === 'chat.postMessage' && c.body.channel === 'D0BOTS')).toBeUndefined();
  });
});

describe('Slack: who may change a channel\'s alerts', () => {
  it('refuses subscribe from a member who is not an admin, and accepts it from an admin', async () => {
    const refused = slash('subscribe cn', 'UUSER', 'C0ALERTS');
    await postToBot(timelinePort, refused.body, FORM, { secret: SECRET });
    const no = await waitFor(responseTo(refused.responseUrl));
    expect(no.body.response_type).toBe('ephemeral');
    expect(json(no)).toMatch(/Only workspace admins and owners \(or people the operator has allowed\) can change/);
    expect(new SubscriptionStore(db).get('slack', 'C0ALERTS')).toBeUndefined();
    expect(fake.calls.filter((c) => c.method === 'users.info' && c.body.user === 'UUSER')).toHaveLength(1);

    const accepted = slash('subscribe cn', 'UADMIN', 'C0ALERTS');
    await postToBot(timelinePort, accepted.body, FORM, { secret: SECRET });
    const yes = await waitFor(responseTo(accepted.responseUrl));
    expect(yes.body.response_type).toBe('in_channel');
    expect(json(yes)).toMatch(/This channel now hears about Beijing's lists/);
    expect(new SubscriptionStore(db).get('slack', 'C0ALERTS')).toMatchObject({ platform: 'slack', channel: 'C0ALERTS', targets: ['side:cn'], createdBy: 'UADMIN' });

    // The same member again: the cached answer, no second users.info.
    const again = slash('unsubscribe', 'UUSER', 'C0ALERTS');
    await postToBot(timelinePort, again.body, FORM, { secret: SECRET });
    expect(json(await waitFor(responseTo(again.responseUrl)))).toMatch(/Only workspace admins and owners \(or people the operator has allowed\) can change/);
    expect(fake.calls.filter((c) => c.method === 'users.info' && c.body.user === 'UUSER')).toHaveLength(1);
  });

  it('accepts an allow-listed user (SLACK_ADMIN_USERS) without asking users.info', async () => {
    const { body, responseUrl } = slash('watch add Acme Trading', 'UALLOW', 'C0ALERTS');
    await postToBot(timelinePort, body, FORM, { secret: SECRET });
    expect(json(await waitFor(responseTo(responseUrl)))).toMatch(/Watching \\"Acme Trading\\"/);
    expect(fake.calls.some((c) => c.method === 'users.info' && c.body.user === 'UALLOW')).toBe(false);
  });

  it('lets anyone read what the channel follows', async () => {
    const { body, responseUrl } = slash('subscriptions', 'UUSER', 'C0ALERTS');
    await postToBot(timelinePort, body, FORM, { secret: SECRET });
    expect(json(await waitFor(responseTo(responseUrl)))).toMatch(/Beijing's lists/);
  });
});

describe('Slack: issue 13 (subscriptions that say what they mean, own DMs, small talk, recent pages)', () => {
  const dmEvent = (text: string, user: string, channel: string, ts: string): types.GenericMessageEvent =>
    ({ type: 'message', subtype: undefined, channel_type: 'im', user, text, ts, channel, event_ts: ts }) as types.GenericMessageEvent;

  it('subscribe all, then unsubscribe US-OFAC-SDN: the reply says every list except the SDN (seen 4)', async () => {
    const all = slash('subscribe all', 'UADMIN', 'C0EXCL');
    await postToBot(timelinePort, all.body, FORM, { secret: SECRET });
    await waitFor(responseTo(all.responseUrl));
    const less = slash('unsubscribe US-OFAC-SDN', 'UADMIN', 'C0EXCL');
    await postToBot(timelinePort, less.body, FORM, { secret: SECRET });
    const reply = json(await waitFor(responseTo(less.responseUrl)));
    expect(reply).toMatch(/This channel now hears about every list except SDN \(US-OFAC-SDN\)/);
    expect(new SubscriptionStore(db).get('slack', 'C0EXCL')).toMatchObject({ targets: ['all'], excluded: ['US-OFAC-SDN'] });
  });

  it('a member who is not an admin manages their own DM with the app, by slash command and by message (seen 5)', async () => {
    // UNOBODY's DM with the app is DNOBODY (conversations.open); a DM between two people is not theirs to manage.
    const own = slash('subscribe cn', 'UNOBODY', 'DNOBODY');
    await postToBot(timelinePort, own.body, FORM, { secret: SECRET });
    expect(json(await waitFor(responseTo(own.responseUrl)))).toMatch(/This channel now hears about Beijing's lists/);
    expect(new SubscriptionStore(db).get('slack', 'DNOBODY')).toMatchObject({ targets: ['side:cn'] });
    const other = slash('subscribe cn', 'UNOBODY', 'D0PEOPLE');
    await postToBot(timelinePort, other.body, FORM, { secret: SECRET });
    expect(json(await waitFor(responseTo(other.responseUrl)))).toMatch(/Only workspace admins and owners/);
    expect(new SubscriptionStore(db).get('slack', 'D0PEOPLE')).toBeUndefined();

    await postToBot(timelinePort, eventBody(dmEvent('subscribe US-BIS-EL', 'UOTHERNOBODY', 'D0MYDM', '1700000400.000100')), 'application/json', { secret: SECRET });
    const post = await waitFor(() => fake.calls.find((c) => c.method === 'chat.postMessage' && c.body.channel === 'D0MYDM'));
    expect(json(post)).toMatch(/Added Entity List \(US-BIS-EL\)/);
    expect(new SubscriptionStore(db).get('slack', 'D0MYDM')).toMatchObject({ targets: ['US-BIS-EL'] });
  });

  it('"thanks!" in a DM gets a short friendly answer, not the help (seen 5)', async () => {
    await postToBot(timelinePort, eventBody(dmEvent('thanks!', 'UUSER', 'D0THANKS', '1700000500.000100')), 'application/json', { secret: SECRET });
    const post = await waitFor(() => fake.calls.find((c) => c.method === 'chat.postMessage' && c.body.channel === 'D0THANKS'));
    expect(post.body.text).toBe("You're welcome!");
    expect(json(post)).not.toMatch(/subscribe|lookup/);
  });

  it('recent pages with filters, and its footer gives the next page as typed on Slack (seen 2)', async () => {
    const { body, responseUrl } = slash('recent list:US-OFAC-SDN kind:added', 'UUSER');
    await postToBot(timelinePort, body, FORM, { secret: SECRET });
    const reply = json(await waitFor(responseTo(responseUrl)));
    expect(reply).toMatch(/Page 1 of \d+ \(1-20 of \d+\)\. More: `\/sanctions recent list:US-OFAC-SDN kind:added page:2`/);
    expect(reply).not.toMatch(/`recent` lists them all/);
  });
});

describe('Slack alert delivery (the sink)', () => {
  const alert = () => {
    const events = new Router(db).eventsAfter(0).filter((e) => e.list === 'CN-MOFCOM-ECL');
    expect(events.length).toBeGreaterThan(5);
    return alertReplies({ targets: ['side:cn'] }, events)[0]!;
  };

  it('posts an alert with chat.postMessage, links unfurled nowhere, and returns its ts', async () => {
    const result = await timeline.sink.deliver('C0ALERTS', alert(), 'sanctions-1-1700000000000');
    expect(result).toMatchObject({ ok: true, ref: expect.stringMatching(/^\d+\.\d+$/) });
    const post = fake.calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0ALERTS').at(-1)!;
    // Posted as JSON (post-json.ts), with the bot token as a Bearer header.
    expect(post.token).toMatch(/^xoxb-/);
    expect(post.body).toMatchObject({ unfurl_links: false, unfurl_media: false, link_names: false, parse: 'none' });
    expect(post.body.metadata).toEqual({ event_type: 'sanctions_alert', event_payload: { key: 'sanctions-1-1700000000000' } });
    expect(String(post.body.text)).toMatch(/^MOFCOM added 14 entries to the Export Control List/);
    expect(json(post)).toContain('Rheinmetall AG');
    expect(timeline.sink.platform).toBe('slack');
  });

  it('confirms after a crash whether a message with the key reached the channel', async () => {
    await timeline.sink.deliver('C0CONFIRM', alert(), 'sanctions-7-1700000000000');
    expect(await timeline.sink.confirm!('C0CONFIRM', 'sanctions-7-1700000000000')).toBe(true);
    expect(await timeline.sink.confirm!('C0CONFIRM', 'sanctions-8-1700000000000')).toBe(false);
    // Slack cannot be asked (no history scope, channel gone): "cannot tell", and the worker sends again.
    expect(await timeline.sink.confirm!('C0GONE', 'sanctions-7-1700000000000')).toBeUndefined();
  });

  it('reports a 429 with its Retry-After, for the worker to wait', async () => {
    expect(await timeline.sink.deliver('C0RATE', alert(), 'k1')).toEqual({ ok: false, permanent: false, reason: 'rate limited', retryAfterMs: 1000 });
  });

  it('reports a deleted channel as permanent, a 500 and a dead network as transient', async () => {
    expect(await timeline.sink.deliver('C0GONE', alert(), 'k2')).toEqual({ ok: false, permanent: true, reason: 'channel_not_found' });
    expect(await timeline.sink.deliver('C0DOWN', alert(), 'k3')).toMatchObject({ ok: false, permanent: false, reason: 'HTTP 500' });
    const unreachable = SlackSink.create({ token: 'xoxb-test', apiUrl: 'http://127.0.0.1:9/api/', timeoutMs: 2000 });
    expect(await unreachable.deliver('C0ALERTS', alert(), 'k4')).toMatchObject({ ok: false, permanent: false, reason: expect.stringMatching(/^network: /) });
  });
});

describe('Slack digest of the t0 -> t1 refresh: files, Show all, Details, Acknowledge (issue 13)', () => {
  /** A click on a button of a message in the channel (not ephemeral), as Slack sends it. */
  function press(actionId: string, value: string, ts: string, user = 'U0ANALYST', threadTs?: string): { body: string; responseUrl: string } {
    const responseUrl = fake.responseUrl();
    const action: ButtonAction = { type: 'button', action_id: actionId, block_id: 'b1', action_ts: '1700000000.1', value, text: { type: 'plain_text', text: 'x' } };
    const payload: BlockAction<ButtonAction> = {
      type: 'block_actions',
      actions: [action],
      team: { id: 'T0ACME', domain: 'acme' },
      user: { id: user, username: 'ana', name: 'ana', team_id: 'T0ACME' },
      channel: { id: 'C0SDN', name: 'sdn' },
      container: { type: 'message', message_ts: ts, channel_id: 'C0SDN', is_ephemeral: false },
      message: { type: 'message', ts, text: '', ...(threadTs ? { thread_ts: threadTs } : {}) },
      response_url: responseUrl,
      trigger_id: '1.2.3',
      api_app_id: 'A0SANCTIONS',
      token: 'verification-token',
    };
    return { body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), responseUrl };
  }
  type Section = { type: string; text?: { text: string }; accessory?: { action_id: string; value: string }; elements?: Array<{ action_id?: string; value?: string; text?: string }> };

  it('posts one digest whose headline names OFAC, the SDN List, 298 additions and their programs, uploads all 298 as CSV and Markdown into its thread, and its buttons work', async () => {
    const subs = new SubscriptionStore(db);
    subs.subscribe({ platform: 'slack', channel: 'C0SDN', targets: ['US-OFAC-SDN'], kinds: ['added', 'removed', 'changed', 'suspended'], countries: [], health: false });
    // From the first event on: the t0 -> t1 refresh.
    db.prepare("UPDATE subscriptions SET cursor = 0 WHERE channel = 'C0SDN'").run();
    const pipeline = new AlertPipeline(db, { sinks: new Map([['slack', timeline.sink]]) });
    await pipeline.tick();
    await pipeline.stop();

    const posts = fake.calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0SDN');
    expect(posts).toHaveLength(1);
    const digest = posts[0]!;
    expect(String(digest.body.text)).toMatch(/^OFAC added 298 entries to the SDN List \(RUSSIA-EO14024, /);
    const blocks = digest.body.blocks as Section[];
    expect(blocks[0]).toMatchObject({ type: 'header', text: { text: expect.stringMatching(/^OFAC added 298 entries to the SDN List/) } });
    // Every line: party, type, countries, list, what happened, program, a link to the official entry, and Details.
    const lines = blocks.filter((b) => b.type === 'section' && b.accessory?.action_id === 'sanctions_details');
    expect(lines).toHaveLength(15);
    for (const l of lines) {
      expect(l.text!.text).toMatch(/added to \*SDN\* \(US-OFAC-SDN\)/);
      expect(l.text!.text).toMatch(/<https:\/\/sanctionssearch\.ofac\.treas\.gov\/Details\.aspx\?id=\d+\|official entry>/);
      expect(l.accessory!.value).toMatch(/^details p\d+$/);
    }
    expect(JSON.stringify(blocks)).toContain('JUHANG AVIATION TECHNOLOGY SHENZHEN CO., LTD.');
    expect(JSON.stringify(blocks)).toContain('Shown: 15 of 298');
    const buttons = blocks.find((b) => b.type === 'actions')!.elements!;
    const showAll = buttons.find((b) => b.action_id === 'sanctions_page')!;
    const ack = buttons.find((b) => b.action_id === 'sanctions_ack')!;
    expect(showAll.value).toMatch(/^digest \d+ 1$/);
    expect(ack.value).toMatch(/^ack \d+$/);

    // files.uploadV2 through the Bolt client: two files, uploaded, then shared into the digest's thread.
    const urls = fake.calls.filter((c) => c.method === 'files.getUploadURLExternal');
    expect(urls.map((c) => c.body.filename)).toEqual([expect.stringMatching(/^sanctions-digest-\d{4}-\d\d-\d\d-\d+\.csv$/), expect.stringMatching(/\.md$/)]);
    const uploads = fake.calls.filter((c) => c.method === 'upload');
    const csv = uploads.map((u) => String(u.body.content)).find((r) => r.startsWith('party,listed as,type,countries,list'))!;
    const rows = csv.trim().split('\r\n');
    expect(rows).toHaveLength(299);
    expect(rows[0]).toBe('party,listed as,type,countries,list,list code,action,fields changed,date,date is,effective,listed since,until,programs,citation,issuer,link,party id,watch term,event');
    expect(rows.filter((r) => r.includes(',US-OFAC-SDN,added,'))).toHaveLength(298);
    expect(csv).toMatch(/"JUHANG AVIATION TECHNOLOGY SHENZHEN CO\., LTD\.",,entity,CN,SDN,US-OFAC-SDN,added,.*RUSSIA-EO14024.*Treasury \/ OFAC,https:\/\/sanctionssearch/);
    const markdown = uploads.map((u) => String(u.body.content)).find((r) => r.startsWith('# OFAC added 298'))!;
    expect(markdown.split('\n').filter((l) => /^\| \d+ \|/.test(l))).toHaveLength(298);
    const complete = fake.calls.find((c) => c.method === 'files.completeUploadExternal')!;
    const outboxId = Number(showAll.value!.split(' ')[1]);
    const ts = db.prepare<[number], { ref: string }>('SELECT ref FROM outbox WHERE id = ?').get(outboxId)!.ref;
    expect(ts).toMatch(/^\d+\.\d+$/);
    expect(complete.body).toMatchObject({ channel_id: 'C0SDN', thread_ts: ts });
    expect(JSON.parse(String(complete.body.files))).toHaveLength(2);

    // Show all: page 1 of 12 in the thread, 25 lines, Next; Next on that page: page 2 in the same thread.
    const first = press('sanctions_page', showAll.value!, ts);
    await postToBot(timelinePort, first.body, FORM, { secret: SECRET });
    const page1 = await waitFor(() => fake.calls.find((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0SDN' && String(c.body.text).startsWith('Digest entries 1–25 of 298')));
    expect(page1.body.thread_ts).toBe(ts);
    const p1 = page1.body.blocks as Section[];
    expect(p1.filter((b) => b.accessory?.action_id === 'sanctions_details')).toHaveLength(25);
    const next = p1.find((b) => b.type === 'actions')!.elements!.find((e) => e.action_id === 'sanctions_page')!;
    expect(next.value).toBe(showAll.value!.replace(/ 1$/, ' 2'));
    await postToBot(timelinePort, press('sanctions_page', next.value!, '1700000999.000100', 'U0ANALYST', ts).body, FORM, { secret: SECRET });
    const page2 = await waitFor(() => fake.calls.find((c) => c.method === 'chat.postMessage' && String(c.body.text).startsWith('Digest entries 26–50 of 298')));
    expect(page2.body.thread_ts).toBe(ts);
    // The pages together are the digest: no line twice.
    const parties = (b: Section[]) => b.filter((x) => x.accessory).map((x) => x.text!.text);
    expect(new Set([...parties(p1), ...parties(page2.body.blocks as Section[])]).size).toBe(50);

    // Details on a line: the party card, only for the one who asked.
    const details = press('sanctions_details', lines[0]!.accessory!.value, ts);
    await postToBot(timelinePort, details.body, FORM, { secret: SECRET });
    const card = await waitFor(responseTo(details.responseUrl));
    expect(card.body).toMatchObject({ response_type: 'ephemeral' });
    expect(json(card)).toMatch(/SDN/);

    // Acknowledge: recorded, and the digest now says who and when (its button gone).
    const seen = press('sanctions_ack', ack.value!, ts);
    await postToBot(timelinePort, seen.body, FORM, { secret: SECRET });
    const edited = await waitFor(responseTo(seen.responseUrl));
    expect(edited.body).toMatchObject({ replace_original: true });
    expect(json(edited)).toMatch(/Handled by <@U0ANALYST> at \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(json(edited)).not.toContain('sanctions_ack');
    expect(json(edited)).toContain('sanctions_page');
    const row = db.prepare<[], { user_id: string; channel: string }>('SELECT user_id, channel FROM alert_acks').get();
    expect(row).toEqual({ user_id: 'U0ANALYST', channel: 'C0SDN' });

    // A digest of another channel cannot be paged from here.
    const elsewhere = press('sanctions_page', showAll.value!, ts);
    db.prepare("UPDATE outbox SET channel = 'C0OTHER' WHERE id = ?").run(outboxId);
    await postToBot(timelinePort, elsewhere.body, FORM, { secret: SECRET });
    expect(json(await waitFor(responseTo(elsewhere.responseUrl)))).toMatch(/not one of this channel/);
  });
});

describe('Slack: nothing from data or queries can mention anyone', () => {
  it('escapes an entity named "<!channel>" and a query "<@U123> <!here>" everywhere', async () => {
    // Slack sends what people type with &, <, > encoded; the bot decodes, looks up, and re-escapes.
    const typed = slash('lookup &lt;!channel&gt;', 'UUSER');
    await postToBot(timelinePort, typed.body, FORM, { secret: SECRET });
    const card = await waitFor(responseTo(typed.responseUrl));
    expect(json(card)).toContain('&lt;!channel&gt;');
    expect(json(card)).toContain('&lt;@U123&gt; Holdings');
    const query = slash('lookup &lt;@U123&gt; &lt;!here&gt;', 'UUSER');
    await postToBot(timelinePort, query.body, FORM, { secret: SECRET });
    expect(json(await waitFor(responseTo(query.responseUrl)))).toContain('&lt;@U123&gt; &lt;!here&gt;');
    // The same raw, as a client that does not encode would send it.
    const raw = slash('<@U123> <!here>', 'UUSER');
    await postToBot(timelinePort, raw.body, FORM, { secret: SECRET });
    await waitFor(responseTo(raw.responseUrl));
    const evil = slash('Evil Trading', 'UUSER');
    await postToBot(timelinePort, evil.body, FORM, { secret: SECRET });
    const evilCard = await waitFor(responseTo(evil.responseUrl));
    expect(json(evilCard)).toContain('Evil &lt;!everyone&gt; Trading Co');
    expect(json(evilCard)).not.toContain('https://evil.example');
    const mention: types.AppMentionEvent = { type: 'app_mention', user: 'UUSER', text: '<@UBOT> is Evil Trading Co on any list?', ts: '1700000400.000400', channel: 'C0COMPLIANCE', event_ts: '1700000400.000400' };
    await postToBot(timelinePort, eventBody(mention), 'application/json', { secret: SECRET });
    const threaded = await waitFor(() => fake.calls.find((c) => c.method === 'chat.postMessage' && c.body.thread_ts === '1700000400.000400'));
    expect(json(threaded)).toContain('Evil &lt;!everyone&gt; Trading Co');
    // The card's own Share button, as Slack hands its (escaped) value back.
    const shareValue = ((card.body.blocks as types.KnownBlock[]).find((b) => b.type === 'actions') as types.ActionsBlock).elements.map((e) => (e as types.Button).value)[0]!;
    expect(shareValue).toBe('lookup &lt;!channel&gt;');
    const share = button('sanctions_share', shareValue, 'U0SHARER');
    await postToBot(timelinePort, share.body, FORM, { secret: SECRET });
    expect(json(await waitFor(responseTo(share.responseUrl)))).toContain('&lt;@U123&gt; Holdings');

    // Every body the bot ever sent to Slack in this file: no broadcast, no user group, no mention but the
    // ones the bot writes itself (the sharer, the bot in the subscribe hint, who marked an alert handled).
    const outgoing = fake.calls.filter((c) => c.method === 'response' || c.method === 'chat.postMessage');
    expect(outgoing.length).toBeGreaterThan(20);
    for (const call of outgoing) {
      const text = JSON.stringify(call.body);
      expect(text, call.path).not.toMatch(/<!(?:channel|here|everyone|subteam)/);
      for (const m of text.matchAll(/<@([^>]*)>/g)) expect(['U0SHARER', 'UBOT', 'U0ANALYST'], call.path).toContain(m[1]);
      expect(text).not.toMatch(/<(?!@U0SHARER>|@UBOT>|@U0ANALYST>|https?:\/\/)/);
    }
    expect(logs.filter((l) => /"level":50/.test(l))).toEqual([]);
  });
});
