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
  type BaseMessageOptions,
  type MessageContextMenuCommandInteraction,
  type RESTPostAPIContextMenuApplicationCommandsJSONBody,
} from 'discord.js';
import type { Reply } from '../../core/commands/reply';
import type { DataHandle } from '../../core/dataset';
import { screenMessage } from '../../core/screen-message/screen';

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
  /** The Reply as a Discord message (mentions off), by the handlers' own renderer. */
  render: (reply: Reply) => BaseMessageOptions;
}

export async function onScreenMessage(interaction: MessageContextMenuCommandInteraction, deps: ScreenMessageDeps): Promise<void> {
  // Acknowledge within Discord's 3 s first: up to 25 lookups follow.
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const target = interaction.targetMessage;
  // The embeds' text too: a bot's or a link's message may carry the names there.
  const text = [target.content, ...target.embeds.flatMap((e) => [e.title ?? '', e.description ?? ''])].filter(Boolean).join('\n');
  const data = deps.data();
  const reply = screenMessage(discordMessageText(text), {
    db: data.db,
    platform: 'discord',
    channel: interaction.channelId,
    user: interaction.user.id,
    place: interaction.guildId ?? 'dm',
    audit: deps.audit,
    notice: data.notice,
    seed: data.seed,
  });
  await interaction.editReply(deps.render(reply));
}
