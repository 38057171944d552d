/**
 * The state of each configured source (status, validators for conditional GET, last error) and the
 * log of refresh attempts.
 */
import type { SourceConfig } from '../sources/config';
import type { Db } from './db';
import { deleteMeta, setMeta } from './meta';

export type SourceStatus = 'new' | 'ok' | 'quarantined' | 'failed';
export type RefreshOutcome = 'running' | 'applied' | 'unchanged' | 'not-modified' | 'quarantined' | 'failed';

export interface SourceRow {
  id: string;
  format: string;
  location: string;
  status: SourceStatus;
  last_attempt_at: string | null;
  last_success_at: string | null;
  last_change_at: string | null;
  /** JSON of the fetch validators (ETag, Last-Modified, content hashes per part) of the applied snapshot. */
  validators: string | null;
  content_hash: string | null;
  parser_version: number | null;
  last_error: string | null;
  record_count: number;
  next_run_at: string | null;
  /** Removals held until the next snapshot confirms them (removal-hold.ts), and since when. */
  pending_removals: number;
  pending_removals_since: string | null;
  /** JSON array of what the last parse warned about (a notice that parsed to nothing...), or null. */
  parse_warnings: string | null;
}


export interface RefreshCounts {
  records?: number;
  added?: number;
  removed?: number;
  changed?: number;
  suspended?: number;
}

const LICENCE_KEY = 'source_licence:';

export class SourceStore {
  private readonly q;

  constructor(private readonly db: Db) {
    this.q = {
      get: db.prepare<[string], SourceRow>('SELECT * FROM sources WHERE id = ?'),
      all: db.prepare<[], SourceRow>('SELECT * FROM sources ORDER BY id'),
      register: db.prepare(
        `INSERT INTO sources (id, format, location, stale_after_hours, demo) VALUES (@id, @format, @location, @stale, @demo)
         ON CONFLICT (id) DO UPDATE SET format = excluded.format, location = excluded.location, stale_after_hours = excluded.stale_after_hours,
           demo = excluded.demo`,
      ),
      begin: db.prepare<[string, string]>("INSERT INTO refreshes (source_id, started_at, outcome) VALUES (?, ?, 'running') RETURNING id"),
      finish: db.prepare(
        `UPDATE refreshes SET finished_at = @now, outcome = @outcome, records = @records, added = @added, removed = @removed,
           changed = @changed, suspended = @suspended, content_hash = @hash, message = @message WHERE id = @id`,
      ),
      succeed: db.prepare(
        `UPDATE sources SET status = 'ok', last_attempt_at = @now, last_success_at = @now,
           last_change_at = CASE WHEN @changed THEN @now ELSE last_change_at END,
           validators = @validators, content_hash = @hash, parser_version = @parser_version,
           last_error = NULL, record_count = @records, snapshot_version = snapshot_version + 1 WHERE id = @id`,
      ),
      notModified: db.prepare(
        "UPDATE sources SET last_attempt_at = @now, last_success_at = @now, status = 'ok', last_error = NULL WHERE id = @id",
      ),
      version: db.prepare<[string], { snapshot_version: number }>('SELECT snapshot_version FROM sources WHERE id = ?'),
      interrupted: db.prepare<[string, string]>(
        "UPDATE refreshes SET outcome = 'failed', finished_at = ?, message = ? WHERE outcome = 'running'",
      ),
      pending: db.prepare<[string]>(
        `UPDATE sources SET
           pending_removals = (SELECT COUNT(*) FROM records WHERE source_id = sources.id AND pending_removal_at IS NOT NULL),
           pending_removals_since = (SELECT MIN(pending_removal_at) FROM records WHERE source_id = sources.id AND pending_removal_at IS NOT NULL)
         WHERE id = ?`,
      ),
      fail: db.prepare('UPDATE sources SET status = @status, last_attempt_at = @now, last_error = @message WHERE id = @id'),
    };
  }

  register(source: Pick<SourceConfig, 'id' | 'format' | 'location' | 'stale_after_hours' | 'demo' | 'licence'>): void {
    this.q.register.run({ id: source.id, format: source.format, location: source.location, stale: source.stale_after_hours ?? null, demo: source.demo ? 1 : 0 });
    // The data's licence, where the config names one (CC BY-NC sheets), for lists and status: kept in meta,
    // which needs no new column.
    if (source.licence) setMeta(this.db, `${LICENCE_KEY}${source.id}`, source.licence);
    else deleteMeta(this.db, `${LICENCE_KEY}${source.id}`);
  }

  /** Each source's licence as its config named it when last refreshed (sources without one are absent). */
  licences(): Map<string, string> {
    const rows = this.db.prepare<[string], { key: string; value: string }>('SELECT key, value FROM meta WHERE key LIKE ?').all(`${LICENCE_KEY}%`);
    return new Map(rows.map((r) => [r.key.slice(LICENCE_KEY.length), r.value]));
  }

  get(id: string): SourceRow | undefined {
    return this.q.get.get(id);
  }

  all(): SourceRow[] {
    return this.q.all.all();
  }

  beginRefresh(sourceId: string, now: string): number {
    return (this.q.begin.get(sourceId, now) as { id: number }).id;
  }

  finishRefresh(id: number, now: string, outcome: Exclude<RefreshOutcome, 'running'>, counts: RefreshCounts, hash: string | null, message: string | null): void {
    this.q.finish.run({
      id,
      now,
      outcome,
      records: counts.records ?? null,
      added: counts.added ?? 0,
      removed: counts.removed ?? 0,
      changed: counts.changed ?? 0,
      suspended: counts.suspended ?? 0,
      hash,
      message,
    });
  }

  markApplied(id: string, now: string, v: { validators: object; hash: string; parserVersion: number; records: number; changed: boolean }): void {
    this.q.succeed.run({
      id,
      now,
      validators: JSON.stringify(v.validators),
      hash: v.hash,
      parser_version: v.parserVersion,
      records: v.records,
      changed: v.changed ? 1 : 0,
    });
  }

  /** Count the source's removals held for confirmation again (after a snapshot is applied). */
  updatePending(id: string): void {
    this.q.pending.run(id);
  }

  markNotModified(id: string, now: string): void {
    this.q.notModified.run({ id, now });
  }

  markFailed(id: string, now: string, status: 'quarantined' | 'failed', message: string): void {
    this.q.fail.run({ id, now, status, message });
  }

  /** Which applied snapshot of the source the store holds (bumped by every apply). */
  snapshotVersion(id: string): number {
    return this.q.version.get(id)?.snapshot_version ?? 0;
  }

  /** Refreshes left `running` by a process that died: failed, with why. Returns how many. */
  markInterrupted(now: string, message: string): number {
    return this.q.interrupted.run(now, message).changes;
  }

  /** Keep what the last parse of the source warned about (an empty list clears it). */
  setParseWarnings(id: string, warnings: readonly string[]): void {
    this.db.prepare('UPDATE sources SET parse_warnings = ? WHERE id = ?').run(warnings.length ? JSON.stringify(warnings) : null, id);
  }

  /** Record when each source will next be refreshed (the running bot's scheduler). */
  planNextRuns(next: Map<string, string>): void {
    const update = this.db.prepare('UPDATE sources SET next_run_at = ? WHERE id = ?');
    this.db.transaction(() => {
      for (const [id, at] of next) update.run(at, id);
    }).immediate();
  }
}
