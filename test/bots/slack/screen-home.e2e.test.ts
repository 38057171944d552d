/**
 * "Screen this message" (message shortcut) and the App Home, through the real Bolt against the loopback fake of
 * Slack, on a writable copy of the shared current dataset (real names, real lists).
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BlockAction, ButtonAction, EnvelopedEvent, MessageShortcut, types, ViewSubmitAction } from '@slack/bolt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createSlackApp, type SlackBot } from '../../../src/bots/slack/app';
import { HOME_ACTIONS, SEARCH_CALLBACK, SEARCH_FIELDS } from '../../../src/bots/slack/home';
import { SCREEN_MESSAGE_CALLBACK } from '../../../src/bots/slack/screen-message';
import { SubscriptionStore } from '../../../src/core/alerts/subscriptions';
import { auditTrail } from '../../../src/core/audit';
import { openDb, type Db } from '../../../src/core/store/db';
import { tempDir } from '../../helpers/tmp';
import { assertBlockKitLimits } from './block-kit-limits';
import { postToBot, startFakeSlack, waitFor, type FakeSlack, type RecordedCall } from './fake-slack';

const SECRET = 'test-signing-secret';
const FORM = 'application/x-www-form-urlencoded';
const logger = pino({ level: 'silent' });

/** Three listed companies (one written in Chinese) and two clean ones, in an analyst's message. */
export const MESSAGE = [
  'Hi team, before Friday’s shipment please check the counterparties on the order:',
  'Hangzhou Hikvision Digital Technology Co., Ltd. (cameras), Lockheed Martin Corporation and 中国电子科技集团公司 for the radar parts,',
  'plus Oakridge Dental Supplies Ltd. and Sunny Meadow Farms Co., Ltd. for the rest. <@U0BOSS> asked for it by noon &amp; thanks!',
].join('\n');

let fake: FakeSlack;
let bot: SlackBot;
let port: number;
let db: Db;

const dir = tempDir('sanctions-home-');

function shortcut(text: string, channel = 'C0ALPHA', user = 'UANALYST'): string {
  const payload: MessageShortcut = {
    type: 'message_action',
    callback_id: SCREEN_MESSAGE_CALLBACK,
    trigger_id: '1.2.3',
    message_ts: '1700000000.000100',
    response_url: fake.responseUrl(),
    message: { type: 'message', user: 'U0SENDER', ts: '1700000000.000100', text },
    user: { id: user, name: user.toLowerCase(), team_id: 'T0ACME' },
    channel: { id: channel, name: 'deals' },
    team: { id: 'T0ACME', domain: 'acme' },
    token: 'verification-token',
    action_ts: '1700000001.1',
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

let eventSeq = 0;
function homeOpened(user: string): string {
  const event: types.AppHomeOpenedEvent = { type: 'app_home_opened', user, channel: `D${user.slice(1)}`, tab: 'home', event_ts: '1700000000.1' };
  const envelope: EnvelopedEvent<typeof event> = { token: 'verification-token', team_id: 'T0ACME', api_app_id: 'A0SANCTIONS', event, type: 'event_callback', event_id: `EvHome${++eventSeq}`, event_time: 1_700_000_000 };
  return JSON.stringify(envelope);
}

function searchButton(user: string): string {
  const action: ButtonAction = { type: 'button', action_id: HOME_ACTIONS.search, block_id: 'b1', action_ts: '1700000000.1', value: 'search', text: { type: 'plain_text', text: 'Search' } };
  const payload: BlockAction<ButtonAction> = {
    type: 'block_actions',
    actions: [action],
    team: { id: 'T0ACME', domain: 'acme' },
    user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: 'T0ACME' },
    container: { type: 'view', view_id: 'VHOME' },
    trigger_id: 'trigger-42',
    response_url: '',
    api_app_id: 'A0SANCTIONS',
    token: 'verification-token',
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

function submission(user: string, values: { name: string; list?: string; side?: string }): string {
  const payload: ViewSubmitAction = {
    type: 'view_submission',
    team: { id: 'T0ACME', domain: 'acme' },
    user: { id: user, name: user.toLowerCase(), team_id: 'T0ACME' },
    view: {
      id: 'VMODAL',
      callback_id: SEARCH_CALLBACK,
      team_id: 'T0ACME',
      app_id: 'A0SANCTIONS',
      bot_id: 'BBOT',
      title: { type: 'plain_text', text: 'Screen a name' },
      type: 'modal',
      blocks: [],
      close: null,
      submit: null,
      state: {
        values: {
          [SEARCH_FIELDS.name]: { value: { type: 'plain_text_input', value: values.name } },
          [SEARCH_FIELDS.list]: { value: { type: 'static_select', selected_option: values.list ? { text: { type: 'plain_text', text: values.list }, value: values.list } : null } },
          [SEARCH_FIELDS.side]: { value: { type: 'radio_buttons', selected_option: values.side ? { text: { type: 'plain_text', text: values.side }, value: values.side } : null } },
        },
      },
      hash: 'h',
      private_metadata: '',
      root_view_id: null,
      previous_view_id: null,
      clear_on_close: false,
      notify_on_close: false,
    },
    api_app_id: 'A0SANCTIONS',
    token: 'verification-token',
    trigger_id: 'trigger-43',
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

const after = (n: number, method: string) => () => fake.calls.slice(n).find((c) => c.method === method);
const textOf = (call: RecordedCall): string => JSON.stringify(call.body);

beforeAll(async () => {
  // A writable copy of the shared current dataset: audit rows (recent lookups) and subscriptions are written.
  copyFileSync(inject('currentDb'), join(dir, 'home.db'));
  db = openDb(join(dir, 'home.db'));
  const subs = new SubscriptionStore(db);
  subs.subscribe({ platform: 'slack', channel: 'C0ALPHA', targets: ['side:cn'], kinds: ['added', 'removed'], countries: [], health: false });
  subs.subscribe({ platform: 'slack', channel: 'C0BETA', targets: ['US-OFAC-SDN', 'US-BIS-EL'], kinds: ['added'], countries: ['CN'], health: true });
  subs.subscribe({ platform: 'slack', channel: 'C0GAMMA', targets: ['all'], kinds: ['added'], countries: [], health: false });
  fake = await startFakeSlack({ admins: new Set(), failing: { C0GONE: 'gone' }, memberships: { UANALYST: ['C0ALPHA', 'C0RANDOM', 'C0BETA'] } });
  bot = createSlackApp({ botToken: 'xoxb-test', signingSecret: SECRET, host: '127.0.0.1', port: 0, apiUrl: fake.apiUrl, logger, retryConfig: { retries: 0 }, data: () => ({ db, seed: false }), audit: true });
  port = (await bot.start()).port!;
});

afterAll(async () => {
  await bot?.stop();
  await fake?.close();
  db?.close();
});

describe('Screen this message (Slack message shortcut)', () => {
  it('answers ephemerally with the three matches first and the two clear lines, without echoing the message', async () => {
    const n = fake.calls.length;
    const res = await postToBot(port, shortcut(MESSAGE), FORM, { secret: SECRET });
    expect(res.status).toBe(200);
    const call = await waitFor(after(n, 'chat.postEphemeral'));
    expect(call.body).toMatchObject({ channel: 'C0ALPHA', user: 'UANALYST' });
    const sectionText = (call.body.blocks as types.KnownBlock[]).flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : [])).join('\n');
    const lines = sectionText.split('\n').filter((l) => /^(● match|◐ review|○ clear|⚠ not screened)/.test(l));
    expect(lines).toHaveLength(5);
    expect(lines.slice(0, 3).every((l) => l.startsWith('● match'))).toBe(true);
    expect(lines.slice(3).every((l) => l.startsWith('○ clear'))).toBe(true);
    expect(lines[0]).toContain('Hangzhou Hikvision Digital Technology Co., Ltd.');
    expect(lines[0]).toMatch(/Entity List.*listed/);
    expect(lines[1]).toContain('Lockheed Martin Corporation');
    expect(lines[1]).toContain('Unreliable Entity List');
    expect(lines[2]).toContain('中国电子科技集团公司');
    expect(lines[2]).toMatch(/CHINA ELECTRONICS TECHNOLOGY GROUP CORPORATION/i);
    expect(lines[3]).toContain('Oakridge Dental Supplies Ltd.');
    expect(lines[4]).toContain('Sunny Meadow Farms Co., Ltd.');
    // What was searched and how fresh, said once; the heading counts.
    expect(sectionText).toMatch(/\d+ lists searched \(US \d+, China \d+\), data as of \d{4}-\d{2}-\d{2}/);
    expect(textOf(call)).toContain('5 names in this message: 3 matches, 0 to review, 2 clear');
    // Only the names: none of the message's other words, and no mention of the person it named.
    expect(textOf(call)).not.toContain('shipment');
    expect(textOf(call)).not.toContain('radar parts');
    expect(textOf(call)).not.toContain('U0BOSS');
    // Each name screened is a lookup in the audit trail, by the person who asked.
    const trail = auditTrail(db, { limit: 5 });
    expect(trail.map((e) => e.query).sort()).toEqual(['Hangzhou Hikvision Digital Technology Co., Ltd.', 'Lockheed Martin Corporation', 'Oakridge Dental Supplies Ltd.', 'Sunny Meadow Farms Co., Ltd.', '中国电子科技集团公司'].sort());
    expect(trail.every((e) => e.actor === 'UANALYST')).toBe(true);
  });

  it('answers in the DM when it may not post in the channel', async () => {
    const n = fake.calls.length;
    await postToBot(port, shortcut('Is Lockheed Martin Corporation fine?', 'C0GONE'), FORM, { secret: SECRET });
    const posted = await waitFor(after(n, 'chat.postMessage'));
    expect(fake.calls.slice(n).some((c) => c.method === 'chat.postEphemeral')).toBe(true);
    expect(posted.body.channel).toBe('DANALYST');
    expect(textOf(posted)).toContain('● match');
    expect(textOf(posted)).toContain('Lockheed Martin Corporation');
  });

  it('escapes what it quotes from the message: no mention or formatting can form', async () => {
    const n = fake.calls.length;
    await postToBot(port, shortcut('Check "*Evil* &lt;!here&gt; Trading" and <!channel> Acme Widgets GmbH'), FORM, { secret: SECRET });
    const call = await waitFor(after(n, 'chat.postEphemeral'));
    const text = textOf(call);
    expect(text).toContain('&lt;!here&gt;');
    expect(text).not.toMatch(/<!here>|<!channel>/);
    expect(text).not.toContain('*Evil*');
    expect(text).toContain('○ clear  \\"Acme Widgets GmbH\\": no match');
  });

  it('says plainly when a message holds no names, and claims nothing clear', async () => {
    const n = fake.calls.length;
    await postToBot(port, shortcut('ok, thanks! see you tomorrow'), FORM, { secret: SECRET });
    const call = await waitFor(after(n, 'chat.postEphemeral'));
    expect(textOf(call)).toContain('No organisation or person names found');
    expect(textOf(call)).not.toContain('clear');
  });
});

describe('Slack App Home', () => {
  it('publishes the Home on app_home_opened: search, recent lookups, the person\'s channels, freshness, within Block Kit limits', async () => {
    const n = fake.calls.length;
    const res = await postToBot(port, homeOpened('UANALYST'), 'application/json', { secret: SECRET });
    expect(res.status).toBe(200);
    const call = await waitFor(after(n, 'views.publish'));
    expect(call.body.user_id).toBe('UANALYST');
    const view = call.body.view as types.HomeView;
    expect(view.type).toBe('home');
    assertBlockKitLimits(view.blocks, 100);
    const text = JSON.stringify(view);
    const button = (view.blocks as types.KnownBlock[]).flatMap((b) => (b.type === 'section' && b.accessory?.type === 'button' ? [b.accessory] : []))[0];
    expect(button).toMatchObject({ action_id: HOME_ACTIONS.search });
    // The message screened above is among the recent lookups.
    expect(text).toContain('Lockheed Martin Corporation');
    // Channels the person is in (users.conversations, two pages), not the one they are not in.
    expect(text).toContain('<#C0ALPHA>');
    expect(text).toContain('<#C0BETA>');
    expect(text).not.toContain('C0GAMMA');
    expect(text).toContain('US-BIS-EL');
    expect(text).toMatch(/in force · data as of \d{4}-\d{2}-\d{2}/);
    expect(fake.calls.slice(n).filter((c) => c.method === 'users.conversations').length).toBe(2);
  });

  it('says it cannot show channels when Slack will not say which ones the person is in', async () => {
    const n = fake.calls.length;
    await postToBot(port, homeOpened('USTRANGER'), 'application/json', { secret: SECRET });
    const call = await waitFor(after(n, 'views.publish'));
    const text = JSON.stringify(call.body.view);
    expect(text).toContain('Could not read which channels you are in');
    expect(text).toContain('No lookups yet');
  });

  it('Search opens a modal; its submission answers in the modal and the Home then lists the lookup', async () => {
    let n = fake.calls.length;
    await postToBot(port, searchButton('UNEW'), FORM, { secret: SECRET });
    const opened = await waitFor(after(n, 'views.open'));
    expect(opened.body.trigger_id).toBe('trigger-42');
    const modal = opened.body.view as types.ModalView;
    expect(modal.callback_id).toBe(SEARCH_CALLBACK);
    expect(modal.blocks.map((b) => b.block_id)).toEqual([SEARCH_FIELDS.name, SEARCH_FIELDS.list, SEARCH_FIELDS.side]);
    assertBlockKitLimits(modal.blocks, 100);

    n = fake.calls.length;
    const res = await postToBot(port, submission('UNEW', { name: 'Hikvision', side: 'us' }), FORM, { secret: SECRET });
    expect(res.status).toBe(200);
    const ack = JSON.parse(res.text) as { response_action: string; view: types.ModalView };
    expect(ack.response_action).toBe('update');
    expect(JSON.stringify(ack.view)).toContain('Hangzhou Hikvision Digital Technology Co., Ltd.');
    expect(JSON.stringify(ack.view)).not.toContain('sanctions_share');
    assertBlockKitLimits(ack.view.blocks, 100);
    const home = await waitFor(after(n, 'views.publish'));
    expect(home.body.user_id).toBe('UNEW');
    expect(JSON.stringify(home.body.view)).toMatch(/Hikvision\*? → Hangzhou Hikvision Digital Technology/);
  });

  it('refuses an empty or unknown filter in the modal with an error under the field', async () => {
    const empty = await postToBot(port, submission('UNEW', { name: '   ' }), FORM, { secret: SECRET });
    expect(JSON.parse(empty.text)).toEqual({ response_action: 'errors', errors: { [SEARCH_FIELDS.name]: 'Type a company or person to screen.' } });
    const list = await postToBot(port, submission('UNEW', { name: 'DJI', list: 'XX-NOPE' }), FORM, { secret: SECRET });
    const answer = JSON.parse(list.text) as { response_action: string; errors: Record<string, string> };
    expect(answer.response_action).toBe('errors');
    expect(Object.keys(answer.errors)).toEqual([SEARCH_FIELDS.list]);
  });
});
