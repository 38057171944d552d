/**
 * Lookup answers as JSON, for servers that answer the same names again and again (the HTTP API: screening tools
 * and ERP hooks re-screen the same counterparties at every order). A lookup's answer is its matches, which depend
 * only on the query, its options, the dataset version and the day (a suspension runs out on a date), and the
 * coverage of the lists searched, which changes without the data changing (a source fails, data ages). So the
 * matches are kept serialised per dataset version, and the coverage is read for every answer (coverage.ts reuses
 * it for two seconds at most). The answer is byte for byte JSON.stringify(lookup(...)).
 *
 * Memory: bounded by the serialised size (32 MiB by default, the least recently used go first); every entry goes
 * when the dataset version moves.
 */
import { coverage, type Coverage } from './coverage';
import { isoDay } from './designation-status';
import type { LookupMatches, LookupOptions } from './lookup';
import type { Db } from './store/db';
import { datasetVersion } from './store/meta';

/** A lookup's matches serialised around where the coverage goes: head + coverage + tail is the answer. */
export interface MatchesJson {
  head: string;
  tail: string;
  /** The dataset version the matches were found in. */
  version: number;
  /** The whole answer as UTF-8, for the coverage it was last made with (kept matches only: coverage.ts hands one object back while it reuses it). */
  bytes?: { covered: Coverage; body: Buffer };
}

export function matchesJson(found: LookupMatches): MatchesJson {
  const head = `{"query":${JSON.stringify(found.query)},"results":${JSON.stringify(found.results)},"total":${found.total},"offset":${found.offset}`;
  let tail = '';
  if (found.review) tail += `,"review":${JSON.stringify(found.review)}`;
  if (found.outside_filter !== undefined) tail += `,"outside_filter":${found.outside_filter}`;
  return { head, tail: `${tail}}`, version: found.version };
}

/** The coverage's part of an answer, serialised once per coverage answer (coverage.ts hands the same object back while it reuses it). */
const coverageText = new WeakMap<Coverage, string>();

export function answerJson(found: MatchesJson, covered: Coverage): string {
  let text = coverageText.get(covered);
  if (text === undefined) {
    text = `,"searched":${JSON.stringify(covered.lists)},"as_of":${JSON.stringify(covered.as_of)},"warnings":${JSON.stringify(covered.warnings)}`;
    coverageText.set(covered, text);
  }
  return found.head + text + found.tail;
}

/** The answer's JSON for these matches, with the coverage of the lists the options searched read now. */
export function answerWithCoverage(db: Db, found: MatchesJson, options: LookupOptions): string {
  return answerJson(found, coverage(db, { lists: options.lists, side: options.side }, options.now));
}

export const DEFAULT_ANSWER_CACHE_BYTES = 32 * 1024 * 1024;

/** What an entry may hold: its text, and as much again for the bytes of its last answer. */
function sizeOf(key: string, found: MatchesJson): number {
  return 2 * (found.head.length + found.tail.length) + key.length;
}

/** Everything the matches depend on but the dataset version. */
function keyOf(query: string, options: LookupOptions): string {
  const lists = options.lists?.length ? [...options.lists].sort().join(',') : '';
  return `${isoDay(options.now ?? new Date())}|${options.limit ?? 10}|${options.offset ?? 0}|${lists}|${options.side ?? ''}|${options.review ? 1 : 0}|${query}`;
}

export class LookupAnswerCache {
  private readonly entries = new Map<string, MatchesJson>();
  private bytes = 0;
  private version = -1;
  hits = 0;
  misses = 0;

  constructor(private readonly maxBytes = DEFAULT_ANSWER_CACHE_BYTES) {}

  /**
   * The answer as UTF-8 bytes, ready to send: made once per kept match and coverage answer, so that a name asked
   * again is not serialised, joined and encoded again on every request.
   */
  async answerBytes(db: Db, query: string, options: LookupOptions, find: () => MatchesJson | Promise<MatchesJson>): Promise<Buffer> {
    const found = await this.matches(db, query, options, find);
    const covered = coverage(db, { lists: options.lists, side: options.side }, options.now);
    if (found.bytes?.covered === covered) return found.bytes.body;
    const body = Buffer.from(answerJson(found, covered), 'utf8');
    found.bytes = { covered, body };
    return body;
  }

  /**
   * The answer's JSON: the matches kept for this query, options and dataset version, or found by `find` (and
   * kept), with the coverage read now.
   */
  async answer(db: Db, query: string, options: LookupOptions, find: () => MatchesJson | Promise<MatchesJson>): Promise<string> {
    return answerWithCoverage(db, await this.matches(db, query, options, find), options);
  }

  private async matches(db: Db, query: string, options: LookupOptions, find: () => MatchesJson | Promise<MatchesJson>): Promise<MatchesJson> {
    const version = datasetVersion(db);
    if (version !== this.version) this.clear(version);
    const key = keyOf(query, options);
    let found = this.entries.get(key);
    if (found) {
      this.hits++;
      // Most recently used last: the first entries are the ones to drop.
      this.entries.delete(key);
      this.entries.set(key, found);
    } else {
      this.misses++;
      found = await find();
      this.keep(key, found);
    }
    return found;
  }

  private keep(key: string, found: MatchesJson): void {
    // Found in another version (a refresh landed meanwhile): answered, not kept.
    if (found.version !== this.version) return;
    const size = sizeOf(key, found);
    if (size > this.maxBytes / 4) return;
    const old = this.entries.get(key);
    if (old) this.bytes -= sizeOf(key, old);
    this.entries.set(key, found);
    this.bytes += size;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= sizeOf(k, v);
    }
  }

  private clear(version: number): void {
    this.entries.clear();
    this.bytes = 0;
    this.version = version;
  }

  get size(): number {
    return this.entries.size;
  }
}
