/**
 * Slack's App Home: published (views.publish) when a person opens the Home tab (app_home_opened). It shows a
 * Search button (a modal with a name, a list and a side; its answer replaces the modal), the person's own recent
 * lookups, the alerts of the subscribed channels they are in (users.conversations, bounded), each list's
 * freshness, and the latest changes. Every text from data is escaped; the view stays within Block Kit's limits
 * (100 blocks, 3000 characters a section, 150 a header, 75 a button).
 */
import type { App, BlockAction, ButtonAction, types, ViewSubmitAction, webApi } from '@slack/bolt';
import type { BaseLogger } from 'pino';
import { z } from 'zod';
import { describeTargets } from '../../core/alerts/subscriptions';
import { describeSchedule } from '../../core/alerts/schedule';
import { dispatchCommand, type SharedCommandStore } from '../../core/commands/shared-commands';
import { MAX_QUERY_CHARS } from '../../core/commands/parse';
import type { PlatformDescription } from '../../core/commands/platform';
import type { DataHandle } from '../../core/dataset';
import { homeOverview, subscribedChannels, type HomeOverview } from '../../core/home/overview';
import { sharedHomeParts } from '../../core/home/shared-overview';
import { settleSharedAudits } from '../../core/audit-target';
import { LIST_CODES, listInfo, type ListCode } from '../../core/lists';
import { shownTime } from '../../core/time';
import { escapeMrkdwn, escapeText, renderReply, truncate } from './render';

type KnownBlock = types.KnownBlock;

export const HOME_LIMITS = { blocks: 100, section: 3000, header: 150, buttonText: 75, contextElements: 10, modalTitle: 24, optionText: 75 } as const;
export const HOME_ACTIONS = { search: 'sanctions_home_search' } as const;
export const SEARCH_CALLBACK = 'sanctions_home_search';
export const SEARCH_FIELDS = { name: 'search_name', list: 'search_list', side: 'search_side' } as const;

/** How many pages of users.conversations (200 channels each) are read to find the person's channels. */
const MEMBERSHIP_PAGES = 5;

const plain = (text: string, max: number): types.PlainTextElement => ({ type: 'plain_text', text: truncate(text, max) || ' ', emoji: true });
const section = (text: string, accessory?: types.Button): types.SectionBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', text: truncate(text, HOME_LIMITS.section) || ' ', verbatim: true },
  ...(accessory ? { accessory } : {}),
});
const context = (text: string): types.ContextBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text: truncate(text, HOME_LIMITS.section) || ' ', verbatim: true }] });
const header = (text: string): types.HeaderBlock => ({ type: 'header', text: plain(text, HOME_LIMITS.header) });

/** Lines (already mrkdwn) packed into as few sections as 3000 characters allow. */
function sections(lines: string[]): types.SectionBlock[] {
  const out: types.SectionBlock[] = [];
  let current = '';
  for (const raw of lines) {
    const line = truncate(raw, HOME_LIMITS.section);
    if (current && current.length + 1 + line.length > HOME_LIMITS.section) {
      out.push(section(current));
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) out.push(section(current));
  return out;
}

const CHANNEL_ID = /^[CG][A-Z0-9]{2,}$/;

function recentLines(o: HomeOverview): string[] {
  if (!o.recent.length) return ['_No lookups yet. Press Search, or type `/sanctions &lt;name&gt;` anywhere._'];
  return o.recent.map((r) => {
    const top = r.results[0];
    const what = top ? `→ ${escapeMrkdwn(top.name)} (${escapeMrkdwn(top.lists.join(', ') || 'no list')})${r.results.length > 1 ? ` +${r.results.length - 1}` : ''}` : '→ no match at the time';
    return `• *${escapeMrkdwn(truncate(r.query, 120))}* ${what} · ${escapeMrkdwn(shownTime(r.at))} UTC`;
  });
}

function channelLines(o: HomeOverview): string[] {
  if (!o.channels) return ['_Could not read which channels you are in (the app needs channels:read and groups:read), so no channel is shown._'];
  if (!o.channels.length) return ['_None of the channels you are in has alerts. In a channel: `/sanctions subscribe cn` (admins and owners)._'];
  const lines = o.channels.map((s) => {
    const where = CHANNEL_ID.test(s.channel) ? `<#${s.channel}>` : escapeMrkdwn(s.channel);
    const schedule = s.schedule && s.schedule.every !== 'live' ? ` · ${escapeMrkdwn(describeSchedule(s.schedule))}` : '';
    const paused = s.pausedReason ? ` · :double_vertical_bar: paused: ${escapeMrkdwn(s.pausedReason)}` : '';
    return `• ${where}: ${escapeMrkdwn(describeTargets(s.targets, s.excluded))} · ${escapeMrkdwn(s.kinds.join(', '))}${schedule}${paused}`;
  });
  if (o.moreChannels) lines.push(`_and ${o.moreChannels} more of your channels with alerts_`);
  return lines;
}

function listLines(o: HomeOverview): string[] {
  return o.lists.map((l) => {
    const state = l.freshness === 'fresh' ? 'fresh' : `:warning: ${escapeMrkdwn(l.freshness)}: ${escapeMrkdwn(l.problem ?? '')}`;
    return `• *${escapeMrkdwn(listInfo(l.list).short)}* (${l.list}) · ${l.active.toLocaleString('en-US')} in force · data as of ${l.as_of ? `${escapeMrkdwn(shownTime(l.as_of))} UTC` : 'never'} · ${state}`;
  });
}

/** The Home view, from the overview; cut to Block Kit's 100 blocks if it ever had more. */
export function homeView(o: HomeOverview, options: { command?: string } = {}): types.HomeView {
  const command = options.command ?? '/sanctions';
  const blocks: KnownBlock[] = [
    header('Sanctions screening'),
    section(
      `Screen a company or person against the US and Chinese lists. Anywhere in Slack: \`${escapeText(command)} &lt;name&gt;\`, or *Screen this message* from a message's ⋯ menu.`,
      { type: 'button', action_id: HOME_ACTIONS.search, style: 'primary', text: plain('Search', HOME_LIMITS.buttonText), value: 'search' },
    ),
    context(`${escapeMrkdwn(o.scope)}${o.warnings.length ? ` · :warning: ${o.warnings.length} list${o.warnings.length === 1 ? '' : 's'} to check below` : ''}`),
    { type: 'divider' },
    header('Your recent lookups'),
    ...sections(recentLines(o)),
    { type: 'divider' },
    header('Alerts in your channels'),
    ...sections(channelLines(o)),
    { type: 'divider' },
    header('Lists and freshness'),
    ...sections(listLines(o)),
    { type: 'divider' },
    header(`Latest changes (last ${o.days} days)`),
  ];
  if (o.events.length) {
    const rendered = renderReply({ blocks: [{ type: 'events', events: o.events, more: Math.max(0, o.totalEvents - o.events.length) }], summary: '' }, { share: false, details: false });
    blocks.push(...rendered.blocks.filter((b) => b.type !== 'actions'));
  } else {
    blocks.push(section(`_No list changes in the last ${o.days} days._`));
  }
  blocks.push(context(`More: \`${escapeText(command)} recent\` · \`${escapeText(command)} lists\` · \`${escapeText(command)} status\``));
  if (blocks.length > HOME_LIMITS.blocks) {
    blocks.length = HOME_LIMITS.blocks - 1;
    blocks.push(context('Shortened to fit the Home tab.'));
  }
  return { type: 'home', blocks };
}

// ------------------------------------------------------------------------------------------------ the search modal

const SIDE_OPTIONS = [
  { value: 'us', text: "US lists (Washington's)" },
  { value: 'cn', text: "Chinese lists (Beijing's)" },
];

export function searchModal(): types.ModalView {
  const option = (value: string, text: string): types.PlainTextOption => ({ text: plain(text, HOME_LIMITS.optionText), value });
  return {
    type: 'modal',
    callback_id: SEARCH_CALLBACK,
    title: plain('Screen a name', HOME_LIMITS.modalTitle),
    submit: plain('Screen', HOME_LIMITS.buttonText),
    close: plain('Close', HOME_LIMITS.buttonText),
    blocks: [
      {
        type: 'input',
        block_id: SEARCH_FIELDS.name,
        label: plain('Company or person', 2000),
        element: { type: 'plain_text_input', action_id: 'value', max_length: MAX_QUERY_CHARS, placeholder: plain('e.g. Hikvision, 华为技术, SZ DJI Technology Co., Ltd.', 150) },
      },
      {
        type: 'input',
        block_id: SEARCH_FIELDS.list,
        optional: true,
        label: plain('Only this list', 2000),
        element: { type: 'static_select', action_id: 'value', placeholder: plain('Every list', 150), options: LIST_CODES.map((c) => option(c, `${c} (${listInfo(c).short})`)) },
      },
      {
        type: 'input',
        block_id: SEARCH_FIELDS.side,
        optional: true,
        label: plain('Only one side', 2000),
        element: { type: 'radio_buttons', action_id: 'value', options: SIDE_OPTIONS.map((s) => option(s.value, s.text)) },
      },
    ],
  };
}

/** What the modal's submission carries, validated: a name, an optional list code and side. */
const SearchInput = z.object({
  name: z.string().trim().min(1, 'Type a company or person to screen.').max(MAX_QUERY_CHARS, `At most ${MAX_QUERY_CHARS} characters.`),
  list: z.enum(LIST_CODES).optional(),
  side: z.enum(['us', 'cn']).optional(),
});

type StateValues = Record<string, Record<string, { value?: string | null; selected_option?: { value: string } | null }>>;

/** The submission's values, or the errors Slack shows under each field (response_action "errors"). */
export function readSearch(values: StateValues): { ok: true; name: string; list?: ListCode; side?: 'us' | 'cn' } | { ok: false; errors: Record<string, string> } {
  const raw = {
    name: values[SEARCH_FIELDS.name]?.value?.value ?? '',
    list: values[SEARCH_FIELDS.list]?.value?.selected_option?.value ?? undefined,
    side: values[SEARCH_FIELDS.side]?.value?.selected_option?.value ?? undefined,
  };
  const parsed = SearchInput.safeParse(raw);
  if (parsed.success) return { ok: true, ...parsed.data };
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as keyof typeof SEARCH_FIELDS;
    errors[SEARCH_FIELDS[field] ?? SEARCH_FIELDS.name] ??= field === 'name' ? issue.message : `Not one of the choices (${issue.message}).`;
  }
  return { ok: false, errors };
}

export function resultModal(blocks: KnownBlock[]): types.ModalView {
  const room = HOME_LIMITS.blocks - 1;
  return {
    type: 'modal',
    callback_id: `${SEARCH_CALLBACK}_result`,
    title: plain('Screening result', HOME_LIMITS.modalTitle),
    close: plain('Done', HOME_LIMITS.buttonText),
    blocks: [...blocks.slice(0, room), context('Only you see this. To share an answer, use `/sanctions &lt;name&gt;` in the channel and press Share.')],
  };
}

// ------------------------------------------------------------------------------------------------ wiring

export interface HomeOptions {
  data: () => DataHandle;
  audit: boolean;
  log: BaseLogger;
  platform: PlatformDescription;
  command?: string;
  /** The shared store (DATABASE_URL): searches are audited in its trail. */
  shared?: SharedCommandStore;
}

/** The channels a person is in, among those with alerts (undefined when Slack will not say). Bounded. */
async function channelsOf(client: webApi.WebClient, user: string, wanted: ReadonlySet<string>, log: BaseLogger): Promise<Set<string> | undefined> {
  const found = new Set<string>();
  if (!wanted.size) return found;
  let cursor: string | undefined;
  try {
    for (let page = 0; page < MEMBERSHIP_PAGES; page++) {
      const answer = await client.users.conversations({ user, types: 'public_channel,private_channel', exclude_archived: true, limit: 200, ...(cursor ? { cursor } : {}) });
      for (const c of answer.channels ?? []) if (c.id && wanted.has(c.id)) found.add(c.id);
      cursor = answer.response_metadata?.next_cursor || undefined;
      if (!cursor || found.size === wanted.size) break;
    }
    return found;
  } catch (err) {
    log.warn({ err: (err as { data?: { error?: string } }).data?.error ?? (err as Error).message, user }, 'slack: users.conversations failed: the Home shows no channels');
    return undefined;
  }
}

/** How long a person's channels are trusted: opening the Home tab again within a minute asks Slack nothing. */
const MEMBERSHIP_CACHE_MS = 60_000;

export function registerHome(app: App, options: HomeOptions): void {
  const memberships = new Map<string, { until: number; channels: Set<string>; wanted: string }>();

  async function publish(client: webApi.WebClient, user: string): Promise<void> {
    const db = options.data().db;
    // With a shared store, the channels and the person's lookups are its (every host's), not the local file's.
    const from = options.shared ? await sharedHomeParts(options.shared, 'slack', user) : undefined;
    const wanted = new Set((from?.channels ?? subscribedChannels(db, 'slack')).map((s) => s.channel));
    const key = [...wanted].join(',');
    const cached = memberships.get(user);
    let memberOf = cached && cached.until > Date.now() && cached.wanted === key ? cached.channels : undefined;
    if (!memberOf) {
      memberOf = await channelsOf(client, user, wanted, options.log);
      if (memberOf) memberships.set(user, { until: Date.now() + MEMBERSHIP_CACHE_MS, channels: memberOf, wanted: key });
      if (memberships.size > 5000) memberships.delete(memberships.keys().next().value!);
    }
    const view = homeView(homeOverview(db, { platform: 'slack', user, ...(memberOf ? { memberOf } : {}), ...(from ? { from } : {}) }), { command: options.command });
    await client.views.publish({ user_id: user, view });
  }

  app.event('app_home_opened', async ({ event, client }) => {
    if (event.tab !== 'home') return;
    try {
      await publish(client, event.user);
    } catch (err) {
      options.log.error({ err: (err as Error).message, user: event.user }, 'slack: publishing the Home failed');
    }
  });

  app.action<BlockAction<ButtonAction>>(HOME_ACTIONS.search, async ({ ack, body, client }) => {
    await ack();
    try {
      await client.views.open({ trigger_id: body.trigger_id, view: searchModal() });
    } catch (err) {
      options.log.error({ err: (err as Error).message, user: body.user.id }, 'slack: opening the search modal failed');
    }
  });

  app.view<ViewSubmitAction>(SEARCH_CALLBACK, async ({ ack, body, view, client }) => {
    const input = readSearch(view.state.values as StateValues);
    if (!input.ok) {
      await ack({ response_action: 'errors', errors: input.errors });
      return;
    }
    const data = options.data();
    let blocks: KnownBlock[];
    try {
      const reply = await dispatchCommand(
        { name: 'lookup', query: input.name, page: 1, ...(input.list ? { lists: [input.list] } : {}), ...(input.side ? { side: input.side } : {}) },
        { db: data.db, platform: 'slack', channel: 'home', user: body.user.id, place: body.team?.id ?? body.user.team_id, canManage: false, audit: options.audit, notice: data.notice, seed: data.seed, platformInfo: options.platform, ...(options.shared ? { shared: options.shared } : {}) },
      );
      // No buttons in a modal: More and Share belong to a channel's answer.
      blocks = renderReply({ ...reply, blocks: reply.blocks.filter((b) => b.type !== 'actions') }, { share: false, details: false, command: options.command }).blocks;
    } catch (err) {
      options.log.error({ err: (err as Error).message, user: body.user.id }, 'slack: a Home search failed');
      blocks = [section('Sorry, that search failed. It has been logged; please try again in a moment.')];
    }
    await ack({ response_action: 'update', view: resultModal(blocks) });
    // The lookup is now among the person's recent ones (once the shared trail has it).
    if (options.shared) await settleSharedAudits();
    await publish(client, body.user.id).catch((err: unknown) => options.log.warn({ err: (err as Error).message }, 'slack: refreshing the Home failed'));
  });
}
