/**
 * A lease held by this process on a database (one refresh at a time, one leader): taken atomically,
 * renewed by a heartbeat while held, taken over when its holder's time runs out or, on the same host, when
 * its holder process no longer exists (a SIGKILL), released at the end.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { withoutWaiting } from '../store/busy';
import type { Db } from '../store/db';
import { LeaseStore, type LeaseRow } from '../store/leases';

/** How long a lease outlives its last heartbeat. Longer than the longest synchronous step of a refresh. */
export const DEFAULT_LEASE_TTL_MS = 60_000;

export function newHolderId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/** A holder on this host whose process is gone can never renew: its lease is free now, not at expiry. */
export function holderGone(holder: string): boolean {
  const [host, pidText] = holder.split(':');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** "HOST:PID since TIME" of a holder, for messages. */
export function describeHolder(row: LeaseRow): string {
  const [host, pid] = row.holder.split(':');
  return `${host}:${pid} since ${row.acquired_at}`;
}

export class LeaseBusyError extends Error {
  constructor(
    readonly lease: string,
    readonly row: LeaseRow,
  ) {
    super(`already running (held by ${describeHolder(row)})`);
  }
}

function isBusy(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

export interface LeaseOptions {
  ttlMs?: number;
  /** How long to wait for a lease held by another live holder (0: do not wait). */
  waitMs?: number;
  pollMs?: number;
  /** Told once when the lease is held by someone else and this starts waiting. */
  onWait?: (row: LeaseRow) => void;
}

export class Lease {
  private timer?: NodeJS.Timeout;
  private lost = false;

  private constructor(
    private readonly db: Db,
    private readonly store: LeaseStore,
    readonly name: string,
    readonly holder: string,
    private readonly ttlMs: number,
  ) {}

  /** Take the lease once, or undefined when another live holder has it (or the database is busy). */
  static tryTake(db: Db, name: string, options: { ttlMs?: number; holder?: string } = {}): { lease?: Lease; row?: LeaseRow } {
    const store = new LeaseStore(db);
    const ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
    const holder = options.holder ?? newHolderId();
    // Never wait on the database's lock (a serving process's event loop would stop): busy is "not now".
    let taken: ReturnType<LeaseStore['take']> | undefined;
    if (!withoutWaiting(db, () => (taken = store.take(name, holder, ttlMs, Date.now(), holderGone)))) return { row: store.get(name) };
    if (!taken!.taken) return { row: taken!.row };
    return { lease: new Lease(db, store, name, holder, ttlMs) };
  }

  /** Take the lease, waiting up to `waitMs` for another holder to finish; LeaseBusyError when it does not. */
  static async acquire(db: Db, name: string, options: LeaseOptions = {}): Promise<Lease> {
    const until = Date.now() + (options.waitMs ?? 0);
    const holder = newHolderId();
    let told = false;
    for (;;) {
      const { lease, row } = Lease.tryTake(db, name, { ttlMs: options.ttlMs, holder });
      if (lease) return lease.heartbeat();
      if (Date.now() >= until) throw new LeaseBusyError(name, row ?? { name, holder: '?:?', acquired_at: '?', heartbeat_at: '?', expires_at: 0 });
      if (!told && row) {
        told = true;
        options.onWait?.(row);
      }
      await new Promise((r) => setTimeout(r, Math.min(options.pollMs ?? 250, Math.max(1, until - Date.now()))));
    }
  }

  /** Renew every third of the time to live while held; the timer never keeps the process alive. */
  heartbeat(): this {
    this.timer ??= setInterval(() => {
      try {
        this.renew();
      } catch {
        // The connection closed under the timer: the lease expires on its own.
      }
    }, Math.max(50, Math.floor(this.ttlMs / 3)));
    this.timer.unref();
    return this;
  }

  /** Extend the lease now; false once it has been lost (expired and taken by another holder). */
  renew(): boolean {
    if (this.lost) return false;
    // A writer holds the database (a refresh committing): try again at the next beat, the time to live covers it.
    withoutWaiting(this.db, () => {
      if (!this.store.renew(this.name, this.holder, this.ttlMs, Date.now())) this.lost = true;
    });
    return !this.lost;
  }

  get held(): boolean {
    return !this.lost;
  }

  release(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    try {
      if (!this.lost) this.store.release(this.name, this.holder);
    } catch (err) {
      if (!isBusy(err)) throw err;
      // It expires on its own.
    }
    this.lost = true;
  }
}

/** Is the lease held by a live holder right now (another process, or this one)? */
export function leaseHeld(db: Db, name: string): LeaseRow | undefined {
  const row = new LeaseStore(db).get(name);
  if (!row || row.expires_at <= Date.now() || holderGone(row.holder)) return undefined;
  return row;
}
