/**
 * Command handlers: a parsed Command and who/where asked, in; a platform-neutral Reply out.
 * No platform code here: adapters say who may manage subscriptions and how to render the reply.
 */
import { auditLookup } from '../audit-target';
import { failedMessages, failedSummary } from '../alerts/failed';
import { describeSchedule, LIVE, type Schedule } from '../alerts/schedule';
import { changeTargets, describeTargets, SubscriptionStore, type Subscription, type Target } from '../alerts/subscriptions';
import { changeSchedule, heldCount, sameSchedule, zoneTime } from '../alerts/summaries';
import { licenceLines, listSummaries } from '../catalog';
import { coverageLine, hasListData, onlyDemoData } from '../coverage';
import { LIST_CODES, listInfo, type ListCode } from '../lists';
import type { ChangeKind } from '../model';
import { metrics } from '../ops/metrics';
import { shownTime } from '../time';
import { lookup, partyById, standingText, type LookupResponse } from '../lookup';
import type { Db } from '../store/db';
import { EventStore } from '../store/events';
import { SourceStore } from '../store/sources';
import { helpText, HELP_ORDER, topicHelp } from './help';
import { lookupLine, parseCommand, RECENT_PAGE_SIZE, recentLine, type Command, type RecentQuery } from './parse';
import { PLAIN_PLATFORM, type PlatformDescription } from './platform';
import { textReply, type Block, type Reply } from './reply';
import type { SharedCommandStore } from './shared-store';

export interface CommandContext {
  db: Db;
  /** console, slack, discord. */
  platform: string;
  /** The channel (or DM) the command came from. */
  channel: string;
  user?: string;
  /** Workspace, guild or host: where, for the audit trail. */
  place?: string;
  /** May this user change the channel's subscriptions (admins, owners, allow-listed users...)? */
  canManage: boolean;
  /** Record lookups in the audit trail. */
  audit: boolean;
  /** Shown on every answer, e.g. that the answer comes from the bundled seed. */
  notice?: string;
  /** The database is the bundled seed (a demo), not list data refreshed from the publishers. */
  seed?: boolean;
  /** May a lookup answer from the seed? The console may (labelled, for trying the bot out); chat bots may not. */
  seedAnswers?: boolean;
  now?: () => Date;
  /** How commands are typed here and who may manage alerts, for help, hints and refusals (default: as typed). */
  platformInfo?: PlatformDescription;
  /**
   * The shared store (DATABASE_URL): subscriptions and watch terms are read and written there, by the async entry
   * (shared-commands.ts: dispatchCommand, runCommandAsync), and lookups audited there.
   */
  shared?: SharedCommandStore;
}

export const PAGE_SIZE = 5;
const ALL_KINDS: ChangeKind[] = ['added', 'removed', 'changed', 'suspended'];

const info = (ctx: CommandContext): PlatformDescription => ctx.platformInfo ?? PLAIN_PLATFORM;
/** A command as typed on this platform, quoted for plain text. */
const cmd = (ctx: CommandContext, line: string): string => `"${info(ctx).syntax(line)}"`;
export { cmd as typedCommand };

export function runCommand(line: string, ctx: CommandContext): Reply {
  return handle(parseCommand(line), ctx);
}

export function handle(command: Command, ctx: CommandContext): Reply {
  return withNotice(dispatch(command, ctx), ctx);
}

/** The context's notice (the bundled seed...) on a reply that has none of its own. */
export function withNotice(reply: Reply, ctx: CommandContext): Reply {
  return ctx.notice && !reply.notice ? { ...reply, notice: ctx.notice } : reply;
}

/** Commands that read or write a channel's subscription or watch terms (the shared store's, when there is one). */
export function usesSubscriptions(command: Command): boolean {
  return command.name === 'subscribe' || command.name === 'unsubscribe' || command.name === 'watch' || command.name === 'subscriptions';
}

/** The refusal for someone who may not change this channel's alerts, or undefined when they may (or only read). */
export function manageRefusal(command: Command, ctx: CommandContext): Reply | undefined {
  if (command.name !== 'subscribe' && command.name !== 'unsubscribe' && command.name !== 'watch') return undefined;
  if ((command.name === 'watch' && command.action === 'list') || ctx.canManage) return undefined;
  const own = info(ctx).ownPlace ? ` You can always manage alerts ${info(ctx).ownPlace}.` : '';
  return textReply(`Only ${info(ctx).managers} can change this channel's alerts. Ask one of them, or use ${cmd(ctx, 'subscriptions')} to see what it follows.${own}`, { error: true });
}

function dispatch(command: Command, ctx: CommandContext): Reply {
  // With a shared store, the local subscriptions table is not the channel's: only the async entry answers these.
  if (ctx.shared && usesSubscriptions(command)) throw new Error(`"${command.name}" with a shared store is answered by dispatchCommand (shared-commands.ts), not handle()`);
  switch (command.name) {
    case 'lookup':
      return lookupReply(command, ctx);
    case 'details':
      return detailsReply(command.partyId, ctx);
    case 'subscribe':
    case 'unsubscribe':
    case 'watch': {
      const refused = manageRefusal(command, ctx);
      if (refused) return refused;
      return command.name === 'subscribe' ? subscribeReply(command, ctx) : command.name === 'unsubscribe' ? unsubscribeReply(command, ctx) : watchReply(command, ctx);
    }
    case 'subscriptions':
      return subscriptionsReply(ctx);
    case 'lists':
      return listsReply(ctx);
    case 'status':
      return statusReply(ctx);
    case 'recent':
      return recentReply(command, ctx);
    case 'help':
      return helpReply(command.topic, command.problem, ctx);
    case 'smalltalk':
      return smallTalkReply(command.kind, ctx);
  }
}

function smallTalkReply(kind: 'thanks' | 'greeting' | 'ok', ctx: CommandContext): Reply {
  const text =
    kind === 'thanks'
      ? "You're welcome!"
      : kind === 'greeting'
        ? `Hi! Ask me about a name (for example "is DJI sanctioned?"), or ${cmd(ctx, 'help')} for everything I can do.`
        : '👍';
  return textReply(text);
}

/** The refusal every screening path gives when there is no list data to answer from. */
export const NO_LIST_DATA =
  'No list data loaded: this bot cannot screen yet, so it gives no answer rather than an empty one. An operator must load the lists: "npx sanctions refresh" (or start the bot where the official sources or a mirror can be reached).';

const NO_LIST_DATA_SEED =
  'No list data loaded: only the bundled demo seed is here, which is not screening data, so this bot will not screen from it. An operator must load the lists: "npx sanctions refresh" (or start the bot where the official sources or a mirror can be reached).';

/** Why this context may not answer a screening question, or undefined when it may. */
export function screeningRefusal(ctx: CommandContext): string | undefined {
  const seedAllowed = Boolean(ctx.seedAnswers);
  if (ctx.seed && !seedAllowed) return NO_LIST_DATA_SEED;
  if (hasListData(ctx.db)) return undefined;
  if (seedAllowed && hasListData(ctx.db, { demo: true })) return undefined;
  if (onlyDemoData(ctx.db)) return NO_LIST_DATA_SEED;
  return NO_LIST_DATA;
}

function lookupReply(command: Extract<Command, { name: 'lookup' }>, ctx: CommandContext): Reply {
  const refusal = screeningRefusal(ctx);
  if (refusal) return textReply(refusal, { error: true });
  const offset = (command.page - 1) * PAGE_SIZE;
  const started = performance.now();
  const response = lookup(ctx.db, command.query, { limit: PAGE_SIZE, offset, lists: command.lists, side: command.side, review: true, now: ctx.now?.() });
  metrics.lookupSeconds.observe((performance.now() - started) / 1000);
  metrics.lookups.inc({ platform: ctx.platform });
  if (ctx.audit) auditLookup(ctx, { platform: ctx.platform, actor: ctx.user, place: ctx.place ? `${ctx.place}/${ctx.channel}` : ctx.channel }, response);
  const shown = response.results;
  const review = command.page === 1 ? (response.review ?? []).slice(0, 3) : [];
  const filters = [command.lists?.length ? `lists ${command.lists.join(', ')}` : '', command.side ? `side ${command.side}` : ''].filter(Boolean).join('; ');
  const blocks: Block[] = [];
  const total = response.total;
  const scope = coverageLine({ lists: response.searched, as_of: response.as_of, warnings: response.warnings });
  if (!total) {
    const searched = response.searched.filter((l) => l.freshness !== 'no data');
    blocks.push({ type: 'heading', text: `No match for "${command.query}"${filters ? ` (${filters})` : ''}` });
    const lines = [`No match on the ${searched.length} list${searched.length === 1 ? '' : 's'} searched (${searched.map((l) => l.list).join(', ')}), ${scope.replace(/^.*?, data/, 'data')}.`];
    if (ctx.seed) lines.push('This is the bundled demo seed, a small sample: a miss here proves nothing about the real lists.');
    if (response.outside_filter) lines.push(`Outside the lists searched, this name matches ${response.outside_filter} part${response.outside_filter === 1 ? 'y' : 'ies'}: ask again without ${filters}.`);
    if (review.length) lines.push('Nothing at or above the match threshold. Below it, worth a look:');
    blocks.push({ type: 'text', text: lines.join('\n') });
  } else {
    const range = shown.length < total ? `, ${offset + 1}-${offset + shown.length} of ${total}` : '';
    blocks.push({ type: 'heading', text: `${total === 1 ? '1 match' : `${total} matches`} for "${command.query}"${filters ? ` (${filters})` : ''}${range}` });
    blocks.push({ type: 'text', text: `${scope}.` });
  }
  if (response.warnings.length) blocks.push({ type: 'text', text: response.warnings.map((w) => `⚠ ${w}`).join('\n') });
  for (const party of shown) blocks.push({ type: 'party', party, band: 'match' });
  if (review.length && total) blocks.push({ type: 'text', text: 'Below the match threshold, worth a look:' });
  for (const party of review) blocks.push({ type: 'party', party, band: 'review' });
  const actions: Extract<Block, { type: 'actions' }>['actions'] = [];
  const left = total - offset - shown.length;
  if (left > 0) actions.push({ id: 'more', label: `Next ${Math.min(PAGE_SIZE, left)} of ${left} more`, value: lookupLine({ ...command, page: command.page + 1 }) });
  if (shown.length || review.length) actions.push({ id: 'share', label: 'Share in channel', value: lookupLine({ ...command, page: 1 }) });
  if (actions.length) blocks.push({ type: 'actions', actions });
  return { blocks, summary: lookupSummary(command.query, response), private: true };
}

/** The one line notifications and fallbacks show: never a match marker for a party no longer listed. */
function lookupSummary(query: string, response: LookupResponse): string {
  const top = response.results[0];
  if (!top) {
    const n = response.searched.filter((l) => l.freshness !== 'no data').length;
    return `No match for "${query}" on ${n} list${n === 1 ? '' : 's'}${response.as_of ? `, data as of ${response.as_of.slice(0, 10)}` : ''}`;
  }
  const lists = [...new Set(top.designations.map((d) => listInfo(d.list).short))].join(', ');
  const more = response.total > 1 ? ` (${response.total - 1} more match${response.total === 2 ? '' : 'es'})` : '';
  if (top.standing === 'listed') return `${top.name}: ${lists}${more}`;
  return `${top.name}: ${standingText(top)} (${lists})${more}`;
}

function detailsReply(partyId: string, ctx: CommandContext): Reply {
  const party = partyById(ctx.db, partyId);
  if (!party) return textReply(`No party ${partyId}: it may have changed since; look the name up again.`, { error: true });
  return { blocks: [{ type: 'party', party: { ...party, match: { name: party.name, how: 'exact' } }, band: 'match' }], summary: party.name, private: true };
}

export function targetsOf(command: { lists: string[]; side?: 'us' | 'cn' }): Target[] {
  return [...(command.side ? [`side:${command.side}` as Target] : []), ...(command.lists as Target[])];
}

/** What a channel now hears, said in full: lists (exclusions included), kinds, countries, health notices. */
export function describeSubscription(sub: Pick<Subscription, 'targets' | 'excluded' | 'kinds' | 'countries' | 'health'> & Partial<Pick<Subscription, 'schedule'>>): string {
  const parts = [`This channel now hears about ${describeTargets(sub.targets, sub.excluded)}`];
  parts.push(sub.kinds.length >= ALL_KINDS.length ? 'every kind of change (added, removed, changed, suspended)' : `changes: ${sub.kinds.join(', ')}`);
  parts.push(sub.countries.length ? `parties in ${sub.countries.join(', ')}` : 'parties in any country');
  if (sub.health) parts.push('and source-health notices');
  // Alerts as they come is the default and goes unsaid; a schedule is always said.
  if (sub.schedule && sub.schedule.every !== 'live') parts.push(`all of it as ${describeSchedule(sub.schedule)}`);
  return `${parts.join('; ')}.`;
}

/** A subscribe against the channel's subscription so far: what to save, and the notes that say what changed. */
export interface SubscribePlan {
  save: { targets: Target[]; excluded: ListCode[]; kinds: ChangeKind[]; countries: string[]; health: boolean; by?: string };
  change: ReturnType<typeof changeTargets>;
  notes: string[];
}

export function planSubscribe(command: Extract<Command, { name: 'subscribe' }>, prior: Subscription | undefined, ctx: CommandContext): SubscribePlan {
  const asked = [...(command.all ? (['all'] as Target[]) : []), ...targetsOf(command)];
  // No list named: keep what the channel follows (changing kinds or countries only), or every list for a new one.
  const adding = asked.length ? asked : prior?.targets.length ? [] : (['all'] as Target[]);
  const change = changeTargets({ targets: prior?.targets ?? [], excluded: prior?.excluded ?? [] }, adding, 'add');
  const kinds = command.kinds ?? prior?.kinds ?? ALL_KINDS;
  const countries = command.countries ?? prior?.countries ?? [];
  const notes = [...change.notes];
  if (prior && command.kinds && command.kinds.join() !== prior.kinds.join()) notes.push(`Changes now: ${kinds.join(', ')} (replacing ${prior.kinds.join(', ') || 'none'}).`);
  if (prior && command.countries && command.countries.join() !== prior.countries.join()) notes.push(`Countries now: ${countries.join(', ') || 'any'} (replacing ${prior.countries.join(', ') || 'any'}).`);
  if (prior?.pausedReason) notes.push('Alerts resume (they were paused).');
  return { save: { ...change.next, kinds, countries, health: command.health || Boolean(prior?.health), by: prior?.createdBy ?? ctx.user }, change, notes };
}

/** The schedule asked for is the one the channel has. */
export const sameScheduleNote = (schedule: Schedule): string => `Alerts already come as ${schedule.every === 'live' ? 'they happen' : describeSchedule(schedule)}: nothing changed.`;

/** The answer to a subscribe: what changed, then what the channel now hears; only the asker sees a no-op. */
export function subscribedReply(sub: Subscription, plan: SubscribePlan, notes: string[], scheduleChanged: boolean): Reply {
  const text = [...notes, describeSubscription(sub)].join('\n');
  // Nothing changed (already covered): only the asker needs to hear it.
  return { blocks: [{ type: 'text', text }], summary: describeSubscription(sub), private: plan.change.unchanged && !scheduleChanged && notes.length === plan.change.notes.length };
}

function subscribeReply(command: Extract<Command, { name: 'subscribe' }>, ctx: CommandContext): Reply {
  const store = new SubscriptionStore(ctx.db);
  const plan = planSubscribe(command, store.get(ctx.platform, ctx.channel), ctx);
  let sub = store.save({ platform: ctx.platform, channel: ctx.channel, ...plan.save }, ctx.now?.());
  const notes = [...plan.notes];
  let scheduleChanged = false;
  if (command.schedule && !sameSchedule(command.schedule, sub.schedule ?? LIVE)) {
    const now = ctx.now?.() ?? new Date();
    const { flushed, held } = changeSchedule(ctx.db, sub, command.schedule, now);
    sub = store.get(ctx.platform, ctx.channel)!;
    scheduleChanged = true;
    if (command.schedule.every === 'live') notes.push('Alerts now come as they happen (no more scheduled summaries).');
    else notes.push(`Alerts now come as ${describeSchedule(command.schedule)}; the first at ${zoneTime(sub.summaryDueAt!, command.schedule.tz)}.`);
    if (flushed) notes.push(`The ${flushed} change${flushed === 1 ? '' : 's'} held for the old schedule go out now, as one summary.`);
    if (held) notes.push(`The ${held} change${held === 1 ? '' : 's'} waiting so far go into that summary.`);
  } else if (command.schedule) {
    notes.push(sameScheduleNote(command.schedule));
  }
  return subscribedReply(sub, plan, notes, scheduleChanged);
}

/**
 * An unsubscribe against the channel's subscription: the answer when nothing is to change (no subscription, lists
 * not followed), else the change (what is left: `change.next`).
 */
export function planUnsubscribe(command: Extract<Command, { name: 'unsubscribe' }>, prior: Subscription | undefined, ctx: CommandContext): { reply: Reply } | { change: ReturnType<typeof changeTargets> } {
  if (!prior) return { reply: textReply('This channel has no alerts to stop.') };
  const change = changeTargets(prior, command.all ? ['all'] : targetsOf(command), 'remove');
  if (change.unchanged && !command.all) {
    const still = prior.targets.length ? describeSubscription(prior) : `This channel follows no list; it hears only about its watch terms (${cmd(ctx, 'watch list')}).`;
    return { reply: textReply([...change.notes, still].join('\n')) };
  }
  return { change };
}

/** The answer to an unsubscribe that changed something: what was stopped, then what is left (if anything). */
export function unsubscribedReply(command: Extract<Command, { name: 'unsubscribe' }>, change: ReturnType<typeof changeTargets>, left: Subscription | undefined, ctx: CommandContext): Reply {
  const now = left?.targets.length
    ? describeSubscription(left)
    : left
      ? `Alerts stopped for this channel: it follows no list, and hears only about its watch terms (${cmd(ctx, 'watch list')}).`
      : 'Alerts stopped for this channel.';
  const notes = command.all ? [] : change.notes;
  const text = [...notes, now].join('\n');
  return { blocks: [{ type: 'text', text }], summary: now, private: change.unchanged };
}

function unsubscribeReply(command: Extract<Command, { name: 'unsubscribe' }>, ctx: CommandContext): Reply {
  const store = new SubscriptionStore(ctx.db);
  const plan = planUnsubscribe(command, store.get(ctx.platform, ctx.channel), ctx);
  if ('reply' in plan) return plan.reply;
  const left = store.unsubscribe(ctx.platform, ctx.channel, command.all ? 'all' : targetsOf(command));
  return unsubscribedReply(command, plan.change, left, ctx);
}

/** The answers of watch list, add and remove. */
export const watchReplies = {
  list: (terms: string[], ctx: CommandContext): Reply => textReply(terms.length ? `Watched here: ${terms.join('; ')}` : `This channel watches no names yet: ${cmd(ctx, 'watch add <name>')}.`),
  add(added: boolean, term: string, ctx: CommandContext): Reply {
    const now = lookup(ctx.db, term, { limit: 1 }).results[0];
    const already = now ? ` It already matches ${now.name} (${[...new Set(now.designations.map((d) => d.list))].join(', ')}).` : '';
    return textReply(added ? `Watching "${term}": a new designation that matches it will be alerted here.${already}` : `"${term}" was already watched here.`);
  },
  remove: (removed: boolean, term: string): Reply => textReply(removed ? `No longer watching "${term}".` : `"${term}" was not watched here.`),
};

function watchReply(command: Extract<Command, { name: 'watch' }>, ctx: CommandContext): Reply {
  const store = new SubscriptionStore(ctx.db);
  if (command.action === 'list') return watchReplies.list(store.watchTerms(ctx.platform, ctx.channel), ctx);
  if (command.action === 'add') return watchReplies.add(store.addWatch(ctx.platform, ctx.channel, command.term, ctx.user), command.term, ctx);
  return watchReplies.remove(store.removeWatch(ctx.platform, ctx.channel, command.term), command.term);
}

/** "as they come", or the schedule with the next summary and how many changes it holds so far. */
function deliveryText(sub: Subscription | undefined, ctx: CommandContext): string {
  const schedule = sub?.schedule ?? LIVE;
  if (!sub || schedule.every === 'live') return `as they come (${cmd(ctx, 'subscribe schedule:daily at:08:00 tz:Europe/Berlin')} for one summary a day)`;
  const waiting = heldCount(ctx.db, sub.id);
  return `${describeSchedule(schedule)}; next at ${sub.summaryDueAt ? zoneTime(sub.summaryDueAt, schedule.tz) : 'the next scheduled time'}, with ${waiting} change${waiting === 1 ? '' : 's'} so far`;
}

type Field = { label: string; value: string };

/**
 * The answer to `subscriptions`: what the channel follows, how it gets it (`delivery`), its watch terms, and
 * `more` fields (messages that could not be delivered).
 */
export function subscriptionsView(sub: Subscription | undefined, terms: string[], ctx: CommandContext, delivery: string, more: (sub: Subscription) => Field[] = () => []): Reply {
  if (!sub && !terms.length)
    return textReply(`This channel has no alerts. ${cmd(ctx, 'subscribe cn')} follows Beijing's lists, ${cmd(ctx, 'subscribe US-OFAC-SDN')} one list, ${cmd(ctx, 'subscribe all')} every list.`);
  const fields: Field[] = [
    { label: 'Follows', value: describeTargets(sub?.targets ?? [], sub?.excluded ?? []) },
    { label: 'Changes', value: (sub?.kinds ?? []).join(', ') || '-' },
    { label: 'Countries', value: sub?.countries.length ? sub.countries.join(', ') : 'any' },
    { label: 'Source-health notices', value: sub?.health ? 'yes' : 'no' },
    { label: 'Delivery', value: delivery },
    { label: 'Watch terms', value: terms.length ? terms.join('; ') : 'none' },
  ];
  if (sub?.pausedReason) fields.push({ label: 'Paused', value: `${sub.pausedReason} (since ${shownTime(sub.pausedAt)}); subscribe again to resume` });
  if (sub && !sub.pausedReason) fields.push(...more(sub));
  return { blocks: [{ type: 'heading', text: 'Alerts in this channel' }, { type: 'fields', fields }], summary: `Follows ${fields[0]!.value}`, private: true };
}

function subscriptionsReply(ctx: CommandContext): Reply {
  const store = new SubscriptionStore(ctx.db);
  const sub = store.get(ctx.platform, ctx.channel);
  const terms = store.watchTerms(ctx.platform, ctx.channel);
  return subscriptionsView(sub, terms, ctx, deliveryText(sub, ctx), () => {
    const failed = failedMessages(ctx.db, { platform: ctx.platform, channel: ctx.channel });
    if (!failed.length) return [];
    return [
      {
        label: 'Undelivered',
        value: `${failed.length} alert message(s) since ${shownTime(failed[0]!.created_at)} could not be posted here (last error: ${failed.at(-1)!.last_error ?? 'unknown'}); they are sent again as soon as ${ctx.platform} takes a message, or by an operator with "sanctions outbox retry"`,
      },
    ];
  });
}

function listsReply(ctx: CommandContext): Reply {
  const summaries = listSummaries(ctx.db, { all: true });
  const rows = summaries.map((s) => [
    s.list,
    listInfo(s.list).nameZh ? `${s.name} ${listInfo(s.list).nameZh}` : s.name,
    String(s.active),
    shownTime(s.last_refresh, 'minute', 'never'),
  ]);
  const blocks: Block[] = [{ type: 'heading', text: 'Lists covered' }, { type: 'table', headers: ['code', 'list', 'in force', 'refreshed'], rows }];
  // The licence of a source whose config names one (OpenSanctions' CC BY-NC sheets).
  const licensed = [...new SourceStore(ctx.db).licences()].filter(([id]) => summaries.some((s) => s.sources.includes(id)));
  if (licensed.length) blocks.push({ type: 'text', text: licenceLines(licensed, summaries) });
  return { blocks, summary: `${rows.length} lists`, private: true };
}

function statusReply(ctx: CommandContext): Reply {
  const sources = new SourceStore(ctx.db).all();
  if (!sources.length) return textReply('No source has been refreshed yet.');
  const rows = sources.map((s) => [
    s.id,
    s.status,
    String(s.record_count),
    shownTime(s.last_success_at, 'minute', 'never'),
    shownTime(s.next_run_at),
    s.last_error ?? '',
  ]);
  const bad = sources.filter((s) => s.status === 'quarantined' || s.status === 'failed');
  const blocks: Block[] = [{ type: 'heading', text: 'Sources' }, { type: 'table', headers: ['source', 'status', 'records', 'last refresh', 'next refresh', 'problem'], rows }];
  const licensed = [...new SourceStore(ctx.db).licences()].filter(([id]) => sources.some((s) => s.id === id));
  if (licensed.length) blocks.push({ type: 'text', text: licenceLines(licensed) });
  const failed = failedSummary(ctx.db);
  const undelivered = failed.retryable ? `${failed.retryable} alert message(s) to ${failed.platforms.join(', ')} could not be delivered` : '';
  if (undelivered) {
    blocks.push({
      type: 'text',
      text: `Alerts: ${undelivered} (oldest queued ${shownTime(failed.oldest)}; last error: ${failed.lastError ?? 'unknown'}). They are sent again as soon as the platform takes a message, or with "sanctions outbox retry --all".`,
    });
  }
  const problems = [...(bad.length ? [`${bad.length} source(s) need attention: ${bad.map((b) => `${b.id} ${b.status}`).join(', ')}`] : []), ...(undelivered ? [undelivered] : [])];
  return { blocks, summary: problems.length ? problems.join('; ') : `${sources.length} sources ok`, private: true };
}

/** The filters of a `recent`, in words: "SDN (US-OFAC-SDN); added". */
function recentFilters(q: RecentQuery): string {
  return [
    q.lists?.length ? q.lists.map((l) => `${listInfo(l).short} (${l})`).join(', ') : '',
    q.side ? (q.side === 'us' ? "Washington's lists" : "Beijing's lists") : '',
    q.kinds?.length ? q.kinds.join(', ') : '',
    q.countries?.length ? `parties in ${q.countries.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

function recentReply(q: RecentQuery, ctx: CommandContext): Reply {
  // Neither a date nor refreshes: the last 7 days. Refreshes select their events whenever they were.
  const days = q.days ?? (q.since || q.refreshes?.length ? undefined : 7);
  const sinceDate = q.since ? `${q.since}T00:00:00.000Z` : days ? new Date((ctx.now?.() ?? new Date()).getTime() - days * 86_400_000).toISOString() : undefined;
  let lists: readonly ListCode[] | undefined = q.lists;
  if (q.side) lists = (lists ?? LIST_CODES).filter((l) => listInfo(l).side === q.side);
  const when = [
    q.refreshes?.length ? `in refresh${q.refreshes.length === 1 ? '' : 'es'} ${q.refreshes.join(', ')}` : '',
    q.since ? `since ${q.since}` : days ? `in the last ${days} day${days === 1 ? '' : 's'}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const filters = recentFilters(q);
  const scope = `${when}${filters ? ` (${filters})` : ''}`;
  if (lists && !lists.length) return textReply(`No list changes ${scope}: no list is both on that side and among those named.`);
  const store = new EventStore(ctx.db);
  const { total, events } = store.page({ lists, kinds: q.kinds, countries: q.countries, refreshes: q.refreshes, sinceDate, limit: RECENT_PAGE_SIZE, offset: (q.page - 1) * RECENT_PAGE_SIZE });
  const pages = Math.max(1, Math.ceil(total / RECENT_PAGE_SIZE));
  if (!total) return textReply(`No list changes ${scope}.`);
  if (!events.length) return textReply(`There are ${pages} page${pages === 1 ? '' : 's'} of list changes ${scope}; page ${q.page} is past the end. The last one: ${cmd(ctx, recentLine({ ...q, page: pages }))}.`, { error: true });
  const first = (q.page - 1) * RECENT_PAGE_SIZE + 1;
  const blocks: Block[] = [
    { type: 'heading', text: `${total} change${total === 1 ? '' : 's'} ${scope}, newest first` },
    { type: 'events', events: events.map((e) => ({ ...e, retaliation: listInfo(e.list).side === 'cn' })), more: 0 },
  ];
  const position = `Page ${q.page} of ${pages} (${first}-${first + events.length - 1} of ${total}).`;
  if (q.page < pages) blocks.push({ type: 'hint', text: `${position} More:`, line: recentLine({ ...q, page: q.page + 1 }) });
  else if (pages > 1) blocks.push({ type: 'text', text: `${position} That is the last page.` });
  return { blocks, summary: `${total} changes ${scope}, page ${q.page} of ${pages}`, private: true };
}

function helpReply(topic: string | undefined, problem: string | undefined, ctx: CommandContext): Reply {
  const blocks: Block[] = [];
  const p = info(ctx);
  if (problem) blocks.push({ type: 'text', text: problem });
  const one = topic ? topicHelp(topic, p) : undefined;
  if (one) blocks.push({ type: 'text', text: one });
  else {
    blocks.push({ type: 'heading', text: 'Sanctions and export-control screening' });
    blocks.push({ type: 'text', text: HELP_ORDER.map((k) => helpText(k, p)).join('\n') });
  }
  return { blocks, summary: problem ?? 'help', private: true, error: Boolean(problem) };
}
