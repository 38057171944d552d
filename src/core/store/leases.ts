/**
 * Named leases in the database: at most one holder per name. Taking a lease is one BEGIN IMMEDIATE
 * transaction (read the row, decide, write), so two processes can never both believe they hold it.
 * A lease is free when it has no row, when it has expired, or when the caller says its holder is gone.
 */
import type { Db } from './db';

export interface LeaseRow {
  name: string;
  holder: string;
  acquired_at: string;
  heartbeat_at: string;
  /** ms since the epoch */
  expires_at: number;
}

export type TakeResult = { taken: true; row: LeaseRow } | { taken: false; row: LeaseRow };

export class LeaseStore {
  private readonly q;

  constructor(private readonly db: Db) {
    this.q = {
      get: db.prepare<[string], LeaseRow>('SELECT * FROM leases WHERE name = ?'),
      put: db.prepare<[LeaseRow]>(
        `INSERT INTO leases (name, holder, acquired_at, heartbeat_at, expires_at) VALUES (@name, @holder, @acquired_at, @heartbeat_at, @expires_at)
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, acquired_at = excluded.acquired_at,
           heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at`,
      ),
      renew: db.prepare<[string, number, string, string]>('UPDATE leases SET heartbeat_at = ?, expires_at = ? WHERE name = ? AND holder = ?'),
      release: db.prepare<[string, string]>('DELETE FROM leases WHERE name = ? AND holder = ?'),
    };
  }

  get(name: string): LeaseRow | undefined {
    return this.q.get.get(name);
  }

  /** Take the lease unless another live holder has it. `gone(holder)`: that holder is known dead. */
  take(name: string, holder: string, ttlMs: number, now: number, gone: (holder: string) => boolean = () => false): TakeResult {
    return this.db
      .transaction((): TakeResult => {
        const row = this.q.get.get(name);
        if (row && row.holder !== holder && row.expires_at > now && !gone(row.holder)) return { taken: false, row };
        const at = new Date(now).toISOString();
        const next: LeaseRow = { name, holder, acquired_at: row?.holder === holder ? row.acquired_at : at, heartbeat_at: at, expires_at: now + ttlMs };
        this.q.put.run(next);
        return { taken: true, row: next };
      })
      .immediate();
  }

  /** Extend a lease this holder still has; false when it has lost it (expired and taken over). */
  renew(name: string, holder: string, ttlMs: number, now: number): boolean {
    return this.q.renew.run(new Date(now).toISOString(), now + ttlMs, name, holder).changes === 1;
  }

  release(name: string, holder: string): void {
    this.q.release.run(name, holder);
  }
}
