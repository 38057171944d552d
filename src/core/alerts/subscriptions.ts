/**
 * Subscriptions of channels to list changes, and their watch terms (a channel's own counterparties).
 */
import { LIST_CODES, listInfo, type ListCode } from '../lists';
import type { ChangeKind } from '../model';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../store/db';
import { LIVE, nextSummary, type Schedule } from './schedule';

export type Target = 'all' | 'side:us' | 'side:cn' | ListCode;

export interface Subscription {
  id: number;
  platform: string;
  channel: string;
  targets: Target[];
  /** Lists not heard although a broader target (all, a side) covers them: "every list but the SDN". */
  excluded: ListCode[];
  kinds: ChangeKind[];
  countries: string[];
  health: boolean;
  pausedReason?: string;
  pausedAt?: string;
  createdBy?: string;
  cursor: number;
  /** As they come (live, also when absent), or a daily or weekly summary at a local time. */
  schedule?: Schedule;
  /** Scheduled: when the next summary is due, and when the period it closes began. */
  summaryDueAt?: string;
  summarySince?: string;
}

/** A subscriptions row as both engines return it (SQLite here, PostgreSQL in src/core/shared). */
export interface SubscriptionRow {
  id: number;
  platform: string;
  channel: string;
  targets: string;
  excluded: string | null;
  kinds: string;
  countries: string;
  health: number;
  paused_reason: string | null;
  paused_at: string | null;
  created_by: string | null;
  cursor: number;
  schedule: string | null;
  summary_due_at: string | null;
  summary_since: string | null;
}

export function subscriptionFromRow(r: SubscriptionRow): Subscription {
  return {
    id: r.id,
    platform: r.platform,
    channel: r.channel,
    targets: JSON.parse(r.targets) as Target[],
    excluded: JSON.parse(r.excluded ?? '[]') as ListCode[],
    kinds: JSON.parse(r.kinds) as ChangeKind[],
    countries: JSON.parse(r.countries) as string[],
    health: r.health === 1,
    ...(r.paused_reason ? { pausedReason: r.paused_reason } : {}),
    ...(r.paused_at ? { pausedAt: r.paused_at } : {}),
    ...(r.created_by ? { createdBy: r.created_by } : {}),
    cursor: r.cursor,
    schedule: r.schedule ? (JSON.parse(r.schedule) as Schedule) : LIVE,
    ...(r.summary_due_at ? { summaryDueAt: r.summary_due_at } : {}),
    ...(r.summary_since ? { summarySince: r.summary_since } : {}),
  };
}

const targetName = (t: Target): string => (t === 'side:us' ? "Washington's lists" : t === 'side:cn' ? "Beijing's lists" : t === 'all' ? 'every list' : `${listInfo(t).short} (${t})`);
const listName = (l: ListCode): string => `${listInfo(l).short} (${l})`;

/** What a channel follows, exclusions included: "every list except SDN (US-OFAC-SDN)". */
export function describeTargets(targets: Target[], excluded: readonly ListCode[] = []): string {
  if (!targets.length) return 'no list (watch terms only)';
  const base = targets.includes('all') ? 'every list' : targets.map(targetName).join(', ');
  return excluded.length ? `${base} except ${excluded.map(listName).join(', ')}` : base;
}

/** The lists a channel follows, and the ones it leaves out of a broader target. */
export interface Following {
  targets: Target[];
  excluded: ListCode[];
}

/** Does a channel following this hear about the list? */
export function follows(f: Following, list: ListCode): boolean {
  if (f.excluded.includes(list)) return false;
  const side = listInfo(list).side;
  return f.targets.includes('all') || f.targets.includes(`side:${side}`) || f.targets.includes(list);
}

const sideOf = (t: Target): 'us' | 'cn' | undefined => (t === 'side:us' ? 'us' : t === 'side:cn' ? 'cn' : t === 'all' ? undefined : listInfo(t).side);

/** The outcome of adding or removing one target: the new state, and one plain sentence about what changed. */
export interface FollowChange {
  next: Following;
  /** Nothing changed (already covered, or not followed). */
  unchanged: boolean;
  note: string;
}

/** Add one target (subscribe): explicit about what it adds, and never narrows what the channel already hears. */
export function addTarget(f: Following, t: Target): FollowChange {
  if (t === 'all') {
    if (f.targets.includes('all') && !f.excluded.length) return { next: f, unchanged: true, note: 'Already following every list: nothing changed.' };
    const lifted = f.excluded.length ? ` (no longer leaving out ${f.excluded.map(listName).join(', ')})` : '';
    return { next: { targets: ['all'], excluded: [] }, unchanged: false, note: `Added every list${lifted}.` };
  }
  const side = sideOf(t)!;
  if (t.startsWith('side:')) {
    const excludedHere = f.excluded.filter((l) => listInfo(l).side === side);
    const covered = f.targets.includes('all') || f.targets.includes(t);
    if (covered && !excludedHere.length) {
      const why = f.targets.includes('all') ? `every list, which includes ${targetName(t)}` : targetName(t);
      const narrow = f.targets.includes('all') ? ` To hear only ${targetName(t)}, unsubscribe ${side === 'us' ? 'cn' : 'us'}.` : '';
      return { next: f, unchanged: true, note: `Already covered: this channel follows ${why}; subscribing adds, it never narrows, so nothing changed.${narrow}` };
    }
    const excluded = f.excluded.filter((l) => listInfo(l).side !== side);
    const lifted = excludedHere.length ? ` (no longer leaving out ${excludedHere.map(listName).join(', ')})` : '';
    if (covered) return { next: { targets: f.targets, excluded }, unchanged: false, note: `Added ${targetName(t)}${lifted}.` };
    // Lists of that side named one by one are now covered by the side.
    const targets = [...f.targets.filter((x) => x.startsWith('side:') || x === 'all' || listInfo(x as ListCode).side !== side), t];
    return { next: { targets, excluded }, unchanged: false, note: `Added ${targetName(t)}${lifted}.` };
  }
  const list = t as ListCode;
  if (f.excluded.includes(list)) return { next: { targets: f.targets, excluded: f.excluded.filter((l) => l !== list) }, unchanged: false, note: `Added ${listName(list)} back.` };
  if (follows(f, list)) {
    const by = f.targets.includes(list) ? listName(list) : f.targets.includes('all') ? 'every list' : targetName(`side:${side}`);
    return { next: f, unchanged: true, note: `Already covered: this channel follows ${by}, which includes ${listName(list)}; nothing changed.` };
  }
  return { next: { targets: [...f.targets, list], excluded: f.excluded }, unchanged: false, note: `Added ${listName(list)}.` };
}

/** Remove one target (unsubscribe): a list under "all" or its side becomes an exclusion. */
export function removeTarget(f: Following, t: Target): FollowChange {
  if (t === 'all') return { next: { targets: [], excluded: [] }, unchanged: !f.targets.length, note: 'Stopped every list.' };
  const side = sideOf(t)!;
  if (t.startsWith('side:')) {
    const other: Target = side === 'us' ? 'side:cn' : 'side:us';
    const hadSide = f.targets.includes('all') || f.targets.includes(t) || f.targets.some((x) => !x.startsWith('side:') && x !== 'all' && listInfo(x as ListCode).side === side);
    if (!hadSide) return { next: f, unchanged: true, note: `This channel did not follow ${targetName(t)}: nothing changed.` };
    const kept = f.targets.filter((x) => x !== t && x !== 'all' && (x.startsWith('side:') || listInfo(x as ListCode).side !== side));
    const targets = f.targets.includes('all') && !kept.includes(other) ? [...kept, other] : kept;
    return { next: { targets, excluded: f.excluded.filter((l) => listInfo(l).side !== side) }, unchanged: false, note: `Stopped ${targetName(t)}.` };
  }
  const list = t as ListCode;
  if (!follows(f, list)) {
    const why = f.excluded.includes(list) ? 'already left out' : 'not followed';
    return { next: f, unchanged: true, note: `${listName(list)} was ${why} here: nothing changed.` };
  }
  if (f.targets.includes(list)) return { next: { targets: f.targets.filter((x) => x !== list), excluded: f.excluded }, unchanged: false, note: `Stopped ${listName(list)}.` };
  const by = f.targets.includes('all') ? 'every list' : targetName(`side:${side}`);
  return { next: { targets: f.targets, excluded: [...f.excluded, list] }, unchanged: false, note: `Stopped ${listName(list)}: the channel still follows ${by}, leaving it out.` };
}

/** Apply several targets in turn; the notes of each. */
export function changeTargets(f: Following, targets: Target[], how: 'add' | 'remove'): { next: Following; notes: string[]; unchanged: boolean } {
  let next = f;
  const notes: string[] = [];
  let unchanged = true;
  for (const t of targets) {
    const c = how === 'add' ? addTarget(next, t) : removeTarget(next, t);
    next = c.next;
    notes.push(c.note);
    unchanged &&= c.unchanged;
  }
  return { next, notes, unchanged };
}

/** Every list code a Following hears about (for tests and summaries). */
export function followedLists(f: Following): ListCode[] {
  return LIST_CODES.filter((l) => follows(f, l));
}

export class SubscriptionStore {
  constructor(private readonly db: Db) {}

  /** Statements prepared once per store: routing asks for each channel's row, watch terms and cursor in turn. */
  private readonly statements = new Map<string, Statement>();
  private prepare<P extends unknown[] | object = unknown[], R = unknown>(sql: string): Statement<P, R> {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = this.db.prepare(sql)));
    return statement as unknown as Statement<P, R>;
  }

  get(platform: string, channel: string): Subscription | undefined {
    const row = this.prepare<[string, string], SubscriptionRow>('SELECT * FROM subscriptions WHERE platform = ? AND channel = ?').get(platform, channel);
    return row && subscriptionFromRow(row);
  }

  all(platform?: string): Subscription[] {
    const rows = platform
      ? this.prepare<[string], SubscriptionRow>('SELECT * FROM subscriptions WHERE platform = ? ORDER BY id').all(platform)
      : this.prepare<[], SubscriptionRow>('SELECT * FROM subscriptions ORDER BY id').all();
    return rows.map(subscriptionFromRow);
  }

  /** Subscriptions whose scheduled summary is due at `nowIso` (read without parsing every channel's row). */
  summariesDue(nowIso: string): Subscription[] {
    return this.prepare<[string], SubscriptionRow>('SELECT * FROM subscriptions WHERE summary_due_at IS NOT NULL AND summary_due_at <= ? AND paused_reason IS NULL ORDER BY id')
      .all(nowIso)
      .map(subscriptionFromRow);
  }

  /** Up to `limit` subscriptions with ids above `afterId`, in id order: routing reads 10,000 channels a page at a time. */
  page(afterId: number, limit: number): Subscription[] {
    return this.prepare<[number, number], SubscriptionRow>('SELECT * FROM subscriptions WHERE id > ? ORDER BY id LIMIT ?').all(afterId, limit).map(subscriptionFromRow);
  }

  /** Add targets (and set kinds, countries, health) for a channel; a new subscription starts at the newest event. */
  subscribe(input: { platform: string; channel: string; targets: Target[]; kinds: ChangeKind[]; countries: string[]; health: boolean; by?: string }, now = new Date()): Subscription {
    const prior = this.get(input.platform, input.channel);
    const added = input.targets.length ? input.targets : prior?.targets.length ? [] : (['all'] as Target[]);
    const next = changeTargets({ targets: prior?.targets ?? [], excluded: prior?.excluded ?? [] }, added, 'add').next;
    return this.save({ ...input, ...next }, now);
  }

  /** Write a channel's subscription as given (targets and exclusions replaced); a new one starts at the newest event. */
  save(input: { platform: string; channel: string; targets: Target[]; excluded: ListCode[]; kinds: ChangeKind[]; countries: string[]; health: boolean; by?: string }, now = new Date()): Subscription {
    const at = now.toISOString();
    this.prepare(
        `INSERT INTO subscriptions (platform, channel, targets, excluded, kinds, countries, health, created_by, created_at, updated_at, cursor)
         VALUES (@platform, @channel, @targets, @excluded, @kinds, @countries, @health, @by, @at, @at, (SELECT COALESCE(MAX(id), 0) FROM events))
         ON CONFLICT (platform, channel) DO UPDATE SET targets = excluded.targets, excluded = excluded.excluded, kinds = excluded.kinds, countries = excluded.countries,
           health = MAX(subscriptions.health, excluded.health), updated_at = excluded.updated_at, paused_reason = NULL, paused_at = NULL`,
      )
      .run({
        platform: input.platform,
        channel: input.channel,
        targets: JSON.stringify(input.targets),
        excluded: JSON.stringify(input.excluded),
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
    const left = changeTargets(prior, targets === 'all' ? ['all'] : targets, 'remove').next;
    if (!left.targets.length && !this.watchTerms(platform, channel).length) {
      this.db.transaction(() => {
        this.prepare('DELETE FROM subscriptions WHERE id = ?').run(prior.id);
        // Events held for a summary that will never come (deliveries.outbox_id 0, see summaries.ts): let go, so
        // that a later subscription that happens to get the same id does not inherit them.
        this.prepare('DELETE FROM deliveries WHERE subscription_id = ? AND outbox_id = 0').run(prior.id);
      })();
      return undefined;
    }
    this.prepare('UPDATE subscriptions SET targets = ?, excluded = ?, updated_at = ? WHERE id = ?')
      .run(JSON.stringify(left.targets), JSON.stringify(left.targets.length ? left.excluded : []), new Date().toISOString(), prior.id);
    return this.get(platform, channel);
  }

  pause(id: number, reason: string, now = new Date()): void {
    this.prepare('UPDATE subscriptions SET paused_reason = ?, paused_at = ? WHERE id = ?').run(reason, now.toISOString(), id);
  }

  /**
   * Set when the channel takes its alerts. A new daily or weekly schedule counts from now and is due at its next
   * time; the same schedule again changes nothing. Going live (or changing the schedule) queues what was held
   * for the old one as a summary at once (see `summaries.ts`), which the caller does in the same transaction.
   */
  setSchedule(id: number, schedule: Schedule, now = new Date(), keepSince = false): void {
    if (schedule.every === 'live') {
      this.prepare('UPDATE subscriptions SET schedule = NULL, summary_due_at = NULL, summary_since = NULL WHERE id = ?').run(id);
      return;
    }
    const due = nextSummary(schedule, now)!.toISOString();
    // The first summary covers what arrived since the schedule was set (not a whole period before it); a schedule
    // moved to another time keeps the period it had begun.
    const since = now.toISOString();
    this.prepare(`UPDATE subscriptions SET schedule = ?, summary_due_at = ?, summary_since = ${keepSince ? 'COALESCE(summary_since, ?)' : '?'} WHERE id = ?`)
      .run(JSON.stringify(schedule), due, since, id);
  }

  /** A summary was queued: the next one is due at `due`, and covers from `since`. */
  summaryQueued(id: number, since: string, due: string): void {
    this.prepare('UPDATE subscriptions SET summary_since = ?, summary_due_at = ? WHERE id = ?').run(since, due, id);
  }

  advance(id: number, cursor: number): void {
    this.prepare('UPDATE subscriptions SET cursor = MAX(cursor, ?) WHERE id = ?').run(cursor, id);
  }

  watchTerms(platform: string, channel: string): string[] {
    return this.prepare<[string, string], { term: string }>('SELECT term FROM watch_terms WHERE platform = ? AND channel = ? ORDER BY term')
      .all(platform, channel)
      .map((r) => r.term);
  }

  /** Watch a term; a channel that follows nothing yet gets a subscription with no targets (watch hits only). */
  addWatch(platform: string, channel: string, term: string, by?: string): boolean {
    if (!this.get(platform, channel)) {
      this.prepare(
          `INSERT INTO subscriptions (platform, channel, targets, created_by, created_at, updated_at, cursor)
           VALUES (?, ?, '[]', ?, ?, ?, (SELECT COALESCE(MAX(id), 0) FROM events))`,
        )
        .run(platform, channel, by ?? null, new Date().toISOString(), new Date().toISOString());
    }
    return (
      this.prepare('INSERT OR IGNORE INTO watch_terms (platform, channel, term, created_by, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(platform, channel, term, by ?? null, new Date().toISOString()).changes > 0
    );
  }

  removeWatch(platform: string, channel: string, term: string): boolean {
    return this.prepare('DELETE FROM watch_terms WHERE platform = ? AND channel = ? AND lower(term) = lower(?)').run(platform, channel, term).changes > 0;
  }
}
