/**
 * Discord sharding settings (DISCORD_SHARDS, DISCORD_SHARD_IDS), parsed without the SDK: how many shards the bot
 * has in all ('auto': as many as Discord recommends), and which of them this process runs. Discord sends a guild's
 * events to the shard (guild_id >> 22) % count, and DMs to shard 0.
 */

/** The most shards a process may be told about: far past any bot's need, short of a typo's 10^9. */
export const MAX_SHARDS = 65_536;

export type ShardCount = 'auto' | number;

/** DISCORD_SHARDS: `auto` or a whole number of shards; throws a sentence naming what is wrong. */
export function parseShardCount(text: string): ShardCount {
  const value = text.trim().toLowerCase();
  if (value === 'auto') return 'auto';
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > MAX_SHARDS) {
    throw new Error(`must be "auto" (the shard count Discord recommends) or a number of shards from 1 to ${MAX_SHARDS}, got "${text}"`);
  }
  return Number(value);
}

/** DISCORD_SHARD_IDS: ids and ranges, as in `0,1`, `0-3` or `0-3,8`; sorted, without repeats. */
export function parseShardIds(text: string): number[] {
  const ids = new Set<number>();
  for (const raw of text.split(',')) {
    const part = raw.trim();
    const m = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(part);
    if (!m) throw new Error(`must be shard ids and ranges such as "0,1" or "0-3", got "${part || text}"`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) throw new Error(`the range "${part}" runs backwards (write it as ${to}-${from})`);
    if (to >= MAX_SHARDS) throw new Error(`shard ${to} is beyond the ${MAX_SHARDS} shards this bot accepts`);
    for (let id = from; id <= to; id++) ids.add(id);
  }
  return [...ids].sort((a, b) => a - b);
}

/** Ids beyond a count: "shard 2 (of 2 shards: ids 0 to 1)"; undefined when all fit. */
export function shardIdsBeyond(ids: readonly number[], count: number): string | undefined {
  const beyond = ids.filter((id) => id >= count);
  if (!beyond.length) return undefined;
  return `${beyond.length === 1 ? `shard ${beyond[0]} is` : `shards ${beyond.join(', ')} are`} beyond the ${count} shard${count === 1 ? '' : 's'} (ids 0 to ${count - 1})`;
}

/** The shard Discord sends a guild's events to. */
export function shardOfGuild(guildId: string, count: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(count));
}

/** "0-3,8" for the log line. */
export function describeShardIds(ids: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < ids.length; ) {
    let j = i;
    while (j + 1 < ids.length && ids[j + 1] === ids[j]! + 1) j++;
    parts.push(i === j ? String(ids[i]) : `${ids[i]}-${ids[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
