/**
 * A loopback stand-in for Slack: the Web API (auth.test, users.info, chat.postMessage, conversations.history,
 * the file upload steps of files.uploadV2: getUploadURLExternal, the upload itself, completeUploadExternal;
 * hosted files: files.info and the url_private download, which needs the bot token);
 * conversations.open: a user U123's DM with the bot is D123; chat.postEphemeral; views.publish and views.open;
 * users.conversations from `memberships`; oauth.v2.access for the OAuth install flow, with auth.test answering
 * per token for the workspaces it installed)
 * and response_url, on
 * 127.0.0.1, recording every call; plus signed requests to the bot, as Slack sends them.
 */
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  /** "chat.postMessage", "users.info", "response" for response_url posts, "upload" for file contents. */
  method: string;
  path: string;
  raw: string;
  /** Form fields or JSON, with `blocks` parsed when it came as a JSON string; an upload's `content` (text) and `bytes`. */
  body: Record<string, unknown>;
  /** The token a Web API call was made with (body or Bearer header). */
  token?: string;
}

/** A workspace (or an Enterprise org, org-wide) the fake can install the app in through oauth.v2.access. */
export interface FakeWorkspace {
  /** The bot token the install gives (xoxb-...). */
  token: string;
  teamId?: string;
  teamName?: string;
  enterpriseId?: string;
  enterpriseName?: string;
  /** Installed on the whole org (Enterprise Grid org-wide install): no team in the answer. */
  enterpriseInstall?: boolean;
  botUserId: string;
  botId: string;
  /** Who clicked Allow. */
  installer?: string;
}

export interface FakeOAuth {
  clientId: string;
  clientSecret: string;
  /** One-time authorization codes and the workspace each installs. */
  codes: Record<string, FakeWorkspace>;
}

export interface FakeSlack {
  url: string;
  apiUrl: string;
  calls: RecordedCall[];
  responseUrl(): string;
  /** Host a file as Slack does (url_private_download needs the bot token); files.info answers it by id. */
  hostFile(name: string, bytes: Buffer, mimetype?: string, user?: string): HostedFile;
  close(): Promise<void>;
}

export interface HostedFile {
  id: string;
  name: string;
  mimetype: string;
  size: number;
  url_private: string;
  url_private_download: string;
  /** Who shared it. */
  user: string;
}

export interface FakeOptions {
  admins: Set<string>;
  /** chat.postMessage to these channels fails: 'rate' (429, Retry-After 1), 'gone' (channel_not_found), '500'. */
  failing?: Record<string, 'rate' | 'gone' | '500'>;
  /** While `on`, chat.postMessage posts the message but never answers (the sender crashes before it hears back). */
  hold?: { on: boolean };
  /** Every Web API call answers invalid_auth (a revoked or mistyped token). */
  rejectToken?: boolean;
  /** The token's scopes, sent as Slack does in the x-oauth-scopes header of every Web API answer (default: the manifest's). */
  scopes?: string[];
  /** users.conversations: the channels each user is in (a user not named here: missing_scope, as without channels:read). */
  memberships?: Record<string, string[]>;
  /** The OAuth app: oauth.v2.access exchanges these codes (once each) for installations. */
  oauth?: FakeOAuth;
}

/** The scopes slack/manifest.yml asks for. */
export const MANIFEST_SCOPES = ['commands', 'chat:write', 'chat:write.public', 'files:write', 'files:read', 'app_mentions:read', 'channels:history', 'groups:history', 'im:history', 'mpim:history', 'im:read', 'im:write', 'users:read', 'channels:read', 'groups:read'];

async function read(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function parse(raw: string, type: string | undefined): Record<string, unknown> {
  let body: Record<string, unknown>;
  if (type?.includes('application/json')) body = JSON.parse(raw || '{}') as Record<string, unknown>;
  else body = Object.fromEntries(new URLSearchParams(raw));
  if (typeof body.blocks === 'string') body.blocks = JSON.parse(body.blocks) as unknown;
  if (typeof body.view === 'string') body.view = JSON.parse(body.view) as unknown;
  return body;
}

/** The content of the one part of a multipart body (the file of an upload), or the body itself. */
function filePart(raw: string): string {
  const start = raw.indexOf('\r\n\r\n');
  const end = raw.lastIndexOf('\r\n--');
  return start >= 0 && end > start ? raw.slice(start + 4, end) : raw;
}

/** The same, as bytes (a PNG chart survives; text decoding would not keep it). */
function filePartBytes(raw: Buffer): Buffer {
  const start = raw.indexOf('\r\n\r\n');
  const end = raw.lastIndexOf('\r\n--');
  return start >= 0 && end > start ? raw.subarray(start + 4, end) : raw;
}

export async function startFakeSlack(options: FakeOptions): Promise<FakeSlack> {
  const calls: RecordedCall[] = [];
  let ts = 1_700_000_000;
  let responses = 0;
  let files = 0;
  let url = '';
  const history: Record<string, Array<{ metadata?: unknown } & Record<string, unknown>>> = {};
  const hosted = new Map<string, { file: HostedFile; bytes: Buffer }>();
  const installedBy = new Map<string, FakeWorkspace>();
  const usedCodes = new Set<string>();

  /** oauth.v2.access as Slack answers it (https://api.slack.com/methods/oauth.v2.access): a code is good once. */
  function oauthAccess(body: Record<string, unknown>, authorization: string | undefined): Record<string, unknown> {
    const basic = authorization?.startsWith('Basic ') ? Buffer.from(authorization.slice(6), 'base64').toString('utf8').split(':') : [];
    const id = String(body.client_id ?? basic[0] ?? '');
    const secret = String(body.client_secret ?? basic[1] ?? '');
    const app = options.oauth;
    if (!app || id !== app.clientId) return { ok: false, error: 'invalid_client_id' };
    if (secret !== app.clientSecret) return { ok: false, error: 'bad_client_secret' };
    const code = String(body.code ?? '');
    const ws = app.codes[code];
    if (!ws || usedCodes.has(code)) return { ok: false, error: 'invalid_code' };
    usedCodes.add(code);
    installedBy.set(ws.token, ws);
    return {
      ok: true,
      app_id: 'A0SANCTIONS',
      authed_user: { id: ws.installer ?? 'UINSTALLER' },
      scope: (options.scopes ?? MANIFEST_SCOPES).join(','),
      token_type: 'bot',
      access_token: ws.token,
      bot_user_id: ws.botUserId,
      team: ws.enterpriseInstall ? null : { id: ws.teamId, name: ws.teamName },
      enterprise: ws.enterpriseId ? { id: ws.enterpriseId, name: ws.enterpriseName } : null,
      is_enterprise_install: ws.enterpriseInstall === true,
    };
  }
  const server: Server = createServer(async (req, res) => {
    const bytes = await read(req);
    const raw = bytes.toString('utf8');
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    // A hosted file's download: like files.slack.com, only with the bot token (else Slack's sign-in page).
    const download = /^\/files-pri\/(F\w+)\//.exec(path);
    if (download && req.method === 'GET') {
      calls.push({ method: 'download', path, raw: '', body: { authorization: req.headers.authorization ?? '' } });
      const found = hosted.get(download[1]!);
      if (!String(req.headers.authorization ?? '').startsWith('Bearer xoxb-')) return res.writeHead(200, { 'content-type': 'text/html' }).end('<html>sign in</html>');
      if (!found) return res.writeHead(404).end();
      return res.writeHead(200, { 'content-type': found.file.mimetype, 'content-length': String(found.bytes.length) }).end(found.bytes);
    }
    // A file upload comes as multipart form data: its one part's content is kept as `content`.
    // An upload comes as raw bytes or as multipart form data (its one part is the file): both as Slack takes them.
    const multipart = /^multipart\//.test(req.headers['content-type'] ?? '');
    const body = path.startsWith('/upload/') ? (multipart ? { content: filePart(raw), bytes: filePartBytes(bytes) } : { content: raw, bytes }) : parse(raw, req.headers['content-type']);
    const method = path.startsWith('/api/') ? path.slice(5) : path.startsWith('/response/') ? 'response' : path.startsWith('/upload/') ? 'upload' : path;
    // Like Slack: every Web API call needs the bot token (in the body or as a Bearer header).
    const token = String(body.token ?? req.headers.authorization?.replace(/^Bearer /, '') ?? '');
    calls.push({ method, path, raw, body, ...(path.startsWith('/api/') && token ? { token } : {}) });
    const scopes = (options.scopes ?? MANIFEST_SCOPES).join(',');
    const json = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...(path.startsWith('/api/') ? { 'x-oauth-scopes': scopes } : {}), ...headers });
      res.end(JSON.stringify(payload));
    };
    // The OAuth exchange authenticates with the app's client id and secret (form fields, or Basic), not a token.
    if (method === 'oauth.v2.access') return json(200, oauthAccess(body, req.headers.authorization));
    if (path.startsWith('/api/') && !token.startsWith('xoxb-')) return json(200, { ok: false, error: 'not_authed' });
    if (path.startsWith('/api/') && options.rejectToken) return json(200, { ok: false, error: 'invalid_auth' });
    // Reading a channel back needs the history scope of its kind.
    const historyScope = String(body.channel ?? '').startsWith('G') ? 'groups:history' : String(body.channel ?? '').startsWith('D') ? 'im:history' : 'channels:history';
    if (method === 'conversations.history' && !(options.scopes ?? MANIFEST_SCOPES).includes(historyScope)) {
      return json(200, { ok: false, error: 'missing_scope', needed: historyScope, provided: scopes });
    }
    switch (method) {
      case 'auth.test': {
        const installed = installedBy.get(token);
        if (installed) {
          const host = (installed.teamName ?? installed.enterpriseName ?? 'org').toLowerCase().replace(/\W+/g, '');
          return json(200, {
            ok: true,
            url: installed.enterpriseInstall ? `https://${host}.enterprise.slack.com/` : `https://${host}.slack.com/`,
            team: installed.teamName ?? installed.enterpriseName,
            user: 'sanctions',
            team_id: installed.enterpriseInstall ? installed.enterpriseId : installed.teamId,
            user_id: installed.botUserId,
            bot_id: installed.botId,
            ...(installed.enterpriseId ? { enterprise_id: installed.enterpriseId } : {}),
            is_enterprise_install: installed.enterpriseInstall === true,
          });
        }
        return json(200, { ok: true, url: 'https://acme.slack.com/', team: 'Acme', user: 'sanctions', team_id: 'T0ACME', user_id: 'UBOT', bot_id: 'BBOT' });
      }
      case 'users.info': {
        const user = String(body.user);
        const admin = options.admins.has(user);
        return json(200, { ok: true, user: { id: user, name: user.toLowerCase(), deleted: false, is_admin: admin, is_owner: false, is_primary_owner: false } });
      }
      case 'conversations.open':
        // The bot's own DM with a user is D + the user's id here (im:write).
        return json(200, { ok: true, channel: { id: `D${String(body.users).replace(/^[UW]/, '')}` } });
      case 'chat.postMessage': {
        const failure = options.failing?.[String(body.channel)];
        if (failure === 'rate') return json(429, { ok: false, error: 'ratelimited' }, { 'retry-after': '1' });
        if (failure === 'gone') return json(200, { ok: false, error: 'channel_not_found' });
        if (failure === '500') return json(500, { ok: false, error: 'internal_error' });
        ts++;
        const message = { type: 'message', bot_id: 'BBOT', ts: `${ts}.000100`, text: body.text, ...(body.metadata ? { metadata: typeof body.metadata === 'string' ? (JSON.parse(body.metadata) as unknown) : body.metadata } : {}) };
        (history[String(body.channel)] ??= []).unshift(message);
        if (options.hold?.on) return;
        return json(200, { ok: true, channel: body.channel, ts: message.ts, message });
      }
      case 'chat.postEphemeral': {
        // Like Slack: an ephemeral message only where the app may post (not a channel that is gone).
        if (options.failing?.[String(body.channel)] === 'gone') return json(200, { ok: false, error: 'channel_not_found' });
        ts++;
        return json(200, { ok: true, message_ts: `${ts}.000200` });
      }
      case 'views.publish':
      case 'views.open':
        return json(200, { ok: true, view: { id: `V${++ts}`, ...(body.view as object) } });
      case 'users.conversations': {
        const member = options.memberships?.[String(body.user)];
        if (!member) return json(200, { ok: false, error: 'missing_scope', needed: 'channels:read' });
        // Pages of two, to exercise the cursor.
        const start = Number(body.cursor || 0);
        const page = member.slice(start, start + 2);
        const next = start + 2 < member.length ? String(start + 2) : '';
        return json(200, { ok: true, channels: page.map((id) => ({ id, is_channel: true })), response_metadata: { next_cursor: next } });
      }
      case 'conversations.history': {
        const channel = String(body.channel);
        if (options.failing?.[channel] === 'gone') return json(200, { ok: false, error: 'channel_not_found' });
        const all = history[channel] ?? [];
        // Metadata only when asked for, as Slack does.
        const messages = body.include_all_metadata === 'true' ? all : all.map(({ metadata: _m, ...m }) => m);
        return json(200, { ok: true, messages: messages.slice(0, Number(body.limit ?? 100)), has_more: false });
      }
      case 'files.getUploadURLExternal': {
        const id = `F${++files}`;
        return json(200, { ok: true, upload_url: `${url}/upload/${id}`, file_id: id });
      }
      case 'files.info': {
        const found = hosted.get(String(body.file));
        return found ? json(200, { ok: true, file: found.file }) : json(200, { ok: false, error: 'file_not_found' });
      }
      case 'files.completeUploadExternal': {
        const listed = JSON.parse(String(body.files ?? '[]')) as Array<{ id: string; title?: string }>;
        return json(200, { ok: true, files: listed.map((f) => ({ id: f.id, title: f.title })) });
      }
      case 'upload':
      case 'response':
        res.writeHead(200, { 'content-type': 'text/plain' });
        return res.end('ok');
      default:
        return json(200, { ok: false, error: 'unknown_method' });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    apiUrl: `${url}/api/`,
    calls,
    responseUrl: () => `${url}/response/${++responses}`,
    hostFile: (name, bytes, mimetype = name.endsWith('.xlsx') ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv', user = 'UUSER') => {
      const id = `F0HOSTED${hosted.size + 1}`;
      const at = `${url}/files-pri/${id}/${encodeURIComponent(name)}`;
      const file: HostedFile = { id, name, mimetype, size: bytes.length, url_private: at, url_private_download: `${at}?download=1`, user };
      hosted.set(id, { file, bytes });
      return file;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sign(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** POST to the bot's /slack/events as Slack does: signed with the secret (or tampered with, for the 401s). */
export async function postToBot(
  port: number,
  body: string,
  contentType: 'application/x-www-form-urlencoded' | 'application/json',
  signing: { secret: string; timestamp?: number; signature?: string },
): Promise<{ status: number; text: string; ms: number }> {
  const timestamp = signing.timestamp ?? Math.floor(Date.now() / 1000);
  const started = Date.now();
  const res = await fetch(`http://127.0.0.1:${port}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signing.signature ?? sign(signing.secret, timestamp, body),
    },
    body,
  });
  const text = await res.text();
  return { status: res.status, text, ms: Date.now() - started };
}

export async function waitFor<T>(find: () => T | undefined, ms = 5000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const found = find();
    if (found) return found;
    if (Date.now() > until) throw new Error('timed out waiting for the bot');
    await new Promise((r) => setTimeout(r, 10));
  }
}
