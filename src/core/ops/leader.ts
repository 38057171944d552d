/**
 * Leadership among the bot processes on one database: exactly one (the holder of the `leader` lease) runs
 * the refresh schedule and the alert delivery; every process answers commands. The leader renews its lease
 * on a heartbeat; the others try to take it on the same beat, so when the leader dies (a SIGKILL, a lost
 * host) another takes over within the lease's time to live, at once when the dead leader was on this host.
 * Stopping releases the lease, so a replacement leads on its next beat.
 */
import type { Db } from '../store/db';
import { Lease } from './lease';

export const LEADER_LEASE = 'leader';
export const DEFAULT_LEADER_TTL_MS = 30_000;

export interface LeadershipOptions {
  /** Start the leader's work (scheduler, alert delivery). */
  onGain: () => void;
  /** Stop it (leadership lost, or the process stops). */
  onLose: () => Promise<void> | void;
  onError?: (err: Error) => void;
  ttlMs?: number;
  /** How often to renew (the leader) or to try to take over (the others); default a sixth of the TTL. */
  beatMs?: number;
}

export class Leadership {
  private lease?: Lease;
  private timer?: NodeJS.Timeout;
  private changing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly options: LeadershipOptions,
  ) {}

  get isLeader(): boolean {
    return this.lease !== undefined;
  }

  /** Try to lead now (a lone process leads from its first moment), then keep beating. */
  start(): void {
    this.beat();
    const ttl = this.options.ttlMs ?? DEFAULT_LEADER_TTL_MS;
    this.timer = setInterval(() => this.beat(), this.options.beatMs ?? Math.max(100, Math.floor(ttl / 6)));
    this.timer.unref();
  }

  private beat(): void {
    try {
      if (this.lease) {
        if (!this.lease.renew()) this.lose();
        return;
      }
      const { lease } = Lease.tryTake(this.db, LEADER_LEASE, { ttlMs: this.options.ttlMs ?? DEFAULT_LEADER_TTL_MS });
      if (!lease) return;
      this.lease = lease;
      this.options.onGain();
    } catch (err) {
      this.options.onError?.(err as Error);
    }
  }

  private lose(): void {
    this.lease = undefined;
    this.changing = this.changing.then(() => this.options.onLose()).catch((err: Error) => this.options.onError?.(err));
  }

  /** Stop beating; a leader stops its work, then releases the lease. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    const lease = this.lease;
    if (lease) {
      this.lose();
      await this.changing;
      lease.release();
    }
    await this.changing;
  }
}
