import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { refreshSources } from '../../../src/core/refresh';
import { loadSourcesFile } from '../../../src/core/sources/config';
import { openDb } from '../../../src/core/store/db';
import { SOURCES_DIR } from '../../helpers/shared';
import { startBot } from '../../helpers/start-bot';
import { tempDir } from '../../helpers/tmp';
import { postToBot, startFakeSlack, waitFor } from './fake-slack';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('npm start with Slack credentials', () => {
  const dir = tempDir();

  it('serves signed slash commands from the database that `sanctions refresh` filled, until SIGTERM', async () => {
    const db = join(dir, 'slack.db');
    const handle = openDb(db);
    await refreshSources(handle, loadSourcesFile(join(SOURCES_DIR, 'timeline-t1.json')));
    handle.close();
    const fake = await startFakeSlack({ admins: new Set() });
    const port = await freePort();
    const secret = 'test-signing-secret';
    const { child, err, done } = startBot(
      {
        SANCTIONS_DB: db,
        SANCTIONS_SOURCES: join(SOURCES_DIR, 'timeline-t1.json'),
        SLACK_BOT_TOKEN: 'xoxb-test',
        SLACK_SIGNING_SECRET: secret,
        SLACK_API_URL: fake.apiUrl,
        SLACK_PORT: String(port),
      },
      { stdin: 'ignore' },
    );
    try {
      await waitFor(() => (/Slack: listening on :\d+/.test(err()) ? true : undefined), 90_000);
      const body = new URLSearchParams({
        command: '/sanctions',
        text: 'lookup Rheinmetall',
        user_id: 'U1',
        channel_id: 'C1',
        team_id: 'T1',
        response_url: fake.responseUrl(),
        trigger_id: 't',
      }).toString();
      const ack = await postToBot(port, body, 'application/x-www-form-urlencoded', { secret });
      expect(ack.status).toBe(200);
      expect(ack.ms).toBeLessThan(3000);
      const response = await waitFor(() => fake.calls.find((c) => c.method === 'response'), 60_000);
      expect(JSON.stringify(response.body)).toContain('Rheinmetall AG');
      expect((await postToBot(port, body, 'application/x-www-form-urlencoded', { secret: 'wrong' })).status).toBe(401);
    } finally {
      child.kill('SIGTERM');
      expect((await done).code).toBe(0);
      await fake.close();
    }
  }, 180_000);
});
