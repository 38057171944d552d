/**
 * Help texts for the command grammar (plain text: the adapters escape and format it). Each entry is a usage in
 * the grammar, written the way the platform at hand types it (PlatformDescription.syntax), and what it does.
 */
import { PLAIN_PLATFORM, type PlatformDescription } from './platform';

interface HelpEntry {
  /** Usage lines in the grammar; `[...]` marks what is optional. */
  usage: string[];
  text: (p: PlatformDescription) => string;
  /** Said only in the help of this one command (the full help must fit one Discord message). */
  more?: (p: PlatformDescription) => string;
}

const q = (p: PlatformDescription, line: string) => `"${p.syntax(line)}"`;

const ENTRIES: Record<string, HelpEntry> = {
  lookup: {
    usage: ['lookup <name> [list:CODE] [side:us|cn]'],
    text: () => 'every list a party is on, since when, under which notice, and how the name matched. Chinese characters, pinyin, aliases and typos are understood; a question such as "is DJI sanctioned?" works too.',
  },
  subscribe: {
    usage: ['subscribe [all|us|cn|CODE ...] [kinds:added,removed,changed,suspended] [countries:CN,HK] [health]'],
    text: (p) =>
      `alerts in this channel when a list changes (or one summary a day or week: schedule:daily). Subscribing adds to what the channel follows, never narrows it (to narrow, unsubscribe what you do not want: under "all", ${q(p, 'unsubscribe US-OFAC-SDN')} leaves that one list out). "health" adds a notice when a source is quarantined. Only ${p.managers} may change a channel's alerts${p.ownPlace ? `; you always may ${p.ownPlace}` : ''}.`,
    more: (p) =>
      ` ${q(p, 'subscribe schedule:daily at:08:00 tz:Europe/Berlin')} (or ${q(p, 'subscribe schedule:weekly day:mon at:09:00 tz:America/New_York')}) gathers the channel's alerts into one summary at that local time, with its files and a chart of designations per list over the last 8 weeks; ${q(p, 'subscribe schedule:live')} goes back to alerts as they come.`,
  },
  unsubscribe: {
    usage: ['unsubscribe [all|us|cn|CODE ...]'],
    text: () => 'stop some or all alerts in this channel; a list under "all" or its side is left out.',
  },
  subscriptions: { usage: ['subscriptions'], text: () => 'what this channel follows (and leaves out), its watch terms, and whether alerts are paused (and why).' },
  watch: {
    usage: ['watch add <name>', 'watch remove <name>', 'watch list'],
    text: () => "the channel's own counterparties; a new designation that matches one is alerted here whatever the channel follows.",
  },
  lists: { usage: ['lists'], text: () => 'the lists covered, with how many designations are in force and when each was last refreshed.' },
  status: { usage: ['status'], text: () => 'each source: last refresh, record count, and any quarantine or failure with its reason.' },
  screen: {
    usage: ['screen'],
    text: () => 'a CSV or XLSX file of names: a verdict per row.',
  },
  recent: {
    usage: ['recent [days] [list:CODE] [side:us|cn] [kind:added,removed,changed,suspended] [country:CN,HK] [since:YYYY-MM-DD] [refresh:N] [page:N]'],
    text: () => `the list changes of the last days (default 7), or since a date, or of one refresh, newest first, a page at a time; filters combine.`,
  },
};

export const HELP_ORDER = ['lookup', 'screen', 'subscribe', 'unsubscribe', 'subscriptions', 'watch', 'lists', 'status', 'recent'] as const;

/** The help for one command as this platform types it, or undefined for an unknown topic. */
export function helpText(topic: string, platform: PlatformDescription = PLAIN_PLATFORM): string | undefined {
  const entry = Object.hasOwn(ENTRIES, topic) ? ENTRIES[topic] : undefined;
  if (!entry) return undefined;
  return `${entry.usage.map((u) => platform.syntax(u)).join(' | ')}: ${entry.text(platform)}`;
}

/** The help of one command asked for by name: its usage, what it does, and the details left out of the full help. */
export function topicHelp(topic: string, platform: PlatformDescription = PLAIN_PLATFORM): string | undefined {
  const text = helpText(topic, platform);
  if (text === undefined) return undefined;
  const entry = ENTRIES[topic]!;
  return entry.more ? `${text}${entry.more(platform)}` : text;
}
