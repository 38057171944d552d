/**
 * Source-health notices on the shared store (PostgreSQL mode, issue 16), as health.ts does on the SQLite file: the
 * channels that asked for health notices hear once that a source went failed or quarantined, and once that it
 * recovered. The leader's own copy has the sources' states (its refreshes); what was told is recorded in the shared
 * store with the notice's messages, in one transaction (SharedSources.claimNotice), so each status change is told
 * once whichever process leads, a leader handing over in the middle included.
 */
import type { Db } from '../store/db';
import type { SharedStore } from '../shared/types';
import { sourceHealthNotice } from './health';

/** The statuses told (or recorded as the starting point): a source not refreshed yet ('new') says nothing. */
const TOLD = new Set(['ok', 'failed', 'quarantined']);

/** Per local copy, the status this process last recorded as told of each source: not asked again while it stays. */
const told = new WeakMap<Db, Map<string, string>>();

/** Ask again at the next turn (a new lead: another leader may have told other statuses meanwhile). */
export function forgetToldHealth(db: Db): void {
  told.delete(db);
}

/** Queue a notice for every source of this copy whose status changed since the channels were last told; the messages queued. */
export async function noticeSharedHealth(db: Db, store: Pick<SharedStore, 'sources'>, now = new Date()): Promise<number> {
  const sources = db.prepare<[], { id: string; status: string; last_error: string | null }>('SELECT id, status, last_error FROM sources ORDER BY id').all();
  let known = told.get(db);
  if (!known) told.set(db, (known = new Map()));
  let queued = 0;
  for (const s of sources) {
    if (!TOLD.has(s.status) || known.get(s.id) === s.status) continue;
    const notice = (previous: string | null) => {
      const reply = sourceHealthNotice(s, previous);
      return reply && JSON.stringify(reply);
    };
    const n = await store.sources.claimNotice(s.id, s.status, notice, now);
    // null: the source has no shared row yet (publishing records it): asked again next turn.
    if (n !== null) {
      known.set(s.id, s.status);
      queued += n;
    }
  }
  return queued;
}
