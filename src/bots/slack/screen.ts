/**
 * Slack's side of screening a file (the screening itself is src/core/screen):
 *
 *   a CSV/XLSX shared in the DM with the app   downloaded (url_private_download, with the bot token: the
 *                                              files:read scope) and answered in the DM, in the file's thread:
 *                                              the result CSV (files.uploadV2) with the summary as its comment
 *   /sanctions screen                          how to do that (a slash command carries no file); with a file's
 *                                              link or id ("/sanctions screen <permalink> column:Name") that file
 *                                              is fetched (files.info) and the answer goes to the asker's DM
 *                                              with the app, never to the channel
 *
 * The token is only ever sent to Slack's file host (files.slack.com) or to the configured SLACK_API_URL's
 * origin (a proxy, or the tests' fake): a file object pointing elsewhere is refused.
 */
import type { App, webApi } from '@slack/bolt';
import type { BaseLogger } from 'pino';
import type { DataHandle } from '../../core/dataset';
import { downloadFile, headline, isScreenable, onAllowedHost, parseScreenAsk, refusalLine, screenForChat, screenHelp, type ScreenAsk } from '../../core/screen/chat';
import { ScreenError } from '../../core/screen/errors';
import { sizeText, type ScreenLimits } from '../../core/screen/limits';
import { escapeMrkdwn, escapeText, truncate } from './render';

type WebClient = webApi.WebClient;

export interface SlackScreeningOptions {
  /** The one workspace's token; without it (distribution mode), the token of the client answering the request. */
  botToken?: string;
  apiUrl?: string;
  data: () => DataHandle;
  limits: ScreenLimits;
  log: BaseLogger;
  command: string;
}

/** What Slack says of a shared file (events and files.info). */
export interface SlackFile {
  id?: string;
  name?: string | null;
  title?: string;
  mimetype?: string;
  size?: number;
  url_private?: string;
  url_private_download?: string;
  /** Who shared it. */
  user?: string;
}

/** Screen at most this many files of one message (the rest are named as not screened). */
const MAX_FILES_PER_MESSAGE = 3;

export interface SlackScreening {
  /** `/sanctions screen ...`: the text after `screen`; answers through respond (ephemeral). */
  onCommand(args: string, who: { user: string; channel: string }, client: WebClient, respond: (text: string) => Promise<void>): Promise<void>;
}

export function registerScreening(app: App, options: SlackScreeningOptions): SlackScreening {
  const { log, limits } = options;
  const hosts = ['https://files.slack.com', ...(options.apiUrl ? [options.apiUrl] : [])];
  const seen = new Set<string>();

  /** A plain line (no mrkdwn: names such as SCREEN_MAX_ROWS stay as typed), escaped for Slack's &, <, >. */
  async function say(client: WebClient, channel: string, thread: string | undefined, text: string): Promise<void> {
    await client.chat.postMessage({ channel, ...(thread ? { thread_ts: thread } : {}), text: truncate(escapeText(text), 3900), mrkdwn: false, unfurl_links: false, unfurl_media: false });
  }

  /** A message in mrkdwn (already escaped). */
  async function post(client: WebClient, channel: string, thread: string | undefined, text: string): Promise<void> {
    await client.chat.postMessage({ channel, ...(thread ? { thread_ts: thread } : {}), text: truncate(text, 3900), unfurl_links: false, unfurl_media: false });
  }

  /** Download, screen and answer one file in `channel` (a DM), in `thread`. */
  async function screenOne(client: WebClient, file: SlackFile, ask: ScreenAsk, channel: string, thread: string | undefined): Promise<void> {
    const name = file.name ?? file.title ?? 'the file';
    let answer;
    try {
      if (typeof file.size === 'number' && file.size > limits.maxBytes) throw new ScreenError(`the file is ${sizeText(file.size)}, more than the ${sizeText(limits.maxBytes)} allowed (SCREEN_MAX_BYTES)`);
      // Slack sometimes sends a shared file without its URLs (file_access: check_file_info): ask for them.
      if (!file.url_private_download && !file.url_private && file.id) file = { ...file, ...(await fileInfo(client, file.id)) };
      const url = file.url_private_download ?? file.url_private;
      if (!url || !onAllowedHost(url, hosts)) throw new ScreenError('the file is not on Slack\'s file host, so it was not downloaded');
      const bytes = await downloadFile(url, { headers: { authorization: `Bearer ${options.botToken ?? client.token ?? ''}` }, maxBytes: limits.maxBytes });
      answer = await screenForChat(options.data(), bytes, { ...ask, fileName: name, limits });
    } catch (err) {
      if (!(err instanceof ScreenError)) throw err;
      answer = { ok: false as const, reason: refusalLine(name, err.message) };
    }
    if (!answer.ok) {
      await say(client, channel, thread, answer.reason);
      return;
    }
    const [first, ...rest] = answer.summary;
    const comment = [`*${escapeMrkdwn(headline(name, [first!]))}*`, ...rest.map(escapeMrkdwn)].join('\n');
    try {
      await client.files.uploadV2({
        channel_id: channel,
        ...(thread ? { thread_ts: thread } : {}),
        initial_comment: truncate(comment, 3900),
        file_uploads: [{ file: Buffer.from(answer.file.content, 'utf8'), filename: answer.file.name, title: answer.file.title }],
      });
    } catch (err) {
      // The screening is done: its summary still goes out, saying the file could not be attached.
      log.warn({ err: (err as Error).message, file: name }, 'slack: the screening result could not be uploaded');
      await post(client, channel, thread, `${comment}\n_The result file could not be uploaded (${escapeMrkdwn((err as Error).message)}); send the file again to retry._`);
    }
  }

  app.event('message', async ({ event, body, client }) => {
    // Files shared by a person in their DM with the app.
    if (event.channel_type !== 'im' || event.subtype !== 'file_share' || ('bot_id' in event && event.bot_id)) return;
    const eventId = (body as { event_id?: string }).event_id;
    if (eventId) {
      if (seen.has(eventId)) return;
      seen.add(eventId);
      if (seen.size > 1000) seen.delete(seen.values().next().value!);
    }
    const files = ((event as { files?: SlackFile[] }).files ?? []) as SlackFile[];
    const text = (event as { text?: string }).text;
    const ts = (event as { ts: string }).ts;
    const wanted = files.filter((f) => isScreenable(f.name ?? undefined, f.mimetype));
    const others = files.filter((f) => !wanted.includes(f)).map((f) => f.name ?? 'a file');
    try {
      if (!wanted.length) {
        await say(client, event.channel, ts, `Not screened: ${others.join(', ') || 'the file'} is not a CSV or XLSX file. ${screenHelp(limits, howOnSlack(options.command)).split('\n')[0]}`);
        return;
      }
      const ask = parseScreenAsk(text);
      for (const file of wanted.slice(0, MAX_FILES_PER_MESSAGE)) await screenOne(client, file, ask, event.channel, ts);
      const skipped = [...wanted.slice(MAX_FILES_PER_MESSAGE).map((f) => f.name ?? 'a file'), ...others];
      if (skipped.length) await say(client, event.channel, ts, `Not screened: ${skipped.join(', ')} (at most ${MAX_FILES_PER_MESSAGE} CSV or XLSX files a message).`);
    } catch (err) {
      log.error({ err: (err as Error).message }, 'slack: screening a shared file failed');
      await say(client, event.channel, ts, 'Sorry, screening that file failed. It has been logged; please try again in a moment.').catch(() => undefined);
    }
  });

  return {
    async onCommand(args, who, client, respond) {
      const id = /\bF[A-Z0-9]{8,}\b/.exec(args)?.[0];
      if (!id) {
        await respond(escapeMrkdwn(screenHelp(limits, howOnSlack(options.command))));
        return;
      }
      // A file named by link or id: fetched, and answered in the asker's DM with the app.
      let file: SlackFile | undefined;
      try {
        file = (await client.files.info({ file: id })).file as SlackFile | undefined;
      } catch (err) {
        await respond(escapeMrkdwn(`Could not screen ${id}: the file could not be read (${(err as { data?: { error?: string } }).data?.error ?? (err as Error).message}); share it in your DM with the app instead.`));
        return;
      }
      // The result repeats every name of the file: only the person who shared a file may have it screened this way
      // (the app may see files in channels the asker is not in).
      if (file && file.user !== who.user) {
        await respond(escapeMrkdwn(`Not screened: ${file.name ?? id} was shared by someone else; only a file you shared yourself can be screened by its link (or share it with me in a direct message).`));
        return;
      }
      if (!file || !isScreenable(file.name ?? undefined, file.mimetype)) {
        await respond(escapeMrkdwn(`Not screened: ${file?.name ?? id} is not a CSV or XLSX file.`));
        return;
      }
      const dm = (await client.conversations.open({ users: who.user })).channel?.id;
      if (!dm) {
        await respond('Could not open a direct message with you to send the result.');
        return;
      }
      await respond(escapeMrkdwn(`Screening ${file.name ?? id}: the result comes to your direct message with the app.`));
      await screenOne(client, file, parseScreenAsk(args.replace(id, ' ')), dm, undefined);
    },
  };
}

/** files.info, its failure said as a reason (a missing files:read scope, a deleted file). */
async function fileInfo(client: WebClient, id: string): Promise<SlackFile> {
  try {
    return ((await client.files.info({ file: id })).file as SlackFile | undefined) ?? {};
  } catch (err) {
    throw new ScreenError(`the file's details could not be read (${(err as { data?: { error?: string } }).data?.error ?? (err as Error).message})`);
  }
}

/**
 * `/sanctions screen` alone, or with a file (link or id) or column options: the screening command. Anything else
 * starting with the word ("screen holdings", a real company) stays a lookup.
 */
export function screenArgs(text: string): string | undefined {
  const m = /^\s*screen\b(.*)$/is.exec(text);
  if (!m) return undefined;
  const rest = m[1]!;
  return !rest.trim() || /\bF[A-Z0-9]{8,}\b|\b(?:column|country|country-column|name-column)\s*[:=]/i.test(rest) ? rest : undefined;
}

function howOnSlack(command: string): { share: string; options: string } {
  return {
    share: `share the file with me in a direct message (or run ${command} screen with the file's link)`,
    options: 'column:"Legal name" country:Country in the message with the file',
  };
}
