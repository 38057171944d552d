/**
 * The users' own data (types in src/core/shared/types.ts) between the records of an export and the columns both
 * engines store (same names and types: times as ISO text, JSON as text, flags as 0/1).
 */
import type { Schedule } from '../alerts/schedule';
import type { AuditRow } from '../audit';
import type { SubscriptionRow } from '../alerts/subscriptions';
import type { AuditRecord, SubscriptionRecord, WatchTermRecord } from '../shared/types';

/** A subscription's columns as a restore writes them: the row without its id and cursor (the target's own). */
export type SubscriptionColumns = Omit<SubscriptionRow, 'id' | 'cursor'> & { created_at: string; updated_at: string };

/** The columns a restore writes, in this order (the cursor is the target's own). */
export const SUBSCRIPTION_COLUMNS = [
  'platform',
  'channel',
  'targets',
  'excluded',
  'kinds',
  'countries',
  'health',
  'paused_reason',
  'paused_at',
  'created_by',
  'created_at',
  'updated_at',
  'schedule',
  'summary_due_at',
  'summary_since',
] as const satisfies ReadonlyArray<keyof SubscriptionColumns>;

export function subscriptionRecord(r: SubscriptionColumns): SubscriptionRecord {
  return {
    platform: r.platform,
    channel: r.channel,
    targets: JSON.parse(r.targets) as SubscriptionRecord['targets'],
    excluded: JSON.parse(r.excluded ?? '[]') as SubscriptionRecord['excluded'],
    kinds: JSON.parse(r.kinds) as SubscriptionRecord['kinds'],
    countries: JSON.parse(r.countries) as string[],
    health: r.health === 1,
    pausedReason: r.paused_reason,
    pausedAt: r.paused_at,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    schedule: r.schedule ? (JSON.parse(r.schedule) as Schedule) : null,
    summaryDueAt: r.summary_due_at,
    summarySince: r.summary_since,
  };
}

export function subscriptionColumns(r: SubscriptionRecord): SubscriptionColumns {
  return {
    platform: r.platform,
    channel: r.channel,
    targets: JSON.stringify(r.targets),
    excluded: JSON.stringify(r.excluded),
    kinds: JSON.stringify(r.kinds),
    countries: JSON.stringify(r.countries),
    health: r.health ? 1 : 0,
    paused_reason: r.pausedReason,
    paused_at: r.pausedAt,
    created_by: r.createdBy,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
    schedule: r.schedule ? JSON.stringify(r.schedule) : null,
    summary_due_at: r.summaryDueAt,
    summary_since: r.summarySince,
  };
}

export interface WatchTermColumns {
  platform: string;
  channel: string;
  term: string;
  created_by: string | null;
  created_at: string;
}

export const watchTermRecord = (r: WatchTermColumns): WatchTermRecord => ({ platform: r.platform, channel: r.channel, term: r.term, createdBy: r.created_by, createdAt: r.created_at });

/** An audit row's columns but its id (the target numbers its own). */
export type AuditColumns = Omit<AuditRow, 'id'>;

export const auditRecord = (r: AuditColumns): AuditRecord => ({
  at: r.at,
  platform: r.platform,
  actor: r.actor,
  place: r.place,
  query: r.query,
  results: JSON.parse(r.results) as AuditRecord['results'],
  datasetVersion: r.dataset_version,
});

export const auditColumns = (r: AuditRecord): AuditColumns => ({
  at: r.at,
  platform: r.platform,
  actor: r.actor,
  place: r.place,
  query: r.query,
  results: JSON.stringify(r.results),
  dataset_version: r.datasetVersion,
});
