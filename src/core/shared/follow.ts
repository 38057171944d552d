/**
 * Following the leader's data (PostgreSQL mode, issue 16): every process answers lookups from its own local copy
 * of the lists, and only the leader refreshes on the schedule. The leader records what it applied of each source
 * (its content hash) in the shared store; a process that does not lead compares it with its own copy and refreshes
 * the sources whose content differs, so that its answers follow within one poll of the leader's refresh. Each
 * published content is followed once: a source that gives this process something else (the publisher changed the file
 * in between) is not fetched again and again, but at the leader's next change. A fetch that failed is tried again
 * after RETRY_FAILED_MS (not at every poll: the publisher's server is not hammered), so a host is never left answering
 * from old lists until the leader's next change.
 */

/** How long after a failed attempt to follow a source it is tried again. */
export const RETRY_FAILED_MS = 5 * 60_000;
import type { Db } from '../store/db';
import { localSourceStates } from '../alerts/shared-publish';
import type { SharedStore } from './types';

export class SourceFollower {
  /** The shared content hash last followed, per source. */
  private readonly tried = new Map<string, string>();
  /** Sources whose following failed: not tried again before then (ms since the epoch). */
  private readonly retryAt = new Map<string, number>();

  constructor(private readonly store: Pick<SharedStore, 'sources'>) {}

  /** The ids of the sources to refresh now to follow the leader (each published content once). */
  async due(db: Db, now = Date.now()): Promise<string[]> {
    const local = new Map(localSourceStates(db).map((s) => [s.id, s.contentHash]));
    const due: string[] = [];
    for (const s of await this.store.sources.list()) {
      if (!s.contentHash || s.status !== 'ok' || local.get(s.id) === s.contentHash || this.tried.get(s.id) === s.contentHash) continue;
      if ((this.retryAt.get(s.id) ?? 0) > now) continue;
      due.push(s.id);
    }
    return due;
  }

  /** Say these sources could not be refreshed: tried again in RETRY_FAILED_MS. */
  failed(ids: string[], now = Date.now()): void {
    for (const id of ids) this.retryAt.set(id, now + RETRY_FAILED_MS);
  }

  /** Say these sources were refreshed to follow what is published now. */
  async followed(ids: string[]): Promise<void> {
    for (const id of ids) this.retryAt.delete(id);
    const shared = new Map((await this.store.sources.list()).map((s) => [s.id, s.contentHash]));
    for (const id of ids) {
      const hash = shared.get(id);
      if (hash) this.tried.set(id, hash);
    }
  }
}
