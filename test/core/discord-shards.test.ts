/** DISCORD_SHARDS and DISCORD_SHARD_IDS (issue 16): parsed at the boundary, with a line that says what is wrong. */
import { describe, expect, it } from 'vitest';
import { discordOptionsFromConfig } from '../../src/bots/discord/options';
import { shardingOptions } from '../../src/bots/discord/shards';
import { loadConfig } from '../../src/core/config';
import { describeShardIds, parseShardIds, shardOfGuild } from '../../src/core/discord/shards';

const discord = { DISCORD_TOKEN: 'token', DISCORD_APPLICATION_ID: '1100000000000000001' };

describe('DISCORD_SHARDS and DISCORD_SHARD_IDS', () => {
  it('unset: no shard plan, so the client gets no sharding options (one connection, as before)', () => {
    const config = loadConfig(discord);
    expect(config.DISCORD_SHARDS).toBeUndefined();
    expect(config.DISCORD_SHARD_IDS).toBeUndefined();
    expect(discordOptionsFromConfig(config)!.shards).toBeUndefined();
    expect(shardingOptions(undefined)).toEqual({});
  });

  it('reads auto, a number, and ids with ranges', () => {
    expect(loadConfig({ ...discord, DISCORD_SHARDS: ' Auto ' }).DISCORD_SHARDS).toBe('auto');
    const split = loadConfig({ ...discord, DISCORD_SHARDS: '8', DISCORD_SHARD_IDS: '4-5, 7,4' });
    expect(split.DISCORD_SHARDS).toBe(8);
    expect(split.DISCORD_SHARD_IDS).toEqual([4, 5, 7]);
    expect(discordOptionsFromConfig(split)!.shards).toEqual({ count: 8, ids: [4, 5, 7] });
    expect(shardingOptions({ count: 8, ids: [4, 5, 7] })).toEqual({ shards: [4, 5, 7], shardCount: 8 });
    expect(shardingOptions({ count: 3 })).toEqual({ shards: [0, 1, 2], shardCount: 3 });
    expect(shardingOptions({ count: 'auto' })).toEqual({ shards: 'auto' });
    expect(describeShardIds(parseShardIds('0-3,8,10,11'))).toBe('0-3,8,10-11');
  });

  it.each([
    [{ DISCORD_SHARDS: 'many' }, /^invalid configuration: DISCORD_SHARDS: must be "auto" \(the shard count Discord recommends\) or a number of shards from 1 to 65536, got "many"$/],
    [{ DISCORD_SHARDS: '0' }, /DISCORD_SHARDS: must be "auto" .* got "0"/],
    [{ DISCORD_SHARDS: '2', DISCORD_SHARD_IDS: '0;1' }, /DISCORD_SHARD_IDS: must be shard ids and ranges such as "0,1" or "0-3", got "0;1"/],
    [{ DISCORD_SHARDS: '4', DISCORD_SHARD_IDS: '3-1' }, /DISCORD_SHARD_IDS: the range "3-1" runs backwards \(write it as 1-3\)/],
    [{ DISCORD_SHARD_IDS: '0' }, /DISCORD_SHARD_IDS: needs DISCORD_SHARDS, the number of shards in all/],
    [{ DISCORD_SHARDS: 'auto', DISCORD_SHARD_IDS: '0' }, /DISCORD_SHARD_IDS: with DISCORD_SHARDS=auto each host could be told a different count; set DISCORD_SHARDS to a number/],
    [{ DISCORD_SHARDS: '2', DISCORD_SHARD_IDS: '1-2' }, /DISCORD_SHARD_IDS: shard 2 is beyond the 2 shards \(ids 0 to 1\) of DISCORD_SHARDS=2/],
  ])('stops on %o with a line naming the variable', (env, message) => {
    expect(() => loadConfig({ ...discord, ...env })).toThrow(message);
  });

  it('places a guild on a shard as Discord documents: (guild_id >> 22) % count', () => {
    // Discord's example guild id 41771983423143937: its timestamp part (id >> 22) is 9959216934, beyond 2^32, so the
    // shift must not go through 32-bit integers.
    expect(shardOfGuild('41771983423143937', 1)).toBe(0);
    expect(shardOfGuild('41771983423143937', 2)).toBe(0);
    expect(shardOfGuild('41771983423143937', 16)).toBe(6);
    expect(shardOfGuild('41771983423143937', 1000)).toBe(934);
  });
});
