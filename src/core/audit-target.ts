/**
 * Where a lookup is audited: the local database's trail (recordLookupSoon, the default) or, when the bot keeps its
 * state in a shared store (DATABASE_URL), that store's trail, so that every host's lookups are in one place. Both
 * write the same entry (lookupAuditEntry), with the dataset version of the local copy the answer came from.
 *
 * A write to the shared store is not waited for (the person is answered at once) and never fails an answer: a
 * failure is counted (sanctions_audit_write_failures_total) and told to the listener (main.ts's logger; stderr by
 * default). `settleSharedAudits()` waits for the writes still under way, for a clean shutdown.
 */
import { lookupAuditEntry, recordLookupSoon, type AuditContext } from './audit';
import type { LookupResponse } from './lookup';
import { metrics } from './ops/metrics';
import type { SharedAudit } from './shared/types';
import type { Db } from './store/db';
import { datasetVersion } from './store/meta';

/** The part of a shared store lookups are audited to. */
export interface SharedAuditStore {
  audit: Pick<SharedAudit, 'append'>;
}

export interface AuditTarget {
  /** The local database: the answer's dataset version, and the trail when there is no shared store. */
  db: Db;
  shared?: SharedAuditStore;
}

type FailureListener = (err: Error, entry: { platform: string; query: string }) => void;

const inFlight = new Set<Promise<unknown>>();
let lastWarned = 0;

const stderrListener: FailureListener = (err) => {
  // One line a minute at most: a database that is down would otherwise print one per lookup.
  if (Date.now() - lastWarned < 60_000) return;
  lastWarned = Date.now();
  process.stderr.write(`audit: a lookup could not be written to the shared audit trail: ${err.message} (counted in sanctions_audit_write_failures_total)\n`);
};

let listener: FailureListener = stderrListener;

/** Who hears about an audit entry the shared store did not take (main.ts: its logger). Returns the previous listener. */
export function onSharedAuditFailure(next: FailureListener): FailureListener {
  const previous = listener;
  listener = next;
  return previous;
}

/** Record a lookup in the trail of the target: the shared store's when there is one, else the local database's. */
export function auditLookup(target: AuditTarget, context: AuditContext, response: LookupResponse, now = new Date()): void {
  if (!target.shared) {
    recordLookupSoon(target.db, context, response, now);
    return;
  }
  const entry = lookupAuditEntry(context, response, datasetVersion(target.db), now);
  let write: Promise<unknown>;
  try {
    write = target.shared.audit.append(entry);
  } catch (err) {
    write = Promise.reject(err);
  }
  const settled = write
    .catch((err: unknown) => {
      metrics.auditWriteFailures.inc({ platform: context.platform });
      try {
        listener(err instanceof Error ? err : new Error(String(err)), { platform: entry.platform, query: entry.query });
      } catch {
        // A listener that throws must not make the failure unhandled.
      }
    })
    .finally(() => inFlight.delete(settled));
  inFlight.add(settled);
}

/** Wait for the shared audit writes under way (before closing the shared store). */
export async function settleSharedAudits(): Promise<void> {
  while (inFlight.size) await Promise.all([...inFlight]);
}
