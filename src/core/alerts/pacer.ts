/**
 * Pacing sends before the platform answers 429: rate-limit buckets keyed by route, platform-neutral.
 *
 * A sink says which buckets a post to a channel draws on (`AlertSink.routes`), with the limits the platform
 * publishes where it publishes one (Slack: about one chat.postMessage per second per channel; Discord: 50
 * requests per second per bot, globally). What the platform then says in its answers (Discord's
 * X-RateLimit-Remaining / -Reset-After / -Bucket headers, any 429's Retry-After) comes back with the
 * delivery result (`DeliveryResult.rate`) and overrides the published figure for that bucket until it resets.
 * The delivery worker asks `waitMs` before each send: a message whose bucket is empty waits while the
 * worker sends other channels' messages.
 *
 * Two kinds of state per bucket:
 * - a published limit (`limit` sends per `windowMs`) kept as a sliding log of the last `limit` sends, so no
 *   window of that length ever holds more than `limit` (stricter than a fixed window: a client or server
 *   counting fixed windows never sees more either);
 * - what the platform last reported: `remaining` sends until `resetAt`, counted down by each send of ours.
 * A send must fit both.
 */

/** A bucket a send draws on, with the platform's published limit when there is one. */
export interface PaceRoute {
  key: string;
  /** Sends allowed per `windowMs` (none: only what the platform reports paces this bucket). */
  limit?: number;
  windowMs?: number;
}

/** What a platform's answer said of a bucket. */
export interface RateObservation {
  key: string;
  /** Requests left in the current window (X-RateLimit-Remaining; 0 after a 429). */
  remaining: number;
  /** When the window resets, from the answer (X-RateLimit-Reset-After or Retry-After), in ms. */
  resetAfterMs: number;
  /** The bucket's size (X-RateLimit-Limit), for display. */
  limit?: number;
  /** The platform's name for the bucket (Discord's X-RateLimit-Bucket), for display. */
  bucket?: string;
}

/** A send reserved by `take`: the window logs it holds a place in, and when (until `started`). */
export interface PaceTicket {
  at: number;
  logs: number[][];
}

interface BucketState {
  /** Times of recent sends (ms), oldest first, at most `limit` of them. */
  log: number[];
  /** From the platform: sends left until `resetAt`. */
  remaining?: number;
  resetAt?: number;
  lastUsed: number;
}

/** Buckets not used for this long are forgotten (a deployment with 10,000 channels keeps only the busy ones). */
const IDLE_MS = 10 * 60_000;

export class Pacer {
  private readonly buckets = new Map<string, BucketState>();
  private sweptAt = 0;

  constructor(private readonly clock: () => number = Date.now) {}

  /** How long until a send over all these routes fits (0: now). */
  waitMs(routes: readonly PaceRoute[], now = this.clock()): number {
    let wait = 0;
    for (const route of routes) {
      const b = this.buckets.get(route.key);
      if (!b) continue;
      if (b.remaining !== undefined && b.resetAt !== undefined && now < b.resetAt && b.remaining <= 0) wait = Math.max(wait, b.resetAt - now);
      if (route.limit !== undefined && route.windowMs !== undefined && b.log.length >= route.limit) {
        // The send `limit` places back must have left the window.
        const oldest = b.log[b.log.length - route.limit]!;
        wait = Math.max(wait, oldest + route.windowMs - now);
      }
    }
    return Math.max(0, Math.ceil(wait));
  }

  /**
   * Reserve a send over these routes (call when `waitMs` said 0). The reservation counts from now until
   * `started` moves it to when the request actually leaves (after the message and its files are built).
   */
  take(routes: readonly PaceRoute[], now = this.clock()): PaceTicket {
    const ticket: PaceTicket = { at: now, logs: [] };
    for (const route of routes) {
      let b = this.buckets.get(route.key);
      if (!b) this.buckets.set(route.key, (b = { log: [], lastUsed: now }));
      b.lastUsed = now;
      if (route.limit !== undefined) {
        b.log.push(now);
        ticket.logs.push(b.log);
        if (b.log.length > route.limit) b.log.splice(0, b.log.length - route.limit);
      }
      if (b.resetAt !== undefined && now >= b.resetAt) {
        b.remaining = undefined;
        b.resetAt = undefined;
      }
      if (b.remaining !== undefined) b.remaining--;
    }
    this.sweep(now);
    return ticket;
  }

  /**
   * The reserved send leaves now: its place in each window counts from now, not from the reservation, so that
   * a send delayed by its own preparation never lands closer than a window to the next one on the platform.
   */
  started(ticket: PaceTicket, now = this.clock()): void {
    for (const log of ticket.logs) {
      const i = log.lastIndexOf(ticket.at);
      if (i < 0) continue;
      log[i] = now;
      log.sort((a, b) => a - b);
    }
    ticket.at = now;
  }

  /**
   * What the platform said of a bucket. Sends of ours still in flight when it answered are not in its count
   * yet; they are few (one per channel) and a fresh answer follows each, so the figure is taken as it is.
   */
  observe(o: RateObservation, now = this.clock()): void {
    let b = this.buckets.get(o.key);
    if (!b) this.buckets.set(o.key, (b = { log: [], lastUsed: now }));
    b.lastUsed = now;
    b.remaining = Math.max(0, o.remaining);
    b.resetAt = now + Math.max(0, o.resetAfterMs);
  }

  /** The platform said "wait" for this bucket (a 429's Retry-After): nothing more on it until then. */
  block(key: string, ms: number, now = this.clock()): void {
    this.observe({ key, remaining: 0, resetAfterMs: ms }, now);
  }

  /** Buckets held (for tests and the bench). */
  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number): void {
    if (now - this.sweptAt < IDLE_MS) return;
    this.sweptAt = now;
    for (const [key, b] of this.buckets) {
      if (now - b.lastUsed > IDLE_MS && (b.resetAt === undefined || b.resetAt <= now)) this.buckets.delete(key);
    }
  }
}
