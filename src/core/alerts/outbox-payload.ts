/**
 * How a queued alert message is stored. Routing one refresh to 10,000 channels makes a handful of distinct
 * messages (channels with the same filters hear the same news): each distinct message body is stored once in
 * outbox_bodies, and each outbox row keeps only what is its own (its id, named by its buttons, and whether it is a
 * digest of how many events). A row without a body (health notices, summaries, rows from before migration 19)
 * keeps its whole message in `payload`, as before. `storedReply` gives back the message either way.
 */
import { createHash } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import type { Reply } from '../commands/reply';
import type { Db } from '../store/db';
import { withAlertActions } from './messages';

export interface StoredMessage {
  id: number;
  payload: string;
  body_id?: number | null;
}

/** What an outbox row with a shared body keeps of its own. */
export interface Envelope {
  digest: boolean;
  total: number;
  /**
   * Which events (and watch terms) the message covers, as a hash (eventSetKey): messages with the same set share
   * what delivery builds of them (digest.ts), found without reading the message's deliveries.
   */
  events?: string;
}

export function envelope(digest: boolean, total: number, events?: string): string {
  return JSON.stringify({ digest, total, ...(events ? { events } : {}) } satisfies Envelope);
}

/** The set of events a message covers, with their watch terms, as a short key. */
export function eventSetKey(events: ReadonlyArray<{ id: number; watch?: string }>): string {
  const hash = createHash('sha256');
  for (const e of [...events].sort((a, b) => a.id - b.id)) hash.update(`${e.id}${e.watch ? `=${e.watch}` : ''},`);
  return hash.digest('hex').slice(0, 32);
}

/** Parsed bodies, per database: few and shared by many rows (read-only: withAlertActions copies). */
const parsedBodies = new WeakMap<Db, { statement: Statement<[number], { body: string }>; bodies: Map<number, Reply> }>();
const PARSED_KEPT = 32;

function body(db: Db, id: number): Reply | undefined {
  let cache = parsedBodies.get(db);
  if (!cache) parsedBodies.set(db, (cache = { statement: db.prepare('SELECT body FROM outbox_bodies WHERE id = ?'), bodies: new Map() }));
  let reply = cache.bodies.get(id);
  if (!reply) {
    const row = cache.statement.get(id);
    if (!row) return undefined;
    reply = JSON.parse(row.body) as Reply;
    if (cache.bodies.size >= PARSED_KEPT) cache.bodies.delete(cache.bodies.keys().next().value!);
    cache.bodies.set(id, reply);
  }
  return reply;
}

/** The message of an outbox row, with its own buttons. */
export function storedReply(db: Db, row: StoredMessage): Reply {
  if (row.body_id == null) return JSON.parse(row.payload) as Reply;
  const shared = body(db, row.body_id);
  if (!shared) throw new Error(`outbox message ${row.id}: its body ${row.body_id} is missing`);
  const own = JSON.parse(row.payload) as Envelope;
  return withAlertActions(shared, row.id, own.digest, own.total);
}

/** Stores message bodies once each (by content), for one routing pass. */
export class BodyStore {
  private readonly upsert;
  private readonly ids = new WeakMap<Reply, number>();

  constructor(db: Db) {
    // ON CONFLICT DO UPDATE (a no-op) so that RETURNING gives the existing row's id too.
    this.upsert = db.prepare<[string, string], { id: number }>(
      'INSERT INTO outbox_bodies (hash, body) VALUES (?, ?) ON CONFLICT (hash) DO UPDATE SET hash = excluded.hash RETURNING id',
    );
  }

  /** The id of this message's stored body (inside the caller's transaction). */
  idFor(reply: Reply): number {
    let id = this.ids.get(reply);
    if (id === undefined) {
      const text = JSON.stringify(reply);
      id = this.upsert.get(createHash('sha256').update(text).digest('hex'), text)!.id;
      this.ids.set(reply, id);
    }
    return id;
  }
}

/** Bodies no outbox row names any more (after pruning delivered rows). */
export function pruneBodies(db: Db): number {
  return db.prepare('DELETE FROM outbox_bodies WHERE id NOT IN (SELECT body_id FROM outbox WHERE body_id IS NOT NULL)').run().changes;
}
