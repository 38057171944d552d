/**
 * Rows as both engines return them (same column names and types), turned into the shared store's objects.
 */
import { createHash } from 'node:crypto';
import type { AuditEntry } from '../audit';
import type { ListCode } from '../lists';
import type { ChangeKind } from '../model';
import { LIVE, type Schedule } from '../alerts/schedule';
import type { Subscription, Target } from '../alerts/subscriptions';
import type { ClaimedMessage, NewSubscription, StoredChangeEvent } from './types';

export interface SubscriptionRow {
  id: number;
  platform: string;
  channel: string;
  targets: string;
  excluded: string | null;
  kinds: string;
  countries: string;
  health: number;
  paused_reason: string | null;
  paused_at: string | null;
  created_by: string | null;
  cursor: number;
  schedule: string | null;
  summary_due_at: string | null;
  summary_since: string | null;
}

export function subscriptionFromRow(r: SubscriptionRow): Subscription {
  return {
    id: r.id,
    platform: r.platform,
    channel: r.channel,
    targets: JSON.parse(r.targets) as Target[],
    excluded: JSON.parse(r.excluded ?? '[]') as ListCode[],
    kinds: JSON.parse(r.kinds) as ChangeKind[],
    countries: JSON.parse(r.countries) as string[],
    health: r.health === 1,
    ...(r.paused_reason ? { pausedReason: r.paused_reason } : {}),
    ...(r.paused_at ? { pausedAt: r.paused_at } : {}),
    ...(r.created_by ? { createdBy: r.created_by } : {}),
    cursor: r.cursor,
    schedule: r.schedule ? (JSON.parse(r.schedule) as Schedule) : LIVE,
    ...(r.summary_due_at ? { summaryDueAt: r.summary_due_at } : {}),
    ...(r.summary_since ? { summarySince: r.summary_since } : {}),
  };
}

const ALL_KINDS: ChangeKind[] = ['added', 'removed', 'changed', 'suspended'];

/** The column values of a new subscription (the same defaults as the subscriptions table's). */
export function subscriptionValues(input: NewSubscription, now: Date) {
  return {
    platform: input.platform,
    channel: input.channel,
    targets: JSON.stringify(input.targets),
    excluded: JSON.stringify(input.excluded ?? []),
    kinds: JSON.stringify(input.kinds ?? ALL_KINDS),
    countries: JSON.stringify(input.countries ?? []),
    health: input.health ? 1 : 0,
    by: input.by ?? null,
    at: now.toISOString(),
  };
}

export interface EventRow {
  id: number;
  at: string;
  refresh_id: number;
  kind: ChangeKind;
  list: ListCode;
  source_id: string;
  record_id: number;
  record_key: string;
  name: string;
  detail: string;
}

export function eventFromRow(row: EventRow): StoredChangeEvent {
  return {
    id: row.id,
    at: row.at,
    kind: row.kind,
    list: row.list,
    source: row.source_id,
    record: row.record_key,
    recordId: row.record_id,
    name: row.name,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
    refreshId: row.refresh_id,
  };
}

export interface AuditRow {
  id: number;
  at: string;
  platform: string;
  actor: string | null;
  place: string | null;
  query: string;
  results: string;
  dataset_version: number;
}

export function auditFromRow(r: AuditRow): AuditEntry {
  return {
    id: r.id,
    at: r.at,
    platform: r.platform,
    ...(r.actor ? { actor: r.actor } : {}),
    ...(r.place ? { place: r.place } : {}),
    query: r.query,
    results: JSON.parse(r.results) as AuditEntry['results'],
    datasetVersion: r.dataset_version,
  };
}

export interface ClaimedRow {
  id: number;
  subscription_id: number;
  platform: string;
  channel: string;
  kind: ClaimedMessage['kind'];
  payload: string;
  body_id: number | null;
  created_at: string;
  attempts: number;
  retry_since: string;
  claimed_by: string;
  claim_expires_at: number;
  prior_state: string;
}

export function claimedFromRow(r: ClaimedRow): ClaimedMessage {
  return {
    id: r.id,
    subscriptionId: r.subscription_id,
    platform: r.platform,
    channel: r.channel,
    kind: r.kind,
    payload: r.payload,
    bodyId: r.body_id,
    createdAt: r.created_at,
    attempts: r.attempts,
    retrySince: r.retry_since,
    claimedBy: r.claimed_by,
    claimExpiresAt: r.claim_expires_at,
    reclaimed: r.prior_state === 'sending',
  };
}

/** The key of a shared body: its sha256, as alerts/outbox-payload.ts stores them. */
export function bodyHash(body: string): string {
  return createHash('sha256').update(body).digest('hex');
}
