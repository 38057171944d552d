/**
 * Alert messages: one per designation when a refresh brings a few, one digest per channel when it brings
 * many. A digest's headline says what happened on which list ("OFAC added 298 entries to the SDN List
 * (RUSSIA-EO14024, CYBER2)"), one per action and list; its lines come in the order an analyst reads them
 * (additions, removals, suspensions, changes that matter, cosmetic changes; watchlist hits first within each),
 * with the full content attached as files at delivery, a "Show all" that pages through it, and the `recent` that
 * shows every one of them (by refresh, list and kind: exactly that digest's events, whatever the date).
 */
import type { Action, Block, Reply } from '../commands/reply';
import { listInfo, type ListCode } from '../lists';
import { digestOrder } from './digest-files';
import { ACTION_WORDS, actionRank, alertDates, typeWord, type AlertAction } from './facts';
import { recentLine } from '../commands/parse';
import type { ChangeKind } from '../model';
import type { RoutedEvent } from './route';
import type { Subscription } from './subscriptions';

/** Up to this many events a channel hears one message each; above, one digest. */
export const DIGEST_OVER = 5;
const DIGEST_SHOWN = 15;
/** Lines per page of "Show all". */
export const PAGE_LINES = 25;

/** "OFAC", "BIS", "MOFCOM": the issuer as a headline names it. */
export function issuerShort(list: ListCode): string {
  const issuer = listInfo(list).issuer;
  return issuer.includes(' / ') ? issuer.split(' / ').at(-1)! : issuer;
}

/** "the SDN List", "the Entity List", "the Countermeasures list (反制措施)". */
export function listName(list: ListCode): string {
  const info = listInfo(list);
  return /list/i.test(info.short) ? info.short : `${info.short} List`;
}

/** One line for logs and notifications: what happened to whom, where, when, under what. */
export function alertLine(e: RoutedEvent): string {
  const f = e.facts;
  const parts = [`${f.party} (${typeWord(f.type)}${f.countries.length ? `, ${f.countries.join(' ')}` : ''}): ${ACTION_WORDS[f.action]} ${listInfo(e.list).short} (${e.list})`];
  if (f.listedAs) parts.push(`listed as ${f.listedAs}`);
  if (f.fields?.length) parts.push(`fields: ${f.fields.join(', ')}`);
  parts.push(...alertDates(f));
  if (f.programs.length) parts.push(f.programs.join(', '));
  if (f.citation) parts.push(f.citation);
  if (f.retaliation) parts.push(`China, ${f.issuer}${listInfo(e.list).nameZh ? ` ${listInfo(e.list).nameZh}` : ''}`);
  if (e.watch) parts.push(`matches your watch term "${e.watch}"`);
  return parts.join(' · ');
}

/** The action groups a headline speaks of: additions (and relistings) together. */
type Group = 'added' | Exclude<AlertAction, 'added' | 'relisted'>;
const groupOf = (a: AlertAction): Group => (a === 'relisted' ? 'added' : a);

interface HeadlineGroup {
  group: Group;
  list: ListCode;
  events: RoutedEvent[];
}

/** Events grouped by action and list, in the digest's order (additions first, then by size). */
export function headlineGroups(events: RoutedEvent[]): HeadlineGroup[] {
  const groups = new Map<string, HeadlineGroup>();
  for (const e of events) {
    const group = groupOf(e.facts.action);
    const k = `${group} ${e.list}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { group, list: e.list, events: [] }));
    g.events.push(e);
  }
  const rank = (g: HeadlineGroup) => Math.min(...g.events.map((e) => actionRank(e.facts)));
  return [...groups.values()].sort((a, b) => rank(a) - rank(b) || b.events.length - a.events.length || a.list.localeCompare(b.list));
}

/** The programs of a group, most frequent first: "RUSSIA-EO14024, CYBER2 +3 more". */
function programsText(events: RoutedEvent[]): string {
  const counts = new Map<string, number>();
  for (const e of events) for (const p of e.facts.programs) counts.set(p, (counts.get(p) ?? 0) + 1);
  const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([p]) => p);
  if (!sorted.length) return '';
  return ` (${sorted.slice(0, 4).join(', ')}${sorted.length > 4 ? ` +${sorted.length - 4} more` : ''})`;
}

/** "OFAC added 298 entries to the SDN List (RUSSIA-EO14024, CYBER2)". */
export function headline(g: HeadlineGroup): string {
  const n = g.events.length;
  const entries = `${n} ${n === 1 ? 'entry' : 'entries'}`;
  const issuers = [...new Set(g.events.map((e) => (e.facts.retaliation ? e.facts.issuer : issuerShort(e.list))))].join('/');
  const list = listName(g.list);
  const programs = programsText(g.events);
  switch (g.group) {
    case 'added': {
      const again = g.events.filter((e) => e.facts.action === 'relisted').length;
      return `${issuers} added ${entries} to the ${list}${programs}${again ? `, ${again} of them listed again` : ''}`;
    }
    case 'removed':
      return `${issuers} removed ${entries} from the ${list}${programs}`;
    case 'suspended':
      return `${issuers} suspended ${entries} on the ${list}${programs}`;
    case 'resumed':
      return `${entries} on the ${list} back in force after a suspension${programs}`;
    case 'changed': {
      const material = g.events.filter((e) => actionRank(e.facts) === 4).length;
      const what = material && material < n ? `: ${material} in names, status or program, ${n - material} cosmetic` : material ? '' : ' (cosmetic: remarks, addresses)';
      return `${entries} changed on the ${list}${what}`;
    }
  }
}

/** The events block of an alert: the events with their facts (renderers show these lines). */
function eventsBlock(events: RoutedEvent[], more: number): Block {
  return { type: 'events', events, more };
}

/** Which lines a digest shows: up to DIGEST_SHOWN, every group getting a few, watch hits first in each. */
function shownLines(groups: HeadlineGroup[], rank: (e: RoutedEvent) => number): RoutedEvent[][] {
  const budget = DIGEST_SHOWN;
  const out = groups.map(() => [] as RoutedEvent[]);
  const ordered = groups.map((g) => [...g.events].sort((a, b) => rank(a) - rank(b) || actionRank(a.facts) - actionRank(b.facts) || a.id - b.id));
  let left = budget;
  // Round-robin in blocks: each group gets up to three lines per round, the first groups first.
  for (let round = 0; left > 0; round++) {
    let took = false;
    ordered.forEach((events, i) => {
      const take = events.slice(round * 3, round * 3 + 3).slice(0, left);
      if (take.length) {
        out[i]!.push(...take);
        left -= take.length;
        took = true;
      }
    });
    if (!took) break;
  }
  return out;
}

/** The messages a channel gets for a batch of events: one each, or one digest. */
export function alertReplies(subscription: Pick<Subscription, 'targets'> & Partial<Pick<Subscription, 'countries'>>, events: RoutedEvent[]): Reply[] {
  if (!events.length) return [];
  if (events.length <= DIGEST_OVER) {
    return events.map((e) => ({
      blocks: [
        { type: 'heading', text: `${e.watch ? 'Watchlist hit: ' : ''}${e.facts.party} (${typeWord(e.facts.type)}) ${ACTION_WORDS[e.facts.action]} the ${listName(e.list)}` },
        eventsBlock([e], 0),
      ],
      summary: alertLine(e),
      private: false,
    }));
  }
  const sides = new Set(subscription.targets.filter((t) => t.startsWith('side:')).map((t) => t.slice(5)));
  const rank = (e: RoutedEvent) => (e.watch ? 0 : sides.has(listInfo(e.list).side) ? 1 : e.countries.some((c) => c === 'CN' || c === 'HK' || c === 'MO') ? 2 : 3);
  const groups = headlineGroups(events);
  const headlines = groups.map(headline);
  const shown = shownLines(groups, rank);
  const watchHits = events.filter((e) => e.watch).length;
  const blocks: Block[] = [];
  groups.forEach((g, i) => {
    blocks.push({ type: 'heading', text: headlines[i]! });
    if (shown[i]!.length) blocks.push(eventsBlock(shown[i]!, g.events.length - shown[i]!.length));
  });
  const shownCount = shown.reduce((n, s) => n + s.length, 0);
  const notes = [
    watchHits ? `${watchHits} of these match your watch terms.` : '',
    shownCount < events.length
      ? `Shown: ${shownCount} of ${events.length}. All ${events.length} are in the attached files (CSV, Markdown); "Show all" pages through them here.`
      : `All ${events.length} are in the attached files (CSV, Markdown).`,
  ].filter(Boolean);
  blocks.push({ type: 'text', text: notes.join(' ') });
  blocks.push({ type: 'hint', text: `All ${events.length} of them, a page at a time:`, line: digestRecentLine(events, subscription.countries) });
  return [{ blocks, summary: headlines.join('; '), private: false }];
}

/**
 * The message as queued: with its outbox id, Show all (digests) and Acknowledge, and (for a digest) the note of
 * how many events it covers so that delivery attaches the files.
 */
export function withAlertActions(reply: Reply, outbox: number, digest: boolean, total: number): Reply {
  const actions: Action[] = [];
  if (digest) actions.push({ id: 'page', label: `Show all ${total}`, value: `digest ${outbox} 1` });
  actions.push({ id: 'ack', label: 'Acknowledge', value: `ack ${outbox}` });
  return { ...reply, blocks: [...reply.blocks, { type: 'actions', actions }], alert: { outbox, digest, total } };
}

/** The order a digest's events are listed in everywhere (files, Show all). */
export { digestOrder };

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
