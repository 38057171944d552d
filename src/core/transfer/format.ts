/**
 * The file of `sanctions export` and `sanctions import`: JSON lines. Line 1 is the header (format, version,
 * exported_at, source engine); every other line is one record of the users' own data, {"type": ..., ...fields}.
 * The list data is not in it (a refresh rebuilds it), nor anything keyed by the source database's ids (the outbox,
 * delivery attempts, change events, and so the acknowledgements of delivered alerts).
 *
 * Each line is checked on import (zod); an error names the line and the field.
 */
import { z } from 'zod';
import { installationKey } from '../installations/store';
import { ListCode } from '../lists';
import { ChangeKind } from '../model';

export const FORMAT_NAME = 'sanctions-user-data';
export const FORMAT_VERSION = 1;

const time = z.iso.datetime({ offset: true });
const text = z.string().min(1);

export const Header = z.strictObject({
  format: z.literal(FORMAT_NAME),
  version: z.number().int().positive(),
  exported_at: time,
  engine: z.enum(['sqlite', 'postgres']),
});
export type Header = z.infer<typeof Header>;

const Target = z.union([z.enum(['all', 'side:us', 'side:cn']), ListCode]);
const clock = z.string().regex(/^\d{2}:\d{2}$/, 'a time of day, HH:MM');
const Schedule = z.discriminatedUnion('every', [
  z.strictObject({ every: z.literal('live') }),
  z.strictObject({ every: z.literal('daily'), at: clock, tz: text }),
  z.strictObject({ every: z.literal('weekly'), day: z.number().int().min(1).max(7), at: clock, tz: text }),
]);

const SubscriptionLine = z.strictObject({
  type: z.literal('subscription'),
  platform: text,
  channel: text,
  targets: z.array(Target),
  excluded: z.array(ListCode),
  kinds: z.array(ChangeKind),
  countries: z.array(z.string()),
  health: z.boolean(),
  pausedReason: z.string().nullable(),
  pausedAt: time.nullable(),
  createdBy: z.string().nullable(),
  createdAt: time,
  updatedAt: time,
  schedule: Schedule.nullable(),
  summaryDueAt: time.nullable(),
  summarySince: time.nullable(),
});

const WatchTermLine = z.strictObject({
  type: z.literal('watch_term'),
  platform: text,
  channel: text,
  term: text,
  createdBy: z.string().nullable(),
  createdAt: time,
});

const AuditLine = z.strictObject({
  type: z.literal('audit'),
  at: time,
  platform: text,
  actor: z.string().nullable(),
  place: z.string().nullable(),
  query: z.string(),
  results: z.array(z.strictObject({ id: z.string(), name: z.string(), score: z.number(), lists: z.array(z.string()) })),
  datasetVersion: z.number().int().nonnegative(),
});

const InstallationLine = z.strictObject({
  type: z.literal('slack_installation'),
  key: text,
  teamId: text.optional(),
  enterpriseId: text.optional(),
  enterpriseInstall: z.boolean(),
  botToken: text,
  botUserId: text.optional(),
  botId: text.optional(),
  raw: z.json(),
  installedAt: time,
  updatedAt: time,
}).superRefine((line, ctx) => {
  // The key is what the store files the installation under: checked here, with the other lines, before anything is written.
  try {
    const expected = installationKey(line);
    if (expected !== line.key) ctx.addIssue({ code: 'custom', path: ['key'], message: `should be ${expected} (${line.enterpriseInstall ? 'the enterprise id of an org-wide install' : 'the team id'})` });
  } catch (err) {
    ctx.addIssue({ code: 'custom', path: [line.enterpriseInstall ? 'enterpriseId' : 'teamId'], message: (err as Error).message });
  }
});

const ChannelLine = z.strictObject({
  type: z.literal('slack_channel_workspace'),
  channel: text,
  teamId: text.optional(),
  enterpriseId: text.optional(),
  updatedAt: time,
});

export const Line = z.discriminatedUnion('type', [SubscriptionLine, WatchTermLine, AuditLine, InstallationLine, ChannelLine]);
export type Line = z.infer<typeof Line>;
export type LineType = Line['type'];
export const LINE_TYPES: LineType[] = ['subscription', 'watch_term', 'slack_installation', 'slack_channel_workspace', 'audit'];

export class TransferFormatError extends Error {}

/** "targets[0]: Invalid option ..." for each issue. */
function issues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.').replace(/\.(\d+)/g, '[$1]') : '(line)'}: ${i.message}`).join('; ');
}

function json(raw: string, lineNo: number): unknown {
  try {
    return JSON.parse(raw);
  } catch (err) {
    throw new TransferFormatError(`line ${lineNo}: not JSON (${(err as Error).message})`);
  }
}

/** The header (line 1): a file of another format, or of a version this program does not know, is refused. */
export function parseHeader(raw: string): Header {
  const value = json(raw, 1);
  const format = (value as { format?: unknown } | null)?.format;
  if (format !== FORMAT_NAME) throw new TransferFormatError(`line 1: not a ${FORMAT_NAME} file (format: ${JSON.stringify(format ?? null)}); a file of \`sanctions export\` starts with its header`);
  const version = (value as { version?: unknown }).version;
  if (version !== FORMAT_VERSION) {
    throw new TransferFormatError(`line 1: format version ${JSON.stringify(version ?? null)} is not one this program reads (it reads version ${FORMAT_VERSION}); use the program that exported it, or a newer one`);
  }
  const parsed = Header.safeParse(value);
  if (!parsed.success) throw new TransferFormatError(`line 1 (header): ${issues(parsed.error)}`);
  return parsed.data;
}

export function parseLine(raw: string, lineNo: number): Line {
  const parsed = Line.safeParse(json(raw, lineNo));
  if (!parsed.success) {
    const type = (JSON.parse(raw) as { type?: unknown } | null)?.type;
    throw new TransferFormatError(`line ${lineNo}${typeof type === 'string' ? ` (${type})` : ''}: ${issues(parsed.error)}`);
  }
  return parsed.data;
}
