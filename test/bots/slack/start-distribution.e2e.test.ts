/**
 * `npm start` in Slack distribution mode (issue 16): no bot token, the OAuth app's credentials instead. The real
 * process serves the install page, stores an installation from the redirect in its database (the SQLite file, or
 * PostgreSQL with DATABASE_URL), and answers that workspace's slash command.
 */
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteInstallations } from '../../../src/core/installations/sqlite';
import { refreshSources } from '../../../src/core/refresh';
import { loadSourcesFile } from '../../../src/core/sources/config';
import { openDb } from '../../../src/core/store/db';
import { SOURCES_DIR } from '../../helpers/shared';
import { startBot } from '../../helpers/start-bot';
import { sharedPostgresForFile } from '../../helpers/shared-postgres';
import { tempDir } from '../../helpers/tmp';
import { postToBot, startFakeSlack, waitFor } from './fake-slack';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

const pg = sharedPostgresForFile();

describe('npm start in Slack distribution mode', () => {
  const dir = tempDir();

  it('serves /slack/install, stores the installation from the OAuth redirect, and answers that workspace', async () => {
    const installations = await runDistribution(join(dir, 'slack.db'));
    // The installation is in the bot's database (WAL: read after the process closed it).
    const after = openDb(join(dir, 'slack.db'), { readonly: true });
    try {
      expect((await new SqliteInstallations(after).list()).map((i) => [i.key, i.botToken])).toEqual(installations);
    } finally {
      after.close();
    }
  }, 180_000);

  it.skipIf(!pg.available)('with DATABASE_URL, the installation is stored in PostgreSQL (every host answers the workspace)', async () => {
    const url = await pg.newDatabase();
    const installations = await runDistribution(join(dir, 'slack-pg.db'), url);
    const store = await pg.openShared(url);
    expect((await store.installations.list()).map((i) => [i.key, i.botToken])).toEqual(installations);
    // Not in the local file.
    const local = openDb(join(dir, 'slack-pg.db'), { readonly: true });
    try {
      expect(await new SqliteInstallations(local).list()).toEqual([]);
    } finally {
      local.close();
    }
  }, 180_000);

  /** Install the app in one workspace through the real process, then a slash command from it; the expected installations. */
  async function runDistribution(db: string, databaseUrl?: string): Promise<string[][]> {
    const handle = openDb(db);
    await refreshSources(handle, loadSourcesFile(join(SOURCES_DIR, 'timeline-t1.json')));
    handle.close();
    const clientId = '1111111111.2222222222';
    const clientSecret = '0123456789abcdef0123456789abcdef';
    const fake = await startFakeSlack({ admins: new Set(), oauth: { clientId, clientSecret, codes: { 'code-1': { token: 'xoxb-delta', teamId: 'T0DELTA', teamName: 'Delta', botUserId: 'UBOTDELTA', botId: 'BDELTA' } } } });
    const port = await freePort();
    const secret = 'test-signing-secret';
    const { child, err, done } = startBot(
      {
        SANCTIONS_DB: db,
        SANCTIONS_SOURCES: join(SOURCES_DIR, 'timeline-t1.json'),
        SLACK_CLIENT_ID: clientId,
        SLACK_CLIENT_SECRET: clientSecret,
        SLACK_STATE_SECRET: 'a-state-secret-of-some-length',
        SLACK_SIGNING_SECRET: secret,
        SLACK_API_URL: fake.apiUrl,
        SLACK_PORT: String(port),
        ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      },
      { stdin: 'ignore' },
    );
    try {
      await waitFor(() => (/Slack: listening on :\d+\/slack\/events; workspaces install the app at \/slack\/install/.test(err()) ? true : undefined), 90_000);
      const page = await fetch(`http://127.0.0.1:${port}/slack/install`);
      const href = new URL(/<a href="([^"]+)"/.exec(await page.text())![1]!.replace(/&amp;/g, '&'));
      const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0]!;
      const redirect = await fetch(`http://127.0.0.1:${port}/slack/oauth_redirect?code=code-1&state=${encodeURIComponent(href.searchParams.get('state')!)}`, { headers: { cookie } });
      expect(redirect.status).toBe(200);

      const body = new URLSearchParams({ command: '/sanctions', text: 'lookup Rheinmetall', user_id: 'U1', channel_id: 'C1', team_id: 'T0DELTA', response_url: fake.responseUrl(), trigger_id: 't' }).toString();
      expect((await postToBot(port, body, 'application/x-www-form-urlencoded', { secret })).status).toBe(200);
      const response = await waitFor(() => fake.calls.find((c) => c.method === 'response'), 60_000);
      expect(JSON.stringify(response.body)).toContain('Rheinmetall AG');
    } finally {
      child.kill('SIGTERM');
      expect((await done).code).toBe(0);
      await fake.close();
    }
    return [['T0DELTA', 'xoxb-delta']];
  }
});
