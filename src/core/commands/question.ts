/**
 * Free-text questions to the bot, as people type them in a mention or a direct message:
 *
 *   "is Hikvision on any list?"        -> Hikvision
 *   "@bot check DJI please"            -> DJI
 *   "what about 华为?"                  -> 华为
 *   "华为被制裁了吗？"                    -> 华为
 *
 * `entityFromQuestion` pulls out the name asked about; `commandFromQuestion` turns the whole message into a
 * command line for `runCommand` (a lookup, unless the message is itself a command such as "status" or
 * "subscribe cn"). Platform-neutral: the mention tokens of Slack (`<@U1>`, `<!here>`, `<#C1|x>`) and Discord
 * (`<@1>`, `<@!1>`, `<@&1>`, `<#1>`) are removed here; adapters decode their own entities (Slack's `&amp;`)
 * before calling.
 */
import { MAX_QUERY_CHARS } from './parse';

/** Mention-like tokens and a leading "@name" addressed to the bot. */
function stripMentions(text: string): string {
  return text
    .replace(/<[@#!][^<>]*>/g, ' ')
    .replace(/<(?:https?|mailto):[^<>|]*\|([^<>]*)>/gi, ' $1 ')
    .replace(/<[^<>]*>/g, ' ')
    .replace(/(^|\s)@[^\s@]+/g, ' ');
}


/** Leading words before the name, tried in this order, each at most once. */
const LEADING: RegExp[] = [
  /^(?:hey|hi|hello|yo|ok|okay|so)\b[\s,!:;]*/iu,
  /^(?:can|could|would|will)\s+(?:you|u)\b\s*/iu,
  /^(?:please|pls|plz|kindly)\b\s*/iu,
  /^(?:quickly|quick|just)\b\s*/iu,
  new RegExp(
    String.raw`^(?:check(?:\s+on|\s+whether|\s+if)?|look\s*up|lookup|search(?:\s+for)?|screen|find|verify|tell\s+me\s+about|what\s+about|how\s+about|what'?s\s+(?:the\s+)?(?:status|deal|story)\s+(?:of|with|on)|what\s+is\s+(?:the\s+)?status\s+(?:of|on)|any\s+(?:hits?|matches|news|results?)\s+(?:for|on|about)|is\s+there\s+anything\s+(?:on|about|for)|do\s+we\s+have\s+anything\s+on|do\s+you\s+know(?:\s+about|\s+whether|\s+if)?|what\s+do\s+you\s+know\s+about)\b[\s,:;]*`,
    'iu',
  ),
  /^(?:whether|if)\b\s*/iu,
  // A question word ends the leading part: "is Check Point on any list?" keeps "Check Point".
  /^(?:is|are|was|were|has|have|had|does|do|did)\b\s*/iu,
  /^(?:请问|請問)/u,
  /^(?:请|請)?(?:帮我|幫我|帮忙|幫忙)?(?:查询|查詢|查一下|查查|查|看看|看一下|搜索|搜一下)(?:一下)?/u,
];

/** Trailing words after the name, stripped repeatedly in any order. */
const TRAILING: RegExp[] = [
  /[\s?!.,;:。？！，、~…]+$/u,
  /\b(?:please|pls|plz|thanks|thank\s+you|thx|ty|for\s+me|now|today|again|at\s+all|or\s+not|anywhere|still|currently|already)$/iu,
  // "on any list", "on the entity list", "on any US sanctions lists", "in a blacklist"
  /\b(?:on|in)\s+(?:[\w.'’-]+\s+){0,4}?(?:list|lists|blacklist|blacklists|watchlist|watchlists)$/iu,
  /\b(?:(?:a|an)\s+)?(?:sanctioned|designated|listed|blacklisted|blocked|restricted|banned|sanctions?\s+target)(?:\s+(?:company|entity|party|firm))?(?:\s+(?:by|in|from)\s+(?:the\s+)?[\w.'’-]+)?$/iu,
  /\b(?:under|subject\s+to|hit\s+by)\s+(?:any\s+|us\s+|u\.s\.\s+|chinese\s+)?(?:sanctions?|export\s+controls?)$/iu,
  /\b(?:is|are|was|were)\s+(?:it|they)$/iu,
  /\b(?:is|are|was|were|has|have|been|get|got)$/iu,
  /(?:是否|有没有|有沒有)?(?:已经|已經|已)?(?:被)?(?:美国|美國|中国|中國)?(?:制裁|列入|列名|拉黑)(?:了)?(?:吗|么|嗎|麼|呢)?$/u,
  /在.{0,12}?(?:清单|名单|清單|名單)(?:上|里|裡|中|内|內)?(?:吗|么|嗎|麼|呢)?$/u,
  /(?:是否|有没有|有沒有|吗|么|嗎|麼|呢)$/u,
];

const QUOTED = /["“”「『《]\s*([^"“”「」『』《》]+?)\s*["“”」』》]/u;

/** The name a question asks about ("" when there is none). */
export function entityFromQuestion(text: string): string {
  let s = stripMentions(text.normalize('NFKC')).replace(/\s+/g, ' ').trim();
  const quoted = s.match(QUOTED)?.[1]?.trim();
  if (quoted) return quoted.slice(0, MAX_QUERY_CHARS);
  for (const pattern of LEADING) {
    const next = s.replace(pattern, '').trim();
    if (next) s = next;
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (const pattern of TRAILING) {
      const next = s.replace(pattern, '').trim();
      if (next !== s && next) {
        s = next;
        changed = true;
      }
    }
  }
  // Only punctuation or filler left ("?", "please"): nothing was asked about.
  s = s.replace(/^[\s?!.,;:。？！，、~…'"’‘-]+/u, '').trim();
  if (!/[\p{L}\p{N}]/u.test(s) || /^(?:please|pls|help|hi|hello|hey|thanks)$/i.test(s)) return '';
  return s.slice(0, MAX_QUERY_CHARS).trim();
}

/** Options of the lookup grammar that a question may carry: `list:US-BIS-EL`, `side:cn`, `page:2`. */
const OPTION = /^(?:list|lists|side|page):\S+$/i;

/** Commands that take free words after them (their own grammar). */
const WITH_ARGUMENTS = new Set(['subscribe', 'unsubscribe', 'watch', 'details', 'help']);
/** Commands that stand alone (so "status of Huawei" stays a lookup). */
const ALONE = new Set(['subscriptions', 'lists', 'status', '?']);

/**
 * A message to the bot -> a command line: the message itself when it is a command ("status", "recent 30",
 * "subscribe cn", "lookup DJI side:us"), else `lookup <entity>` keeping any list:/side: options, else "help".
 */
export function commandFromQuestion(text: string): string {
  const words = stripMentions(text.normalize('NFKC')).trim().split(/\s+/).filter(Boolean);
  if (!words.length) return 'help';
  const first = words[0]!;
  const head = first === '?' ? '?' : first.toLowerCase().replace(/[?!.,;:。？！]+$/u, '');
  const rest = words.slice(1);
  if (WITH_ARGUMENTS.has(head)) return [head, ...rest].join(' ');
  if (ALONE.has(head) && !rest.length) return head;
  if (head === 'recent' && (!rest.length || (rest.length === 1 && /^\d+[?.!]?$/.test(rest[0]!)))) return ['recent', ...rest.map((w) => w.replace(/[?.!]$/, ''))].join(' ');
  const body = head === 'lookup' ? rest : words;
  const options = body.filter((w) => OPTION.test(w));
  const entity = entityFromQuestion(body.filter((w) => !OPTION.test(w)).join(' '));
  if (!entity) return 'help';
  return ['lookup', entity, ...options].join(' ');
}
