/**
 * Shards split across hosts (issue 16): two `npm start` processes on one database, as if on two hosts, each
 * running one of DISCORD_SHARDS=2 (DISCORD_SHARD_IDS=0 and =1) against the loopback Discord. Each answers the
 * guilds Discord routes to its shard; alerts are delivered by the leader alone, through REST, once per channel,
 * whichever process's shard the channel's guild is on.
 */
import { join } from 'node:path';
import { ApplicationCommandOptionType, GatewayDispatchEvents } from 'discord-api-types/v10';
import { expect, it } from 'vitest';
import { ALERTS_COMMAND } from '../../../src/bots/discord/commands';
import { refreshSources } from '../../../src/core/refresh';
import { openStore } from '../../../src/core/reindex';
import { loadSourcesFile } from '../../../src/core/sources/config';
import { timelineConfigs } from '../../helpers/cli-process';
import { startBot } from '../../helpers/start-bot';
import { tempDir } from '../../helpers/tmp';
import { FakeDiscord } from './fake-discord';
import { ADMIN, PERMISSIONS, slash } from './payloads';
import { fromGuild, guildOnShard } from './shard-guilds';

const dir = tempDir();
const configs = timelineConfigs(dir);

it('two hosts, shard 0 and shard 1 of 2: each answers its own guilds, each alert reaches each channel once, and still once each after a host dies', async () => {
  const path = join(dir, 'hosts.db');
  const db = openStore(path);
  await refreshSources(db, loadSourcesFile(configs.cnT0));
  const fake = await FakeDiscord.start({ recommendedShards: 2, maxConcurrency: 16 });
  // Alerts looked for every 10 ms by each process: were both delivering, each channel would get the digest twice.
  const env = {
    SANCTIONS_DB: path,
    SANCTIONS_SOURCES: configs.cnT0,
    LEADER_TTL_MS: '1200',
    ALERT_POLL_MS: '10',
    DISCORD_TOKEN: 'test-token.discord',
    DISCORD_APPLICATION_ID: fake.applicationId,
    DISCORD_API_URL: fake.api,
    DISCORD_SHARDS: '2',
  };
  const hosts = [startBot({ ...env, DISCORD_SHARD_IDS: '0' }, { stdin: 'ignore' }), startBot({ ...env, DISCORD_SHARD_IDS: '1' }, { stdin: 'ignore' })];
  try {
    await fake.waitFor(() => /Discord: logged in \(shard 0 of 2\)/.test(hosts[0]!.err()) && /Discord: logged in \(shard 1 of 2\)/.test(hosts[1]!.err()), 90_000);
    expect([...fake.identifies].sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);

    // A channel on each shard subscribes: each command reaches (and is answered by) the process running its shard.
    const channels = [guildOnShard(0, 2), guildOnShard(1, 2)];
    for (const where of channels) {
      const sub = fromGuild(slash(fake.applicationId, { name: ALERTS_COMMAND, subcommand: 'subscribe', options: [{ name: 'target', type: ApplicationCommandOptionType.String, value: 'cn' }] }, { guild: true, permissions: PERMISSIONS.manager, user: ADMIN }), where);
      fake.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: sub });
      const answer = await fake.waitFor(() => fake.requests.find((r) => r.method === 'POST' && r.path.startsWith(`/api/v10/interactions/${sub.id}/`)), 30_000);
      expect(answer.body.data.content).toMatch(/This channel now hears about Beijing's lists/);
    }
    expect(fake.routed.filter((r) => r.t === GatewayDispatchEvents.InteractionCreate).map((r) => r.shards)).toEqual([[0], [1]]);

    const posts = (channel: string) => fake.find('POST', new RegExp(`^/api/v10/channels/${channel}/messages$`));
    const changes = await refreshSources(db, loadSourcesFile(configs.cnT1));
    expect(changes.map((r) => r.added)).toEqual([14]);
    await fake.waitFor(() => channels.every((c) => posts(c.channelId).length > 0), 30_000);
    await new Promise((r) => setTimeout(r, 1500)); // many delivery polls of both processes
    for (const { channelId } of channels) {
      expect(posts(channelId)).toHaveLength(1);
      expect(JSON.stringify(posts(channelId)[0]!.body)).toMatch(/MOFCOM added 14 entries to the Export Control List/);
    }

    // The host running shard 0 dies (leader or not): the next change still reaches both channels once, the one
    // whose server is on the dead host's shard included, because alerts go through REST from whoever leads.
    hosts[0]!.child.kill('SIGKILL');
    await hosts[0]!.done;
    const next = await refreshSources(db, loadSourcesFile(configs.cnT2));
    expect(next[0]!.outcome).toBe('applied');
    await fake.waitFor(() => channels.every((c) => posts(c.channelId).length > 1), 30_000);
    await new Promise((r) => setTimeout(r, 1500));
    for (const { channelId } of channels) expect(posts(channelId)).toHaveLength(2);
  } finally {
    for (const host of hosts) host.child.kill('SIGTERM');
    // A host that does not stop within 10 s is killed: never left running on the test's database.
    await Promise.all(hosts.map((h) => Promise.race([h.done, new Promise((r) => setTimeout(r, 10_000).unref()).then(() => h.child.kill('SIGKILL'))])));
    await Promise.all(hosts.map((h) => h.done));
    await fake.close();
    db.close();
  }
  // The survivor stopped cleanly on SIGTERM (checked here: a failure inside the finally block would hide the test's own).
  expect((await hosts[1]!.done).code).toBe(0);
}, 180_000);
