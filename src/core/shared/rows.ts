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
  pending_removals: number;
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
    pendingRemovals: r.pending_removals ?? 0,
  };
}

/**
 * A source's state as followers compare it: the content applied and the removals it still holds back (a removal
 * confirmed by a second download of the same file changes the state, not the content).
 */
export function sourceStateKey(s: Pick<SharedSourceState, 'contentHash' | 'pendingRemovals'>): string | null {
  return s.contentHash === null ? null : `${s.contentHash}#${s.pendingRemovals}`;
}

/** What a published event's record was last told to be, to decide whether an event is news (isNews). */
export interface LastTold {
  kind: string;
  detail: string;
}

/** JSON with object keys sorted and the routing part left out: the same detail always gives the same text. */
function detailKey(detailJson: string): { detail: string; recordHash: unknown } {
  const { $routing, ...rest } = JSON.parse(detailJson) as Record<string, unknown> & { $routing?: { recordHash?: unknown } };
  return { detail: stableJson(rest), recordHash: $routing?.recordHash };
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Is this change news, given what was last published of the same record on the same list? A listing is news when
 * the record is not listed as last told (never told, or removed), a removal when it is; a change or a suspension
 * unless it is the last thing told of the record again (same kind, same detail, same record content). So a change
 * computed twice (a crash before recording how far publishing got, a new leader catching up with the file the last
 * leader applied, from however far back) is published once, and a list that goes back to an earlier state is news
 * again, each time, as on SQLite.
 */
export function isNews(event: { kind: string; detail: string }, last: LastTold | undefined): boolean {
  if (!last) return true;
  const listed = last.kind !== 'removed';
  if (event.kind === 'added') return !listed;
  if (event.kind === 'removed') return listed;
  if (event.kind !== last.kind) return true;
  const a = detailKey(event.detail);
  const b = detailKey(last.detail);
  return a.detail !== b.detail || a.recordHash !== b.recordHash;
}
