/**
 * The Discord adapter: a discord.js client over the gateway for slash commands, autocomplete, buttons and
 * questions, and an AlertSink for the delivery worker.
 *
 * Intents: Guilds (the guilds and channels the bot is in, needed to resolve the channel of a mention),
 * GuildMessages (messages in server channels, to see mentions of the bot) and DirectMessages (DMs; with the
 * Channel partial, because DM channels are not cached before their first message). Not MessageContent: it is
 * privileged, and Discord delivers the content of messages that mention the bot and of DMs without it, which
 * is all the bot reads.
 */
import { Client, Events, GatewayIntentBits, Partials, type ClientOptions } from 'discord.js';
import type { SharedCommandStore } from '../../core/commands/shared-store';
import type { DataHandle } from '../../core/dataset';
import { ButtonStore } from './buttons';
import { DiscordHandlers, describeError, NO_MENTIONS } from './handlers';
import { checkDiscordToken } from './preflight';
import { stderrLogger, type Logger } from './logger';
import { checkRegistered, describeCheck, type RegistrationCheck } from './register';
import { DiscordSink } from './sink';
import { DiscordScreening } from './screen';
import { loginAdvice, runningShards, shardingOptions, type ShardPlan } from './shards';
import { screenLimits, type ScreenLimits } from '../../core/screen/limits';

export { discordOptionsFromConfig } from './options';

export interface DiscordBotOptions {
  /** DISCORD_TOKEN */
  token: string;
  /** DISCORD_APPLICATION_ID */
  applicationId: string;
  /** DISCORD_GUILD_ID: where the commands are registered (checked at start). */
  guildId?: string;
  /** DISCORD_API_URL: REST base without version. */
  apiUrl?: string;
  data: () => DataHandle;
  /** Record lookups in the audit trail (AUDIT_LOOKUPS). */
  audit: boolean;
  logger?: Logger;
  /** Compare the registered commands with the served ones at start and log a line when they differ (default true). */
  checkCommands?: boolean;
  /** REST retries of 5xx and timeouts for interactive answers (default 3; tests use 0). */
  restRetries?: number;
  /** REST time limit per request in ms (default 15000). */
  restTimeoutMs?: number;
  /** Alert delivery time limit per request in ms (default 10000). */
  sinkTimeoutMs?: number;
  /** Lines for the operator at start-up (a retry); default: the logger at warn level. */
  say?: (line: string) => void;
  /** How long start-up keeps trying an unreachable API, in ms (STARTUP_RETRY_SECONDS; default 30 s). */
  startupBudgetMs?: number;
  /** Screening a file: size and rows (default: SCREEN_MAX_BYTES, SCREEN_MAX_ROWS or 5 MB, 5,000). */
  screenLimits?: ScreenLimits;
  /** DISCORD_SHARDS / DISCORD_SHARD_IDS: shards run in this process; unset, one gateway connection. */
  shards?: ShardPlan;
  /**
   * The shared store (DATABASE_URL): channels' subscriptions and watch terms are read and written there, and lookups
   * audited there, so that every host answers from the same state. Without it, the local SQLite file (as before).
   */
  shared?: SharedCommandStore;
  /** Test knob: how long a command waiting on the shared store may take before it is deferred (default 2 s). */
  deferAfterMs?: number;
}

export interface DiscordBot {
  client: Client;
  sink: DiscordSink;
  handlers: DiscordHandlers;
  /** Log in and resolve when the gateway session is ready. */
  start(): Promise<void>;
  /** Close the gateway and stop the REST timers. */
  stop(): Promise<void>;
  /** The shards this process runs, once started with DISCORD_SHARDS (undefined without sharding, or before start). */
  shards(): { ids: number[]; count: number; text: string } | undefined;
  /** The start-time check of the registered commands (undefined when off, or when it could not be made). */
  registration(): Promise<RegistrationCheck | undefined>;
}

export function createDiscordBot(options: DiscordBotOptions): DiscordBot {
  const logger = options.logger ?? stderrLogger;
  const apiUrl = options.apiUrl ?? 'https://discord.com/api';
  const clientOptions: ClientOptions = {
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages],
    partials: [Partials.Channel],
    allowedMentions: NO_MENTIONS,
    rest: { api: apiUrl, retries: options.restRetries ?? 3, timeout: options.restTimeoutMs ?? 15_000 },
    ...shardingOptions(options.shards),
  };
  const client = new Client(clientOptions);
  const screening = new DiscordScreening({ data: options.data, limits: options.screenLimits ?? screenLimits(), logger, apiUrl });
  const handlers = new DiscordHandlers(client, { data: options.data, audit: options.audit, logger, buttons: new ButtonStore(), screening, ...(options.shared ? { shared: options.shared } : {}), ...(options.deferAfterMs !== undefined ? { deferAfterMs: options.deferAfterMs } : {}) });
  const sink = new DiscordSink({ token: options.token, apiUrl, timeoutMs: options.sinkTimeoutMs });

  client.on(Events.InteractionCreate, (interaction) => void handlers.onInteraction(interaction));
  client.on(Events.MessageCreate, (message) => void handlers.onMessage(message));
  client.on(Events.Error, (err) => logger.error({ err: describeError(err) }, 'discord: client error'));
  if (options.shards) client.on(Events.ShardReady, (shard) => logger.info({ shard }, 'discord: shard ready'));
  client.on(Events.ShardDisconnect, (event, shard) => logger.warn({ code: event.code, shard }, 'discord: gateway disconnected'));

  let check: Promise<RegistrationCheck | undefined> = Promise.resolve(undefined);

  return {
    client,
    sink,
    handlers,
    async start() {
      try {
        // Throws a StartupError with the line to print: token rejected, or the API unreachable.
        await checkDiscordToken({ token: options.token, apiUrl, budgetMs: options.startupBudgetMs, say: options.say ?? ((text) => logger.warn({}, text)) });
      } catch (err) {
        await client.destroy();
        sink.close();
        throw err;
      }
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      try {
        await client.login(options.token);
      } catch (err) {
        await client.destroy();
        sink.close();
        throw new Error(`Discord login failed: ${describeError(err)} (${loginAdvice(describeError(err))})`, { cause: err });
      }
      await ready;
      const running = options.shards ? runningShards(client) : undefined;
      if (running) {
        logger.info({ user: client.user?.tag, id: client.user?.id, shards: running.ids, shardCount: running.count }, `discord: connected to the gateway (${running.text})`);
      } else logger.info({ user: client.user?.tag, id: client.user?.id }, 'discord: connected to the gateway');
      if (options.checkCommands ?? true) {
        // Never registers: only says so when what Discord has differs from what this bot serves.
        check = checkRegistered({ token: options.token, applicationId: options.applicationId, ...(options.guildId ? { guildId: options.guildId } : {}), rest: client.rest }).then(
          (result) => {
            if (result.matches) logger.info({ scope: result.scope }, `discord: ${describeCheck(result)}`);
            else logger.warn({ scope: result.scope, missing: result.missing, different: result.different }, `discord: ${describeCheck(result)}`);
            return result;
          },
          (err: unknown) => {
            logger.warn({ err: describeError(err) }, 'discord: could not check the registered slash commands');
            return undefined;
          },
        );
      }
    },
    async stop() {
      await client.destroy();
      sink.close();
    },
    shards: () => (options.shards && client.isReady() ? runningShards(client) : undefined),
    registration: () => check,
  };
}
