/**
 * What the bot does with what Discord sends: slash commands, autocomplete, buttons, and questions (a mention in
 * a server channel, or any DM). Thin: each turns into a line of the shared grammar for runCommand, and the Reply
 * into a message through render.ts. Every message carries `allowedMentions: { parse: [] }`; failures are logged
 * and answered with a polite line, never a trace.
 */
import {
  MessageFlags,
  PermissionFlagsBits,
  type AutocompleteInteraction,
  type BaseMessageOptions,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Client,
  type CommandInteractionOption,
  type Interaction,
  type Message,
} from 'discord.js';
import { acknowledge, digestPage, parseAlertButton } from '../../core/alerts/digest';
import { SubscriptionStore } from '../../core/alerts/subscriptions';
import { hasListData } from '../../core/coverage';
import type { CommandContext } from '../../core/commands/handle';
import { dispatchCommand, needsSharedStore, type SharedCommandStore } from '../../core/commands/shared-commands';
import { parseCommand, type Command } from '../../core/commands/parse';
import { stripMentions } from '../../core/commands/question';
import type { PlatformDescription } from '../../core/commands/platform';
import type { Reply } from '../../core/commands/reply';
import type { DataHandle } from '../../core/dataset';
import { isListCode, type ListCode } from '../../core/lists';
import { suggest } from '../../core/suggest/suggest';
import { ButtonStore } from './buttons';
import { onScreenMessage } from './screen-message';
import { ALERTS_COMMAND, commandLine, discordSyntax, listChoices, LOOKUP_COMMAND, targetChoices } from './commands';
import type { Logger } from './logger';
import type { DiscordScreening } from './screen';
import { alertLineMarkdown, escapeText, LIMITS, plainText, renderReply, truncate, type RenderOptions } from './render';

/** No mention in anything the bot sends pings anyone; replies do not ping the person replied to. */
export const NO_MENTIONS = { parse: [], repliedUser: false } as const;

export const SORRY = 'Sorry, something went wrong answering that. It has been logged; please try again in a moment.';
const EXPIRED = 'This button has expired (the bot restarted since): run the lookup again.';
/** How long a command that waits on the shared store may take before it is deferred (Discord allows 3 s). */
const DEFER_AFTER_MS = 2000;
const ALERTS_HINT = "Change this channel's alerts with `/sanctions-alerts` (it checks that you may manage the channel: Manage Channels or Manage Server).";

/** Discord in the core's words: how commands are typed, who may manage alerts. */
export const DISCORD_PLATFORM: PlatformDescription = {
  name: 'Discord',
  syntax: discordSyntax,
  managers: 'members with the Manage Channels or Manage Server permission',
  ownPlace: 'in your DM with this bot',
};

export interface HandlerOptions {
  data: () => DataHandle;
  audit: boolean;
  logger: Logger;
  buttons?: ButtonStore;
  /** /sanctions screen and files in DMs (screen.ts). */
  screening?: DiscordScreening;
  /** The shared store (DATABASE_URL): subscriptions, watch terms and the audit trail are kept there. */
  shared?: SharedCommandStore;
  /** A command that waits on the shared store is deferred (ephemeral) when not answered within this (default 2 s). */
  deferAfterMs?: number;
}

interface Where {
  channel: string;
  user: string;
  guildId: string | null;
  canManage: boolean;
}

type Choice = { name: string; value: string };

export class DiscordHandlers {
  readonly buttons: ButtonStore;

  constructor(
    private readonly client: Client,
    private readonly options: HandlerOptions,
  ) {
    this.buttons = options.buttons ?? new ButtonStore();
  }

  private run(line: string | Command, where: Where): Promise<Reply> {
    const data = this.options.data();
    const ctx: CommandContext = {
      db: data.db,
      platform: 'discord',
      channel: where.channel,
      user: where.user,
      place: where.guildId ?? 'dm',
      canManage: where.canManage,
      audit: this.options.audit,
      ...(data.notice ? { notice: data.notice } : {}),
      seed: data.seed,
      platformInfo: DISCORD_PLATFORM,
      ...(this.options.shared ? { shared: this.options.shared } : {}),
    };
    return dispatchCommand(typeof line === 'string' ? parseCommand(line) : line, ctx);
  }

  /**
   * A command answered by the shared store: replied to as usual when the store answers in time, else deferred
   * (ephemeral, within Discord's 3 s) and the answer edited in when it comes.
   */
  private async replyInTime(interaction: ChatInputCommandInteraction, work: Promise<Reply>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), this.options.deferAfterMs ?? DEFER_AFTER_MS);
    });
    // Awaited below either way; this only keeps a failure after the deferral from going unhandled meanwhile.
    work.catch(() => {});
    const first = await Promise.race([work, late]).finally(() => clearTimeout(timer));
    if (first !== 'late') {
      const ephemeral = first.private !== false || first.error === true;
      await interaction.reply({ ...this.message(first, { share: false }), ...(ephemeral ? { flags: MessageFlags.Ephemeral } : {}) });
      return;
    }
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    await interaction.editReply(this.message(await work, { share: false }));
  }

  private message(reply: Reply, options: RenderOptions): BaseMessageOptions & { content: string } {
    const m = renderReply(reply, { buttons: this.buttons, ...options });
    const content = m.content ?? (m.embeds.length ? '' : escapeText(reply.summary || 'Nothing to show.'));
    return { content, embeds: m.embeds, components: m.components, allowedMentions: NO_MENTIONS };
  }

  /** May the member change this channel's alerts? In a DM, the person owns the conversation. */
  static canManage(interaction: Interaction): boolean {
    if (!interaction.inGuild()) return true;
    return Boolean(interaction.memberPermissions?.any([PermissionFlagsBits.ManageGuild, PermissionFlagsBits.ManageChannels]));
  }

  async onInteraction(interaction: Interaction): Promise<void> {
    try {
      if (interaction.isAutocomplete()) await this.onAutocomplete(interaction);
      else if (interaction.isChatInputCommand()) await this.onCommand(interaction);
      else if (interaction.isButton()) await this.onButton(interaction);
      else if (interaction.isMessageContextMenuCommand()) {
        // "Screen this message" (screen-message.ts).
        await onScreenMessage(interaction, { data: this.options.data, audit: this.options.audit, ...(this.options.shared ? { shared: this.options.shared } : {}), render: (reply) => this.message(reply, { share: false, details: false }), allowedMentions: NO_MENTIONS });
      }
    } catch (err) {
      this.options.logger.error({ err: describeError(err), interaction: interaction.id, type: interaction.type }, 'discord: interaction failed');
      await this.apologise(interaction);
    }
  }

  private async apologise(interaction: Interaction): Promise<void> {
    try {
      if (interaction.isAutocomplete()) {
        if (!interaction.responded) await interaction.respond([]);
      } else if (interaction.isRepliable()) {
        if (interaction.deferred && !interaction.replied) await interaction.editReply({ content: SORRY, embeds: [], components: [], allowedMentions: NO_MENTIONS });
        else if (interaction.replied || interaction.deferred) await interaction.followUp({ content: SORRY, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
        else await interaction.reply({ content: SORRY, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
      }
    } catch (err) {
      this.options.logger.warn({ err: describeError(err), interaction: interaction.id }, 'discord: could not tell the user about a failure');
    }
  }

  private where(interaction: ChatInputCommandInteraction | ButtonInteraction | AutocompleteInteraction): Where {
    return { channel: interaction.channelId ?? interaction.user.id, user: interaction.user.id, guildId: interaction.guildId, canManage: DiscordHandlers.canManage(interaction) };
  }

  async onCommand(interaction: ChatInputCommandInteraction): Promise<void> {
    if (this.options.screening && interaction.commandName === LOOKUP_COMMAND && interaction.options.getSubcommand(false) === 'screen') {
      await this.options.screening.onCommand(interaction);
      return;
    }
    const options = leafOptions(interaction.options.data);
    const line = commandLine({
      command: interaction.commandName,
      group: interaction.options.getSubcommandGroup(false),
      subcommand: interaction.options.getSubcommand(false),
      options: Object.fromEntries(options.map((o) => [o.name, o.value ?? undefined])),
    });
    if (!line) {
      await interaction.reply({ content: 'This bot does not know that command (its registration may be out of date: `npx sanctions discord-register`).', flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
      return;
    }
    const where = this.where(interaction);
    const command = parseCommand(line);
    if (command.name === 'lookup') {
      // Acknowledge within Discord's 3 s first: a lookup right after a refresh rebuilds the matcher's caches.
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const reply = await this.run(command, where);
      await interaction.editReply(this.message(reply, { share: true }));
      return;
    }
    if (needsSharedStore(command, this.options)) {
      await this.replyInTime(interaction, this.run(command, where));
      return;
    }
    const reply = await this.run(command, where);
    const ephemeral = reply.private !== false || reply.error === true;
    await interaction.reply({ ...this.message(reply, { share: false }), ...(ephemeral ? { flags: MessageFlags.Ephemeral } : {}) });
  }

  async onButton(interaction: ButtonInteraction): Promise<void> {
    const decoded = this.buttons.decode(interaction.customId);
    if (!decoded) {
      await interaction.reply({ content: 'This button is not one this bot knows.', flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
      return;
    }
    if ('expired' in decoded) {
      await interaction.reply({ content: EXPIRED, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
      return;
    }
    if (decoded.kind === 'page' || decoded.kind === 'ack') {
      await this.onAlertButton(interaction, decoded.value);
      return;
    }
    const line = decoded.kind === 'details' ? `details ${decoded.value}` : decoded.value;
    // Buttons only ever look up: whatever a custom id says, it cannot change alerts.
    const wanted = decoded.kind === 'details' ? 'details' : 'lookup';
    if (parseCommand(line).name !== wanted) {
      await interaction.reply({ content: 'This button is not one this bot knows.', flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
      return;
    }
    const reply = await this.run(line, { ...this.where(interaction), canManage: false });
    const onEphemeral = interaction.message.flags.has(MessageFlags.Ephemeral);
    switch (decoded.kind) {
      case 'more':
        // The next page replaces an answer only its asker sees; on a public answer it goes to the one who asked for it.
        if (onEphemeral) await interaction.update(this.message(reply, { share: true }));
        else await interaction.reply({ ...this.message(reply, { share: true }), flags: MessageFlags.Ephemeral });
        return;
      case 'details':
        await interaction.reply({ ...this.message(reply, { details: false, detailed: true }), flags: MessageFlags.Ephemeral });
        return;
      case 'share': {
        const shared = this.message(reply, { share: false });
        const by = `Shared by ${escapeText(interaction.user.displayName ?? interaction.user.username)}:`;
        await interaction.reply({ ...shared, content: truncate([by, shared.content].filter(Boolean).join('\n'), LIMITS.content) });
        return;
      }
    }
  }

  /** Show all / Next (a page of a digest, as a message below it) and Acknowledge (the alert edited to say who). */
  private async onAlertButton(interaction: ButtonInteraction, value: string): Promise<void> {
    const parsed = parseAlertButton(value);
    const channel = interaction.channelId;
    const db = this.options.data().db;
    if (!parsed || !channel) {
      await interaction.reply({ content: 'This button is not one this bot knows.', flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
      return;
    }
    if (parsed.kind === 'page') {
      const reply = digestPage(db, parsed.outbox, parsed.page, { platform: 'discord', channel });
      if (reply.error) {
        await interaction.reply({ ...this.message(reply, {}), flags: MessageFlags.Ephemeral });
        return;
      }
      // 25 full lines can exceed one embed (4096): the page goes out in as many messages as it needs, Next on the last.
      const [first, ...rest] = splitPage(reply).map((part) => this.message(part, { share: false }));
      // Next on a page turns that page; Show all on the digest starts the pages in a message of their own.
      if (parsed.page > 1) await interaction.update(first!);
      else await interaction.reply(first!);
      for (const more of rest) await interaction.followUp(more);
      return;
    }
    const ack = acknowledge(db, parsed.outbox, { platform: 'discord', channel, user: interaction.user.id, name: interaction.user.displayName ?? interaction.user.username });
    if (!ack) {
      await interaction.reply({ content: 'This alert is not one of this channel’s.', flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
      return;
    }
    await interaction.update(this.message(ack.reply, { share: false }));
  }

  async onAutocomplete(interaction: AutocompleteInteraction): Promise<void> {
    const focused = interaction.options.getFocused(true);
    // Untrimmed: a space after the last word says the word is finished (type-ahead completes it otherwise).
    const raw = String(focused.value ?? '');
    const typed = raw.trim();
    let choices: Choice[] = [];
    if (interaction.commandName === LOOKUP_COMMAND && focused.name === 'name') {
      const list = interaction.options.getString('list');
      const side = interaction.options.getString('side');
      choices = this.nameChoices(raw, { ...(list && isListCode(list) ? { lists: [list] } : {}), ...(side === 'us' || side === 'cn' ? { side } : {}) });
    } else if (interaction.commandName === LOOKUP_COMMAND && focused.name === 'list') {
      choices = listChoices(typed);
    } else if (interaction.commandName === ALERTS_COMMAND && focused.name === 'target') {
      choices = targetChoices(typed);
    } else if (interaction.commandName === ALERTS_COMMAND && focused.name === 'name') {
      if (interaction.options.getSubcommand(false) === 'remove') {
        const channel = interaction.channelId ?? interaction.user.id;
        const terms = this.options.shared ? await this.options.shared.subscriptions.watchTerms('discord', channel) : new SubscriptionStore(this.options.data().db).watchTerms('discord', channel);
        choices = terms
          .filter((t) => !typed || t.toLowerCase().includes(typed.toLowerCase()))
          .slice(0, 25)
          .map((t) => ({ name: truncate(plainText(t), LIMITS.choiceName), value: t.slice(0, 100) }));
      } else {
        choices = this.nameChoices(raw, {});
      }
    }
    await interaction.respond(choices);
  }

  /** Up to 25 parties that what has been typed so far starts to name, likeliest first (core/suggest). */
  nameChoices(typed: string, filters: { lists?: ListCode[]; side?: 'us' | 'cn' }): Choice[] {
    const data = this.options.data();
    // No suggestions from the demo seed or an empty database: the lookup itself says why it cannot screen.
    if (!typed.trim() || data.seed || !hasListData(data.db)) return [];
    return suggest(data.db, typed, { limit: 25, maxLabel: LIMITS.choiceName, maxValue: 100, ...filters }).map((s) => ({
      name: truncate(plainText(s.label), LIMITS.choiceName),
      value: s.value,
    }));
  }

  /** A question: a mention of the bot in a server channel, or any direct message. */
  async onMessage(message: Message): Promise<void> {
    try {
      if (message.author.bot || message.system || message.webhookId) return;
      const me = this.client.user?.id;
      if (!me) return;
      const inGuild = message.inGuild();
      if (inGuild && !message.mentions.users.has(me)) return;
      // A file attached to a DM is screened (screen.ts), whatever the text says.
      if (!inGuild && message.attachments.size && this.options.screening && (await this.options.screening.onDirectMessage(message))) return;
      // "is DJI sanctioned?" -> lookup DJI; a bare command ("status", "recent 30") runs as typed.
      const line = stripMentions(message.content);
      const command = parseCommand(line);
      // In a server, alerts change through /sanctions-alerts, where Discord says who may; a DM is the person's own.
      if (inGuild && (command.name === 'subscribe' || command.name === 'unsubscribe' || (command.name === 'watch' && command.action !== 'list'))) {
        await message.reply({ content: ALERTS_HINT, allowedMentions: NO_MENTIONS });
        return;
      }
      const reply = await this.run(command, { channel: message.channelId, user: message.author.id, guildId: message.guildId, canManage: !inGuild });
      await message.reply(this.message(reply, { share: false }));
    } catch (err) {
      this.options.logger.error({ err: describeError(err), message: message.id, channel: message.channelId }, 'discord: answering a message failed');
      try {
        await message.reply({ content: SORRY, allowedMentions: NO_MENTIONS });
      } catch (again) {
        this.options.logger.warn({ err: describeError(again) }, 'discord: could not tell the user about a failure');
      }
    }
  }
}

/** A page of alert lines cut into parts whose lines fit one embed each: the heading on the first, the buttons on the last. */
export function splitPage(reply: Reply, budget = LIMITS.description - 200): Reply[] {
  const events = reply.blocks.find((b) => b.type === 'events');
  if (!events || events.type !== 'events') return [reply];
  const chunks: Array<typeof events.events> = [[]];
  let used = 0;
  for (const e of events.events) {
    const size = (e.facts ? alertLineMarkdown(e, e.facts) : e.name).length + 1;
    if (chunks.at(-1)!.length && used + size > budget) {
      chunks.push([]);
      used = 0;
    }
    chunks.at(-1)!.push(e);
    used += size;
  }
  if (chunks.length === 1) return [reply];
  const heading = reply.blocks.filter((b) => b.type === 'heading');
  const actions = reply.blocks.filter((b) => b.type === 'actions');
  return chunks.map((chunk, i) => ({
    ...reply,
    blocks: [...(i === 0 ? heading : []), { type: 'events', events: chunk, more: 0 }, ...(i === chunks.length - 1 ? actions : [])],
  }));
}

/** The options that carry values, under a subcommand or a subcommand group. */
function leafOptions(options: readonly CommandInteractionOption[]): CommandInteractionOption[] {
  return options.flatMap((o) => (o.options ? leafOptions(o.options) : o.value === undefined ? [] : [o]));
}

export function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
