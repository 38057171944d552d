/**
 * A lease held by this process on the shared store (either engine): the async twin of src/core/ops/lease.ts,
 * with the same rules (taken atomically, renewed by a heartbeat, taken over when it expires or, on the same host,
 * when its holder process is gone, released at the end).
 */
import { DEFAULT_LEASE_TTL_MS, holderGone, newHolderId } from '../ops/lease';
import type { LeaseRow, SharedLeases } from './types';

export class SharedLease {
  private timer?: NodeJS.Timeout;
  private lost = false;
  private renewing?: Promise<boolean>;
  /** When the lease runs out as far as this process knows (the last take or renew it saw succeed, plus the TTL). */
  private heldUntil: number;

  private constructor(
    private readonly leases: SharedLeases,
    readonly name: string,
    readonly holder: string,
    private readonly ttlMs: number,
    takenAt: number,
  ) {
    this.heldUntil = takenAt + ttlMs;
  }

  /** Take the lease once: the lease, or the row of the live holder that has it. */
  static async tryTake(leases: SharedLeases, name: string, options: { ttlMs?: number; holder?: string; now?: () => number } = {}): Promise<{ lease?: SharedLease; row?: LeaseRow }> {
    const ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
    const holder = options.holder ?? newHolderId();
    const now = (options.now ?? Date.now)();
    const taken = await leases.take(name, holder, ttlMs, now, holderGone);
    if (!taken.taken) return { row: taken.row };
    return { lease: new SharedLease(leases, name, holder, ttlMs, now) };
  }

  /** Renew every third of the time to live while held; the timer never keeps the process alive. */
  heartbeat(): this {
    this.timer ??= setInterval(() => void this.renew().catch(() => {}), Math.max(50, Math.floor(this.ttlMs / 3)));
    this.timer.unref();
    return this;
  }

  /** Extend the lease now; false once it has been lost (expired and taken by another holder). */
  renew(): Promise<boolean> {
    if (this.lost) return Promise.resolve(false);
    const at = Date.now();
    this.renewing ??= this.leases
      .renew(this.name, this.holder, this.ttlMs, at)
      .then((ok) => {
        if (ok) this.heldUntil = at + this.ttlMs;
        else this.lost = true;
        return ok;
      })
      .finally(() => (this.renewing = undefined));
    return this.renewing;
  }

  get held(): boolean {
    return !this.lost;
  }

  /**
   * Could another holder have taken it by now? True once the time to live has passed since the last renew this
   * process saw succeed (renews that failed to reach the database do not count): a leader must stop then.
   */
  mayBeLost(now = Date.now()): boolean {
    return this.lost || now >= this.heldUntil;
  }

  async release(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    const wasHeld = !this.lost;
    this.lost = true;
    // A release that fails (the database is gone) leaves the lease to expire on its own.
    if (wasHeld) await this.leases.release(this.name, this.holder).catch(() => {});
  }
}
