/**
 * The adapters' side of alert delivery: post a Reply to a channel and say how it went, so that the
 * delivery worker can mark it delivered, retry it later (429 retry-after, 5xx, timeouts), or pause the
 * subscription for good (the channel is gone, the bot was removed).
 */
import type { Reply } from '../commands/reply';

export type DeliveryResult =
  | { ok: true; /** The platform's id of the message (Slack ts, Discord message id). */ ref?: string }
  | { ok: false; permanent: boolean; reason: string; /** From a 429's Retry-After. */ retryAfterMs?: number };

export interface AlertSink {
  platform: string;
  deliver(channel: string, reply: Reply): Promise<DeliveryResult>;
}
