/**
 * The shape of one `entities-json` item, checked field by field (zod) before any of it becomes a record:
 * a name that is not text (`"name": 12345`) or aliases that are not a list of texts (`"aliases": "x"`)
 * are damage, not data. Every invalid item of a document is reported (file, item number, name, field);
 * one invalid item quarantines the whole snapshot (see `checkItems`).
 */
import { z } from 'zod';
import { formatZodIssues } from './config';
import { ParseError } from './types';

const Text = z.string().nullable().optional();
const Texts = z.array(z.string('expected texts'), 'expected a list of texts').nullable().optional();
/** Fields that take one text or a list of texts (country "CN" or countries ["CN", "HK"]). */
const TextOrTexts = z.union([z.string(), z.array(z.string())], 'expected a text or a list of texts').nullable().optional();
const Id = z.union([z.string(), z.number().int()]).nullable().optional();

export const EntitiesJsonItem = z
  .object({
    name: z.string({ error: (issue) => (issue.input === undefined ? 'missing' : 'expected the name as text') }).trim().min(1, 'empty'),
    id: Id,
    uid: Id,
    list: Text,
    type: Text,
    aliases: Texts,
    altNames: Texts,
    alt_names: Texts,
    program: TextOrTexts,
    programs: TextOrTexts,
    country: TextOrTexts,
    countries: TextOrTexts,
    address: TextOrTexts,
    addresses: TextOrTexts,
    effective_date: Text,
    startDate: Text,
    start_date: Text,
    listing_date: Text,
    federal_register: Text,
    citation: Text,
    notes: Text,
    remarks: Text,
    status: Text,
    cnStatus: Text,
    cnStatusUntil: Text,
    until: Text,
    end_date: Text,
    endDate: Text,
    sourceUrl: Text,
    source_url: Text,
    url: Text,
    authority: Text,
  })
  .passthrough();
export type EntitiesJsonItem = z.infer<typeof EntitiesJsonItem>;

/** How many invalid items an error message names before it counts the rest. */
const SHOWN = 5;

/**
 * Check every item; any invalid one is a ParseError naming the file, how many items are invalid and the
 * first few (item number, name, field and what is wrong). Nothing of a document with invalid items is used:
 * applying the rest would turn each invalid item into a false removal.
 */
export function checkItems(items: unknown[], file: string): EntitiesJsonItem[] {
  const bad: string[] = [];
  const out: EntitiesJsonItem[] = [];
  items.forEach((item, i) => {
    const parsed = EntitiesJsonItem.safeParse(item);
    if (parsed.success) {
      out.push(parsed.data);
      return;
    }
    const raw = (item as { name?: unknown } | null)?.name;
    const name = typeof raw === 'string' ? ` "${raw}"` : '';
    bad.push(`item ${i + 1}${name}: ${formatZodIssues(parsed.error)}`);
  });
  if (bad.length) {
    const more = bad.length > SHOWN ? `; and ${bad.length - SHOWN} more` : '';
    throw new ParseError(`${file}: ${bad.length} of ${items.length} items are invalid, the snapshot is not used: ${bad.slice(0, SHOWN).join('; ')}${more}`);
  }
  return out;
}
