/**
 * Discord's side of screening a file (the screening itself is src/core/screen):
 *
 *   /sanctions screen file:<attachment> [column] [country-column]
 *       deferred (private), the attachment downloaded and screened, then the result CSV attached to the answer
 *       with the summary; without a file, how to do it
 *   a CSV/XLSX attached to a DM to the bot
 *       answered in the DM with the result CSV and the summary (`column:"Legal name" country:Land` in the
 *       message's text choose the columns)
 *
 * Attachments are downloaded only from Discord's CDN (or the configured DISCORD_API_URL's origin: a proxy, or
 * the tests' fake); every message goes out with no mention allowed.
 */
import { MessageFlags, type Attachment, type ChatInputCommandInteraction, type Message } from 'discord.js';
import type { DataHandle } from '../../core/dataset';
import { downloadFile, headline, isScreenable, onAllowedHost, parseScreenAsk, refusalLine, screenForChat, screenHelp, type ScreenAnswer, type ScreenAsk } from '../../core/screen/chat';
import { ScreenError } from '../../core/screen/errors';
import { sizeText, type ScreenLimits } from '../../core/screen/limits';
import type { Logger } from './logger';
import { escapeText, LIMITS, truncate } from './render';

export interface DiscordScreeningOptions {
  data: () => DataHandle;
  limits: ScreenLimits;
  logger: Logger;
  /** DISCORD_API_URL: its origin is trusted for downloads besides Discord's CDN. */
  apiUrl?: string;
}

const NO_MENTIONS = { parse: [], repliedUser: false } as const;
const CDN = ['https://cdn.discordapp.com', 'https://media.discordapp.net'];
/** At most this many files of one DM are screened. */
const MAX_FILES_PER_MESSAGE = 3;

type Answer = { content: string; files?: Array<{ attachment: Buffer; name: string; description?: string }> };

export class DiscordScreening {
  private readonly hosts: string[];

  constructor(private readonly options: DiscordScreeningOptions) {
    this.hosts = [...CDN, ...(options.apiUrl ? [options.apiUrl] : [])];
  }

  /** How to screen a file on Discord, with the limits. */
  help(): string {
    return screenHelp(this.options.limits, {
      share: 'use /sanctions screen with the file attached (file option), or attach it to a direct message to me',
      options: 'the column and country-column options, or column:"Legal name" country:Land in the DM',
    });
  }

  /** Download, screen and word the answer for one attachment. */
  async answer(file: Pick<Attachment, 'url' | 'name' | 'size' | 'contentType'>, ask: ScreenAsk): Promise<Answer> {
    const { limits } = this.options;
    let result: ScreenAnswer;
    try {
      if (!isScreenable(file.name, file.contentType)) throw new ScreenError('it is not a CSV or XLSX file');
      if (file.size > limits.maxBytes) throw new ScreenError(`the file is ${sizeText(file.size)}, more than the ${sizeText(limits.maxBytes)} allowed (SCREEN_MAX_BYTES)`);
      if (!onAllowedHost(file.url, this.hosts)) throw new ScreenError("the file is not on Discord's file host, so it was not downloaded");
      const bytes = await downloadFile(file.url, { maxBytes: limits.maxBytes });
      result = await screenForChat(this.options.data(), bytes, { ...ask, fileName: file.name, limits });
    } catch (err) {
      if (!(err instanceof ScreenError)) throw err;
      result = { ok: false, reason: refusalLine(file.name, err.message) };
    }
    if (!result.ok) return { content: truncate(escapeText(result.reason), LIMITS.content) };
    const [first, ...rest] = result.summary;
    const content = [`**${escapeText(headline(file.name, [first!]))}**`, ...rest.map(escapeText)].join('\n');
    return { content: truncate(content, LIMITS.content), files: [{ attachment: Buffer.from(result.file.content, 'utf8'), name: result.file.name, description: result.file.title }] };
  }

  /** `/sanctions screen`: deferred privately, then the answer with the result file. */
  async onCommand(interaction: ChatInputCommandInteraction): Promise<void> {
    const file = interaction.options.getAttachment('file', false);
    if (!file) {
      await interaction.reply({ content: escapeText(this.help()), flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS });
      return;
    }
    // Acknowledge within Discord's 3 s: the download and a large file take longer.
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const column = interaction.options.getString('column', false) ?? undefined;
    const countryColumn = interaction.options.getString('country-column', false) ?? undefined;
    const answer = await this.answer(file, { ...(column ? { column } : {}), ...(countryColumn ? { countryColumn } : {}) });
    await interaction.editReply({ content: answer.content, files: answer.files ?? [], allowedMentions: NO_MENTIONS });
  }

  /** A DM with attachments: each CSV/XLSX screened and answered in a reply. True when the message was one. */
  async onDirectMessage(message: Message): Promise<boolean> {
    if (message.inGuild() || !message.attachments.size) return false;
    const ask = parseScreenAsk(message.content);
    const all = [...message.attachments.values()];
    const wanted = all.filter((a) => isScreenable(a.name, a.contentType));
    if (!wanted.length) {
      await message.reply({ content: escapeText(`Not screened: ${all.map((a) => a.name).join(', ')} is not a CSV or XLSX file. ${this.help().split('\n')[0]}`), allowedMentions: NO_MENTIONS });
      return true;
    }
    for (const file of wanted.slice(0, MAX_FILES_PER_MESSAGE)) {
      const answer = await this.answer(file, ask);
      await message.reply({ content: answer.content, files: answer.files ?? [], allowedMentions: NO_MENTIONS });
    }
    const skipped = [...wanted.slice(MAX_FILES_PER_MESSAGE), ...all.filter((a) => !wanted.includes(a))].map((a) => a.name);
    if (skipped.length) await message.reply({ content: escapeText(`Not screened: ${skipped.join(', ')} (at most ${MAX_FILES_PER_MESSAGE} CSV or XLSX files a message).`), allowedMentions: NO_MENTIONS });
    return true;
  }
}
