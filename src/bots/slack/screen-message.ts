/**
 * Slack's "Screen this message" message shortcut (callback_id screen_message, slack/manifest.yml): the names in
 * the message, screened, answered only to the person who asked: chat.postEphemeral in the channel, or, where
 * the app may not post (a channel it is not in, a DM between two people), in the person's DM with the app.
 * Thin: finding and screening the names is core work (src/core/screen-message).
 */
import type { App, MessageShortcut, types, webApi } from '@slack/bolt';
import type { BaseLogger } from 'pino';
import type { SharedCommandStore } from '../../core/commands/shared-store';
import type { DataHandle } from '../../core/dataset';
import { screenMessage } from '../../core/screen-message/screen';
import { decodeSlackEntities, renderReply } from './render';

export const SCREEN_MESSAGE_CALLBACK = 'screen_message';

const SORRY = 'Sorry, screening that message failed. It has been logged; please try again in a moment.';

export interface ScreenMessageOptions {
  data: () => DataHandle;
  audit: boolean;
  log: BaseLogger;
  /** The slash command, for hints (default /sanctions). */
  command?: string;
  /** The shared store (DATABASE_URL): screenings are audited in its trail. */
  shared?: SharedCommandStore;
}

/**
 * A message's text as people read it: mentions, channel links and special mentions out, a link as its label,
 * Slack's three entities decoded; line breaks kept (they separate names).
 */
export function slackMessageText(text: string): string {
  return decodeSlackEntities(
    text
      .replace(/<[@#!][^<>]*>/g, ' ')
      .replace(/<(?:https?|mailto|tel):[^<>|]*\|([^<>]*)>/gi, '$1')
      .replace(/<((?:https?|mailto|tel):[^<>|]*)>/gi, '$1'),
  );
}

/** The message's text and its attachments' (a bot's or an unfurled message carries its names there). */
function messageText(message: MessageShortcut['message']): string {
  const attachments = (Array.isArray(message.attachments) ? message.attachments : []) as Array<{ pretext?: string; title?: string; text?: string; fallback?: string }>;
  return [message.text ?? '', ...attachments.flatMap((a) => [a.pretext ?? '', a.title ?? '', a.text ?? a.fallback ?? ''])].filter(Boolean).join('\n');
}

export function registerScreenMessage(app: App, options: ScreenMessageOptions): void {
  app.shortcut<MessageShortcut>({ callback_id: SCREEN_MESSAGE_CALLBACK, type: 'message_action' }, async ({ shortcut, ack, client }) => {
    await ack();
    const user = shortcut.user.id;
    const channel = shortcut.channel.id;
    let answer: { blocks?: types.KnownBlock[]; text: string };
    try {
      const data = options.data();
      const reply = screenMessage(slackMessageText(messageText(shortcut.message)), {
        db: data.db,
        platform: 'slack',
        channel,
        user,
        place: shortcut.team?.id ?? shortcut.user.team_id,
        audit: options.audit,
        notice: data.notice,
        seed: data.seed,
        ...(options.shared ? { shared: options.shared } : {}),
      });
      answer = renderReply(reply, { share: false, details: false, command: options.command });
    } catch (err) {
      options.log.error({ err: (err as Error).message, user, channel }, 'slack: screening a message failed');
      answer = { text: SORRY };
    }
    await deliverPrivately(client, { user, channel, ...answer }, options.log);
  });
}

/** Ephemeral in the channel; where Slack refuses (not in the channel, a DM of others), the person's DM with the app. */
async function deliverPrivately(client: webApi.WebClient, m: { user: string; channel: string; blocks?: types.KnownBlock[]; text: string }, log: BaseLogger): Promise<void> {
  const body = { ...(m.blocks?.length ? { blocks: m.blocks } : {}), text: m.text };
  try {
    await client.chat.postEphemeral({ channel: m.channel, user: m.user, ...body });
    return;
  } catch (err) {
    log.warn({ err: (err as { data?: { error?: string } }).data?.error ?? (err as Error).message, channel: m.channel }, 'slack: could not answer ephemerally in the channel; answering in the DM');
  }
  try {
    const opened = await client.conversations.open({ users: m.user });
    const dm = opened.channel?.id;
    if (!dm) throw new Error('conversations.open gave no channel');
    await client.chat.postMessage({ channel: dm, ...body, unfurl_links: false, unfurl_media: false });
  } catch (err) {
    log.error({ err: (err as Error).message, user: m.user }, 'slack: could not deliver a message screening at all');
  }
}
