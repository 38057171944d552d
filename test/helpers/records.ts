/** Small helpers the parser tests share. */
import type { SourceRecord } from '../../src/core/model';

/** The record with this key (fails the test when there is none). */
export function keyed(records: SourceRecord[], key: string): SourceRecord {
  const r = records.find((x) => x.key === key);
  if (!r) throw new Error(`no record ${key}`);
  return r;
}

/** Designations per list code. */
export function perList(records: SourceRecord[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of records) for (const d of r.designations) out[d.list] = (out[d.list] ?? 0) + 1;
  return out;
}
