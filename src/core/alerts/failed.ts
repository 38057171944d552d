/**
 * Messages the delivery worker gave up on: listed (for `status`, `subscriptions`, `sanctions outbox`, /healthz)
 * and sent again, by hand (`sanctions outbox retry`) or when their platform answers again. Only messages of
 * subscriptions that are not paused: a paused subscription's messages failed for a reason no retry fixes
 * (the channel is gone), and subscribing again resumes the channel, not its old messages.
 */
import type { Db } from '../store/db';

export interface FailedMessage {
  id: number;
  platform: string;
  channel: string;
  kind: string;
  summary: string;
  created_at: string;
  attempts: number;
  last_error: string | null;
  /** Why the subscription was paused, when it was (such messages are not sent again). */
  paused_reason: string | null;
}

export interface FailedSummary {
  /** Failed messages that can be sent again (their subscription is not paused). */
  retryable: number;
  oldest: string | null;
  lastError: string | null;
  platforms: string[];
}

// A message with a shared body (outbox-payload.ts) has its summary there.
const SELECT = `SELECT o.id, o.platform, o.channel, o.kind, COALESCE(b.body, o.payload) AS payload, o.created_at, o.attempts, o.last_error, s.paused_reason
  FROM outbox o LEFT JOIN subscriptions s ON s.id = o.subscription_id LEFT JOIN outbox_bodies b ON b.id = o.body_id WHERE o.state = 'failed'`;

/** Failed messages, oldest first; of one channel when given. */
export function failedMessages(db: Db, where: { platform?: string; channel?: string; limit?: number } = {}): FailedMessage[] {
  const rows = db
    .prepare<[{ platform: string | null; channel: string | null; limit: number }], Omit<FailedMessage, 'summary'> & { payload: string }>(
      `${SELECT} AND (@platform IS NULL OR o.platform = @platform) AND (@channel IS NULL OR o.channel = @channel) ORDER BY o.id LIMIT @limit`,
    )
    .all({ platform: where.platform ?? null, channel: where.channel ?? null, limit: where.limit ?? -1 });
  return rows.map(({ payload, ...r }) => ({ ...r, summary: summaryOf(payload) }));
}

/** The summary line of a message's payload (or shared body). */
export function summaryOf(payload: string): string {
  try {
    return String((JSON.parse(payload) as { summary?: unknown }).summary ?? '');
  } catch {
    return '';
  }
}

/** What /healthz, `status` and the metrics say about failed messages. */
export function failedSummary(db: Db): FailedSummary {
  const row = db
    .prepare<[], { n: number; oldest: string | null; platforms: string | null }>(
      `SELECT COUNT(*) AS n, MIN(o.created_at) AS oldest, GROUP_CONCAT(DISTINCT o.platform) AS platforms
         FROM outbox o JOIN subscriptions s ON s.id = o.subscription_id WHERE o.state = 'failed' AND s.paused_reason IS NULL`,
    )
    .get()!;
  const last = db
    .prepare<[], { last_error: string | null }>(
      `SELECT o.last_error FROM outbox o JOIN subscriptions s ON s.id = o.subscription_id WHERE o.state = 'failed' AND s.paused_reason IS NULL ORDER BY o.id DESC LIMIT 1`,
    )
    .get();
  return { retryable: row.n, oldest: row.oldest, lastError: last?.last_error ?? null, platforms: row.platforms ? row.platforms.split(',').sort() : [] };
}

/**
 * Send failed messages again: one (`id`), every one (`all`), or those of one platform. They go back to pending,
 * due now, with a new run of retries. Returns the messages requeued.
 */
export function retryFailed(db: Db, which: { id: number } | { all: true } | { platform: string }, now = new Date()): number {
  const at = now.toISOString();
  const base = `UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = @at, retry_since = @at
    WHERE state = 'failed' AND subscription_id IN (SELECT id FROM subscriptions WHERE paused_reason IS NULL)`;
  if ('id' in which) return db.prepare<[{ at: string; id: number }]>(`${base} AND id = @id`).run({ at, id: which.id }).changes;
  if ('platform' in which) return db.prepare<[{ at: string; platform: string }]>(`${base} AND platform = @platform`).run({ at, platform: which.platform }).changes;
  return db.prepare<[{ at: string }]>(base).run({ at }).changes;
}
