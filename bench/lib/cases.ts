/**
 * Eval cases: one JSON object a line, {q, cat, expect: [{list, name}] | null} (shared/eval/README.md).
 * Every line is validated; a bad file is one error naming file:line and what is wrong on each bad line.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { isListCode } from '../../src/core/lists';
import { fold } from './fold';

export const Expectation = z.object({
  list: z.string().superRefine((v, ctx) => {
    if (!isListCode(v)) ctx.addIssue({ code: 'custom', message: `unknown list code "${v}" (see src/core/lists.ts)` });
  }),
  name: z
    .string()
    .min(1)
    .refine((n) => fold(n) !== '', { message: 'folds to nothing (no letter or digit): it would match every name' }),
});
export type Expectation = z.infer<typeof Expectation>;

export const EvalCase = z.object({
  q: z.string().refine((q) => q.trim() !== '', { message: 'empty query' }),
  cat: z.string().min(1),
  /** null: a negative case (nothing may be returned). */
  expect: z.array(Expectation).min(1).nullable(),
});
export type EvalCase = z.infer<typeof EvalCase>;

export class CasesError extends Error {}

/** Parse a cases text; `file` names it in errors. Blank lines are skipped. */
export function parseCases(text: string, file: string): EvalCase[] {
  const cases: EvalCase[] = [];
  const errors: string[] = [];
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((line, i) => {
      if (!line.trim()) return;
      const at = `${file}:${i + 1}`;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch (err) {
        errors.push(`${at}: not valid JSON (${(err as Error).message})`);
        return;
      }
      const parsed = EvalCase.safeParse(json);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(line)'}: ${issue.message}`);
        errors.push(`${at}: ${issues.join('; ')}`);
        return;
      }
      cases.push(parsed.data);
    });
  if (errors.length) {
    const shown = errors.slice(0, 20);
    if (errors.length > shown.length) shown.push(`... and ${errors.length - shown.length} more bad lines`);
    throw new CasesError(shown.join('\n'));
  }
  if (!cases.length) throw new CasesError(`${file}: no cases`);
  return cases;
}

export function loadCases(path: string): EvalCase[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CasesError(`cannot read cases file ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseCases(text, path);
}
