/**
 * Alert messages: one per designation when a refresh brings a few, one digest per channel when it brings
 * many (counts per list, the most relevant entries first: watchlist hits, then the lists the channel
 * follows by side, then China-related parties), and the `recent` that shows every one of them (by refresh,
 * list and kind: exactly that digest's events, whatever the date).
 */
import { recentLine } from '../commands/parse';
import type { Reply } from '../commands/reply';
import type { ChangeKind } from '../model';
import { listInfo } from '../lists';
import type { RoutedEvent } from './route';
import type { Subscription } from './subscriptions';

/** Up to this many events a channel hears one message each; above, one digest. */
export const DIGEST_OVER = 5;
const DIGEST_SHOWN = 15;

const VERB: Record<RoutedEvent['kind'], string> = { added: 'added to', removed: 'removed from', changed: 'changed on', suspended: 'suspended on' };

export function alertLine(e: RoutedEvent): string {
  const list = `${listInfo(e.list).short} (${e.list})`;
  const parts = [`${e.name}: ${VERB[e.kind]} ${list}`];
  const d = e.detail;
  if (e.kind === 'suspended' && d.until) parts.push(`until ${String(d.until)}`);
  if (d.since && e.kind === 'added') parts.push(`effective ${String(d.since)}`);
  if (d.citation) parts.push(String(d.citation));
  if (Array.isArray(d.fields)) parts.push(`fields: ${d.fields.join(', ')}`);
  if (e.retaliation) parts.push(`China, ${listInfo(e.list).issuer}${listInfo(e.list).nameZh ? ` ${listInfo(e.list).nameZh}` : ''}`);
  if (e.watch) parts.push(`matches your watch term "${e.watch}"`);
  return parts.join(' · ');
}

/** The messages a channel gets for a batch of events: one each, or one digest. */
export function alertReplies(subscription: Pick<Subscription, 'targets'> & Partial<Pick<Subscription, 'countries'>>, events: RoutedEvent[]): Reply[] {
  if (!events.length) return [];
  if (events.length <= DIGEST_OVER) {
    return events.map((e) => ({
      blocks: [
        { type: 'heading', text: `${e.watch ? 'Watchlist hit: ' : ''}${e.name} ${VERB[e.kind]} ${listInfo(e.list).short}` },
        { type: 'events', events: [e], more: 0 },
      ],
      summary: alertLine(e),
      private: false,
    }));
  }
  const sides = new Set(subscription.targets.filter((t) => t.startsWith('side:')).map((t) => t.slice(5)));
  const rank = (e: RoutedEvent) => (e.watch ? 0 : sides.has(listInfo(e.list).side) ? 1 : e.countries.some((c) => c === 'CN' || c === 'HK' || c === 'MO') ? 2 : 3);
  const ordered = [...events].sort((a, b) => rank(a) - rank(b) || a.id - b.id);
  const counts = new Map<string, number>();
  for (const e of events) counts.set(`${e.kind} ${e.list}`, (counts.get(`${e.kind} ${e.list}`) ?? 0) + 1);
  const countLine = [...counts.entries()].map(([k, n]) => {
    const [kind, list] = k.split(' ') as [RoutedEvent['kind'], string];
    return `${n} ${kind === 'added' ? 'added to' : VERB[kind]} ${list}`;
  });
  const watchHits = events.filter((e) => e.watch).length;
  return [
    {
      blocks: [
        { type: 'heading', text: `${events.length} list changes${watchHits ? `, ${watchHits} matching your watch terms` : ''}` },
        { type: 'text', text: countLine.join('; ') },
        { type: 'events', events: ordered.slice(0, DIGEST_SHOWN), more: events.length - Math.min(DIGEST_SHOWN, events.length) },
        { type: 'hint', text: `All ${events.length} of them, a page at a time:`, line: digestRecentLine(events, subscription.countries) },
      ],
      summary: `${events.length} list changes: ${countLine.join('; ')}`,
      private: false,
    },
  ];
}

/**
 * The `recent` that lists a digest's events: their refreshes, lists and kinds, and the channel's countries (not
 * when a watchlist hit is among them: watch hits are delivered whatever the country).
 */
export function digestRecentLine(events: RoutedEvent[], countries: readonly string[] = []): string {
  const refreshes = [...new Set(events.map((e) => e.refreshId))].sort((a, b) => a - b);
  const lists = [...new Set(events.map((e) => e.list))].sort();
  const kinds = [...new Set(events.map((e) => e.kind))];
  const allKinds = kinds.length >= 4;
  const order: ChangeKind[] = ['added', 'removed', 'changed', 'suspended'];
  const byCountry = countries.length && !events.some((e) => e.watch) ? { countries: [...countries] } : {};
  return recentLine({ refreshes, lists, ...(allKinds ? {} : { kinds: order.filter((k) => kinds.includes(k)) }), ...byCountry });
}
