/**
 * The platform-neutral answer every command gives: a list of blocks that the console, Slack and Discord
 * renderers turn into text, Block Kit and embeds. Text here is plain (no markup): renderers escape it.
 */
import type { ChangeEvent } from '../model';
import type { LookupResult } from '../lookup';

export type Block =
  | { type: 'heading'; text: string }
  | { type: 'text'; text: string }
  | { type: 'party'; party: LookupResult; band: 'match' | 'review' }
  | { type: 'fields'; fields: Array<{ label: string; value: string }> }
  | { type: 'table'; headers: string[]; rows: string[][] }
  | { type: 'events'; events: Array<ChangeEvent & { retaliation?: boolean }>; more: number }
  | { type: 'actions'; actions: Action[] }
  /** Plain text followed by a command of the grammar, which each renderer shows as its platform types it, as code. */
  | { type: 'hint'; text: string; line: string };

export interface Action {
  /** What the button does: more results, details of a party, share an ephemeral answer in the channel. */
  id: 'more' | 'details' | 'share';
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
}

export function textReply(text: string, options: Partial<Omit<Reply, 'blocks' | 'summary'>> = {}): Reply {
  return { blocks: [{ type: 'text', text }], summary: text.split('\n')[0]!, private: true, ...options };
}
