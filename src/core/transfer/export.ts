/**
 * `sanctions export`: the users' own data of the configured store as JSON lines (format.ts): subscriptions with
 * their filters and state, watch terms, Slack installations and the workspace of each channel, and the audit trail
 * (oldest first, read page by page). Records are written in a stable order (by their natural keys; audit by time of
 * entry), so two exports of the same data have the same body whatever the engine.
 */
import type { SharedStore } from '../shared/types';
import { FORMAT_NAME, FORMAT_VERSION, type Header, type Line, type LineType } from './format';

const AUDIT_PAGE = 1000;

export type TransferCounts = Record<LineType, number>;

export const zeroCounts = (): TransferCounts => ({ subscription: 0, watch_term: 0, slack_installation: 0, slack_channel_workspace: 0, audit: 0 });

/** Write the header and every record, one JSON line each (`write` gets the line without its newline). */
export async function exportUserData(store: SharedStore, write: (line: string) => void | Promise<void>, now = new Date()): Promise<TransferCounts> {
  const counts = zeroCounts();
  const header: Header = { format: FORMAT_NAME, version: FORMAT_VERSION, exported_at: now.toISOString(), engine: store.engine };
  await write(JSON.stringify(header));
  const put = async (line: Line) => {
    counts[line.type]++;
    await write(JSON.stringify(line));
  };
  for (const s of await store.transfer.subscriptions()) await put({ type: 'subscription', ...s });
  for (const w of await store.transfer.watchTerms()) await put({ type: 'watch_term', ...w });
  const installations = (await store.installations.list()).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const i of installations) await put({ type: 'slack_installation', ...i, raw: i.raw as Extract<Line, { type: 'slack_installation' }>['raw'] });
  for (const c of await store.installations.channels()) await put({ type: 'slack_channel_workspace', ...c });
  for (let after = 0; ; ) {
    const page = await store.transfer.auditAfter(after, AUDIT_PAGE);
    for (const a of page) await put({ type: 'audit', ...a.record });
    if (page.length < AUDIT_PAGE) break;
    after = page.at(-1)!.id;
  }
  return counts;
}
