/**
 * Discord's "Screen this message": a message context-menu command (right-click a message > Apps). The names in
 * the message, screened, answered ephemerally (only the person who asked sees it). Thin: finding and
 * screening the names is core work (src/core/screen-message).
 */
import {
  ApplicationCommandType,
  ContextMenuCommandBuilder,
  InteractionContextType,
  MessageFlags,
  type APIEmbed,
  type BaseMessageOptions,
  type MessageContextMenuCommandInteraction,
  type RESTPostAPIContextMenuApplicationCommandsJSONBody,
} from 'discord.js';
import type { Reply } from '../../core/commands/reply';
import type { SharedCommandStore } from '../../core/commands/shared-store';
import type { DataHandle } from '../../core/dataset';
import { screenedLine, screenMessageParts, type MessageScreening } from '../../core/screen-message/screen';
import { discordSyntax } from './commands';
import { COLOURS, escapeText, LIMITS, truncate } from './render';

export const SCREEN_MESSAGE_COMMAND = 'Screen this message';

export function screenMessageCommand(): RESTPostAPIContextMenuApplicationCommandsJSONBody {
  return new ContextMenuCommandBuilder()
    .setName(SCREEN_MESSAGE_COMMAND)
    .setType(ApplicationCommandType.Message)
    .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM)
    .toJSON();
}

/** A message's text as people read it: user, role and channel mentions, @everyone/@here and custom emoji out. */
export function discordMessageText(content: string): string {
  return content
    .replace(/<(?:@[!&]?|#)\d+>/g, ' ')
    .replace(/<a?:\w+:\d+>/g, ' ')
    .replace(/@(?:everyone|here)\b/g, ' ');
}

export interface ScreenMessageDeps {
  data: () => DataHandle;
  audit: boolean;
  /** The Reply as a Discord message (mentions off), by the handlers' own renderer: refusals, no names found. */
  render: (reply: Reply) => BaseMessageOptions;
  /** What every message carries: no mention pings anyone. */
  allowedMentions: BaseMessageOptions['allowedMentions'];
  /** The shared store (DATABASE_URL): screenings are audited in its trail. */
  shared?: SharedCommandStore;
}

/** Characters of a line at most: 25 of them fit Discord's 6000 characters a message. */
const LINE = 220;

/**
 * The heading, the scope (lists searched, data as of) and the notes in the content, which is never cut; the lines
 * in embeds of up to 4096 characters, 6000 in all, red when they hold a match. Lines that do not fit are counted.
 */
export function screeningMessage(reply: Reply, screening: MessageScreening): Pick<BaseMessageOptions, 'content' | 'embeds'> {
  const heading = reply.blocks.find((b) => b.type === 'heading');
  const lines = screening.names.map(screenedLine).join('\n');
  const notes = reply.blocks.flatMap((b) =>
    b.type === 'text' && b.text !== lines ? [escapeText(b.text)] : b.type === 'hint' ? [`${escapeText(b.text)} \`${discordSyntax(b.line).replace(/`/g, "'")}\``] : [],
  );
  const content = [reply.notice ? `⚠️ ${escapeText(reply.notice)}` : '', heading ? `**${escapeText(heading.text)}**` : '', ...notes].filter(Boolean).join('\n');
  const embeds: APIEmbed[] = [];
  let total = 0;
  let shown = 0;
  for (const name of screening.names) {
    const line = truncate(escapeText(screenedLine(name)), LINE);
    if (total + line.length + 1 > LIMITS.total - 200) break;
    let last = embeds.at(-1);
    if (!last || (last.description?.length ?? 0) + line.length + 1 > LIMITS.description) {
      if (embeds.length === LIMITS.embeds) break;
      last = { color: COLOURS.info, description: '' };
      embeds.push(last);
    }
    last.description = last.description ? `${last.description}\n${line}` : line;
    if (name.verdict === 'match') last.color = COLOURS.match;
    total += line.length + 1;
    shown++;
  }
  const left = screening.names.length - shown;
  if (left) embeds.at(-1)!.description += `\n… ${left} more name${left === 1 ? '' : 's'} not shown (Discord's message size): screen them one at a time.`;
  return { content: truncate(content, LIMITS.content), embeds };
}

export async function onScreenMessage(interaction: MessageContextMenuCommandInteraction, deps: ScreenMessageDeps): Promise<void> {
  // Acknowledge within Discord's 3 s first: up to 25 lookups follow.
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const target = interaction.targetMessage;
  // The embeds' text too: a bot's or a link's message may carry the names there.
  const text = [target.content, ...target.embeds.flatMap((e) => [e.title ?? '', e.description ?? ''])].filter(Boolean).join('\n');
  const data = deps.data();
  const { reply, screening } = screenMessageParts(discordMessageText(text), {
    db: data.db,
    platform: 'discord',
    channel: interaction.channelId,
    user: interaction.user.id,
    place: interaction.guildId ?? 'dm',
    audit: deps.audit,
    notice: data.notice,
    seed: data.seed,
    ...(deps.shared ? { shared: deps.shared } : {}),
  });
  if (!screening?.names.length) {
    await interaction.editReply(deps.render(reply));
    return;
  }
  await interaction.editReply({ ...screeningMessage(reply, screening), components: [], allowedMentions: deps.allowedMentions });
}
