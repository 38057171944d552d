/**
 * Alert delivery to Discord channels: one POST /channels/:id/messages per alert, through a REST client of
 * its own that neither retries nor waits out rate limits (rejectOnRateLimit, retries 0), so the delivery
 * worker decides: 429 -> try again after retry-after; a deleted channel or a bot without access -> permanent
 * (the worker pauses the subscription); 5xx, timeouts, network errors -> try again later.
 *
 * The worker's message key goes out as the message nonce with `enforce_nonce`: when a message is sent again
 * within a few minutes (a retry after a timeout whose send had in fact gone through, a restart after a crash),
 * Discord returns the first message instead of posting a second. Discord does not return nonces when listing
 * messages, so there is no `confirm`: after a crash the worker sends again and the nonce absorbs the repeat.
 */
import { createHash } from 'node:crypto';
import { AttachmentBuilder, DiscordAPIError, HTTPError, RateLimitError, REST, RESTEvents, Routes, type RawFile, type RESTOptions } from 'discord.js';
import type { AlertSink, DeliveryResult } from '../../core/alerts/delivery';
import type { PaceRoute, RateObservation } from '../../core/alerts/pacer';
import { fileBytes, type Reply, type ReplyFile } from '../../core/commands/reply';
import { ButtonStore } from './buttons';
import { renderReply } from './render';

/** Discord error codes that no retry can fix, with what they mean for the channel. */
const PERMANENT: Record<number, string> = {
  10003: 'Unknown Channel: the channel was deleted',
  50001: 'Missing Access: the bot cannot see this channel (removed from the server, or the channel is private)',
  50013: 'Missing Permissions: the bot may not send messages or embeds in this channel',
  50007: 'Cannot send messages to this user (DMs closed)',
  10004: 'Unknown Guild: the bot was removed from the server',
};

export interface DiscordSinkOptions {
  token: string;
  apiUrl?: string;
  /** Time limit per request (default 10 s). */
  timeoutMs?: number;
  restOptions?: Partial<RESTOptions>;
}

/**
 * Discord's global limit: 50 requests per second per bot (https://discord.com/developers/docs/topics/rate-limits).
 * The window is paced a little wider than a second, so that discord.js's own fixed-window count (started at its
 * first request, a moment after ours) never sees a 51st request inside its second.
 */
export const GLOBAL_ROUTE: PaceRoute = { key: 'discord:global', limit: 50, windowMs: 1050 };

/** The per-route bucket of posting to a channel (its limit is read from the X-RateLimit-* headers). */
export function messagesRoute(channel: string): string {
  return `discord:POST /channels/${channel}/messages`;
}

export class DiscordSink implements AlertSink {
  readonly platform = 'discord';
  readonly rest: REST;
  private readonly buttons = new ButtonStore();
  /** The X-RateLimit-* headers of the last answer on each channel's messages route, until deliver passes them on. */
  private readonly rate = new Map<string, RateObservation>();

  constructor(options: DiscordSinkOptions) {
    this.rest = new REST({
      api: options.apiUrl ?? 'https://discord.com/api',
      retries: 0,
      timeout: options.timeoutMs ?? 10_000,
      // Surface every rate limit (a 429, or the bucket known to be empty) instead of sleeping on it.
      rejectOnRateLimit: () => true,
      ...options.restOptions,
    }).setToken(options.token);
    this.rest.on(RESTEvents.Response, (request, response) => {
      const channel = /^\/channels\/(\d+)\/messages$/.exec(request.path)?.[1];
      if (!channel || request.method.toUpperCase() !== 'POST') return;
      const observation = rateFromHeaders(messagesRoute(channel), response.headers);
      if (observation) this.rate.set(channel, observation);
    });
  }

  /** The global bucket and the channel's messages route (its limit learnt from Discord's headers). */
  routes(channel: string): PaceRoute[] {
    return [GLOBAL_ROUTE, { key: messagesRoute(channel) }];
  }

  async deliver(channel: string, reply: Reply, key?: string): Promise<DeliveryResult> {
    if (!/^\d{5,25}$/.test(channel)) return { ok: false, permanent: true, reason: `not a Discord channel id: "${channel}"` };
    // Alert buttons (Details per line, Show all, Acknowledge) carry short values: no state kept for them here.
    const message = renderReply(reply, { buttons: this.buttons, share: false });
    // A digest's full content goes with the message as attachments (CSV and Markdown), in the same request, as far
    // as Discord's upload limit allows (a refused upload would refuse the message): the CSV first, then the Markdown.
    const { kept, dropped } = withinUploadLimit(reply.files ?? []);
    const attachments = kept.map((f) => new AttachmentBuilder(fileBytes(f), { name: f.name, description: f.title.slice(0, 1000) }));
    const files: RawFile[] = attachments.map((a, i) => ({ name: a.name ?? `file-${i}`, data: a.attachment as Buffer, contentType: kept[i]!.type }));
    const note = dropped.length ? `\n-# ${dropped.map((f) => f.name).join(', ')}: too large to attach here; Show all pages through every entry.` : '';
    try {
      const sent = (await this.rest.post(Routes.channelMessages(channel), {
        body: {
          content: note ? `${message.content ?? ''}${note}`.slice(0, 2000) : message.content,
          embeds: message.embeds,
          components: message.components,
          allowed_mentions: { parse: [] },
          ...(attachments.length ? { attachments: attachments.map((a, i) => ({ id: i, filename: a.name, description: a.description })) } : {}),
          ...(key ? { nonce: nonceFor(key), enforce_nonce: true } : {}),
        },
        ...(files.length ? { files } : {}),
      })) as { id?: string };
      return { ok: true, ...(sent?.id ? { ref: sent.id } : {}), ...(dropped.length ? { warning: `${dropped.map((f) => f.name).join(', ')} too large for Discord, not attached` } : {}), ...this.takeRate(channel) };
    } catch (err) {
      return { ...classify(err), ...this.takeRate(channel) };
    }
  }

  private takeRate(channel: string): { rate?: RateObservation[] } {
    const observation = this.rate.get(channel);
    if (!observation) return {};
    this.rate.delete(channel);
    return { rate: [observation] };
  }

  /** Stop the REST client's sweep timers. */
  close(): void {
    this.rest.clearHashSweeper();
    this.rest.clearHandlerSweeper();
  }
}

/** What a bot may upload with one message without a boosted server (Discord: 10 MiB; kept under, for the form overhead). */
export const UPLOAD_LIMIT_BYTES = 9_500_000;

/** The files that fit the upload limit together, CSV first (the complete data), then Markdown. */
export function withinUploadLimit(files: ReplyFile[], limit = UPLOAD_LIMIT_BYTES): { kept: ReplyFile[]; dropped: ReplyFile[] } {
  const kept: ReplyFile[] = [];
  const dropped: ReplyFile[] = [];
  let used = 0;
  for (const f of [...files].sort((a, b) => Number(b.type === 'text/csv') - Number(a.type === 'text/csv'))) {
    const size = fileBytes(f).length;
    if (used + size <= limit) {
      kept.push(f);
      used += size;
    } else dropped.push(f);
  }
  return { kept, dropped };
}

/** A nonce of Discord's at most 25 characters, the same for every attempt at one message. */
export function nonceFor(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 25);
}

/** X-RateLimit-Remaining / -Reset-After / -Limit / -Bucket -> what the pacer keeps of a bucket; none without them. */
export function rateFromHeaders(key: string, headers: { get(name: string): string | null }): RateObservation | undefined {
  const remaining = headers.get('x-ratelimit-remaining');
  const resetAfter = headers.get('x-ratelimit-reset-after');
  if (remaining === null || resetAfter === null || !Number.isFinite(Number(remaining)) || !Number.isFinite(Number(resetAfter))) return undefined;
  const limit = Number(headers.get('x-ratelimit-limit') ?? NaN);
  const bucket = headers.get('x-ratelimit-bucket');
  return {
    key,
    remaining: Number(remaining),
    resetAfterMs: Math.ceil(Number(resetAfter) * 1000),
    ...(Number.isFinite(limit) ? { limit } : {}),
    ...(bucket ? { bucket } : {}),
  };
}

export function classify(err: unknown): DeliveryResult & { ok: false } {
  if (err instanceof RateLimitError) {
    const after = err.retryAfter > 0 ? err.retryAfter : err.timeToReset > 0 ? err.timeToReset : 1000;
    const channel = /^\/channels\/(\d+)\/messages/.exec(err.route)?.[1] ?? /\/channels\/(\d+)\/messages/.exec(err.url)?.[1];
    // A per-route (or shared) limit holds that route only; the global one, every request of the bot.
    const route = !err.global && channel ? { limitedRoute: messagesRoute(channel) } : {};
    return { ok: false, permanent: false, reason: `rate limited${err.global ? ' (global)' : ''} on ${err.route}`, retryAfterMs: Math.ceil(after), ...route };
  }
  if (err instanceof DiscordAPIError) {
    const known = typeof err.code === 'number' ? PERMANENT[err.code] : undefined;
    if (known) return { ok: false, permanent: true, reason: `${known} (${err.code})` };
    if (err.status === 404) return { ok: false, permanent: true, reason: `not found (${err.status} ${err.code}): ${err.message}` };
    if (err.status === 403) return { ok: false, permanent: true, reason: `forbidden (${err.code}): ${err.message}` };
    // 401: the token, not the channel, is wrong: retrying later (after a fix) is right; pausing every channel is not.
    if (err.status === 401) return { ok: false, permanent: false, reason: 'Discord rejected the bot token (401)' };
    if (err.status >= 500) return { ok: false, permanent: false, reason: `Discord error ${err.status}: ${err.message}` };
    // Another 4xx: the same message would be refused again.
    return { ok: false, permanent: true, reason: `Discord refused the message (${err.status} ${err.code}): ${err.message}` };
  }
  if (err instanceof HTTPError) return { ok: false, permanent: false, reason: `Discord HTTP ${err.status}` };
  const e = err as Error & { code?: string; cause?: { code?: string } };
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError') return { ok: false, permanent: false, reason: 'timed out' };
  return { ok: false, permanent: false, reason: `network: ${e?.cause?.code ?? e?.code ?? e?.message ?? String(err)}` };
}
