/**
 * Screening benchmark (not a test): how long a 1,000-row CSV (600 real listed names from the shared data, 400
 * made-up clean ones: bench/lib/screen-names.ts) takes from upload to answer, through the real Bolt and the
 * real discord.js against the loopback fakes the tests use. Slack: from the signed file_share event reaching
 * the bot to the result file's files.completeUploadExternal; Discord: from the INTERACTION_CREATE dispatch of
 * `/sanctions screen file:` to the webhook edit carrying the file. Also the screening alone (screenFile), and
 * the first run apart (cold matcher caches, as right after a start or a refresh). Target: within 10 s.
 *
 *   node bin/run.js bench/screen.ts [--db PATH] [--runs N] [--rows N]
 *
 * --db: a database of the current dataset (built into a temporary folder when not given, ~15 s).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { ApplicationCommandOptionType, GatewayDispatchEvents } from 'discord-api-types/v10';
import pino from 'pino';
import { createDiscordBot } from '../src/bots/discord/client';
import { createSlackApp } from '../src/bots/slack/app';
import type { DataHandle } from '../src/core/dataset';
import { refreshSources } from '../src/core/refresh';
import { openStore } from '../src/core/reindex';
import { screenFile } from '../src/core/screen/screen';
import { loadSourcesFile } from '../src/core/sources/config';
import { openDb } from '../src/core/store/db';
import { FakeDiscord } from '../test/bots/discord/fake-discord';
import { guildCreate, slash } from '../test/bots/discord/payloads';
import { postToBot, startFakeSlack } from '../test/bots/slack/fake-slack';
import { DEFAULT_SOURCES } from './lib/dataset';
import { screenCsv, screenNames } from './lib/screen-names';

const { values } = parseArgs({ options: { db: { type: 'string' }, runs: { type: 'string', default: '3' }, rows: { type: 'string', default: '1000' } } });
const runs = Number(values.runs);
const rows = Number(values.rows);
const tmp = mkdtempSync(join(tmpdir(), 'sanctions-bench-screen-'));
const limits = { maxBytes: 5 * 1024 * 1024, maxRows: 5000 };

async function until<T>(get: () => T | undefined, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 2));
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${Math.round(x)} ms`;

let path = values.db;
if (!path) {
  path = join(tmp, 'current.db');
  const build = openStore(path);
  process.stdout.write('building the current dataset... ');
  await refreshSources(build, loadSourcesFile(DEFAULT_SOURCES));
  build.close();
  process.stdout.write('done\n');
}
const db = openDb(path, { readonly: true });
const handle: DataHandle = { db, seed: false };
const names = screenNames(db, { listed: Math.round(rows * 0.6), clean: rows - Math.round(rows * 0.6) });
const csv = Buffer.from(screenCsv(names));
const logger = pino({ level: 'silent' });

// The screening alone, cold then warm (a fresh handle has cold caches).
const cold = openDb(path, { readonly: true });
let t = performance.now();
const report = screenFile(cold, csv, { limits, fileName: 'bench.csv' });
const alone = [performance.now() - t];
for (let i = 1; i < runs; i++) {
  t = performance.now();
  screenFile(cold, csv, { limits, fileName: 'bench.csv' });
  alone.push(performance.now() - t);
}
cold.close();

// Slack.
const fakeSlack = await startFakeSlack({ admins: new Set() });
const slack = createSlackApp({ botToken: 'xoxb-bench', signingSecret: 'bench', host: '127.0.0.1', port: 0, apiUrl: fakeSlack.apiUrl, logger, retryConfig: { retries: 0 }, data: () => handle, audit: false, screenLimits: limits });
const port = (await slack.start()).port!;
const slackTimes: number[] = [];
for (let i = 0; i < runs; i++) {
  const file = fakeSlack.hostFile(`bench-${i}.csv`, csv);
  const ts = `1700009${String(i).padStart(3, '0')}.000100`;
  const event = { type: 'message', subtype: 'file_share', text: '', files: [{ ...file, title: file.name }], user: 'UBENCH', ts, channel: 'DBENCH', channel_type: 'im', event_ts: ts };
  const body = JSON.stringify({ token: 't', team_id: 'T0', api_app_id: 'A0', event, type: 'event_callback', event_id: `EvBench${i}`, event_time: 1 });
  t = performance.now();
  await postToBot(port, body, 'application/json', { secret: 'bench' });
  await until(() => fakeSlack.calls.find((c) => c.method === 'files.completeUploadExternal' && c.body.thread_ts === ts));
  slackTimes.push(performance.now() - t);
}
await slack.stop();
await fakeSlack.close();

// Discord (a fresh database handle: its first run is cold again, as after a start).
const discordDb = openDb(path, { readonly: true });
const fake = await FakeDiscord.start();
const discord = createDiscordBot({ token: 'bench.token', applicationId: fake.applicationId, guildId: '1200000000000000001', apiUrl: fake.api, data: () => ({ db: discordDb, seed: false }), audit: false, logger: { info: () => {}, warn: () => {}, error: () => {} }, restRetries: 0, checkCommands: false, screenLimits: limits });
await discord.start();
fake.dispatch({ t: GatewayDispatchEvents.GuildCreate, d: guildCreate(fake.botUser) });
await until(() => discord.client.guilds.cache.has('1200000000000000001'));
const discordTimes: number[] = [];
for (let i = 0; i < runs; i++) {
  const attachment = fake.hostAttachment(`bench-${i}.csv`, csv);
  const payload = slash(fake.applicationId, { name: 'sanctions', subcommand: 'screen', options: [{ name: 'file', type: ApplicationCommandOptionType.Attachment, value: attachment.id }] });
  payload.data.resolved = { attachments: { [attachment.id]: attachment } };
  t = performance.now();
  fake.dispatch({ t: GatewayDispatchEvents.InteractionCreate, d: payload });
  await until(() => fake.requests.find((r) => r.method === 'PATCH' && r.path.includes(`/webhooks/${fake.applicationId}/${payload.token}/messages/@original`)));
  discordTimes.push(performance.now() - t);
}
await discord.stop();
await fake.close();
discordDb.close();
db.close();
rmSync(tmp, { recursive: true, force: true });

const s = report.summary;
console.log(`screening a ${rows}-row CSV (${csv.length.toLocaleString('en-US')} bytes: ${s.match} match, ${s.review} review, ${s.clear} clear), ${runs} runs each`);
console.log(`  screenFile alone           first ${ms(alone[0]!)}, median of the rest ${alone.length > 1 ? ms(median(alone.slice(1))) : '-'}`);
console.log(`  Slack upload -> answer     first ${ms(slackTimes[0]!)}, median ${ms(median(slackTimes))}, max ${ms(Math.max(...slackTimes))}`);
console.log(`  Discord upload -> answer   first ${ms(discordTimes[0]!)}, median ${ms(median(discordTimes))}, max ${ms(Math.max(...discordTimes))}`);
console.log(`  target: within 10 s of upload -> ${Math.max(...slackTimes, ...discordTimes) <= 10_000 ? 'met' : 'NOT met'}`);
