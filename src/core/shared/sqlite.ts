/**
 * The shared store on the SQLite file (the default): the existing tables and migrations (src/core/store), behind
 * the async interface. SQLite serialises writers, so a claim is one BEGIN IMMEDIATE transaction (read the due heads,
 * mark them), as the single-process worker does today; processes on one host share the file safely, processes on
 * several hosts cannot (use PostgreSQL).
 */
import { failedMessages, failedSummary, retryFailed } from '../alerts/failed';
import { pruneBodies } from '../alerts/outbox-payload';
import { pruneDeliveredBatch } from '../alerts/prune';
import { SqliteInstallations } from '../installations/sqlite';
import type { WorkspaceInstallations } from '../installations/store';
import { migrate, schemaVersion, type Db } from '../store/db';
import { sqliteTransfer } from '../transfer/sqlite';
import { LeaseStore } from '../store/leases';
import { MIGRATIONS, type Derivations } from '../store/migrations';
import {
  auditFromRow,
  bodyHash,
  claimedFromRow,
  eventFromRow,
  subscriptionFromRow,
  subscriptionValues,
  type AuditRow,
  type ClaimedRow,
  type EventRow,
  type SubscriptionRow,
  sourceStateFromRow,
  isNews,
  type LastTold,
  type SourceStateRow,
} from './rows';
import type {
  ClaimOptions,
  NewAuditEntry,
  NewChangeEvent,
  NewOutboxMessage,
  NewSubscription,
  PublishBatch,
  RoutedBatch,
  Settlement,
  SharedAudit,
  SharedEvents,
  SharedLeases,
  SharedOutbox,
  SharedSources,
  SharedStore,
  SharedSubscriptions,
  SharedTransfer,
  MigrationReport,
} from './types';

/** The next message of each channel (its oldest undelivered one), when it is due or its claim has run out. */
const DUE_HEADS_SQL = `SELECT o.id, o.state AS prior_state FROM (
    SELECT MIN(id) AS id FROM outbox INDEXED BY outbox_channel_queue WHERE state IN ('pending', 'sending') GROUP BY platform, channel
  ) h JOIN outbox o ON o.id = h.id
  WHERE (o.state = 'pending' AND o.next_attempt_at <= @now)
     OR (o.state = 'sending' AND o.claim_expires_at IS NOT NULL AND o.claim_expires_at <= @nowMs)
  ORDER BY o.next_attempt_at, o.id LIMIT @limit`;

export class SqliteSharedStore implements SharedStore {
  readonly engine = 'sqlite' as const;
  private parts: Partial<{
    leases: SharedLeases;
    outbox: SharedOutbox;
    subscriptions: SharedSubscriptions;
    events: SharedEvents;
    audit: SharedAudit;
    sources: SharedSources;
    installations: WorkspaceInstallations;
    transfer: SharedTransfer;
  }> = {};

  /** The statements are prepared on first use: a store opened on a file not migrated yet can migrate it first. */
  constructor(
    private readonly db: Db,
    private readonly options: { path?: string; derive?: Derivations; closeDb?: boolean } = {},
  ) {}

  get leases(): SharedLeases {
    return (this.parts.leases ??= sqliteLeases(this.db));
  }

  get outbox(): SharedOutbox {
    return (this.parts.outbox ??= sqliteOutbox(this.db));
  }

  get subscriptions(): SharedSubscriptions {
    return (this.parts.subscriptions ??= sqliteSubscriptions(this.db));
  }

  get events(): SharedEvents {
    return (this.parts.events ??= sqliteEvents(this.db));
  }

  get audit(): SharedAudit {
    return (this.parts.audit ??= sqliteAudit(this.db));
  }

  get sources(): SharedSources {
    return (this.parts.sources ??= sqliteSources(this.db));
  }

  get installations(): WorkspaceInstallations {
    return (this.parts.installations ??= new SqliteInstallations(this.db));
  }

  get transfer(): SharedTransfer {
    return (this.parts.transfer ??= sqliteTransfer(this.db));
  }

  async migrate(): Promise<MigrationReport> {
    const before = schemaVersion(this.db);
    const applied: MigrationReport['applied'] = [];
    const after = migrate(this.db, MIGRATIONS, this.options.derive, ({ version, name }) => applied.push({ version, name }));
    return { engine: 'sqlite', target: this.options.path ?? this.db.name, before: applied.length ? applied[0]!.version - 1 : before, after, applied };
  }

  async close(): Promise<void> {
    if (this.options.closeDb && this.db.open) this.db.close();
  }
}

function sqliteLeases(db: Db): SharedLeases {
  const store = new LeaseStore(db);
  return {
    get: async (name) => store.get(name),
    take: async (name, holder, ttlMs, now, gone) => store.take(name, holder, ttlMs, now, gone),
    renew: async (name, holder, ttlMs, now) => store.renew(name, holder, ttlMs, now),
    release: async (name, holder) => store.release(name, holder),
  };
}

function sqliteOutbox(db: Db): SharedOutbox {
  const q = {
    insert: db.prepare<[number, string, string, string, string, number | null, string, string], { id: number }>(
      'INSERT INTO outbox (subscription_id, platform, channel, kind, payload, body_id, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id',
    ),
    // ON CONFLICT DO UPDATE (a no-op) so that RETURNING gives the existing row's id too.
    upsertBody: db.prepare<[string, string], { id: number }>(
      'INSERT INTO outbox_bodies (hash, body) VALUES (?, ?) ON CONFLICT (hash) DO UPDATE SET hash = excluded.hash RETURNING id',
    ),
    heads: db.prepare<[{ now: string; nowMs: number; limit: number }], { id: number; prior_state: string }>(DUE_HEADS_SQL),
    claim: db.prepare<[{ id: number; now: string; worker: string; until: number }], Omit<ClaimedRow, 'prior_state'>>(
      `UPDATE outbox SET state = 'sending', attempts = attempts + 1, retry_since = COALESCE(retry_since, @now), claimed_by = @worker, claim_expires_at = @until
        WHERE id = @id RETURNING id, subscription_id, platform, channel, kind, payload, body_id, created_at, attempts, retry_since, claimed_by, claim_expires_at`,
    ),
    held: db.prepare<[number, string], { id: number }>("SELECT id FROM outbox WHERE id = ? AND state = 'sending' AND claimed_by = ?"),
    delivered: db.prepare<[string, string | null, number]>(
      "UPDATE outbox SET state = 'delivered', delivered_at = ?, ref = ?, last_error = NULL, claimed_by = NULL, claim_expires_at = NULL WHERE id = ?",
    ),
    retry: db.prepare<[string, string, number, number]>(
      "UPDATE outbox SET state = 'pending', next_attempt_at = ?, last_error = ?, attempts = attempts - ?, claimed_by = NULL, claim_expires_at = NULL WHERE id = ?",
    ),
    fail: db.prepare<[string, number]>("UPDATE outbox SET state = 'failed', last_error = ?, claimed_by = NULL, claim_expires_at = NULL WHERE id = ?"),
    attempt: db.prepare<[number, string, string, string | null, number | null]>(
      'INSERT INTO delivery_attempts (outbox_id, at, outcome, error, retry_after_ms) VALUES (?, ?, ?, ?, ?)',
    ),
    state: db.prepare<[number], { state: string; attempts: number; claimed_by: string | null }>('SELECT state, attempts, claimed_by FROM outbox WHERE id = ?'),
    extend: db.prepare<[number, number, string]>("UPDATE outbox SET claim_expires_at = ? WHERE id = ? AND state = 'sending' AND claimed_by = ?"),
    body: db.prepare<[number], { body: string }>('SELECT body FROM outbox_bodies WHERE id = ?'),
    subscriptionOf: db.prepare<[number], { subscription_id: number }>('SELECT subscription_id FROM outbox WHERE id = ?'),
    pause: db.prepare<[string, string, number]>('UPDATE subscriptions SET paused_reason = ?, paused_at = ? WHERE id = ?'),
    failPending: db.prepare<[string, number]>("UPDATE outbox SET state = 'failed', last_error = ? WHERE subscription_id = ? AND state = 'pending'"),
    move: db.prepare<[number, number, number]>('UPDATE subscriptions SET cursor = ? WHERE id = ? AND cursor = ? AND paused_reason IS NULL'),
    deliver: db.prepare<[number, number, number]>('INSERT INTO deliveries (subscription_id, event_id, outbox_id) VALUES (?, ?, ?)'),
    // As alerts/outbox.ts's outboxBacklog.
    backlog: db.prepare<[], { pending: number | null; failed: number | null; oldest: string | null }>(
      "SELECT SUM(state IN ('pending', 'sending')) AS pending, SUM(state = 'failed') AS failed, MIN(CASE WHEN state IN ('pending', 'sending') THEN created_at END) AS oldest FROM outbox",
    ),
  };
  return {
    enqueue: async (m: NewOutboxMessage) => {
      const created = m.createdAt ?? new Date();
      const next = (m.nextAttemptAt ?? created).toISOString();
      return db
        .transaction(() => {
          const bodyId = m.body === undefined ? null : q.upsertBody.get(bodyHash(m.body), m.body)!.id;
          return q.insert.get(m.subscriptionId, m.platform, m.channel, m.kind, m.payload, bodyId, created.toISOString(), next)!.id;
        })
        .immediate();
    },
    claimDue: async (o: ClaimOptions) => {
      const now = o.now.toISOString();
      const until = o.now.getTime() + o.claimTtlMs;
      return db
        .transaction(() =>
          q.heads.all({ now, nowMs: o.now.getTime(), limit: o.limit }).map((h) => claimedFromRow({ ...q.claim.get({ id: h.id, now, worker: o.worker, until })!, prior_state: h.prior_state })),
        )
        .immediate();
    },
    settle: async (id: number, worker: string, outcome: Settlement, now: Date) => {
      const at = now.toISOString();
      return db
        .transaction(() => {
          if (!q.held.get(id, worker)) return false;
          if (outcome.state === 'delivered') {
            q.delivered.run(at, outcome.ref ?? null, id);
            q.attempt.run(id, at, 'delivered', outcome.note ?? null, null);
          } else if (outcome.state === 'retry') {
            q.retry.run(outcome.nextAttemptAt.toISOString(), outcome.error, outcome.uncount ? 1 : 0, id);
            q.attempt.run(id, at, 'retry', outcome.error, outcome.retryAfterMs ?? null);
          } else {
            q.fail.run(outcome.error, id);
            q.attempt.run(id, at, 'failed', outcome.error, null);
            if (outcome.pauseSubscription !== undefined) {
              const subscriptionId = q.subscriptionOf.get(id)!.subscription_id;
              q.pause.run(outcome.pauseSubscription, at, subscriptionId);
              q.failPending.run(`subscription paused: ${outcome.pauseSubscription}`, subscriptionId);
            }
          }
          return true;
        })
        .immediate();
    },
    route: async (batch: RoutedBatch, now = new Date()) =>
      db
        .transaction(() => {
          if (q.move.run(batch.toCursor, batch.subscriptionId, batch.fromCursor).changes !== 1) return false;
          for (const m of batch.messages) {
            const created = m.createdAt ?? now;
            const bodyId = m.body === undefined ? null : q.upsertBody.get(bodyHash(m.body), m.body)!.id;
            const id = q.insert.get(m.subscriptionId, m.platform, m.channel, m.kind, m.payload, bodyId, created.toISOString(), (m.nextAttemptAt ?? created).toISOString())!.id;
            for (const e of m.eventIds) q.deliver.run(m.subscriptionId, e, id);
          }
          return true;
        })
        .immediate(),
    extendClaim: async (id, worker, until) => q.extend.run(until, id, worker).changes === 1,
    body: async (bodyId) => q.body.get(bodyId)?.body,
    state: async (id) => {
      const r = q.state.get(id);
      return r && { state: r.state, attempts: r.attempts, claimedBy: r.claimed_by };
    },
    // The SQLite pipeline's own pruning and retries (alerts/prune.ts, alerts/failed.ts), on the same tables.
    prune: async (before, batch) => {
      const removed = pruneDeliveredBatch(db, { keepDays: 0, now: before, batch }).messages;
      if (removed < batch) db.transaction(() => pruneBodies(db)).immediate();
      return removed;
    },
    retryFailed: async (which, now = new Date()) => retryFailed(db, which, now),
    backlog: async () => {
      const row = q.backlog.get()!;
      return { pending: row.pending ?? 0, failed: row.failed ?? 0, oldest: row.oldest };
    },
    failedSummary: async () => failedSummary(db),
    failedMessages: async () => failedMessages(db),
  };
}

function sqliteSubscriptions(db: Db): SharedSubscriptions {
  const q = {
    upsert: db.prepare(
      `INSERT INTO subscriptions (platform, channel, targets, excluded, kinds, countries, health, created_by, created_at, updated_at, cursor)
       VALUES (@platform, @channel, @targets, @excluded, @kinds, @countries, @health, @by, @at, @at, (SELECT COALESCE(MAX(id), 0) FROM events))
       ON CONFLICT (platform, channel) DO UPDATE SET targets = excluded.targets, excluded = excluded.excluded, kinds = excluded.kinds, countries = excluded.countries,
         health = MAX(subscriptions.health, excluded.health), updated_at = excluded.updated_at, paused_reason = NULL, paused_at = NULL`,
    ),
    get: db.prepare<[string, string], SubscriptionRow>('SELECT * FROM subscriptions WHERE platform = ? AND channel = ?'),
    all: db.prepare<[], SubscriptionRow>('SELECT * FROM subscriptions ORDER BY id'),
    remove: db.prepare<[number]>('DELETE FROM subscriptions WHERE id = ?'),
    unheld: db.prepare<[number]>('DELETE FROM deliveries WHERE subscription_id = ? AND outbox_id = 0'),
    terms: db.prepare<[string, string]>('DELETE FROM watch_terms WHERE platform = ? AND channel = ?'),
    bare: db.prepare<[string, string, string | null, string, string]>(
      `INSERT INTO subscriptions (platform, channel, targets, created_by, created_at, updated_at, cursor)
       VALUES (?, ?, '[]', ?, ?, ?, (SELECT COALESCE(MAX(id), 0) FROM events)) ON CONFLICT (platform, channel) DO NOTHING`,
    ),
    watch: db.prepare<[string, string, string, string | null, string]>(
      'INSERT INTO watch_terms (platform, channel, term, created_by, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (platform, channel, term) DO NOTHING',
    ),
    unwatch: db.prepare<[string, string, string]>('DELETE FROM watch_terms WHERE platform = ? AND channel = ? AND lower(term) = lower(?)'),
    watched: db.prepare<[string, string], { term: string }>('SELECT term FROM watch_terms WHERE platform = ? AND channel = ? ORDER BY term'),
  };
  const get = (platform: string, channel: string) => {
    const row = q.get.get(platform, channel);
    return row && subscriptionFromRow(row);
  };
  return {
    create: async (input: NewSubscription, now = new Date()) => {
      q.upsert.run(subscriptionValues(input, now));
      return get(input.platform, input.channel)!;
    },
    get: async (platform, channel) => get(platform, channel),
    list: async () => q.all.all().map(subscriptionFromRow),
    remove: async (platform, channel) =>
      db
        .transaction(() => {
          const row = q.get.get(platform, channel);
          if (!row) return false;
          q.remove.run(row.id);
          q.unheld.run(row.id);
          q.terms.run(platform, channel);
          return true;
        })
        .immediate(),
    addWatch: async (platform, channel, term, by, now = new Date()) =>
      db
        .transaction(() => {
          const at = now.toISOString();
          q.bare.run(platform, channel, by ?? null, at, at);
          return q.watch.run(platform, channel, term, by ?? null, at).changes > 0;
        })
        .immediate(),
    removeWatch: async (platform, channel, term) => q.unwatch.run(platform, channel, term).changes > 0,
    watchTerms: async (platform, channel) => q.watched.all(platform, channel).map((r) => r.term),
  };
}

function sqliteEvents(db: Db): SharedEvents {
  const q = {
    insert: db.prepare<[string, number, string, string, string, number, string, string, string], { id: number }>(
      'INSERT INTO events (at, refresh_id, kind, list, source_id, record_id, record_key, name, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id',
    ),
    after: db.prepare<[number, number], EventRow>('SELECT * FROM events WHERE id > ? ORDER BY id LIMIT ?'),
    last: db.prepare<[], { id: number | null }>('SELECT MAX(id) AS id FROM events'),
    lastTold: db.prepare<[string, string, string], LastTold>('SELECT kind, detail FROM events WHERE source_id = ? AND record_key = ? AND list = ? ORDER BY id DESC LIMIT 1'),
    setSourceHash: db.prepare<[string, string, string, string]>(
      "INSERT INTO sources (id, format, location, status, content_hash) VALUES (?, ?, ?, 'ok', ?) ON CONFLICT (id) DO UPDATE SET content_hash = excluded.content_hash",
    ),
  };
  return {
    append: async (events: NewChangeEvent[]) =>
      db
        .transaction(() =>
          events.map((e) => q.insert.get(e.at, e.refreshId, e.kind, e.list, e.sourceId, e.recordId, e.recordKey, e.name, JSON.stringify(e.detail ?? {}))!.id),
        )
        .immediate(),
    publish: async (batch: PublishBatch) =>
      db
        .transaction(() => {
          const last = new Map<string, LastTold>();
          let added = 0;
          for (const e of batch.events) {
            const detail = JSON.stringify(e.detail ?? {});
            const key = `${e.list}\u0000${e.recordKey}`;
            if (!last.has(key)) {
              const told = q.lastTold.get(batch.source.id, e.recordKey, e.list);
              if (told) last.set(key, told);
            }
            if (!isNews({ kind: e.kind, detail }, last.get(key))) continue;
            q.insert.run(e.at, e.refreshId, e.kind, e.list, e.sourceId, e.recordId, e.recordKey, e.name, detail);
            last.set(key, { kind: e.kind, detail });
            added++;
          }
          q.setSourceHash.run(batch.source.id, batch.source.format, batch.source.location, batch.toHash);
          return { added, already: added === 0 && batch.events.length > 0 };
        })
        .immediate(),
    since: async (sinceId, limit = 1000) => q.after.all(sinceId, limit).map(eventFromRow),
    lastId: async () => q.last.get()!.id ?? 0,
  };
}

/**
 * On the SQLite file the sources table is the one refreshes write (one file, one state): it is read as it is, and a
 * process recording its state there has nothing to add.
 */
function sqliteSources(db: Db): SharedSources {
  const all = db.prepare<[], SourceStateRow>('SELECT id, format, location, status, content_hash, last_success_at, last_change_at, record_count, pending_removals FROM sources ORDER BY id');
  const notified = db.prepare<[string], { notified_status: string | null }>('SELECT notified_status FROM sources WHERE id = ?');
  const told = db.prepare<[string, string]>('UPDATE sources SET notified_status = ? WHERE id = ?');
  const healthSubs = db.prepare<[], { id: number; platform: string; channel: string }>('SELECT id, platform, channel FROM subscriptions WHERE health = 1 AND paused_reason IS NULL ORDER BY platform, channel');
  const insert = db.prepare<[number, string, string, string, string, string]>(
    "INSERT INTO outbox (subscription_id, platform, channel, kind, payload, created_at, next_attempt_at) VALUES (?, ?, ?, 'health', ?, ?, ?)",
  );
  return {
    list: async () => all.all().map(sourceStateFromRow),
    record: async () => {},
    claimNotice: async (sourceId, status, notice, now = new Date()) =>
      db
        .transaction(() => {
          const row = notified.get(sourceId);
          if (!row) return null;
          if (row.notified_status === status) return 0;
          told.run(status, sourceId);
          const payload = notice(row.notified_status);
          if (payload === undefined) return 0;
          const subs = healthSubs.all();
          const at = now.toISOString();
          for (const s of subs) insert.run(s.id, s.platform, s.channel, payload, at, at);
          return subs.length;
        })
        .immediate(),
  };
}

function sqliteAudit(db: Db): SharedAudit {
  const q = {
    insert: db.prepare<[string, string, string | null, string | null, string, string, number], { id: number }>(
      'INSERT INTO audit (at, platform, actor, place, query, results, dataset_version) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id',
    ),
    list: db.prepare<[number, number], AuditRow>('SELECT * FROM audit WHERE id > ? ORDER BY id DESC LIMIT ?'),
  };
  return {
    append: async (e: NewAuditEntry) =>
      q.insert.get(e.at.toISOString(), e.platform, e.actor ?? null, e.place ?? null, e.query, JSON.stringify(e.results), e.datasetVersion)!.id,
    list: async (options = {}) => q.list.all(options.sinceId ?? 0, options.limit ?? 50).map(auditFromRow),
  };
}
