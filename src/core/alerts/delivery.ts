/**
 * The adapters' side of alert delivery: post a Reply to a channel and say how it went, so that the
 * delivery worker can mark it delivered, retry it later (429 retry-after, 5xx, timeouts), or pause the
 * subscription for good (the channel is gone, the bot was removed).
 */
import type { Reply } from '../commands/reply';
import type { PaceRoute, RateObservation } from './pacer';

export type DeliveryResult = (
  | {
      ok: true;
      /** The platform's id of the message (Slack ts, Discord message id). */
      ref?: string;
      /** The message went out but something with it did not (its files): recorded with the attempt. */
      warning?: string;
    }
  | {
      ok: false;
      permanent: boolean;
      reason: string;
      /** From a 429's Retry-After. */
      retryAfterMs?: number;
      /** No answer came back (a timeout, a dropped connection): the platform may have posted it all the same. */
      unanswered?: boolean;
      /**
       * The bucket a 429 was for, when the platform said it concerns one route only (Discord's per-route and
       * shared scopes): only that bucket waits. Absent: the whole platform waits out `retryAfterMs`.
       */
      limitedRoute?: string;
    }
) & {
  /** What the platform's answer said of its rate-limit buckets (fed to the worker's pacer). */
  rate?: RateObservation[];
};

export interface AlertSink {
  platform: string;
  /**
   * Post a reply. `key` identifies the message for good (the same on every attempt): sinks pass it where the
   * platform can keep it (Discord's nonce, Slack's message metadata) so that `confirm` can find it.
   */
  deliver(channel: string, reply: Reply, key: string): Promise<DeliveryResult>;
  /**
   * After a crash: did a message with this key reach the channel? true / false when the platform can tell,
   * undefined when it cannot (the message is then sent again: at least once).
   */
  confirm?(channel: string, key: string): Promise<boolean | undefined>;
  /**
   * Would a message in flight during a crash be recognised afterwards (confirm can read the channel, or the
   * platform drops a repeat of the key)? When not (false), the worker keeps one message of this platform in flight
   * at a time, so that a crash repeats at most that one. Undefined: yes.
   */
  repeatSafe?(): boolean;
  /**
   * The rate-limit buckets a post to this channel draws on, with the limits the platform publishes: the
   * worker's pacer sends no faster (pacer.ts). None: the platform is not paced before it answers 429.
   */
  routes?(channel: string): PaceRoute[];
}
