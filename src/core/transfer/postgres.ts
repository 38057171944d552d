/** The users' own data in the PostgreSQL store, read in bulk and put back idempotently (SharedTransfer). */
import type pg from 'pg';
import type { AuditRecord, SharedTransfer, SubscriptionRecord, WatchTermRecord } from '../shared/types';
import {
  auditColumns,
  auditRecord,
  SUBSCRIPTION_COLUMNS,
  subscriptionColumns,
  subscriptionRecord,
  watchTermRecord,
  type AuditColumns,
  type SubscriptionColumns,
  type WatchTermColumns,
} from './rows';

const cols = SUBSCRIPTION_COLUMNS.join(', ');
const changed = SUBSCRIPTION_COLUMNS.filter((c) => c !== 'platform' && c !== 'channel');
const RESTORE_SUBSCRIPTION = `
  INSERT INTO subscriptions (${cols}, cursor) VALUES (${SUBSCRIPTION_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')}, (SELECT COALESCE(MAX(id), 0) FROM events))
  ON CONFLICT (platform, channel) DO UPDATE SET ${changed.map((c) => `${c} = excluded.${c}`).join(', ')}
  WHERE (${changed.map((c) => `subscriptions.${c}`).join(', ')}) IS DISTINCT FROM (${changed.map((c) => `excluded.${c}`).join(', ')})`;

/** The parameters are typed: PostgreSQL cannot infer the type of a bare parameter in a SELECT list. */
const RESTORE_AUDIT = `
  INSERT INTO audit (at, platform, actor, place, query, results, dataset_version)
  SELECT $1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::integer
  WHERE (SELECT COUNT(*) FROM audit WHERE at = $1::text AND platform = $2::text AND actor IS NOT DISTINCT FROM $3::text AND place IS NOT DISTINCT FROM $4::text
           AND query = $5::text AND results = $6::text AND dataset_version = $7::integer) < $8::integer`;

export function pgTransfer(pool: pg.Pool): SharedTransfer {
  return {
    subscriptions: async () => (await pool.query<SubscriptionColumns>(`SELECT ${cols} FROM subscriptions ORDER BY platform, channel`)).rows.map(subscriptionRecord),
    watchTerms: async () =>
      (await pool.query<WatchTermColumns>('SELECT platform, channel, term, created_by, created_at FROM watch_terms ORDER BY platform, channel, term')).rows.map(watchTermRecord),
    auditAfter: async (afterId, limit) =>
      (await pool.query<AuditColumns & { id: number }>('SELECT * FROM audit WHERE id > $1 ORDER BY id LIMIT $2', [afterId, limit])).rows.map((r) => ({ id: r.id, record: auditRecord(r) })),
    restoreSubscription: async (r: SubscriptionRecord) => {
      const c = subscriptionColumns(r);
      return ((await pool.query(RESTORE_SUBSCRIPTION, SUBSCRIPTION_COLUMNS.map((k) => c[k]))).rowCount ?? 0) > 0;
    },
    restoreWatchTerm: async (r: WatchTermRecord) =>
      ((
        await pool.query(
          'INSERT INTO watch_terms (platform, channel, term, created_by, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (platform, channel, term) DO NOTHING',
          [r.platform, r.channel, r.term, r.createdBy, r.createdAt],
        )
      ).rowCount ?? 0) > 0,
    restoreAudit: async (r: AuditRecord, occurrence = 1) => {
      const c = auditColumns(r);
      return ((await pool.query(RESTORE_AUDIT, [c.at, c.platform, c.actor, c.place, c.query, c.results, c.dataset_version, occurrence])).rowCount ?? 0) > 0;
    },
  };
}
