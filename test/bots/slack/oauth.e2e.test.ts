/**
 * Slack distribution mode (issue 16) with the real Bolt and its OAuth installer against the loopback fake:
 * "Add to Slack" page, OAuth redirect -> oauth.v2.access -> installation stored; each workspace answered with its
 * own token; an Enterprise org installed org-wide; app_uninstalled and tokens_revoked remove installations; alerts
 * posted with the token of each channel's workspace, and a channel whose workspace uninstalled failed clearly.
 * Data: the timeline t0 -> t1 (Rheinmetall joins China's export-control list).
 */
import { join } from 'node:path';
import type { EnvelopedEvent, SlashCommand, types } from '@slack/bolt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackApp, type SlackBot } from '../../../src/bots/slack/app';
import { failedMessages } from '../../../src/core/alerts/failed';
import { AlertPipeline } from '../../../src/core/alerts/pipeline';
import { SubscriptionStore } from '../../../src/core/alerts/subscriptions';
import type { DataHandle } from '../../../src/core/dataset';
import { SqliteInstallations } from '../../../src/core/installations/sqlite';
import { refreshSources } from '../../../src/core/refresh';
import { loadSourcesFile } from '../../../src/core/sources/config';
import { openDb, type Db } from '../../../src/core/store/db';
import { SOURCES_DIR } from '../../helpers/shared';
import { tempDir } from '../../helpers/tmp';
import { MANIFEST_SCOPES, postToBot, startFakeSlack, waitFor, type FakeSlack, type FakeWorkspace } from './fake-slack';

const SECRET = 'test-signing-secret';
const FORM = 'application/x-www-form-urlencoded';
const CLIENT_ID = '1111111111.2222222222';
const CLIENT_SECRET = '0123456789abcdef0123456789abcdef';
const STATE_SECRET = 'a-state-secret-of-some-length';

const ALPHA: FakeWorkspace = { token: 'xoxb-alpha-token', teamId: 'T0ALPHA', teamName: 'Alpha', botUserId: 'UBOTALPHA', botId: 'BALPHA' };
const BETA: FakeWorkspace = { token: 'xoxb-beta-token', teamId: 'T0BETA', teamName: 'Beta', botUserId: 'UBOTBETA', botId: 'BBETA' };
const ORG: FakeWorkspace = { token: 'xoxb-org-token', enterpriseId: 'E0GRID', enterpriseName: 'Grid Corp', enterpriseInstall: true, botUserId: 'UBOTORG', botId: 'BORG' };
/** A workspace of the org: installed only through the org-wide install. */
const ORG_WS = 'T0GRIDWS';

const logs: string[] = [];
const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(line) });

let fake: FakeSlack;
let bot: SlackBot;
let port: number;
let db: Db;
let installations: SqliteInstallations;
const dir = tempDir();

beforeAll(async () => {
  db = openDb(join(dir, 'oauth.db'));
  await refreshSources(db, loadSourcesFile(join(SOURCES_DIR, 'timeline-t0.json')));
  installations = new SqliteInstallations(db);
  fake = await startFakeSlack({
    admins: new Set(['UADMIN']),
    oauth: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, codes: { 'code-alpha': ALPHA, 'code-beta': BETA, 'code-org': ORG } },
  });
  const handle: DataHandle = { db, seed: false };
  bot = createSlackApp({
    signingSecret: SECRET,
    host: '127.0.0.1',
    port: 0,
    apiUrl: fake.apiUrl,
    logger,
    retryConfig: { retries: 0 },
    data: () => handle,
    audit: false,
    distribution: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, stateSecret: STATE_SECRET, installations },
  });
  port = (await bot.start()).port!;
});

afterAll(async () => {
  await bot?.stop();
  await fake?.close();
  db?.close();
});

/** GET /slack/install: the page, its Add to Slack link, and the state cookie. */
async function installPage(): Promise<{ status: number; html: string; link: URL; cookie: string }> {
  const res = await fetch(`http://127.0.0.1:${port}/slack/install`);
  const html = await res.text();
  const href = /<a href="([^"]+)"/.exec(html)?.[1];
  expect(href, 'the install page links to Slack').toBeDefined();
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  return { status: res.status, html, link: new URL(href!.replace(/&amp;/g, '&')), cookie };
}

/** The whole flow for one workspace: install page, then Slack's redirect back with the code. */
async function install(code: string): Promise<{ status: number; html: string }> {
  const page = await installPage();
  const state = page.link.searchParams.get('state')!;
  const res = await fetch(`http://127.0.0.1:${port}/slack/oauth_redirect?code=${code}&state=${encodeURIComponent(state)}`, { headers: { cookie: page.cookie } });
  return { status: res.status, html: await res.text() };
}

function slash(text: string, where: { team: string; enterprise?: string; org?: boolean }, user = 'UUSER', channel = 'C0ALPHA'): { body: string; responseUrl: string } {
  const responseUrl = fake.responseUrl();
  const payload: SlashCommand = {
    token: 'verification-token',
    command: '/sanctions',
    text,
    response_url: responseUrl,
    trigger_id: '1.2.3',
    user_id: user,
    user_name: user.toLowerCase(),
    team_id: where.team,
    team_domain: where.team.toLowerCase(),
    channel_id: channel,
    channel_name: 'compliance',
    api_app_id: 'A0SANCTIONS',
    ...(where.enterprise ? { enterprise_id: where.enterprise, enterprise_name: 'Grid Corp' } : {}),
    ...(where.org ? { is_enterprise_install: 'true' } : {}),
  };
  return { body: new URLSearchParams(payload as unknown as Record<string, string>).toString(), responseUrl };
}

let eventSeq = 0;
function eventBody(event: types.AppMentionEvent | types.FileShareMessageEvent | types.AppUninstalledEvent | types.TokensRevokedEvent, where: { team?: string; enterprise?: string; org?: boolean }): string {
  const envelope: EnvelopedEvent<typeof event> & { authorizations: unknown[]; enterprise_id?: string } = {
    token: 'verification-token',
    team_id: where.team ?? where.enterprise!,
    ...(where.enterprise ? { enterprise_id: where.enterprise } : {}),
    api_app_id: 'A0SANCTIONS',
    event,
    type: 'event_callback',
    event_id: `EvOAUTH${++eventSeq}`,
    event_time: 1_700_000_000,
    authorizations: [{ enterprise_id: where.enterprise ?? null, team_id: where.org ? null : (where.team ?? null), user_id: 'UBOT', is_bot: true, is_enterprise_install: where.org === true }],
  };
  return JSON.stringify(envelope);
}

const responseTo = (url: string) => () => fake.calls.find((c) => c.method === 'response' && `${fake.url}${c.path}` === url);

describe('Slack distribution: installing through OAuth', () => {
  it('GET /slack/install serves an Add to Slack page whose link asks Slack for the manifest\'s scopes with a state the browser also holds', async () => {
    const page = await installPage();
    expect(page.status).toBe(200);
    expect(page.html).toMatch(/Add to Slack/);
    expect(`${page.link.origin}${page.link.pathname}`).toBe(`${fake.url}/oauth/v2/authorize`);
    expect(page.link.searchParams.get('client_id')).toBe(CLIENT_ID);
    expect(page.link.searchParams.get('scope')!.split(',').sort()).toEqual([...MANIFEST_SCOPES].sort());
    const state = page.link.searchParams.get('state')!;
    expect(state.length).toBeGreaterThan(20);
    expect(page.cookie).toBe(`slack-app-oauth-state=${state}`);
  });

  it('refuses a redirect whose state is not the browser\'s: no code exchanged, nothing stored', async () => {
    const page = await installPage();
    const res = await fetch(`http://127.0.0.1:${port}/slack/oauth_redirect?code=code-alpha&state=${encodeURIComponent(page.link.searchParams.get('state')!)}`, { headers: { cookie: 'slack-app-oauth-state=someone-elses' } });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(fake.calls.filter((c) => c.method === 'oauth.v2.access')).toHaveLength(0);
    expect(await installations.list()).toEqual([]);
  });

  it('exchanges the code with oauth.v2.access on the redirect and stores the workspace\'s installation (two workspaces)', async () => {
    const alpha = await install('code-alpha');
    expect(alpha.status).toBe(200);
    const exchange = fake.calls.filter((c) => c.method === 'oauth.v2.access');
    expect(exchange).toHaveLength(1);
    expect(exchange[0]!.body).toMatchObject({ code: 'code-alpha', client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    // The installer asks who the new token is (bot id) before storing.
    expect(fake.calls.some((c) => c.method === 'auth.test' && c.token === ALPHA.token)).toBe(true);

    expect((await install('code-beta')).status).toBe(200);
    const stored = await installations.list();
    expect(stored.map((i) => ({ key: i.key, team: i.teamId, token: i.botToken, bot: i.botUserId, botId: i.botId, org: i.enterpriseInstall }))).toEqual([
      { key: 'T0ALPHA', team: 'T0ALPHA', token: ALPHA.token, bot: 'UBOTALPHA', botId: 'BALPHA', org: false },
      { key: 'T0BETA', team: 'T0BETA', token: BETA.token, bot: 'UBOTBETA', botId: 'BBETA', org: false },
    ]);
    // Bolt's whole Installation object is kept, scopes included.
    expect((stored[0]!.raw as { bot: { scopes: string[] }; appId: string }).bot.scopes.sort()).toEqual([...MANIFEST_SCOPES].sort());
    expect(logs.some((l) => l.includes('slack: installed in workspace T0ALPHA'))).toBe(true);
    // A code is good once: replaying the redirect installs nothing more.
    expect((await install('code-alpha')).status).toBeGreaterThanOrEqual(400);
    expect(await installations.list()).toHaveLength(2);
  });

  it('answers a signed slash command from each workspace, each with its own token', async () => {
    // `subscribe` asks users.info whether the user may manage alerts: with the token of the user's workspace.
    const a = slash('subscribe cn', { team: 'T0ALPHA' }, 'UADMIN', 'C0ALPHA');
    const b = slash('subscribe cn', { team: 'T0BETA' }, 'UADMIN', 'C0BETA');
    expect((await postToBot(port, a.body, FORM, { secret: SECRET })).status).toBe(200);
    expect((await postToBot(port, b.body, FORM, { secret: SECRET })).status).toBe(200);
    const answerA = await waitFor(responseTo(a.responseUrl));
    const answerB = await waitFor(responseTo(b.responseUrl));
    expect(answerA.body.response_type).toBe('in_channel');
    // Each workspace's own bot user posts its alerts.
    expect(JSON.stringify(answerA.body)).toContain('Alerts are posted by <@UBOTALPHA>');
    expect(JSON.stringify(answerB.body)).toContain('Alerts are posted by <@UBOTBETA>');
    expect(JSON.stringify(answerA.body)).toMatch(/now hears about Beijing's lists/);
    expect(JSON.stringify(answerB.body)).toMatch(/now hears about Beijing's lists/);
    const info = fake.calls.filter((c) => c.method === 'users.info');
    expect(info.map((c) => c.token).sort()).toEqual([ALPHA.token, BETA.token]);
    expect(new SubscriptionStore(db).all('slack').map((s) => s.channel).sort()).toEqual(['C0ALPHA', 'C0BETA']);
    // Each channel's workspace is remembered for its alerts.
    expect(await installations.channelWorkspace('C0ALPHA')).toEqual({ teamId: 'T0ALPHA' });
    expect(await installations.channelWorkspace('C0BETA')).toEqual({ teamId: 'T0BETA' });
  });

  it('answers a mention in each workspace with chat.postMessage and that workspace\'s token', async () => {
    const before = fake.calls.length;
    for (const [team, channel] of [['T0ALPHA', 'C0ALPHAQ'], ['T0BETA', 'C0BETAQ']] as const) {
      const event: types.AppMentionEvent = { type: 'app_mention', user: 'UUSER', text: '<@UBOT> is Rheinmetall on any list?', ts: `1700000100.00000${eventSeq}`, channel, event_ts: '1700000100.000001' };
      expect((await postToBot(port, eventBody(event, { team }), 'application/json', { secret: SECRET })).status).toBe(200);
    }
    const posts = await waitFor(() => {
      const p = fake.calls.slice(before).filter((c) => c.method === 'chat.postMessage');
      return p.length === 2 ? p : undefined;
    });
    expect(Object.fromEntries(posts.map((p) => [p.body.channel, p.token]))).toEqual({ C0ALPHAQ: ALPHA.token, C0BETAQ: BETA.token });
    expect(String(posts[0]!.body.text)).toMatch(/Rheinmetall/);
  });

  it('downloads a CSV shared in the DM of one workspace with that workspace\'s token, and answers in its thread', async () => {
    const file = fake.hostFile('names.csv', Buffer.from('name\nRheinmetall AG\n', 'utf8'));
    const ts = '1700000200.000100';
    const files = [{ ...file, created: 1_700_000_000, title: file.name, filetype: 'csv', pretty_type: 'CSV', editable: false, mode: 'hosted', is_external: false, external_type: null, is_public: false, public_url_shared: false, display_as_bot: false, username: null, permalink: 'https://beta.slack.com/files/x', channels: null, groups: null }] as unknown as NonNullable<types.FileShareMessageEvent['files']>;
    const event: types.FileShareMessageEvent = { type: 'message', subtype: 'file_share', text: '', files, upload: false, display_as_bot: false, user: 'UUSER', ts, channel: 'DUSERBETA', channel_type: 'im', event_ts: ts };
    expect((await postToBot(port, eventBody(event, { team: 'T0BETA' }), 'application/json', { secret: SECRET })).status).toBe(200);
    const download = await waitFor(() => fake.calls.find((c) => c.method === 'download' && c.path.includes(file.id)));
    expect(download.body.authorization).toBe(`Bearer ${BETA.token}`);
    const complete = await waitFor(() => fake.calls.find((c) => c.method === 'files.completeUploadExternal' && c.body.thread_ts === ts), 15_000);
    expect(complete.token).toBe(BETA.token);
  });

  it('refuses a command from a workspace that never installed the app: nothing is answered or called', async () => {
    const before = fake.calls.length;
    const c = slash('lists', { team: 'T0STRANGER' }, 'UUSER', 'C0STRANGE');
    expect((await postToBot(port, c.body, FORM, { secret: SECRET })).status).toBe(200);
    // Bolt answers the HTTP request only after authorize failed and no listener ran.
    expect(fake.calls.slice(before)).toEqual([]);
    expect(await installations.channelWorkspace('C0STRANGE')).toBeUndefined();
  });
});

describe('Slack distribution: an Enterprise Grid org-wide install', () => {
  it('stores the org\'s installation under its enterprise id and answers any workspace of the org with the org\'s token', async () => {
    expect((await install('code-org')).status).toBe(200);
    const org = await installations.find({ enterpriseId: 'E0GRID', enterpriseInstall: true });
    expect(org).toMatchObject({ key: 'E0GRID', enterpriseId: 'E0GRID', enterpriseInstall: true, botToken: ORG.token, botUserId: 'UBOTORG' });
    expect(org!.teamId).toBeUndefined();
    expect((org!.raw as { enterpriseUrl?: string }).enterpriseUrl).toBe('https://gridcorp.enterprise.slack.com/');

    const c = slash('subscribe cn', { team: ORG_WS, enterprise: 'E0GRID', org: true }, 'UADMIN', 'C0GRID');
    expect((await postToBot(port, c.body, FORM, { secret: SECRET })).status).toBe(200);
    const answer = await waitFor(responseTo(c.responseUrl));
    expect(JSON.stringify(answer.body)).toMatch(/now hears about Beijing's lists/);
    expect(fake.calls.filter((x) => x.method === 'users.info').at(-1)!.token).toBe(ORG.token);
    expect(await installations.channelWorkspace('C0GRID')).toEqual({ teamId: ORG_WS, enterpriseId: 'E0GRID' });
  });
});

describe('Slack distribution: alerts per workspace, uninstalls and revoked tokens', () => {
  it('posts each channel\'s alert with the token of the workspace it was subscribed from (the org\'s for its workspace)', async () => {
    await refreshSources(db, loadSourcesFile(join(SOURCES_DIR, 'timeline-t1.json')));
    const before = fake.calls.length;
    const pipeline = new AlertPipeline(db, { sinks: new Map([['slack', bot.sink]]) });
    await pipeline.tick();
    await pipeline.stop();
    const posts = fake.calls.slice(before).filter((c) => c.method === 'chat.postMessage');
    expect(posts.map((p) => [p.body.channel, p.token]).sort()).toEqual([
      ['C0ALPHA', ALPHA.token],
      ['C0BETA', BETA.token],
      ['C0GRID', ORG.token],
    ]);
    for (const p of posts) expect(String(p.body.text)).toMatch(/Export Control List/);
  });

  it('app_uninstalled deletes the workspace\'s installation: its next command is not answered with the old token', async () => {
    // A channel subscribed in Beta before the uninstall, with an alert still to come.
    const sub = slash('subscribe cn', { team: 'T0BETA' }, 'UADMIN', 'C0BETALATE');
    await postToBot(port, sub.body, FORM, { secret: SECRET });
    await waitFor(responseTo(sub.responseUrl));

    const res = await postToBot(port, eventBody({ type: 'app_uninstalled' }, { team: 'T0BETA' }), 'application/json', { secret: SECRET });
    expect(res.status).toBe(200);
    await waitFor(() => logs.find((l) => l.includes('app uninstalled from workspace T0BETA')));
    expect((await installations.list()).map((i) => i.key).sort()).toEqual(['E0GRID', 'T0ALPHA']);

    const before = fake.calls.length;
    const c = slash('lookup Rheinmetall', { team: 'T0BETA' }, 'UUSER', 'C0BETA');
    expect((await postToBot(port, c.body, FORM, { secret: SECRET })).status).toBe(200);
    expect(fake.calls.slice(before)).toEqual([]);
    expect(fake.calls.some((x, i) => i >= before && x.token === BETA.token)).toBe(false);
    // Alpha is still answered.
    const a = slash('lists', { team: 'T0ALPHA' }, 'UUSER', 'C0ALPHA');
    await postToBot(port, a.body, FORM, { secret: SECRET });
    expect(JSON.stringify((await waitFor(responseTo(a.responseUrl))).body)).toMatch(/Lists covered/);
  });

  it('fails the alert of a channel whose workspace uninstalled for good: not posted, its subscription paused, the message listed as failed with the reason', async () => {
    db.prepare("UPDATE subscriptions SET cursor = 0 WHERE channel = 'C0BETALATE'").run();
    const before = fake.calls.length;
    const pipeline = new AlertPipeline(db, { sinks: new Map([['slack', bot.sink]]) });
    await pipeline.tick();
    await pipeline.stop();
    expect(fake.calls.slice(before).filter((c) => c.method === 'chat.postMessage')).toEqual([]);
    const sub = new SubscriptionStore(db).get('slack', 'C0BETALATE')!;
    expect(sub.pausedReason).toMatch(/app_not_installed: the app is no longer installed in workspace T0BETA/);
    const failed = failedMessages(db, { platform: 'slack', channel: 'C0BETALATE' });
    expect(failed).toHaveLength(1);
    expect(failed[0]!.last_error).toMatch(/app_not_installed/);
    expect(failed[0]!.paused_reason).toMatch(/reinstall it/);
    expect(failed[0]!.attempts).toBe(1);
  });

  it('tokens_revoked for the org\'s bot deletes the org-wide installation; for user tokens only, nothing', async () => {
    const users = await postToBot(port, eventBody({ type: 'tokens_revoked', tokens: { oauth: ['UINSTALLER'] } }, { team: ORG_WS, enterprise: 'E0GRID', org: true }), 'application/json', { secret: SECRET });
    expect(users.status).toBe(200);
    await waitFor(() => logs.find((l) => l.includes('user tokens revoked')));
    expect(await installations.find({ enterpriseId: 'E0GRID', enterpriseInstall: true })).toBeDefined();

    await postToBot(port, eventBody({ type: 'tokens_revoked', tokens: { bot: ['UBOTORG'] } }, { team: ORG_WS, enterprise: 'E0GRID', org: true }), 'application/json', { secret: SECRET });
    await waitFor(() => logs.find((l) => l.includes('bot token revoked in Enterprise org E0GRID')));
    expect((await installations.list()).map((i) => i.key)).toEqual(['T0ALPHA']);
  });

  it('app_uninstalled of an org-wide install deletes it by enterprise id', async () => {
    // Installed again (a new code would be needed at Slack; here the store is written as the installer would).
    await installations.save({ enterpriseId: 'E0GRID', enterpriseInstall: true, botToken: ORG.token, botUserId: 'UBOTORG', raw: { enterprise: { id: 'E0GRID' }, isEnterpriseInstall: true, bot: { token: ORG.token, userId: 'UBOTORG', scopes: [] } } });
    await postToBot(port, eventBody({ type: 'app_uninstalled' }, { team: ORG_WS, enterprise: 'E0GRID', org: true }), 'application/json', { secret: SECRET });
    await waitFor(() => logs.find((l) => l.includes('app uninstalled from Enterprise org E0GRID (org-wide)')));
    expect((await installations.list()).map((i) => i.key)).toEqual(['T0ALPHA']);
  });
});
