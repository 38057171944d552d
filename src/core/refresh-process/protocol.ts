/**
 * The messages between a serving process and the child process that refreshes for it (refresh-process/run.ts
 * and child.ts). Validated with zod on both sides: the child is a separate program and the channel a boundary.
 */
import { z } from 'zod';
import { SourceConfig } from '../sources/config';

export const RefreshJob = z.object({
  type: z.literal('refresh'),
  dbPath: z.string().min(1),
  sources: z.array(SourceConfig).min(1),
});
export type RefreshJob = z.infer<typeof RefreshJob>;

const Outcome = z.enum(['applied', 'unchanged', 'not-modified', 'quarantined', 'failed']);

export const SourceResult = z.object({
  source: z.string(),
  outcome: Outcome,
  records: z.number(),
  added: z.number(),
  removed: z.number(),
  changed: z.number(),
  suspended: z.number(),
  baseline: z.boolean(),
  held: z.number().optional(),
  message: z.string().optional(),
  warnings: z.array(z.string()).optional(),
  refreshId: z.number(),
  ms: z.number(),
});

export const ChildMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start'), source: z.string() }),
  z.object({ type: z.literal('result'), result: SourceResult }),
  z.object({ type: z.literal('done'), results: z.array(SourceResult), rssPeakBytes: z.number() }),
  /** busy: another process holds the database's refresh lease (the message says who, since when). */
  z.object({ type: z.literal('error'), message: z.string(), busy: z.boolean().optional() }),
]);
export type ChildMessage = z.infer<typeof ChildMessage>;
