/**
 * Removals need two looks. A snapshot that would remove more than a small share of a source (a file cut on
 * a line boundary, a publisher's bad export) does not remove anything at once: its removals are held as
 * pending, the rest of the snapshot applies, and only the next snapshot that still lacks those records
 * confirms them (they are removed then, with their events, so alerts wait for the confirmation). Pure: no I/O.
 */
import type { PlannedEvent, SnapshotDiff, StoredRecordRef } from './diff';

export interface RemovalHold {
  /** Hold when a snapshot removes more than this share of the source's records... */
  share: number;
  /** ...or more than this many records. */
  records: number;
}

export const DEFAULT_REMOVAL_HOLD: RemovalHold = { share: 0.02, records: 25 };

/** Below this many stored records the share rule does not apply (one removal of ten is 10%). */
export const MIN_RECORDS_FOR_SHARE = 20;

export interface RemovalPlan {
  /** The diff to apply now: its removals are the confirmed ones and, when few, the new ones. */
  diff: SnapshotDiff;
  /** Records left out by this snapshot, held until the next one confirms them. */
  held: StoredRecordRef[];
  /** Held by the previous snapshot and still absent: removed now. */
  confirmed: number;
}

export function resolveHold(config: Partial<RemovalHold> | undefined): RemovalHold {
  return { ...DEFAULT_REMOVAL_HOLD, ...config };
}

/** Whether removing `count` of `prior` records at once is more than the hold allows. */
export function exceedsHold(count: number, prior: number, hold: RemovalHold): boolean {
  if (count > hold.records) return true;
  return prior >= MIN_RECORDS_FOR_SHARE && count / prior > hold.share;
}

/**
 * Split a diff's removals: those already pending are confirmed; new ones are removed at once when they are
 * few, else held (and their removal events dropped: they are written when the removals are confirmed).
 * A snapshot that itself drops too many new records confirms nothing: a source still shrinking (a second,
 * differently damaged file) is no witness, so the earlier pending removals stay pending with the new ones.
 */
export function planRemovals(diff: SnapshotDiff, hold: RemovalHold): RemovalPlan {
  const confirmed = diff.removed.filter((r) => r.pending);
  const fresh = diff.removed.filter((r) => !r.pending);
  if (!exceedsHold(fresh.length, diff.priorCount, hold)) return { diff, held: [], confirmed: confirmed.length };
  const heldKeys = new Set(diff.removed.map((r) => r.key));
  const events: PlannedEvent[] = diff.events.filter((e) => !(e.kind === 'removed' && heldKeys.has(e.key)));
  return { diff: { ...diff, removed: [], events }, held: diff.removed, confirmed: 0 };
}
