/**
 * Leadership among the bot processes on one shared store (on one host or several): the async twin of
 * src/core/ops/leader.ts, over the `leader` lease of either engine. Exactly one process (the lease's holder) runs the
 * refresh schedule and the alert delivery; the leader renews on every beat, the others try to take over on the same
 * beat, so a dead leader is replaced within the lease's time to live (at once when it was on this host). A beat
 * never overlaps the one before (a slow database delays beats, it does not pile them up).
 */
import { DEFAULT_LEADER_TTL_MS, LEADER_LEASE, type LeadershipOptions } from '../ops/leader';
import { SharedLease } from './lease';
import type { SharedLeases } from './types';

export class SharedLeadership {
  private lease?: SharedLease;
  private timer?: NodeJS.Timeout;
  private beating?: Promise<void>;
  private changing: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly leases: SharedLeases,
    private readonly options: LeadershipOptions & { holder?: string },
  ) {}

  get isLeader(): boolean {
    return this.lease !== undefined;
  }

  /** Try to lead now, then keep beating; resolves after the first beat (a lone process leads from its start). */
  async start(): Promise<void> {
    const ttl = this.options.ttlMs ?? DEFAULT_LEADER_TTL_MS;
    this.timer = setInterval(() => void this.beat(), this.options.beatMs ?? Math.max(100, Math.floor(ttl / 6)));
    this.timer.unref();
    await this.beat();
  }

  /** One beat (renew, or try to take over); a beat already under way is waited for, not doubled. */
  beat(): Promise<void> {
    this.beating ??= this.beatOnce().finally(() => (this.beating = undefined));
    return this.beating;
  }

  private async beatOnce(): Promise<void> {
    if (this.stopped) return;
    try {
      if (this.lease) {
        if (!(await this.lease.renew())) this.lose();
        return;
      }
      const { lease } = await SharedLease.tryTake(this.leases, LEADER_LEASE, { ttlMs: this.options.ttlMs ?? DEFAULT_LEADER_TTL_MS, holder: this.options.holder });
      if (!lease) return;
      if (this.stopped) return void (await lease.release());
      this.lease = lease;
      // After any loss still being handled (its work stopping): a gain and a loss never interleave.
      this.changing = this.changing.then(() => this.options.onGain()).catch((err: Error) => this.options.onError?.(err));
    } catch (err) {
      // The database did not answer: a leader keeps leading while its lease still runs (nobody else can take it
      // before), and steps down once it may have run out, so that two never lead at once.
      this.options.onError?.(err as Error);
      if (this.lease?.mayBeLost()) this.lose();
    }
  }

  private lose(): void {
    this.lease = undefined;
    this.changing = this.changing.then(() => this.options.onLose()).catch((err: Error) => this.options.onError?.(err));
  }

  /** Stop beating; a leader stops its work, then releases the lease. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.beating;
    const lease = this.lease;
    if (lease) {
      this.lose();
      await this.changing;
      await lease.release();
    }
    await this.changing;
  }
}
