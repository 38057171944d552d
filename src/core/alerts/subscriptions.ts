/**
 * Subscriptions of channels to list changes, and their watch terms (a channel's own counterparties).
 */
import { listInfo, type ListCode } from '../lists';
import type { ChangeKind } from '../model';
import type { Db } from '../store/db';

export type Target = 'all' | 'side:us' | 'side:cn' | ListCode;

export interface Subscription {
  id: number;
  platform: string;
  channel: string;
  targets: Target[];
  kinds: ChangeKind[];
  countries: string[];
  health: boolean;
  pausedReason?: string;
  pausedAt?: string;
  createdBy?: string;
  cursor: number;
}

interface Row {
  id: number;
  platform: string;
  channel: string;
  targets: string;
  kinds: string;
  countries: string;
  health: number;
  paused_reason: string | null;
  paused_at: string | null;
  created_by: string | null;
  cursor: number;
}

function fromRow(r: Row): Subscription {
  return {
    id: r.id,
    platform: r.platform,
    channel: r.channel,
    targets: JSON.parse(r.targets) as Target[],
    kinds: JSON.parse(r.kinds) as ChangeKind[],
    countries: JSON.parse(r.countries) as string[],
    health: r.health === 1,
    ...(r.paused_reason ? { pausedReason: r.paused_reason } : {}),
    ...(r.paused_at ? { pausedAt: r.paused_at } : {}),
    ...(r.created_by ? { createdBy: r.created_by } : {}),
    cursor: r.cursor,
  };
}

export function describeTargets(targets: Target[]): string {
  if (!targets.length) return 'no list (watch terms only)';
  if (targets.includes('all')) return 'every list';
  return targets
    .map((t) => (t === 'side:us' ? "Washington's lists" : t === 'side:cn' ? "Beijing's lists" : t === 'all' ? 'every list' : `${listInfo(t).short} (${t})`))
    .join(', ');
}

export class SubscriptionStore {
  constructor(private readonly db: Db) {}

  get(platform: string, channel: string): Subscription | undefined {
    const row = this.db.prepare<[string, string], Row>('SELECT * FROM subscriptions WHERE platform = ? AND channel = ?').get(platform, channel);
    return row && fromRow(row);
  }

  all(platform?: string): Subscription[] {
    const rows = platform
      ? this.db.prepare<[string], Row>('SELECT * FROM subscriptions WHERE platform = ? ORDER BY id').all(platform)
      : this.db.prepare<[], Row>('SELECT * FROM subscriptions ORDER BY id').all();
    return rows.map(fromRow);
  }

  /** Add targets (and set kinds, countries, health) for a channel; a new subscription starts at the newest event. */
  subscribe(input: { platform: string; channel: string; targets: Target[]; kinds: ChangeKind[]; countries: string[]; health: boolean; by?: string }, now = new Date()): Subscription {
    const prior = this.get(input.platform, input.channel);
    const targets = mergeTargets(prior?.targets ?? [], input.targets.length ? input.targets : ['all']);
    const at = now.toISOString();
    this.db
      .prepare(
        `INSERT INTO subscriptions (platform, channel, targets, kinds, countries, health, created_by, created_at, updated_at, cursor)
         VALUES (@platform, @channel, @targets, @kinds, @countries, @health, @by, @at, @at, (SELECT COALESCE(MAX(id), 0) FROM events))
         ON CONFLICT (platform, channel) DO UPDATE SET targets = excluded.targets, kinds = excluded.kinds, countries = excluded.countries,
           health = MAX(subscriptions.health, excluded.health), updated_at = excluded.updated_at, paused_reason = NULL, paused_at = NULL`,
      )
      .run({
        platform: input.platform,
        channel: input.channel,
        targets: JSON.stringify(targets),
        kinds: JSON.stringify(input.kinds),
        countries: JSON.stringify(input.countries),
        health: input.health ? 1 : 0,
        by: input.by ?? null,
        at,
      });
    return this.get(input.platform, input.channel)!;
  }

  /** Remove some targets, or all of them; the row stays while the channel watches terms. */
  unsubscribe(platform: string, channel: string, targets: Target[] | 'all'): Subscription | undefined {
    const prior = this.get(platform, channel);
    if (!prior) return undefined;
    const left = targets === 'all' ? [] : prior.targets.filter((t: Target) => !targets.includes(t));
    if (!left.length && !this.watchTerms(platform, channel).length) {
      this.db.prepare('DELETE FROM subscriptions WHERE id = ?').run(prior.id);
      return undefined;
    }
    this.db.prepare('UPDATE subscriptions SET targets = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(left), new Date().toISOString(), prior.id);
    return this.get(platform, channel);
  }

  pause(id: number, reason: string, now = new Date()): void {
    this.db.prepare('UPDATE subscriptions SET paused_reason = ?, paused_at = ? WHERE id = ?').run(reason, now.toISOString(), id);
  }

  advance(id: number, cursor: number): void {
    this.db.prepare('UPDATE subscriptions SET cursor = MAX(cursor, ?) WHERE id = ?').run(cursor, id);
  }

  watchTerms(platform: string, channel: string): string[] {
    return this.db
      .prepare<[string, string], { term: string }>('SELECT term FROM watch_terms WHERE platform = ? AND channel = ? ORDER BY term')
      .all(platform, channel)
      .map((r) => r.term);
  }

  /** Watch a term; a channel that follows nothing yet gets a subscription with no targets (watch hits only). */
  addWatch(platform: string, channel: string, term: string, by?: string): boolean {
    if (!this.get(platform, channel)) {
      this.db
        .prepare(
          `INSERT INTO subscriptions (platform, channel, targets, created_by, created_at, updated_at, cursor)
           VALUES (?, ?, '[]', ?, ?, ?, (SELECT COALESCE(MAX(id), 0) FROM events))`,
        )
        .run(platform, channel, by ?? null, new Date().toISOString(), new Date().toISOString());
    }
    return (
      this.db
        .prepare('INSERT OR IGNORE INTO watch_terms (platform, channel, term, created_by, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(platform, channel, term, by ?? null, new Date().toISOString()).changes > 0
    );
  }

  removeWatch(platform: string, channel: string, term: string): boolean {
    return this.db.prepare('DELETE FROM watch_terms WHERE platform = ? AND channel = ? AND lower(term) = lower(?)').run(platform, channel, term).changes > 0;
  }
}

function mergeTargets(prior: Target[], added: Target[]): Target[] {
  if (added.includes('all')) return ['all'];
  const out: Target[] = prior.filter((t) => t !== 'all');
  for (const t of added) if (!out.includes(t)) out.push(t);
  return out;
}
