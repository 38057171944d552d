/**
 * The slash commands the bot serves, and the translation of an invocation into a line of the shared command
 * grammar (src/core/commands/parse.ts), so that Discord adds no command logic of its own.
 *
 *   /sanctions lookup name:<autocomplete> [list:<code>] [side:us|cn]   -> lookup <name> list:<code> side:<side>
 *   /sanctions screen [file:<attachment>] [column] [country-column]   -> screen.ts (not a grammar line)
 *   /sanctions subscriptions | lists | status | help [topic]
 *   /sanctions recent [days] [list] [side] [kind] [country] [since] [refresh] [page]  -> recent 7 list:US-OFAC-SDN kind:added page:2
 *   /sanctions-alerts subscribe [target] [kinds] [countries] [health] [schedule] [at] [day] [tz]
 *                                      -> subscribe cn kinds:added countries:CN health schedule:daily at:08:00 tz:Europe/Berlin
 *   /sanctions-alerts unsubscribe [target]
 *   /sanctions-alerts watch add <name> | watch remove <name> | watch list
 *
 * Changing alerts is a separate top-level command because Discord's default member permissions apply to a whole
 * command, never to one subcommand: `/sanctions` is for everyone, `/sanctions-alerts` is shown by default to
 * members who can manage channels (server admins can change that under Server Settings > Integrations), and
 * the bot checks Manage Server or Manage Channels again when it runs.
 */
import { InteractionContextType, PermissionFlagsBits, SlashCommandBuilder, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';
import { COMMAND_NAMES, MAX_QUERY_CHARS } from '../../core/commands/parse';
import { LIST_CODES, listInfo } from '../../core/lists';

export const LOOKUP_COMMAND = 'sanctions';
export const ALERTS_COMMAND = 'sanctions-alerts';

/** Who may change a channel's alerts: either permission, checked again at run time. */
export const MANAGE_PERMISSIONS = [PermissionFlagsBits.ManageGuild, PermissionFlagsBits.ManageChannels] as const;
/** Who sees /sanctions-alerts by default (one bit: Discord requires every bit of default_member_permissions). */
export const ALERTS_DEFAULT_PERMISSIONS = PermissionFlagsBits.ManageChannels;

const CONTEXTS = [InteractionContextType.Guild, InteractionContextType.BotDM];

export const LIST_CHOICES = LIST_CODES.map((code) => ({ name: `${code} (${listInfo(code).short})`.slice(0, 100), value: code }));
const SIDE_CHOICES = [
  { name: 'US lists (Washington)', value: 'us' },
  { name: 'Chinese lists (Beijing)', value: 'cn' },
];

export function lookupCommand(): SlashCommandBuilder {
  const command = new SlashCommandBuilder()
    .setName(LOOKUP_COMMAND)
    .setDescription('Screen a name against US and Chinese sanctions and export-control lists')
    .setContexts(...CONTEXTS);
  command.addSubcommand((s) =>
    s
      .setName('lookup')
      .setDescription('Every list a party is on, since when, under which notice, and how the name matched')
      .addStringOption((o) => o.setName('name').setDescription('Company or person, in any script').setRequired(true).setAutocomplete(true).setMaxLength(MAX_QUERY_CHARS))
      .addStringOption((o) => o.setName('list').setDescription('Only this list').addChoices(...LIST_CHOICES))
      .addStringOption((o) => o.setName('side').setDescription("Only Washington's or only Beijing's lists").addChoices(...SIDE_CHOICES)),
  );
  command.addSubcommand((s) =>
    s
      .setName('screen')
      .setDescription('Screen a CSV or XLSX of names: a result file with a verdict per name, and a summary')
      .addAttachmentOption((o) => o.setName('file').setDescription('CSV or XLSX, one name per row or a column headed Name'))
      .addStringOption((o) => o.setName('column').setDescription('The heading of the names column (default: Name, Company, ... or column A)').setMaxLength(100))
      .addStringOption((o) => o.setName('country-column').setDescription('The heading of a country column, used to rank candidates').setMaxLength(100)),
  );
  command.addSubcommand((s) => s.setName('subscriptions').setDescription('What this channel follows, its watch terms, and whether alerts are paused'));
  command.addSubcommand((s) => s.setName('lists').setDescription('The lists covered, designations in force, last refresh'));
  command.addSubcommand((s) => s.setName('status').setDescription('Each source: last refresh, records, and any quarantine or failure'));
  command.addSubcommand((s) =>
    s
      .setName('recent')
      .setDescription('List changes, newest first, a page at a time: of the last days, since a date, or of one refresh')
      .addIntegerOption((o) => o.setName('days').setDescription('How many days back (default 7)').setMinValue(1).setMaxValue(365))
      .addStringOption((o) => o.setName('list').setDescription('Only these lists: codes such as US-OFAC-SDN (comma-separated)').setAutocomplete(true).setMaxLength(200))
      .addStringOption((o) => o.setName('side').setDescription("Only Washington's or only Beijing's lists").addChoices(...SIDE_CHOICES))
      .addStringOption((o) => o.setName('kind').setDescription('Only these changes: added, removed, changed, suspended (comma-separated)').setMaxLength(100))
      .addStringOption((o) => o.setName('country').setDescription('Only parties in these countries, e.g. CN,HK').setMaxLength(100))
      .addStringOption((o) => o.setName('since').setDescription('From this date on, e.g. 2026-11-30').setMaxLength(10))
      .addStringOption((o) => o.setName('refresh').setDescription('Only the changes of these refreshes (numbers, as alerts name them)').setMaxLength(100))
      .addIntegerOption((o) => o.setName('page').setDescription('Which page (20 changes a page)').setMinValue(1).setMaxValue(100000)),
  );
  command.addSubcommand((s) =>
    s
      .setName('help')
      .setDescription('How to use the bot')
      .addStringOption((o) => o.setName('topic').setDescription('One command').addChoices(...COMMAND_NAMES.map((n) => ({ name: n, value: n })))),
  );
  return command;
}

const TARGET_DESCRIPTION = 'all, us, cn, or list codes such as US-BIS-EL (several: separate with spaces)';

export function alertsCommand(): SlashCommandBuilder {
  const command = new SlashCommandBuilder()
    .setName(ALERTS_COMMAND)
    .setDescription("Change this channel's alerts when a US or Chinese list changes")
    .setContexts(...CONTEXTS)
    .setDefaultMemberPermissions(ALERTS_DEFAULT_PERMISSIONS);
  command.addSubcommand((s) =>
    s
      .setName('subscribe')
      .setDescription('Add lists to the alerts in this channel (never narrows; unsubscribe leaves lists out)')
      .addStringOption((o) => o.setName('target').setDescription(TARGET_DESCRIPTION).setAutocomplete(true).setMaxLength(200))
      .addStringOption((o) => o.setName('kinds').setDescription('Only these changes: added, removed, changed, suspended (comma-separated)').setMaxLength(100))
      .addStringOption((o) => o.setName('countries').setDescription('Only parties in these countries, e.g. CN,HK').setMaxLength(100))
      .addBooleanOption((o) => o.setName('health').setDescription('Also a notice when a source is quarantined or fails'))
      .addStringOption((o) =>
        o
          .setName('schedule')
          .setDescription('Alerts as they come (live), or one summary a day or a week')
          .addChoices({ name: 'live: as they come', value: 'live' }, { name: 'daily summary', value: 'daily' }, { name: 'weekly summary', value: 'weekly' }),
      )
      .addStringOption((o) => o.setName('at').setDescription('Summary time of day, e.g. 08:00 (default 08:00)').setMaxLength(5))
      .addStringOption((o) =>
        o
          .setName('day')
          .setDescription('Weekly summary day (default Monday)')
          .addChoices(...['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => ({ name: d, value: d }))),
      )
      .addStringOption((o) => o.setName('tz').setDescription('Time zone of the summary time, e.g. Europe/Berlin (default UTC)').setMaxLength(64)),
  );
  command.addSubcommand((s) =>
    s
      .setName('unsubscribe')
      .setDescription('Stop some or all alerts here; a list under all (or its side) is left out')
      .addStringOption((o) => o.setName('target').setDescription(`${TARGET_DESCRIPTION}; empty: all`).setAutocomplete(true).setMaxLength(200)),
  );
  command.addSubcommandGroup((g) =>
    g
      .setName('watch')
      .setDescription("The channel's own counterparties: alerted whenever a new designation matches one")
      .addSubcommand((s) =>
        s
          .setName('add')
          .setDescription('Watch a name')
          .addStringOption((o) => o.setName('name').setDescription('Company or person').setRequired(true).setAutocomplete(true).setMaxLength(MAX_QUERY_CHARS)),
      )
      .addSubcommand((s) =>
        s
          .setName('remove')
          .setDescription('Stop watching a name')
          .addStringOption((o) => o.setName('name').setDescription('A watched name').setRequired(true).setAutocomplete(true).setMaxLength(MAX_QUERY_CHARS)),
      )
      .addSubcommand((s) => s.setName('list').setDescription('The names this channel watches')),
  );
  return command;
}

/** What `discord-register` PUTs and what the bot serves. */
export function commandDefinitions(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return [lookupCommand().toJSON(), alertsCommand().toJSON()];
}

// --------------------------------------------------------------------------------------------- invocation -> line

export interface Invocation {
  command: string;
  group?: string | null;
  subcommand?: string | null;
  /** The option values by name (missing options: undefined). */
  options: Record<string, string | number | boolean | undefined>;
}

/** Words of a free-text option, one line, no control characters. */
function words(value: string | number | boolean | undefined): string {
  return typeof value === 'string' ? value.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/\s+/g, ' ').trim() : '';
}

/** A comma list without spaces, as the grammar wants it (`kinds:added,removed`). */
function commaList(value: string | number | boolean | undefined): string {
  return words(value)
    .split(/[\s,;]+/)
    .filter(Boolean)
    .join(',');
}

function targets(value: string | number | boolean | undefined): string {
  return words(value)
    .split(/[\s,;]+/)
    .filter(Boolean)
    .join(' ');
}

/** The grammar line for a slash command, or undefined when it is not one of ours. */
export function commandLine(inv: Invocation): string | undefined {
  const o = inv.options;
  const join = (...parts: string[]) => parts.filter(Boolean).join(' ');
  if (inv.command === LOOKUP_COMMAND) {
    switch (inv.subcommand) {
      case 'lookup':
        return join('lookup', words(o.name), typeof o.list === 'string' ? `list:${o.list}` : '', typeof o.side === 'string' ? `side:${o.side}` : '');
      case 'subscriptions':
      case 'lists':
      case 'status':
        return inv.subcommand;
      case 'recent':
        return join(
          'recent',
          typeof o.days === 'number' ? String(o.days) : '',
          commaList(o.list) ? `list:${commaList(o.list)}` : '',
          typeof o.side === 'string' ? `side:${words(o.side)}` : '',
          commaList(o.kind) ? `kind:${commaList(o.kind)}` : '',
          commaList(o.country) ? `country:${commaList(o.country)}` : '',
          words(o.since) ? `since:${words(o.since).replace(/\s/g, '')}` : '',
          commaList(o.refresh) ? `refresh:${commaList(o.refresh)}` : '',
          typeof o.page === 'number' ? `page:${o.page}` : '',
        );
      case 'help':
        return join('help', words(o.topic));
      default:
        return undefined;
    }
  }
  if (inv.command === ALERTS_COMMAND) {
    if (inv.group === 'watch') {
      if (inv.subcommand === 'list') return 'watch list';
      if (inv.subcommand === 'add' || inv.subcommand === 'remove') return join('watch', inv.subcommand, words(o.name));
      return undefined;
    }
    switch (inv.subcommand) {
      case 'subscribe':
        return join(
          'subscribe',
          targets(o.target),
          commaList(o.kinds) ? `kinds:${commaList(o.kinds)}` : '',
          commaList(o.countries) ? `countries:${commaList(o.countries)}` : '',
          o.health === true ? 'health' : '',
          words(o.schedule) ? `schedule:${words(o.schedule)}` : '',
          words(o.day) ? `day:${words(o.day)}` : '',
          words(o.at) ? `at:${words(o.at).replace(/\s/g, '')}` : '',
          words(o.tz) ? `tz:${words(o.tz).replace(/\s/g, '_')}` : '',
        );
      case 'unsubscribe':
        return join('unsubscribe', targets(o.target) || 'all');
      default:
        return undefined;
    }
  }
  return undefined;
}

/** Suggestions for a subscribe/unsubscribe target as it is typed (the last word). */
export function targetChoices(typed: string): Array<{ name: string; value: string }> {
  const parts = typed.split(/[\s,]+/);
  const last = (parts.pop() ?? '').toLowerCase();
  const before = parts.filter(Boolean).join(' ');
  const options = [
    { value: 'all', label: 'all: every list' },
    { value: 'us', label: "us: Washington's lists" },
    { value: 'cn', label: "cn: Beijing's lists (retaliation)" },
    ...LIST_CODES.map((c) => ({ value: c, label: `${c}: ${listInfo(c).name}` })),
  ];
  return options
    .filter((opt) => !last || opt.value.toLowerCase().includes(last) || opt.label.toLowerCase().includes(last))
    .slice(0, 25)
    .map((opt) => {
      const value = before ? `${before} ${opt.value}` : opt.value;
      return { name: (before ? `${before} ${opt.label}` : opt.label).slice(0, 100), value: value.slice(0, 100) };
    });
}

// --------------------------------------------------------------------------------------------- line -> how typed

/** Grammar keys of `recent` -> its Discord option names. */
const OPTION_NAMES: Record<string, string> = { lists: 'list', kinds: 'kind', countries: 'country', refreshes: 'refresh' };
const RECENT_KEYS = new Set(['list', 'lists', 'side', 'kind', 'kinds', 'country', 'countries', 'since', 'refresh', 'refreshes', 'page']);

/**
 * How a line of the shared grammar is typed on Discord (for help and hints): "subscribe cn kinds:added" ->
 * "/sanctions-alerts subscribe target:cn kinds:added", "recent 30 page:2" -> "/sanctions recent days:30 page:2".
 * Usage lines keep their brackets: "[health]" -> "[health:True]".
 */
export function discordSyntax(line: string): string {
  const tokens = line.match(/\[[^\]]*\]|<[^>]*>|\S+/g) ?? [];
  const head = (tokens[0] ?? '').toLowerCase();
  const wrap = (token: string, text: string) => (token.startsWith('[') && token.endsWith(']') ? `[${text}]` : text);
  const inner = (token: string) => (token.startsWith('[') && token.endsWith(']') ? token.slice(1, -1) : token);
  /** Options: key:value tokens as they are, free words gathered into `main`. */
  const options = (rest: string[], main: string, keys?: Set<string>): string => {
    const out: string[] = [];
    const free: string[] = [];
    let bracketed = false;
    for (const t of rest) {
      const m = inner(t).match(/^([a-z]+):(.*)$/i);
      if (m && (!keys || keys.has(m[1]!.toLowerCase()))) out.push(wrap(t, `${(main === 'days' ? OPTION_NAMES[m[1]!.toLowerCase()] : undefined) ?? m[1]}:${m[2]}`));
      else if (inner(t).toLowerCase() === 'health' && main === 'target') out.push(wrap(t, 'health:True'));
      else {
        free.push(inner(t));
        bracketed ||= t !== inner(t);
      }
    }
    if (free.length) {
      const value = main === 'days' && !/^\d+$/.test(free.join('')) ? 'N' : free.join(' ');
      out.unshift(bracketed ? `[${main}:${value}]` : `${main}:${value}`);
    }
    return out.join(' ');
  };
  const rest = tokens.slice(1);
  const join = (...parts: string[]) => parts.filter(Boolean).join(' ');
  switch (head) {
    case 'subscribe':
    case 'unsubscribe':
      return join(`/${ALERTS_COMMAND}`, head, options(rest, 'target'));
    case 'watch': {
      const action = (rest[0] ?? 'list').toLowerCase();
      return join(`/${ALERTS_COMMAND} watch`, action, action === 'list' ? '' : options(rest.slice(1), 'name', new Set()));
    }
    case 'recent':
      return join(`/${LOOKUP_COMMAND} recent`, options(rest, 'days', RECENT_KEYS));
    case 'help':
      return join(`/${LOOKUP_COMMAND} help`, options(rest, 'topic', new Set()));
    case 'screen':
      return `/${LOOKUP_COMMAND} screen`;
    case 'subscriptions':
    case 'lists':
    case 'status':
      return `/${LOOKUP_COMMAND} ${head}`;
    case 'lookup':
      return join(`/${LOOKUP_COMMAND} lookup`, options(rest, 'name', new Set(['list', 'side'])));
    default:
      return join(`/${LOOKUP_COMMAND} lookup`, options(tokens, 'name', new Set(['list', 'side'])));
  }
}

/** Suggestions for a list-code option as it is typed (the last comma-separated code). */
export function listChoices(typed: string): Array<{ name: string; value: string }> {
  const parts = typed.split(',').map((p) => p.trim());
  const last = (parts.pop() ?? '').toLowerCase();
  const before = parts.filter(Boolean).join(',');
  return LIST_CODES.filter((c) => !last || c.toLowerCase().includes(last) || listInfo(c).name.toLowerCase().includes(last))
    .slice(0, 25)
    .map((c) => {
      const value = before ? `${before},${c}` : c;
      return { name: `${value} (${listInfo(c).short})`.slice(0, 100), value: value.slice(0, 100) };
    });
}
