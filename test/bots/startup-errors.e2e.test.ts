/**
 * Issue 11, seen 8: the real bot process against a platform that rejects the token, or cannot be reached. One
 * clear line (a line per retry while unreachable), exit status 2, no stack trace.
 */
import { createServer } from 'node:net';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { refreshSources } from '../../src/core/refresh';
import { loadSourcesFile } from '../../src/core/sources/config';
import { openDb } from '../../src/core/store/db';
import { SOURCES_DIR } from '../helpers/shared';
import { startBot } from '../helpers/start-bot';
import { tempDir } from '../helpers/tmp';
import { FakeDiscord } from './discord/fake-discord';
import { startFakeSlack } from './slack/fake-slack';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

const STACK = /\n\s+at .+:\d+:\d+/;

describe('start-up against a platform that refuses or is not there (issue 11, seen 8)', () => {
  const dir = tempDir();
  const db = join(dir, 'start.db');
  const env = () => ({ SANCTIONS_DB: db, SANCTIONS_SOURCES: join(SOURCES_DIR, 'timeline-t0.json'), STARTUP_RETRY_SECONDS: '3', SLACK_PORT: '0' });

  beforeAll(async () => {
    const handle = openDb(db);
    await refreshSources(handle, loadSourcesFile(join(SOURCES_DIR, 'timeline-t0.json')));
    handle.close();
  });

  it('Slack and Discord: a rejected token is one line and exit 2; an unreachable API a line per retry, then one line and exit 2', async () => {
    const slack = await startFakeSlack({ admins: new Set(), rejectToken: true });
    const discord = await FakeDiscord.start();
    discord.on('GET', /.*/, () => ({ status: 401, body: { message: '401: Unauthorized', code: 0 } }));
    const port = await closedPort();
    try {
      const [slackRejected, slackAway, discordRejected, discordAway] = await Promise.all([
        startBot({ ...env(), SLACK_BOT_TOKEN: 'xoxb-revoked', SLACK_SIGNING_SECRET: 's', SLACK_API_URL: slack.apiUrl }, { stdin: 'ignore' }).done,
        startBot({ ...env(), SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: 's', SLACK_API_URL: `http://127.0.0.1:${port}/api/` }, { stdin: 'ignore' }).done,
        startBot({ ...env(), DISCORD_TOKEN: 'revoked.token', DISCORD_APPLICATION_ID: discord.applicationId, DISCORD_API_URL: discord.api }, { stdin: 'ignore' }).done,
        startBot({ ...env(), DISCORD_TOKEN: 'test.token', DISCORD_APPLICATION_ID: discord.applicationId, DISCORD_API_URL: `http://127.0.0.1:${port}/api` }, { stdin: 'ignore' }).done,
      ]);
      expect(slackRejected.err).toContain('Slack: the bot token was rejected (invalid_auth): check SLACK_BOT_TOKEN\n');
      expect(discordRejected.err).toMatch(/Discord: the bot token was rejected \(401[^)]*\): check DISCORD_TOKEN\n/);
      const url = `http://127.0.0.1:${port}`;
      expect(slackAway.err).toContain(`Slack: cannot reach ${url}/api/: ECONNREFUSED; retrying in 2 s (attempt 2 of 3)\n`);
      expect(slackAway.err).toContain(`Slack: cannot reach ${url}/api/: ECONNREFUSED; retrying in 1 s (attempt 3 of 3)\n`);
      expect(slackAway.err).toMatch(/Slack: cannot reach .*: ECONNREFUSED; gave up after 3 attempts in 3 s: check SLACK_API_URL and the network\n/);
      expect(discordAway.err).toContain(`Discord: cannot reach ${url}/api: ECONNREFUSED; retrying in 2 s (attempt 2 of 3)\n`);
      expect(discordAway.err).toMatch(/Discord: cannot reach .*: ECONNREFUSED; gave up after 3 attempts in 3 s: check DISCORD_API_URL and the network\n/);
      for (const run of [slackRejected, slackAway, discordRejected, discordAway]) {
        expect(run.code).toBe(2);
        expect(run.err).not.toMatch(STACK);
        expect(run.err).not.toMatch(/Error:|WebAPIPlatformError|TokenInvalid/);
      }
    } finally {
      await slack.close();
      await discord.close();
    }
  }, 120_000);
});
