/**
 * Routing: which change events a subscription should hear. An event matches when its list is followed
 * (all, the list's side, or the list itself, and not left out by an exclusion), its kind is wanted, and its party has one of the wanted
 * countries (when any are set). A new designation of a party that one of the channel's watch terms
 * finds (the same matcher as lookup) is delivered in any case, marked as a watchlist hit.
 */
import { listInfo } from '../lists';
import { lookup } from '../lookup';
import type { ChangeEvent } from '../model';
import type { Db } from '../store/db';
import { EventStore } from '../store/events';
import { follows, type Subscription } from './subscriptions';

export interface RoutedEvent extends ChangeEvent {
  recordId: number;
  partyId: number;
  countries: string[];
  /** The watch term that found this party, for watchlist hits. */
  watch?: string;
  /** A designation by Beijing (retaliation lists). */
  retaliation: boolean;
}

export class Router {
  private readonly events: EventStore;
  private readonly partyOf;

  constructor(private readonly db: Db) {
    this.events = new EventStore(db);
    this.partyOf = db.prepare<[number], { party_id: number | null; countries: string | null }>(
      "SELECT party_id, json_extract(payload, '$.countries') AS countries FROM records WHERE id = ?",
    );
  }

  /** The events after `cursor` (at most `limit`), with their party and countries. */
  eventsAfter(cursor: number, limit = 5000): RoutedEvent[] {
    return this.events.list({ sinceId: cursor, limit }).map((e) => {
      const row = this.partyOf.get(e.recordId);
      return {
        ...e,
        partyId: row?.party_id ?? e.recordId,
        countries: JSON.parse(row?.countries ?? '[]') as string[],
        retaliation: listInfo(e.list).side === 'cn',
      };
    });
  }

  /** The parties each watch term finds, for marking watchlist hits. */
  watchIndex(terms: string[]): Map<number, string> {
    const parties = new Map<number, string>();
    for (const term of terms) {
      for (const r of lookup(this.db, term, { limit: 20 }).results) {
        const id = Number(r.id.slice(1));
        if (!parties.has(id)) parties.set(id, term);
      }
    }
    return parties;
  }

  /** The events of `events` this subscription should hear. */
  select(subscription: Subscription, events: RoutedEvent[], watched: Map<number, string>): RoutedEvent[] {
    const out: RoutedEvent[] = [];
    for (const e of events) {
      const watch = e.kind === 'added' || e.kind === 'changed' ? watched.get(e.partyId) : undefined;
      if (watch) {
        out.push({ ...e, watch });
        continue;
      }
      if (matches(subscription, e)) out.push(e);
    }
    return out;
  }
}

export function matches(subscription: Subscription, event: Pick<RoutedEvent, 'list' | 'kind' | 'countries'>): boolean {
  // No targets: the channel only watches its own counterparties. Exclusions ("all but the SDN") are honoured.
  if (!follows({ targets: subscription.targets, excluded: subscription.excluded ?? [] }, event.list)) return false;
  if (!subscription.kinds.includes(event.kind)) return false;
  if (subscription.countries.length && !event.countries.some((c) => subscription.countries.includes(c))) return false;
  return true;
}
