/**
 * Rows as both engines return them (same column names and types), turned into the shared store's objects.
 */
import { createHash } from 'node:crypto';
import type { ChangeKind } from '../model';
import type { ClaimedMessage, NewSubscription, SharedSourceState } from './types';

export { subscriptionFromRow, type SubscriptionRow } from '../alerts/subscriptions';

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

export { eventFromRow, type EventRow } from '../store/events';

export { auditFromRow, type AuditRow } from '../audit';

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
/** The last few bodies' hashes: routing hands the same body (a digest of hundreds of events) for every channel. */
const hashes = new Map<string, string>();
const HASHES_KEPT = 16;

export function bodyHash(body: string): string {
  let hash = hashes.get(body);
  if (hash === undefined) {
    hash = createHash('sha256').update(body).digest('hex');
    if (hashes.size >= HASHES_KEPT) hashes.delete(hashes.keys().next().value!);
    hashes.set(body, hash);
  }
  return hash;
}

export interface SourceStateRow {
  id: string;
  format: string;
  location: string;
  status: string;
  content_hash: string | null;
  last_success_at: string | null;
  last_change_at: string | null;
  record_count: number;
}

export function sourceStateFromRow(r: SourceStateRow): SharedSourceState {
  return {
    id: r.id,
    format: r.format,
    location: r.location,
    status: r.status,
    contentHash: r.content_hash,
    lastSuccessAt: r.last_success_at,
    lastChangeAt: r.last_change_at,
    recordCount: r.record_count,
  };
}
