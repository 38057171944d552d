/**
 * Issue 16: two bot processes as on two hosts (each with its own local copy of the lists, SANCTIONS_DB), sharing one
 * PostgreSQL (DATABASE_URL), with the loopback Slack and Discord. The t0 -> t1 change of China's lists (14 entries
 * added) reaches each subscribed channel exactly once; the leader is SIGKILLed while Slack holds its posts
 * unanswered (they reached the channels, the leader never heard back): the other process takes over the lead,
 * finds the held messages in the channels (confirm) instead of posting them again, sends the rest, and catches its
 * own copy of the lists up with what the dead leader applied.
 */
import { copyFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshSources } from '../../src/core/refresh';
import { openStore } from '../../src/core/reindex';
import { PostgresSharedStore } from '../../src/core/shared/postgres';
import { loadSourcesFile } from '../../src/core/sources/config';
import { postgresAvailable, startTestPostgres, type TestPostgres } from '../helpers/postgres';
import { RAW } from '../helpers/shared';
import { startBot, type StartedBot } from '../helpers/start-bot';
import { tempDir } from '../helpers/tmp';
import { FakeDiscord } from './discord/fake-discord';
import { postToBot, startFakeSlack } from './slack/fake-slack';

const available = postgresAvailable();
let server: TestPostgres | undefined;

beforeAll(async () => {
  if (available) server = await startTestPostgres();
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const history = (day: string) => join(RAW, `china_lists/opensanctions_cn_sanctions/history/${day}/sanctions.csv`);
const SLACK_CHANNELS = Array.from({ length: 12 }, (_, i) => `C${String(i).padStart(3, '0')}`);
const DISCORD_CHANNELS = ['1200000000000000001', '1200000000000000002', '1200000000000000003'];
const LEADER_TTL_MS = 1500;
const CLAIM_TTL_MS = 4000;

describe.skipIf(!available)('two bot processes on one PostgreSQL (issue 16)', () => {
  const dir = tempDir('sanctions-pg-hosts-');

  it('each alert reaches each channel once; the leader killed mid-delivery is replaced and nothing is sent twice', async () => {
    // One source whose file changes in place (the publisher's URL), read by both hosts.
    const csv = join(dir, 'cn-lists.csv');
    copyFileSync(history('2026-07-07'), csv);
    const config = join(dir, 'sources.json');
    writeFileSync(config, JSON.stringify({ sources: [{ id: 'cn-lists', format: 'cn-sanctions-csv', location: csv }] }));
    const files = ['host-a.db', 'host-b.db'].map((name) => join(dir, name));
    for (const file of files) {
      const db = openStore(file);
      await refreshSources(db, loadSourcesFile(config));
      db.close();
    }

    const hold = { on: false };
    const slack = await startFakeSlack({ admins: new Set(['UADMIN']), hold });
    const discord = await FakeDiscord.start();
    const url = server!.url;
    const bots: StartedBot[] = [];
    const slackPorts: number[] = [];
    const shared = PostgresSharedStore.open(url, { max: 2 });
    const sql = new pg.Client({ connectionString: url });
    try {
      for (const file of files) {
        bots.push(
          startBot(
            {
              DATABASE_URL: url,
              SANCTIONS_DB: file,
              SANCTIONS_SOURCES: config,
              SLACK_BOT_TOKEN: 'xoxb-test',
              SLACK_SIGNING_SECRET: 'test-signing-secret',
              SLACK_API_URL: slack.apiUrl,
              SLACK_PORT: String(slackPorts[slackPorts.push(await freePort()) - 1]),
              DISCORD_TOKEN: 'test-token.discord',
              DISCORD_APPLICATION_ID: discord.applicationId,
              DISCORD_API_URL: discord.api,
              LEADER_TTL_MS: String(LEADER_TTL_MS),
              ALERT_CLAIM_TTL_MS: String(CLAIM_TTL_MS),
              ALERT_POLL_MS: '100',
              LOG_LEVEL: process.env.TEST_BOT_LOG_LEVEL ?? 'silent',
            },
            { stdin: 'ignore' },
          ),
        );
      }
      await waitFor('both bots to serve Slack and Discord', () => bots.every((b) => /Slack: listening/.test(b.err()) && /Discord: logged in/.test(b.err())), 90_000);
      await sql.connect();
      // Every process serves commands: the Slack channels subscribe through one process or the other, by signed
      // slash commands, and each answer is stored in PostgreSQL, where both see it.
      for (const [i, channel] of SLACK_CHANNELS.entries()) {
        const responseUrl = slack.responseUrl();
        const body = new URLSearchParams({ command: '/sanctions', text: 'subscribe cn', user_id: 'UADMIN', channel_id: channel, team_id: 'T1', response_url: responseUrl, trigger_id: 't' }).toString();
        expect((await postToBot(slackPorts[i % 2]!, body, 'application/x-www-form-urlencoded', { secret: 'test-signing-secret' })).status).toBe(200);
        await waitFor(`the answer to ${channel}'s subscribe`, () => slack.calls.some((c) => c.method === 'response' && `${slack.url}${c.path}` === responseUrl && /now hears about Beijing's lists/.test(JSON.stringify(c.body))));
      }
      expect((await shared.subscriptions.list()).filter((s) => s.platform === 'slack').map((s) => s.channel)).toEqual(SLACK_CHANNELS);
      for (const channel of DISCORD_CHANNELS) await shared.subscriptions.create({ platform: 'discord', channel, targets: ['all'] });

      const holder = (await sql.query<{ holder: string }>("SELECT holder FROM leases WHERE name = 'leader'")).rows[0]!.holder;
      const leader = bots.find((b) => holder.split(':')[1] === String(b.child.pid))!;
      const other = bots.find((b) => b !== leader)!;
      expect(leader).toBeDefined();

      // t0 -> t1 on the leader's host (its cron's `sanctions refresh`): 14 entries added. Slack takes the posts and never answers.
      hold.on = true;
      copyFileSync(history('2026-07-27'), csv);
      const leaderDb = openStore(files[bots.indexOf(leader)]!);
      const [t1] = await refreshSources(leaderDb, loadSourcesFile(config));
      leaderDb.close();
      expect(t1!.added).toBe(14);
      const slackPosts = () => slack.calls.filter((c) => c.method === 'chat.postMessage');
      await waitFor('the leader to post to Slack', () => slackPosts().length > 0);
      leader.child.kill('SIGKILL');
      const killedAt = Date.now();
      await leader.done;
      const heldPosts = slackPosts().length;
      hold.on = false;

      const state = async () => (await sql.query<{ state: string; n: number }>('SELECT state, COUNT(*)::int AS n FROM outbox GROUP BY state ORDER BY state')).rows;
      await waitFor('every message delivered by the process that took over', async () => {
        const rows = await state();
        return rows.length === 1 && rows[0]!.state === 'delivered' && rows[0]!.n === SLACK_CHANNELS.length + DISCORD_CHANNELS.length;
      }, 60_000);
      const handoverMs = Date.now() - killedAt;
      // The lease runs out (LEADER_TTL_MS), then the dead leader's claims (ALERT_CLAIM_TTL_MS, counted from its claim).
      expect(handoverMs).toBeLessThan(LEADER_TTL_MS + CLAIM_TTL_MS + 10_000);
      expect((await sql.query<{ holder: string }>("SELECT holder FROM leases WHERE name = 'leader'")).rows[0]!.holder.split(':')[1]).toBe(String(other.child.pid));

      // Exactly once per channel: one Slack post each (the held ones found in the channel, not posted again) ...
      const perSlack = new Map<string, number>();
      for (const c of slackPosts()) perSlack.set(String(c.body.channel), (perSlack.get(String(c.body.channel)) ?? 0) + 1);
      expect([...perSlack.keys()].sort()).toEqual(SLACK_CHANNELS);
      expect([...perSlack.values()].every((n) => n === 1)).toBe(true);
      const confirmed = await sql.query<{ n: number }>("SELECT COUNT(*)::int AS n FROM delivery_attempts WHERE outcome = 'delivered' AND error LIKE 'found in the channel%'");
      expect(confirmed.rows[0]!.n).toBeGreaterThan(0);
      expect(confirmed.rows[0]!.n).toBeLessThanOrEqual(heldPosts);
      // ... and one Discord message each (a repeat of a nonce would be the same message: counted by nonce).
      const perDiscord = new Map<string, Set<string>>();
      for (const r of discord.requests.filter((r) => r.method === 'POST' && /\/channels\/\d+\/messages$/.test(r.path))) {
        const channel = r.path.split('/')[4]!;
        const nonce = (r.body as { nonce?: string }).nonce ?? `no-nonce-${perDiscord.size}-${Math.random()}`;
        (perDiscord.get(channel) ?? perDiscord.set(channel, new Set()).get(channel)!).add(nonce);
      }
      expect([...perDiscord.keys()].sort()).toEqual(DISCORD_CHANNELS);
      expect([...perDiscord.values()].every((s) => s.size === 1)).toBe(true);
      // One digest of the 14 additions, with its CSV and Markdown: the text names the action.
      expect(JSON.stringify(slackPosts()[0]!.body)).toMatch(/14/);
      // The 14 changes were published once.
      expect((await sql.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM events')).rows[0]!.n).toBe(14);

      // The process that took over caught its own copy up with what the dead leader applied (its lookups answer from it).
      await waitFor('the new leader to catch up its copy', () => /Following the leader's refresh: Refreshed 1 source\(s\): 14 changes/.test(other.err()), 30_000);
      const records = files.map((f) => {
        const db = openStore(f);
        try {
          return db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM records WHERE removed_at IS NULL').get()!.n;
        } finally {
          db.close();
        }
      });
      expect(records[0]).toBe(records[1]);
      // Its catching up published nothing twice, and nothing more went out.
      await new Promise((r) => setTimeout(r, 1000));
      expect((await sql.query<{ n: number }>('SELECT COUNT(*)::int AS n FROM events')).rows[0]!.n).toBe(14);
      expect(slackPosts()).toHaveLength(SLACK_CHANNELS.length);
      console.log(`handover: every message delivered ${handoverMs} ms after the leader was killed (lease ${LEADER_TTL_MS} ms, claims ${CLAIM_TTL_MS} ms); ${heldPosts} Slack posts held at the kill, ${confirmed.rows[0]!.n} found in the channel`);

      other.child.kill('SIGTERM');
      expect((await other.done).code).toBe(0);
    } catch (err) {
      // What each process said, to see why.
      for (const [i, b] of bots.entries()) console.error(`bot ${i} (pid ${b.child.pid}) stderr:\n${b.err().slice(-4000)}`);
      for (const q of ['SELECT COUNT(*)::int AS events FROM events', 'SELECT state, COUNT(*)::int AS n FROM outbox GROUP BY state', 'SELECT id, cursor, paused_reason, targets, kinds FROM subscriptions LIMIT 3', 'SELECT * FROM leases', 'SELECT id, status, content_hash FROM sources'])
        console.error(q, JSON.stringify((await sql.query(q).catch((e: Error) => ({ rows: e.message }))).rows));
      throw err;
    } finally {
      for (const b of bots) if (b.child.exitCode === null) b.child.kill('SIGKILL');
      await sql.end().catch(() => {});
      await shared.close();
      await slack.close();
      await discord.close();
    }
  }, 240_000);
});
