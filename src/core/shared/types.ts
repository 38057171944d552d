/**
 * The state several bot processes (on one host or several) must share and must not lose, behind one async
 * interface with two engines: SQLite (one file, the default: src/core/shared/sqlite.ts) and PostgreSQL
 * (DATABASE_URL: src/core/shared/postgres.ts). Both keep the same semantics, checked by one test suite
 * (test/core/shared-store.suite.ts). The lookup index is not here: each process keeps its own local copy.
 */
import type { AuditEntry } from '../audit';
import type { FailedMessage } from '../alerts/failed';
import type { ListCode } from '../lists';
import type { ChangeEvent, ChangeKind } from '../model';
import type { Subscription, Target } from '../alerts/subscriptions';
import type { LeaseRow, TakeResult } from '../store/leases';
import type { WorkspaceInstallations } from '../installations/store';
import type { Schedule } from '../alerts/schedule';

export type { LeaseRow, TakeResult, FailedMessage };

export type Engine = 'sqlite' | 'postgres';

/** Named leases: at most one live holder per name (same rules as src/core/store/leases.ts). */
export interface SharedLeases {
  get(name: string): Promise<LeaseRow | undefined>;
  /** Take the lease unless another live holder has it. `gone(holder)`: that holder is known dead (same host). */
  take(name: string, holder: string, ttlMs: number, now: number, gone?: (holder: string) => boolean): Promise<TakeResult>;
  /** Extend a lease this holder still has; false when it has lost it. */
  renew(name: string, holder: string, ttlMs: number, now: number): Promise<boolean>;
  release(name: string, holder: string): Promise<void>;
}

export interface NewOutboxMessage {
  subscriptionId: number;
  platform: string;
  channel: string;
  kind: 'alert' | 'digest' | 'health';
  payload: string;
  /**
   * The message body shared by every channel that gets the same message (stored once, by its sha256, as routing does:
   * alerts/outbox-payload.ts); the row's payload then keeps only its own part.
   */
  body?: string;
  /** When it was queued (part of the message's key); default now. */
  createdAt?: Date;
  /** Not before this; default createdAt. */
  nextAttemptAt?: Date;
}

/** A message a worker claimed: it is "sending", held by that worker until claimExpiresAt (ms since the epoch). */
export interface ClaimedMessage {
  id: number;
  subscriptionId: number;
  platform: string;
  channel: string;
  kind: 'alert' | 'digest' | 'health';
  payload: string;
  bodyId: number | null;
  createdAt: string;
  /** Attempts so far, this one included. */
  attempts: number;
  retrySince: string;
  claimedBy: string;
  claimExpiresAt: number;
  /**
   * It was "sending" under another worker whose claim ran out (that worker died mid-send): it may have reached the
   * channel, so the sink is asked (`confirm`) before it is sent again.
   */
  reclaimed: boolean;
}

export interface ClaimOptions {
  /** The worker's id (newHolderId()): only it may settle what it claimed. */
  worker: string;
  now: Date;
  /** At most this many messages, one per channel (a channel's messages go out in order). */
  limit: number;
  /** How long the claim holds; longer than a send can take (the worker's send timeout). */
  claimTtlMs: number;
}

export type Settlement =
  | { state: 'delivered'; ref?: string | null; note?: string | null }
  | { state: 'retry'; nextAttemptAt: Date; error: string; retryAfterMs?: number | null; uncount?: boolean }
  | {
      state: 'failed';
      error: string;
      /**
       * The platform refused the channel for good (channel gone, bot removed): the subscription is paused with this
       * reason and the channel's other queued messages are marked failed with it, in the same transaction.
       */
      pauseSubscription?: string;
    };

/**
 * The messages routing made of one subscription's new events, written with the move of its cursor in one
 * transaction: written only when the cursor is still `fromCursor` and the subscription is not paused (else another
 * router did it first, or a command paused or removed the channel meanwhile), so an event is queued for a channel
 * at most once whichever process routes, and never lost (the cursor moves only with the messages).
 */
export interface RoutedBatch {
  subscriptionId: number;
  fromCursor: number;
  toCursor: number;
  messages: Array<NewOutboxMessage & { eventIds: number[] }>;
}

/** Which failed messages to send again: one, every one, or those of one platform. */
export type RetryWhich = { id: number } | { all: true } | { platform: string };

/** What /healthz and `status` say of the outbox: messages not delivered yet, failed for good, the oldest queued. */
export interface OutboxBacklog {
  /** Pending or being sent. */
  pending: number;
  failed: number;
  /** When the oldest pending (or sending) message was queued; null when none is. */
  oldest: string | null;
}

/** Failed messages that can be sent again (their subscription is not paused), as alerts/failed.ts's failedSummary. */
export interface SharedFailedSummary {
  retryable: number;
  oldest: string | null;
  lastError: string | null;
  platforms: string[];
}

export interface SharedOutbox {
  enqueue(message: NewOutboxMessage): Promise<number>;
  /**
   * Claim the next due message of up to `limit` channels, atomically: two workers (in two processes, on two hosts)
   * never hold the same message, and never two messages of one channel at once. A channel whose next message is
   * held by a live claim is skipped; one whose claim ran out is claimed again (reclaimed: true).
   */
  claimDue(options: ClaimOptions): Promise<ClaimedMessage[]>;
  /**
   * Record the outcome of an attempt (and the attempt itself) for a message this worker holds; false, and nothing
   * written, when it no longer holds it (its claim ran out and another worker took the message).
   */
  settle(id: number, worker: string, outcome: Settlement, now: Date): Promise<boolean>;
  /** Hold a claimed message longer (a send slower than the claim's time to live); false when no longer held. */
  extendClaim(id: number, worker: string, until: number): Promise<boolean>;
  /** Queue a subscription's messages and move its cursor, atomically (see RoutedBatch); false: not written. */
  route(batch: RoutedBatch, now?: Date): Promise<boolean>;
  /** A shared message body (outbox_bodies: one body for the many channels that get the same message). */
  body(bodyId: number): Promise<string | undefined>;
  /** A message's state, for status and tests. */
  state(id: number): Promise<{ state: string; attempts: number; claimedBy: string | null } | undefined>;
  /**
   * One batch of pruning (as alerts/prune.ts does on the SQLite file): up to `batch` messages delivered before
   * `before`, with their delivery attempts and their deliveries rows, in one transaction; a message someone
   * acknowledged stays. A batch that removes fewer than `batch` (the last one) also removes the bodies no message
   * names any more. The number of messages removed.
   */
  prune(before: Date, batch: number): Promise<number>;
  /**
   * Send failed messages again (alerts/failed.ts's retryFailed): back to pending, due `now`, with a new run of
   * retries; only those of subscriptions that are not paused. The number requeued.
   */
  retryFailed(which: RetryWhich, now?: Date): Promise<number>;
  backlog(): Promise<OutboxBacklog>;
  failedSummary(): Promise<SharedFailedSummary>;
  /** Failed messages, oldest first (`sanctions outbox`), as alerts/failed.ts's failedMessages. */
  failedMessages(): Promise<FailedMessage[]>;
}

export interface NewSubscription {
  platform: string;
  channel: string;
  targets: Target[];
  excluded?: ListCode[];
  kinds?: ChangeKind[];
  countries?: string[];
  health?: boolean;
  by?: string;
}

export interface SharedSubscriptions {
  /** Create or replace a channel's subscription; a new one starts at the newest event (no backlog). */
  create(input: NewSubscription, now?: Date): Promise<Subscription>;
  get(platform: string, channel: string): Promise<Subscription | undefined>;
  list(): Promise<Subscription[]>;
  /** Remove a channel's subscription (and its watch terms); false when it had none. */
  remove(platform: string, channel: string): Promise<boolean>;
  /** Watch a term (a counterparty); a channel that follows nothing yet gets a subscription with no targets. False: already watched. */
  addWatch(platform: string, channel: string, term: string, by?: string, now?: Date): Promise<boolean>;
  /** Stop watching a term (any letter case); false when it was not watched. */
  removeWatch(platform: string, channel: string, term: string): Promise<boolean>;
  watchTerms(platform: string, channel: string): Promise<string[]>;
}

export interface NewChangeEvent {
  at: string;
  refreshId: number;
  kind: ChangeKind;
  list: ListCode;
  sourceId: string;
  recordId: number;
  recordKey: string;
  name: string;
  detail?: Record<string, unknown>;
}

export type StoredChangeEvent = ChangeEvent & { recordId: number };

/**
 * The change events of one refresh of one source, as published by the process that computed them (the leader), and
 * the content that refresh applied (`toHash`: what the other processes follow).
 */
export interface PublishBatch {
  source: { id: string; format: string; location: string };
  toHash: string;
  events: NewChangeEvent[];
}

/** What a process last applied of a source: the shared copy lets the other processes follow. */
export interface SharedSourceState {
  id: string;
  format: string;
  location: string;
  status: string;
  contentHash: string | null;
  lastSuccessAt: string | null;
  lastChangeAt: string | null;
  recordCount: number;
  /** Removals held back for a second download to confirm (the removal hold). */
  pendingRemovals: number;
}

export interface SharedSources {
  list(): Promise<SharedSourceState[]>;
  /**
   * Record the states of these sources (status, times, counts). A source's content hash is set here only when the
   * source is new to the shared store; after that only publishing moves it (it says what was published).
   */
  record(states: SharedSourceState[]): Promise<void>;
  /**
   * A source-health notice, once per status change whichever process asks (a leader handing over included): when
   * the status last told of `sourceId` (its notified_status) is not `status`, record `status` and queue the message
   * `notice(previous)` gives (a Reply as JSON; undefined: record without telling) as a 'health' message to every
   * subscription with health notices that is not paused, in one transaction. The number of messages this call queued
   * (0: `status` was told already, by this process or another, or there was nothing to tell); null when the source has
   * no shared row yet (nothing recorded: ask again later).
   */
  claimNotice(sourceId: string, status: string, notice: (previous: string | null) => string | undefined, now?: Date): Promise<number | null>;
}

export interface SharedEvents {
  /** Append events in order, in one transaction; their ids, increasing. */
  append(events: NewChangeEvent[]): Promise<number[]>;
  /** Events after `sinceId`, in id order. */
  since(sinceId: number, limit?: number): Promise<StoredChangeEvent[]>;
  lastId(): Promise<number>;
  /**
   * Publish one refresh's events, in order, in one transaction: an event is appended only when it is news given what
   * was last published of its record on its list (rows.ts isNews), and the source's shared content becomes `toHash`.
   * So a change is published once however many processes compute it, from whatever state, and a list that goes back to
   * an earlier state is news again.
   */
  publish(batch: PublishBatch): Promise<{ added: number; already: boolean }>;
}

export interface NewAuditEntry {
  at: Date;
  platform: string;
  actor?: string;
  place?: string;
  query: string;
  results: AuditEntry['results'];
  datasetVersion: number;
}

export interface SharedAudit {
  append(entry: NewAuditEntry): Promise<number>;
  /** Newest first, after `sinceId`. */
  list(options?: { sinceId?: number; limit?: number }): Promise<AuditEntry[]>;
}

export interface MigrationStep {
  version: number;
  name: string;
}

export interface MigrationReport {
  engine: Engine;
  /** Where (a file path, or the PostgreSQL URL without its password). */
  target: string;
  before: number;
  after: number;
  applied: MigrationStep[];
}

/**
 * A channel's subscription as `sanctions export` writes it: its filters and its state, not its cursor (an id of the
 * source database's events, which a refresh rebuilds: an imported subscription starts at the target's newest event).
 */
export interface SubscriptionRecord {
  platform: string;
  channel: string;
  targets: Target[];
  excluded: ListCode[];
  kinds: ChangeKind[];
  countries: string[];
  health: boolean;
  pausedReason: string | null;
  pausedAt: string | null;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  /** null: live (as the alerts come). */
  schedule: Schedule | null;
  summaryDueAt: string | null;
  summarySince: string | null;
}

export interface WatchTermRecord {
  platform: string;
  channel: string;
  term: string;
  createdBy: string | null;
  createdAt: string;
}

/** An audit trail entry without its id (ids are the database's own). */
export interface AuditRecord {
  at: string;
  platform: string;
  actor: string | null;
  place: string | null;
  query: string;
  results: AuditEntry['results'];
  datasetVersion: number;
}

/**
 * Bulk reads and idempotent writes of the users' own data, for `sanctions export` and `sanctions import`
 * (src/core/transfer). Each restore writes only what is missing or different, and says whether it wrote.
 */
export interface SharedTransfer {
  /** Every subscription, by platform and channel. */
  subscriptions(): Promise<SubscriptionRecord[]>;
  /** Every watch term, by platform, channel and term. */
  watchTerms(): Promise<WatchTermRecord[]>;
  /** Audit entries after the id `afterId`, oldest first (page by the last id returned). */
  auditAfter(afterId: number, limit: number): Promise<Array<{ id: number; record: AuditRecord }>>;
  /** Create or replace a channel's subscription by platform and channel (a new one starts at the newest event). */
  restoreSubscription(record: SubscriptionRecord): Promise<boolean>;
  restoreWatchTerm(record: WatchTermRecord): Promise<boolean>;
  /** Add an audit entry unless an identical one (every field) is there. */
  /** Written unless the target already holds `occurrence` (default 1) identical entries. */
  restoreAudit(record: AuditRecord, occurrence?: number): Promise<boolean>;
}

export interface SharedStore {
  readonly engine: Engine;
  /** Slack installations (distribution mode) and the workspace of each channel. */
  readonly installations: WorkspaceInstallations;
  /** Bulk reads and writes of the users' own data (export and import). */
  readonly transfer: SharedTransfer;
  readonly leases: SharedLeases;
  readonly outbox: SharedOutbox;
  readonly subscriptions: SharedSubscriptions;
  readonly events: SharedEvents;
  readonly audit: SharedAudit;
  /** The state of each source as last applied (the leader's), for the other processes to follow. */
  readonly sources: SharedSources;
  /** Apply the engine's pending migrations (safe when several processes do it at once). */
  migrate(): Promise<MigrationReport>;
  close(): Promise<void>;
}

export type { Subscription };
