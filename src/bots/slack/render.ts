/**
 * Reply -> Block Kit blocks and a fallback text, within Slack's limits (header text 150 characters, section
 * text 3000, 10 fields of 2000, 50 blocks, button value 2000), with every piece of data escaped.
 *
 * Everything in a Reply is plain text (names from the lists, queries people typed): `&`, `<` and `>` are
 * always escaped, so `<!channel>`, `<!here>`, `<@U123>` or `<https://evil|click>` from data or queries can
 * never become a mention or a link; mrkdwn text objects are `verbatim` (no automatic linking of bare names or
 * URLs); and the formatting characters `*` `_` `~` `` ` `` in data become look-alikes, so a name cannot
 * bold, strike or code-format the rest of the card. Only http(s) URLs without `|`, `<`, `>` or spaces are
 * linked; anything else is shown as text.
 */
import type { types } from '@slack/bolt';
import type { Action, Block, Reply } from '../../core/commands/reply';
import { listInfo } from '../../core/lists';
import { eventDateText, sincePhrase } from '../../core/designation-dates';
import { ACTION_WORDS, alertDates, programsText, typeWord, type AlertFacts } from '../../core/alerts/facts';
import { handledTime } from '../../core/alerts/digest';
import { ruleText } from '../../core/designation-fr';
import { historyText } from '../../core/designation-history';
import { detailNotes } from '../../core/designation-lines';
import { matchExplanation, standingText, type LookupDesignation, type LookupResult } from '../../core/lookup';
import { table } from '../../cli/table';

type KnownBlock = types.KnownBlock;
type SectionBlock = types.SectionBlock;
type Button = types.Button;

export const LIMITS = {
  header: 150,
  section: 3000,
  field: 2000,
  fields: 10,
  blocks: 50,
  contextElements: 10,
  buttonText: 75,
  buttonValue: 2000,
  /** The fallback `text`: Slack allows far more, but it is a notification line. */
  text: 3000,
} as const;

export const ACTION_IDS = { more: 'sanctions_more', details: 'sanctions_details', share: 'sanctions_share', page: 'sanctions_page', ack: 'sanctions_ack' } as const;

/** Aliases shown on a card (all of them, up to the section limit, in the details view). */
const CARD_ALIASES = 5;

export interface RenderOptions {
  /** Offer "Share in channel" (off where the answer is already public: threads, DMs, shared cards, alerts). */
  share?: boolean;
  /** A "Details" button on each party (off in the details view itself). */
  details?: boolean;
  /** Every alias instead of a few (the details view). */
  allAliases?: boolean;
  /** The details view: each designation's notes too (licence requirement, footnotes explained, measures). */
  detailed?: boolean;
  /** The Slack user who shared the answer into the channel: "Shared by <@U…>" on top. */
  sharedBy?: string;
  /** The slash command commands are typed with, in hints (default /sanctions). */
  command?: string;
}

const DEFAULT_SLASH = '/sanctions';

/** How a line of the grammar is typed on Slack: the slash command, then the line as it is. */
export function slackSyntax(line: string, command = DEFAULT_SLASH): string {
  return `${command} ${line}`;
}

export interface SlackMessage {
  blocks: KnownBlock[];
  /** The fallback shown in notifications and by screen readers. */
  text: string;
}

/** Escape Slack's control characters `&`, `<` and `>` (all that Slack decodes back). */
export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Look-alikes for mrkdwn's formatting characters, so data text stays literal. */
const FORMATTING: Record<string, string> = { '*': '\u2217', _: '\u02cd', '~': '\u223c', '`': '\u02cb' };

/** Data text for mrkdwn: escaped, and unable to format what follows it. */
export function escapeMrkdwn(text: string): string {
  return escapeText(text).replace(/[*_~`]/g, (c) => FORMATTING[c]!);
}

/** A URL that may be linked: http(s) only, and nothing that could end or split Slack's `<url|label>`. */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  const trimmed = url.trim();
  if (!/^https?:\/\/[^\s<>|]+$/i.test(trimmed)) return undefined;
  try {
    const parsed = new URL(trimmed);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  } catch {
    return undefined;
  }
  return trimmed;
}

/** `<url|label>` when the URL is safe, else the label as text (the label is data: escaped). */
export function link(url: string | undefined, label: string): string {
  const safe = safeUrl(url);
  const text = escapeMrkdwn(label);
  return safe ? `<${safe.replace(/&/g, '&amp;')}|${text}>` : text;
}

/** Cut to `max` characters without leaving half an entity, an open link or a lone surrogate. */
export function truncate(text: string, max: number, ellipsis = '…'): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - ellipsis.length));
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  cut = cut.replace(/&[#a-z0-9]{0,5}$/i, '');
  const open = cut.lastIndexOf('<');
  if (open > cut.lastIndexOf('>')) cut = cut.slice(0, open);
  return cut + ellipsis;
}

const plain = (text: string, max: number): types.PlainTextElement => ({ type: 'plain_text', text: truncate(escapeText(text), max) || ' ', emoji: true });
const mrkdwn = (text: string): types.MrkdwnElement => ({ type: 'mrkdwn', text: truncate(text, LIMITS.section) || ' ', verbatim: true });
const section = (text: string, accessory?: Button): SectionBlock => ({ type: 'section', text: mrkdwn(text), ...(accessory ? { accessory } : {}) });
const context = (...texts: string[]): types.ContextBlock => ({ type: 'context', elements: texts.slice(0, LIMITS.contextElements).map(mrkdwn) });

/** Lines (already mrkdwn) packed into as few sections as the 3000-character limit allows. */
function sections(lines: string[], max = LIMITS.section): SectionBlock[] {
  const out: SectionBlock[] = [];
  let current = '';
  for (const raw of lines) {
    const line = truncate(raw, max);
    if (current && current.length + 1 + line.length > max) {
      out.push(section(current));
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) out.push(section(current));
  return out;
}

/**
 * A button whose value is a command line. The value is never shown, but it is escaped all the same (and
 * decoded by the action handler with `decodeSlackEntities`), so no outgoing body carries a raw `<!...>`.
 */
function button(id: keyof typeof ACTION_IDS, label: string, value: string, style?: 'primary'): Button | undefined {
  const escaped = escapeText(value);
  if (!escaped || escaped.length > LIMITS.buttonValue) return undefined;
  return { type: 'button', action_id: ACTION_IDS[id], text: plain(label, LIMITS.buttonText), value: escaped, ...(style ? { style } : {}) };
}

const SLACK_USER = /^[UW][A-Z0-9]{2,}$/;

export function renderReply(reply: Reply, options: RenderOptions = {}): SlackMessage {
  const opts: Required<Omit<RenderOptions, 'sharedBy'>> & Pick<RenderOptions, 'sharedBy'> = { share: true, details: true, allAliases: false, detailed: false, command: DEFAULT_SLASH, ...options };
  const top: KnownBlock[] = [];
  if (opts.sharedBy && SLACK_USER.test(opts.sharedBy)) top.push(context(`Shared by <@${opts.sharedBy}>`));
  if (reply.notice) top.push(context(`:warning: ${escapeMrkdwn(reply.notice)}`));

  const body: KnownBlock[] = [];
  let actions: types.ActionsBlock | undefined;
  let reviewLabelled = false;
  reply.blocks.forEach((block, i) => {
    const next = reply.blocks[i + 1];
    // The core's line that introduces the review band becomes the band's own label, set apart.
    if (block.type === 'text' && next?.type === 'party' && next.band === 'review' && !reviewLabelled) {
      body.push({ type: 'divider' }, context(`:grey_question: ${escapeMrkdwn(block.text.replace(/:\s*$/, ''))}`));
      reviewLabelled = true;
      return;
    }
    if (block.type === 'party' && block.band === 'review' && !reviewLabelled) {
      body.push({ type: 'divider' }, context(':grey_question: Below the match threshold, worth a review'));
      reviewLabelled = true;
    }
    if (block.type === 'actions') {
      const buttons = block.actions.flatMap((a) => actionButton(a, opts));
      if (buttons.length) actions = { type: 'actions', elements: buttons.slice(0, 25) };
      return;
    }
    body.push(...renderBlock(block, opts));
  });

  // At most 50 blocks: keep the top and the buttons, shorten the middle and say so.
  const room = LIMITS.blocks - top.length - (actions ? 1 : 0);
  let middle = body;
  if (body.length > room) {
    middle = body.slice(0, room - 1);
    if (middle.at(-1)?.type === 'divider') middle.pop();
    middle.push(context(`Shortened to fit one Slack message (${body.length - middle.length} more parts not shown): narrow the question with list:/side:, or use Details.`));
  }
  const blocks = [...top, ...middle, ...(actions ? [actions] : [])];
  return { blocks, text: truncate(escapeMrkdwn(reply.summary || 'Sanctions screening'), LIMITS.text) };
}

function actionButton(action: Action, opts: RenderOptions): Button[] {
  if (action.id === 'share' && !opts.share) return [];
  const b = button(action.id, action.label, action.value, action.id === 'more' || action.id === 'page' ? 'primary' : undefined);
  return b ? [b] : [];
}

function renderBlock(block: Exclude<Block, { type: 'actions' }>, opts: RenderOptions): KnownBlock[] {
  switch (block.type) {
    case 'heading':
      return [{ type: 'header', text: plain(block.text, LIMITS.header) }];
    case 'text':
      return sections(block.text.split('\n').map(escapeMrkdwn));
    case 'fields': {
      const out: KnownBlock[] = [];
      for (let i = 0; i < block.fields.length; i += LIMITS.fields) {
        const fields = block.fields.slice(i, i + LIMITS.fields).map((f) => mrkdwn(truncate(`*${escapeMrkdwn(f.label)}*\n${escapeMrkdwn(f.value)}`, LIMITS.field)));
        out.push({ type: 'section', fields });
      }
      return out;
    }
    case 'table':
      return codeSections(table(block.headers, block.rows).split('\n'));
    case 'party':
      return renderParty(block.party, block.band, opts);
    case 'events':
      return eventBlocks(block);
    case 'handled': {
      const who = SLACK_USER.test(block.user) ? `<@${block.user}>` : escapeMrkdwn(block.name ?? block.user);
      return [context(`:white_check_mark: Handled by ${who} at ${escapeMrkdwn(handledTime(block.at))}`)];
    }
    case 'hint':
      return sections([`${escapeMrkdwn(block.text)} \`${escapeText(slackSyntax(block.line, opts.command).replace(/`/g, "'"))}\``]);
  }
}

/** Monospaced rows in ``` fences, split over sections; inside code only &, <, > need escaping. */
function codeSections(rows: string[]): KnownBlock[] {
  const fence = '```';
  const budget = LIMITS.section - 2 * fence.length - 2;
  const chunks: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const row of rows.map((r) => truncate(escapeText(r), budget))) {
    if (current.length && size + row.length + 1 > budget) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(row);
    size += row.length + 1;
  }
  if (current.length) chunks.push(current);
  return chunks.map((c) => section(`${fence}\n${c.join('\n')}\n${fence}`));
}

function designationLine(d: LookupDesignation): string {
  const info = listInfo(d.list);
  const name = `*${info.short}*${info.nameZh ? ` ${info.nameZh}` : ''} (${d.list})`;
  // Dates say what they are: "since 2023-02-24 (effective)", "listed 2024-01-31 (published)".
  const since = sincePhrase(d);
  const listed = sincePhrase(d, 'listed');
  const when =
    d.status === 'active'
      ? `in force${since ? ` ${since}` : ''}`
      : d.status === 'suspended'
        ? `:double_vertical_bar: suspended${d.until ? ` until ${d.until}` : ''}${listed ? ` (${listed})` : ''}`
        : `removed${d.until ? ` ${d.until}` : ''}${listed ? ` (${listed})` : ''}`;
  const notice = d.citation ? link(d.url, d.citation) : safeUrl(d.url) ? link(d.url, 'notice') : '';
  const programs = d.programs?.length ? ` · ${escapeMrkdwn(d.programs.slice(0, 4).join(', '))}` : '';
  const history = historyText(d.history);
  const rule = ruleText(d);
  return `• ${name}: ${escapeMrkdwn(when)}${notice ? ` · ${notice}` : ''}${programs}${history ? `\n   _${escapeMrkdwn(history)}_` : ''}${rule ? `\n   _${escapeMrkdwn(rule)}_` : ''}`;
}

function renderParty(p: LookupResult, band: 'match' | 'review', opts: RenderOptions): KnownBlock[] {
  const kind = [p.type === 'unknown' ? '' : p.type, p.countries.join(' ')].filter(Boolean).join(' · ');
  // The red match marker only for a party with a designation in force; a delisted or suspended one is grey and says so.
  const title =
    band === 'review'
      ? `:grey_question: ${escapeMrkdwn(p.name)}`
      : p.standing === 'listed'
        ? `:red_circle: *${escapeMrkdwn(p.name)}*`
        : `:white_circle: *${escapeMrkdwn(p.name)}* · _${escapeMrkdwn(standingText(p))}_`;
  const head = `${title}${kind ? `  _${escapeMrkdwn(kind)}_` : ''}`;
  // Active first, as the core orders them; lines that do not fit are counted, not cut mid-way.
  const lines = [head];
  let used = head.length;
  let hidden = 0;
  for (const d of p.designations) {
    const line = designationLine(d);
    if (used + line.length + 1 > LIMITS.section - 60) hidden++;
    else {
      lines.push(line);
      used += line.length + 1;
    }
  }
  if (hidden) lines.push(`_+${hidden} more designation${hidden === 1 ? '' : 's'}: see Details_`);
  const details = opts.details ? button('details', 'Details', `details ${p.id}`) : undefined;
  const how = matchExplanation(p.match);
  const facts = [`Matched “${escapeMrkdwn(p.match.name)}” (${escapeMrkdwn(how)}), score ${p.score.toFixed(2)}`, `id ${escapeMrkdwn(p.id)}`];
  const shown = opts.allAliases ? p.aliases : p.aliases.slice(0, CARD_ALIASES);
  const aliases = shown.length
    ? truncate(`Also known as: ${shown.map(escapeMrkdwn).join('; ')}${p.aliases.length > shown.length ? `; +${p.aliases.length - shown.length} more` : ''}`, LIMITS.section)
    : '';
  // The details view says what each listing requires: its notes, footnote explanations kept whole.
  const notes = opts.detailed
    ? p.designations
        .flatMap((d) => {
          const text = detailNotes(d.notes, LIMITS.section - 200);
          return text ? [section(`*${escapeMrkdwn(listInfo(d.list).short)}* (${d.list}) notes:\n${escapeMrkdwn(text)}`)] : [];
        })
        .slice(0, DETAIL_NOTES)
    : [];
  return [section(lines.join('\n'), details), context(facts.join(' · '), ...(aliases ? [aliases] : [])), ...notes];
}

/** Notes sections on one party's details view (Slack allows 50 blocks a message). */
const DETAIL_NOTES = 12;

const MARK: Record<string, string> = { added: ':small_red_triangle:', removed: ':heavy_minus_sign:', changed: ':pencil2:', suspended: ':double_vertical_bar:' };

function renderEvents(events: Extract<Block, { type: 'events' }>['events'], more: number): KnownBlock[] {
  const lines = events.map((e) => {
    const d = e.detail;
    const extra = [
      d.until ? `until ${String(d.until)}` : '',
      e.kind === 'added' ? (eventDateText(d) ?? '') : '',
      Array.isArray(d.fields) ? `fields: ${d.fields.map(String).join(', ')}` : '',
      (e as { watch?: string }).watch ? `watch term “${(e as { watch?: string }).watch}”` : '',
      e.retaliation ? `China, ${listInfo(e.list).issuer}` : '',
    ].filter(Boolean);
    const citation = d.citation ? link(typeof d.url === 'string' ? d.url : undefined, String(d.citation)) : '';
    return `${MARK[e.kind] ?? '•'} ${e.at.slice(0, 10)} *${escapeMrkdwn(e.name)}* ${escapeMrkdwn(e.kind)} · ${escapeMrkdwn(listInfo(e.list).short)} (${e.list})${extra.length ? ` · ${escapeMrkdwn(extra.join(' · '))}` : ''}${citation ? ` · ${citation}` : ''}`;
  });
  const out: KnownBlock[] = sections(lines);
  if (more > 0) out.push(context(`… and ${more} more.`));
  // One event (a single alert): a Details button for its party.
  const only = events.length === 1 ? (events[0] as { partyId?: unknown }).partyId : undefined;
  const details = typeof only === 'number' ? button('details', 'Details', `details p${only}`) : undefined;
  if (details && out[0]?.type === 'section') (out[0] as SectionBlock).accessory = details;
  return out;
}

/** One alert line in mrkdwn: party, type, country, list, what happened, dates, program, citation (linked), issuer. */
export function alertLineMrkdwn(e: { list: Parameters<typeof listInfo>[0]; kind: string; watch?: string }, f: AlertFacts): string {
  const info = listInfo(e.list);
  const kind = [typeWord(f.type), f.countries.join(' ')].filter(Boolean).join(' · ');
  const what = `${ACTION_WORDS[f.action]} *${escapeMrkdwn(info.short)}*${info.nameZh ? ` ${info.nameZh}` : ''} (${e.list})${f.fields?.length ? `: ${escapeMrkdwn(f.fields.join(', '))}` : ''}`;
  const facts = [
    f.listedAs ? `listed as ${f.listedAs}` : '',
    f.previousName ? `was ${f.previousName}` : '',
    ...alertDates(f),
    programsText(f.programs, 4),
    f.retaliation ? `China, ${f.issuer}` : '',
    e.watch ? `watch term “${e.watch}”` : '',
  ].filter(Boolean);
  const notice = f.citation ? link(f.url, f.citation) : safeUrl(f.url) ? link(f.url, 'official entry') : '';
  return `${MARK[f.action === 'relisted' ? 'added' : f.action === 'resumed' ? 'changed' : f.action] ?? '•'} *${escapeMrkdwn(f.party)}* _${escapeMrkdwn(kind)}_ ${what}${facts.length ? ` · ${escapeMrkdwn(facts.join(' · '))}` : ''}${notice ? ` · ${notice}` : ''}`;
}

/** Alert lines: one section each, with a Details button for its party. */
/**
 * An events block's Slack blocks, made once per block: a digest's block is one object shared by every channel that
 * hears it (outbox-payload.ts keeps the parsed body), so 5,000 channels cost one rendering. The blocks are shared
 * between messages and must not be changed (copied where a message needs its own).
 */
const renderedEvents = new WeakMap<object, readonly KnownBlock[]>();

function eventBlocks(block: Extract<Block, { type: 'events' }>): KnownBlock[] {
  let out = renderedEvents.get(block);
  if (!out) renderedEvents.set(block, (out = block.events.every((e) => e.facts) ? renderAlertEvents(block.events, block.more) : renderEvents(block.events, block.more)));
  return [...out];
}

function renderAlertEvents(events: Extract<Block, { type: 'events' }>['events'], more: number): KnownBlock[] {
  const out: KnownBlock[] = events.map((e) => section(alertLineMrkdwn(e, e.facts!), button('details', 'Details', `details ${e.facts!.partyId}`)));
  if (more > 0) out.push(context(`… and ${more} more of this kind: in the attached files and under Show all.`));
  return out;
}

/**
 * Slack message text (a mention or a DM) -> plain text for the command layer: mentions and channel links
 * dropped, `<url|label>` -> label, then Slack's `&amp;`, `&lt;`, `&gt;` decoded.
 */
export function fromSlackText(text: string): string {
  return text
    .replace(/<[@#!][^<>]*>/g, ' ')
    .replace(/<(?:https?|mailto|tel):[^<>|]*\|([^<>]*)>/gi, '$1')
    .replace(/<((?:https?|mailto|tel):[^<>|]*)>/gi, '$1')
    .replace(/&(lt|gt|amp);/g, (_, e: string) => ENTITIES[e]!)
    .replace(/\s+/g, ' ')
    .trim();
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&' };

/** Slack's `&amp;`, `&lt;`, `&gt;` in what people typed (a slash command's text) decoded, nothing else touched. */
export function decodeSlackEntities(text: string): string {
  return text.replace(/&(lt|gt|amp);/g, (_, e: string) => ENTITIES[e]!);
}
