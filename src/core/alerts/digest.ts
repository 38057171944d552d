/**
 * What an alert message's buttons do, platform-neutral: "Show all" pages through a digest (every event it covers,
 * PAGE_LINES per page, in the digest's order), delivery attaches its files, and "Acknowledge" records who
 * acknowledged the message and when, and gives back the message to show in its place.
 */
import type { Action, Block, Reply, ReplyFile } from '../commands/reply';
import { textReply } from '../commands/reply';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../store/db';
import { EventStore } from '../store/events';
import { datasetVersion } from '../store/meta';
import { listInfo } from '../lists';
import { additionsChartFile } from './chart-data';
import { digestFiles, digestOrder } from './digest-files';
import { FactsReader } from './facts';
import { storedReply, type Envelope } from './outbox-payload';
import { PAGE_LINES } from './messages';
import type { RoutedEvent } from './route';

interface OutboxMessage {
  id: number;
  platform: string;
  channel: string;
  payload: string;
  body_id: number | null;
  created_at: string;
}

/** Read for every digest delivered: prepared once per handle. */
const messageStatements = new WeakMap<Db, Statement<[number], OutboxMessage>>();

function message(db: Db, outboxId: number): OutboxMessage | undefined {
  let statement = messageStatements.get(db);
  if (!statement) messageStatements.set(db, (statement = db.prepare<[number], OutboxMessage>('SELECT id, platform, channel, payload, body_id, created_at FROM outbox WHERE id = ?')));
  return statement.get(outboxId);
}

/**
 * Digests of one routing pass are mostly alike: every channel with the same filters gets the same events. What a
 * message's events and files are made of (each event's facts from its record, the CSV and Markdown tables) is
 * kept for the last few distinct event sets, per database and dataset version, so that delivering the same digest
 * to thousands of channels builds it once. Entries are read-only; a message's own file names are set per message.
 */
const MEMO_SIZE = 16;
interface DigestMemo {
  events: RoutedEvent[];
  files: Map<string, Array<Omit<ReplyFile, 'name'> & { ext: string }>>;
}
const memos = new WeakMap<Db, Map<string, DigestMemo>>();

function memoFor(db: Db, key: string, build: () => RoutedEvent[]): DigestMemo {
  let byKey = memos.get(db);
  if (!byKey) memos.set(db, (byKey = new Map()));
  let memo = byKey.get(key);
  if (memo) {
    // Most recently used last: the oldest entry is the first to go.
    byKey.delete(key);
    byKey.set(key, memo);
    return memo;
  }
  memo = { events: build(), files: new Map() };
  byKey.set(key, memo);
  if (byKey.size > MEMO_SIZE) byKey.delete(byKey.keys().next().value!);
  return memo;
}

/** Every event a message covers, with facts, in the digest's order (watch terms as the message had them). */
export function messageEvents(db: Db, outboxId: number): RoutedEvent[] {
  const row = message(db, outboxId);
  return row ? eventsOf(db, row).events : [];
}

function eventsOf(db: Db, row: OutboxMessage): DigestMemo {
  const watch = new Map<number, string>();
  const reply = storedReply(db, row);
  for (const b of reply.blocks ?? []) if (b.type === 'events') for (const e of b.events) if (e.watch) watch.set(e.id, e.watch);
  const store = new EventStore(db);
  // The memo is found by the key of the message's event set that routing stored with it, else (rows queued before
  // it did) by the events' ids; the events themselves are read only to build it.
  const own = row.body_id == null ? undefined : (JSON.parse(row.payload) as Envelope).events;
  const key = `${datasetVersion(db)}|${own ?? store.idsOfMessage(row.id).map((id) => `${id}${watch.has(id) ? `=${watch.get(id)}` : ''}`).join(',')}`;
  return memoFor(db, key, () => {
    const facts = new FactsReader(db);
    const events = store.ofMessage(row.id).map((e): RoutedEvent => {
      const f = facts.facts(e);
      return { ...e, partyId: Number(f.partyId.slice(1)), countries: f.countries, retaliation: listInfo(e.list).side === 'cn', facts: f, ...(watch.has(e.id) ? { watch: watch.get(e.id)! } : {}) };
    });
    return digestOrder(events);
  });
}

/** The files of a digest message: all its events as CSV and Markdown. */
export function messageFiles(db: Db, outboxId: number, title: string): ReplyFile[] {
  const row = message(db, outboxId);
  if (!row) return [];
  const memo = eventsOf(db, row);
  if (!memo.events.length) return [];
  const stem = `sanctions-digest-${row.created_at.slice(0, 10)}-${outboxId}`;
  let files = memo.files.get(title);
  if (!files) {
    files = digestFiles('', title, memo.events).map(({ name, ...file }) => ({ ...file, ext: name }));
    memo.files.set(title, files);
  }
  return files.map(({ ext, ...file }) => ({ ...file, name: `${stem}${ext}` }));
}

/** The reply with its files attached, when it is a digest (at delivery: the outbox keeps only the message). */
export function withFiles(db: Db, outboxId: number, reply: Reply): Reply {
  const summary = reply.alert?.summary;
  if (!reply.alert?.digest && !summary) return reply;
  const title = (reply.blocks.find((b) => b.type === 'heading') as { text?: string } | undefined)?.text ?? reply.summary;
  const files = reply.alert?.digest ? messageFiles(db, outboxId, title) : [];
  // A scheduled summary also carries the chart of designations per list over the last weeks (to its closing time).
  if (summary) {
    const stem = `sanctions-${summary.every}-summary-${summary.until.slice(0, 10)}-${outboxId}`;
    files.push(additionsChartFile(db, new Date(summary.until), summary.lists, stem));
  }
  return files.length ? { ...reply, files } : reply;
}

/** One page of a digest's "Show all", with Next while there is more. `channel`: where the button was pressed. */
export function digestPage(db: Db, outboxId: number, page: number, where: { platform: string; channel: string }): Reply {
  const row = message(db, outboxId);
  if (!row || row.platform !== where.platform || row.channel !== where.channel) return textReply('This digest is not one of this channel’s alerts.', { error: true });
  const events = messageEvents(db, outboxId);
  const pages = Math.max(1, Math.ceil(events.length / PAGE_LINES));
  const p = Math.min(Math.max(1, Math.floor(page) || 1), pages);
  const slice = events.slice((p - 1) * PAGE_LINES, p * PAGE_LINES);
  const first = (p - 1) * PAGE_LINES + 1;
  const blocks: Block[] = [
    { type: 'heading', text: `Digest: entries ${first}–${first + slice.length - 1} of ${events.length} (page ${p} of ${pages})` },
    { type: 'events', events: slice, more: 0 },
  ];
  const actions: Action[] = [];
  if (p < pages) actions.push({ id: 'page', label: `Next ${Math.min(PAGE_LINES, events.length - p * PAGE_LINES)}`, value: `digest ${outboxId} ${p + 1}` });
  if (actions.length) blocks.push({ type: 'actions', actions });
  return { blocks, summary: `Digest entries ${first}–${first + slice.length - 1} of ${events.length}`, private: false };
}

export interface Acknowledgement {
  /** Who handled it first (this person, or someone before). */
  user: string;
  name?: string;
  at: string;
  /** True when this press recorded it; false when it had been acknowledged already. */
  recorded: boolean;
  /** The message as it should read now: without the button, with "Handled by ... at ...". */
  reply: Reply;
}

/** Record "Acknowledge" for an alert message pressed in its own channel; undefined when it is not one. */
export function acknowledge(db: Db, outboxId: number, who: { platform: string; channel: string; user: string; name?: string }, now = new Date()): Acknowledgement | undefined {
  const row = message(db, outboxId);
  if (!row || row.platform !== who.platform || row.channel !== who.channel) return undefined;
  const inserted = db
    .prepare<[number, string, string, string, string | null, string]>('INSERT OR IGNORE INTO alert_acks (outbox_id, platform, channel, user_id, user_name, at) VALUES (?, ?, ?, ?, ?, ?)')
    .run(outboxId, who.platform, who.channel, who.user, who.name ?? null, now.toISOString());
  const ack = db.prepare<[number], { user_id: string; user_name: string | null; at: string }>('SELECT user_id, user_name, at FROM alert_acks WHERE outbox_id = ?').get(outboxId)!;
  const reply = storedReply(db, row);
  const blocks = reply.blocks.flatMap((b): Block[] => {
    if (b.type !== 'actions') return [b];
    const rest = b.actions.filter((a) => a.id !== 'ack');
    return rest.length ? [{ ...b, actions: rest }] : [];
  });
  const handled: Block = { type: 'handled', user: ack.user_id, ...(ack.user_name ? { name: ack.user_name } : {}), at: ack.at };
  return {
    user: ack.user_id,
    ...(ack.user_name ? { name: ack.user_name } : {}),
    at: ack.at,
    recorded: inserted.changes > 0,
    reply: { ...reply, blocks: [...blocks, handled] },
  };
}

/** "2026-12-01 17:45 UTC". */
export function handledTime(at: string): string {
  return `${at.slice(0, 10)} ${at.slice(11, 16)} UTC`;
}

/** Parse a button value of ours: "digest 12 3", "ack 12". */
export function parseAlertButton(value: string): { kind: 'page'; outbox: number; page: number } | { kind: 'ack'; outbox: number } | undefined {
  let m = value.trim().match(/^digest (\d{1,12}) (\d{1,6})$/);
  if (m) return { kind: 'page', outbox: Number(m[1]), page: Number(m[2]) };
  m = value.trim().match(/^ack (\d{1,12})$/);
  if (m) return { kind: 'ack', outbox: Number(m[1]) };
  return undefined;
}
