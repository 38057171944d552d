/**
 * The Discord bot's options from the validated environment: kept apart from client.ts so that deciding
 * whether Discord is configured never loads discord.js.
 */
import type { Config } from '../../core/config';
import type { DiscordBotOptions } from './client';

/** The bot's options from the validated environment (main.ts adds data and logger). */
export function discordOptionsFromConfig(config: Config): Omit<DiscordBotOptions, 'data'> | undefined {
  if (!config.DISCORD_TOKEN || !config.DISCORD_APPLICATION_ID) return undefined;
  return {
    token: config.DISCORD_TOKEN,
    applicationId: config.DISCORD_APPLICATION_ID,
    ...(config.DISCORD_GUILD_ID ? { guildId: config.DISCORD_GUILD_ID } : {}),
    apiUrl: config.DISCORD_API_URL,
    audit: config.AUDIT_LOOKUPS,
    ...(config.DISCORD_SHARDS !== undefined ? { shards: { count: config.DISCORD_SHARDS, ...(config.DISCORD_SHARD_IDS ? { ids: config.DISCORD_SHARD_IDS } : {}) } } : {}),
  };
}
