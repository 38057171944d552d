/**
 * The environment, validated once at start-up. A bad value stops start-up with one line that names the
 * variable and says what is wrong (`ConfigError`). Every variable read here is documented in .env.example.
 */
import { availableParallelism } from 'node:os';
import cron from 'node-cron';
import { z } from 'zod';
import { parseShardCount, parseShardIds, shardIdsBeyond, type ShardCount } from './discord/shards';

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

/** A whole number from min to max; empty or unset gives the fallback. */
const integer = <F extends number | undefined>(min: number, max: number, what: string, fallback: F) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx): number | F => {
      if (v === undefined || v === '') return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be ${what} from ${min} to ${max}, got "${v}"` });
        return z.NEVER;
      }
      return n;
    });

const port = <F extends number | undefined>(fallback: F) => integer(0, 65535, 'a port number', fallback);

const url = (fallback: string) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      const value = v || fallback;
      try {
        const parsed = new URL(value);
        if (!/^https?:$/.test(parsed.protocol)) throw new Error('not http(s)');
      } catch {
        ctx.addIssue({ code: 'custom', message: `must be an http(s) URL, got "${value}"` });
        return z.NEVER;
      }
      return value;
    });

const cronExpression = z
  .string()
  .trim()
  .optional()
  .transform((v, ctx) => {
    const value = v || DEFAULT_REFRESH_CRON;
    if (!cron.validate(value)) {
      ctx.addIssue({ code: 'custom', message: `must be a cron expression such as "${DEFAULT_REFRESH_CRON}", got "${value}"` });
      return z.NEVER;
    }
    return value;
  });

const flag = (fallback: boolean) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      if (/^(1|true|yes|on)$/i.test(v)) return true;
      if (/^(0|false|no|off)$/i.test(v)) return false;
      ctx.addIssue({ code: 'custom', message: `must be true or false, got "${v}"` });
      return z.NEVER;
    });

/** Every 30 minutes, at minute 7 and 37: frequent enough to hear within minutes of an OFAC action. */
export const DEFAULT_REFRESH_CRON = '7,37 * * * *';

/**
 * The shared state's PostgreSQL (several hosts): a postgres:// or postgresql:// URL with a host and a database; empty
 * or unset keeps everything in the SQLite file (SANCTIONS_DB).
 */
const databaseUrl = z
  .string()
  .trim()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v === '') return undefined;
    let parsed: URL;
    try {
      parsed = new URL(v);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a PostgreSQL URL such as postgres://user:password@db.internal:5432/sanctions, got something that is not a URL' });
      return z.NEVER;
    }
    if (!/^postgres(ql)?:$/.test(parsed.protocol)) {
      ctx.addIssue({ code: 'custom', message: `must be a postgres:// or postgresql:// URL (only PostgreSQL is supported), got a ${parsed.protocol}// URL` });
      return z.NEVER;
    }
    if (!parsed.hostname && !parsed.searchParams.get('host')) {
      ctx.addIssue({ code: 'custom', message: 'must name the server, as in postgres://user@db.internal:5432/sanctions (or ?host=/run/postgresql for a socket)' });
      return z.NEVER;
    }
    if (parsed.pathname.replace(/^\//, '') === '') {
      ctx.addIssue({ code: 'custom', message: 'must name the database, as in postgres://user@db.internal:5432/sanctions' });
      return z.NEVER;
    }
    return v;
  });

/** A setting parsed by a function that throws a sentence (unset or empty: undefined). */
const parsedBy = <T>(parse: (text: string) => T) =>
  z
    .string()
    .optional()
    .transform((v, ctx): T | undefined => {
      if (v === undefined || v.trim() === '') return undefined;
      try {
        return parse(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    });

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const EnvSchema = z.object({
  SANCTIONS_DB: z.string().trim().optional().transform((v) => v || 'var/sanctions.db'),
  /** PostgreSQL for the state several hosts share (src/core/shared); unset: the SQLite file alone. */
  DATABASE_URL: databaseUrl,
  SANCTIONS_SOURCES: z.string().trim().optional().transform((v) => v || 'data/sources.json'),
  REFRESH_CRON: cronExpression,
  REFRESH_JITTER_MS: integer(0, 3_600_000, 'a number of milliseconds', 20_000),
  SLACK_BOT_TOKEN: optionalText.refine((v) => v === undefined || v.startsWith('xoxb-') || v.startsWith('xoxe.'), 'must be a bot token starting with "xoxb-"'),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText.refine((v) => v === undefined || v.startsWith('xapp-'), 'must be an app-level token starting with "xapp-"'),
  SLACK_PORT: port(3000),
  SLACK_ADMIN_USERS: z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      const ids = (v ?? '').split(/[\s,]+/).filter(Boolean).map((s) => s.toUpperCase());
      const bad = ids.find((id) => !/^[UW][A-Z0-9]{2,}$/.test(id));
      if (bad) {
        ctx.addIssue({ code: 'custom', message: `must be Slack member ids such as U012AB3CD, comma-separated; got "${bad}"` });
        return z.NEVER;
      }
      return ids;
    }),
  SLACK_API_URL: url('https://slack.com/api/'),
  /** Distribution mode (many workspaces, OAuth installs): all three, instead of SLACK_BOT_TOKEN. */
  SLACK_CLIENT_ID: optionalText.refine((v) => v === undefined || /^\d+\.\d+$/.test(v), 'must be the app\'s client id from Basic Information, such as 1234567890.1234567890'),
  SLACK_CLIENT_SECRET: optionalText.refine((v) => v === undefined || /^[0-9a-f]{16,}$/i.test(v), 'must be the app\'s client secret from Basic Information (hexadecimal)'),
  SLACK_STATE_SECRET: optionalText.refine((v) => v === undefined || v.length >= 16, 'must be at least 16 characters (any random string: it signs the OAuth state)'),
  /** The public redirect URL of the OAuth flow (https://host/slack/oauth_redirect); only when the app lists several. */
  SLACK_REDIRECT_URI: optionalText.refine((v) => v === undefined || /^https?:\/\/[^/]+\/slack\/oauth_redirect$/.test(v), 'must be the bot\'s public address ending in /slack/oauth_redirect'),
  DISCORD_TOKEN: optionalText,
  DISCORD_APPLICATION_ID: optionalText.refine((v) => v === undefined || /^\d{5,25}$/.test(v), 'must be a numeric application id (a snowflake)'),
  DISCORD_GUILD_ID: optionalText.refine((v) => v === undefined || /^\d{5,25}$/.test(v), 'must be a numeric guild id (a snowflake)'),
  DISCORD_API_URL: url('https://discord.com/api'),
  /** Sharding (issue 16): `auto` (Discord's recommended count) or a number; unset: one gateway connection, as before. */
  DISCORD_SHARDS: parsedBy<ShardCount>(parseShardCount),
  /** Which of the shards this process runs (`0,1`, `0-3`): several hosts split the shards; default all. */
  DISCORD_SHARD_IDS: parsedBy<number[]>(parseShardIds),
  LOG_LEVEL: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || 'info')
    .pipe(z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` })),
  AUDIT_LOOKUPS: flag(true),
  HEALTH_PORT: port(undefined),
  HEALTH_HOST: z.string().trim().optional().transform((v) => v || '127.0.0.1'),
  /** The HTTP API (src/bots/http/api.ts): off unless API_PORT is set. */
  API_PORT: port(undefined),
  API_HOST: z.string().trim().optional().transform((v) => v || '127.0.0.1'),
  API_KEY: optionalText.refine((v) => v === undefined || v.length >= 16, 'must be at least 16 characters'),
  API_MAX_BODY_BYTES: integer(1024, 100 * 1024 * 1024, 'a number of bytes', 1024 * 1024),
  // Default: one thread per core beyond the first (at least one, at most four): on 2 cores one lookup thread
  // beside the server's measured best (bench:api); a second only competed with it for the cores.
  API_LOOKUP_THREADS: integer(0, 16, 'a number of threads', Math.min(4, Math.max(1, availableParallelism() - 1))),
  ALERT_POLL_MS: integer(0, 3_600_000, 'a number of milliseconds', 5000),
  /** Several bot processes on one database: the leader's lease lasts this long past its last heartbeat. */
  LEADER_TTL_MS: integer(1000, 3_600_000, 'a number of milliseconds', 30_000),
  STARTUP_RETRY_SECONDS: integer(0, 600, 'a number of seconds', 30),
  ALERT_RETRY_HOURS: integer(1, 24 * 30, 'a number of hours', 48),
  ALERT_RETRY_MAX_DELAY_MS: integer(1000, 24 * 3_600_000, 'a number of milliseconds', 3_600_000),
  /**
   * With DATABASE_URL: how long a worker's claim holds a message it is sending. A process that dies mid-send leaves its
   * messages to another after this (the leader's lease runs out first: LEADER_TTL_MS); a send times out at half of it.
   */
  ALERT_CLAIM_TTL_MS: integer(2000, 3_600_000, 'a number of milliseconds', 60_000),
  /** Delivered alert messages, their attempts and claims are deleted this many days after delivery (alerts/prune.ts). */
  ALERT_KEEP_DELIVERED_DAYS: integer(1, 3650, 'a number of days', 14),
});

export type Config = z.infer<typeof EnvSchema>;

export class ConfigError extends Error {}

/** A host name or address that only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Read and validate the environment; throws a ConfigError with one line per bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      return `${name}: ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration: ${lines.join('; ')}`);
  }
  const config = parsed.data;
  if (config.API_PORT !== undefined && !config.API_KEY && !isLoopback(config.API_HOST)) {
    throw new ConfigError(`invalid configuration: API_KEY: required when the API listens beyond this machine (API_HOST=${config.API_HOST})`);
  }
  checkSlackDistribution(config);
  if (config.SLACK_BOT_TOKEN && !config.SLACK_APP_TOKEN && !config.SLACK_SIGNING_SECRET) {
    throw new ConfigError('invalid configuration: SLACK_SIGNING_SECRET: required with SLACK_BOT_TOKEN over HTTP (or set SLACK_APP_TOKEN for Socket Mode)');
  }
  if (config.DISCORD_TOKEN && !config.DISCORD_APPLICATION_ID) {
    throw new ConfigError('invalid configuration: DISCORD_APPLICATION_ID: required with DISCORD_TOKEN');
  }
  checkDiscordShards(config);
  return config;
}

/**
 * DISCORD_SHARD_IDS names shards of a fixed count: every host must divide the same count, or Discord would send
 * some guilds to two hosts and others to none; `auto` can change between two hosts' starts, so it is refused here.
 */
function checkDiscordShards(config: Config): void {
  const ids = config.DISCORD_SHARD_IDS;
  if (!ids) return;
  if (config.DISCORD_SHARDS === undefined) {
    throw new ConfigError('invalid configuration: DISCORD_SHARD_IDS: needs DISCORD_SHARDS, the number of shards in all (the same on every host), e.g. DISCORD_SHARDS=4 DISCORD_SHARD_IDS=0-1');
  }
  if (config.DISCORD_SHARDS === 'auto') {
    throw new ConfigError(
      'invalid configuration: DISCORD_SHARD_IDS: with DISCORD_SHARDS=auto each host could be told a different count; set DISCORD_SHARDS to a number (the same on every host) when splitting shards',
    );
  }
  const beyond = shardIdsBeyond(ids, config.DISCORD_SHARDS);
  if (beyond) throw new ConfigError(`invalid configuration: DISCORD_SHARD_IDS: ${beyond} of DISCORD_SHARDS=${config.DISCORD_SHARDS}`);
}

/** Slack runs for one workspace (SLACK_BOT_TOKEN), for many (distribution: OAuth installs), or not at all. */
export function slackMode(config: Pick<Config, 'SLACK_BOT_TOKEN' | 'SLACK_CLIENT_ID'>): 'workspace' | 'distribution' | undefined {
  if (config.SLACK_BOT_TOKEN) return 'workspace';
  return config.SLACK_CLIENT_ID ? 'distribution' : undefined;
}

const DISTRIBUTION = ['SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET', 'SLACK_STATE_SECRET'] as const;

/** Distribution mode: all three of its variables, over HTTP with the signing secret, and not beside a bot token. */
function checkSlackDistribution(config: Config): void {
  const set = DISTRIBUTION.filter((name) => config[name] !== undefined);
  if (!set.length) {
    if (config.SLACK_REDIRECT_URI) throw new ConfigError('invalid configuration: SLACK_REDIRECT_URI: only used in distribution mode (with SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET)');
    return;
  }
  const missing = DISTRIBUTION.filter((name) => config[name] === undefined);
  if (missing.length) {
    throw new ConfigError(`invalid configuration: ${missing.join(', ')}: required with ${set.join(', ')} (Slack distribution mode needs SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET)`);
  }
  if (config.SLACK_BOT_TOKEN) {
    throw new ConfigError('invalid configuration: SLACK_BOT_TOKEN: set either SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_STATE_SECRET (any number of workspaces, installed through /slack/install), not both');
  }
  if (config.SLACK_APP_TOKEN) {
    throw new ConfigError('invalid configuration: SLACK_APP_TOKEN: distribution mode runs over HTTP (its install page and OAuth redirect need a public address); unset SLACK_APP_TOKEN');
  }
  if (!config.SLACK_SIGNING_SECRET) {
    throw new ConfigError('invalid configuration: SLACK_SIGNING_SECRET: required in Slack distribution mode (every request is verified with it)');
  }
}
