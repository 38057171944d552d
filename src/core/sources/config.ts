/**
 * The source-config file (DESIGN.md "Sources: the config file"): validated with zod, locations resolved
 * against the file's own directory, and one clear error naming the file and the bad field.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { ListCode } from '../lists';

export const FORMATS = [
  'csl-csv',
  'csl-json',
  'ofac-csv',
  'ofac-enhanced-xml',
  'entities-json',
  'dod-1260h-csv',
  'cn-sanctions-csv',
  'cn-notices',
  'ftm-json',
  'fr-rule-xml',
  'fr-rules',
] as const;
export const SourceFormat = z.enum(FORMATS);
export type SourceFormat = z.infer<typeof SourceFormat>;

const Location = z.string().min(1);

export const SourceConfig = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/i, 'use letters, digits, ".", "_" or "-"'),
    format: SourceFormat,
    location: Location,
    /** The list of a single-list format (entities-json, ofac-csv, ftm-json...). */
    list: ListCode.optional(),
    /** Keep only these lists from a multi-list source. */
    lists: z.array(ListCode).min(1).optional(),
    /** ofac-csv companions: alt.csv, add.csv, sdn_comments.csv. */
    aliases: Location.optional(),
    addresses: Location.optional(),
    comments: Location.optional(),
    /** node-cron expression overriding REFRESH_CRON for this source. */
    cron: z.string().optional(),
    /** Largest share of the stored records one refresh may remove before the snapshot is quarantined. */
    max_drop: z.number().min(0).max(1).optional(),
    /**
     * Removals need two looks: a snapshot removing more than `share` of the records or more than `records`
     * records has its removals held until the next fetch confirms them (defaults in core/removal-hold.ts).
     */
    removal_hold: z
      .object({ share: z.number().min(0).max(1).optional(), records: z.number().int().min(0).optional() })
      .strict()
      .optional(),
    /** Request timeout and size limit for http(s) locations. */
    timeout_ms: z.number().int().positive().optional(),
    max_bytes: z.number().int().positive().optional(),
    /** How often the publisher updates, for people (shown by `lists`). */
    cadence: z.string().optional(),
    /** Answers call this source's lists stale when its last good refresh is older than this (default 72). */
    stale_after_hours: z.number().positive().optional(),
    /** Demo data (the bundled seed): loaded and shown, but never screening data (lookups refuse it). */
    demo: z.boolean().optional(),
    description: z.string().optional(),
    /** Licence of the data, where it is not public domain. */
    licence: z.string().optional(),
    /**
     * Discovery (formats that read announcements: cn-notices, fr-rules): the index pages or API queries that
     * list the publisher's documents; each new relevant document is fetched once and kept (sources/discover.ts).
     * `seed`: a file or folder of documents known before (read each refresh); `max_new`: documents fetched per
     * refresh at most (the rest next time). With `discover`, `location` names the source for people.
     */
    discover: z
      .object({
        indexes: z.array(Location).min(1),
        seed: Location.optional(),
        max_new: z.number().int().positive().optional(),
      })
      .strict()
      .optional(),
  })
  .passthrough();
export type SourceConfig = z.infer<typeof SourceConfig>;

export const SourcesFile = z
  .object({
    description: z.string().optional(),
    sources: z.array(SourceConfig).min(1),
  })
  .passthrough()
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.sources.forEach((s, i) => {
      if (seen.has(s.id)) ctx.addIssue({ code: 'custom', path: ['sources', i, 'id'], message: `duplicate source id "${s.id}"` });
      seen.add(s.id);
    });
  });
export type SourcesFile = z.infer<typeof SourcesFile>;

export class ConfigError extends Error {}

export function isUrl(location: string): boolean {
  return /^https?:\/\//i.test(location);
}

/** Resolve a location against the directory of the config file that names it; URLs stay as they are. */
export function resolveLocation(location: string, baseDir: string): string {
  if (isUrl(location) || isAbsolute(location)) return location;
  return resolve(baseDir, location);
}

export function formatZodIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(top level)'}: ${issue.message}`)
    .join('; ');
}

/** Parse a source-config text; `origin` names it in errors; relative locations resolve against baseDir. */
export function parseSourcesFile(text: string, origin: string, baseDir: string): SourceConfig[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${origin}: not valid JSON (${(err as Error).message})`);
  }
  const parsed = SourcesFile.safeParse(json);
  if (!parsed.success) throw new ConfigError(`${origin}: ${formatZodIssues(parsed.error)}`);
  return parsed.data.sources.map((s) => ({
    ...s,
    location: resolveLocation(s.location, baseDir),
    aliases: s.aliases && resolveLocation(s.aliases, baseDir),
    addresses: s.addresses && resolveLocation(s.addresses, baseDir),
    comments: s.comments && resolveLocation(s.comments, baseDir),
    ...(s.discover
      ? {
          discover: {
            ...s.discover,
            indexes: s.discover.indexes.map((l) => resolveLocation(l, baseDir)),
            ...(s.discover.seed ? { seed: resolveLocation(s.discover.seed, baseDir) } : {}),
          },
        }
      : {}),
  }));
}

export function loadSourcesFile(path: string): SourceConfig[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read source config ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseSourcesFile(text, path, dirname(resolve(path)));
}
