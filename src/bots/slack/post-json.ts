/**
 * chat.postMessage as a JSON request of its own, for alert delivery. The WebClient serialises every call twice
 * over (a redacted copy of the arguments for its debug line, built whether or not it logs, and a form-encoded
 * body of the blocks), which at 10,000 channels was a third of what the process allocated during a fan-out;
 * Slack takes chat.postMessage as JSON with a Bearer token, so the message is serialised once.
 *
 * Failures come back as the WebClient's errors (same `code`s and fields), so that `deliveryFailure` reads them
 * alike: a 429 with its Retry-After, an HTTP error, a platform error ({ok: false, error}), or a request that got
 * no answer (a timeout or a network error: the worker looks the message up before sending it again).
 */
import { webApi } from '@slack/bolt';

export interface PostMessageResult {
  ok: boolean;
  ts?: string;
  channel?: string;
  error?: string;
}

/** Posts one message (the arguments of chat.postMessage); throws the WebClient's errors. */
export type PostMessage = (args: Record<string, unknown>) => Promise<PostMessageResult>;

export interface JsonPostOptions {
  token: string;
  /** Web API base (SLACK_API_URL); default https://slack.com/api/. */
  apiUrl?: string;
  timeoutMs?: number;
}

/** An error shaped as the WebClient's (code and fields as deliveryFailure reads them). */
function slackError(code: string, message: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(message), { code, ...fields });
}

export function jsonPostMessage(options: JsonPostOptions): PostMessage {
  const base = options.apiUrl ?? 'https://slack.com/api/';
  const url = `${base}${base.endsWith('/') ? '' : '/'}chat.postMessage`;
  const timeoutMs = options.timeoutMs ?? 10_000;
  return async (args) => {
    // Nothing back (a timeout, a reset connection) or an answer that is not JSON: nothing says whether it went out.
    const unanswered = (err: unknown) => slackError(webApi.ErrorCode.RequestError, `A request error occurred: ${(err as Error).message}`, { original: err });
    let answer: Response;
    try {
      answer = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(args),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw unanswered(err);
    }
    if (answer.status === 429) {
      await answer.body?.cancel().catch(() => undefined);
      // Seconds, read as the WebClient reads them. None or unreadable (a proxy's 429): a plain failure, for the
      // worker's own backoff and its horizon (a rate limit is retried without end, and holds every channel).
      const retryAfter = Number.parseInt(answer.headers.get('retry-after') ?? '', 10);
      if (!Number.isFinite(retryAfter)) throw new Error('HTTP 429 without a Retry-After');
      throw slackError(webApi.ErrorCode.RateLimitedError, 'A rate limit was exceeded', { retryAfter });
    }
    if (!answer.ok) {
      await answer.body?.cancel().catch(() => undefined);
      throw slackError(webApi.ErrorCode.HTTPError, `An HTTP protocol error occurred: statusCode = ${answer.status}`, { statusCode: answer.status });
    }
    let body: PostMessageResult;
    try {
      body = (await answer.json()) as PostMessageResult;
    } catch (err) {
      throw unanswered(err);
    }
    if (!body.ok) throw slackError(webApi.ErrorCode.PlatformError, `An API error occurred: ${body.error ?? 'unknown_error'}`, { data: body });
    return body;
  };
}
