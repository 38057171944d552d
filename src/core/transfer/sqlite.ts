/** The users' own data in the SQLite store, read in bulk and put back idempotently (SharedTransfer). */
import type { Db } from '../store/db';
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
const params = SUBSCRIPTION_COLUMNS.map((c) => `@${c}`).join(', ');
const changed = SUBSCRIPTION_COLUMNS.filter((c) => c !== 'platform' && c !== 'channel');

export function sqliteTransfer(db: Db): SharedTransfer {
  const q = {
    subscriptions: db.prepare<[], SubscriptionColumns>(`SELECT ${cols} FROM subscriptions ORDER BY platform, channel`),
    watchTerms: db.prepare<[], WatchTermColumns>('SELECT platform, channel, term, created_by, created_at FROM watch_terms ORDER BY platform, channel, term'),
    audit: db.prepare<[number, number], AuditColumns & { id: number }>('SELECT * FROM audit WHERE id > ? ORDER BY id LIMIT ?'),
    restoreSubscription: db.prepare<[SubscriptionColumns]>(
      `INSERT INTO subscriptions (${cols}, cursor) VALUES (${params}, (SELECT COALESCE(MAX(id), 0) FROM events))
       ON CONFLICT (platform, channel) DO UPDATE SET ${changed.map((c) => `${c} = excluded.${c}`).join(', ')}
       WHERE (${changed.map((c) => `subscriptions.${c}`).join(', ')}) IS NOT (${changed.map((c) => `excluded.${c}`).join(', ')})`,
    ),
    restoreWatchTerm: db.prepare<[WatchTermColumns]>(
      `INSERT INTO watch_terms (platform, channel, term, created_by, created_at) VALUES (@platform, @channel, @term, @created_by, @created_at)
       ON CONFLICT (platform, channel, term) DO NOTHING`,
    ),
    restoreAudit: db.prepare<[AuditColumns & { occurrence: number }]>(
      `INSERT INTO audit (at, platform, actor, place, query, results, dataset_version)
       SELECT @at, @platform, @actor, @place, @query, @results, @dataset_version
       WHERE (SELECT COUNT(*) FROM audit WHERE at = @at AND platform = @platform AND actor IS @actor AND place IS @place AND query = @query
                AND results = @results AND dataset_version = @dataset_version) < @occurrence`,
    ),
  };
  return {
    subscriptions: async () => q.subscriptions.all().map(subscriptionRecord),
    watchTerms: async () => q.watchTerms.all().map(watchTermRecord),
    auditAfter: async (afterId, limit) => q.audit.all(afterId, limit).map((r) => ({ id: r.id, record: auditRecord(r) })),
    restoreSubscription: async (r: SubscriptionRecord) => q.restoreSubscription.run(subscriptionColumns(r)).changes > 0,
    restoreWatchTerm: async (r: WatchTermRecord) =>
      q.restoreWatchTerm.run({ platform: r.platform, channel: r.channel, term: r.term, created_by: r.createdBy, created_at: r.createdAt }).changes > 0,
    restoreAudit: async (r: AuditRecord, occurrence = 1) => q.restoreAudit.run({ ...auditColumns(r), occurrence }).changes > 0,
  };
}
