/**
 * Start: validate the configuration, open the data (first run: refresh, or fall back to the bundled seed),
 * schedule refreshes per source, run the alert pipeline, and serve through the adapters that have
 * credentials; with none, the console.
 */
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pino from 'pino';
import { ConsoleBot } from './bots/console/console';
// Type-only: the Slack and Discord adapters (and their SDKs) load only when a token asks for them.
import type { DiscordBot } from './bots/discord/client';
import type { SlackBot } from './bots/slack/app';
import type { ApiServer } from './bots/http/api';
import { discordOptionsFromConfig } from './bots/discord/options';
import { styleFor } from './bots/console/render';
import type { AlertSink } from './core/alerts/delivery';
import { currentUser } from './core/audit';
import { settleSharedAudits } from './core/audit-target';
import { AlertPipeline } from './core/alerts/pipeline';
import { SharedAlertPipeline } from './core/alerts/shared-pipeline';
import { lastLocalEvent, passLocalEvents, startPublishing } from './core/alerts/shared-publish';
import { SourceFollower } from './core/shared/follow';
import { SharedLeadership } from './core/shared/leadership';
import { PostgresSharedStore, redactUrl } from './core/shared/postgres';
import { RefreshScheduler } from './core/alerts/scheduler';
import { ConfigError, loadConfig, slackMode, type Config } from './core/config';
import { SqliteInstallations } from './core/installations/sqlite';
import { screenLimits } from './core/screen/limits';
import { loadDotEnv } from './core/env-file';
import { hasListData } from './core/coverage';
import { openData, type DataHandle } from './core/dataset';
import { warmUp } from './core/lookup';
import { warmSuggest } from './core/suggest/suggest';
import { startHealthServer } from './core/ops/health-server';
import { Leadership } from './core/ops/leader';
import { LeaseBusyError } from './core/ops/lease';
import { metrics } from './core/ops/metrics';
import { StartupError } from './core/ops/startup';
import { refreshSources, type SourceRefreshResult } from './core/refresh';
import { openStore } from './core/reindex';
import { RefreshBusyError, refreshInChild } from './core/refresh-process/run';
import { ConfigError as SourcesError, loadSourcesFile, type SourceConfig } from './core/sources/config';
import { ALERTS_CONNECTION, StoreError } from './core/store/db';
import { CorruptDatabaseError } from './core/store/integrity';
import { SourceStore } from './core/store/sources';
import { WalCheckpointer } from './core/store/wal-checkpointer';

function line(text: string): void {
  process.stderr.write(`${text}\n`);
}

function bar(done: number, total: number): string {
  const width = 16;
  const full = Math.round((done / Math.max(1, total)) * width);
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${done}/${total}`;
}

function countResult(r: SourceRefreshResult): void {
  metrics.refreshes.inc({ source: r.source, outcome: r.outcome });
}

function progress(total: number) {
  let done = 0;
  return {
    onStart: (s: SourceConfig) => {
      if (process.stderr.isTTY) process.stderr.write(`${bar(done, total)} ${s.id}: fetching ${s.location.slice(0, 60)}...\r`);
    },
    onResult: (r: SourceRefreshResult) => {
      done++;
      countResult(r);
      if (process.stderr.isTTY) process.stderr.write('\u001b[2K');
      const what =
        r.outcome === 'failed' || r.outcome === 'quarantined'
          ? `${r.outcome}: ${r.message ?? ''}`
          : `${r.outcome}, ${r.records.toLocaleString('en-US')} records in ${(r.ms / 1000).toFixed(1)}s`;
      line(`${bar(done, total)} ${r.source}: ${what}`);
    },
  };
}

export async function main(): Promise<number> {
  let config: Config;
  let sources: SourceConfig[];
  try {
    loadDotEnv();
    config = loadConfig();
    // Screening limits (SCREEN_MAX_BYTES, SCREEN_MAX_ROWS): a bad value stops start-up like any other setting.
    screenLimits();
    sources = loadSourcesFile(config.SANCTIONS_SOURCES);
  } catch (err) {
    if (err instanceof ConfigError) {
      line(err.message);
      return 2;
    }
    if (err instanceof SourcesError) {
      line(`invalid configuration: SANCTIONS_SOURCES: ${err.message}`);
      return 2;
    }
    throw err;
  }

  // PostgreSQL (issue 16): the state several hosts share; the lists and their index stay in a local SQLite copy.
  let shared: PostgresSharedStore | undefined;
  if (config.DATABASE_URL) {
    shared = PostgresSharedStore.open(config.DATABASE_URL);
    try {
      const report = await shared.migrate();
      if (report.applied.length) line(`PostgreSQL: schema ${report.before} -> ${report.after} (${report.applied.length} migration(s) applied)`);
    } catch (err) {
      const e = err as Error & { code?: string };
      line(`invalid configuration: DATABASE_URL: PostgreSQL at ${redactUrl(config.DATABASE_URL)}: ${e.message || e.code || String(err)}`);
      await shared.close();
      return 2;
    }
  }

  let handle: DataHandle;
  try {
    const first = await openData(config.SANCTIONS_DB, sources, (total) => {
      line(`First run: loading the lists from ${config.SANCTIONS_SOURCES} into ${config.SANCTIONS_DB}`);
      return progress(total);
    });
    handle = first.handle;
    if (handle.seed) {
      const reasons = first.results.filter((r) => r.message).map((r) => `${r.source}: ${r.message}`);
      line(`No source could be reached${reasons.length ? ` (${reasons[0]}${reasons.length > 1 ? `; and ${reasons.length - 1} more` : ''})` : ''}. Answering from the bundled seed until a refresh succeeds.`);
    }
  } catch (err) {
    await shared?.close();
    if (err instanceof StoreError) {
      line(`invalid configuration: SANCTIONS_DB: ${err.message}`);
      return 2;
    }
    if (err instanceof CorruptDatabaseError) {
      line(err.message);
      return 2;
    }
    throw err;
  }
  /** The refreshed database: alerts and refreshes always work on it, even while answers come from the seed. */
  const mainDb = handle.main ?? handle.db;
  // On PostgreSQL this copy's changes from now on are news to publish (shared-publish.ts); what it held before is not.
  if (shared) startPublishing(mainDb);

  const sinks = new Map<string, AlertSink>();
  const logger = pino({ level: config.LOG_LEVEL }, pino.destination(2));
  // The alert pipeline on a connection of its own, without a memory map and with a small cache (ALERTS_CONNECTION):
  // the outbox and deliveries it goes through once do not stay in memory beside the lookups' pages.
  let alertsDb: typeof mainDb | undefined;
  /** Close every database handle this process opened (the seed's, the pipeline's, the main one), once each. */
  const closeData = () => {
    if (handle.db !== mainDb) handle.db.close();
    if (alertsDb && alertsDb !== mainDb) alertsDb.close();
    mainDb.close();
    void shared?.close();
  };
  try {
    alertsDb = config.SANCTIONS_DB === ':memory:' ? mainDb : openStore(config.SANCTIONS_DB, ALERTS_CONNECTION);
  } catch (err) {
    closeData();
    if (err instanceof StoreError || err instanceof CorruptDatabaseError) {
      line(err instanceof StoreError ? `invalid configuration: SANCTIONS_DB: ${err.message}` : err.message);
      return 2;
    }
    throw err;
  }
  // WAL checkpoints in a thread of their own (wal-checkpointer.ts): a commit that checkpointed held the event loop
  // for hundreds of milliseconds while a large refresh was routed.
  const checkpointer =
    config.SANCTIONS_DB === ':memory:' ? undefined : new WalCheckpointer(config.SANCTIONS_DB, { onError: (message) => logger.warn({ message }, 'WAL checkpoint failed') }).start([mainDb, alertsDb]);
  const delivery = {
    sinks,
    onAttempt: (platform: string, outcome: 'delivered' | 'retry' | 'failed') => metrics.deliveries.inc({ platform, outcome }),
    // issue 11: retry for hours, then say so (error log, /healthz, status, subscriptions).
    horizonMs: config.ALERT_RETRY_HOURS * 3_600_000,
    maxDelayMs: config.ALERT_RETRY_MAX_DELAY_MS,
    logger: logger.child({ name: 'alerts' }),
  };
  // On PostgreSQL the leader publishes its refreshes' events, routes and delivers through the shared store
  // (claims: a message is sent by one worker whichever process holds it); else the pipeline on the SQLite file.
  const pipeline: AlertPipeline | SharedAlertPipeline = shared
    ? new SharedAlertPipeline(shared, mainDb, {
        ...delivery,
        claimTtlMs: config.ALERT_CLAIM_TTL_MS,
        keepDeliveredDays: config.ALERT_KEEP_DELIVERED_DAYS,
        // Watch terms are matched against this copy: channels with some wait while it is behind the shared state.
        sourcesBehind: async () => new Set((await follower!.due(mainDb, 0)).map((d) => d.id)),
      })
    : new AlertPipeline(alertsDb, { ...delivery, keepDeliveredDays: config.ALERT_KEEP_DELIVERED_DAYS });
  const bot: ConsoleBot = new ConsoleBot({
    input: process.stdin,
    output: process.stdout,
    data: () => handle,
    style: styleFor(process.stdout),
    interactive: Boolean(process.stdin.isTTY),
    audit: config.AUDIT_LOOKUPS,
    user: currentUser(),
    place: hostname(),
    refresh: () => refreshNow(sources),
    // A digest's files (CSV, Markdown) next to the database; printed paths in the alert.
    filesDir: config.SANCTIONS_DB === ':memory:' ? join(tmpdir(), 'sanctions-digests') : join(dirname(config.SANCTIONS_DB), 'digests'),
    beforeClose: async (): Promise<unknown> => (leadership.isLeader ? pipeline.tick() : undefined),
    // On PostgreSQL, subscriptions, watch terms and the audit trail are the shared store's (every host's console too).
    shared,
  });
  sinks.set(bot.sink.platform, bot.sink);

  let slack: SlackBot | undefined;
  const slackAs = slackMode(config);
  if (slackAs) {
    const { createSlackApp } = await import('./bots/slack/app');
    slack = createSlackApp({
      botToken: config.SLACK_BOT_TOKEN,
      // Many workspaces (issue 16): installations in the database, a token per workspace.
      ...(slackAs === 'distribution'
        ? { distribution: { clientId: config.SLACK_CLIENT_ID!, clientSecret: config.SLACK_CLIENT_SECRET!, stateSecret: config.SLACK_STATE_SECRET!, redirectUri: config.SLACK_REDIRECT_URI, installations: shared?.installations ?? new SqliteInstallations(mainDb) } }
        : {}),
      signingSecret: config.SLACK_SIGNING_SECRET,
      appToken: config.SLACK_APP_TOKEN,
      port: config.SLACK_PORT,
      apiUrl: config.SLACK_API_URL,
      data: () => handle,
      audit: config.AUDIT_LOOKUPS,
      shared,
      admins: config.SLACK_ADMIN_USERS,
      logger: logger.child({ name: 'slack' }),
      say: line,
      startupBudgetMs: config.STARTUP_RETRY_SECONDS * 1000,
    });
    sinks.set(slack.sink.platform, slack.sink);
    try {
      const { port } = await slack.start();
      line(config.SLACK_APP_TOKEN ? 'Slack: connected (Socket Mode)' : slackAs === 'distribution' ? `Slack: listening on :${port}/slack/events; workspaces install the app at /slack/install` : `Slack: listening on :${port}/slack/events`);
    } catch (err) {
      // issue 11: a StartupError is already the one line to print.
      line(err instanceof StartupError ? err.message : `Slack: ${(err as Error).message}`);
      closeData();
      return 2;
    }
  }
  let discord: DiscordBot | undefined;
  const discordOptions = discordOptionsFromConfig(config);
  if (discordOptions) {
    const { createDiscordBot } = await import('./bots/discord/client');
    discord = createDiscordBot({ ...discordOptions, data: () => handle, shared, logger: logger.child({ name: 'discord' }), say: line, startupBudgetMs: config.STARTUP_RETRY_SECONDS * 1000 });
    try {
      await discord.start();
      // Sharded (issue 16): the shards this process runs; alerts still go out once, through REST, from the leader.
      const shards = discord.shards();
      line(`Discord: logged in${shards ? ` (${shards.text})` : ''}`);
    } catch (err) {
      line((err as Error).message);
      await slack?.stop();
      closeData();
      return 2;
    }
    sinks.set(discord.sink.platform, discord.sink);
  }
  let api: ApiServer | undefined;
  if (config.API_PORT !== undefined) {
    const { startApiServer } = await import('./bots/http/api');
    try {
      api = await startApiServer({ data: () => handle, port: config.API_PORT, host: config.API_HOST, apiKey: config.API_KEY, maxBodyBytes: config.API_MAX_BODY_BYTES, audit: config.AUDIT_LOOKUPS, shared, lookupThreads: config.API_LOOKUP_THREADS });
      line(`HTTP API on http://${config.API_HOST}:${api.port}/v1/ (description: /v1/openapi.json${config.API_KEY ? '; API key required' : ''})`);
    } catch (err) {
      line(`HTTP API: cannot listen on ${config.API_HOST}:${config.API_PORT}: ${(err as Error).message}`);
      await slack?.stop();
      await discord?.stop();
      closeData();
      return 2;
    }
  }
  const chat = Boolean(slack || discord || api);

  /** A refresh off the serving path (a child process); in memory there is no file to share, so in-process. */
  async function runRefresh(which: SourceConfig[]): Promise<SourceRefreshResult[]> {
    if (config.SANCTIONS_DB === ':memory:') return refreshSources(mainDb, which, { onResult: countResult });
    const report = await refreshInChild(config.SANCTIONS_DB, which, { onResult: countResult });
    metrics.refreshPeakRss.set({}, report.rssPeakBytes);
    return report.results;
  }

  let refreshing = false;
  async function refreshNow(which: SourceConfig[]): Promise<string> {
    return (await refreshWithResults(which)).text;
  }

  /** A refresh, what to say of it, and each source's result (none when it did not run). */
  async function refreshWithResults(which: SourceConfig[]): Promise<{ text: string; results: SourceRefreshResult[] }> {
    if (refreshing) return { text: 'A refresh is already running.', results: [] };
    refreshing = true;
    try {
      // In a child process: the bot keeps answering while the lists are fetched, parsed and indexed.
      let results: SourceRefreshResult[];
      try {
        results = await runRefresh(which);
      } catch (err) {
        // Another process has been refreshing this database for longer than a refresh waits (issue 11).
        if (err instanceof LeaseBusyError || err instanceof RefreshBusyError) return { text: `A refresh of this database is ${err.message}; not started.`, results: [] };
        throw err;
      }
      if (handle.seed && hasListData(mainDb)) handle = { db: mainDb, seed: false };
      // The next lookup would rebuild the matcher for the new data version: do it now, not on someone's question.
      warmUp(handle.db);
      if (discord) warmSuggest(handle.db);
      if (leadership.isLeader) await pipeline.tick();
      const bad = results.filter((r) => r.outcome === 'failed' || r.outcome === 'quarantined');
      const changes = results.reduce((n, r) => n + r.added + r.removed + r.changed + r.suspended, 0);
      const text = `Refreshed ${results.length} source(s): ${changes} changes${bad.length ? `; not applied: ${bad.map((b) => `${b.source} (${b.outcome}: ${b.message})`).join('; ')}` : ''}.`;
      return { text, results };
    } finally {
      refreshing = false;
    }
  }

  const scheduler = new RefreshScheduler({
    defaultCron: config.REFRESH_CRON,
    jitterMs: config.REFRESH_JITTER_MS,
    run: async (due) => line(await refreshNow(due)),
    onError: (err) => line(`refresh failed: ${err.message}`),
    onPlanned: (next) => {
      try {
        new SourceStore(mainDb).planNextRuns(next);
      } catch (err) {
        line(`could not record the next refresh times: ${(err as Error).message}`);
      }
    },
  });
  // Issue 11: of the bot processes on one database, only the leader runs the schedule and the alert delivery
  // (src/core/ops/leader.ts); every process answers commands.
  let started = false;
  /** Counts the times this process gained and lost the lead: work started for a lead since lost is not started. */
  let leadTerm = 0;
  const leaderOptions = {
    ttlMs: config.LEADER_TTL_MS,
    onGain: () => {
      if (started) line('Leading now: scheduled refreshes and alert delivery run in this process.');
      scheduler.start(sources);
      const term = ++leadTerm;
      const deliver = () => {
        // Unless the lead was lost meanwhile (the catching up took longer than the lease).
        if (term === leadTerm) pipeline.start(config.ALERT_POLL_MS, (err: Error) => line(`alert delivery: ${err.message}`));
      };
      // On PostgreSQL a new leader first catches its copy up with what the last leader applied: routing matches watch
      // terms against this copy, which must hold the records of the events it routes.
      if (follower) void followLeader().finally(deliver);
      else deliver();
    },
    onLose: async () => {
      leadTerm++;
      await scheduler.stop();
      await pipeline.stop();
    },
    onError: (err: Error) => line(`leadership: ${err.message}`),
  };
  // On PostgreSQL the lease is in the shared store: one leader across every host.
  const leadership = shared ? new SharedLeadership(shared.leases, leaderOptions) : new Leadership(mainDb, leaderOptions);
  // On PostgreSQL every process answers from its own copy of the lists: one that does not lead follows the leader's
  // refreshes (follow.ts), and one that takes over the lead first catches up with what the last leader applied.
  const follower = shared ? new SourceFollower(shared) : undefined;
  let following: Promise<void> | undefined;
  const followLeader = (): Promise<void> =>
    (following ??= (async () => {
      const due = (await follower!.due(mainDb)).filter((d) => sources.some((s) => s.id === d.id));
      if (!due.length) return;
      const before = lastLocalEvent(mainDb);
      const { text, results } = await refreshWithResults(sources.filter((s) => due.some((d) => d.id === s.id)));
      line(`Following the leader's refresh: ${text}`);
      // A source that failed is tried again later (follow.ts), not left behind until the leader's next change.
      const bad = new Set(results.filter((r) => r.outcome === 'failed' || r.outcome === 'quarantined').map((r) => r.source));
      const done = new Set(results.map((r) => r.source));
      follower!.failed([...bad]);
      const followed = due.filter((d) => done.has(d.id) && !bad.has(d.id));
      follower!.followed(followed);
      // The leader published these changes: this copy's events of them are passed over, when the refresh got exactly
      // what the leader had. Otherwise (the publisher's file moved on meanwhile) they are kept: if this process leads,
      // it publishes them, and the shared store adds only what is news (rows.ts isNews). A leader catching up publishes.
      if (!leadership.isLeader && followed.length === due.length && SourceFollower.reached(mainDb, due)) passLocalEvents(mainDb, before);
    })()
      .catch((err: Error) => line(`following the leader's refresh: ${err.message}`))
      .finally(() => (following = undefined)));
  const followTimer =
    follower && config.ALERT_POLL_MS > 0
      ? setInterval(() => {
          if (!leadership.isLeader) void followLeader();
        }, config.ALERT_POLL_MS)
      : undefined;
  followTimer?.unref();
  // Before leading: a health port that cannot be bound stops start-up with everything closed, no lease taken.
  let healthServer: Awaited<ReturnType<typeof startHealthServer>> | undefined;
  if (config.HEALTH_PORT !== undefined) {
    try {
      healthServer = await startHealthServer(config.HEALTH_PORT, { db: () => mainDb, nextRuns: () => scheduler.nextRuns(), seed: () => handle.seed, ...(shared ? { sharedOutbox: () => shared.outbox } : {}) }, config.HEALTH_HOST);
    } catch (err) {
      line(`Health server: cannot listen on ${config.HEALTH_HOST}:${config.HEALTH_PORT}: ${(err as Error).message}`);
      await slack?.stop();
      await discord?.stop();
      await api?.close();
      closeData();
      return 2;
    }
    line(`Health and metrics on http://${config.HEALTH_HOST}:${healthServer.port}/healthz and /metrics`);
  }
  await leadership.start();
  started = true;


  // Build the matcher's caches and Chinese tables once everything is listening, not before: start-up stays as
  // quick as it was, and the first question after it does not pay for them. Not for lines piped into the
  // console: those are read at once, and warming for questions nobody will ask only delays the answers.
  if (chat || process.stdin.isTTY) {
    setImmediate(() => {
      warmUp(handle.db);
      // Discord's autocomplete answers from the type-ahead index (core/suggest): built now, not on a keystroke.
      if (discord) warmSuggest(handle.db);
    });
  }

  try {
    // With a chat platform or the API on and no terminal, serve until stopped; with a terminal, the console too.
    if (chat && !process.stdin.isTTY) await untilSignal();
    else await bot.run();
  } finally {
    await slack?.stop();
    await discord?.stop();
    await api?.close();
    if (followTimer) clearInterval(followTimer);
    await leadership.stop();
    healthServer?.server.close();
    await checkpointer?.stop();
    // Lookups audited to the shared store are written in the background: let them land before the pool closes.
    await settleSharedAudits();
    closeData();
  }
  return 0;
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      line('Stopping.');
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
