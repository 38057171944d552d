/** The lease itself: one holder at a time, taken over on expiry or when its holder process is gone. */
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { holderGone, Lease, LeaseBusyError, leaseHeld } from '../../../src/core/ops/lease';
import { openDb } from '../../../src/core/store/db';
import { LeaseStore } from '../../../src/core/store/leases';

describe('leases', () => {
  it('one holder at a time; a second waits or is told who holds it; release frees it', async () => {
    const db = openDb(':memory:');
    const first = await Lease.acquire(db, 'refresh');
    await expect(Lease.acquire(db, 'refresh', { waitMs: 0 })).rejects.toThrow(LeaseBusyError);
    await expect(Lease.acquire(db, 'refresh', { waitMs: 0 })).rejects.toThrow(new RegExp(`already running \\(held by ${hostname()}:${process.pid} since \\d{4}-`));
    setTimeout(() => first.release(), 100);
    const second = await Lease.acquire(db, 'refresh', { waitMs: 5000, pollMs: 20 });
    expect(leaseHeld(db, 'refresh')?.holder).toBe(second.holder);
    second.release();
    expect(leaseHeld(db, 'refresh')).toBeUndefined();
  });

  it('an expired lease is taken over, and its old holder learns it lost it', () => {
    const db = openDb(':memory:');
    const store = new LeaseStore(db);
    const now = Date.now();
    expect(store.take('leader', 'other-host:1:a', 1000, now).taken).toBe(true);
    expect(store.take('leader', 'other-host:2:b', 1000, now + 500).taken).toBe(false);
    expect(store.take('leader', 'other-host:2:b', 1000, now + 1001).taken).toBe(true);
    expect(store.renew('leader', 'other-host:1:a', 1000, now + 1002)).toBe(false);
    expect(store.renew('leader', 'other-host:2:b', 1000, now + 1002)).toBe(true);
  });

  it('a holder process on this host that no longer exists frees its lease at once', () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    expect(holderGone(`${hostname()}:${dead}:x`)).toBe(true);
    expect(holderGone(`${hostname()}:${process.pid}:x`)).toBe(false);
    expect(holderGone(`some-other-host:${dead}:x`)).toBe(false);
    const db = openDb(':memory:');
    new LeaseStore(db).take('refresh', `${hostname()}:${dead}:x`, 60_000, Date.now());
    expect(Lease.tryTake(db, 'refresh').lease).toBeDefined();
  });
});
