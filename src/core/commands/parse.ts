/**
 * The command grammar shared by every adapter: one line of text in, a validated Command out.
 *
 *   lookup <name> [list:CODE,..] [side:us|cn]     also the bare `<name>`
 *   subscribe [all|us|cn|CODE ...] [kinds:added,removed,changed,suspended] [countries:CN,HK] [health]
 *   unsubscribe [all|CODE ...]
 *   subscriptions
 *   watch add <name> | watch remove <name> | watch list
 *   lists | status | recent [days] | help [command]
 */
import { z } from 'zod';
import { isListCode, type ListCode } from '../lists';
import { ChangeKind } from '../model';
import { entityFromQuestion, MAX_QUERY_CHARS, stripMentions } from './question';

export { MAX_QUERY_CHARS };

export type Command =
  | { name: 'lookup'; query: string; lists?: ListCode[]; side?: 'us' | 'cn'; page: number }
  | { name: 'details'; partyId: string }
  | { name: 'subscribe'; lists: ListCode[]; side?: 'us' | 'cn'; kinds: ChangeKind[]; countries: string[]; health: boolean }
  | { name: 'unsubscribe'; all: boolean; lists: ListCode[]; side?: 'us' | 'cn' }
  | { name: 'subscriptions' }
  | { name: 'watch'; action: 'add' | 'remove'; term: string }
  | { name: 'watch'; action: 'list' }
  | { name: 'lists' }
  | { name: 'status' }
  | { name: 'recent'; days: number }
  | { name: 'help'; topic?: string; problem?: string };

export const COMMAND_NAMES = ['lookup', 'subscribe', 'unsubscribe', 'subscriptions', 'watch', 'lists', 'status', 'recent', 'help'] as const;

const Days = z.coerce.number().int().min(1).max(365);

/** A chat message to the bot (a mention or a DM): the mention tokens addressed to it removed, then parsed. */
export function parseMessage(text: string): Command {
  return parseCommand(stripMentions(text.normalize('NFKC')));
}

/** Commands that stand alone: followed by other words they are part of a question ("status of Huawei?"). */
const ALONE = new Set(['subscriptions', 'lists', 'status']);

/**
 * Parse what someone typed or said: a slash command's text, a Discord option, a mention, a DM, a console or
 * CLI line. Never throws: what cannot be read becomes `help` with the problem said. Anything that is not a
 * command is a question about a name ("is DJI sanctioned?" -> lookup DJI), read by the one question parser.
 */
export function parseCommand(input: string): Command {
  const line = input.normalize('NFKC').replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/\s+/g, ' ').trim();
  if (!line) return { name: 'help' };
  const [head = '', ...rest] = line.split(' ');
  const word = head === '?' ? '?' : head.toLowerCase().replace(/[?!.,;:。？！]+$/u, '');
  switch (word) {
    case 'lookup':
    case 'search':
    case 'check':
      return parseLookup(rest);
    case 'details':
      return rest[0] ? { name: 'details', partyId: rest[0] } : { name: 'help', topic: 'lookup', problem: 'details needs a party id' };
    case 'subscribe':
      return parseSubscribe(rest);
    case 'unsubscribe':
      return parseUnsubscribe(rest);
    case 'watch':
      return parseWatch(rest);
    case 'recent': {
      // "recent news on Huawei?" is a question; "recent forever" a mistyped command.
      if (rest.length > 1) return parseLookup(line.split(' '));
      const days = Days.safeParse(rest[0]?.replace(/[?.!]$/, '') ?? 7);
      return days.success ? { name: 'recent', days: days.data } : { name: 'help', topic: 'recent', problem: `recent takes a number of days from 1 to 365, got "${rest[0]}"` };
    }
    case 'help':
    case '?':
      return { name: 'help', topic: rest[0]?.toLowerCase() };
    default:
      if (ALONE.has(word) && !rest.length) return { name: word as 'subscriptions' | 'lists' | 'status' };
      // Anything else is a name, or a question about one: `/sanctions is DJI sanctioned?`.
      return parseLookup(line.split(' '));
  }
}

function parseLookup(words: string[]): Command {
  const lists: ListCode[] = [];
  let side: 'us' | 'cn' | undefined;
  let page = 1;
  const rest: string[] = [];
  for (const w of words) {
    const m = w.match(/^(list|lists|side|page):(.*)$/i);
    if (!m) {
      rest.push(w);
      continue;
    }
    const [, key, value = ''] = m;
    if (key!.toLowerCase().startsWith('list')) {
      for (const code of value.split(',').map((c) => c.trim().toUpperCase()).filter(Boolean)) {
        if (!isListCode(code)) return { name: 'help', topic: 'lookup', problem: `unknown list code "${code}": see "lists"` };
        lists.push(code);
      }
    } else if (key!.toLowerCase() === 'side') {
      const s = value.toLowerCase();
      if (s !== 'us' && s !== 'cn') return { name: 'help', topic: 'lookup', problem: `side is us or cn, got "${value}"` };
      side = s;
    } else {
      const p = Number(value);
      if (Number.isInteger(p) && p >= 1 && p <= 20) page = p;
    }
  }
  const query = entityFromQuestion(rest.join(' '));
  if (!query) return { name: 'help', topic: 'lookup', problem: 'lookup needs a name' };
  return { name: 'lookup', query, page, ...(lists.length ? { lists } : {}), ...(side ? { side } : {}) };
}

/** The line that parses back to a lookup command (buttons carry it). */
export function lookupLine(command: { query: string; lists?: ListCode[]; side?: 'us' | 'cn'; page?: number }): string {
  return [
    'lookup',
    command.query,
    command.lists?.length ? `list:${command.lists.join(',')}` : '',
    command.side ? `side:${command.side}` : '',
    command.page && command.page > 1 ? `page:${command.page}` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

function parseSubscribe(words: string[]): Command {
  const lists: ListCode[] = [];
  let side: 'us' | 'cn' | undefined;
  let kinds: ChangeKind[] = ['added', 'removed', 'changed', 'suspended'];
  let countries: string[] = [];
  let health = false;
  for (const raw of words) {
    const w = raw.toLowerCase();
    if (w === 'all') continue;
    if (w === 'us' || w === 'cn') {
      side = w;
      continue;
    }
    if (w === 'health') {
      health = true;
      continue;
    }
    const m = raw.match(/^(kinds?|countries|country):(.*)$/i);
    if (m) {
      const values = m[2]!.split(',').map((v) => v.trim()).filter(Boolean);
      if (m[1]!.toLowerCase().startsWith('kind')) {
        const parsed = z.array(ChangeKind).safeParse(values.map((v) => v.toLowerCase()));
        if (!parsed.success || !values.length) return { name: 'help', topic: 'subscribe', problem: `kinds are added, removed, changed, suspended; got "${m[2]}"` };
        kinds = parsed.data;
      } else {
        if (!values.every((v) => /^[a-z]{2}$/i.test(v))) return { name: 'help', topic: 'subscribe', problem: `countries are two-letter codes such as CN,HK; got "${m[2]}"` };
        countries = values.map((v) => v.toUpperCase());
      }
      continue;
    }
    const code = raw.toUpperCase();
    if (!isListCode(code)) return { name: 'help', topic: 'subscribe', problem: `unknown list or option "${raw}": use all, us, cn, list codes (see "lists"), kinds:..., countries:..., health` };
    lists.push(code);
  }
  return { name: 'subscribe', lists, ...(side ? { side } : {}), kinds, countries, health };
}

function parseUnsubscribe(words: string[]): Command {
  if (!words.length || words.some((w) => w.toLowerCase() === 'all')) return { name: 'unsubscribe', all: true, lists: [] };
  const lists: ListCode[] = [];
  let side: 'us' | 'cn' | undefined;
  for (const raw of words) {
    const w = raw.toLowerCase();
    if (w === 'us' || w === 'cn') side = w;
    else if (isListCode(raw.toUpperCase())) lists.push(raw.toUpperCase() as ListCode);
    else return { name: 'help', topic: 'unsubscribe', problem: `unknown list "${raw}"` };
  }
  return { name: 'unsubscribe', all: false, lists, ...(side ? { side } : {}) };
}

function parseWatch(words: string[]): Command {
  const action = words[0]?.toLowerCase();
  const term = words.slice(1).join(' ').slice(0, MAX_QUERY_CHARS).trim();
  if (action === 'list' || action === undefined) return { name: 'watch', action: 'list' };
  if (action === 'add' || action === 'remove') {
    if (!term) return { name: 'help', topic: 'watch', problem: `watch ${action} needs a name` };
    return { name: 'watch', action, term };
  }
  return { name: 'help', topic: 'watch', problem: `watch takes add, remove or list, got "${words[0]}"` };
}
