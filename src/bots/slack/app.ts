/**
 * The Slack adapter: one `/sanctions` command, its buttons, mentions and direct messages, and alert delivery.
 * Thin, like the console: parsing and answers live in core (runCommand -> Reply); this file acks, decides who
 * may manage a channel's alerts, renders (render.ts) and sends.
 *
 *   /sanctions <anything>   ack at once (empty), answer through response_url: ephemeral, or in the channel
 *                           for what changes the channel (subscribe...)
 *   buttons                 More results / Details (ephemeral), Share in channel (in the channel, "Shared by")
 *   @bot <question>         "is Hikvision on any list?": the answer in the mention's thread
 *   DM <question>           the same in the direct message
 *   "Screen this message"   message shortcut: the names in a message, screened, answered ephemerally
 *   Home tab                search modal, recent lookups, channel alerts, list freshness, latest changes
 *   DM a CSV/XLSX file      screened (screen.ts): the result file and a summary in the file's thread
 *   /sanctions screen       how to screen a file, or screen the file linked
 *
 * Over HTTP (Bolt's receiver on SLACK_PORT, requests verified with the signing secret) or, when an app token
 * is given, Socket Mode. Without a bot token, distribution mode (distribution.ts): workspaces install the app
 * through OAuth at /slack/install and each is answered, and alerted, with its own token.
 */
import type { Server } from 'node:http';
import { App, HTTPReceiver, LogLevel, type HTTPReceiverOptions, type BlockAction, type ButtonAction, type Logger as BoltLogger, type RespondFn, type webApi } from '@slack/bolt';
import pino, { type BaseLogger } from 'pino';
import { acknowledge, digestPage, parseAlertButton } from '../../core/alerts/digest';
import { dispatchCommand, type SharedCommandStore } from '../../core/commands/shared-commands';
import { parseCommand, type Command } from '../../core/commands/parse';
import type { PlatformDescription } from '../../core/commands/platform';
import type { Reply } from '../../core/commands/reply';
import type { DataHandle } from '../../core/dataset';
import { ACTION_IDS, decodeSlackEntities, fromSlackText, renderReply, slackSyntax, type SlackMessage } from './render';
import { registerHome } from './home';
import { checkSlackToken, missingHistoryScopes } from './preflight';
import { registerScreenMessage } from './screen-message';
import { SlackSink } from './sink';
import { registerScreening, screenArgs } from './screen';
import { screenLimits, type ScreenLimits } from '../../core/screen/limits';
import { refuseOutsideWindow } from './timestamp';
import type { AlertSink } from '../../core/alerts/delivery';
import type { WorkspaceInstallations } from '../../core/installations/store';
import { registerDistribution, distributionReceiverOptions, type SlackDistribution } from './distribution';
import { WorkspaceSlackSink } from './workspace-sink';

type WebClient = webApi.WebClient;

export interface SlackAppOptions {
  /** SLACK_BOT_TOKEN (xoxb-...): one workspace. Without it, `distribution` (many workspaces, OAuth installs). */
  botToken?: string;
  /** Distribution mode: OAuth installs, a token per workspace from the installation store (distribution.ts). */
  distribution?: SlackDistribution & { installations: WorkspaceInstallations };
  /** SLACK_SIGNING_SECRET: verifies every HTTP request (required over HTTP). */
  signingSecret?: string;
  /** SLACK_APP_TOKEN (xapp-...): Socket Mode instead of HTTP when set. */
  appToken?: string;
  /** SLACK_PORT: where Bolt's HTTP receiver listens (default 3000; 0 picks a free port). */
  port?: number;
  /** Listen address (default: every interface). */
  host?: string;
  /** SLACK_API_URL: the Web API base (GovSlack, proxies); default https://slack.com/api/. */
  apiUrl?: string;
  /** The data answers come from (the refreshed database, or the seed with its notice); read per request. */
  data: () => DataHandle;
  /** Record lookups in the audit trail (AUDIT_LOOKUPS). */
  audit: boolean;
  /** SLACK_ADMIN_USERS: user ids that may manage alerts besides workspace admins and owners. */
  admins?: string[];
  logger?: BaseLogger;
  /** The slash command's name (default /sanctions). */
  command?: string;
  /** How long a users.info answer (admin or not) is trusted, in ms (default 5 minutes). */
  adminCacheMs?: number;
  /** Alert delivery: per-call timeout in ms (default 10 s). */
  deliveryTimeoutMs?: number;
  /** Lines for the operator at start-up (a retry, missing scopes); default: the logger at warn level. */
  say?: (line: string) => void;
  /** How long start-up keeps trying an unreachable Web API, in ms (STARTUP_RETRY_SECONDS; default 30 s). */
  startupBudgetMs?: number;
  /** Test knobs: the Web API client's retries (Bolt's default retries for half an hour), token check, bot ids. */
  retryConfig?: webApi.RetryOptions;
  tokenVerificationEnabled?: boolean;
  botId?: string;
  botUserId?: string;
  /** Screening a shared file: size and rows (default: SCREEN_MAX_BYTES, SCREEN_MAX_ROWS or 5 MB, 5,000). */
  screenLimits?: ScreenLimits;
  /**
   * The shared store (DATABASE_URL): channels' subscriptions and watch terms are read and written there, and lookups
   * audited there, so that every host answers from the same state. Without it, the local SQLite file (as before).
   */
  shared?: SharedCommandStore;
}

export interface SlackBot {
  app: App;
  /** Listen (HTTP) or connect (Socket Mode); checks the token first. */
  start(): Promise<{ port?: number }>;
  stop(): Promise<void>;
  /** Alert delivery through chat.postMessage, for the delivery worker (per workspace in distribution mode). */
  sink: AlertSink;
}

/** SLACK_ADMIN_USERS ("U012AB3CD, W0123") -> user ids. */
export function parseAdminUsers(value: string | undefined): string[] {
  return (value ?? '')
    .split(/[\s,]+/)
    .map((v) => v.trim().toUpperCase())
    .filter(Boolean);
}

export const DEFAULT_COMMAND = '/sanctions';
const APOLOGY = 'Sorry, something went wrong answering that. It has been logged; please try again in a moment, or ask for "help".';

/** Commands that change a channel's alerts: only admins, owners and allow-listed users. */
function manages(command: Command): boolean {
  return command.name === 'subscribe' || command.name === 'unsubscribe' || (command.name === 'watch' && command.action !== 'list');
}

interface Where {
  user?: string;
  channel: string;
  team?: string;
  /** The person's own direct message with the bot (a message event of type im): theirs to manage. */
  ownDm?: boolean;
}

/** Slack in the core's words: how commands are typed, who may manage alerts. */
export function slackPlatform(command = DEFAULT_COMMAND): PlatformDescription {
  return {
    name: 'Slack',
    syntax: (line) => slackSyntax(line, command),
    managers: 'workspace admins and owners (or people the operator has allowed)',
    ownPlace: 'in your direct message with this app',
  };
}

export function createSlackApp(options: SlackAppOptions): SlackBot {
  const log = options.logger ?? pino({ name: 'slack' });
  const distribution = options.botToken ? undefined : options.distribution;
  if (!options.botToken && !distribution) throw new Error('Slack needs a bot token (SLACK_BOT_TOKEN) or distribution mode (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET)');
  const socketMode = Boolean(options.appToken) && !distribution;
  const clientOptions: webApi.WebClientOptions = {
    ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
    ...(options.retryConfig ? { retryConfig: options.retryConfig } : {}),
  };
  const app = new App({
    // The token is checked in start() (one line, bounded retries), not by an auth.test Bolt would start here
    // and leave to reject unhandled.
    deferInitialization: true,
    ...(distribution ? {} : { token: options.botToken }),
    logger: boltLogger(log),
    logLevel: boltLevel(log.level),
    clientOptions,
    ...(socketMode ? { appToken: options.appToken, socketMode: true, installerOptions: { clientOptions } } : { receiver: httpReceiver(options.signingSecret, log, distribution && distributionReceiverOptions(distribution, clientOptions, log)) }),
    ...(options.tokenVerificationEnabled !== undefined ? { tokenVerificationEnabled: options.tokenVerificationEnabled } : {}),
    ...(options.botId ? { botId: options.botId } : {}),
    ...(options.botUserId ? { botUserId: options.botUserId } : {}),
  });

  const admins = new Set((options.admins ?? []).map((a) => a.toUpperCase()));
  const adminCache = new Map<string, { admin: boolean; until: number }>();
  const cacheMs = options.adminCacheMs ?? 5 * 60_000;
  let botUserId = options.botUserId;
  const platform = slackPlatform(options.command ?? DEFAULT_COMMAND);
  const ownDms = new Map<string, string>();

  /**
   * Is this channel the user's own DM with the bot? A slash command in a DM says only "a DM" (D...), which may
   * be one between two people: conversations.open (im:write) gives the bot's own DM with the user to compare.
   */
  async function isOwnDm(user: string | undefined, channel: string, client: WebClient): Promise<boolean> {
    if (!user || !channel.startsWith('D')) return false;
    const known = ownDms.get(user);
    if (known) return known === channel;
    try {
      const opened = await client.conversations.open({ users: user });
      const id = opened.channel?.id;
      if (!id) return false;
      ownDms.set(user, id);
      if (ownDms.size > 5000) ownDms.delete(ownDms.keys().next().value!);
      return id === channel;
    } catch (err) {
      log.warn({ err: describe(err), user }, 'conversations.open failed: not treating the channel as the user\'s own DM');
      return false;
    }
  }

  /** Workspace admins and owners (users.info), and the allowlist. A failed look-up is a no, not cached. */
  async function mayManage(user: string | undefined, client: WebClient, team?: string): Promise<boolean> {
    if (!user) return false;
    if (admins.has(user.toUpperCase())) return true;
    // Admin of which workspace: one person (an Enterprise Grid W id) may be admin of one and not another.
    const key = team ? `${team}:${user}` : user;
    const cached = adminCache.get(key);
    if (cached && cached.until > Date.now()) return cached.admin;
    try {
      const info = await client.users.info({ user });
      const u = info.user;
      const admin = Boolean(u && !u.deleted && (u.is_admin || u.is_owner || u.is_primary_owner));
      adminCache.set(key, { admin, until: Date.now() + cacheMs });
      if (adminCache.size > 5000) adminCache.delete(adminCache.keys().next().value!);
      return admin;
    } catch (err) {
      log.warn({ err: describe(err), user }, 'users.info failed: treating the user as not an admin');
      return false;
    }
  }

  /** Run a parsed command for who asked where; only commands that change alerts ask who may manage. */
  async function run(command: Command, where: Where, client?: WebClient): Promise<Reply> {
    // A person's own DM with the bot is theirs to manage, admin or not.
    const canManage = manages(command) && client ? (where.ownDm || (await isOwnDm(where.user, where.channel, client)) || (await mayManage(where.user, client, where.team))) : false;
    const data = options.data();
    return dispatchCommand(command, {
      db: data.db,
      platform: 'slack',
      channel: where.channel,
      user: where.user,
      place: where.team,
      canManage,
      audit: options.audit,
      notice: data.notice,
      seed: data.seed,
      platformInfo: platform,
      ...(options.shared ? { shared: options.shared } : {}),
    });
  }

  async function execute(line: string, where: Where, client: WebClient): Promise<{ command: Command; reply: Reply }> {
    const command = parseCommand(line);
    return { command, reply: await run(command, where, client) };
  }

  /** Render, with the Slack-only hint after a new subscription: a private channel must invite the app. */
  function render(command: Command, reply: Reply, extra: { share: boolean; sharedBy?: string; channel: string; bot?: string }): SlackMessage {
    const message = renderReply(reply, { share: extra.share, details: command.name !== 'details', allAliases: command.name === 'details', detailed: command.name === 'details', sharedBy: extra.sharedBy, command: options.command ?? DEFAULT_COMMAND });
    if (command.name === 'subscribe' && !reply.error && !extra.channel.startsWith('D') && message.blocks.length < 50) {
      // The bot of the workspace asking (distribution mode: each workspace has its own), or the one token's.
      const bot = extra.bot ?? botUserId;
      const who = bot && /^[UW][A-Z0-9]+$/.test(bot) ? `<@${bot}>` : 'this app';
      message.blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `Alerts are posted by ${who}. In a private channel, invite it first (\`/invite\`), or they cannot be delivered.`, verbatim: true }] });
    }
    return message;
  }

  async function apologise(respond: RespondFn, err: unknown, what: Record<string, unknown>): Promise<void> {
    log.error({ err: describe(err), ...what }, 'slack: answering failed');
    await respond({ response_type: 'ephemeral', replace_original: false, text: APOLOGY }).catch((e: unknown) => log.error({ err: describe(e) }, 'slack: could not send the apology'));
  }

  // A CSV/XLSX shared in the DM, and `/sanctions screen`: src/bots/slack/screen.ts (the screening is core's).
  const screening = registerScreening(app, { ...(options.botToken ? { botToken: options.botToken } : {}), apiUrl: options.apiUrl, data: options.data, limits: options.screenLimits ?? screenLimits(), log, command: options.command ?? DEFAULT_COMMAND });

  app.command(options.command ?? DEFAULT_COMMAND, async ({ command, ack, respond, client, context }) => {
    // Slack waits 3 s for this: ack first (empty: nothing to show yet), answer through response_url after.
    await ack();
    try {
      const screen = screenArgs(decodeSlackEntities(command.text));
      if (screen !== undefined) {
        await screening.onCommand(screen, { user: command.user_id, channel: command.channel_id }, client, (text) => respond({ response_type: 'ephemeral', replace_original: false, text }).then(() => undefined));
        return;
      }
      const { command: parsed, reply } = await execute(decodeSlackEntities(command.text), { user: command.user_id, channel: command.channel_id, team: command.team_id }, client);
      const isPublic = reply.private === false;
      await respond({ response_type: isPublic ? 'in_channel' : 'ephemeral', ...render(parsed, reply, { share: !isPublic, channel: command.channel_id, bot: distribution ? context.botUserId : undefined }) });
    } catch (err) {
      await apologise(respond, err, { text: command.text, user: command.user_id });
    }
  });

  app.action<BlockAction<ButtonAction>>(new RegExp(`^(?:${ACTION_IDS.page}|${ACTION_IDS.ack})$`), async ({ action, body, ack, respond, client }) => {
    await ack();
    try {
      const parsed = parseAlertButton(decodeSlackEntities(action.value ?? ''));
      const channel = body.channel?.id ?? body.container?.channel_id;
      if (!parsed || !channel) {
        log.warn({ action: action.action_id, value: action.value }, 'slack: ignored a button with an unexpected value');
        return;
      }
      const db = options.data().db;
      if (parsed.kind === 'page') {
        const reply = digestPage(db, parsed.outbox, parsed.page, { platform: 'slack', channel });
        if (reply.error) {
          await respond({ response_type: 'ephemeral', replace_original: false, ...renderReply(reply, { share: false }) });
          return;
        }
        // The pages go in the digest's thread: Show all on the digest opens it, Next on a page continues it.
        const message = body.message as { ts?: string; thread_ts?: string } | undefined;
        const thread = message?.thread_ts ?? message?.ts;
        const page = renderReply(reply, { share: false });
        await client.chat.postMessage({ channel, ...(thread ? { thread_ts: thread } : {}), blocks: page.blocks, text: page.text, unfurl_links: false, unfurl_media: false });
        return;
      }
      const done = acknowledge(db, parsed.outbox, { platform: 'slack', channel, user: body.user.id, name: body.user.name ?? body.user.username });
      if (!done) {
        await respond({ response_type: 'ephemeral', replace_original: false, text: 'This alert is not one of this channel’s.' });
        return;
      }
      // The alert itself now says who handled it and when (and loses its button).
      await respond({ replace_original: true, ...renderReply(done.reply, { share: false }) });
    } catch (err) {
      await apologise(respond, err, { action: action.action_id, value: action.value, user: body.user.id });
    }
  });

  app.action<BlockAction<ButtonAction>>(new RegExp(`^(?:${[ACTION_IDS.more, ACTION_IDS.details, ACTION_IDS.share].join('|')})$`), async ({ action, body, ack, respond }) => {
    await ack();
    try {
      const parsed = parseCommand(decodeSlackEntities(action.value ?? ''));
      // Buttons only ever carry lookups and details: anything else is not ours, and is ignored.
      if (parsed.name !== 'lookup' && parsed.name !== 'details') {
        log.warn({ action: action.action_id, value: action.value }, 'slack: ignored a button with an unexpected value');
        return;
      }
      const channel = body.channel?.id ?? body.container?.channel_id;
      if (!channel) return;
      const reply = await run(parsed, { user: body.user.id, channel, team: body.team?.id ?? body.user.team_id });
      if (action.action_id === ACTION_IDS.share) {
        await respond({ response_type: 'in_channel', replace_original: false, ...render(parsed, reply, { share: false, sharedBy: body.user.id, channel }) });
      } else {
        // Page 2 or details of an answer only the clicker sees may be shared in turn; of a public one, not.
        const fromEphemeral = Boolean((body.container as { is_ephemeral?: boolean } | undefined)?.is_ephemeral);
        await respond({ response_type: 'ephemeral', replace_original: false, ...render(parsed, reply, { share: fromEphemeral, channel }) });
      }
    } catch (err) {
      await apologise(respond, err, { action: action.action_id, value: action.value, user: body.user.id });
    }
  });

  // Slack re-sends an event it thinks was not received; the same event_id must not be answered twice.
  const seen = new Set<string>();
  const firstTime = (eventId: string | undefined): boolean => {
    if (!eventId) return true;
    if (seen.has(eventId)) return false;
    seen.add(eventId);
    if (seen.size > 1000) seen.delete(seen.values().next().value!);
    return true;
  };

  async function answerMessage(client: WebClient, text: string, where: Where, threadTs: string | undefined): Promise<void> {
    const line = fromSlackText(text);
    let message: SlackMessage;
    try {
      const { command, reply } = await execute(line, where, client);
      message = render(command, reply, { share: false, channel: where.channel });
    } catch (err) {
      log.error({ err: describe(err), text, user: where.user }, 'slack: answering a message failed');
      message = { blocks: [], text: APOLOGY };
    }
    await client.chat.postMessage({
      channel: where.channel,
      ...(threadTs ? { thread_ts: threadTs } : {}),
      ...(message.blocks.length ? { blocks: message.blocks } : {}),
      text: message.text,
      unfurl_links: false,
      unfurl_media: false,
    });
  }

  app.event('app_mention', async ({ event, body, client, context }) => {
    if (!event.user || event.bot_id || !firstTime(body.event_id)) return;
    // In the mention's thread: its own ts, or the thread it was written in.
    await answerMessage(client, event.text, { user: event.user, channel: event.channel, team: event.team ?? context.teamId }, event.thread_ts ?? event.ts);
  });

  app.event('message', async ({ event, body, client, context }) => {
    // Direct messages only, typed by a person (no edits, joins, or bot messages, ours included).
    if (event.channel_type !== 'im' || event.subtype !== undefined || event.bot_id || !event.user || !event.text) return;
    if (!firstTime(body.event_id)) return;
    // A DM is a one-to-one conversation: answers go beside the question, or into its thread if it has one.
    await answerMessage(client, event.text, { user: event.user, channel: event.channel, team: event.team ?? context.teamId, ownDm: true }, event.thread_ts);
  });

  // "Screen this message" (message shortcut) and the App Home (screen-message.ts, home.ts).
  registerScreenMessage(app, { data: options.data, audit: options.audit, log, command: options.command, ...(options.shared ? { shared: options.shared } : {}) });
  registerHome(app, { data: options.data, audit: options.audit, log, platform, command: options.command, ...(options.shared ? { shared: options.shared } : {}) });

  app.error(async (error) => {
    log.error({ err: describe(error) }, 'slack: unhandled error');
  });

  // Many workspaces: the channel's workspace is remembered, installs removed on uninstall (distribution.ts).
  if (distribution) registerDistribution(app, distribution.installations, log);

  let server: Server | undefined;
  const tokenSink = options.botToken ? SlackSink.create({ token: options.botToken, apiUrl: options.apiUrl, timeoutMs: options.deliveryTimeoutMs }) : undefined;
  const sink: AlertSink = tokenSink ?? new WorkspaceSlackSink(distribution!.installations, { apiUrl: options.apiUrl, timeoutMs: options.deliveryTimeoutMs });
  const say = options.say ?? ((text: string) => log.warn(text));

  return {
    app,
    sink,
    async start() {
      if (tokenSink && options.botToken && options.tokenVerificationEnabled !== false) {
        // Throws a StartupError with the line to print: token rejected, or the Web API unreachable.
        const auth = await checkSlackToken({ token: options.botToken, apiUrl: options.apiUrl, budgetMs: options.startupBudgetMs, say });
        botUserId ??= auth.userId;
        log.info({ team: auth.team, user: auth.userId }, 'slack: token accepted');
        const missing = missingHistoryScopes(auth.scopes);
        tokenSink.historyReadable = missing ? missing.length === 0 : undefined;
        if (missing?.length) {
          say(
            `Slack: the token lacks ${missing.join(', ')}: alerts are delivered at least once, not exactly once (a crash while a message is being sent may post that one message twice); add the scopes (slack/manifest.yml) and reinstall the app for exactly once`,
          );
        }
      }
      await app.init();
      if (socketMode) {
        await app.start();
        log.info('slack: connected in Socket Mode');
        return {};
      }
      const started = (await app.start({ port: options.port ?? 3000, ...(options.host ? { host: options.host } : {}) })) as Server;
      server = started;
      const address = started.address();
      const port = typeof address === 'object' && address ? address.port : options.port;
      log.info({ port }, distribution ? 'slack: listening for requests on /slack/events; workspaces install the app at /slack/install' : 'slack: listening for requests on /slack/events');
      return { port };
    },
    async stop() {
      // Keep-alive connections would hold server.close() open until they time out.
      server?.closeAllConnections();
      await app.stop();
      server = undefined;
    },
  };
}

/**
 * Bolt's HTTP receiver (signatures checked with the signing secret), refusing timestamps more than five minutes
 * ahead as well as behind; Socket Mode has no signatures to check.
 */
function httpReceiver(signingSecret: string | undefined, log: BaseLogger, oauth?: Partial<HTTPReceiverOptions>): HTTPReceiver {
  const receiver = new HTTPReceiver({
    ...oauth,
    // Bolt refuses to start without one; main.ts checks that it is set before getting here.
    signingSecret: signingSecret ?? '',
    logger: boltLogger(log),
    logLevel: boltLevel(log.level),
    customRoutes: [{ path: '/healthz', method: ['GET'], handler: (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n') }],
  });
  receiver.requestListener = refuseOutsideWindow(receiver.requestListener, (ts) => log.warn({ timestamp: ts }, 'slack: refused a request whose timestamp is more than 5 minutes from now'));
  return receiver;
}

/** An error in one line for the logs, without tokens or request bodies. */
function describe(err: unknown): string {
  const e = err as { code?: string; data?: { error?: string }; message?: string };
  if (e?.data?.error) return `${e.code ?? 'error'}: ${e.data.error}`;
  return e?.message ?? String(err);
}

/** pino's level -> the level Bolt logs at (pino filters again). */
function boltLevel(level: string | undefined): LogLevel {
  if (level === 'debug' || level === 'trace') return LogLevel.DEBUG;
  if (level === 'warn') return LogLevel.WARN;
  if (level === 'error' || level === 'fatal' || level === 'silent') return LogLevel.ERROR;
  return LogLevel.INFO;
}

/** Bolt's logger interface over pino. */
function boltLogger(log: BaseLogger): BoltLogger {
  let level = boltLevel(log.level);
  const text = (parts: unknown[]) => parts.map((p) => (typeof p === 'string' ? p : p instanceof Error ? p.message : JSON.stringify(p))).join(' ');
  return {
    debug: (...m: unknown[]) => log.debug(text(m)),
    info: (...m: unknown[]) => log.info(text(m)),
    warn: (...m: unknown[]) => log.warn(text(m)),
    error: (...m: unknown[]) => log.error(text(m)),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
