/**
 * A scheduled daily summary through the real Bolt app and its Web API client against the loopback fake Slack
 * (issue 13): `/sanctions subscribe ... schedule:daily ...` over a signed slash command, the refresh held, then at
 * 08:00 Berlin time (a fake clock) one message, and its CSV, Markdown and PNG chart uploaded into its thread.
 */
import { join } from 'node:path';
import type { SlashCommand } from '@slack/bolt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackApp, type SlackBot } from '../../../src/bots/slack/app';
import { AlertPipeline } from '../../../src/core/alerts/pipeline';
import type { DataHandle } from '../../../src/core/dataset';
import { refreshSources } from '../../../src/core/refresh';
import { loadSourcesFile } from '../../../src/core/sources/config';
import { openDb, type Db } from '../../../src/core/store/db';
import { decodePng } from '../../helpers/png';
import { SOURCES_DIR } from '../../helpers/shared';
import { tempDir } from '../../helpers/tmp';
import { postToBot, startFakeSlack, waitFor, type FakeSlack } from './fake-slack';

const SECRET = 'test-signing-secret';
const logger = pino({ level: 'silent' });
const dir = tempDir();
let fake: FakeSlack;
let bot: SlackBot;
let port: number;
let db: Db;
let clock = new Date('2026-12-01T10:00:00Z');

beforeAll(async () => {
  db = openDb(join(dir, 'summary.db'));
  await refreshSources(db, loadSourcesFile(join(SOURCES_DIR, 'timeline-t0.json')));
  fake = await startFakeSlack({ admins: new Set(['UADMIN']) });
  const handle: DataHandle = { db, seed: false };
  bot = createSlackApp({ botToken: 'xoxb-test', signingSecret: SECRET, host: '127.0.0.1', port: 0, apiUrl: fake.apiUrl, logger, retryConfig: { retries: 0 }, data: () => handle, audit: false });
  port = (await bot.start()).port!;
});

afterAll(async () => {
  await bot?.stop();
  await fake?.close();
  db?.close();
});

function slash(text: string): { body: string; responseUrl: string } {
  const responseUrl = fake.responseUrl();
  const payload: SlashCommand = {
    token: 'verification-token',
    command: '/sanctions',
    text,
    response_url: responseUrl,
    trigger_id: '1.2.3',
    user_id: 'UADMIN',
    user_name: 'admin',
    team_id: 'T0ACME',
    team_domain: 'acme',
    channel_id: 'C0DAILY',
    channel_name: 'daily',
    api_app_id: 'A0SANCTIONS',
  };
  return { body: new URLSearchParams(payload as Record<string, string>).toString(), responseUrl };
}

describe('Slack: a daily summary at 08:00 Europe/Berlin (real Bolt, fake Slack, fake clock)', () => {
  it('is set by the slash command, holds the refresh, and posts once at its time with CSV, Markdown and the PNG chart in its thread', async () => {
    const { body, responseUrl } = slash('subscribe US-OFAC-SDN schedule:daily at:08:00 tz:Europe/Berlin');
    await postToBot(port, body, 'application/x-www-form-urlencoded', { secret: SECRET });
    const reply = await waitFor(() => fake.calls.find((c) => c.method === 'response' && `${fake.url}${c.path}` === responseUrl));
    expect(JSON.stringify(reply.body)).toMatch(/daily summary at 08:00 \(Europe\/Berlin\)/);
    // The command ran on the real clock: put the schedule on the test's clock (as if set at 10:00 UTC on 1 December).
    db.prepare("UPDATE subscriptions SET summary_due_at = '2026-12-02T07:00:00.000Z', summary_since = '2026-12-01T10:00:00.000Z' WHERE channel = 'C0DAILY'").run();

    const pipeline = new AlertPipeline(db, { sinks: new Map([['slack', bot.sink]]), now: () => clock });
    await refreshSources(db, loadSourcesFile(join(SOURCES_DIR, 'timeline-t1.json')));
    await pipeline.tick();
    const posts = () => fake.calls.filter((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0DAILY');
    expect(posts()).toHaveLength(0);

    clock = new Date('2026-12-02T07:00:00Z');
    await pipeline.tick();
    clock = new Date('2026-12-02T07:15:00Z');
    await pipeline.tick();
    await pipeline.stop();
    expect(posts()).toHaveLength(1);
    const post = posts()[0]!;
    expect(String(post.body.text)).toBe('Daily summary: 298 list changes from 2026-12-01 11:00 Europe/Berlin to 2026-12-02 08:00 Europe/Berlin');
    expect(JSON.stringify(post.body.blocks)).toContain('OFAC added 298 entries to the SDN List');

    const names = fake.calls.filter((c) => c.method === 'files.getUploadURLExternal').map((c) => String(c.body.filename));
    expect(names).toEqual([expect.stringMatching(/\.csv$/), expect.stringMatching(/\.md$/), expect.stringMatching(/^sanctions-daily-summary-2026-12-02-\d+-designations-by-week\.png$/)]);
    const uploads = fake.calls.filter((c) => c.method === 'upload');
    const png = uploads.map((u) => u.body.bytes as Buffer).find((b) => b.subarray(1, 4).toString('ascii') === 'PNG')!;
    const image = decodePng(png);
    expect(image.width).toBe(720);
    expect(image.height).toBe(360);
    const complete = fake.calls.find((c) => c.method === 'files.completeUploadExternal')!;
    expect(JSON.parse(String(complete.body.files))).toHaveLength(3);
    expect(String(complete.body.initial_comment)).toContain('a chart of designations per list by week');
  });
});
