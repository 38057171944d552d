/**
 * The delivery worker on the shared store (PostgreSQL mode, issue 16): the same rules as the SQLite worker
 * (worker.ts: in order per channel, backoff with jitter, a 429's Retry-After wins and never counts as a failed
 * attempt, a permanent refusal pauses the subscription, give up after the horizon), with messages claimed rather
 * than read: each claim holds a channel's next message for this worker until the claim runs out, so workers in
 * several processes never send the same message, and one that dies mid-send leaves its claims to run out and be
 * taken by another. A message taken over that way may have reached the channel: the sink is asked (`confirm`, by
 * the message's key) before it is sent again, as after a crash of the single process.
 */
import type { DeliveryResult } from './delivery';
import { Pacer } from './pacer';
import { sharedReply } from './shared-route';
import { messageKey, DEFAULT_HORIZON_MS, DEFAULT_MAX_DELAY_MS, type DrainReport, type WorkerOptions } from './worker';
import type { ClaimedMessage, Settlement, SharedOutbox } from '../shared/types';
import { newHolderId } from '../ops/lease';
import { sleep, withTimeout } from '../ops/timeout';

/** The SQLite worker's options (the same rules), with the claims' own. */
export interface SharedWorkerOptions extends Pick<WorkerOptions, 'sinks' | 'now' | 'random' | 'maxAttempts' | 'horizonMs' | 'baseDelayMs' | 'maxDelayMs' | 'logger' | 'concurrency'> {
  /** A sink call that takes longer than this counts as a temporary failure (default 30 s, at most half the claim). */
  timeoutMs?: number;
  /** How long a claim holds a message (default 60 s): after a worker dies, its messages are taken over this much later. */
  claimTtlMs?: number;
  onAttempt?: (platform: string, outcome: 'delivered' | 'retry' | 'failed') => void;
  /** This worker's id in claims (default: host, process and a random part). */
  worker?: string;
}

export const DEFAULT_CLAIM_TTL_MS = 60_000;
/** A paced channel waits at most this long in hand; longer, its message is put back for later. */
const MAX_PACE_WAIT_MS = 5_000;
const BODIES_KEPT = 32;
/** A platform's failed messages are looked for at most this often after its deliveries (and after each give-up). */
const FAILED_CHECK_MS = 60_000;

export class SharedDeliveryWorker {
  readonly worker: string;
  private readonly pacer: Pacer;
  private running?: Promise<DrainReport>;
  private readonly platformPausedUntil = new Map<string, number>();
  /** Messages whose last attempt got no answer: looked up with `confirm` before they are sent again. */
  private readonly unanswered = new Set<number>();
  private readonly bodies = new Map<number, string>();
  /** When each platform's failed messages were last sent again (or looked for), ms. */
  private readonly failedCheckedAt = new Map<string, number>();
  /** A send queued failed messages again during this drain. */
  private requeued = false;
  private stopping = false;

  constructor(
    private readonly outbox: SharedOutbox,
    private readonly options: SharedWorkerOptions,
  ) {
    this.worker = options.worker ?? newHolderId();
    this.pacer = new Pacer(() => this.now().getTime());
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private get claimTtlMs(): number {
    return this.options.claimTtlMs ?? DEFAULT_CLAIM_TTL_MS;
  }

  private get timeoutMs(): number {
    return Math.min(this.options.timeoutMs ?? 30_000, Math.floor(this.claimTtlMs / 2));
  }

  /** Send what is due, keeping up to `concurrency` channels in flight; returns when nothing more is due. */
  drain(): Promise<DrainReport> {
    if (this.stopping) return Promise.resolve({ delivered: 0, retried: 0, failed: 0, skipped: 'stopped' });
    this.running ??= this.drainOnce().finally(() => (this.running = undefined));
    return this.running;
  }

  /**
   * Every send is watched from its start (a failure is kept, never left unhandled: that would end the process), and
   * the pass waits for every send under way before it ends, with the first failure (the database went away) as its
   * own. What was settled stays settled; the rest is claimed again when its claims run out.
   */
  private async drainOnce(): Promise<DrainReport> {
    const report: DrainReport = { delivered: 0, retried: 0, failed: 0 };
    const limit = this.options.concurrency ?? 8;
    const inFlight = new Map<number, Promise<void>>();
    let failure: unknown;
    const keep = (err: unknown) => void (failure ??= err);
    try {
      for (;;) {
        if (this.stopping || failure !== undefined) break;
        // Claimed in batches (when half the slots are free): one claim per message would cost a query per send.
        // A channel in flight is "sending" under this worker's live claim: the claim leaves it out by itself.
        const free = limit - inFlight.size;
        const claimed = free >= Math.ceil(limit / 2) ? await this.outbox.claimDue({ worker: this.worker, now: this.now(), limit: free, claimTtlMs: this.claimTtlMs }) : [];
        for (const m of claimed) {
          // This worker's own message, claimed again because a wait outlasted its claim: the send under way settles it.
          if (inFlight.has(m.id)) continue;
          const sending = this.inLane(m, () => this.send(m, report))
            .catch(keep)
            .finally(() => inFlight.delete(m.id));
          inFlight.set(m.id, sending);
        }
        if (!inFlight.size) {
          // Failed messages a send just queued again may have been missed by the claim that ran beside it: one more look.
          if (!this.requeued) break;
          this.requeued = false;
          continue;
        }
        if (!claimed.length || inFlight.size >= limit) await Promise.race(inFlight.values());
      }
    } catch (err) {
      keep(err);
    }
    await Promise.all(inFlight.values());
    if (failure !== undefined) throw failure;
    return report;
  }

  /** Sends to a platform that cannot recognise a repeat (repeatSafe() false) go one at a time: a crash repeats one. */
  private readonly lanes = new Map<string, Promise<unknown>>();

  private inLane(m: ClaimedMessage, send: () => Promise<void>): Promise<void> {
    if (this.options.sinks.get(m.platform)?.repeatSafe?.() !== false) return send();
    const turn = (this.lanes.get(m.platform) ?? Promise.resolve()).then(send, send);
    this.lanes.set(
      m.platform,
      turn.catch(() => undefined),
    );
    return turn;
  }

  private async settle(m: ClaimedMessage, outcome: Settlement): Promise<void> {
    if (!(await this.outbox.settle(m.id, this.worker, outcome, this.now()))) {
      // The claim ran out and another worker took the message: its outcome is that worker's to record.
      this.options.logger?.warn({ outbox: m.id, platform: m.platform, channel: m.channel }, `alert delivery: message ${m.id} was taken over by another worker before this one recorded it (${outcome.state})`);
    }
  }

  private async reply(m: ClaimedMessage) {
    if (m.bodyId == null) return sharedReply(m.id, m.payload, undefined);
    let body = this.bodies.get(m.bodyId);
    if (body === undefined) {
      body = await this.outbox.body(m.bodyId);
      if (body === undefined) throw new Error(`outbox message ${m.id}: its body ${m.bodyId} is missing`);
      if (this.bodies.size >= BODIES_KEPT) this.bodies.delete(this.bodies.keys().next().value!);
      this.bodies.set(m.bodyId, body);
    }
    return sharedReply(m.id, m.payload, body);
  }

  private async send(m: ClaimedMessage, report: DrainReport): Promise<void> {
    const sink = this.options.sinks.get(m.platform);
    const nowMs = () => this.now().getTime();
    const key = messageKey({ id: m.id, created_at: m.createdAt });
    if (!sink) {
      // No adapter for this platform in this process (its credentials are not set): later, and not counted.
      await this.settle(m, { state: 'retry', nextAttemptAt: new Date(nowMs() + (this.options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS)), error: `no ${m.platform} adapter running`, uncount: true });
      report.retried++;
      return;
    }
    // A platform that said "slow down" for everything, or a bucket that stays empty too long: put back, not counted.
    const routes = sink.routes?.(m.channel) ?? [];
    const waitFor = () => Math.max((this.platformPausedUntil.get(m.platform) ?? 0) - nowMs(), this.pacer.waitMs(routes));
    for (let wait = waitFor(); wait > 0; wait = waitFor()) {
      if (wait > MAX_PACE_WAIT_MS) {
        await this.settle(m, { state: 'retry', nextAttemptAt: new Date(nowMs() + wait), error: 'waiting for the platform rate limit', uncount: true });
        return;
      }
      await sleep(wait);
    }
    // The bucket's slot is taken now, with no wait between looking and taking: sends in flight together do not all
    // see the same free slot.
    const ticket = this.pacer.take(routes);
    // Held longer before a send that may outlast what is left of the claim (a wait, a look in the channel and a send,
    // each up to the timeout): never taken over by another worker while this one may still send.
    const willConfirm = Boolean(sink.confirm) && (m.reclaimed || m.attempts > 1 || this.unanswered.has(m.id));
    const needed = (willConfirm ? 2 : 1) * this.timeoutMs + 2_000;
    if (m.claimExpiresAt - nowMs() < needed && !(await this.outbox.extendClaim(m.id, this.worker, nowMs() + Math.max(this.claimTtlMs, needed)))) {
      this.options.logger?.warn({ outbox: m.id, platform: m.platform, channel: m.channel }, `alert delivery: message ${m.id} was taken over by another worker before it was sent here`);
      return;
    }
    let result: DeliveryResult | undefined;
    let note: string | null = null;
    // Attempted before (by a worker that stopped, or by one that got no answer or an error): if the channel has it, it
    // is delivered. Asked whatever worker made the attempt: what this process remembers is not enough after a handover.
    if ((m.reclaimed || m.attempts > 1 || this.unanswered.delete(m.id)) && sink.confirm) {
      const seen = await withTimeout(sink.confirm(m.channel, key), this.timeoutMs).catch(() => undefined);
      if (seen) {
        result = { ok: true };
        note = m.reclaimed ? 'found in the channel after the worker sending it stopped' : 'found in the channel after an unanswered attempt';
      } else if (seen === undefined && m.reclaimed) {
        this.options.logger?.warn(
          { outbox: m.id, platform: m.platform, channel: m.channel },
          `alert delivery: could not tell whether message ${m.id} reached ${m.platform} ${m.channel} before its worker stopped; sending it again once (it may appear twice)`,
        );
      }
    }
    try {
      if (!result) {
        const reply = await this.reply(m);
        this.pacer.started(ticket);
        result = await withTimeout(sink.deliver(m.channel, reply, key), this.timeoutMs);
      }
    } catch (err) {
      result = { ok: false, permanent: false, reason: (err as Error).message, unanswered: true };
    }
    for (const o of result.rate ?? []) this.pacer.observe(o);
    if (result.ok) {
      if (result.warning) {
        note = [note, result.warning].filter(Boolean).join('; ');
        this.options.logger?.warn({ outbox: m.id, platform: m.platform, channel: m.channel }, `alert delivery: message ${m.id} went out, but ${result.warning}`);
      }
      await this.settle(m, { state: 'delivered', ref: result.ref ?? null, note });
      report.delivered++;
      this.options.onAttempt?.(m.platform, 'delivered');
      await this.retryFailedOf(m.platform);
      return;
    }
    if (result.unanswered) this.unanswered.add(m.id);
    const since = Date.parse(m.retrySince);
    const horizonEnd = since + (this.options.horizonMs ?? DEFAULT_HORIZON_MS);
    const rateLimited = result.retryAfterMs !== undefined;
    if (rateLimited) {
      if (result.limitedRoute) this.pacer.block(result.limitedRoute, result.retryAfterMs!);
      else this.platformPausedUntil.set(m.platform, Math.max(this.platformPausedUntil.get(m.platform) ?? 0, nowMs() + result.retryAfterMs!));
    }
    if (result.permanent || (!rateLimited && (m.attempts >= (this.options.maxAttempts ?? Infinity) || nowMs() >= horizonEnd))) {
      this.unanswered.delete(m.id);
      const reason = result.permanent ? result.reason : `gave up after ${m.attempts} attempts: ${result.reason}`;
      await this.settle(m, { state: 'failed', error: reason, ...(result.permanent ? { pauseSubscription: `${m.platform} said ${result.reason}` } : {}) });
      report.failed++;
      // The platform's next delivery looks for it again, whenever the last look was.
      this.failedCheckedAt.delete(m.platform);
      this.options.onAttempt?.(m.platform, 'failed');
      if (result.permanent) this.options.logger?.warn({ outbox: m.id, platform: m.platform, channel: m.channel, reason: result.reason }, `alert delivery: ${m.platform} ${m.channel} refused message ${m.id} for good (${result.reason}); its subscription is paused`);
      else this.options.logger?.error({ outbox: m.id, platform: m.platform, channel: m.channel, attempts: m.attempts, reason: result.reason }, `alert delivery: message ${m.id} to ${m.platform} ${m.channel} failed for good, ${reason}`);
      return;
    }
    const delay = result.retryAfterMs ?? Math.max(0, Math.min(this.backoff(m.attempts), horizonEnd - nowMs()));
    await this.settle(m, { state: 'retry', nextAttemptAt: new Date(nowMs() + delay), error: result.reason, retryAfterMs: result.retryAfterMs ?? null, uncount: rateLimited });
    report.retried++;
    this.options.onAttempt?.(m.platform, 'retry');
  }

  /**
   * The platform answers again: what it failed to take before goes out again now (as the SQLite worker does after
   * each delivery). Looked for at most once a minute per platform, and at once after this worker gave up on one:
   * on PostgreSQL a look is a round trip, and most deliveries find nothing.
   */
  private async retryFailedOf(platform: string): Promise<void> {
    const now = this.now();
    const last = this.failedCheckedAt.get(platform);
    if (last !== undefined && now.getTime() - last < FAILED_CHECK_MS) return;
    this.failedCheckedAt.set(platform, now.getTime());
    try {
      const again = await this.outbox.retryFailed({ platform }, now);
      if (again) {
        this.requeued = true;
        this.options.logger?.warn({ platform, messages: again }, `alert delivery: ${platform} answers again; sending ${again} failed message(s) again`);
      }
    } catch (err) {
      this.failedCheckedAt.delete(platform);
      this.options.logger?.warn({ platform }, `alert delivery: could not send ${platform}'s failed messages again (${(err as Error).message}); trying after its next delivery`);
    }
  }

  /** Exponential backoff with full jitter, as the SQLite worker's. */
  backoff(attempt: number): number {
    const base = this.options.baseDelayMs ?? 2000;
    const ceiling = Math.min(this.options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS, base * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + (this.options.random ?? Math.random)() * (ceiling / 2));
  }

  /** Finish the sends in flight (their outcomes recorded) and start no more until `resume`. */
  async stop(): Promise<void> {
    this.stopping = true;
    // A pass that failed (the database went away) was reported by its caller: stopping does not fail with it.
    await this.running?.catch(() => undefined);
  }

  /** Deliver again after `stop` (the process leads again). */
  resume(): void {
    this.stopping = false;
  }
}
