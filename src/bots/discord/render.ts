/**
 * Reply -> a Discord message: content (the notice and the heading), one embed per party (review-band parties
 * apart, in amber), info embeds for fields, tables and change events, and buttons (More results, Details per
 * party, Share). Everything from data is escaped (markdown, and mentions neutralised); the adapters add
 * `allowedMentions: { parse: [] }` to every message on top. Discord's limits are kept here, with a note when
 * something had to be cut: content 2000, title 256, description 4096, 25 fields of 1024, 6000 in all, 10 embeds.
 */
import { ButtonStyle, ComponentType, escapeMarkdown, type APIActionRowComponent, type APIButtonComponentWithCustomId, type APIEmbed, type APIEmbedField } from 'discord.js';
import type { Action, Block, Reply } from '../../core/commands/reply';
import { listInfo } from '../../core/lists';
import { eventDateText, sincePhrase } from '../../core/designation-dates';
import { ACTION_WORDS, alertDates, programsText, typeWord, type AlertFacts } from '../../core/alerts/facts';
import { handledTime } from '../../core/alerts/digest';
import { ruleText } from '../../core/designation-fr';
import { historyText } from '../../core/designation-history';
import { detailNotes } from '../../core/designation-lines';
import { matchExplanation, standingText, type LookupDesignation, type LookupResult } from '../../core/lookup';
import type { ButtonStore } from './buttons';
import { discordSyntax } from './commands';

export const LIMITS = {
  content: 2000,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  total: 6000,
  embeds: 10,
  buttonLabel: 80,
  buttonsPerRow: 5,
  rows: 5,
  choiceName: 100,
} as const;

export const COLOURS = { match: 0xc0392b, review: 0xe67e22, removed: 0x95a5a6, info: 0x5865f2, added: 0xc0392b } as const;

export type ButtonRow = APIActionRowComponent<APIButtonComponentWithCustomId>;

export interface RenderedMessage {
  content?: string;
  embeds: APIEmbed[];
  components: ButtonRow[];
}

export interface RenderOptions {
  /** Where button values are kept; without it the message has no buttons (alerts). */
  buttons?: ButtonStore;
  /** A "Share in channel" button (only on answers that only the asker sees). */
  share?: boolean;
  /** A "Details" button per party (not on a Details card itself). */
  details?: boolean;
  /** The Details view: every alias, authority and notes. */
  detailed?: boolean;
}

// ---------------------------------------------------------------------------------------------- escaping

const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g;

/** Break every mention: `@everyone`, `@here`, `<@123>`, `<@&123>` never form one (a zero-width space follows each @). */
export function neutraliseMentions(text: string): string {
  return text.replace(/@/g, '@\u200b');
}

/** Data text for places that render markdown (content, titles, descriptions, field names and values). */
export function escapeText(text: string): string {
  const md = escapeMarkdown(text.replace(CONTROL, ''), { heading: true, bulletedList: true, numberedList: true, maskedLink: true });
  // `<` starts user, role and channel mentions, slash-command, emoji and timestamp tags: escaped, and a tag's
  // second character pushed away by a zero-width space; `>` and `-#` start quotes and subtext.
  const tags = md.replace(/<(?=[#/:]|a:|t:)/g, '<\u200b').replace(/</g, '\\<').replace(/\]/g, '\\]');
  return neutraliseMentions(tags.replace(/^(\s*)(>|-#)/gm, '$1\\$2'));
}

/** Data text for places that show text as it is (footers, author names, button labels, autocomplete choices). */
export function plainText(text: string): string {
  return neutraliseMentions(text.replace(CONTROL, '').replace(/\s+/g, ' ').trim());
}

/** Cut to `max` characters with an ellipsis, never in the middle of a surrogate pair or after a lone backslash. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return max === 1 ? '…' : '';
  let cut = text.slice(0, max - 1);
  if (/[\ud800-\udbff]$/.test(cut)) cut = cut.slice(0, -1);
  cut = cut.replace(/\\+$/, '');
  return `${cut}…`;
}

/** An http(s) URL safe inside `[text](url)`, or undefined. */
function linkable(url: string | undefined): string | undefined {
  if (!url || url.length > 512) return undefined;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
    return parsed.href.replace(/[()<>\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  } catch {
    return undefined;
  }
}

// ------------------------------------------------------------------------------------------------ sizes

export function embedSize(e: APIEmbed): number {
  return (
    (e.title?.length ?? 0) +
    (e.description?.length ?? 0) +
    (e.footer?.text.length ?? 0) +
    (e.author?.name.length ?? 0) +
    (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0)
  );
}

export function messageSize(m: Pick<RenderedMessage, 'embeds'>): number {
  return m.embeds.reduce((n, e) => n + embedSize(e), 0);
}

// ------------------------------------------------------------------------------------------------ parties

function statusText(d: LookupDesignation): string {
  if (d.status === 'suspended') return d.until ? `suspended until ${d.until}` : 'suspended';
  if (d.status === 'removed') return d.until ? `removed ${d.until}` : 'removed';
  return 'active';
}

function designationField(d: LookupDesignation, detailed: boolean): APIEmbedField {
  const name = truncate(escapeText(`${d.list} · ${listInfo(d.list).short} · ${statusText(d)}`), LIMITS.fieldName);
  const lines: string[] = [];
  const dates = [sincePhrase(d) ?? '', d.until && d.status === 'active' ? `until ${d.until}` : ''].filter(Boolean).join(' · ');
  if (dates) lines.push(dates);
  if (d.programs?.length) lines.push(escapeText(truncate(d.programs.join(', '), 200)));
  const history = historyText(d.history);
  if (history) lines.push(escapeText(truncate(history, 300)));
  const rule = ruleText(d);
  if (rule) lines.push(escapeText(truncate(rule, 200)));
  if (detailed && d.authority) lines.push(escapeText(truncate(d.authority, 200)));
  // Footnote explanations whole: they say what the stray digit in an Entity List licence text means.
  const notes = detailed ? detailNotes(d.notes, 600) : undefined;
  if (notes) lines.push(escapeText(notes));
  const url = linkable(d.url);
  const citation = d.citation ? escapeText(truncate(d.citation, 200)) : undefined;
  if (url) lines.push(`[${citation ?? 'official notice'}](${url})`);
  else if (citation) lines.push(citation);
  return { name, value: truncate(lines.join('\n') || '—', LIMITS.fieldValue) };
}

const moreHints = new WeakMap<APIEmbed, string>();

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function partyEmbed(p: LookupResult, band: 'match' | 'review', detailed: boolean): APIEmbed {
  const review = band === 'review';
  const inactive = p.standing !== 'listed';
  const how = matchExplanation(p.match);
  const lines = [
    `**Matched:** ${escapeText(how)} on “${escapeText(p.match.name)}” · score ${p.score.toFixed(2)}`,
    `**Type:** ${escapeText(p.type)}${p.countries.length ? ` · ${escapeText(p.countries.join(', '))}` : ''}`,
  ];
  if (p.aliases.length) {
    const shown = detailed ? p.aliases : p.aliases.slice(0, 8);
    const rest = p.aliases.length - shown.length;
    lines.push(`**Also known as:** ${shown.map(escapeText).join('; ')}${rest > 0 ? `; +${rest} more` : ''}`);
  }
  if (inactive) lines.push(`**${escapeText(capitalised(standingText(p)))}**${p.standing === 'delisted' ? ': every designation has been removed' : ''}.`);
  if (review) lines.push('_Below the match threshold: worth a look, not a match._');
  const fields = p.designations.map((d) => designationField(d, detailed));
  const embed: APIEmbed = {
    title: truncate(escapeText(inactive && !review ? `${p.name} (${p.standing === 'delisted' ? 'no longer listed' : 'suspended'})` : p.name), LIMITS.title),
    description: truncate(lines.join('\n'), LIMITS.description),
    color: review ? COLOURS.review : inactive ? COLOURS.removed : COLOURS.match,
    fields: fields.length > LIMITS.fields ? [...fields.slice(0, LIMITS.fields - 1), { name: `+${fields.length - LIMITS.fields + 1} more designations`, value: 'Use Details for all of them.' }] : fields,
    footer: { text: plainText(`${p.id}${p.countries.length ? ` · ${p.countries.join(' ')}` : ''}`) },
    ...(review ? { author: { name: 'Review: below the match threshold' } } : {}),
  };
  moreHints.set(embed, 'Use Details for all of them.');
  return embed;
}

// ------------------------------------------------------------------------------------------------ other blocks

const MARK: Record<string, string> = { added: '➕', removed: '➖', changed: '✏️', suspended: '⏸️' };

/** One alert line: party, type, country, list, what happened, dates, program, citation (linked), issuer. */
export function alertLineMarkdown(e: { list: Parameters<typeof listInfo>[0]; watch?: string }, f: AlertFacts): string {
  const info = listInfo(e.list);
  const kind = [typeWord(f.type), f.countries.join(' ')].filter(Boolean).join(' · ');
  const facts = [
    f.listedAs ? `listed as ${f.listedAs}` : '',
    f.fields?.length ? `fields: ${f.fields.join(', ')}` : '',
    ...alertDates(f),
    programsText(f.programs, 4),
    f.retaliation ? `China, ${f.issuer}` : '',
    e.watch ? `watch term “${e.watch}”` : '',
  ].filter(Boolean);
  const url = linkable(f.url);
  const citation = f.citation ? escapeText(truncate(f.citation, 200)) : undefined;
  const notice = url ? `[${citation ?? 'official entry'}](${url})` : (citation ?? '');
  const mark = MARK[f.action === 'relisted' ? 'added' : f.action === 'resumed' ? 'changed' : f.action] ?? '•';
  return `${mark} **${escapeText(truncate(f.party, 200))}** *${escapeText(kind)}* ${ACTION_WORDS[f.action]} ${escapeText(info.short)} \`${e.list}\`${facts.length ? ` · ${escapeText(facts.join(' · '))}` : ''}${notice ? ` · ${notice}` : ''}`;
}

/**
 * An alert's lines, made once per events block: a digest's block is one object shared by every channel that hears
 * it (outbox-payload.ts keeps the parsed body), so 5,000 channels cost one rendering, not 5,000. Read-only.
 */
const linesOfBlock = new WeakMap<object, readonly string[]>();

function eventLines(block: Extract<Block, { type: 'events' }>): string[] {
  let lines = linesOfBlock.get(block);
  if (!lines) linesOfBlock.set(block, (lines = renderEventLines(block)));
  return [...lines];
}

function renderEventLines(block: Extract<Block, { type: 'events' }>): string[] {
  if (block.events.every((e) => e.facts)) {
    const lines = block.events.map((e) => alertLineMarkdown(e, e.facts!));
    if (block.more > 0) lines.push(`… and ${block.more} more of this kind: in the attached files and under Show all.`);
    return lines;
  }
  const lines = block.events.map((e) => {
    const extra = [
      e.detail.until ? `until ${String(e.detail.until)}` : '',
      e.kind === 'added' ? (eventDateText(e.detail) ?? '') : '',
      e.detail.citation ? escapeText(truncate(String(e.detail.citation), 200)) : '',
      Array.isArray(e.detail.fields) ? `fields: ${escapeText(e.detail.fields.join(', '))}` : '',
      (e as { watch?: string }).watch ? `watch term “${escapeText((e as { watch?: string }).watch!)}”` : '',
      e.retaliation ? `China, ${escapeText(listInfo(e.list).issuer)}` : '',
    ].filter(Boolean);
    return `${MARK[e.kind] ?? '•'} ${e.at.slice(0, 10)} **${e.kind}** \`${e.list}\` ${escapeText(truncate(e.name, 300))}${extra.length ? ` (${extra.join(' · ')})` : ''}`;
  });
  if (block.more > 0) lines.push(`… and ${block.more} more.`);
  return lines;
}

function tableLines(block: Extract<Block, { type: 'table' }>): string[] {
  return block.rows.map((row) => {
    const [first = '', second = '', ...rest] = row;
    const extra = rest
      .map((v, i) => (v ? `${escapeText(block.headers[i + 2] ?? '')}: ${escapeText(v)}` : ''))
      .filter(Boolean)
      .join(' · ');
    return `**${escapeText(first)}** ${escapeText(second)}${extra ? ` · ${extra}` : ''}`;
  });
}

/** Add lines to a description, stopping (with a count of what was left out) at the limit. */
function appendLines(embed: APIEmbed, lines: string[]): void {
  const out = embed.description ? [embed.description] : [];
  let used = embed.description?.length ?? 0;
  for (let i = 0; i < lines.length; i++) {
    const line = truncate(lines[i]!, 1000);
    const note = `… and ${lines.length - i} more not shown.`;
    if (used + line.length + 1 > LIMITS.description - note.length - 1) {
      out.push(note);
      break;
    }
    out.push(line);
    used += line.length + 1;
  }
  embed.description = out.join('\n');
}

// ------------------------------------------------------------------------------------------------ fitting

function shrinkEmbed(e: APIEmbed, budget: number): void {
  const over = () => embedSize(e) - budget;
  if (over() <= 0) return;
  const hint = moreHints.get(e) ?? 'Not shown: the message size limit.';
  // Drop fields from the end first, counting them in one "+N more" field (folding in one already there).
  const fields = [...(e.fields ?? [])];
  let hidden = 0;
  const already = fields.at(-1)?.name.match(/^\+(\d+) more/);
  if (already) {
    hidden = Number(already[1]);
    fields.pop();
  }
  const withSummary = () => (hidden ? [...fields, { name: `+${hidden} more`, value: hint }] : fields);
  e.fields = withSummary();
  while (over() > 0 && fields.length > 1) {
    fields.pop();
    hidden++;
    e.fields = withSummary();
  }
  if (over() > 0 && e.description) e.description = truncate(e.description, Math.max(0, e.description.length - over())) || undefined;
  if (over() > 0) for (const f of e.fields) if (over() > 0) f.value = truncate(f.value, Math.max(1, f.value.length - over()));
  if (over() > 0) delete e.author;
  if (over() > 0) delete e.footer;
  if (over() > 0 && e.title) e.title = truncate(e.title, Math.max(1, e.title.length - over()));
  if (!e.fields.length) delete e.fields;
}

/** Share the 6000-character budget out: small embeds keep everything, large ones share what is left. */
function fitTotal(embeds: APIEmbed[], total: number): void {
  if (messageSize({ embeds }) <= total) return;
  const order = embeds.map((e, i) => ({ i, size: embedSize(e) })).sort((a, b) => a.size - b.size);
  let remaining = total;
  let left = embeds.length;
  for (const { i } of order) {
    const share = Math.floor(remaining / left);
    shrinkEmbed(embeds[i]!, share);
    remaining -= embedSize(embeds[i]!);
    left--;
  }
}

// ------------------------------------------------------------------------------------------------ the reply

export function renderReply(reply: Reply, options: RenderOptions = {}): RenderedMessage {
  const content: string[] = [];
  const embeds: APIEmbed[] = [];
  const parties = new Map<APIEmbed, LookupResult>();
  const actions: Action[] = [];
  const eventParties: Array<{ id: string; name: string }> = [];
  let info: APIEmbed | undefined;
  const newInfo = (title?: string): APIEmbed => {
    info = { color: COLOURS.info, ...(title ? { title: truncate(escapeText(title), LIMITS.title) } : {}) };
    embeds.push(info);
    return info;
  };
  for (const block of reply.blocks) {
    switch (block.type) {
      case 'heading':
        if (!embeds.length) content.push(`**${escapeText(block.text)}**`);
        else newInfo(block.text);
        break;
      case 'text':
        if (!embeds.length) content.push(escapeText(block.text));
        else appendLines(info ?? newInfo(), [escapeText(block.text)]);
        break;
      case 'hint': {
        const line = `${escapeText(block.text)} \`${discordSyntax(block.line).replace(/`/g, "'")}\``;
        if (!embeds.length) content.push(line);
        else appendLines(info ?? newInfo(), [line]);
        break;
      }
      case 'fields': {
        const e = info && !info.fields?.length && !info.description ? info : newInfo();
        e.fields = block.fields.slice(0, LIMITS.fields).map((f) => {
          const value = truncate(escapeText(f.value), LIMITS.fieldValue) || '—';
          return { name: truncate(escapeText(f.label), LIMITS.fieldName) || '—', value, inline: value.length <= 40 };
        });
        break;
      }
      case 'table':
        appendLines(info ?? newInfo(), tableLines(block));
        break;
      case 'handled': {
        // The name, not a <@id> mention: nothing in an edited alert should even look like a ping.
        // neutraliseMentions covers the "@" too: a member named "everyone" must not write "@everyone".
        const who = neutraliseMentions(`@${escapeText(block.name ?? block.user)}`);
        content.push(`✅ Handled by ${who} at ${escapeText(handledTime(block.at))}`);
        break;
      }
      case 'events': {
        for (const ev of block.events) if (ev.facts) eventParties.push({ id: ev.facts.partyId, name: ev.facts.party });
        const e = info ?? newInfo();
        if (block.events.some((ev) => ev.kind === 'added')) e.color = COLOURS.added;
        appendLines(e, eventLines(block));
        break;
      }
      case 'party': {
        const e = partyEmbed(block.party, block.band, options.detailed ?? false);
        embeds.push(e);
        parties.set(e, block.party);
        info = undefined;
        break;
      }
      case 'actions':
        actions.push(...block.actions);
        break;
    }
  }

  // Content: the notice first; what does not fit in 2000 characters moves into an embed of its own.
  const notice = reply.notice ? `⚠️ ${escapeText(reply.notice)}` : undefined;
  let body = content.join('\n');
  const room = LIMITS.content - (notice ? notice.length + 1 : 0);
  if (body.length > room) {
    embeds.unshift({ color: COLOURS.info, description: truncate(body, LIMITS.description) });
    body = '';
  }
  const notes: string[] = [];
  if (embeds.length > LIMITS.embeds) {
    const dropped = embeds.length - LIMITS.embeds;
    const droppedParties = embeds.slice(LIMITS.embeds).some((e) => parties.has(e));
    embeds.length = LIMITS.embeds;
    notes.push(`_${dropped} more card${dropped === 1 ? '' : 's'} not shown (Discord shows 10 per message)${droppedParties ? ': use a narrower lookup or Details' : ''}._`);
  }
  fitTotal(embeds, LIMITS.total);
  const text = [notice, body, ...notes].filter(Boolean).join('\n');
  return {
    ...(text ? { content: truncate(text, LIMITS.content) } : {}),
    embeds,
    components: options.buttons ? buttonRows(actions, [...embeds.flatMap((e) => parties.get(e) ?? []), ...eventParties], options, options.buttons) : [],
  };
}

function buttonRows(actions: Action[], parties: Array<Pick<LookupResult, 'id' | 'name'>>, options: RenderOptions, store: ButtonStore): ButtonRow[] {
  const buttons: APIButtonComponentWithCustomId[] = [];
  const button = (label: string, customId: string, style: ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Success): APIButtonComponentWithCustomId => ({
    type: ComponentType.Button,
    style,
    label: truncate(plainText(label), LIMITS.buttonLabel),
    custom_id: customId,
  });
  for (const a of actions) {
    if (a.id === 'more') buttons.push(button(a.label, store.encode('more', a.value), ButtonStyle.Primary));
    if (a.id === 'share' && options.share) buttons.push(button(a.label, store.encode('share', a.value), ButtonStyle.Secondary));
  }
  // An alert's own buttons (Show all / Next, Acknowledge) go first, so that the per-party ones never crowd them out.
  for (const a of actions) {
    if (a.id === 'page') buttons.push(button(a.label, store.encode('page', a.value), ButtonStyle.Primary));
    if (a.id === 'ack') buttons.push(button(a.label, store.encode('ack', a.value), ButtonStyle.Success));
  }
  if (options.details ?? true) {
    const seen = new Set<string>();
    for (const p of parties) {
      if (seen.has(p.id)) continue;
      seen.add(p.id);
      buttons.push(button(`Details: ${p.name}`, store.encode('details', p.id), ButtonStyle.Secondary));
    }
  }
  const rows: ButtonRow[] = [];
  for (let i = 0; i < buttons.length && rows.length < LIMITS.rows; i += LIMITS.buttonsPerRow) {
    rows.push({ type: ComponentType.ActionRow, components: buttons.slice(i, i + LIMITS.buttonsPerRow) });
  }
  return rows;
}
