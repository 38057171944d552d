/**
 * "Screen this message": the names a message holds (extract.ts), each looked up, and one private answer with a
 * line per name (matches first, then those to review, then any that could not be screened, then the clear
 * ones) and, once, the lists searched and how fresh their data is. The message itself is never echoed: only
 * the names found in it.
 */
import { verdictOf } from '../screen/verdict';
import type { AuditContext } from '../audit';
import { auditLookup, type SharedAuditStore } from '../audit-target';
import { coverage, coverageLine } from '../coverage';
import { screeningRefusal, type CommandContext } from '../commands/handle';
import { textReply, type Block, type Reply } from '../commands/reply';
import { listInfo } from '../lists';
import { lookup, matchExplanation, standingText, type LookupResponse, type LookupResult } from '../lookup';
import type { Db } from '../store/db';
import { extractNames, type Extraction, type FoundName } from './extract';

export type Verdict = 'match' | 'review' | 'clear' | 'error';

export interface ScreenedName {
  name: FoundName;
  verdict: Verdict;
  /** The best party: the top match, or the top of the review band. */
  best?: LookupResult;
  /** Matches at or above the threshold. */
  total: number;
  /** Why the name could not be screened (verdict error). */
  error?: string;
}

export interface MessageScreening {
  extraction: Extraction;
  /** In the order of the answer: matches, review, errors, clear. */
  names: ScreenedName[];
  /** The lists searched, and the oldest data among them. */
  scope: string;
  warnings: string[];
}

const ORDER: Record<Verdict, number> = { match: 0, review: 1, error: 2, clear: 3 };

/** Look up each name found; a lookup that fails marks its name "not screened", never clear. */
export function screenNames(db: Db, extraction: Extraction, options: { now?: Date; audit?: AuditContext; shared?: SharedAuditStore } = {}): MessageScreening {
  let seen: LookupResponse | undefined;
  const names = extraction.names.map((name): ScreenedName => {
    try {
      const response = lookup(db, name.text, { limit: 1, review: true, now: options.now });
      seen ??= response;
      if (options.audit) auditLookup({ db, shared: options.shared }, options.audit, response);
      // The same verdict as file screening (core/screen/verdict.ts): a match is a party with a designation in
      // force; one only suspended or delisted, or in the review band, is for review.
      const verdict = verdictOf(response);
      if (verdict === 'clear') return { name, verdict, total: 0 };
      return { name, verdict, best: response.results[0] ?? response.review?.[0], total: response.total };
    } catch (err) {
      return { name, verdict: 'error', total: 0, error: (err as Error).message };
    }
  });
  const covered = seen ? { lists: seen.searched, as_of: seen.as_of, warnings: seen.warnings } : coverage(db, {}, options.now);
  // Stable: within a verdict, the order of the message.
  names.sort((a, b) => ORDER[a.verdict] - ORDER[b.verdict]);
  return { extraction, names, scope: coverageLine(covered), warnings: covered.warnings };
}

const MARK: Record<Verdict, string> = { match: '● match', review: '◐ review', error: '⚠ not screened', clear: '○ clear' };

const cut = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** One line: the name as written, the best party, its lists, its status and how it matched. */
export function screenedLine(s: ScreenedName): string {
  const name = `"${cut(s.name.text.replace(/\s+/g, ' '), 80)}"`;
  if (s.verdict === 'clear') return `${MARK.clear}  ${name}: no match`;
  if (s.verdict === 'error') return `${MARK.error}  ${name}: the lookup failed (${cut(s.error ?? 'unknown error', 120)}); screen it again with a lookup`;
  const party = s.best!;
  const inForce = party.designations.filter((d) => d.status !== 'removed');
  const lists = [...new Set((inForce.length ? inForce : party.designations).map((d) => listInfo(d.list).short))].join(', ');
  const more = s.total > 1 ? ` (+${s.total - 1} more)` : '';
  return `${MARK[s.verdict]}  ${name} → ${cut(party.name, 80)}${more} · ${lists} · ${standingText(party)} · ${matchExplanation(party.match)}, score ${party.score.toFixed(2)}`;
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function screeningReply(screening: MessageScreening, options: { seed?: boolean } = {}): Reply {
  const { extraction, names } = screening;
  const by = (v: Verdict) => names.filter((n) => n.verdict === v).length;
  if (!names.length) {
    return {
      blocks: [
        { type: 'text', text: 'No organisation or person names found in this message (looked for legal forms such as Co., Ltd., Inc., GmbH; Chinese names ending in 公司, 集团, 研究院, 大学; quoted names; capitalised names). Nothing was screened.' },
        { type: 'hint', text: 'Screen a name directly:', line: 'lookup <name>' },
      ],
      summary: 'No names found in this message: nothing was screened',
      private: true,
    };
  }
  const tally = [count(by('match'), 'match', 'matches'), `${by('review')} to review`, ...(by('error') ? [`${by('error')} not screened`] : []), `${by('clear')} clear`].join(', ');
  const blocks: Block[] = [{ type: 'heading', text: `${count(names.length, 'name')} in this message: ${tally}` }];
  blocks.push({ type: 'text', text: names.map(screenedLine).join('\n') });
  const notes = [`${screening.scope.charAt(0).toUpperCase()}${screening.scope.slice(1)}.`];
  if (options.seed) notes.push('This is the bundled demo seed, a small sample: a clear line here proves nothing about the real lists.');
  if (extraction.capped) notes.push(`Only the first ${extraction.limit} of the ${extraction.found} names found were screened.`);
  if (extraction.truncated) notes.push('The message is long: only its beginning was read.');
  blocks.push({ type: 'text', text: notes.join('\n') });
  if (screening.warnings.length) blocks.push({ type: 'text', text: screening.warnings.map((w) => `⚠ ${w}`).join('\n') });
  if (extraction.capped) blocks.push({ type: 'hint', text: 'Screen the others one at a time:', line: 'lookup <name>' });
  return { blocks, summary: `${count(names.length, 'name')} screened: ${tally}`, private: true };
}

export type ScreenContext = Pick<CommandContext, 'db' | 'platform' | 'channel' | 'user' | 'place' | 'audit' | 'notice' | 'seed' | 'seedAnswers' | 'now' | 'shared'>;

/**
 * The whole of it for an adapter: refuse without list data, find the names, screen them, answer. The screening
 * comes back too (absent on a refusal), for an adapter that lays the lines out itself.
 */
export function screenMessageParts(text: string, ctx: ScreenContext): { reply: Reply; screening?: MessageScreening } {
  const refusal = screeningRefusal({ ...ctx, canManage: false });
  if (refusal) return { reply: textReply(refusal, { error: true }) };
  const extraction = extractNames(text);
  const audit: AuditContext | undefined = ctx.audit ? { platform: ctx.platform, actor: ctx.user, place: ctx.place ? `${ctx.place}/${ctx.channel}` : ctx.channel } : undefined;
  const screening = screenNames(ctx.db, extraction, { now: ctx.now?.(), audit, ...(ctx.shared ? { shared: ctx.shared } : {}) });
  const reply = screeningReply(screening, { seed: ctx.seed });
  return { reply: ctx.notice ? { ...reply, notice: ctx.notice } : reply, screening };
}

export function screenMessage(text: string, ctx: ScreenContext): Reply {
  return screenMessageParts(text, ctx).reply;
}
