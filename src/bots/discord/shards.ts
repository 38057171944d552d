/**
 * Sharding in this process (issue 16): discord.js's Client opens one gateway WebSocket per shard it is given, and
 * every shard's interactions reach the same handlers (they answer through the interaction's webhook, whichever
 * shard brought it). Alerts never go through a shard: the delivery worker posts them through DiscordSink's own
 * REST client, and only on the leader (main.ts), so N shards or N hosts never multiply an alert.
 */
import type { Client, ClientOptions } from 'discord.js';
import { describeShardIds, type ShardCount } from '../../core/discord/shards';

/** DISCORD_SHARDS and DISCORD_SHARD_IDS, validated (core/config.ts): ids only with a number. */
export interface ShardPlan {
  count: ShardCount;
  /** This process's shards; default all of them. */
  ids?: number[];
}

/** The Client options for a plan; none without one (one connection, as before sharding existed). */
export function shardingOptions(plan: ShardPlan | undefined): Pick<ClientOptions, 'shards' | 'shardCount'> {
  if (!plan) return {};
  // discord.js asks GET /gateway/bot for the recommended count and runs all of them.
  if (plan.count === 'auto') return { shards: 'auto' };
  const ids = plan.ids ?? Array.from({ length: plan.count }, (_, i) => i);
  return { shards: ids, shardCount: plan.count };
}

/** What the gateway runs once connected (with `auto`, the count Discord recommended): for the start-up line. */
export function runningShards(client: Client): { ids: number[]; count: number; text: string } {
  const ids = Array.isArray(client.options.shards) ? [...client.options.shards] : [0];
  const count = client.options.shardCount ?? 1;
  return { ids, count, text: ids.length === count ? `${count} shard${count === 1 ? '' : 's'}` : `shard${ids.length === 1 ? '' : 's'} ${describeShardIds(ids)} of ${count}` };
}

/**
 * What to do when the gateway refuses to start: Discord closes with 4011 Sharding Required once the bot is in too
 * many servers for one connection (2,500), and with 4010 Invalid Shard for a shard id or count it does not accept.
 * discord.js's login rejects with these messages; anything else is about the token or the address.
 */
export function loginAdvice(message: string): string {
  if (/sharding is required/i.test(message)) return 'the bot is in too many servers for one gateway connection: set DISCORD_SHARDS=auto (README "Discord at scale: sharding")';
  if (/invalid shard/i.test(message)) return 'Discord refused the shard: check DISCORD_SHARDS and DISCORD_SHARD_IDS (the same count on every host, each id below it)';
  return 'check DISCORD_TOKEN and DISCORD_API_URL';
}
