/**
 * The platform-neutral answer every command gives: a list of blocks that the console, Slack and Discord
 * renderers turn into text, Block Kit and embeds. Text here is plain (no markup): renderers escape it.
 */
import type { AlertFacts } from '../alerts/facts';
import type { ChangeEvent } from '../model';
import type { LookupResult } from '../lookup';

export type Block =
  | { type: 'heading'; text: string }
  | { type: 'text'; text: string }
  | { type: 'party'; party: LookupResult; band: 'match' | 'review' }
  | { type: 'fields'; fields: Array<{ label: string; value: string }> }
  | { type: 'table'; headers: string[]; rows: string[][] }
  | { type: 'events'; events: Array<ChangeEvent & { retaliation?: boolean; watch?: string; facts?: AlertFacts }>; more: number }
  | { type: 'actions'; actions: Action[] }
  /** Who acknowledged an alert ("Acknowledge") and when: a user id of the platform, and a display name. */
  | { type: 'handled'; user: string; name?: string; at: string }
  /** Plain text followed by a command of the grammar, which each renderer shows as its platform types it, as code. */
  | { type: 'hint'; text: string; line: string };

export interface Action {
  /** What the button does: more results, details of a party, share an ephemeral answer in the channel. */
  id: 'more' | 'details' | 'share' | 'page' | 'ack';
  label: string;
  /** What the adapter hands back when the button is pressed (a command line). */
  value: string;
}

export interface Reply {
  blocks: Block[];
  /** A line every renderer shows first, e.g. that the answer comes from the bundled seed. */
  notice?: string;
  /** Shown only to the person who asked (Slack: ephemeral; Discord: ephemeral flag). */
  private?: boolean;
  /** True for a refusal or a usage error. */
  error?: boolean;
  /** One line of plain text for notifications and logs. */
  summary: string;
  /** An alert message: its outbox row (for Show all and Acknowledge), and for a digest how many events it covers. */
  alert?: {
    outbox: number;
    digest: boolean;
    total: number;
    /** A scheduled summary: daily or weekly, the period it covers (ISO), and the lists its chart shows. */
    summary?: { every: 'daily' | 'weekly'; since: string; until: string; lists: string[] };
  };
  /** Files to attach (a digest's full content as CSV and Markdown), added at delivery; adapters upload them. */
  files?: ReplyFile[];
}

export interface ReplyFile {
  name: string;
  /** MIME type: text/csv, text/markdown, image/png. */
  type: string;
  title: string;
  /** The text, or for a binary file (a chart, image/png) its bytes in base64 with `encoding: 'base64'`. */
  content: string;
  encoding?: 'base64';
}

/** A file's bytes, whichever way its content is kept. */
export function fileBytes(f: ReplyFile): Buffer {
  const encoding = f.encoding === 'base64' ? 'base64' : 'utf8';
  if (f.content.length < SHARED_BYTES_FROM) return Buffer.from(f.content, encoding);
  // A digest delivered to thousands of channels attaches the same files to each: one buffer for all of them, not
  // a new one per message (buffers are allocated outside the JavaScript heap, and churning them is what grew the
  // process's memory during a large fan-out). Read-only by contract: callers upload it, never write to it.
  const kept = sharedBytes[encoding];
  let bytes = kept.get(f.content);
  if (!bytes) {
    bytes = Buffer.from(f.content, encoding);
    if (kept.size >= SHARED_BYTES_KEPT) kept.delete(kept.keys().next().value!);
    kept.set(f.content, bytes);
  }
  return bytes;
}

const SHARED_BYTES_FROM = 4096;
const SHARED_BYTES_KEPT = 16;
const sharedBytes = { utf8: new Map<string, Buffer>(), base64: new Map<string, Buffer>() };

export function textReply(text: string, options: Partial<Omit<Reply, 'blocks' | 'summary'>> = {}): Reply {
  return { blocks: [{ type: 'text', text }], summary: text.split('\n')[0]!, private: true, ...options };
}
