/**
 * The diff of one source's new snapshot against what the store holds for it, by stable record key.
 * Pure: no I/O. Produces the writes to make and the change events to record, one event per (record, list).
 */
import { contentHash } from './canonical';
import type { ListCode } from './lists';
import type { ChangeKind, Designation, SourceRecord } from './model';

/** What the store holds of one record: enough to compare without reading every payload. */
export interface StoredRecordRef {
  id: number;
  key: string;
  hash: string;
  removed: boolean;
  /** Left out by an earlier snapshot, its removal held until a later one confirms it (removal-hold.ts). */
  pending?: boolean;
}

export interface PlannedEvent {
  kind: ChangeKind;
  list: ListCode;
  key: string;
  name: string;
  detail: Record<string, unknown>;
}

export interface SnapshotDiff {
  /** Keys never seen, or seen before and removed since (re-listed). */
  added: SourceRecord[];
  /** Present before and now, with different content. */
  changed: Array<{ id: number; prior: SourceRecord; next: SourceRecord }>;
  /** Present before, absent now. */
  removed: StoredRecordRef[];
  /** Present before and now, same content: only last_seen moves. */
  unchanged: StoredRecordRef[];
  events: PlannedEvent[];
  /** Records of the source that were present before this snapshot. */
  priorCount: number;
}

export function recordHash(record: SourceRecord): string {
  return contentHash(record);
}

/** One designation per list: where a record carries several on one list, the earliest `since` stands for it. */
export function designationsByList(record: SourceRecord): Map<ListCode, Designation> {
  const out = new Map<ListCode, Designation>();
  for (const d of record.designations) {
    const prior = out.get(d.list);
    if (!prior || (d.since && (!prior.since || d.since < prior.since))) out.set(d.list, d);
  }
  return out;
}

const RECORD_FIELDS = ['name', 'type', 'names', 'countries', 'addresses', 'identifiers', 'parent', 'remarks'] as const;
const DESIGNATION_FIELDS = ['since', 'until', 'programs', 'citation', 'url', 'authority', 'notes'] as const;

function same(a: unknown, b: unknown): boolean {
  return contentHash(a ?? null) === contentHash(b ?? null);
}

/** The events that turn `prior` into `next` (both the same key). */
export function recordChangeEvents(prior: SourceRecord, next: SourceRecord): PlannedEvent[] {
  const events: PlannedEvent[] = [];
  const before = designationsByList(prior);
  const after = designationsByList(next);
  const recordFields = RECORD_FIELDS.filter((f) => !same(prior[f], next[f]));
  const base = { key: next.key, name: next.name };
  for (const [list, d] of after) {
    const old = before.get(list);
    if (!old) {
      events.push({ ...base, kind: d.status === 'suspended' ? 'suspended' : 'added', list, detail: statusDetail(d) });
      continue;
    }
    if (old.status !== d.status) {
      if (d.status === 'suspended') events.push({ ...base, kind: 'suspended', list, detail: { from: old.status, ...statusDetail(d) } });
      else if (d.status === 'removed') events.push({ ...base, kind: 'removed', list, detail: { from: old.status, ...statusDetail(d) } });
      else if (old.status === 'removed') events.push({ ...base, kind: 'added', list, detail: { relisted: true, ...statusDetail(d) } });
      else events.push({ ...base, kind: 'changed', list, detail: { fields: ['status'], from: old.status, status: d.status } });
      continue;
    }
    const fields = [...recordFields, ...DESIGNATION_FIELDS.filter((f) => !same(old[f], d[f]))];
    if (fields.length) events.push({ ...base, kind: 'changed', list, detail: { fields, ...(prior.name !== next.name ? { previous_name: prior.name } : {}) } });
  }
  for (const [list, old] of before) {
    if (!after.has(list) && old.status !== 'removed') events.push({ ...base, kind: 'removed', list, detail: {} });
  }
  return events;
}

function statusDetail(d: Designation): Record<string, unknown> {
  const detail: Record<string, unknown> = { status: d.status };
  if (d.since) detail.since = d.since;
  if (d.since && d.since_kind) detail.since_kind = d.since_kind;
  if (d.until) detail.until = d.until;
  if (d.citation) detail.citation = d.citation;
  return detail;
}

/**
 * Compare a snapshot with the stored records of its source. `loadPrior` reads a stored payload; it is
 * called only for records whose hash differs, so an unchanged source costs one hash per record.
 */
export function diffSnapshot(
  stored: Iterable<StoredRecordRef>,
  incoming: SourceRecord[],
  loadPrior: (id: number) => SourceRecord,
  listsOf: (id: number) => Array<{ list: ListCode; status: string }>,
  nameOf: (id: number) => string,
): SnapshotDiff {
  const byKey = new Map<string, StoredRecordRef>();
  let priorCount = 0;
  for (const ref of stored) {
    byKey.set(ref.key, ref);
    if (!ref.removed) priorCount++;
  }
  const diff: SnapshotDiff = { added: [], changed: [], removed: [], unchanged: [], events: [], priorCount };
  const seen = new Set<string>();
  for (const record of incoming) {
    seen.add(record.key);
    const ref = byKey.get(record.key);
    if (!ref || ref.removed) {
      diff.added.push(record);
      for (const [list, d] of designationsByList(record)) {
        // A record that first appears already ended (an old edition of a list) is history, not news.
        if (d.status === 'removed') continue;
        diff.events.push({
          kind: d.status === 'suspended' ? 'suspended' : 'added',
          list,
          key: record.key,
          name: record.name,
          detail: { ...statusDetail(d), ...(ref ? { relisted: true } : {}) },
        });
      }
      continue;
    }
    if (ref.hash === recordHash(record)) {
      diff.unchanged.push(ref);
      continue;
    }
    const prior = loadPrior(ref.id);
    diff.changed.push({ id: ref.id, prior, next: record });
    diff.events.push(...recordChangeEvents(prior, record));
  }
  for (const ref of byKey.values()) {
    if (ref.removed || seen.has(ref.key)) continue;
    diff.removed.push(ref);
    const name = nameOf(ref.id);
    for (const { list, status } of listsOf(ref.id)) {
      if (status !== 'removed') diff.events.push({ kind: 'removed', list, key: ref.key, name, detail: {} });
    }
  }
  return diff;
}
