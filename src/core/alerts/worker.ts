/**
 * The delivery worker: sends what the outbox holds, oldest first and in order per channel, through each
 * platform's sink. A delivered message is marked so in the database right after the platform accepted it;
 * a temporary failure is retried with exponential backoff and jitter (a 429's Retry-After wins); a
 * permanent one (channel gone, bot removed) pauses the subscription with the reason. Every attempt is recorded.
 * A message that still fails after ALERT_RETRY_HOURS of retries (the delay grows to ALERT_RETRY_MAX_DELAY_MS)
 * is marked failed and logged at error level; failed messages of a platform are sent again as soon as another
 * message to that platform goes through (failed.ts), or by hand (`sanctions outbox retry`).
 * After a crash, a message left "sending" may or may not have reached the channel: the sink is asked
 * (`confirm`, by the message's key) and the message is marked delivered or sent again; a sink that cannot
 * tell gets it again (at least once). Likewise a message whose last attempt got no answer (a timeout) is looked
 * up with `confirm` before it is sent again.
 */
import type { Db } from '../store/db';
import type { AlertSink, DeliveryResult } from './delivery';
import { withFiles } from './digest';
import { retryFailed } from './failed';
import type { OutboxRow } from './outbox';
import { storedReply } from './outbox-payload';
import { Pacer, type PaceRoute, type PaceTicket } from './pacer';
import { SubscriptionStore } from './subscriptions';
import { sleep, withTimeout } from '../ops/timeout';

/** Channels sent to at the same time. */
const CONCURRENCY = 8;
/** A drain waits for a paced bucket this long at most; longer, it returns and the next turn picks the message up. */
const MAX_PACE_WAIT_MS = 5_000;
/** Every channel's next message is read again at least this often during a drain. */
const REQUERY_MS = 1_000;

/**
 * The next message of each channel (the oldest undelivered one) that is due: one pass over the partial index
 * outbox_channel_queue (undelivered rows only, grouped by platform and channel), not a subquery per row.
 */
export const HEADS_SQL = `SELECT o.id, o.platform, o.channel, o.next_attempt_at FROM (
    SELECT MIN(id) AS id FROM outbox INDEXED BY outbox_channel_queue WHERE state IN ('pending', 'sending') GROUP BY platform, channel
  ) h JOIN outbox o ON o.id = h.id
  WHERE o.next_attempt_at <= ?
  ORDER BY o.next_attempt_at, o.id`;

/** A channel's next message, as the worker picks it. */
export interface Head {
  id: number;
  platform: string;
  channel: string;
  next_attempt_at: string;
}

/** The message's key for good: the outbox row and when it was queued. */
export function messageKey(row: Pick<OutboxRow, 'id'> & { created_at?: string }): string {
  return `sanctions-${row.id}-${Date.parse(row.created_at ?? '') || 0}`;
}

interface HeadInfo {
  channelKey: string;
  routes: readonly PaceRoute[];
}

/** A pass over the heads in hand: the clock it reads, and the shortest wait of a head left waiting. */
interface Scan {
  paced: number;
  clock: number;
}

export interface WorkerOptions {
  sinks: Map<string, AlertSink>;
  now?: () => Date;
  random?: () => number;
  /** Give up on a message after this many attempts (default: no limit, only the horizon). */
  maxAttempts?: number;
  /** Give up on a message this long after its first attempt (default 48 h). */
  horizonMs?: number;
  baseDelayMs?: number;
  /** The longest wait between two attempts (default 1 h). */
  maxDelayMs?: number;
  /** Where a message given up on, and failed messages sent again, are logged. */
  logger?: WorkerLogger;
  /** A sink call that takes longer than this counts as a temporary failure. */
  timeoutMs?: number;
  onAttempt?: (platform: string, outcome: 'delivered' | 'retry' | 'failed', row: OutboxRow) => void;
  /** Rate-limit buckets shared by the sends (default: one of the worker's own). */
  pacer?: Pacer;
  /** Channels sent to at the same time (default 8). */
  concurrency?: number;
}

/** The part of a pino logger the worker uses. */
export interface WorkerLogger {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export const DEFAULT_HORIZON_MS = 48 * 3_600_000;
export const DEFAULT_MAX_DELAY_MS = 3_600_000;

export interface DrainReport {
  delivered: number;
  retried: number;
  failed: number;
  /** Why nothing was attempted this turn (the database was locked by another writer). */
  skipped?: string;
}

export class DeliveryWorker {
  private timer?: NodeJS.Timeout;
  private running?: Promise<DrainReport>;
  /** A platform that said "slow down" (a 429) gets nothing more until then. */
  private readonly platformPausedUntil = new Map<string, number>();
  private readonly q;
  /** Messages whose last attempt got no answer: looked up with `confirm` before they are sent again. */
  private readonly unanswered = new Set<number>();
  readonly pacer: Pacer;

  constructor(
    private readonly db: Db,
    private readonly options: WorkerOptions,
  ) {
    // The worker's clock (the wall clock, unless a test drives time by hand).
    this.pacer = options.pacer ?? new Pacer(() => this.now().getTime());
    this.q = {
      // The next message of each channel (the oldest undelivered one) that is due: one pass over the
      // outbox_channel_queue index (undelivered rows only), not a subquery per row.
      heads: db.prepare<[string], Head>(HEADS_SQL),
      next: db.prepare<[string, string, string], Head>(
        `SELECT id, platform, channel, next_attempt_at FROM (
           SELECT id, platform, channel, next_attempt_at FROM outbox INDEXED BY outbox_channel_queue
            WHERE platform = ? AND channel = ? AND state IN ('pending', 'sending') ORDER BY id LIMIT 1
         ) WHERE next_attempt_at <= ?`,
      ),
      row: db.prepare<[number, string], OutboxRow>("SELECT * FROM outbox WHERE id = ? AND state IN ('pending', 'sending') AND next_attempt_at <= ?"),
      claim: db.prepare<[string, number]>("UPDATE outbox SET state = 'sending', attempts = attempts + 1, retry_since = COALESCE(retry_since, ?) WHERE id = ?"),
      delivered: db.prepare<[string, string | null, number]>("UPDATE outbox SET state = 'delivered', delivered_at = ?, ref = ?, last_error = NULL WHERE id = ?"),
      retry: db.prepare<[string, string, number]>("UPDATE outbox SET state = 'pending', next_attempt_at = ?, last_error = ? WHERE id = ?"),
      fail: db.prepare<[string, number]>("UPDATE outbox SET state = 'failed', last_error = ? WHERE id = ?"),
      failChannel: db.prepare<[string, number]>("UPDATE outbox SET state = 'failed', last_error = ? WHERE subscription_id = ? AND state IN ('pending', 'sending')"),
      attempt: db.prepare<[number, string, string, string | null, number | null]>(
        'INSERT INTO delivery_attempts (outbox_id, at, outcome, error, retry_after_ms) VALUES (?, ?, ?, ?, ?)',
      ),
      // What a crashed process of this worker left "sending"; not a message another worker (the shared store's,
      // src/core/shared) holds under a claim that has not run out.
      sending: db.prepare<[number], OutboxRow>("SELECT * FROM outbox WHERE state = 'sending' AND (claimed_by IS NULL OR claim_expires_at IS NULL OR claim_expires_at <= ?) ORDER BY id"),
      uncount: db.prepare<[number]>('UPDATE outbox SET attempts = attempts - 1 WHERE id = ?'),
      unsend: db.prepare<[number]>("UPDATE outbox SET state = 'pending' WHERE id = ? AND state = 'sending'"),
    };
  }

  private recovered = false;

  /** Settle what a crashed process left "sending": delivered if the platform has it, else to be sent again. */
  private async recover(): Promise<void> {
    if (this.recovered) return;
    this.recovered = true;
    for (const row of this.q.sending.all(this.nowMs())) {
      const sink = this.options.sinks.get(row.platform);
      let seen: boolean | undefined;
      try {
        seen = await sink?.confirm?.(row.channel, messageKey(row));
      } catch {
        seen = undefined;
      }
      if (seen) {
        const at = this.now().toISOString();
        this.db.transaction(() => {
          this.q.delivered.run(at, null, row.id);
          this.q.attempt.run(row.id, at, 'delivered', 'confirmed after a restart', null);
        }).immediate();
      } else {
        if (seen === undefined) {
          this.options.logger?.warn(
            { outbox: row.id, platform: row.platform, channel: row.channel },
            `alert delivery: could not tell whether message ${row.id} reached ${row.platform} ${row.channel} before the restart; sending it again once (it may appear twice)`,
          );
        }
        this.q.unsend.run(row.id);
      }
    }
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private nowMs(): number {
    return this.options.now ? this.options.now().getTime() : Date.now();
  }

  /** Send every message that is due now (one pass; messages retried later stay queued). */
  drain(): Promise<DrainReport> {
    this.running ??= this.drainOnce().finally(() => (this.running = undefined));
    return this.running;
  }

  /**
   * Keeps up to `concurrency` channels in flight: each channel's next message goes out once the one before it
   * is settled (in order per channel), when its platform's buckets have room (the pacer); a channel that is
   * slow to answer or whose bucket is empty holds one slot or none, and the other channels' messages flow.
   * Returns when nothing more is due, or when what is due waits on a bucket longer than MAX_PACE_WAIT_MS.
   */
  private async drainOnce(): Promise<DrainReport> {
    await this.recover();
    const report: DrainReport = { delivered: 0, retried: 0, failed: 0 };
    const limit = this.options.concurrency ?? CONCURRENCY;
    const inFlight = new Map<string, Promise<void>>();
    /** Platforms whose sink is not repeat-safe, with a message in flight: one at a time. */
    const single = new Set<string>();
    /** Heads read and not sent yet (waiting on a bucket), and the next messages of channels that settled. */
    let queue: Head[] = [];
    // The list the next pass fills with what still waits (two lists used in turn: a pass over 5,000 waiting heads
    // happens on every send that settles, and must not allocate per head).
    let spare: Head[] = [];
    const followUps: Head[] = [];
    let queriedAt = -Infinity;
    for (;;) {
      const nowMs = this.now().getTime();
      // Every channel's head is read again when nothing is left in hand, and at least every REQUERY_MS (retries
      // that came due, messages routed meanwhile); in between, a channel that settles brings its own next
      // message (one indexed read), so 5,000 channels cost one query a second, not one per send.
      let fresh = false;
      if ((!queue.length && !followUps.length && !inFlight.size) || nowMs - queriedAt >= REQUERY_MS) {
        queue = this.q.heads.all(new Date(nowMs).toISOString());
        followUps.length = 0;
        queriedAt = nowMs;
        fresh = true;
      } else {
        queue.push(...followUps.splice(0));
      }
      const waiting = spare;
      waiting.length = 0;
      let started = 0;
      // The clock is read once per pass and again after each wait (not per head: thousands may wait per pass).
      const scan: Scan = { paced: Infinity, clock: this.nowMs() };
      for (let from = 0; ; ) {
        const at = this.nextToSend(queue, from, waiting, scan, inFlight, single);
        if (at < 0) break;
        from = at + 1;
        const head = queue[at]!;
        const { channelKey, routes } = this.about(head);
        const sink = this.options.sinks.get(head.platform);
        // Read again: while this pass waited for a slot, the message may have been settled or put off.
        const row = this.q.row.get(head.id, this.now().toISOString());
        if (!row) continue;
        const ticket = this.pacer.take(routes, this.options.pacer ? undefined : scan.clock);
        const oneAtATime = sink?.repeatSafe?.() === false;
        if (oneAtATime) single.add(head.platform);
        const sending = this.send(row, report, ticket).finally(() => {
          inFlight.delete(channelKey);
          if (oneAtATime) single.delete(head.platform);
          const next = this.q.next.get(head.platform, head.channel, this.now().toISOString());
          if (next) followUps.push(next);
        });
        inFlight.set(channelKey, sending);
        started++;
        if (inFlight.size >= limit) {
          while (inFlight.size >= limit) await Promise.race(inFlight.values());
          scan.clock = this.nowMs();
        }
      }
      const paced = scan.paced;
      spare = queue;
      queue = waiting;
      if (inFlight.size) {
        // Wait for a channel to settle (its next message may be due) or a bucket to refill, then look again.
        await Promise.race([...inFlight.values(), ...(paced < Infinity ? [sleep(paced)] : [])]);
        continue;
      }
      if (started || followUps.length) continue;
      if (!queue.length) {
        if (fresh) return report;
        continue;
      }
      if (paced <= MAX_PACE_WAIT_MS) {
        const before = this.now().getTime();
        await sleep(paced);
        // A clock driven by hand (tests) does not move while we sleep: the caller moves it and drains again.
        if (this.now().getTime() > before) continue;
      }
      return report;
    }
  }

  /** Each head's channel key and buckets, made once per head read (not once per pass). */
  private readonly heads = new WeakMap<Head, HeadInfo>();

  private about(head: Head): HeadInfo {
    let info = this.heads.get(head);
    if (!info) {
      info = { channelKey: `${head.platform}\u0000${head.channel}`, routes: this.options.sinks.get(head.platform)?.routes?.(head.channel) ?? [] };
      this.heads.set(head, info);
    }
    return info;
  }

  /**
   * The index of the next head from `from` on that may be sent now, or -1. Heads that must wait (their bucket is
   * empty, their platform sends one at a time) go to `waiting`, and the shortest bucket wait to `scan.paced`;
   * heads of channels in flight or of a platform paused by a 429 are left out (they come back by themselves).
   * Synchronous and allocation-free: a drain runs it over every waiting head each time a send settles.
   */
  private nextToSend(queue: readonly Head[], from: number, waiting: Head[], scan: Scan, inFlight: ReadonlyMap<string, unknown>, single: ReadonlySet<string>): number {
    // (A pacer given by the caller keeps its own clock.)
    const clock = this.options.pacer ? undefined : scan.clock;
    for (let i = from; i < queue.length; i++) {
      const head = queue[i]!;
      const { channelKey, routes } = this.about(head);
      // A channel in flight brings its next message itself when it settles.
      if (inFlight.has(channelKey)) continue;
      if (single.has(head.platform)) {
        waiting.push(head);
        continue;
      }
      // A platform that said "slow down" for everything: its heads are read again after the wait.
      if ((this.platformPausedUntil.get(head.platform) ?? 0) > scan.clock) continue;
      const wait = this.pacer.waitMs(routes, clock);
      if (wait > 0) {
        if (wait < scan.paced) scan.paced = wait;
        waiting.push(head);
        continue;
      }
      return i;
    }
    return -1;
  }

  private async send(row: OutboxRow, report: DrainReport, ticket?: PaceTicket): Promise<void> {
    const sink = this.options.sinks.get(row.platform);
    const at = () => this.now().toISOString();
    if (!sink) {
      // No adapter for this platform in this process (its credentials are not set): try again later.
      this.q.retry.run(new Date(this.now().getTime() + (this.options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS)).toISOString(), `no ${row.platform} adapter running`, row.id);
      report.retried++;
      return;
    }
    const since = row.retry_since ?? at();
    this.q.claim.run(since, row.id);
    const attempts = row.attempts + 1;
    let result: DeliveryResult | undefined;
    let note: string | null = null;
    if (this.unanswered.delete(row.id) && sink.confirm) {
      // The last attempt may have gone through without an answer: if the channel has it, it is delivered.
      const seen = await sink.confirm(row.channel, messageKey(row)).catch(() => undefined);
      if (seen) {
        result = { ok: true };
        note = 'found in the channel after an unanswered attempt';
      }
    }
    try {
      // A digest goes out with its full content attached (built here: the outbox keeps only the message).
      const reply = withFiles(this.db, row.id, storedReply(this.db, row));
      // The rate-limit windows count from when the request leaves, not from when this send was scheduled.
      if (ticket && !result) this.pacer.started(ticket);
      result ??= await withTimeout(sink.deliver(row.channel, reply, messageKey(row)), this.options.timeoutMs ?? 30_000);
    } catch (err) {
      result = { ok: false, permanent: false, reason: (err as Error).message, unanswered: true };
    }
    // What the platform said of its buckets paces the next sends.
    for (const o of result.rate ?? []) this.pacer.observe(o);
    if (result.ok) {
      const ref = result.ref ?? null;
      if (result.warning) {
        note = [note, result.warning].filter(Boolean).join('; ');
        this.options.logger?.warn({ outbox: row.id, platform: row.platform, channel: row.channel }, `alert delivery: message ${row.id} went out, but ${result.warning}`);
      }
      this.db.transaction(() => {
        this.q.delivered.run(at(), ref, row.id);
        this.q.attempt.run(row.id, at(), 'delivered', note, null);
      }).immediate();
      report.delivered++;
      this.options.onAttempt?.(row.platform, 'delivered', row);
      // The platform answers again: what it failed to take before goes out again now.
      const again = retryFailed(this.db, { platform: row.platform }, this.now());
      if (again) this.options.logger?.warn({ platform: row.platform, messages: again }, `alert delivery: ${row.platform} answers again; sending ${again} failed message(s) again`);
      return;
    }
    if (result.unanswered) this.unanswered.add(row.id);
    const maxAttempts = this.options.maxAttempts ?? Infinity;
    const horizonEnd = Date.parse(since) + (this.options.horizonMs ?? DEFAULT_HORIZON_MS);
    const nowMs = this.now().getTime();
    // Being told to wait (a rate limit) is not a failed attempt: it never counts towards giving up.
    const rateLimited = result.retryAfterMs !== undefined;
    if (rateLimited) {
      this.q.uncount.run(row.id);
      // One route's bucket: only that route waits (the pacer), the platform's other channels go on.
      if (result.limitedRoute) this.pacer.block(result.limitedRoute, result.retryAfterMs!);
      else this.platformPausedUntil.set(row.platform, Math.max(this.platformPausedUntil.get(row.platform) ?? 0, this.now().getTime() + result.retryAfterMs!));
    }
    if (result.permanent || (!rateLimited && (attempts >= maxAttempts || nowMs >= horizonEnd))) {
      this.unanswered.delete(row.id);
      const reason = result.permanent ? result.reason : `gave up after ${attempts} attempts in ${span(nowMs - Date.parse(since))}: ${result.reason}`;
      this.db.transaction(() => {
        this.q.fail.run(reason, row.id);
        this.q.attempt.run(row.id, at(), 'failed', reason, null);
        if (result.permanent) {
          new SubscriptionStore(this.db).pause(row.subscription_id, `${row.platform} said ${result.reason}`, this.now());
          this.q.failChannel.run(`subscription paused: ${result.reason}`, row.subscription_id);
        }
      }).immediate();
      report.failed++;
      this.options.onAttempt?.(row.platform, 'failed', row);
      if (!result.permanent) {
        this.options.logger?.error(
          { outbox: row.id, platform: row.platform, channel: row.channel, kind: row.kind, attempts, reason: result.reason },
          `alert delivery: message ${row.id} to ${row.platform} ${row.channel} failed for good, ${reason}; it is sent again when ${row.platform} takes another message, or with "sanctions outbox retry --id ${row.id}"`,
        );
      } else {
        this.options.logger?.warn({ outbox: row.id, platform: row.platform, channel: row.channel, reason: result.reason }, `alert delivery: ${row.platform} ${row.channel} refused message ${row.id} for good (${result.reason}); its subscription is paused`);
      }
      return;
    }
    // The last try falls on the horizon itself, not after it.
    const delay = result.retryAfterMs ?? Math.max(0, Math.min(this.backoff(attempts), horizonEnd - nowMs));
    this.db.transaction(() => {
      this.q.retry.run(new Date(this.now().getTime() + delay).toISOString(), result.reason, row.id);
      this.q.attempt.run(row.id, at(), 'retry', result.reason, result.retryAfterMs ?? null);
    }).immediate();
    report.retried++;
    this.options.onAttempt?.(row.platform, 'retry', row);
  }

  /** Exponential backoff with full jitter: up to base * 2^(attempt-1), capped. */
  backoff(attempt: number): number {
    const base = this.options.baseDelayMs ?? 2000;
    const cap = this.options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
    const ceiling = Math.min(cap, base * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + (this.options.random ?? Math.random)() * (ceiling / 2));
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.drain(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}

/** "3 min", "2.5 h". */
function span(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${Math.round(ms / 360_000) / 10} h`;
}
