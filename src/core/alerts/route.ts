/**
 * Routing: which change events a subscription should hear. An event matches when its list is followed
 * (all, the list's side, or the list itself, and not left out by an exclusion), its kind is wanted, and its party has one of the wanted
 * countries (when any are set). A new designation of a party that one of the channel's watch terms
 * finds (the same matcher as lookup) is delivered in any case, marked as a watchlist hit.
 *
 * An "added" event is not a new designation when the party already had a designation in force on the same
 * list from another source before the event (a Federal Register rule announced it; the Consolidated Screening
 * List now lists it): it is marked as a confirmation (`confirms`: the source that had it) and not routed, so
 * a channel hears of a designation once, from whichever source said it first (and a rule revising an entry
 * the CSL already lists is no new designation either). The other designation counts only when no designation
 * of the party on that list was removed between it and the event: the Federal Register source never removes an
 * entry, so a rule of years ago must not silence the CSL listing again a party it had removed since.
 */
import { listInfo } from '../lists';
import { lookup } from '../lookup';
import type { ChangeEvent } from '../model';
import type { Db } from '../store/db';
import { EventStore } from '../store/events';
import { FactsReader, type AlertFacts } from './facts';
import { follows, type Subscription } from './subscriptions';

export interface RoutedEvent extends ChangeEvent {
  recordId: number;
  partyId: number;
  countries: string[];
  /** The watch term that found this party, for watchlist hits. */
  watch?: string;
  /** A designation by Beijing (retaliation lists). */
  retaliation: boolean;
  /** What an analyst needs: the party as its card names it, type, dates, program, citation, link. */
  facts: AlertFacts;
  /** An "added" event confirming a designation another source already had: the id of that source. */
  confirms?: string;
}

export class Router {
  private readonly events: EventStore;
  private readonly partyOf;
  private readonly earlier;

  constructor(private readonly db: Db) {
    this.events = new EventStore(db);
    this.partyOf = db.prepare<[number], { party_id: number | null; countries: string | null }>(
      "SELECT party_id, json_extract(payload, '$.countries') AS countries FROM records WHERE id = ?",
    );
    this.earlier = db.prepare<{ party: number; record: number; source: string; list: string; at: string }, { source_id: string }>(
      // Driven by the party's records (records_by_party), then their designation on the list: never a scan.
      `WITH party AS (SELECT id FROM records WHERE party_id = @party UNION SELECT @party)
       SELECT r.source_id FROM records r JOIN designations d ON d.record_id = r.id AND d.list = @list
        WHERE r.id IN party AND r.id != @record
          -- Another source; or, for Federal Register rules, another rule (a revision of an entry already announced).
          AND (r.source_id != @source OR EXISTS (SELECT 1 FROM sources s WHERE s.id = @source AND s.format = 'fr-rules'))
          AND d.first_seen < @at AND (d.removed_at IS NULL OR d.removed_at > @at)
          -- A removal from the list in between (read from the events: a record listed again has its removed_at
          -- cleared) makes this a real re-listing.
          AND NOT EXISTS (SELECT 1 FROM events x WHERE x.record_id IN party AND x.list = @list AND x.kind = 'removed'
                           AND x.at > d.first_seen AND x.at <= @at)
        ORDER BY d.first_seen LIMIT 1`,
    );
  }

  /** The source that already had this party on the event's list before an "added" event, if any. */
  confirmedFrom(e: { kind: string; recordId: number; source: string; list: string; at: string; detail?: Record<string, unknown> }, partyId: number): string | undefined {
    // A listing again (the record was removed and is back) is news, whatever another source says.
    if (e.kind !== 'added' || e.detail?.relisted) return undefined;
    return this.earlier.get({ party: partyId, record: e.recordId, source: e.source, list: e.list, at: e.at })?.source_id;
  }

  /**
   * The events after `cursor`, with their party, countries and facts: about `limit`, but never part of a
   * refresh (the rest of the last refresh read is read too), so that a big refresh makes one digest, not several.
   */
  eventsAfter(cursor: number, limit = 5000): RoutedEvent[] {
    const events = this.events.list({ sinceId: cursor, limit });
    if (events.length === limit) {
      const last = events.at(-1)!;
      for (;;) {
        const more = this.events.list({ sinceId: events.at(-1)!.id, limit: 1000 }).filter((e) => e.refreshId === last.refreshId);
        if (!more.length) break;
        events.push(...more);
      }
    }
    const facts = new FactsReader(this.db);
    return events.map((e) => {
      const row = this.partyOf.get(e.recordId);
      const partyId = row?.party_id ?? e.recordId;
      const confirms = this.confirmedFrom(e, partyId);
      return {
        ...e,
        partyId,
        ...(confirms ? { confirms } : {}),
        countries: JSON.parse(row?.countries ?? '[]') as string[],
        retaliation: listInfo(e.list).side === 'cn',
        facts: facts.facts(e),
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
      if (e.confirms) continue;
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

/** The parties each channel's watch terms find, each term looked up once per routing pass (watch terms repeat). */
export function cachedWatchIndex(router: Router): { index: (terms: string[]) => Map<number, string>; terms: Map<string, Map<number, string>> } {
  const terms = new Map<string, Map<number, string>>();
  const index = (list: string[]) => {
    const parties = new Map<number, string>();
    for (const term of list) {
      let found = terms.get(term);
      if (!found) terms.set(term, (found = router.watchIndex([term])));
      for (const [party, t] of found) if (!parties.has(party)) parties.set(party, t);
    }
    return parties;
  };
  return { index, terms };
}

export function matches(subscription: Subscription, event: Pick<RoutedEvent, 'list' | 'kind' | 'countries'>): boolean {
  // No targets: the channel only watches its own counterparties. Exclusions ("all but the SDN") are honoured.
  if (!follows({ targets: subscription.targets, excluded: subscription.excluded ?? [] }, event.list)) return false;
  if (!subscription.kinds.includes(event.kind)) return false;
  if (subscription.countries.length && !event.countries.some((c) => subscription.countries.includes(c))) return false;
  return true;
}
