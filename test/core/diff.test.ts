import { describe, expect, it } from 'vitest';
import { diffSnapshot, recordChangeEvents, recordHash, type StoredRecordRef } from '../../src/core/diff';
import { SourceRecord, type SourceRecordInput } from '../../src/core/model';

const rec = (input: Partial<SourceRecordInput> & { key: string }): SourceRecord =>
  SourceRecord.parse({ name: input.key.toUpperCase(), designations: [{ list: 'US-OFAC-SDN', since: '2024-01-01' }], ...input });

function storeOf(records: SourceRecord[], removedKeys: string[] = []) {
  const byId = new Map<number, SourceRecord>();
  const refs: StoredRecordRef[] = records.map((r, i) => {
    byId.set(i + 1, r);
    return { id: i + 1, key: r.key, hash: recordHash(r), removed: removedKeys.includes(r.key) };
  });
  return {
    refs,
    load: (id: number) => byId.get(id)!,
    lists: (id: number) => byId.get(id)!.designations.map((d) => ({ list: d.list, status: d.status })),
    name: (id: number) => byId.get(id)!.name,
  };
}

describe('diffSnapshot', () => {
  it('finds additions, removals, changes and leaves equal records alone', () => {
    const a = rec({ key: 'a' });
    const b = rec({ key: 'b' });
    const c = rec({ key: 'c' });
    const s = storeOf([a, b, c]);
    const c2 = rec({ key: 'c', names: [{ value: 'C alias', kind: 'alias' }] });
    const d = rec({ key: 'd' });
    const diff = diffSnapshot(s.refs, [a, c2, d], s.load, s.lists, s.name);
    expect(diff.priorCount).toBe(3);
    expect(diff.added.map((r) => r.key)).toEqual(['d']);
    expect(diff.removed.map((r) => r.key)).toEqual(['b']);
    expect(diff.changed.map((r) => r.next.key)).toEqual(['c']);
    expect(diff.unchanged.map((r) => r.key)).toEqual(['a']);
    expect(diff.events.map((e) => `${e.kind}:${e.key}`).sort()).toEqual(['added:d', 'changed:c', 'removed:b']);
    expect(diff.events.find((e) => e.kind === 'changed')!.detail).toEqual({ fields: ['names'] });
  });

  it('yields nothing for the same snapshot twice', () => {
    const records = [rec({ key: 'a' }), rec({ key: 'b' })];
    const s = storeOf(records);
    const again = records.map((r) => SourceRecord.parse(JSON.parse(JSON.stringify(r))));
    const diff = diffSnapshot(s.refs, again, s.load, s.lists, s.name);
    expect(diff.events).toEqual([]);
    expect(diff.unchanged).toHaveLength(2);
  });

  it('treats a key that comes back after removal as added (relisted)', () => {
    const a = rec({ key: 'a' });
    const s = storeOf([a], ['a']);
    const diff = diffSnapshot(s.refs, [a], s.load, s.lists, s.name);
    expect(diff.priorCount).toBe(0);
    expect(diff.events).toEqual([expect.objectContaining({ kind: 'added', key: 'a', detail: expect.objectContaining({ relisted: true }) })]);
  });

  it('does not announce a record that first appears already ended', () => {
    const s = storeOf([rec({ key: 'a' })]);
    const old = rec({ key: 'z', designations: [{ list: 'US-DOD-1260H', status: 'removed', since: '2021-06-03', until: '2024-01-31' }] });
    const diff = diffSnapshot(s.refs, [rec({ key: 'a' }), old], s.load, s.lists, s.name);
    expect(diff.added).toHaveLength(1);
    expect(diff.events).toEqual([]);
  });
});

describe('recordChangeEvents', () => {
  const base = rec({ key: 'x', designations: [{ list: 'CN-MOFCOM-UEL', since: '2025-01-02' }] });

  it('reports a suspension with its end date', () => {
    const next = rec({ key: 'x', designations: [{ list: 'CN-MOFCOM-UEL', since: '2025-01-02', status: 'suspended', until: '2026-11-10' }] });
    expect(recordChangeEvents(base, next)).toEqual([
      expect.objectContaining({ kind: 'suspended', list: 'CN-MOFCOM-UEL', detail: expect.objectContaining({ from: 'active', until: '2026-11-10' }) }),
    ]);
  });

  it('reports a list dropped from a record as removed and a new list as added', () => {
    const next = rec({ key: 'x', designations: [{ list: 'CN-MOFCOM-ECL', since: '2025-03-04' }] });
    const kinds = recordChangeEvents(base, next).map((e) => `${e.kind}:${e.list}`).sort();
    expect(kinds).toEqual(['added:CN-MOFCOM-ECL', 'removed:CN-MOFCOM-UEL']);
  });

  it('names the fields that changed and the previous name', () => {
    const next = rec({ key: 'x', name: 'X RENAMED', designations: [{ list: 'CN-MOFCOM-UEL', since: '2025-01-02', citation: '〔2025〕1号' }] });
    const [event] = recordChangeEvents(base, next);
    expect(event).toMatchObject({ kind: 'changed', detail: { fields: ['name', 'citation'], previous_name: 'X' } });
  });
});
