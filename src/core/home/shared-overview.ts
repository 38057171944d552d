/**
 * The parts of a person's home that live in the shared store (DATABASE_URL) when there is one: the platform's
 * subscribed channels and the person's own recent lookups, read there instead of the local file (overview.ts's
 * `from`). The shared audit trail is read newest first and filtered here: a person's lookups among the newest
 * `scan` entries of everyone's (it has no index by actor yet), which is what "recent" means on a busy bot too.
 */
import type { Subscription } from '../alerts/subscriptions';
import type { SharedCommandStore } from '../commands/shared-store';
import type { RecentLookup } from './overview';

export const RECENT_SCAN = 500;

export async function sharedHomeParts(
  shared: SharedCommandStore,
  platform: string,
  user: string,
  options: { limit?: number; scan?: number } = {},
): Promise<{ channels: Subscription[]; recent: RecentLookup[] }> {
  const [subs, entries] = await Promise.all([shared.subscriptions.list(), shared.audit.list({ limit: options.scan ?? RECENT_SCAN })]);
  const recent = entries
    .filter((e) => e.platform === platform && e.actor === user)
    .slice(0, options.limit ?? 8)
    .map((e) => ({ at: e.at, query: e.query, results: e.results }));
  return { channels: subs.filter((s) => s.platform === platform), recent };
}
