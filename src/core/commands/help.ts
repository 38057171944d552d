/** Help texts for the command grammar (plain text: the adapters escape and format it). */
export const HELP: Record<string, string> = {
  lookup: 'lookup <name> [list:CODE,...] [side:us|cn]: every list a party is on, since when, under which notice, and how the name matched. A bare <name> works too. Chinese characters, pinyin, aliases and typos are understood.',
  subscribe: 'subscribe [all|us|cn|CODE ...] [kinds:added,removed,changed,suspended] [countries:CN,HK] [health]: alerts in this channel when a list changes. "health" adds a notice when a source is quarantined.',
  unsubscribe: 'unsubscribe [all|us|cn|CODE ...]: stop some or all alerts in this channel.',
  subscriptions: "subscriptions: what this channel follows, its watch terms, and whether alerts are paused (and why).",
  watch: "watch add <name> | watch remove <name> | watch list: the channel's own counterparties; a new designation that matches one is alerted here whatever the channel follows.",
  lists: 'lists: the lists covered, with how many designations are in force and when each was last refreshed.',
  status: 'status: each source: last refresh, record count, and any quarantine or failure with its reason.',
  recent: 'recent [days]: the changes of the last days (default 7), newest first.',
};

export const HELP_ORDER = ['lookup', 'subscribe', 'unsubscribe', 'subscriptions', 'watch', 'lists', 'status', 'recent'] as const;
