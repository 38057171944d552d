/**
 * The shared store on PostgreSQL (DATABASE_URL): what several hosts share. Same semantics as the SQLite one
 * (src/core/shared/sqlite.ts); where SQLite serialises writers, this locks rows: a lease is taken under a row lock,
 * and the outbox is claimed with FOR UPDATE SKIP LOCKED, so workers on several hosts never hold the same message.
 */
import pg from 'pg';
import { summaryOf } from '../alerts/failed';
import { PostgresInstallations } from '../installations/postgres';
import type { WorkspaceInstallations } from '../installations/store';
import { pgTransfer } from '../transfer/postgres';
import { migratePostgres } from './pg-migrations';
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
  FailedMessage,
  LeaseRow,
  MigrationReport,
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
  TakeResult,
} from './types';

const INT8_OID = 20;
/** The advisory lock that serialises event appends ("evnt" in ASCII). */
const EVENTS_LOCK_KEY = 0x65766e74;

/** BIGINT columns (ids, ms times) as numbers, like SQLite's: every value we store stays below 2^53. */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    // libpq also takes the password as a parameter of the URL.
    for (const key of [...u.searchParams.keys()]) if (/pass/i.test(key)) u.searchParams.set(key, '***');
    return u.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}

export function openPool(url: string, options: { max?: number } = {}): pg.Pool {
  // A server that hangs (rather than refusing) must not hang the bot: a connection is given up after 10 s, a statement
  // after 2 min (the longest is a migration, or an advisory lock another host holds while it migrates).
  // A network that drops packets must not either: keep-alive probes find a dead connection, and the client gives up on a
  // query a little after the server would.
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    types,
    connectionTimeoutMillis: 10_000,
    statement_timeout: 120_000,
    query_timeout: 130_000,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  });
  // An idle connection the server dropped (a restart, a failover) must not crash the process: the pool replaces it,
  // and a query that meets the outage fails and is reported by its caller.
  pool.on('error', () => {});
  return pool;
}

type Queryable = pg.Pool | pg.PoolClient;

async function transaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

export class PostgresSharedStore implements SharedStore {
  readonly engine = 'postgres' as const;
  readonly leases: SharedLeases;
  readonly outbox: SharedOutbox;
  readonly subscriptions: SharedSubscriptions;
  readonly events: SharedEvents;
  readonly audit: SharedAudit;
  readonly sources: SharedSources;
  readonly installations: WorkspaceInstallations;
  readonly transfer: SharedTransfer;

  constructor(
    readonly pool: pg.Pool,
    private readonly url = '',
  ) {
    this.leases = pgLeases(pool);
    this.outbox = pgOutbox(pool);
    this.subscriptions = pgSubscriptions(pool);
    this.events = pgEvents(pool);
    this.audit = pgAudit(pool);
    this.sources = pgSources(pool);
    this.installations = new PostgresInstallations(pool);
    this.transfer = pgTransfer(pool);
  }

  static open(url: string, options: { max?: number } = {}): PostgresSharedStore {
    return new PostgresSharedStore(openPool(url, options), url);
  }

  async migrate(): Promise<MigrationReport> {
    const r = await migratePostgres(this.pool);
    return { engine: 'postgres', target: redactUrl(this.url), ...r };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

function pgLeases(pool: pg.Pool): SharedLeases {
  const get = async (db: Queryable, name: string, lock = false) =>
    (await db.query<LeaseRow>(`SELECT * FROM leases WHERE name = $1${lock ? ' FOR UPDATE' : ''}`, [name])).rows[0];
  return {
    get: (name) => get(pool, name),
    // `gone` (a holder on this host whose process has died) is not asked here: holders on PostgreSQL live on other
    // hosts, and two hosts (containers) may share a host name and process ids, so a live leader could be taken for
    // dead. A dead holder's lease is taken when it expires.
    take: (name, holder, ttlMs, now) =>
      transaction(pool, async (c): Promise<TakeResult> => {
        const at = new Date(now).toISOString();
        // A lease nobody has held: the first insert wins (a second waits for it to commit, then finds the row).
        const fresh = await c.query<LeaseRow>(
          `INSERT INTO leases (name, holder, acquired_at, heartbeat_at, expires_at) VALUES ($1, $2, $3, $3, $4)
           ON CONFLICT (name) DO NOTHING RETURNING *`,
          [name, holder, at, now + ttlMs],
        );
        if (fresh.rows[0]) return { taken: true, row: fresh.rows[0] };
        // Held before: decide under the row's lock, as SQLite decides under its write lock.
        const row = (await get(c, name, true))!;
        if (row.holder !== holder && row.expires_at > now) return { taken: false, row };
        const next: LeaseRow = { name, holder, acquired_at: row.holder === holder ? row.acquired_at : at, heartbeat_at: at, expires_at: now + ttlMs };
        await c.query('UPDATE leases SET holder = $2, acquired_at = $3, heartbeat_at = $4, expires_at = $5 WHERE name = $1', [
          name,
          next.holder,
          next.acquired_at,
          next.heartbeat_at,
          next.expires_at,
        ]);
        return { taken: true, row: next };
      }),
    renew: async (name, holder, ttlMs, now) =>
      (await pool.query('UPDATE leases SET heartbeat_at = $1, expires_at = $2 WHERE name = $3 AND holder = $4', [new Date(now).toISOString(), now + ttlMs, name, holder]))
        .rowCount === 1,
    release: async (name, holder) => {
      await pool.query('DELETE FROM leases WHERE name = $1 AND holder = $2', [name, holder]);
    },
  };
}

/**
 * The claim: each channel's next message (its oldest undelivered one: no lower id of the channel is pending or
 * sending), when due or when its claim ran out, locked with SKIP LOCKED (a head another worker is claiming right now
 * is left to it). The conditions are on the locked row itself, so PostgreSQL checks them again on the row's latest
 * version once locked: a head another worker claimed and committed meanwhile is "sending" under a live claim and
 * drops out. The update checks once more.
 *
 * The head is found per candidate by a correlated subquery (the first id of its channel's queue: one probe of the
 * index (platform, channel, id) whatever the statistics), not by joining every channel's MIN(id): that plan
 * depended on the table's statistics, and an outbox filled in a burst (1,000 channels at once) before autovacuum
 * had analysed it was planned as a nested loop over every pair of messages (0.5 s a claim at 1,000 messages, where
 * it took 2 ms once analysed; found by bench:pg).
 */
const CLAIM_SQL = `
  WITH due AS (
    SELECT o.id, o.state AS prior_state FROM outbox o
    WHERE ((o.state = 'pending' AND o.next_attempt_at <= $1)
        OR (o.state = 'sending' AND o.claim_expires_at IS NOT NULL AND o.claim_expires_at <= $2))
      AND o.id = (
        SELECT p.id FROM outbox p
         WHERE p.platform = o.platform AND p.channel = o.channel AND p.state IN ('pending', 'sending')
         ORDER BY p.id LIMIT 1
      )
    ORDER BY o.next_attempt_at, o.id
    LIMIT $3
    FOR UPDATE OF o SKIP LOCKED
  )
  UPDATE outbox SET state = 'sending', attempts = outbox.attempts + 1, retry_since = COALESCE(outbox.retry_since, $1),
         claimed_by = $4, claim_expires_at = $5
    FROM due
   WHERE outbox.id = due.id
     AND (outbox.state = 'pending' OR (outbox.state = 'sending' AND outbox.claim_expires_at <= $2))
  RETURNING outbox.id, outbox.subscription_id, outbox.platform, outbox.channel, outbox.kind, outbox.payload, outbox.body_id,
            outbox.created_at, outbox.attempts, outbox.retry_since, outbox.claimed_by, outbox.claim_expires_at, due.prior_state`;

/**
 * A message body stored once by its hash; its id. Looked up by its hash first: a digest routed to 1,000 channels is
 * sent to the server once, not once per channel. (The insert's no-op update makes RETURNING give the id of a row
 * another process inserted meanwhile.)
 */
async function upsertBody(c: Queryable, body: string): Promise<number> {
  const hash = bodyHash(body);
  // Locked (key share) until the message naming it commits: pruning skips a body a message is about to name.
  const found = await c.query<{ id: number }>('SELECT id FROM outbox_bodies WHERE hash = $1 FOR KEY SHARE', [hash]);
  if (found.rows[0]) return found.rows[0].id;
  const r = await c.query<{ id: number }>('INSERT INTO outbox_bodies (hash, body) VALUES ($1, $2) ON CONFLICT (hash) DO UPDATE SET hash = excluded.hash RETURNING id', [hash, body]);
  return r.rows[0]!.id;
}

/**
 * Delivered or to retry, in one statement (one round trip, its own transaction): only while this worker holds the
 * message, with the attempt recorded. $1 id, $2 worker, $3 at; the rest per outcome.
 */
const SETTLE_DELIVERED_SQL = `
  WITH settled AS (
    UPDATE outbox SET state = 'delivered', delivered_at = $3, ref = $4, last_error = NULL, claimed_by = NULL, claim_expires_at = NULL
     WHERE id = $1 AND state = 'sending' AND claimed_by = $2
    RETURNING id
  ), attempt AS (
    INSERT INTO delivery_attempts (outbox_id, at, outcome, error, retry_after_ms) SELECT id, $3, 'delivered', $5, NULL FROM settled
  )
  SELECT COUNT(*)::int AS n FROM settled`;
const SETTLE_RETRY_SQL = `
  WITH settled AS (
    UPDATE outbox SET state = 'pending', next_attempt_at = $4, last_error = $5, attempts = attempts - $6, claimed_by = NULL, claim_expires_at = NULL
     WHERE id = $1 AND state = 'sending' AND claimed_by = $2
    RETURNING id
  ), attempt AS (
    INSERT INTO delivery_attempts (outbox_id, at, outcome, error, retry_after_ms) SELECT id, $3, 'retry', $5, $7 FROM settled
  )
  SELECT COUNT(*)::int AS n FROM settled`;

/** Failed for good: the attempt recorded and, for a channel that refuses for good, its subscription paused. */
function settleFailed(pool: pg.Pool, id: number, worker: string, outcome: Extract<Settlement, { state: 'failed' }>, at: string): Promise<boolean> {
  return transaction(pool, async (c) => {
    const held = await c.query<{ subscription_id: number }>("SELECT subscription_id FROM outbox WHERE id = $1 AND state = 'sending' AND claimed_by = $2 FOR UPDATE", [id, worker]);
    if (!held.rows[0]) return false;
    await c.query("UPDATE outbox SET state = 'failed', last_error = $1, claimed_by = NULL, claim_expires_at = NULL WHERE id = $2", [outcome.error, id]);
    await c.query('INSERT INTO delivery_attempts (outbox_id, at, outcome, error, retry_after_ms) VALUES ($1, $2, $3, $4, $5)', [id, at, 'failed', outcome.error, null]);
    if (outcome.pauseSubscription !== undefined) {
      const subscriptionId = held.rows[0].subscription_id;
      await c.query('UPDATE subscriptions SET paused_reason = $1, paused_at = $2 WHERE id = $3', [outcome.pauseSubscription, at, subscriptionId]);
      await c.query("UPDATE outbox SET state = 'failed', last_error = $1 WHERE subscription_id = $2 AND state = 'pending'", [`subscription paused: ${outcome.pauseSubscription}`, subscriptionId]);
    }
    return true;
  });
}

/**
 * One batch of delivered messages past the cutoff (not acknowledged), with their attempts and deliveries rows, in one
 * statement. Rows another pruner holds are skipped (two leaders for a moment prune different batches).
 */
const PRUNE_SQL = `
  WITH doomed AS (
    SELECT o.id FROM outbox o
     WHERE o.state = 'delivered' AND o.delivered_at < $1 AND NOT EXISTS (SELECT 1 FROM alert_acks a WHERE a.outbox_id = o.id)
     ORDER BY o.delivered_at LIMIT $2
     FOR UPDATE OF o SKIP LOCKED
  ), attempts AS (
    DELETE FROM delivery_attempts WHERE outbox_id IN (SELECT id FROM doomed)
  ), claims AS (
    DELETE FROM deliveries WHERE outbox_id IN (SELECT id FROM doomed)
  )
  DELETE FROM outbox WHERE id IN (SELECT id FROM doomed) AND state = 'delivered'`;

/**
 * The bodies no message names any more. A body routing has just looked up or inserted is locked until its message
 * commits (upsertBody, and the foreign key's own lock): skipped, never deleted under it.
 */
const PRUNE_BODIES_SQL = `
  DELETE FROM outbox_bodies WHERE id IN (
    SELECT b.id FROM outbox_bodies b WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.body_id = b.id) FOR UPDATE OF b SKIP LOCKED
  )`;

const RETRY_FAILED_SQL = `UPDATE outbox SET state = 'pending', attempts = 0, next_attempt_at = $1, retry_since = $1
  WHERE state = 'failed' AND subscription_id IN (SELECT id FROM subscriptions WHERE paused_reason IS NULL)`;

function pgOutbox(pool: pg.Pool): SharedOutbox {
  return {
    enqueue: (m: NewOutboxMessage) =>
      transaction(pool, async (c) => {
        // One enqueue per channel at a time, to commit: ids are handed out at insert, not at commit, so two overlapping
        // enqueues to a channel could commit out of id order and a claim take the later message first (or both at once).
        await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`outbox|${m.platform}|${m.channel}`]);
        const created = m.createdAt ?? new Date();
        const bodyId = m.body === undefined ? null : await upsertBody(c, m.body);
        const r = await c.query<{ id: number }>(
          'INSERT INTO outbox (subscription_id, platform, channel, kind, payload, body_id, created_at, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id',
          [m.subscriptionId, m.platform, m.channel, m.kind, m.payload, bodyId, created.toISOString(), (m.nextAttemptAt ?? created).toISOString()],
        );
        return r.rows[0]!.id;
      }),
    claimDue: async (o: ClaimOptions) => {
      const nowMs = o.now.getTime();
      const r = await pool.query<ClaimedRow>(CLAIM_SQL, [o.now.toISOString(), nowMs, o.limit, o.worker, nowMs + o.claimTtlMs]);
      return r.rows.sort((a, b) => a.id - b.id).map(claimedFromRow);
    },
    settle: async (id: number, worker: string, outcome: Settlement, now: Date) => {
      const at = now.toISOString();
      if (outcome.state === 'delivered') return (await pool.query<{ n: number }>(SETTLE_DELIVERED_SQL, [id, worker, at, outcome.ref ?? null, outcome.note ?? null])).rows[0]!.n === 1;
      if (outcome.state === 'retry') {
        const values = [id, worker, at, outcome.nextAttemptAt.toISOString(), outcome.error, outcome.uncount ? 1 : 0, outcome.retryAfterMs ?? null];
        return (await pool.query<{ n: number }>(SETTLE_RETRY_SQL, values)).rows[0]!.n === 1;
      }
      return settleFailed(pool, id, worker, outcome, at);
    },
    route: (batch: RoutedBatch, now = new Date()) =>
      transaction(pool, async (c) => {
        const moved = await c.query('UPDATE subscriptions SET cursor = $1 WHERE id = $2 AND cursor = $3 AND paused_reason IS NULL', [
          batch.toCursor,
          batch.subscriptionId,
          batch.fromCursor,
        ]);
        if (moved.rowCount !== 1) return false;
        for (const m of batch.messages) {
          // As enqueue: one channel's messages commit in id order.
          await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`outbox|${m.platform}|${m.channel}`]);
          const created = m.createdAt ?? now;
          const bodyId = m.body === undefined ? null : await upsertBody(c, m.body);
          const r = await c.query<{ id: number }>(
            'INSERT INTO outbox (subscription_id, platform, channel, kind, payload, body_id, created_at, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id',
            [m.subscriptionId, m.platform, m.channel, m.kind, m.payload, bodyId, created.toISOString(), (m.nextAttemptAt ?? created).toISOString()],
          );
          // The deliveries key refuses a second claim of an event for the subscription (a bug elsewhere): the batch fails whole.
          await c.query('INSERT INTO deliveries (subscription_id, event_id, outbox_id) SELECT $1, unnest($2::bigint[]), $3', [m.subscriptionId, m.eventIds, r.rows[0]!.id]);
        }
        return true;
      }),
    extendClaim: async (id, worker, until) =>
      (await pool.query("UPDATE outbox SET claim_expires_at = $1 WHERE id = $2 AND state = 'sending' AND claimed_by = $3", [until, id, worker])).rowCount === 1,
    body: async (bodyId) => (await pool.query<{ body: string }>('SELECT body FROM outbox_bodies WHERE id = $1', [bodyId])).rows[0]?.body,
    state: async (id) => {
      const r = await pool.query<{ state: string; attempts: number; claimed_by: string | null }>('SELECT state, attempts, claimed_by FROM outbox WHERE id = $1', [id]);
      const row = r.rows[0];
      return row && { state: row.state, attempts: row.attempts, claimedBy: row.claimed_by };
    },
    prune: async (before, batch) => {
      const removed = (await pool.query(PRUNE_SQL, [before.toISOString(), batch])).rowCount ?? 0;
      // Every last batch, not only one that removed messages: a run cut short before this step leaves none for ever.
      // A body another process's routing named between this statement's snapshot and its lock is refused by the
      // foreign key: left for the next run.
      if (removed < batch) await pool.query(PRUNE_BODIES_SQL).catch((err: Error & { code?: string }) => {
        if (err.code !== '23503') throw err;
      });
      return removed;
    },
    retryFailed: async (which, now = new Date()) => {
      const at = now.toISOString();
      if ('id' in which) return (await pool.query(`${RETRY_FAILED_SQL} AND id = $2`, [at, which.id])).rowCount ?? 0;
      if ('platform' in which) return (await pool.query(`${RETRY_FAILED_SQL} AND platform = $2`, [at, which.platform])).rowCount ?? 0;
      return (await pool.query(RETRY_FAILED_SQL, [at])).rowCount ?? 0;
    },
    backlog: async () => {
      const r = await pool.query<{ pending: number; failed: number; oldest: string | null }>(
        `SELECT COUNT(*) FILTER (WHERE state IN ('pending', 'sending'))::int AS pending, COUNT(*) FILTER (WHERE state = 'failed')::int AS failed,
                MIN(created_at) FILTER (WHERE state IN ('pending', 'sending')) AS oldest
           FROM outbox WHERE state IN ('pending', 'sending', 'failed')`,
      );
      const row = r.rows[0]!;
      return { pending: row.pending, failed: row.failed, oldest: row.oldest };
    },
    failedSummary: async () => {
      const r = await pool.query<{ n: number; oldest: string | null; platforms: string[] | null; last_error: string | null }>(
        `SELECT COUNT(*)::int AS n, MIN(o.created_at) AS oldest, array_agg(DISTINCT o.platform ORDER BY o.platform) FILTER (WHERE o.platform IS NOT NULL) AS platforms,
                (array_agg(o.last_error ORDER BY o.id DESC))[1] AS last_error
           FROM outbox o JOIN subscriptions s ON s.id = o.subscription_id WHERE o.state = 'failed' AND s.paused_reason IS NULL`,
      );
      const row = r.rows[0]!;
      return { retryable: row.n, oldest: row.oldest, lastError: row.last_error ?? null, platforms: row.platforms ?? [] };
    },
    failedMessages: async () => {
      const r = await pool.query<Omit<FailedMessage, 'summary'> & { payload: string }>(
        `SELECT o.id, o.platform, o.channel, o.kind, COALESCE(b.body, o.payload) AS payload, o.created_at, o.attempts, o.last_error, s.paused_reason
           FROM outbox o LEFT JOIN subscriptions s ON s.id = o.subscription_id LEFT JOIN outbox_bodies b ON b.id = o.body_id
          WHERE o.state = 'failed' ORDER BY o.id`,
      );
      return r.rows.map(({ payload, ...m }) => ({ ...m, summary: summaryOf(payload) }));
    },
  };
}

function pgSubscriptions(pool: pg.Pool): SharedSubscriptions {
  const get = async (platform: string, channel: string) => {
    const row = (await pool.query<SubscriptionRow>('SELECT * FROM subscriptions WHERE platform = $1 AND channel = $2', [platform, channel])).rows[0];
    return row && subscriptionFromRow(row);
  };
  return {
    create: async (input: NewSubscription, now = new Date()) => {
      const v = subscriptionValues(input, now);
      await pool.query(
        `INSERT INTO subscriptions (platform, channel, targets, excluded, kinds, countries, health, created_by, created_at, updated_at, cursor)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, (SELECT COALESCE(MAX(id), 0) FROM events))
         ON CONFLICT (platform, channel) DO UPDATE SET targets = excluded.targets, excluded = excluded.excluded, kinds = excluded.kinds, countries = excluded.countries,
           health = GREATEST(subscriptions.health, excluded.health), updated_at = excluded.updated_at, paused_reason = NULL, paused_at = NULL`,
        [v.platform, v.channel, v.targets, v.excluded, v.kinds, v.countries, v.health, v.by, v.at],
      );
      return (await get(input.platform, input.channel))!;
    },
    get,
    list: async () => (await pool.query<SubscriptionRow>('SELECT * FROM subscriptions ORDER BY id')).rows.map(subscriptionFromRow),
    remove: (platform, channel) =>
      transaction(pool, async (c) => {
        const gone = await c.query<{ id: number }>('DELETE FROM subscriptions WHERE platform = $1 AND channel = $2 RETURNING id', [platform, channel]);
        const id = gone.rows[0]?.id;
        if (id === undefined) return false;
        await c.query('DELETE FROM deliveries WHERE subscription_id = $1 AND outbox_id = 0', [id]);
        await c.query('DELETE FROM watch_terms WHERE platform = $1 AND channel = $2', [platform, channel]);
        return true;
      }),
    addWatch: (platform, channel, term, by, now = new Date()) =>
      transaction(pool, async (c) => {
        const at = now.toISOString();
        await c.query(
          `INSERT INTO subscriptions (platform, channel, targets, created_by, created_at, updated_at, cursor)
           VALUES ($1, $2, '[]', $3, $4, $4, (SELECT COALESCE(MAX(id), 0) FROM events)) ON CONFLICT (platform, channel) DO NOTHING`,
          [platform, channel, by ?? null, at],
        );
        const r = await c.query(
          'INSERT INTO watch_terms (platform, channel, term, created_by, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (platform, channel, term) DO NOTHING',
          [platform, channel, term, by ?? null, at],
        );
        return (r.rowCount ?? 0) > 0;
      }),
    removeWatch: async (platform, channel, term) =>
      ((await pool.query('DELETE FROM watch_terms WHERE platform = $1 AND channel = $2 AND lower(term) = lower($3)', [platform, channel, term])).rowCount ?? 0) > 0,
    watchTerms: async (platform, channel) =>
      (await pool.query<{ term: string }>('SELECT term FROM watch_terms WHERE platform = $1 AND channel = $2 ORDER BY term', [platform, channel])).rows.map((r) => r.term),
  };
}

function pgEvents(pool: pg.Pool): SharedEvents {
  return {
    append: (events: NewChangeEvent[]) =>
      transaction(pool, async (c) => {
        // Readers follow events by id (a subscription's cursor): ids must become visible in order. Identity values are
        // handed out at insert, not at commit, so two appending transactions could commit out of order and a reader
        // skip the lower id for good; appends are serialised instead (one refresh writes at a time anyway).
        await c.query('SELECT pg_advisory_xact_lock($1)', [EVENTS_LOCK_KEY]);
        const ids: number[] = [];
        for (const e of events) {
          const r = await c.query<{ id: number }>(
            'INSERT INTO events (at, refresh_id, kind, list, source_id, record_id, record_key, name, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id',
            [e.at, e.refreshId, e.kind, e.list, e.sourceId, e.recordId, e.recordKey, e.name, JSON.stringify(e.detail ?? {})],
          );
          ids.push(r.rows[0]!.id);
        }
        return ids;
      }),
    publish: (batch: PublishBatch) =>
      transaction(pool, async (c) => {
        await c.query('SELECT pg_advisory_xact_lock($1)', [EVENTS_LOCK_KEY]);
        // What was last published of each record of the batch, on each list (one read: the events_by_record_key index).
        const keys = [...new Set(batch.events.map((e) => e.recordKey))];
        const last = new Map<string, LastTold>();
        const told = await c.query<{ list: string; record_key: string; kind: string; detail: string }>(
          `SELECT DISTINCT ON (list, record_key) list, record_key, kind, detail FROM events
            WHERE source_id = $1 AND record_key = ANY($2::text[]) ORDER BY list, record_key, id DESC`,
          [batch.source.id, keys],
        );
        for (const r of told.rows) last.set(`${r.list}\u0000${r.record_key}`, r);
        let added = 0;
        for (const e of batch.events) {
          const detail = JSON.stringify(e.detail ?? {});
          const key = `${e.list}\u0000${e.recordKey}`;
          if (!isNews({ kind: e.kind, detail }, last.get(key))) continue;
          await c.query('INSERT INTO events (at, refresh_id, kind, list, source_id, record_id, record_key, name, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)', [
            e.at,
            e.refreshId,
            e.kind,
            e.list,
            e.sourceId,
            e.recordId,
            e.recordKey,
            e.name,
            detail,
          ]);
          last.set(key, { kind: e.kind, detail });
          added++;
        }
        await c.query(
          `INSERT INTO sources (id, format, location, status, content_hash) VALUES ($1, $2, $3, 'ok', $4)
           ON CONFLICT (id) DO UPDATE SET content_hash = excluded.content_hash`,
          [batch.source.id, batch.source.format, batch.source.location, batch.toHash],
        );
        return { added, already: added === 0 && batch.events.length > 0 };
      }),
    since: async (sinceId, limit = 1000) => (await pool.query<EventRow>('SELECT * FROM events WHERE id > $1 ORDER BY id LIMIT $2', [sinceId, limit])).rows.map(eventFromRow),
    lastId: async () => (await pool.query<{ id: number | null }>('SELECT MAX(id) AS id FROM events')).rows[0]?.id ?? 0,
  };
}

function pgSources(pool: pg.Pool): SharedSources {
  return {
    list: async () =>
      (await pool.query<SourceStateRow>('SELECT id, format, location, status, content_hash, last_success_at, last_change_at, record_count, pending_removals FROM sources ORDER BY id')).rows.map(
        sourceStateFromRow,
      ),
    record: (states) =>
      transaction(pool, async (c) => {
        for (const s of states) {
          await c.query(
            `INSERT INTO sources (id, format, location, status, content_hash, last_success_at, last_change_at, record_count, pending_removals) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (id) DO UPDATE SET format = excluded.format, location = excluded.location, status = excluded.status,
               last_success_at = excluded.last_success_at, last_change_at = excluded.last_change_at, record_count = excluded.record_count,
               pending_removals = excluded.pending_removals`,
            [s.id, s.format, s.location, s.status, s.contentHash, s.lastSuccessAt, s.lastChangeAt, s.recordCount, s.pendingRemovals],
          );
        }
      }),
    claimNotice: (sourceId, status, notice, now = new Date()) =>
      transaction(pool, async (c) => {
        // Under the source row's lock: a second process asking at the same time waits, then finds it told.
        const row = (await c.query<{ notified_status: string | null }>('SELECT notified_status FROM sources WHERE id = $1 FOR UPDATE', [sourceId])).rows[0];
        if (!row) return null;
        if (row.notified_status === status) return 0;
        await c.query('UPDATE sources SET notified_status = $1 WHERE id = $2', [status, sourceId]);
        const payload = notice(row.notified_status);
        if (payload === undefined) return 0;
        const subs = (
          await c.query<{ id: number; platform: string; channel: string }>('SELECT id, platform, channel FROM subscriptions WHERE health = 1 AND paused_reason IS NULL ORDER BY platform, channel')
        ).rows;
        const at = now.toISOString();
        for (const sub of subs) {
          // As enqueue: one channel's messages commit in id order (locks taken in one order: no deadlock with another notice).
          await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`outbox|${sub.platform}|${sub.channel}`]);
          await c.query("INSERT INTO outbox (subscription_id, platform, channel, kind, payload, created_at, next_attempt_at) VALUES ($1, $2, $3, 'health', $4, $5, $5)", [
            sub.id,
            sub.platform,
            sub.channel,
            payload,
            at,
          ]);
        }
        return subs.length;
      }),
  };
}

function pgAudit(pool: pg.Pool): SharedAudit {
  return {
    append: async (e: NewAuditEntry) =>
      (
        await pool.query<{ id: number }>(
          'INSERT INTO audit (at, platform, actor, place, query, results, dataset_version) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id',
          [e.at.toISOString(), e.platform, e.actor ?? null, e.place ?? null, e.query, JSON.stringify(e.results), e.datasetVersion],
        )
      ).rows[0]!.id,
    list: async (options = {}) =>
      (await pool.query<AuditRow>('SELECT * FROM audit WHERE id > $1 ORDER BY id DESC LIMIT $2', [options.sinceId ?? 0, options.limit ?? 50])).rows.map(auditFromRow),
  };
}
