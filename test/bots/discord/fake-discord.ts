/**
 * A loopback Discord for the real discord.js: REST (node:http) and the gateway (ws) on one port of 127.0.0.1.
 * It records every REST request, answers what discord.js needs (gateway/bot, interaction callbacks, webhook
 * edits and follow-ups, channel messages, command registration), serves hosted attachments as the CDN does,
 * and dispatches typed gateway events.
 * Sharding as Discord does it: GET /gateway/bot recommends `recommendedShards`, each IDENTIFY may carry
 * `shard: [id, count]`, and a guild's events go only to the shard (guild_id >> 22) % count (DMs: shard 0).
 * Overrides (`fake.on`) fake the faults: 429 with retry-after, 404 Unknown Channel, 5xx.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ApplicationFlags,
  ChannelType,
  GatewayDispatchEvents,
  GatewayOpcodes,
  MessageType,
  type APIMessage,
  type APIUser,
  type GatewayDispatchPayload,
  type GatewayReadyDispatchData,
} from 'discord-api-types/v10';
import { WebSocketServer, type WebSocket } from 'ws';

/** Discord's routing of a guild to a shard (https://discord.com/developers/docs/events/gateway#sharding). */
export function shardOfGuild(guildId: string, count: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(count));
}

export interface Recorded {
  method: string;
  /** Decoded path without the query (`/api/v10/webhooks/1/tok/messages/@original`). */
  path: string;
  rawPath: string;
  query: string;
  headers: IncomingHttpHeaders;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  /** The body as sent (a multipart upload's binary files, such as a PNG chart, survive only here). */
  bytes?: Buffer;
}

export interface FakeAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Answer only after this long (a slow or hung server). */
  delayMs?: number;
}

type Override = { method: string; path: RegExp; answer: (req: Recorded) => FakeAnswer; times: number };

let counter = 0n;
/** A fresh snowflake with the current time in it (so discord.js's createdTimestamp is sensible). */
export function snowflake(): string {
  counter++;
  return (((BigInt(Date.now()) - 1420070400000n) << 22n) + (counter % 4096n)).toString();
}

export function user(id: string, username: string, bot = false): APIUser {
  return { id, username, discriminator: '0', global_name: username, avatar: null, ...(bot ? { bot: true } : {}) };
}

export class FakeDiscord {
  readonly requests: Recorded[] = [];
  readonly gatewayFrames: Array<{ op: number; t?: string | null }> = [];
  readonly registered = new Map<string, unknown[]>();
  /** Messages by nonce, for enforce_nonce: a repeat returns the first message. */
  private readonly byNonce = new Map<string, APIMessage>();
  readonly botUser: APIUser;
  private readonly overrides: Override[] = [];
  /** Attachments the fake hosts, by path (GET /attachments/...: bytes, as Discord's CDN serves them). */
  private readonly hosted = new Map<string, { bytes: Buffer; type: string }>();
  private readonly sockets = new Set<WebSocket>();
  /** The shard each connection identified as ([0, 1] when its IDENTIFY named none). */
  private readonly shardOf = new Map<WebSocket, [number, number]>();
  /** Every IDENTIFY's `shard` field as sent (undefined when absent). */
  readonly identifies: Array<[number, number] | undefined> = [];
  /** Where each dispatch went: the event, its guild (if any) and the shards of the connections that got it. */
  readonly routed: Array<{ t: string; guildId?: string; shards: number[] }> = [];
  private seq = 0;
  private readonly wss: WebSocketServer;

  private constructor(
    private readonly server: Server,
    readonly applicationId: string,
    readonly botId: string,
    /** What GET /gateway/bot recommends (`shards`) and allows to identify at once (`max_concurrency`). */
    readonly recommendedShards: number,
    readonly maxConcurrency: number,
    /** Close an IDENTIFY of fewer shards with 4011 Sharding Required, as Discord does for a bot in too many servers. */
    readonly requiredShards: number,
  ) {
    this.botUser = user(botId, 'sanctions-bot', true);
    this.wss = new WebSocketServer({ server });
    this.wss.on('connection', (socket) => this.onSocket(socket));
  }

  static async start(options: { applicationId?: string; botId?: string; recommendedShards?: number; maxConcurrency?: number; requiredShards?: number } = {}): Promise<FakeDiscord> {
    const server = createServer();
    const fake = new FakeDiscord(server, options.applicationId ?? '1100000000000000001', options.botId ?? '1100000000000000002', options.recommendedShards ?? 1, options.maxConcurrency ?? 1, options.requiredShards ?? 1);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const bytes = Buffer.concat(chunks);
        const raw = bytes.toString('utf8');
        const url = new URL(req.url ?? '/', 'http://127.0.0.1');
        let body: unknown = raw;
        try {
          body = raw ? JSON.parse(raw) : undefined;
        } catch {
          // not JSON: keep the text
        }
        const recorded: Recorded = { method: req.method ?? 'GET', path: decodeURIComponent(url.pathname), rawPath: url.pathname, query: url.search, headers: req.headers, body, bytes };
        fake.requests.push(recorded);
        fake.answer(recorded, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The REST base for discord.js (no version). */
  get api(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  /** Answer matching requests with `answer` (the next `times` of them; default every one). */
  on(method: string, path: RegExp, answer: (req: Recorded) => FakeAnswer, times = Infinity): void {
    this.overrides.unshift({ method, path, answer, times });
  }

  /** Host an attachment as the CDN would; returns it as an interaction or a message carries it. */
  hostAttachment(filename: string, bytes: Buffer, contentType = filename.endsWith('.xlsx') ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv') {
    const id = snowflake();
    const path = `/attachments/${id}/${encodeURIComponent(filename)}`;
    this.hosted.set(path, { bytes, type: contentType });
    const url = `http://127.0.0.1:${this.port}${path}`;
    return { id, filename, size: bytes.length, url, proxy_url: url, content_type: contentType };
  }

  private answer(req: Recorded, res: ServerResponse): void {
    const file = req.method === 'GET' ? this.hosted.get(req.rawPath) : undefined;
    if (file) {
      res.writeHead(200, { 'content-type': file.type, 'content-length': String(file.bytes.length) });
      res.end(file.bytes);
      return;
    }
    const send = ({ status, body, headers, delayMs }: FakeAnswer) => {
      const text = body === undefined ? '' : JSON.stringify(body);
      const write = () => {
        if (res.destroyed) return;
        res.writeHead(status, { ...(text ? { 'content-type': 'application/json' } : {}), ...headers });
        res.end(text);
      };
      if (delayMs) setTimeout(write, delayMs).unref();
      else write();
    };
    const override = this.overrides.find((o) => o.times > 0 && o.method === req.method && o.path.test(req.path));
    if (override) {
      override.times--;
      return send(override.answer(req));
    }
    const p = req.path;
    let m: RegExpMatchArray | null;
    if (req.method === 'GET' && p === '/api/v10/gateway/bot') {
      return send({ status: 200, body: { url: `ws://127.0.0.1:${this.port}`, shards: this.recommendedShards, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: this.maxConcurrency } } });
    }
    if (req.method === 'GET' && p === '/api/v10/users/@me') return send({ status: 200, body: this.botUser });
    if (req.method === 'POST' && /^\/api\/v10\/interactions\/\d+\/[^/]+\/callback$/.test(p)) return send({ status: 204 });
    if ((m = p.match(/^\/api\/v10\/webhooks\/(\d+)\/([^/]+)\/messages\/(@original|\d+)$/)) && (req.method === 'PATCH' || req.method === 'GET')) {
      return send({ status: 200, body: this.message('1100000000000000099', req.body) });
    }
    if ((m = p.match(/^\/api\/v10\/webhooks\/(\d+)\/([^/]+)$/)) && req.method === 'POST') return send({ status: 200, body: this.message('1100000000000000099', req.body) });
    if ((m = p.match(/^\/api\/v10\/channels\/(\d+)\/messages$/)) && req.method === 'POST') {
      const nonce = req.body?.enforce_nonce && typeof req.body.nonce === 'string' ? `${m[1]}:${req.body.nonce}` : undefined;
      const message = (nonce && this.byNonce.get(nonce)) || this.message(m[1]!, req.body);
      if (nonce) this.byNonce.set(nonce, message);
      return send({ status: 200, body: message });
    }
    if ((m = p.match(/^\/api\/v10\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/))) {
      if (req.method === 'PUT') {
        const saved = (req.body as Array<Record<string, unknown>>).map((c) => ({ id: snowflake(), application_id: m![1], version: snowflake(), ...(m![2] ? { guild_id: m![2] } : {}), ...c }));
        this.registered.set(p, saved);
        return send({ status: 200, body: saved });
      }
      if (req.method === 'GET') return send({ status: 200, body: this.registered.get(p) ?? [] });
    }
    send({ status: 404, body: { message: '404: Not Found', code: 0 } });
  }

  /** A message object as Discord returns it for a send or an edit. */
  message(channelId: string, body: { content?: string; embeds?: unknown[]; components?: unknown[]; flags?: number } | undefined): APIMessage {
    return {
      id: snowflake(),
      channel_id: channelId,
      author: this.botUser,
      content: body?.content ?? '',
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: (body?.embeds ?? []) as APIMessage['embeds'],
      pinned: false,
      type: MessageType.Default,
      flags: body?.flags ?? 0,
    };
  }

  // ------------------------------------------------------------------------------------------ gateway

  private onSocket(socket: WebSocket): void {
    this.sockets.add(socket);
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.shardOf.delete(socket);
    });
    socket.send(JSON.stringify({ op: GatewayOpcodes.Hello, d: { heartbeat_interval: 41_250 }, s: null, t: null }));
    socket.on('message', (raw) => {
      const frame = JSON.parse(String(raw)) as { op: number; d: unknown };
      this.gatewayFrames.push({ op: frame.op });
      if (frame.op === GatewayOpcodes.Heartbeat) socket.send(JSON.stringify({ op: GatewayOpcodes.HeartbeatAck, d: null, s: null, t: null }));
      if (frame.op === GatewayOpcodes.Identify) {
        const asked = (frame.d as { shard?: unknown }).shard;
        const valid = Array.isArray(asked) && asked.length === 2 && asked.every((n) => Number.isInteger(n)) && asked[0] >= 0 && asked[0] < asked[1];
        if (asked !== undefined && !valid) {
          // Discord closes the connection with 4010 Invalid Shard.
          socket.close(4010, 'Invalid shard.');
          return;
        }
        const shard: [number, number] = valid ? [asked[0], asked[1]] : [0, 1];
        this.identifies.push(valid ? shard : undefined);
        if (shard[1] < this.requiredShards) {
          socket.close(4011, 'Sharding required.');
          return;
        }
        this.shardOf.set(socket, shard);
        const ready: GatewayReadyDispatchData = {
          v: 10,
          user: this.botUser,
          guilds: [],
          session_id: 'fake-session',
          resume_gateway_url: `ws://127.0.0.1:${this.port}`,
          shard,
          application: { id: this.applicationId, flags: ApplicationFlags.GatewayMessageContentLimited, flags_new: String(ApplicationFlags.GatewayMessageContentLimited) },
        };
        this.send(socket, { op: GatewayOpcodes.Dispatch, t: GatewayDispatchEvents.Ready, d: ready, s: 0 });
      }
    });
  }

  private send(socket: WebSocket, payload: GatewayDispatchPayload): void {
    socket.send(JSON.stringify({ ...payload, s: ++this.seq }));
  }

  /**
   * Dispatch an event as Discord routes it: a guild's events (guild_id, or the id of a GUILD_CREATE) to the
   * connections of shard (guild_id >> 22) % count, the rest (DMs) to shard 0; a connection that has not
   * identified yet gets everything.
   */
  dispatch(payload: Omit<GatewayDispatchPayload, 's' | 'op'> & { t: GatewayDispatchPayload['t'] }): void {
    const d = payload.d as { guild_id?: string; id?: string } | undefined;
    const guildId = d?.guild_id ?? (payload.t === GatewayDispatchEvents.GuildCreate ? d?.id : undefined);
    const shards: number[] = [];
    for (const socket of this.sockets) {
      const shard = this.shardOf.get(socket);
      if (shard) {
        const target = guildId ? shardOfGuild(guildId, shard[1]) : 0;
        if (target !== shard[0]) continue;
        shards.push(shard[0]);
      }
      this.send(socket, { op: GatewayOpcodes.Dispatch, s: 0, ...payload } as GatewayDispatchPayload);
    }
    this.routed.push({ t: String(payload.t), ...(guildId ? { guildId } : {}), shards });
  }

  get connections(): number {
    return this.sockets.size;
  }

  // ------------------------------------------------------------------------------------------ helpers

  /** Requests matching method and path. */
  find(method: string, path: RegExp): Recorded[] {
    return this.requests.filter((r) => r.method === method && path.test(r.path));
  }

  async waitFor<T>(get: () => T | undefined | false, ms = 5000): Promise<T> {
    const until = Date.now() + ms;
    for (;;) {
      const value = get();
      if (value) return value;
      if (Date.now() > until) throw new Error(`timed out after ${ms} ms; requests: ${this.requests.map((r) => `${r.method} ${r.path}`).join(', ')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export { ChannelType };
