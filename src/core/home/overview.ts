/**
 * What a person's home in a chat app shows (Slack's App Home): their own recent lookups (the audit trail,
 * by actor), the alerts of the channels they are in, each list's freshness, and the latest list changes.
 * Platform-neutral data, bounded: an adapter renders it within its own limits.
 */
import { SubscriptionStore, type Subscription } from '../alerts/subscriptions';
import { coverage, coverageLine, type ListCoverage } from '../coverage';
import { listInfo } from '../lists';
import type { ChangeEvent } from '../model';
import type { Db } from '../store/db';
import { EventStore } from '../store/events';

export interface RecentLookup {
  at: string;
  query: string;
  /** What the person was shown first (at most 5, as the audit trail keeps them). */
  results: Array<{ id: string; name: string; score: number; lists: string[] }>;
}

export interface HomeOverview {
  recent: RecentLookup[];
  /** Subscribed channels the person is in (undefined: which channels they are in could not be read). */
  channels?: Subscription[];
  /** Subscribed channels they are in beyond those shown. */
  moreChannels: number;
  lists: ListCoverage[];
  /** "19 lists searched (US 14, China 5), data as of ..." */
  scope: string;
  warnings: string[];
  events: Array<ChangeEvent & { retaliation?: boolean }>;
  /** Changes in the period, of which `events` are the newest. */
  totalEvents: number;
  /** The period the changes cover, in days. */
  days: number;
}

export interface HomeOptions {
  platform: string;
  user: string;
  /** The channels the person is in, or undefined when the platform would not say. */
  memberOf?: ReadonlySet<string>;
  now?: Date;
  recentLimit?: number;
  channelLimit?: number;
  eventLimit?: number;
  days?: number;
  /**
   * Read elsewhere (the shared store, shared-overview.ts): the platform's subscribed channels and the person's recent
   * lookups, instead of the local database's.
   */
  from?: { channels: Subscription[]; recent: RecentLookup[] };
}

/** A person's own lookups, newest first (the audit trail; index audit_by_actor). */
export function recentLookups(db: Db, platform: string, actor: string, limit = 8): RecentLookup[] {
  return db
    .prepare<[string, string, number], { at: string; query: string; results: string }>('SELECT at, query, results FROM audit WHERE platform = ? AND actor = ? ORDER BY id DESC LIMIT ?')
    .all(platform, actor, limit)
    .map((r) => ({ at: r.at, query: r.query, results: JSON.parse(r.results) as RecentLookup['results'] }));
}

/** The channels with alerts on this platform (subscription rows), in the order they subscribed. */
export function subscribedChannels(db: Db, platform: string): Subscription[] {
  return new SubscriptionStore(db).all(platform);
}

export function homeOverview(db: Db, options: HomeOptions): HomeOverview {
  const now = options.now ?? new Date();
  const days = options.days ?? 7;
  const channelLimit = options.channelLimit ?? 10;
  const mine = options.memberOf ? (options.from?.channels ?? subscribedChannels(db, options.platform)).filter((s) => options.memberOf!.has(s.channel)) : undefined;
  const covered = coverage(db, {}, now);
  const sinceDate = new Date(now.getTime() - days * 86_400_000).toISOString();
  const { total, events } = new EventStore(db).page({ sinceDate, limit: options.eventLimit ?? 8, offset: 0 });
  return {
    recent: options.from ? options.from.recent.slice(0, options.recentLimit ?? 8) : recentLookups(db, options.platform, options.user, options.recentLimit ?? 8),
    ...(mine ? { channels: mine.slice(0, channelLimit) } : {}),
    moreChannels: mine ? Math.max(0, mine.length - channelLimit) : 0,
    lists: covered.lists,
    scope: coverageLine(covered),
    warnings: covered.warnings,
    events: events.map((e) => ({ ...e, retaliation: listInfo(e.list).side === 'cn' })),
    totalEvents: total,
    days,
  };
}
