/**
 * Gateway payloads as Discord sends them, typed with discord-api-types so that a shape change breaks the build.
 */
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  ChannelType,
  ComponentType,
  GatewayDispatchEvents,
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  GuildHubType,
  GuildMemberFlags,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildSystemChannelFlags,
  GuildVerificationLevel,
  InteractionContextType,
  InteractionType,
  Locale,
  MessageFlags,
  MessageType,
  type APIApplicationCommandAutocompleteInteraction,
  type APIApplicationCommandInteractionDataOption,
  type APIChatInputApplicationCommandInteraction,
  type APIInteractionGuildMember,
  type APIMessage,
  type APIMessageApplicationCommandInteraction,
  type APIMessageComponentButtonInteraction,
  type APIUser,
  type GatewayGuildCreateDispatchData,
  type GatewayMessageCreateDispatchData,
} from 'discord-api-types/v10';
import { snowflake, user } from './fake-discord';

export const GUILD_ID = '1200000000000000001';
export const CHANNEL_ID = '1200000000000000002';
export const DM_CHANNEL_ID = '1200000000000000003';
export const ADMIN = user('1300000000000000001', 'alice');
export const MEMBER = user('1300000000000000002', 'bob');

/** Administrator | Manage Channels | Manage Server, or nothing at all. */
export const PERMISSIONS = { manager: String(1 << 4 | 1 << 5 | 1 << 10 | 1 << 11), none: '0' };

export interface Where {
  /** In a guild channel (with member permissions), else a DM. */
  guild: boolean;
  permissions?: string;
  user?: APIUser;
}

function member(u: APIUser, permissions: string): APIInteractionGuildMember {
  return { user: u, permissions, roles: [], joined_at: '2024-01-01T00:00:00.000Z', deaf: false, mute: false, flags: 0 as GuildMemberFlags };
}

function base(applicationId: string, where: Where) {
  const u = where.user ?? ADMIN;
  return {
    id: snowflake(),
    application_id: applicationId,
    token: `tok-${snowflake()}`,
    version: 1 as const,
    app_permissions: '2147483647',
    locale: Locale.EnglishUS,
    entitlements: [],
    authorizing_integration_owners: { [ApplicationIntegrationType.GuildInstall]: where.guild ? GUILD_ID : '0' },
    attachment_size_limit: 8_388_608,
    ...(where.guild
      ? {
          guild_id: GUILD_ID,
          member: member(u, where.permissions ?? PERMISSIONS.manager),
          channel: { id: CHANNEL_ID, type: ChannelType.GuildText as const, guild_id: GUILD_ID, name: 'compliance' },
          channel_id: CHANNEL_ID,
          context: InteractionContextType.Guild,
          guild_locale: Locale.EnglishUS,
        }
      : {
          user: u,
          channel: { id: DM_CHANNEL_ID, type: ChannelType.DM as const },
          channel_id: DM_CHANNEL_ID,
          context: InteractionContextType.BotDM,
        }),
  };
}

export type Opt = { name: string; type: ApplicationCommandOptionType; value: string | number | boolean; focused?: boolean };

function optionTree(subcommand: string | undefined, group: string | undefined, options: Opt[]): APIApplicationCommandInteractionDataOption[] {
  const leaves = options.map((o) => ({ ...o })) as APIApplicationCommandInteractionDataOption[];
  if (!subcommand) return leaves;
  const sub = { type: ApplicationCommandOptionType.Subcommand, name: subcommand, options: leaves } as APIApplicationCommandInteractionDataOption;
  if (!group) return [sub];
  return [{ type: ApplicationCommandOptionType.SubcommandGroup, name: group, options: [sub] } as APIApplicationCommandInteractionDataOption];
}

export function slash(applicationId: string, command: { name: string; subcommand?: string; group?: string; options?: Opt[] }, where: Where = { guild: true }): APIChatInputApplicationCommandInteraction {
  return {
    ...base(applicationId, where),
    type: InteractionType.ApplicationCommand,
    data: { id: '1400000000000000001', name: command.name, type: ApplicationCommandType.ChatInput, options: optionTree(command.subcommand, command.group, command.options ?? []) },
  };
}

export function autocomplete(applicationId: string, command: { name: string; subcommand?: string; group?: string; options: Opt[] }, where: Where = { guild: true }): APIApplicationCommandAutocompleteInteraction {
  return {
    ...base(applicationId, where),
    type: InteractionType.ApplicationCommandAutocomplete,
    data: { id: '1400000000000000001', name: command.name, type: ApplicationCommandType.ChatInput, options: optionTree(command.subcommand, command.group, command.options) },
  };
}

/** A message context-menu command ("Screen this message") on `message`, as Discord sends it with the message resolved. */
export function messageCommand(applicationId: string, name: string, message: APIMessage, where: Where = { guild: true }): APIMessageApplicationCommandInteraction {
  return {
    ...base(applicationId, where),
    type: InteractionType.ApplicationCommand,
    data: { id: '1400000000000000002', name, type: ApplicationCommandType.Message, target_id: message.id, resolved: { messages: { [message.id]: message } } },
  };
}

/** A member's message in the compliance channel (or the DM), as a context-menu command resolves it. */
export function memberMessage(content: string, options: { guild: boolean; author?: APIUser } = { guild: true }): APIMessage {
  return {
    id: snowflake(),
    channel_id: options.guild ? CHANNEL_ID : DM_CHANNEL_ID,
    author: options.author ?? MEMBER,
    content,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: [],
    pinned: false,
    type: MessageType.Default,
    flags: 0 as MessageFlags,
  };
}

/** The message a button sits on (as Discord sends it back with the click). */
export function botMessage(applicationId: string, bot: APIUser, ephemeral: boolean, customIds: string[]): APIMessage {
  return {
    id: snowflake(),
    channel_id: CHANNEL_ID,
    author: bot,
    content: '',
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: [],
    pinned: false,
    type: MessageType.ChatInputCommand,
    flags: ephemeral ? MessageFlags.Ephemeral : (0 as MessageFlags),
    application_id: applicationId,
    components: [{ type: ComponentType.ActionRow, components: customIds.map((id) => ({ type: ComponentType.Button, style: 1, label: 'x', custom_id: id })) }],
  };
}

export function button(applicationId: string, customId: string, message: APIMessage, where: Where = { guild: true }): APIMessageComponentButtonInteraction {
  const b = base(applicationId, where);
  return {
    ...b,
    type: InteractionType.MessageComponent,
    data: { custom_id: customId, component_type: ComponentType.Button },
    message,
  };
}

export function guildCreate(bot: APIUser): GatewayGuildCreateDispatchData {
  return {
    id: GUILD_ID,
    name: 'Compliance',
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: ADMIN.id,
    region: 'us-east',
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: GuildVerificationLevel.None,
    default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
    explicit_content_filter: GuildExplicitContentFilter.Disabled,
    roles: [],
    emojis: [],
    features: [],
    mfa_level: GuildMFALevel.None,
    application_id: null,
    system_channel_id: null,
    system_channel_flags: GuildSystemChannelFlags.SuppressJoinNotifications,
    rules_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: GuildPremiumTier.None,
    preferred_locale: Locale.EnglishUS,
    public_updates_channel_id: null,
    nsfw_level: GuildNSFWLevel.Default,
    premium_progress_bar_enabled: false,
    safety_alerts_channel_id: null,
    stickers: [],
    hub_type: null as GuildHubType | null,
    incidents_data: null,
    joined_at: '2024-01-01T00:00:00.000Z',
    large: false,
    member_count: 2,
    unavailable: false,
    voice_states: [],
    members: [{ user: bot, roles: [], joined_at: '2024-01-01T00:00:00.000Z', deaf: false, mute: false, flags: 0 as GuildMemberFlags }],
    channels: [{ id: CHANNEL_ID, type: ChannelType.GuildText, name: 'compliance', position: 0, guild_id: GUILD_ID, permission_overwrites: [], nsfw: false, parent_id: null, topic: null, last_message_id: null, rate_limit_per_user: 0, default_thread_rate_limit_per_user: 0 }],
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

export function messageCreate(content: string, options: { guild: boolean; author?: APIUser; mentions?: APIUser[] }): GatewayMessageCreateDispatchData {
  const author = options.author ?? MEMBER;
  return {
    id: snowflake(),
    channel_id: options.guild ? CHANNEL_ID : DM_CHANNEL_ID,
    author,
    content,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: (options.mentions ?? []).map((u) => ({ ...u })),
    mention_roles: [],
    attachments: [],
    embeds: [],
    pinned: false,
    type: MessageType.Default,
    ...(options.guild
      ? { guild_id: GUILD_ID, member: { roles: [], joined_at: '2024-01-01T00:00:00.000Z', deaf: false, mute: false, flags: 0 as GuildMemberFlags }, channel_type: ChannelType.GuildText }
      : { channel_type: ChannelType.DM }),
  };
}

export { GatewayDispatchEvents };
