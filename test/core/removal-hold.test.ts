import { describe, expect, it } from 'vitest';
import type { PlannedEvent, SnapshotDiff, StoredRecordRef } from '../../src/core/diff';
import { DEFAULT_REMOVAL_HOLD, exceedsHold, planRemovals, resolveHold } from '../../src/core/removal-hold';

const ref = (i: number, pending = false): StoredRecordRef => ({ id: i, key: `k${i}`, hash: 'h', removed: false, ...(pending ? { pending } : {}) });
const removedEvent = (r: StoredRecordRef): PlannedEvent => ({ kind: 'removed', list: 'US-OFAC-SDN', key: r.key, name: r.key, detail: {} });

function diffOf(removed: StoredRecordRef[], priorCount: number): SnapshotDiff {
  const added: PlannedEvent = { kind: 'added', list: 'US-OFAC-SDN', key: 'new', name: 'new', detail: {} };
  return { added: [], changed: [], removed, unchanged: [], events: [added, ...removed.map(removedEvent)], priorCount };
}

describe('removals need two looks', () => {
  it('holds more than 2% or more than 25 records, configurable per source', () => {
    expect(exceedsHold(25, 10_000, DEFAULT_REMOVAL_HOLD)).toBe(false);
    expect(exceedsHold(26, 10_000, DEFAULT_REMOVAL_HOLD)).toBe(true);
    expect(exceedsHold(3, 100, DEFAULT_REMOVAL_HOLD)).toBe(true);
    expect(exceedsHold(2, 100, DEFAULT_REMOVAL_HOLD)).toBe(false);
    expect(exceedsHold(3, 10, DEFAULT_REMOVAL_HOLD)).toBe(false); // too small a list for the share rule
    expect(exceedsHold(26, 10_000, resolveHold({ records: 100 }))).toBe(false);
    expect(exceedsHold(300, 10_000, resolveHold({ records: 1000, share: 0.01 }))).toBe(true);
  });

  it('applies few removals at once, with their events', () => {
    const diff = diffOf([ref(1), ref(2)], 1000);
    expect(planRemovals(diff, DEFAULT_REMOVAL_HOLD)).toEqual({ diff, held: [], confirmed: 0 });
  });

  it('holds many new removals and drops their events, keeping the rest of the snapshot', () => {
    const removed = Array.from({ length: 30 }, (_, i) => ref(i));
    const plan = planRemovals(diffOf(removed, 1000), DEFAULT_REMOVAL_HOLD);
    expect(plan.held).toHaveLength(30);
    expect(plan.diff.removed).toEqual([]);
    expect(plan.diff.events.map((e) => e.kind)).toEqual(['added']);
  });

  it('confirms pending removals that are still absent, with their events', () => {
    const removed = Array.from({ length: 30 }, (_, i) => ref(i, true));
    const plan = planRemovals(diffOf(removed, 1000), DEFAULT_REMOVAL_HOLD);
    expect(plan).toMatchObject({ held: [], confirmed: 30 });
    expect(plan.diff.removed).toHaveLength(30);
    expect(plan.diff.events.filter((e) => e.kind === 'removed')).toHaveLength(30);
  });

  it('confirms nothing while the source keeps shrinking: all stay pending', () => {
    const removed = [...Array.from({ length: 30 }, (_, i) => ref(i, true)), ...Array.from({ length: 40 }, (_, i) => ref(100 + i))];
    const plan = planRemovals(diffOf(removed, 1000), DEFAULT_REMOVAL_HOLD);
    expect(plan).toMatchObject({ confirmed: 0 });
    expect(plan.held).toHaveLength(70);
    expect(plan.diff.events.map((e) => e.kind)).toEqual(['added']);
  });
});
