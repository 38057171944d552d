/**
 * The parameters of a lookup as every non-chat entry point takes them (the CLI's flags, the HTTP API's query
 * string and batch lines): validated with zod, with one message per bad field, and the query read by the same
 * question parser as the chat entry points ("is DJI sanctioned? side:us" looks up DJI on the US lists).
 */
import { z } from 'zod';
import { parseCommand } from './commands/parse';
import { isListCode, type ListCode } from './lists';
import type { LookupOptions } from './lookup';

/** Comma-separated list codes (or an array of them), upper-cased; unknown codes are named. */
const ListCodes = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v, ctx) => {
    if (!v || (Array.isArray(v) && !v.length)) return undefined;
    const codes = (Array.isArray(v) ? v : v.split(',')).map((c) => c.trim().toUpperCase()).filter(Boolean);
    const bad = codes.filter((c) => !isListCode(c));
    if (bad.length) {
      ctx.addIssue({ code: 'custom', message: `unknown list code ${bad.join(', ')} (see "sanctions lists")` });
      return z.NEVER;
    }
    return codes.length ? (codes as ListCode[]) : undefined;
  });

export const LookupParams = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(10),
  page: z.coerce.number().int().min(1).max(1000).default(1),
  list: ListCodes,
  side: z.enum(['us', 'cn'], { message: 'must be us or cn' }).optional(),
});
export type LookupParams = z.infer<typeof LookupParams>;

/** LookupOptions from validated parameters. */
export function lookupOptions(p: LookupParams, review: boolean): LookupOptions {
  return { limit: p.limit, offset: (p.page - 1) * p.limit, lists: p.list, side: p.side, review };
}

/**
 * A query as every chat entry point reads it: the name, with its list:/side: options added to the given
 * ones; or what is wrong with it (names nothing, a bad option).
 */
export function readQuery(text: string, options: LookupOptions): { query: string; options: LookupOptions } | { problem: string; blank: boolean } {
  const command = parseCommand(`lookup ${text}`);
  if (command.name !== 'lookup') {
    // Blank: the text names nothing ("", "please"); otherwise it names something with a bad option (side:eu).
    const problem = command.name === 'help' && command.problem ? command.problem : 'lookup needs a QUERY';
    return { problem, blank: !text.trim() || /needs a (?:name|QUERY)$/.test(problem) };
  }
  return {
    query: command.query,
    options: {
      ...options,
      ...(command.lists ? { lists: [...new Set([...(options.lists ?? []), ...command.lists])] } : {}),
      ...(command.side ? { side: command.side } : {}),
    },
  };
}
