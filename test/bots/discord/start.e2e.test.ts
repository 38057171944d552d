import { join } from 'node:path';
import { ApplicationCommandOptionType, GatewayDispatchEvents } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { LOOKUP_COMMAND } from '../../../src/bots/discord/commands';
import { refreshSources } from '../../../src/core/refresh';
import { loadSourcesFile } from '../../../src/core/sources/config';
import { openDb } from '../../../src/core/store/db';
import { SOURCES_DIR } from '../../helpers/shared';
import { startBot } from '../../helpers/start-bot';
import { tempDir } from '../../helpers/tmp';
import { FakeDiscord } from './fake-discord';
import { slash } from './payloads';

describe('npm start with Discord credentials', () => {
  const dir = tempDir();

  it('logs in, registers nothing unasked, answers interactions from the refreshed database, and stops on SIGTERM', async () => {
    const db = join(dir, 'discord.db');
    const handle = openDb(db);
    await refreshSources(handle, loadSourcesFile(join(SOURCES_DIR, 'timeline-t1.json')));
    handle.close();
    const fake = await FakeDiscord.start();
    const { child, err, done } = startBot(
      {
        SANCTIONS_DB: db,
        SANCTIONS_SOURCES: join(SOURCES_DIR, 'timeline-t1.json'),
        DISCORD_TOKEN: 'test-token.discord',
        DISCORD_APPLICATION_ID: fake.applicationId,
        DISCORD_API_URL: fake.api,
      },
      { stdin: 'ignore' },
    );
    try {
      await fake.waitFor(() => /Discord: logged in/.test(err()), 90_000);
      const payload = slash(fake.applicationId, { name: LOOKUP_COMMAND, subcommand: 'lookup', options: [{ name: 'name', type: ApplicationCommandOptionType.String, value: 'Rheinmetall' }] });
      fake.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: payload });
      const edit = await fake.waitFor(() => fake.requests.find((r) => r.method === 'PATCH' && r.path.includes(`/webhooks/${fake.applicationId}/${payload.token}/messages/@original`)), 60_000);
      expect(JSON.stringify(edit.body)).toContain('Rheinmetall AG');
      expect(fake.requests.filter((r) => r.method === 'PUT' && /\/commands$/.test(r.path))).toEqual([]);
    } finally {
      child.kill('SIGTERM');
      expect((await done).code).toBe(0);
      await fake.close();
    }
  }, 180_000);
});
