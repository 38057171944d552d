/**
 * Several bot processes on one database (issue 11): every one answers, exactly one (the leader) delivers
 * alerts, so each digest reaches a channel once; when the leader is SIGKILLed another takes over.
 * The console channel is the same ('console') in every process: one subscription, and each alert must be
 * printed by exactly one of the processes, exactly once.
 */
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { refreshSources } from '../../src/core/refresh';
import { openStore } from '../../src/core/reindex';
import { loadSourcesFile } from '../../src/core/sources/config';
import { timelineConfigs } from '../helpers/cli-process';
import { startBot, type StartedBot } from '../helpers/start-bot';
import { tempDir } from '../helpers/tmp';

const dir = tempDir();
const configs = timelineConfigs(dir);

const waitFor = async (what: string, check: () => boolean, ms = 30_000) => {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};
const alerts = (bot: StartedBot) => bot.out().match(/^Alert$/gm)?.length ?? 0;
const sum = (bots: StartedBot[]) => bots.reduce((n, b) => n + alerts(b), 0);

it('three bots on one database: each digest once in the channel, and a new leader when the leader is killed', async () => {
  const path = join(dir, 'replicas.db');
  const db = openStore(path);
  await refreshSources(db, loadSourcesFile(configs.cnT0));
  // Alerts looked for every 10 ms: without a leader, the three processes' delivery passes overlap and the
  // digest is printed two or three times; a leader renews (and the others try to take over) every 200 ms.
  const env = { SANCTIONS_DB: path, SANCTIONS_SOURCES: configs.cnT0, LEADER_TTL_MS: '1200', ALERT_POLL_MS: '10' };
  const bots = [startBot(env), startBot(env), startBot(env)];
  try {
    bots[1]!.child.stdin!.write('subscribe cn\n');
    await waitFor('the subscription', () => /This channel now hears about Beijing's lists/.test(bots[1]!.out()));
    // Every process answers commands.
    for (const bot of bots) bot.child.stdin!.write('subscriptions\n');
    await waitFor('every bot to answer', () => bots.every((b) => /Follows: Beijing's lists/.test(b.out())));

    const first = await refreshSources(db, loadSourcesFile(configs.cnT1));
    expect(first.map((r) => r.added)).toEqual([14]);
    await waitFor('the first digest', () => sum(bots) > 0);
    await new Promise((r) => setTimeout(r, 1500)); // several delivery polls of every process
    expect(bots.map(alerts).sort()).toEqual([0, 0, 1]);
    const leader = bots.find((b) => alerts(b) === 1)!;
    expect(leader.out()).toMatch(/MOFCOM added 14 entries to the Export Control List/);

    // The leader dies without a word; one of the others leads and delivers the next change, once.
    leader.child.kill('SIGKILL');
    await leader.done;
    const rest = bots.filter((b) => b !== leader);
    const second = await refreshSources(db, loadSourcesFile(configs.cnT2));
    expect(second[0]!.outcome).toBe('applied');
    await waitFor('the second alert', () => sum(rest) > 0);
    await new Promise((r) => setTimeout(r, 1500));
    expect(rest.map(alerts).sort()).toEqual([0, 1]);

    for (const bot of rest) bot.child.stdin!.end('');
    for (const { code } of await Promise.all(rest.map((b) => b.done))) expect(code).toBe(0);
    expect(rest.map(alerts).sort()).toEqual([0, 1]);
  } finally {
    for (const bot of bots) if (bot.child.exitCode === null) bot.child.kill('SIGKILL');
    db.close();
  }
}, 90_000);
