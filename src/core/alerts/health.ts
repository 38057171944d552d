/**
 * Source-health notices: when a source is quarantined (or fails) the channels that asked for health notices
 * hear it once, and once more when it recovers; not once per refresh.
 */
import type { Reply } from '../commands/reply';
import type { Db } from '../store/db';
import { queueHealthNotice } from './outbox';

interface Row {
  id: string;
  status: string;
  last_error: string | null;
  notified_status: string | null;
}

/**
 * The notice for a source now in `status`, when the channels were last told `notified` (null: never): a notice when
 * it went failed or quarantined (again, or for another reason of the two), one when it recovered; else undefined.
 */
export function sourceHealthNotice(s: { id: string; status: string; last_error: string | null }, notified: string | null): Reply | undefined {
  const bad = s.status === 'quarantined' || s.status === 'failed';
  const wasBad = notified === 'quarantined' || notified === 'failed';
  if (bad && notified !== s.status) {
    const what = s.status === 'quarantined' ? 'quarantined: its new snapshot was not applied and no alerts went out for it' : 'unreachable';
    return {
      blocks: [
        { type: 'heading', text: `Source ${s.id} ${s.status}` },
        { type: 'text', text: `${s.id} is ${what}. The previous data stays in use. Reason: ${s.last_error ?? 'unknown'}` },
      ],
      summary: `Source ${s.id} ${s.status}: ${s.last_error ?? ''}`,
      private: false,
    };
  }
  if (!bad && wasBad && s.status === 'ok') {
    return { blocks: [{ type: 'text', text: `Source ${s.id} is back to normal: its latest snapshot was applied.` }], summary: `Source ${s.id} recovered`, private: false };
  }
  return undefined;
}

/** Queue a notice for every source whose state changed since the last notice. Returns the notices queued. */
export function noticeSourceHealth(db: Db, now = new Date()): number {
  const rows = db.prepare<[], Row>('SELECT id, status, last_error, notified_status FROM sources').all();
  let queued = 0;
  for (const s of rows) {
    const bad = s.status === 'quarantined' || s.status === 'failed';
    const reply = sourceHealthNotice(s, s.notified_status);
    if (reply) queued += queueHealthNotice(db, reply, now);
    if (reply || (s.notified_status === null && !bad)) db.prepare('UPDATE sources SET notified_status = ? WHERE id = ?').run(s.status, s.id);
  }
  return queued;
}
