/**
 * Following the leader's data (PostgreSQL mode, issue 16): every process answers lookups from its own local copy
 * of the lists, and only the leader refreshes on the schedule. The leader records what it applied of each source
 * (its content hash) in the shared store; a process that does not lead compares it with its own copy and refreshes
 * the sources whose content differs, so that its answers follow within one poll of the leader's refresh. Each
 * published content is tried once: a source that gives this process something else (the publisher changed the file
 * in between) is not fetched again and again, but at the leader's next change.
 */
import type { Db } from '../store/db';
import { localSourceStates } from '../alerts/shared-publish';
import type { SharedStore } from './types';

export class SourceFollower {
  /** The shared content hash last tried, per source. */
  private readonly tried = new Map<string, string>();

  constructor(private readonly store: Pick<SharedStore, 'sources'>) {}

  /** The ids of the sources to refresh now to follow the leader (each published content once). */
  async due(db: Db): Promise<string[]> {
    const local = new Map(localSourceStates(db).map((s) => [s.id, s.contentHash]));
    const due: string[] = [];
    for (const s of await this.store.sources.list()) {
      if (!s.contentHash || s.status !== 'ok' || local.get(s.id) === s.contentHash || this.tried.get(s.id) === s.contentHash) continue;
      due.push(s.id);
    }
    return due;
  }

  /** Say these sources were refreshed to follow what is published now. */
  async followed(ids: string[]): Promise<void> {
    const shared = new Map((await this.store.sources.list()).map((s) => [s.id, s.contentHash]));
    for (const id of ids) {
      const hash = shared.get(id);
      if (hash) this.tried.set(id, hash);
    }
  }
}
