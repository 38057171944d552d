/**
 * A damaged database file (truncated, overwritten, not SQLite at all) said in one line naming the file and
 * what to do, instead of a raw SqliteError, or answers read from broken pages.
 */
import type { Db } from './db';

export class CorruptDatabaseError extends Error {
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(
      `the database ${path} is damaged (${detail}): stop the bot and restore the last backup over it ` +
        `(made with "sanctions backup FILE"), or move it away and run "sanctions refresh" to rebuild the lists ` +
        `(subscriptions, watch terms and the audit trail live only in the database and its backups)`,
    );
  }
}

/** SQLITE_CORRUPT (and its extended codes) and SQLITE_NOTADB: the file is not a sound database. */
export function isCorruption(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
}

/** Turn a corruption error into CorruptDatabaseError; anything else passes through. */
export function explainCorruption(err: unknown, path: string): unknown {
  return isCorruption(err) ? new CorruptDatabaseError(path, (err as Error).message) : err;
}

/**
 * PRAGMA quick_check, stopped at the first problem: reads every page once (a fraction of a second for the
 * full dataset), so it runs where a damaged file must not pass unnoticed (start-up, status, refresh, backup),
 * not on every lookup.
 */
export function checkIntegrity(db: Db, path: string): void {
  let first: string;
  try {
    first = String((db.pragma('quick_check(1)') as Array<{ quick_check: string }>)[0]?.quick_check ?? 'no answer');
  } catch (err) {
    throw explainCorruption(err, path);
  }
  if (first !== 'ok') throw new CorruptDatabaseError(path, `integrity check: ${first.replace(/\s*\n\s*/g, ' ')}`);
}

/**
 * What went wrong with a command on `db`: a corruption error said plainly; an unexpected error (a matcher
 * crashing on data read from a broken page) checked against the file first, so a damaged file is named
 * as such; anything else unchanged.
 */
export function diagnose(db: Db, path: string, err: unknown, expected: (err: unknown) => boolean = () => false): unknown {
  if (isCorruption(err)) return new CorruptDatabaseError(path, (err as Error).message);
  if (err instanceof CorruptDatabaseError || expected(err)) return err;
  try {
    if (db.open) checkIntegrity(db, path);
  } catch (check) {
    if (check instanceof CorruptDatabaseError) return check;
  }
  return err;
}
