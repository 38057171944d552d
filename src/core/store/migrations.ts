/**
 * Numbered schema migrations. `PRAGMA user_version` holds the number of the last one applied; each runs in
 * its own transaction, in order, once. Never edit a migration that has shipped: add the next one.
 */
import type { Db } from './db';

/**
 * Data derived in code from the stored records (the name index, the parties). The store does not know how
 * to derive it (that is the matcher's business, a layer above): whoever opens the database supplies these
 * steps, and a migration that changes the shape of derived data calls them (src/core/reindex.ts).
 */
export interface Derivations {
  /** Rebuild the name index and the parties from the stored records. */
  reindex(db: Db): void;
}

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /** A step SQL alone cannot do (re-deriving data in code), run after `sql` in the same transaction. */
  after?: (db: Db, derive: Derivations) => void;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'sources, refreshes, records, designations, names, events',
    sql: `
      CREATE TABLE sources (
        id               TEXT PRIMARY KEY,
        format           TEXT NOT NULL,
        location         TEXT NOT NULL,
        status           TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'ok', 'quarantined', 'failed')),
        last_attempt_at  TEXT,
        last_success_at  TEXT,
        last_change_at   TEXT,
        validators       TEXT,
        content_hash     TEXT,
        parser_version   INTEGER,
        last_error       TEXT,
        record_count     INTEGER NOT NULL DEFAULT 0
      );

      CREATE TABLE refreshes (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        source_id    TEXT NOT NULL,
        started_at   TEXT NOT NULL,
        finished_at  TEXT,
        outcome      TEXT NOT NULL CHECK (outcome IN ('running', 'applied', 'unchanged', 'not-modified', 'quarantined', 'failed')),
        records      INTEGER,
        added        INTEGER NOT NULL DEFAULT 0,
        removed      INTEGER NOT NULL DEFAULT 0,
        changed      INTEGER NOT NULL DEFAULT 0,
        suspended    INTEGER NOT NULL DEFAULT 0,
        content_hash TEXT,
        message      TEXT
      );
      CREATE INDEX refreshes_by_source ON refreshes (source_id, id);

      CREATE TABLE records (
        id          INTEGER PRIMARY KEY,
        source_id   TEXT NOT NULL REFERENCES sources (id),
        key         TEXT NOT NULL,
        name        TEXT NOT NULL,
        type        TEXT NOT NULL,
        payload     TEXT NOT NULL,
        hash        TEXT NOT NULL,
        first_seen  TEXT NOT NULL,
        last_seen   TEXT NOT NULL,
        removed_at  TEXT,
        UNIQUE (source_id, key)
      );

      CREATE TABLE designations (
        id          INTEGER PRIMARY KEY,
        record_id   INTEGER NOT NULL REFERENCES records (id),
        list        TEXT NOT NULL,
        status      TEXT NOT NULL CHECK (status IN ('active', 'removed', 'suspended')),
        since       TEXT,
        until       TEXT,
        citation    TEXT,
        url         TEXT,
        authority   TEXT,
        programs    TEXT NOT NULL DEFAULT '[]',
        notes       TEXT,
        first_seen  TEXT NOT NULL,
        removed_at  TEXT,
        UNIQUE (record_id, list)
      );
      CREATE INDEX designations_by_list ON designations (list, status);

      CREATE TABLE names (
        id         INTEGER PRIMARY KEY,
        record_id  INTEGER NOT NULL REFERENCES records (id),
        value      TEXT NOT NULL,
        kind       TEXT NOT NULL,
        script     TEXT NOT NULL,
        lang       TEXT,
        norm       TEXT NOT NULL
      );
      CREATE INDEX names_by_record ON names (record_id);
      CREATE INDEX names_by_norm ON names (norm);

      CREATE TABLE events (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        at          TEXT NOT NULL,
        refresh_id  INTEGER NOT NULL REFERENCES refreshes (id),
        kind        TEXT NOT NULL CHECK (kind IN ('added', 'removed', 'changed', 'suspended')),
        list        TEXT NOT NULL,
        source_id   TEXT NOT NULL,
        record_id   INTEGER NOT NULL REFERENCES records (id),
        record_key  TEXT NOT NULL,
        name        TEXT NOT NULL,
        detail      TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX events_by_list ON events (list, id);

      CREATE TABLE meta (
        key    TEXT PRIMARY KEY,
        value  TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'match index: name tokens, postings, trigram vocabulary, parties',
    sql: `
      ALTER TABLE names ADD COLUMN tokens TEXT NOT NULL DEFAULT '';
      ALTER TABLE names ADD COLUMN compact TEXT NOT NULL DEFAULT '';
      ALTER TABLE names ADD COLUMN han INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX names_by_compact ON names (compact);

      CREATE TABLE tokens (
        id     INTEGER PRIMARY KEY,
        token  TEXT NOT NULL UNIQUE,
        df     INTEGER NOT NULL DEFAULT 0
      );
      -- Postings ordered by the number of words of the name: the shortest (most specific) names come first.
      CREATE TABLE name_tokens (
        token_id  INTEGER NOT NULL,
        len       INTEGER NOT NULL,
        name_id   INTEGER NOT NULL,
        PRIMARY KEY (token_id, len, name_id)
      ) WITHOUT ROWID;
      CREATE INDEX name_tokens_by_name ON name_tokens (name_id);
      CREATE VIRTUAL TABLE token_grams USING fts5 (token, content = 'tokens', content_rowid = 'id', tokenize = 'trigram');

      ALTER TABLE records ADD COLUMN party_id INTEGER;
      CREATE INDEX records_by_party ON records (party_id);
    `,
    after: (db, derive) => derive.reindex(db),
  },
  {
    version: 3,
    name: 'audit trail of lookups',
    sql: `
      CREATE TABLE audit (
        id               INTEGER PRIMARY KEY AUTOINCREMENT,
        at               TEXT NOT NULL,
        platform         TEXT NOT NULL,
        actor            TEXT,
        place            TEXT,
        query            TEXT NOT NULL,
        results          TEXT NOT NULL,
        dataset_version  INTEGER NOT NULL
      );
      CREATE INDEX audit_by_time ON audit (at);
    `,
  },
  {
    version: 4,
    name: 'subscriptions and watch terms',
    sql: `
      -- One subscription per channel: what it follows (targets: all, side:us, side:cn, list codes), which kinds
      -- of change, which countries, and whether it wants source-health notices. cursor: the last event id
      -- already routed to it (a new subscription starts at the newest event: no backlog).
      CREATE TABLE subscriptions (
        id             INTEGER PRIMARY KEY,
        platform       TEXT NOT NULL,
        channel        TEXT NOT NULL,
        targets        TEXT NOT NULL DEFAULT '[]',
        kinds          TEXT NOT NULL DEFAULT '["added","removed","changed","suspended"]',
        countries      TEXT NOT NULL DEFAULT '[]',
        health         INTEGER NOT NULL DEFAULT 0,
        paused_reason  TEXT,
        paused_at      TEXT,
        created_by     TEXT,
        created_at     TEXT NOT NULL,
        updated_at     TEXT NOT NULL,
        cursor         INTEGER NOT NULL DEFAULT 0,
        UNIQUE (platform, channel)
      );
      CREATE TABLE watch_terms (
        id          INTEGER PRIMARY KEY,
        platform    TEXT NOT NULL,
        channel     TEXT NOT NULL,
        term        TEXT NOT NULL,
        created_by  TEXT,
        created_at  TEXT NOT NULL,
        UNIQUE (platform, channel, term)
      );
    `,
  },
  {
    version: 5,
    name: 'outbox, deliveries and attempts',
    sql: `
      -- Messages waiting to be sent to a channel: an alert, a digest, or a source-health notice.
      CREATE TABLE outbox (
        id               INTEGER PRIMARY KEY AUTOINCREMENT,
        subscription_id  INTEGER NOT NULL,
        platform         TEXT NOT NULL,
        channel          TEXT NOT NULL,
        kind             TEXT NOT NULL CHECK (kind IN ('alert', 'digest', 'health')),
        payload          TEXT NOT NULL,
        created_at       TEXT NOT NULL,
        state            TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'delivered', 'failed')),
        attempts         INTEGER NOT NULL DEFAULT 0,
        next_attempt_at  TEXT NOT NULL,
        delivered_at     TEXT,
        ref              TEXT,
        last_error       TEXT
      );
      CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
      -- Exactly once: each (subscription, event) is queued in one message, once.
      CREATE TABLE deliveries (
        subscription_id  INTEGER NOT NULL,
        event_id         INTEGER NOT NULL,
        outbox_id        INTEGER NOT NULL,
        PRIMARY KEY (subscription_id, event_id)
      ) WITHOUT ROWID;
      CREATE TABLE delivery_attempts (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        outbox_id       INTEGER NOT NULL,
        at              TEXT NOT NULL,
        outcome         TEXT NOT NULL CHECK (outcome IN ('delivered', 'retry', 'failed')),
        error           TEXT,
        retry_after_ms  INTEGER
      );
      -- Source-health notices go out once per change of a source's state, not once per refresh.
      ALTER TABLE sources ADD COLUMN notified_status TEXT;
      -- When the scheduler of a running bot will next refresh the source (for status).
      ALTER TABLE sources ADD COLUMN next_run_at TEXT;
    `,
  },
  {
    version: 6,
    name: 'sources: how old their data may grow before answers call it stale, and which are demo data',
    sql: `
      -- From the source config (stale_after_hours); NULL: the default in core/coverage.ts.
      ALTER TABLE sources ADD COLUMN stale_after_hours REAL;
      -- A demo source (the bundled seed): its data is never screening data, whatever database holds it.
      ALTER TABLE sources ADD COLUMN demo INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 7,
    name: 'leases (one refresh at a time, one leader per database) and a version per source snapshot',
    sql: `
      -- A named lease held by one process (holder: host:pid:random) until expires_at (ms since the epoch),
      -- renewed by its heartbeat; taken over when it expires or its holder is gone (src/core/ops/lease.ts).
      CREATE TABLE leases (
        name          TEXT PRIMARY KEY,
        holder        TEXT NOT NULL,
        acquired_at   TEXT NOT NULL,
        heartbeat_at  TEXT NOT NULL,
        expires_at    INTEGER NOT NULL
      );
      -- Bumped by every applied snapshot: a refresh applies its diff only onto the snapshot it diffed against.
      ALTER TABLE sources ADD COLUMN snapshot_version INTEGER NOT NULL DEFAULT 0;
      -- Refreshes left running by a process that died, found at start-up.
      CREATE INDEX refreshes_running ON refreshes (id) WHERE outcome = 'running';
    `,
  },
  {
    version: 8,
    name: 'derived data again: pinyin forms of Chinese names, and parties under the stricter grouping rules',
    sql: '',
    after: (db, derive) => derive.reindex(db),
  },
  {
    version: 9,
    name: 'outbox: when the current run of retries began',
    sql: `
      -- A message is retried until ALERT_RETRY_HOURS after this (NULL: after it was queued). A failed message sent
      -- again (by hand, or because its platform answers again) starts a new run here; created_at, part of the
      -- message's key, never changes.
      ALTER TABLE outbox ADD COLUMN retry_since TEXT;
    `,
  },
  {
    version: 10,
    name: 'removals need two looks: records a snapshot left out, held until the next fetch confirms them',
    sql: `
      -- Set when a snapshot that would remove more than the source's hold threshold left this record out: the
      -- record stays active, no event is written; the next snapshot that also lacks it removes it (with its
      -- events), one that has it clears this.
      ALTER TABLE records ADD COLUMN pending_removal_at TEXT;
      CREATE INDEX records_pending_removal ON records (source_id) WHERE pending_removal_at IS NOT NULL;
      -- How many removals of the source wait for confirmation, and since when (for status).
      ALTER TABLE sources ADD COLUMN pending_removals INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE sources ADD COLUMN pending_removals_since TEXT;
    `,
  },
  {
    version: 11,
    name: 'sources: what the last parse warned about (notices that look relevant but parse to nothing)',
    sql: `
      -- JSON array of one-line warnings from the last snapshot parsed (NULL: none); shown by status.
      ALTER TABLE sources ADD COLUMN parse_warnings TEXT;
    `,
  },
  {
    version: 12,
    name: 'source documents: what discovery fetched from the publishers (notices, Federal Register rules), kept for good',
    sql: `
      -- A discovering source (China's announcements, Federal Register rules) finds documents on index pages;
      -- each one fetched is kept here, so that a snapshot is every document found so far, not just the ones
      -- the index still lists. Never deleted by a refresh; removed with its source.
      CREATE TABLE source_documents (
        source_id     TEXT NOT NULL,
        url           TEXT NOT NULL,
        fetched_at    TEXT NOT NULL,
        content_type  TEXT,
        sha256        TEXT NOT NULL,
        -- JSON: what the index said of it (title, date, index URL).
        meta          TEXT,
        body          BLOB NOT NULL,
        PRIMARY KEY (source_id, url)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 13,
    name: 'alert acknowledgements: who marked an alert message seen / handled, and when',
    sql: `
      -- One per alert message (outbox row): the first person to press "Acknowledge" (later presses are told who).
      CREATE TABLE alert_acks (
        outbox_id  INTEGER PRIMARY KEY REFERENCES outbox (id),
        platform   TEXT NOT NULL,
        channel    TEXT NOT NULL,
        user_id    TEXT NOT NULL,
        user_name  TEXT,
        at         TEXT NOT NULL
      );
    `,
  },
  {
    version: 14,
    name: 'subscriptions: exclusions (every list but some, a side but some of its lists)',
    sql: `
      -- JSON array of list codes the channel does not hear although a broader target (all, us, cn) covers them.
      ALTER TABLE subscriptions ADD COLUMN excluded TEXT NOT NULL DEFAULT '[]';
    `,
  },
  {
    version: 15,
    name: 'outbox fan-out: a per-channel queue index for the delivery worker, and delivered rows pruned by date',
    sql: `
      -- The worker's next message per channel: the oldest pending or sending message of each (platform, channel).
      -- Partial, so it holds only the undelivered rows however long the delivered history grows.
      CREATE INDEX outbox_channel_queue ON outbox (platform, channel, state, id) WHERE state IN ('pending', 'sending');
      -- Pruning: delivered messages older than ALERT_KEEP_DELIVERED_DAYS, oldest first.
      CREATE INDEX outbox_delivered_at ON outbox (delivered_at) WHERE state = 'delivered';
      -- Their attempts and claims are found by message.
      CREATE INDEX delivery_attempts_outbox ON delivery_attempts (outbox_id);
      CREATE INDEX deliveries_outbox ON deliveries (outbox_id);
    `,
  },
  {
    version: 16,
    name: 'events by record: the events of a party on a list (alert confirmations, re-listings)',
    sql: `
      CREATE INDEX events_by_record ON events (record_id, list);
    `,
  },
  {
    version: 17,
    name: 'subscriptions: scheduled summaries (daily or weekly at a local time) instead of alerts as they come',
    sql: `
      -- JSON {"every": "daily"|"weekly", "at": "08:00", "tz": "Europe/Berlin", "day"?: 1..7}; NULL: alerts as they come.
      ALTER TABLE subscriptions ADD COLUMN schedule TEXT;
      -- The next summary's time (UTC ISO), and when the period it closes began (the last summary, or the schedule's start).
      ALTER TABLE subscriptions ADD COLUMN summary_due_at TEXT;
      ALTER TABLE subscriptions ADD COLUMN summary_since TEXT;
      -- A scheduled channel's events are claimed in deliveries as they are routed (exactly once, as ever) with
      -- outbox_id 0, "held for the next summary"; the summary's outbox row takes them over when it is queued,
      -- in the same transaction that moves summary_due_at on, so a summary goes out once across restarts.
    `,
  },
  {
    version: 18,
    name: 'audit by actor: a person\'s own recent lookups (the Slack App Home)',
    sql: `
      CREATE INDEX audit_by_actor ON audit (platform, actor, id);
    `,
  },
  {
    version: 19,
    name: 'outbox bodies: a message routed to many channels is stored once, each row keeps only its own part',
    sql: `
      CREATE TABLE outbox_bodies (
        -- AUTOINCREMENT: an id is never used again after its body is pruned (readers keep parsed bodies by id).
        id    INTEGER PRIMARY KEY AUTOINCREMENT,
        -- sha256 of the body: the same message routed to many channels is one row.
        hash  TEXT NOT NULL UNIQUE,
        body  TEXT NOT NULL
      );
      -- With a body, payload holds only the row's own part ({"digest", "total"}; its id names its buttons).
      ALTER TABLE outbox ADD COLUMN body_id INTEGER REFERENCES outbox_bodies (id);
      CREATE INDEX outbox_by_body ON outbox (body_id) WHERE body_id IS NOT NULL;
    `,
  },
  {
    version: 20,
    name: 'slack installations: one bot token per workspace (or per Enterprise org) in distribution mode, and the workspace of each channel',
    sql: `
      -- One row per installation of the Slack app (OAuth, src/bots/slack/installation-store.ts). id: the enterprise
      -- id for an org-wide install (Enterprise Grid), else the workspace's team id.
      CREATE TABLE slack_installations (
        id                 TEXT PRIMARY KEY,
        team_id            TEXT,
        enterprise_id      TEXT,
        enterprise_install INTEGER NOT NULL DEFAULT 0 CHECK (enterprise_install IN (0, 1)),
        bot_token          TEXT NOT NULL,
        bot_user_id        TEXT,
        bot_id             TEXT,
        -- Bolt's Installation object as stored by the installer (JSON): what fetchInstallation gives back.
        installation       TEXT NOT NULL,
        installed_at       TEXT NOT NULL,
        updated_at         TEXT NOT NULL
      ) WITHOUT ROWID;
      -- The workspace (and org) a channel's commands came from: alerts to the channel are posted with its token.
      CREATE TABLE slack_channel_workspaces (
        channel        TEXT PRIMARY KEY,
        team_id        TEXT,
        enterprise_id  TEXT,
        updated_at     TEXT NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 21,
    name: 'outbox claims: which worker holds a message it is sending, and until when (several workers, src/core/shared)',
    sql: `
      -- Set by a claim of the shared store's outbox (src/core/shared): the worker (host:pid:random) and when its claim
      -- runs out (ms since the epoch); a message still "sending" after that is claimed again by another worker. NULL:
      -- claimed by the single-process worker (alerts/worker.ts), which settles what it left "sending" itself.
      ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
      ALTER TABLE outbox ADD COLUMN claim_expires_at INTEGER;
    `,
  },

];
