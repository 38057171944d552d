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
/** The longest query any entry point passes on to the matcher. */
export const MAX_QUERY_CHARS = 200;

/** Mention-like tokens and a leading "@name" addressed to the bot. */
export function stripMentions(text: string): string {
  return text
    .replace(/<[@#!][^<>]*>/g, ' ')
    .replace(/<(?:https?|mailto):[^<>|]*\|([^<>]*)>/gi, ' $1 ')
    .replace(/<[^<>]*>/g, ' ')
    .replace(/(^|\s)@[^\s@]+/g, ' ');
}


/**
 * Leading words before the name, tried in this order, each at most once. Those marked `sentence` are also
 * the first word of real names ("So Yuen", "Check Point", "Find Ltd", "Do Van Minh"): they are dropped only
 * when the text reads as a question, never from a bare name.
 */
const LEADING: Array<{ pattern: RegExp; sentence?: true }> = [
  { pattern: /^(?:hey|hi|hello|yo|ok|okay|so)\b[\s,!:;]*/iu, sentence: true },
  { pattern: /^(?:can|could|would|will)\s+(?:you|u)\b\s*/iu },
  { pattern: /^(?:please|pls|plz|kindly)\b\s*/iu },
  { pattern: /^(?:quickly|quick|just)\b\s*/iu, sentence: true },
  {
    pattern: new RegExp(
      String.raw`^(?:look\s*up|lookup|search\s+for|tell\s+me\s+about|what\s+about|how\s+about|what'?s\s+(?:the\s+)?(?:status|deal|story)\s+(?:of|with|on)|what\s+is\s+(?:the\s+)?status\s+(?:of|on)|any\s+(?:hits?|matches|news|results?)\s+(?:for|on|about)|is\s+there\s+anything\s+(?:on|about|for)|do\s+we\s+have\s+anything\s+on|do\s+you\s+know(?:\s+about|\s+whether|\s+if)?|what\s+do\s+you\s+know\s+about|check\s+(?:on|whether|if))\b[\s,:;]*`,
      'iu',
    ),
  },
  { pattern: /^(?:check|search|screen|find|verify)\b[\s,:;]*/iu, sentence: true },
  { pattern: /^(?:whether|if)\b\s*/iu, sentence: true },
  // A question word ends the leading part: "is Check Point on any list?" keeps "Check Point".
  { pattern: /^(?:is|are|was|were|has|have|had|does|do|did)\b\s*/iu, sentence: true },
  { pattern: /^(?:请问|請問)/u },
  { pattern: /^(?:请|請)?(?:帮我|幫我|帮忙|幫忙)?(?:查询|查詢|查一下|查查|查|看看|看一下|搜索|搜一下)(?:一下)?/u },
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

/** What a bare name loses at its end: stray punctuation, but not the full stop of "N.V." or "Co.". */
const BARE_TRAILING = /[\s?!,;:。？！，、~…]+$/u;

const QUOTED = /["“”「『《]\s*([^"“”「」『』《》]+?)\s*["“”」』》]/u;

/** What makes a text a sentence about a name rather than the name alone. */
const QUESTION_MARKS: RegExp[] = [
  /[?？]/u,
  /\b(?:please|pls|plz|thanks|thank\s+you|can\s+you|could\s+you)\b/iu,
  /\b(?:on|in)\s+(?:[\w.'’-]+\s+){0,4}?(?:list|lists|blacklist|blacklists|watchlist|watchlists)\b/iu,
  /\b(?:sanctioned|designated|blacklisted|under\s+sanctions?|subject\s+to\s+(?:sanctions?|export\s+controls?))\b/iu,
  /(?:制裁|清单|名单|清單|名單|吗|嗎|么|麼|请问|請問|查一下|查询|查詢)/u,
];

export function readsAsQuestion(text: string): boolean {
  return QUESTION_MARKS.some((m) => m.test(text));
}

/**
 * The name a text asks about ("" when there is none): the one question parser behind every entry point
 * (slash commands, Discord options, mentions, DMs, console, CLI, batch lines). A bare name comes back as it
 * was typed (trimmed); a sentence ("is DJI sanctioned?", "请查一下华为") loses its question words. Mention
 * tokens are the message layer's business (`parseMessage`): in a slash command's text they are what was typed.
 */
export function entityFromQuestion(text: string): string {
  let s = text.normalize('NFKC').replace(/\s+/g, ' ').trim();
  const quoted = s.match(QUOTED)?.[1]?.trim();
  if (quoted) return quoted.slice(0, MAX_QUERY_CHARS);
  const sentence = readsAsQuestion(s);
  for (const { pattern, sentence: onlyInSentence } of LEADING) {
    if (onlyInSentence && !sentence) continue;
    const next = s.replace(pattern, '').trim();
    if (next) s = next;
  }
  // A bare name loses only trailing punctuation; a sentence its trailing question words too.
  const trailing = sentence ? TRAILING : [BARE_TRAILING];
  for (let changed = true; changed; ) {
    changed = false;
    for (const pattern of trailing) {
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
