/**
 * Start: validate the configuration, open the data (first run: refresh, or fall back to the bundled seed),
 * schedule refreshes, and serve through the adapters that have credentials; with none, the console.
 */
import { hostname, userInfo } from 'node:os';
import cron from 'node-cron';
import { ConsoleBot } from './bots/console/console';
import { styleFor } from './bots/console/render';
import { ConfigError, loadConfig, type Config } from './core/config';
import { openData, recordCount, type DataHandle } from './core/dataset';
import { refreshSources, type SourceRefreshResult } from './core/refresh';
import { ConfigError as SourcesError, loadSourcesFile, type SourceConfig } from './core/sources/config';
import { StoreError } from './core/store/db';

function line(text: string): void {
  process.stderr.write(`${text}\n`);
}

function bar(done: number, total: number): string {
  const width = 16;
  const full = Math.round((done / Math.max(1, total)) * width);
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${done}/${total}`;
}

function progress(total: number) {
  let done = 0;
  return {
    onStart: (s: SourceConfig) => {
      if (process.stderr.isTTY) process.stderr.write(`${bar(done, total)} ${s.id}: fetching ${s.location.slice(0, 60)}...\r`);
    },
    onResult: (r: SourceRefreshResult) => {
      done++;
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
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      line(err.message);
      return 2;
    }
    throw err;
  }
  let sources: SourceConfig[];
  try {
    sources = loadSourcesFile(config.SANCTIONS_SOURCES);
  } catch (err) {
    if (err instanceof SourcesError) {
      line(`SANCTIONS_SOURCES: ${err.message}`);
      return 2;
    }
    throw err;
  }

  let handle: DataHandle;
  try {
    const first = await openData(config.SANCTIONS_DB, config.SANCTIONS_SOURCES, (total) => {
      line(`First run: loading the lists from ${config.SANCTIONS_SOURCES} into ${config.SANCTIONS_DB}`);
      return progress(total);
    });
    handle = first.handle;
    if (first.handle.seed) {
      const reasons = first.results.filter((r) => r.message).map((r) => `${r.source}: ${r.message}`);
      line(`No source could be reached${reasons.length ? ` (${reasons[0]}${reasons.length > 1 ? `; and ${reasons.length - 1} more` : ''})` : ''}. Answering from the bundled seed until a refresh succeeds.`);
    }
  } catch (err) {
    if (err instanceof StoreError) {
      line(`SANCTIONS_DB: ${err.message}`);
      return 2;
    }
    throw err;
  }

  if (config.SLACK_BOT_TOKEN || config.DISCORD_TOKEN) {
    line('Slack and Discord credentials are set, but those adapters are not part of this build yet; serving the console.');
  }

  // Scheduled refreshes of the refreshed database; while on the seed, the first one that fills it takes over.
  let refreshing = false;
  const refreshNow = async (): Promise<string> => {
    if (refreshing) return 'A refresh is already running.';
    refreshing = true;
    try {
      const target = handle.main ?? handle.db;
      const results = await refreshSources(target, sources);
      if (handle.seed && recordCount(target) > 0) handle = { db: target, seed: false };
      const bad = results.filter((r) => r.outcome === 'failed' || r.outcome === 'quarantined');
      const counts = results.reduce((n, r) => n + r.added + r.removed + r.changed + r.suspended, 0);
      return `Refreshed ${results.length} sources: ${counts} changes${bad.length ? `; not applied: ${bad.map((b) => `${b.source} (${b.outcome}: ${b.message})`).join('; ')}` : ''}.`;
    } finally {
      refreshing = false;
    }
  };
  const task = cron.schedule(config.REFRESH_CRON, () => {
    refreshNow().then(line, (err: Error) => line(`refresh failed: ${err.message}`));
  });

  const bot = new ConsoleBot({
    input: process.stdin,
    output: process.stdout,
    data: () => handle,
    style: styleFor(process.stdout),
    interactive: Boolean(process.stdin.isTTY),
    pollMs: config.ALERT_POLL_MS,
    audit: config.AUDIT_LOOKUPS,
    user: safeUser(),
    place: hostname(),
    refresh: refreshNow,
  });
  try {
    await bot.run();
  } finally {
    await task.stop();
    await task.destroy();
    handle.db.close();
    handle.main?.close();
  }
  return 0;
}

function safeUser(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}
