/**
 * Guilds placed on chosen shards, and interactions from them: Discord routes a guild to shard
 * (guild_id >> 22) % count, so a guild id is built with the shard it should land on.
 */
import type { APIInteraction } from 'discord-api-types/v10';
import { shardOfGuild } from './fake-discord';

/** A guild id (a snowflake of 2026) that Discord routes to `shard` of `count`, and a channel in it. */
export function guildOnShard(shard: number, count: number, n = 0): { guildId: string; channelId: string } {
  const base = ((BigInt(Date.UTC(2026, 0, 1)) - 1420070400000n) / BigInt(count)) * BigInt(count) + BigInt(n * count);
  const guildId = (((base + BigInt(shard)) << 22n) + 1n).toString();
  if (shardOfGuild(guildId, count) !== shard) throw new Error(`guild ${guildId} is not on shard ${shard} of ${count}`);
  return { guildId, channelId: (((base + BigInt(shard)) << 22n) + 2n).toString() };
}

/** The same interaction (made in a guild by payloads.ts), sent from another guild's channel. */
export function fromGuild<T extends APIInteraction>(payload: T, where: { guildId: string; channelId: string }): T {
  return {
    ...payload,
    guild_id: where.guildId,
    channel_id: where.channelId,
    channel: { ...payload.channel, id: where.channelId, guild_id: where.guildId },
    authorizing_integration_owners: { ...payload.authorizing_integration_owners, 0: where.guildId },
  };
}
