/**
 * Start-up recovery: finish or roll back what a refresh killed mid-way left behind. A refresh applies each
 * source in a transaction (all or nothing), but marks its `refreshes` row `running` before and rebuilds the
 * parties after: a process killed in between leaves rows `running` for ever and records without a party.
 * Runs when the store opens, only while no live refresh holds the refresh lease (its state is its own).
 */
import { rebuildParties } from './match/parties';
import { Lease, leaseHeld } from './ops/lease';
import type { Db } from './store/db';
import { deleteMeta, getMeta, setMeta } from './store/meta';
import { SourceStore } from './store/sources';

export const REFRESH_LEASE = 'refresh';
const PARTIES_DIRTY = 'parties_dirty';

export interface RecoveryReport {
  interrupted: number;
  partiesRebuilt: boolean;
}

/** Set in the transaction that applies a snapshot whose parties are rebuilt later (after every source). */
export function markPartiesDirty(db: Db): void {
  setMeta(db, PARTIES_DIRTY, '1');
}

export function partiesDirty(db: Db): boolean {
  return getMeta(db, PARTIES_DIRTY) !== undefined;
}

/**
 * Rebuild the parties a refresh left to be rebuilt after its last source. A change of grouping is a change of
 * data: the dataset version moves, so lookups (which keep parties in memory per version) see the new grouping.
 */
export function rebuildPartiesAndClear(db: Db): void {
  rebuildParties(db, { bumpVersion: true });
  deleteMeta(db, PARTIES_DIRTY);
}

function needsRecovery(db: Db): boolean {
  return (
    db.prepare("SELECT 1 FROM refreshes WHERE outcome = 'running' LIMIT 1").get() !== undefined ||
    partiesDirty(db) ||
    db.prepare('SELECT 1 FROM records WHERE party_id IS NULL LIMIT 1').get() !== undefined
  );
}

/**
 * Mark refreshes left running as failed ("interrupted"), and rebuild the parties when a record has none or
 * a rebuild was cut short. Cheap when there is nothing to do (three indexed look-ups, no write).
 */
export function recoverInterrupted(db: Db, now: () => Date = () => new Date()): RecoveryReport {
  const report: RecoveryReport = { interrupted: 0, partiesRebuilt: false };
  // A plain read first: while a refresh runs, opening the database never waits on its write lock.
  if (!needsRecovery(db) || leaseHeld(db, REFRESH_LEASE)) return report;
  const { lease } = Lease.tryTake(db, REFRESH_LEASE);
  if (!lease) return report; // a live refresh is running: it finishes its own work
  try {
    report.interrupted = new SourceStore(db).markInterrupted(now().toISOString(), 'interrupted: the process running this refresh stopped before it finished');
    if (partiesDirty(db) || db.prepare('SELECT 1 FROM records WHERE party_id IS NULL LIMIT 1').get() !== undefined) {
      rebuildPartiesAndClear(db);
      report.partiesRebuilt = true;
    }
  } finally {
    lease.release();
  }
  return report;
}
