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
import { sourceStateKey } from './rows';
import type { SharedStore } from './types';

/** A source to refresh to follow the leader, and the state (sourceStateKey) it set out to follow. */
export interface DueSource {
  id: string;
  key: string;
}

export class SourceFollower {
  /** The shared state last followed, per source. */
  private readonly tried = new Map<string, string>();
  /** Sources whose following failed: not tried again before then (ms since the epoch). */
  private readonly retryAt = new Map<string, number>();

  constructor(private readonly store: Pick<SharedStore, 'sources'>) {}

  /**
   * The sources to refresh now to follow the leader: those whose shared state (the content the leader applied and the
   * removals it holds back) differs from this copy's, each shared state once.
   */
  async due(db: Db, now = Date.now()): Promise<DueSource[]> {
    const local = new Map(localSourceStates(db).map((s) => [s.id, sourceStateKey(s)]));
    const due: DueSource[] = [];
    for (const s of await this.store.sources.list()) {
      const key = sourceStateKey(s);
      if (key === null || s.status !== 'ok' || local.get(s.id) === key || this.tried.get(s.id) === key) continue;
      if ((this.retryAt.get(s.id) ?? 0) > now) continue;
      due.push({ id: s.id, key });
    }
    return due;
  }

  /** Say these sources could not be refreshed: tried again in RETRY_FAILED_MS. */
  failed(ids: string[], now = Date.now()): void {
    for (const id of ids) this.retryAt.set(id, now + RETRY_FAILED_MS);
  }

  /** Say these sources were refreshed to follow the states `due` gave (not what is shared now: it may have moved on). */
  followed(sources: DueSource[]): void {
    for (const s of sources) {
      this.retryAt.delete(s.id);
      this.tried.set(s.id, s.key);
    }
  }

  /** Whether this copy now holds every one of these states (the follow refresh got what the leader had). */
  static reached(db: Db, sources: DueSource[]): boolean {
    const local = new Map(localSourceStates(db).map((s) => [s.id, sourceStateKey(s)]));
    return sources.every((s) => local.get(s.id) === s.key);
  }
}
