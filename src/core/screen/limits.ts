/**
 * How much one screening may ask for: file size and rows. Stated in every answer's help and README, enforced
 * before any lookup runs, and configurable through the environment (validated: a bad value is a ConfigError
 * naming the variable, like every other setting).
 *
 *   SCREEN_MAX_BYTES   largest file accepted, in bytes (default 5 MB = 5,242,880)
 *   SCREEN_MAX_ROWS    most rows of names in one file, header not counted (default 5,000)
 */
import { z } from 'zod';
import { ConfigError } from '../config';

export const DEFAULT_SCREEN_MAX_BYTES = 5 * 1024 * 1024;
export const DEFAULT_SCREEN_MAX_ROWS = 5000;

export interface ScreenLimits {
  maxBytes: number;
  maxRows: number;
}

const whole = (min: number, max: number, fallback: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      const n = Number(v.replace(/_/g, ''));
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be a whole number from ${min} to ${max}, got "${v}"` });
        return z.NEVER;
      }
      return n;
    });

const ScreenEnv = z.object({
  SCREEN_MAX_BYTES: whole(1024, 100 * 1024 * 1024, DEFAULT_SCREEN_MAX_BYTES),
  SCREEN_MAX_ROWS: whole(1, 100_000, DEFAULT_SCREEN_MAX_ROWS),
});

/** The limits from the environment; a ConfigError naming the variable when one is not a valid number. */
export function screenLimits(env: NodeJS.ProcessEnv = process.env): ScreenLimits {
  const parsed = ScreenEnv.safeParse({ SCREEN_MAX_BYTES: env.SCREEN_MAX_BYTES, SCREEN_MAX_ROWS: env.SCREEN_MAX_ROWS });
  if (!parsed.success) throw new ConfigError(`invalid configuration: ${parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join('; ')}`);
  return { maxBytes: parsed.data.SCREEN_MAX_BYTES, maxRows: parsed.data.SCREEN_MAX_ROWS };
}

/** "5 MB" / "300 KB" / "900 bytes" */
export function sizeText(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} bytes`;
}

/** "at most 5 MB and 5,000 rows" */
export function limitsText(limits: ScreenLimits): string {
  return `at most ${sizeText(limits.maxBytes)} and ${limits.maxRows.toLocaleString('en-US')} rows`;
}
