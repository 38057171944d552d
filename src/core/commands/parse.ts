/**
 * The command grammar shared by every adapter: one line of text in, a validated Command out.
 *
 *   lookup <name> [list:CODE,..] [side:us|cn]     also the bare `<name>`
 *   subscribe [all|us|cn|CODE ...] [kinds:added,removed,changed,suspended] [countries:CN,HK] [health]
 *             [schedule:live|daily|weekly] [day:mon] [at:08:00] [tz:Europe/Berlin]
 *   unsubscribe [all|CODE ...]
 *   subscriptions
 *   watch add <name> | watch remove <name> | watch list
 *   recent [days] [list:CODE,..] [side:us|cn] [kind:added,..] [country:CN,..] [since:YYYY-MM-DD] [refresh:N,..] [page:N]
 *   lists | status | help [command]
 *   thanks, thank you, ok, 👍, hi, hello...        small talk: a short friendly answer, not the help
 */
import { z } from 'zod';
import { scheduleFrom, type Schedule } from '../alerts/schedule';
import { isListCode, type ListCode } from '../lists';
import { ChangeKind } from '../model';
import { entityFromQuestion, MAX_QUERY_CHARS, stripMentions } from './question';

export { MAX_QUERY_CHARS };

export type Command =
  | { name: 'lookup'; query: string; lists?: ListCode[]; side?: 'us' | 'cn'; page: number }
  | { name: 'details'; partyId: string }
  | { name: 'subscribe'; lists: ListCode[]; side?: 'us' | 'cn'; all?: boolean; kinds?: ChangeKind[]; countries?: string[]; health: boolean; schedule?: Schedule }
  | { name: 'unsubscribe'; all: boolean; lists: ListCode[]; side?: 'us' | 'cn' }
  | { name: 'subscriptions' }
  | { name: 'watch'; action: 'add' | 'remove'; term: string }
  | { name: 'watch'; action: 'list' }
  | { name: 'lists' }
  | { name: 'status' }
  | ({ name: 'recent' } & RecentQuery)
  | { name: 'help'; topic?: string; problem?: string }
  | { name: 'smalltalk'; kind: 'thanks' | 'greeting' | 'ok' };

/** What `recent` shows: the events of the last `days` (or since a date, or of some refreshes), filtered, a page. */
export interface RecentQuery {
  days?: number;
  since?: string;
  lists?: ListCode[];
  side?: 'us' | 'cn';
  kinds?: ChangeKind[];
  /** Parties in one of these countries (ISO 3166 alpha-2). */
  countries?: string[];
  refreshes?: number[];
  page: number;
}

/** Events per page of `recent`. */
export const RECENT_PAGE_SIZE = 20;

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
  const talk = smallTalk(line);
  if (talk) return { name: 'smalltalk', kind: talk };
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
    case 'recent':
      return parseRecent(rest, line);
    case 'help':
    case '?':
      return { name: 'help', topic: rest[0]?.toLowerCase() };
    default:
      if (ALONE.has(word) && !rest.length) return { name: word as 'subscriptions' | 'lists' | 'status' };
      // Anything else is a name, or a question about one: `/sanctions is DJI sanctioned?`.
      return parseLookup(line.split(' '));
  }
}

/** "thanks!", "thank you", "ok", "👍", "hi": small talk, not a name to screen nor a reason for the whole help. */
export function smallTalk(line: string): 'thanks' | 'greeting' | 'ok' | undefined {
  const s = line.toLowerCase().replace(/[\s!.,~:)(-]+/gu, ' ').trim();
  if (/^(?:(?:many |great )?thanks?(?: (?:a lot|so much|again|very much|mate|bot|you))*|thank you(?: (?:so much|very much|again))?|thx|ty|tysm|cheers|merci|谢谢|謝謝|多谢|感谢|much appreciated|appreciated)$/u.test(s)) return 'thanks';
  if (/^(?:hi|hello|hey|hiya|yo|good (?:morning|afternoon|evening)|你好|您好)(?: (?:there|bot|all|team))?$/u.test(s)) return 'greeting';
  if (/^(?:ok|okay|k|kk|okay then|ok then|got it|great|cool|nice|perfect|sure|understood|noted|alright|all right|好的|好)$/u.test(s)) return 'ok';
  // Only emoji (and the :shortcodes: Slack sends for them): 👍, 🙏, :thumbsup:, :+1:.
  if (/^(?:\p{Extended_Pictographic}|\p{Emoji_Modifier}|\u200d|\ufe0f|\s)+$/u.test(line)) return 'ok';
  if (/^(?::[a-z0-9_+-]+:\s*)+$/u.test(line.trim())) return 'ok';
  return undefined;
}

const KINDS = ChangeKind.options;

/** `recent` and its filters; words that are not filters make it a question ("recent news on Huawei?"). */
function parseRecent(words: string[], line: string): Command {
  const q: RecentQuery = { page: 1 };
  const problem = (text: string): Command => ({ name: 'help', topic: 'recent', problem: text });
  for (const raw of words) {
    const w = raw.replace(/[?.!]$/, '');
    if (/^\d+$/.test(w)) {
      const days = Days.safeParse(w);
      if (!days.success) return problem(`recent takes a number of days from 1 to 365, got "${raw}"`);
      q.days = days.data;
      continue;
    }
    const m = w.match(/^(lists?|side|kinds?|country|countries|since|refresh(?:es)?|page):(.*)$/i);
    if (!m) {
      // "recent news on Huawei?" is a question; "recent forever" a mistyped command.
      if (words.length > 1) return parseLookup(line.split(' '));
      return problem(`recent takes a number of days from 1 to 365, or filters such as list:US-OFAC-SDN, got "${raw}"`);
    }
    const key = m[1]!.toLowerCase();
    const values = m[2]!.split(',').map((v) => v.trim()).filter(Boolean);
    if (!values.length) return problem(`${key} needs a value`);
    if (key.startsWith('list')) {
      for (const v of values) {
        const code = v.toUpperCase();
        if (!isListCode(code)) return problem(`unknown list code "${v}": see "lists"`);
        (q.lists ??= []).push(code);
      }
    } else if (key === 'side') {
      const s = values[0]!.toLowerCase();
      if (s !== 'us' && s !== 'cn') return problem(`side is us or cn, got "${values[0]}"`);
      q.side = s;
    } else if (key.startsWith('kind')) {
      for (const v of values) {
        const k = v.toLowerCase() as ChangeKind;
        if (!KINDS.includes(k)) return problem(`kinds are ${KINDS.join(', ')}; got "${v}"`);
        (q.kinds ??= []).push(k);
      }
    } else if (key.startsWith('countr')) {
      if (!values.every((v) => /^[a-z]{2}$/i.test(v))) return problem(`countries are two-letter codes such as CN,HK; got "${m[2]}"`);
      q.countries = values.map((v) => v.toUpperCase());
    } else if (key === 'since') {
      const d = values[0]!;
      if (!/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(Date.parse(`${d}T00:00:00Z`))) return problem(`since takes a date such as 2026-11-30, got "${d}"`);
      q.since = d;
    } else if (key.startsWith('refresh')) {
      if (!values.every((v) => /^\d{1,12}$/.test(v))) return problem(`refresh takes refresh numbers such as refresh:123, got "${m[2]}"`);
      q.refreshes = values.map(Number);
    } else {
      const p = Number(values[0]);
      if (!Number.isInteger(p) || p < 1 || p > 100_000) return problem(`page takes a page number, got "${values[0]}"`);
      q.page = p;
    }
  }
  return { name: 'recent', ...q };
}

/** The line that parses back to this `recent` (footers and digests point at it). */
export function recentLine(q: Partial<RecentQuery>): string {
  return [
    'recent',
    q.days !== undefined ? String(q.days) : '',
    q.refreshes?.length ? `refresh:${q.refreshes.join(',')}` : '',
    q.since ? `since:${q.since}` : '',
    q.lists?.length ? `list:${q.lists.join(',')}` : '',
    q.side ? `side:${q.side}` : '',
    q.kinds?.length ? `kind:${q.kinds.join(',')}` : '',
    q.countries?.length ? `country:${q.countries.join(',')}` : '',
    q.page && q.page > 1 ? `page:${q.page}` : '',
  ]
    .filter(Boolean)
    .join(' ');
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
  let kinds: ChangeKind[] | undefined;
  let countries: string[] | undefined;
  let health = false;
  let all = false;
  const when: { schedule?: string; at?: string; day?: string; tz?: string } = {};
  for (const raw of words) {
    const w = raw.toLowerCase();
    const opt = raw.match(/^(schedule|every|at|day|tz|timezone|time):(.+)$/i);
    if (opt) {
      const key = opt[1]!.toLowerCase();
      when[key === 'every' ? 'schedule' : key === 'timezone' ? 'tz' : key === 'time' ? 'at' : (key as 'schedule' | 'at' | 'day' | 'tz')] = opt[2]!;
      continue;
    }
    if (w === 'daily' || w === 'weekly' || w === 'live') {
      when.schedule = w;
      continue;
    }
    if (w === 'all') {
      all = true;
      continue;
    }
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
    if (!isListCode(code)) return { name: 'help', topic: 'subscribe', problem: `unknown list or option "${raw}": use all, us, cn, list codes (see "lists"), kinds:..., countries:..., health, schedule:daily at:08:00 tz:Europe/Berlin` };
    lists.push(code);
  }
  let schedule: Schedule | undefined;
  if (when.schedule || when.at || when.day || when.tz) {
    const parsed = scheduleFrom(when);
    if (!parsed.ok) return { name: 'help', topic: 'subscribe', problem: parsed.problem };
    schedule = parsed.schedule;
  }
  return { name: 'subscribe', lists, ...(side ? { side } : {}), ...(all ? { all } : {}), ...(kinds ? { kinds } : {}), ...(countries ? { countries } : {}), health, ...(schedule ? { schedule } : {}) };
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
