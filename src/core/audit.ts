/**
 * The audit trail: who looked up what, where, what they were shown, against which version of the data.
 * Bots record every lookup unless AUDIT_LOOKUPS=false; the CLI records when asked (--audit).
 */
import { userInfo } from 'node:os';
import type { LookupResponse } from './lookup';
import type { Db } from './store/db';
import { datasetVersion } from './store/meta';

export interface AuditContext {
  /** slack, discord, console, cli. */
  platform: string;
  /** The user: a platform user id, or the OS user for the CLI. */
  actor?: string;
  /** Where: workspace/channel, guild/channel, host. */
  place?: string;
}

export interface AuditEntry extends AuditContext {
  id: number;
  at: string;
  query: string;
  results: Array<{ id: string; name: string; score: number; lists: string[] }>;
  datasetVersion: number;
}

/** How many results of each answer the trail keeps: enough to show what the person saw first. */
const KEPT_RESULTS = 5;

export function recordLookup(db: Db, context: AuditContext, response: LookupResponse, now = new Date()): number {
  const results = response.results.slice(0, KEPT_RESULTS).map((r) => ({
    id: r.id,
    name: r.name,
    score: r.score,
    lists: [...new Set(r.designations.map((d) => d.list))],
  }));
  const row = db
    .prepare<[string, string, string | null, string | null, string, string, number], { id: number }>(
      'INSERT INTO audit (at, platform, actor, place, query, results, dataset_version) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id',
    )
    .get(now.toISOString(), context.platform, context.actor ?? null, context.place ?? null, response.query, JSON.stringify(results), datasetVersion(db));
  return row!.id;
}

export function auditTrail(db: Db, options: { limit?: number; sinceId?: number } = {}): AuditEntry[] {
  return db
    .prepare<[number, number], { id: number; at: string; platform: string; actor: string | null; place: string | null; query: string; results: string; dataset_version: number }>(
      'SELECT * FROM audit WHERE id > ? ORDER BY id DESC LIMIT ?',
    )
    .all(options.sinceId ?? 0, options.limit ?? 50)
    .map((r) => ({
      id: r.id,
      at: r.at,
      platform: r.platform,
      ...(r.actor ? { actor: r.actor } : {}),
      ...(r.place ? { place: r.place } : {}),
      query: r.query,
      results: JSON.parse(r.results) as AuditEntry['results'],
      datasetVersion: r.dataset_version,
    }));
}

/** The operating-system user, as the actor of CLI and console lookups (undefined where it cannot be read). */
export function currentUser(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}
