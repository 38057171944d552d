/**
 * Alert delivery to Slack: one chat.postMessage per Reply, and what came of it, for the delivery worker.
 * The WebClient here never retries and never waits out a rate limit itself (retries: 0,
 * rejectRateLimitedCalls): the worker owns retries, backoff and Retry-After, across restarts.
 *
 * Each message carries the worker's key as message metadata (event_type `sanctions_alert`), so that after a
 * crash `confirm` can look for it in the channel's recent history. chat.postMessage takes no idempotency key,
 * so reading the channel back is the only way to know: it needs channels:history, groups:history, im:history
 * and mpim:history (the manifest asks for them) and the bot in the channel. When the token lacks them
 * (`historyReadable` false, from the start-up check) `confirm` cannot tell, the message is sent again once, and
 * the sink says it is not repeat-safe: the worker then keeps one Slack message in flight at a time, so a crash
 * can repeat at most that one message (at least once).
 */
import { webApi } from '@slack/bolt';
import type { AlertSink, DeliveryResult } from '../../core/alerts/delivery';
import type { PaceRoute } from '../../core/alerts/pacer';
import { fileBytes, type Reply } from '../../core/commands/reply';
import { jsonPostMessage, type PostMessage } from './post-json';
import { renderReply } from './render';

type WebClient = InstanceType<typeof webApi.WebClient>;

/** Errors that another try will not fix: the channel is gone or closed to the bot, or the token is. */
export const PERMANENT_ERRORS = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'account_inactive',
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'token_expired',
  'missing_scope',
  'no_permission',
  'restricted_action',
  'ekm_access_denied',
  'team_access_not_granted',
]);

export interface SlackSinkOptions {
  token: string;
  /** Web API base (SLACK_API_URL); default https://slack.com/api/. */
  apiUrl?: string;
  /** Per-call timeout in ms (a timeout is a transient failure). */
  timeoutMs?: number;
  /**
   * chat.postMessage's workspace-wide limit, in messages per minute. Slack publishes none ("a workspace-wide
   * limit" besides one message per second per channel); unset, only a 429's Retry-After holds the workspace.
   */
  postsPerMinute?: number;
}

/**
 * chat.postMessage "generally allows posting one message per second per channel, while also maintaining a
 * workspace-wide limit" (https://api.slack.com/docs/rate-limits, special tier). The bursts it tolerates carry
 * "no guarantee", so each channel is paced at one a second.
 */
export function postRoutes(channel: string, postsPerMinute?: number): PaceRoute[] {
  return [
    { key: `slack:chat.postMessage:${channel}`, limit: 1, windowMs: 1000 },
    postsPerMinute ? { key: 'slack:chat.postMessage', limit: postsPerMinute, windowMs: 60_000 } : { key: 'slack:chat.postMessage' },
  ];
}

/** A WebClient for delivery: no retries of its own, rate limits reported instead of waited out. */
export function deliveryClient(options: SlackSinkOptions): WebClient {
  return new webApi.WebClient(options.token, {
    ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: options.timeoutMs ?? 10_000,
    logLevel: webApi.LogLevel.ERROR,
  });
}

/**
 * How long a delivery waits for a digest's file upload once its message is posted: the post (at most the client's
 * timeout) and this stay within the worker's delivery timeout (30 s), so the message is never sent twice.
 */
export const UPLOAD_BUDGET_MS = 12_000;

export class SlackSink implements AlertSink {
  readonly platform = 'slack';

  /** May the token read channel history (set at start from its scopes; undefined: not known)? */
  historyReadable: boolean | undefined;

  /** chat.postMessage: as JSON of its own (post-json.ts) when made by `create`, else through the client. */
  private readonly post: PostMessage;

  constructor(
    private readonly client: WebClient,
    private readonly postsPerMinute?: number,
    private readonly uploadBudgetMs = UPLOAD_BUDGET_MS,
    post?: PostMessage,
  ) {
    this.post = post ?? ((args) => client.chat.postMessage(args as unknown as Parameters<WebClient['chat']['postMessage']>[0]));
  }

  /** The channel's one-a-second bucket and the method's workspace-wide one. */
  routes(channel: string): PaceRoute[] {
    return postRoutes(channel, this.postsPerMinute);
  }

  /** Only when the token can read history back: else the worker sends one message at a time. */
  repeatSafe(): boolean {
    return this.historyReadable === true;
  }

  static create(options: SlackSinkOptions): SlackSink {
    return new SlackSink(deliveryClient(options), options.postsPerMinute, UPLOAD_BUDGET_MS, jsonPostMessage(options));
  }

  async deliver(channel: string, reply: Reply, key?: string): Promise<DeliveryResult> {
    const message = renderReply(reply, { share: false });
    try {
      const result = await this.post({
        channel,
        blocks: message.blocks,
        text: message.text,
        unfurl_links: false,
        unfurl_media: false,
        link_names: false,
        parse: 'none',
        ...(key ? { metadata: { event_type: METADATA_EVENT, event_payload: { key } } } : {}),
      });
      if (!result.ts || !reply.files?.length) return result.ts ? { ok: true, ref: result.ts } : { ok: true };
      // The digest's full content, in the message's thread: the message is out, so a failed upload is a warning,
      // not a reason to post the message again.
      // Bounded, so that a slow upload never makes the worker time the delivery out and post the message again.
      const upload = this.uploadFiles(channel, result.ts, reply).catch((err: unknown) => `its files could not be uploaded (${deliveryFailure(err).reason})`);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<string>((resolve) => {
        timer = setTimeout(() => resolve(`its files were still uploading after ${this.uploadBudgetMs / 1000} s (the upload goes on; the message is out)`), this.uploadBudgetMs);
        timer.unref();
      });
      const warning = await Promise.race([upload, late]).finally(() => clearTimeout(timer));
      return { ok: true, ref: result.ts, ...(warning ? { warning } : {}) };
    } catch (err) {
      return deliveryFailure(err);
    }
  }

  /**
   * Upload a reply's files into the thread of message `ts`, in files.uploadV2's three steps: an upload URL per
   * file, the bytes posted there as they are (Slack takes raw bytes), then one completeUploadExternal. Done here
   * rather than by the WebClient's filesUploadV2, which serialises each file's bytes into a debug line (a 60 KB
   * CSV becomes a 250 KB string, logged or not) and copies them into a form: with a digest going to thousands of
   * channels that garbage was most of what the process allocated during a fan-out.
   */
  async uploadFiles(channel: string, ts: string, reply: Reply): Promise<string | undefined> {
    const files = reply.files ?? [];
    if (!files.length) return undefined;
    const uploaded = await Promise.all(
      files.map(async (f) => {
        const bytes = fileBytes(f);
        const target = await this.client.files.getUploadURLExternal({ filename: f.name, length: bytes.length });
        if (!target.upload_url || !target.file_id) throw new Error(`files.getUploadURLExternal gave no upload URL for ${f.name}`);
        const answer = await fetch(target.upload_url, {
          method: 'POST',
          body: bytes,
          headers: { 'content-type': 'application/octet-stream' },
          signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS),
        });
        await answer.arrayBuffer();
        if (!answer.ok) throw new Error(`the upload of ${f.name} was answered HTTP ${answer.status}`);
        return { id: target.file_id, title: f.title ?? f.name };
      }),
    );
    await this.client.files.completeUploadExternal({ files: uploaded as [{ id: string; title?: string }], channel_id: channel, thread_ts: ts, initial_comment: uploadComment(reply) });
    return undefined;
  }

  /** Did a message with this key reach the channel? Looks through its recent history; undefined if it cannot. */
  async confirm(channel: string, key: string): Promise<boolean | undefined> {
    if (this.historyReadable === false) return undefined;
    try {
      const history = await this.client.conversations.history({ channel, limit: HISTORY_LOOKBACK, include_all_metadata: true });
      return (history.messages ?? []).some((m) => m.metadata?.event_type === METADATA_EVENT && (m.metadata.event_payload as { key?: unknown } | undefined)?.key === key);
    } catch {
      return undefined;
    }
  }
}

export const METADATA_EVENT = 'sanctions_alert';
/** The longest one file's bytes may take to reach Slack's upload service. */
const UPLOAD_TIMEOUT_MS = 120_000;
/** Messages looked through by `confirm`: a crash is followed by a restart within minutes, not days. */
const HISTORY_LOOKBACK = 200;

/** A WebClient error -> retry later (transient, maybe after Retry-After) or give up (permanent). */
export function deliveryFailure(err: unknown): DeliveryResult & { ok: false } {
  const e = err as { code?: string; retryAfter?: number; data?: { error?: string; response_metadata?: { retryAfter?: number } }; statusCode?: number; original?: Error; message?: string };
  switch (e.code) {
    case webApi.ErrorCode.RateLimitedError:
      return { ok: false, permanent: false, reason: 'rate limited', retryAfterMs: Math.max(0, (e.retryAfter ?? 1) * 1000) };
    case webApi.ErrorCode.PlatformError: {
      const code = e.data?.error ?? 'unknown_error';
      if (code === 'ratelimited' || code === 'rate_limited') {
        const after = e.data?.response_metadata?.retryAfter;
        return { ok: false, permanent: false, reason: code, ...(after !== undefined ? { retryAfterMs: after * 1000 } : {}) };
      }
      return { ok: false, permanent: PERMANENT_ERRORS.has(code), reason: code };
    }
    case webApi.ErrorCode.HTTPError:
      return { ok: false, permanent: false, reason: `HTTP ${e.statusCode ?? '?'}` };
    case webApi.ErrorCode.RequestError: {
      const original = e.original as (Error & { cause?: { code?: string } }) | undefined;
      const what = original?.name === 'TimeoutError' || original?.name === 'AbortError' ? 'timeout' : (original?.cause?.code ?? original?.message ?? 'request failed');
      return { ok: false, permanent: false, reason: `network: ${what}`, unanswered: true };
    }
    default:
      // e.g. a 429 without a readable Retry-After: the worker's own backoff decides.
      return { ok: false, permanent: false, reason: e.message ?? String(err) };
  }
}

/** What the files posted into an alert's thread are. */
export function uploadComment(reply: Reply): string {
  const files = reply.files ?? [];
  const chart = files.some((f) => f.type === 'image/png');
  if (!files.some((f) => f.type === 'text/csv')) return chart ? 'Designations per list by week over the last 8 weeks (chart).' : 'Files of this alert.';
  return `The full digest (${reply.alert?.total ?? files.length} entries): CSV for a spreadsheet, Markdown to read${chart ? ', and a chart of designations per list by week' : ''}.`;
}
