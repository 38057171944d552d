/**
 * Refresh: for each source, fetch -> parse -> validate -> diff -> apply in one transaction with its change
 * events. A snapshot that is empty, unreadable, or would remove an implausible share of the records is
 * quarantined: the stored data stays, no events are written, and the reason is kept on the source.
 * The first snapshot of a source is its baseline: stored, with no events (nothing "changed" yet).
 * Removals need two looks (removal-hold.ts): a snapshot removing more than a small share of the source has
 * its removals held as pending (no events) and the rest applied; the next snapshot confirms or clears them.
 */
import { diffSnapshot, type PlannedEvent } from './diff';
import { NameIndex } from './match/name-index';
import { rebuildParties } from './match/parties';
import { planRemovals, resolveHold, type RemovalPlan } from './removal-hold';
import type { SourceRecord } from './model';
import { Lease } from './ops/lease';
import { killPoint } from './ops/test-hooks';
import { markPartiesDirty, partiesDirty, rebuildPartiesAndClear, REFRESH_LEASE } from './recover';
import type { SourceConfig } from './sources/config';
import { fetchDiscovering, type DiscoveryResultExtras } from './sources/discover';
import { fetchSource, FetchError, type SourceFetchResult, type SourceValidators } from './sources/fetch';
import { LINK_READERS } from './sources/link-readers';
import { DocumentArchive } from './store/documents';
import { PARSER_VERSION, PARSERS } from './sources/index';
import { ParseError, parseWarnings } from './sources/types';
import type { Db } from './store/db';
import { EventStore } from './store/events';
import { bumpDatasetVersion } from './store/meta';
import { RecordStore } from './store/records';
import { SourceStore, type RefreshOutcome } from './store/sources';
import type { LeaseRow } from './store/leases';

/** Default largest share of a source's records one refresh may remove. */
export const DEFAULT_MAX_DROP = 0.2;
/** Below this many stored records the share rule does not apply (small lists change by whole percents). */
export const MIN_RECORDS_FOR_DROP_RULE = 20;
/** How long a refresh waits for another one on the same database (another process) to finish. */
export const DEFAULT_REFRESH_WAIT_MS = 5 * 60_000;
/** A snapshot applied by another refresh between our diff and our write: diff again, at most this often. */
const MAX_REDIFFS = 3;

export interface SourceRefreshResult {
  source: string;
  outcome: Exclude<RefreshOutcome, 'running'>;
  records: number;
  added: number;
  removed: number;
  changed: number;
  suspended: number;
  /** First snapshot of the source: stored without events. */
  baseline: boolean;
  /** Removals this snapshot would make, held until the next fetch confirms them (no events yet). */
  held?: number;
  /** What the parser reported and did not turn into records (a notice that parsed to nothing...). */
  warnings?: string[];
  message?: string;
  refreshId: number;
  ms: number;
}

export interface RefreshOptions {
  now?: () => Date;
  fetcher?: (source: SourceConfig, previous: SourceValidators | undefined) => Promise<SourceFetchResult>;
  /** Called before a source starts, e.g. to show progress. */
  onStart?: (source: SourceConfig) => void;
  onResult?: (result: SourceRefreshResult) => void;
  /**
   * How long to wait while another refresh of this database holds the refresh lease (default
   * DEFAULT_REFRESH_WAIT_MS); past it, refreshSources throws LeaseBusyError (src/core/ops/lease.ts).
   */
  waitMs?: number;
  /** Told once when another refresh holds the lease and this one starts waiting. */
  onWait?: (holder: LeaseRow) => void;
  /** Test seam: runs between the diff and the transaction that applies it. */
  beforeApply?: (source: SourceConfig) => Promise<void> | void;
}

class Quarantine extends Error {}

/** Sources being refreshed on each connection (across processes, the refresh lease keeps refreshes apart). */
const running = new WeakMap<Db, Set<string>>();

/**
 * Refresh several sources; the parties (which records are the same party) are rebuilt once at the end, not
 * after each source: a source applied in between is found by lookup with its records as parties of their own.
 */
export async function refreshSources(db: Db, sources: SourceConfig[], options: RefreshOptions = {}): Promise<SourceRefreshResult[]> {
  return withRefreshLease(db, options, async (lease) => {
    const results: SourceRefreshResult[] = [];
    for (const source of sources) {
      options.onStart?.(source);
      const result = await refreshGuarded(db, source, options, false);
      lease.renew();
      options.onResult?.(result);
      results.push(result);
    }
    if (results.some((r) => r.outcome === 'applied') || partiesDirty(db)) rebuildPartiesAndClear(db);
    return results;
  });
}

export async function refreshSource(db: Db, source: SourceConfig, options: RefreshOptions = {}): Promise<SourceRefreshResult> {
  return withRefreshLease(db, options, () => refreshGuarded(db, source, options, true));
}

/** One refresh at a time per database, across processes: the refresh lease, held with a heartbeat. */
async function withRefreshLease<T>(db: Db, options: RefreshOptions, work: (lease: Lease) => Promise<T>): Promise<T> {
  const lease = await Lease.acquire(db, REFRESH_LEASE, { waitMs: options.waitMs ?? DEFAULT_REFRESH_WAIT_MS, onWait: options.onWait });
  try {
    return await work(lease);
  } finally {
    lease.release();
  }
}

async function refreshGuarded(db: Db, source: SourceConfig, options: RefreshOptions, parties: boolean): Promise<SourceRefreshResult> {
  const busy = running.get(db) ?? new Set<string>();
  running.set(db, busy);
  if (busy.has(source.id)) throw new Error(`source ${source.id} is already being refreshed`);
  busy.add(source.id);
  try {
    return await refreshOnce(db, source, options, parties);
  } finally {
    busy.delete(source.id);
  }
}

/** `parties`: rebuild the parties in the transaction that applies the snapshot. */
async function refreshOnce(db: Db, source: SourceConfig, options: RefreshOptions, parties: boolean): Promise<SourceRefreshResult> {
  const clock = options.now ?? (() => new Date());
  const started = Date.now();
  const sources = new SourceStore(db);
  sources.register(source);
  const state = sources.get(source.id)!;
  const refreshId = sources.beginRefresh(source.id, clock().toISOString());
  const result = (outcome: SourceRefreshResult['outcome'], extra: Partial<SourceRefreshResult> = {}): SourceRefreshResult => ({
    source: source.id,
    outcome,
    records: state.record_count,
    added: 0,
    removed: 0,
    changed: 0,
    suspended: 0,
    baseline: false,
    refreshId,
    ms: Date.now() - started,
    ...extra,
  });

  // Only a snapshot that was applied by this parser version may be skipped as unchanged; removals held for
  // confirmation need a second look at the data, so the source is read again even if it did not change.
  const previous: SourceValidators | undefined =
    state.validators && state.status !== 'new' && state.parser_version === PARSER_VERSION && !state.pending_removals
      ? (JSON.parse(state.validators) as SourceValidators)
      : undefined;

  let fetched: SourceFetchResult & { discovery?: DiscoveryResultExtras };
  try {
    fetched = options.fetcher
      ? await options.fetcher(source, previous)
      : source.discover
        ? await fetchDiscovering({ ...source, discover: source.discover }, previous, { archive: new DocumentArchive(db), now: clock, readers: LINK_READERS })
        : await defaultFetcher(source, previous);
  } catch (err) {
    const message = err instanceof FetchError ? err.message : `fetch ${source.location}: ${(err as Error).message}`;
    const now = clock().toISOString();
    sources.markFailed(source.id, now, 'failed', message);
    sources.finishRefresh(refreshId, now, 'failed', {}, null, message);
    return result('failed', { message });
  }

  // What discovery could not do (an index down, a notice not fetched) is reported like a parse warning.
  const discoveryWarnings = (fetched.discovery?.warnings ?? []).map((w) => `discovery: ${w}`);
  if (fetched.status === 'not-modified') {
    const now = clock().toISOString();
    if (fetched.discovery) {
      const kept = (state.parse_warnings ? (JSON.parse(state.parse_warnings) as string[]) : []).filter((w) => !w.startsWith('discovery: '));
      sources.setParseWarnings(source.id, [...kept, ...discoveryWarnings]);
    }
    db.transaction(() => {
      sources.markNotModified(source.id, now);
      sources.finishRefresh(refreshId, now, 'not-modified', { records: state.record_count }, state.content_hash, null);
    }).immediate();
    return result('not-modified', discoveryWarnings.length ? { warnings: discoveryWarnings } : {});
  }

  const quarantine = (message: string): SourceRefreshResult => {
    const now = clock().toISOString();
    sources.markFailed(source.id, now, 'quarantined', message);
    sources.finishRefresh(refreshId, now, 'quarantined', {}, fetched.status === 'ok' ? fetched.contentHash : null, message);
    return result('quarantined', { message });
  };

  let records: SourceRecord[];
  try {
    records = PARSERS[source.format]({ source, documents: fetched.documents, extras: fetched.extras });
    if (records.length === 0) throw new Quarantine(`empty snapshot: ${source.location} holds no records`);
    // Never dropped silently: kept on the source for status, and returned with the result.
    sources.setParseWarnings(source.id, [...parseWarnings(records), ...discoveryWarnings]);
  } catch (err) {
    if (err instanceof ParseError || err instanceof Quarantine) return quarantine(err.message);
    return quarantine(`cannot parse ${source.location} as ${source.format}: ${(err as Error).message}`);
  }

  const store = new RecordStore(db, new NameIndex(db));
  const events = new EventStore(db);
  for (let attempt = 1; ; attempt++) {
    // The diff reads one consistent snapshot of the source, and remembers which one (its version).
    const { version, baseline, diff } = db.transaction(() => {
      const refs = store.refs(source.id);
      return {
        version: sources.snapshotVersion(source.id),
        baseline: refs.length === 0,
        diff: diffSnapshot(refs, records, (id) => store.payload(id), (id) => store.lists(id), (id) => store.name(id)),
      };
    })();
    const applied = await applyDiff(version, baseline, diff);
    if (applied) return applied;
    if (attempt >= MAX_REDIFFS) {
      const message = 'the stored snapshot kept changing under this refresh (other refreshes on the same database); nothing applied';
      const now = clock().toISOString();
      sources.finishRefresh(refreshId, now, 'failed', {}, fetched.contentHash, message);
      return result('failed', { message });
    }
  }

  /**
   * Apply the diff in one transaction, unless another refresh applied a snapshot of this source since the
   * diff was made (undefined: diff again). So no change is ever written twice, with or without the lease.
   */
  async function applyDiff(version: number, baseline: boolean, diff: ReturnType<typeof diffSnapshot>): Promise<SourceRefreshResult | undefined> {
    if (fetched.status !== 'ok') throw new Error('unreachable: only a fetched snapshot is applied');
    const maxDrop = source.max_drop ?? DEFAULT_MAX_DROP;
    if (diff.priorCount >= MIN_RECORDS_FOR_DROP_RULE && diff.removed.length / diff.priorCount > maxDrop) {
      const share = ((100 * diff.removed.length) / diff.priorCount).toFixed(1);
      return quarantine(
        `implausible drop: the new snapshot would remove ${diff.removed.length} of ${diff.priorCount} records (${share}%), ` +
          `more than the ${Math.round(maxDrop * 100)}% this source allows; keeping the previous data`,
      );
    }

    const plan: RemovalPlan = baseline ? { diff, held: [], confirmed: 0 } : planRemovals(diff, resolveHold(source.removal_hold));
    const applying = plan.diff;
    const planned: PlannedEvent[] = baseline ? [] : applying.events;
    const counts = countKinds(planned);
    const changedAnything = applying.added.length + applying.changed.length + applying.removed.length > 0;
    const stored = records.length + plan.held.length;
    const heldNote = plan.held.length
      ? `${plan.held.length} removals of ${diff.priorCount} records held until the next fetch confirms them`
      : null;
    await options.beforeApply?.(source);
    killPoint('before-apply');
    const now = clock().toISOString();
    const current = db.transaction(() => {
      if (sources.snapshotVersion(source.id) !== version) return false;
      const ids = store.apply(source.id, applying, now);
      store.holdRemovals(source.id, plan.held, now);
      events.insert(planned, { at: now, refreshId, sourceId: source.id, recordIds: ids });
      killPoint('during-apply');
      sources.markApplied(source.id, now, {
        validators: fetched.validators,
        hash: fetched.contentHash,
        parserVersion: PARSER_VERSION,
        records: stored,
        changed: changedAnything,
      });
      sources.updatePending(source.id);
      if (changedAnything) {
        // Cleared by the parties rebuild; still set after a crash before it, so start-up finishes the job.
        if (parties) rebuildParties(db);
        else markPartiesDirty(db);
        bumpDatasetVersion(db);
      }
      sources.finishRefresh(refreshId, now, changedAnything ? 'applied' : 'unchanged', { records: stored, ...counts }, fetched.contentHash, baseline ? 'baseline' : heldNote);
      return true;
    }).immediate();
    if (!current) return undefined;
    killPoint('after-apply');
    return result(changedAnything ? 'applied' : 'unchanged', {
      records: stored,
      ...counts,
      baseline,
      ...(plan.held.length ? { held: plan.held.length, message: heldNote! } : {}),
      ...(parseWarnings(records).length + discoveryWarnings.length ? { warnings: [...parseWarnings(records), ...discoveryWarnings] } : {}),
    });
  }
}

function countKinds(events: PlannedEvent[]) {
  const counts = { added: 0, removed: 0, changed: 0, suspended: 0 };
  for (const e of events) counts[e.kind]++;
  return counts;
}

const defaultFetcher: NonNullable<RefreshOptions['fetcher']> = (source, previous) => fetchSource(source, previous);
