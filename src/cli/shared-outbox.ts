/**
 * `sanctions outbox`, `sanctions outbox retry --id N | --all` and the alerts part of `sanctions status` on
 * PostgreSQL (DATABASE_URL set): the outbox is the shared store's there, not the SQLite file's. The output is the
 * same as on the file (DESIGN.md: the CLI's text and JSON), so scripts read either.
 */
import { ConfigError, EnvSchema } from '../core/config';
import { PostgresSharedStore, redactUrl } from '../core/shared/postgres';
import type { FailedMessage } from '../core/alerts/failed';
import type { RetryWhich, SharedOutbox } from '../core/shared/types';
import { StoreError } from '../core/store/db';
import { shownTime } from '../core/time';
import { table } from './table';

export interface SharedOutboxIO {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** DATABASE_URL as the bot reads it (the same validation and messages as start-up); undefined when unset. */
export function sharedDatabaseUrl(env: NodeJS.ProcessEnv): string | undefined {
  const parsed = EnvSchema.shape.DATABASE_URL.safeParse(env.DATABASE_URL);
  if (!parsed.success) throw new ConfigError(`invalid configuration: DATABASE_URL: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  return parsed.data;
}

/** Run `work` on the shared outbox (one connection); a database failure is said with where it happened. */
async function withSharedOutbox<T>(url: string, work: (outbox: SharedOutbox) => Promise<T>): Promise<T> {
  const store = PostgresSharedStore.open(url, { max: 1 });
  try {
    return await work(store.outbox);
  } catch (err) {
    const e = err as Error & { code?: string };
    // 42P01: undefined table (a database not migrated yet).
    const hint = e.code === '42P01' ? ' (run `sanctions migrate` first)' : '';
    throw new StoreError(`PostgreSQL ${redactUrl(url)}: ${e.message || e.code || String(err)}${hint}`);
  } finally {
    await store.close();
  }
}

/** `sanctions outbox retry`: the same lines and exit status as on the SQLite file. */
export function retryShared(url: string, which: RetryWhich, io: SharedOutboxIO): Promise<number> {
  return withSharedOutbox(url, async (outbox) => {
    const n = await outbox.retryFailed(which);
    if ('id' in which && !n) {
      io.err(`sanctions: no failed message ${which.id} that can be sent again (see "sanctions outbox"; a paused subscription's messages are not sent again)`);
      return 1;
    }
    io.out(`${n} message(s) queued again: a running bot sends them within ALERT_POLL_MS.`);
    return 0;
  });
}

/** `sanctions outbox [--json]`: the failed messages, as on the SQLite file. */
export function listShared(url: string, json: boolean, io: SharedOutboxIO): Promise<number> {
  return withSharedOutbox(url, async (outbox) => {
    printFailed(await outbox.failedMessages(), json, io);
    return 0;
  });
}

/** `sanctions outbox`'s lines (DESIGN.md: text and JSON), whichever outbox the failed messages come from. */
export function printFailed(failed: readonly FailedMessage[], json: boolean, io: Pick<SharedOutboxIO, 'out'>): void {
  if (json) {
    for (const m of failed) io.out(JSON.stringify({ id: m.id, platform: m.platform, channel: m.channel, kind: m.kind, summary: m.summary, queued: m.created_at, attempts: m.attempts, error: m.last_error, paused: m.paused_reason }));
    return;
  }
  if (!failed.length) {
    io.out('No undelivered alert messages.');
    return;
  }
  io.out(
    table(
      ['id', 'platform', 'channel', 'queued', 'attempts', 'error', 'message'],
      failed.map((m) => [String(m.id), m.platform, m.channel, shownTime(m.created_at, 'minute'), String(m.attempts), m.paused_reason ? `subscription paused: ${m.paused_reason}` : (m.last_error ?? ''), m.summary.slice(0, 60)]),
      ['r', 'l', 'l', 'l', 'r'],
    ),
  );
}

/** The alerts lines of `sanctions status` (text): the shared outbox's backlog, and what could not be delivered. */
export function sharedStatusLines(url: string): Promise<string[]> {
  return withSharedOutbox(url, async (outbox) => {
    const [backlog, failed] = await Promise.all([outbox.backlog(), outbox.failedSummary()]);
    const lines = [
      `\nAlerts (shared outbox in PostgreSQL ${redactUrl(url)}): ${backlog.pending} message(s) waiting to be sent${backlog.oldest ? ` (oldest queued ${shownTime(backlog.oldest)})` : ''}, ${backlog.failed} failed.`,
    ];
    if (failed.retryable) {
      lines.push(
        `Alerts: ${failed.retryable} message(s) to ${failed.platforms.join(', ')} could not be delivered (oldest queued ${shownTime(failed.oldest)}; last error: ${failed.lastError ?? 'unknown'}): "sanctions outbox" lists them, "sanctions outbox retry --all" sends them again.`,
      );
    }
    return lines;
  });
}
