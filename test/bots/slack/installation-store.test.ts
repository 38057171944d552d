/**
 * Bolt's InstallationStore over the database (installation-store.ts), the per-workspace alert sink
 * (workspace-sink.ts) against the loopback fake, and the installer's scopes (those of slack/manifest.yml).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Installation } from '@slack/bolt';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { boltInstallationStore, InstallationRefused, toRecord } from '../../../src/bots/slack/installation-store';
import { BOT_SCOPES } from '../../../src/bots/slack/scopes';
import { WorkspaceSlackSink } from '../../../src/bots/slack/workspace-sink';
import type { Reply } from '../../../src/core/commands/reply';
import { SqliteInstallations } from '../../../src/core/installations/sqlite';
import { openDb, type Db } from '../../../src/core/store/db';
import { REPO_ROOT } from '../../helpers/shared';
import { startFakeSlack, type FakeSlack } from './fake-slack';

const silent = pino({ level: 'silent' });
const workspace = (team: string, token: string, scopes = [...BOT_SCOPES]): Installation => ({
  team: { id: team, name: team },
  enterprise: undefined,
  user: { token: undefined, scopes: undefined, id: 'UINSTALLER' },
  bot: { token, scopes, id: `B${team}`, userId: `U${team}` },
  tokenType: 'bot',
  isEnterpriseInstall: false,
  appId: 'A0SANCTIONS',
  authVersion: 'v2',
});

let db: Db;
let records: SqliteInstallations;
beforeEach(() => {
  db?.close();
  db = openDb(':memory:');
  records = new SqliteInstallations(db);
});
afterAll(() => db?.close());

describe('boltInstallationStore', () => {
  it('stores, fetches and deletes a workspace installation as Bolt calls it', async () => {
    const store = boltInstallationStore(records, silent);
    await store.storeInstallation(workspace('T0ALPHA', 'xoxb-alpha'));
    const fetched = await store.fetchInstallation({ teamId: 'T0ALPHA', enterpriseId: undefined, isEnterpriseInstall: false });
    expect(fetched.bot).toMatchObject({ token: 'xoxb-alpha', userId: 'UT0ALPHA', id: 'BT0ALPHA' });
    expect(fetched.team).toEqual({ id: 'T0ALPHA', name: 'T0ALPHA' });
    await store.deleteInstallation!({ teamId: 'T0ALPHA', enterpriseId: undefined, isEnterpriseInstall: false });
    await expect(store.fetchInstallation({ teamId: 'T0ALPHA', enterpriseId: undefined, isEnterpriseInstall: false })).rejects.toThrow(/no installation for workspace T0ALPHA/);
  });

  it('refuses an installation it could not answer with, saying what is missing', () => {
    expect(() => toRecord({ ...workspace('T0ALPHA', 'xoxb-a'), bot: undefined })).toThrow(InstallationRefused);
    expect(() => toRecord({ ...workspace('T0ALPHA', 'xoxb-a'), bot: undefined })).toThrow(/bot: no bot token: the app must be installed with its bot scopes/);
    expect(() => toRecord(workspace('T0ALPHA', 'xoxp-user-token'))).toThrow(/bot\.token: a bot token \(xoxb-\.\.\.\)/);
    expect(() => toRecord({ ...workspace('T0ALPHA', 'xoxb-a'), team: undefined })).toThrow(/team\.id: a workspace install must name its team/);
    expect(() => toRecord({ ...workspace('T0ALPHA', 'xoxb-a'), team: undefined, isEnterpriseInstall: true })).toThrow(/enterprise\.id: an org-wide install must name its enterprise/);
    expect(toRecord({ ...workspace('T0ALPHA', 'xoxb-a'), team: undefined, enterprise: { id: 'E0ORG', name: 'Org' }, isEnterpriseInstall: true })).toMatchObject({ enterpriseId: 'E0ORG', enterpriseInstall: true, botToken: 'xoxb-a' });
  });

  it('asks each workspace for exactly the scopes of slack/manifest.yml', () => {
    const manifest = parse(readFileSync(join(REPO_ROOT, 'slack/manifest.yml'), 'utf8')) as { oauth_config: { scopes: { bot: string[] } } };
    expect([...BOT_SCOPES].sort()).toEqual([...manifest.oauth_config.scopes.bot].sort());
  });
});

describe('slack/manifest-distribution.yml', () => {
  type Manifest = {
    oauth_config: { scopes: { bot: string[] }; redirect_urls?: string[] };
    settings: { event_subscriptions: { bot_events: string[] }; org_deploy_enabled: boolean; socket_mode_enabled: boolean };
  } & Record<string, unknown>;
  const read = (name: string) => parse(readFileSync(join(REPO_ROOT, 'slack', name), 'utf8')) as Manifest;

  it('is slack/manifest.yml plus the OAuth redirect URL, the uninstall and revocation events, and org-wide deployment', () => {
    const one = read('manifest.yml');
    const many = read('manifest-distribution.yml');
    expect(many.oauth_config.redirect_urls).toEqual(['https://sanctions.example.com/slack/oauth_redirect']);
    expect(many.settings.event_subscriptions.bot_events.sort()).toEqual([...one.settings.event_subscriptions.bot_events, 'app_uninstalled', 'tokens_revoked'].sort());
    expect(many.settings.org_deploy_enabled).toBe(true);
    expect(many.settings.socket_mode_enabled).toBe(false);
    // Everything else the same: command, scopes, shortcut, Home.
    const rest = (m: Manifest) => ({ ...m, oauth_config: { scopes: m.oauth_config.scopes }, settings: { ...m.settings, event_subscriptions: { ...m.settings.event_subscriptions, bot_events: [] }, org_deploy_enabled: undefined } });
    expect(rest(many)).toEqual(rest(one));
  });
});

describe('WorkspaceSlackSink', () => {
  let fake: FakeSlack;
  const reply: Reply = { blocks: [{ type: 'text', text: 'An alert' }], summary: 'An alert' };
  beforeAll(async () => {
    fake = await startFakeSlack({ admins: new Set() });
  });
  afterAll(async () => fake?.close());

  it('posts to a channel with its workspace\'s token and reports a channel it cannot place as failed for good', async () => {
    await records.save(toRecord(workspace('T0ALPHA', 'xoxb-alpha')));
    await records.save(toRecord(workspace('T0BETA', 'xoxb-beta')));
    await records.rememberChannel('C0B', { teamId: 'T0BETA' });
    const sink = new WorkspaceSlackSink(records, { apiUrl: fake.apiUrl });
    expect(await sink.deliver('C0B', reply, 'k1')).toMatchObject({ ok: true });
    expect(fake.calls.filter((c) => c.method === 'chat.postMessage').at(-1)).toMatchObject({ token: 'xoxb-beta', body: { channel: 'C0B' } });
    expect(await sink.confirm('C0B', 'k1')).toBe(true);
    // Two workspaces installed and nothing known of this channel: no guess.
    expect(await sink.deliver('C0UNKNOWN', reply, 'k2')).toEqual({ ok: false, permanent: true, reason: expect.stringMatching(/^no_workspace: no Slack workspace is known for channel C0UNKNOWN/) });
    await records.remove({ teamId: 'T0BETA', enterpriseInstall: false });
    expect(await sink.deliver('C0B', reply, 'k3')).toEqual({ ok: false, permanent: true, reason: expect.stringMatching(/^app_not_installed: the app is no longer installed in workspace T0BETA/) });
    expect(await sink.confirm('C0B', 'k3')).toBeUndefined();
    expect(sink.repeatSafe()).toBe(true);
  });

  it('holds only the rate-limited workspace on a 429: the channel\'s routes and the limited route name its workspace', async () => {
    const limited = await startFakeSlack({ admins: new Set(), failing: { C0RATED: 'rate' } });
    try {
      await records.save(toRecord(workspace('T0ALPHA', 'xoxb-alpha')));
      await records.save(toRecord(workspace('T0BETA', 'xoxb-beta')));
      await records.rememberChannel('C0RATED', { teamId: 'T0ALPHA' });
      await records.rememberChannel('C0FINE', { teamId: 'T0BETA' });
      const sink = new WorkspaceSlackSink(records, { apiUrl: limited.apiUrl });
      expect(sink.routes('C0RATED').map((r) => r.key)).toEqual(['slack:chat.postMessage:C0RATED', 'slack:chat.postMessage']);
      expect(await sink.deliver('C0RATED', reply, 'k5')).toEqual({ ok: false, permanent: false, reason: 'rate limited', retryAfterMs: 1000, limitedRoute: 'slack:chat.postMessage:T0ALPHA' });
      expect(await sink.deliver('C0FINE', reply, 'k6')).toMatchObject({ ok: true });
      expect(sink.routes('C0RATED').map((r) => r.key)).toEqual(['slack:chat.postMessage:C0RATED', 'slack:chat.postMessage:T0ALPHA']);
      expect(sink.routes('C0FINE').map((r) => r.key)).toEqual(['slack:chat.postMessage:C0FINE', 'slack:chat.postMessage:T0BETA']);
    } finally {
      await limited.close();
    }
  });

  it('with one workspace installed, posts a channel subscribed before distribution mode with its token', async () => {
    await records.save(toRecord(workspace('T0ONLY', 'xoxb-only', ['commands', 'chat:write'])));
    const sink = new WorkspaceSlackSink(records, { apiUrl: fake.apiUrl });
    expect(await sink.deliver('C0OLD', reply, 'k4')).toMatchObject({ ok: true });
    expect(fake.calls.filter((c) => c.method === 'chat.postMessage').at(-1)).toMatchObject({ token: 'xoxb-only', body: { channel: 'C0OLD' } });
    // That installation cannot read history: one message in flight at a time, and no confirmation.
    expect(sink.repeatSafe()).toBe(false);
    expect(await sink.confirm('C0OLD', 'k4')).toBeUndefined();
  });
});
