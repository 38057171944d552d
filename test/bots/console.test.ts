import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConsoleBot } from '../../src/bots/console/console';
import { COLOUR, PLAIN, renderReply, styleFor } from '../../src/bots/console/render';
import { renderBarChart } from '../../src/core/alerts/chart-png';
import { runCommand } from '../../src/core/commands/handle';
import type { DataHandle } from '../../src/core/dataset';
import { refreshSources } from '../../src/core/refresh';
import { loadSourcesFile } from '../../src/core/sources/config';
import { openDb } from '../../src/core/store/db';
import { SOURCES_DIR } from '../helpers/shared';
import { startBot } from '../helpers/start-bot';
import { tempDir } from '../helpers/tmp';

const waitFor = async (check: () => boolean, ms = 90_000) => {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('console adapter through pipes (npm start)', () => {
  const dir = tempDir();

  it('answers from the bundled seed, says so, and exits when the input ends, when no source can be reached', async () => {
    const offline = join(dir, 'offline.json');
    writeFileSync(offline, JSON.stringify({ sources: [{ id: 'us-ofac-sdn', format: 'ofac-csv', list: 'US-OFAC-SDN', location: 'http://127.0.0.1:9/sdn.csv', timeout_ms: 2000 }] }));
    const { child, done } = startBot({ SANCTIONS_DB: join(dir, 'seeded.db'), SANCTIONS_SOURCES: offline });
    child.stdin!.end('lookup Hikvision\nstatus\n');
    const { code, out, err } = await done;
    expect(code).toBe(0);
    expect(err).toMatch(/No source could be reached \(us-ofac-sdn: fetch http:\/\/127\.0\.0\.1:9\/sdn\.csv: .*\)\. Answering from the bundled seed/);
    expect(out).toMatch(/! Answering from the bundled seed/);
    expect(out).toMatch(/match for "Hikvision"|matches for "Hikvision"/);
    expect(out).toMatch(/Hikvision/);
    expect(out).toContain('US-BIS-EL');
  }, 120_000);

  it('loads the sources on a first run, subscribes, and prints an alert when a refresh (another process) brings changes', async () => {
    const db = join(dir, 'timeline.db');
    let alerted = false;
    const { child, out, done } = startBot(
      { SANCTIONS_DB: db, SANCTIONS_SOURCES: join(SOURCES_DIR, 'timeline-t0.json') },
      { onOutput: (all) => (alerted ||= /^Alert$/m.test(all) && /Rheinmetall AG/.test(all)) },
    );
    child.stdin!.write('subscribe cn\n');
    child.stdin!.write('subscriptions\n');
    await waitFor(() => /Follows: Beijing's lists/.test(out()));
    // A refresh of the next snapshot, as cron would run it: another connection to the same database.
    const other = openDb(db);
    const refreshed = await refreshSources(other, loadSourcesFile(join(SOURCES_DIR, 'timeline-t1.json')));
    expect(refreshed.map((r) => [r.source, r.outcome, r.added])).toEqual([['us-ofac-sdn', 'applied', 298], ['cn-lists', 'applied', 14]]);
    other.close();
    try {
      await waitFor(() => alerted);
    } catch (err) {
      child.kill();
      const { out: o, err: e } = await done;
      throw new Error(`${(err as Error).message}; the console printed:\n${o}\nand on stderr:\n${e}`, { cause: err });
    }
    child.stdin!.end('recent 30\n');
    const result = await done;
    if (process.env.DEBUG_CONSOLE) console.log(result.out);
    expect(result.code).toBe(0);
    expect(result.err).toMatch(/First run: loading the lists/);
    expect(result.err).toMatch(/us-ofac-sdn: applied, 14,668 records/);
    expect(result.out).toMatch(/This channel now hears about Beijing's lists/);
    // 14 additions to China's export-control list: one digest, not 14 messages, and not the 298 SDN additions.
    expect(result.out).toMatch(/MOFCOM added 14 entries to the Export Control List/);
    expect(result.out).toMatch(/The full digest \(14 entries\): .*\.csv, .*\.md/);
    expect(result.out).not.toMatch(/JUHANG AVIATION.*Alert/s);
    expect(result.out.match(/^Alert$/gm)).toHaveLength(1);
    expect(result.out).toMatch(/312 changes in the last 30 days/);
  }, 180_000);
});

describe('console adapter in-process', () => {
  const dir = tempDir();

  it('renders plain text when piped and colours on a terminal unless NO_COLOR', () => {
    expect(styleFor({ isTTY: false })).toBe(PLAIN);
    expect(styleFor({ isTTY: true }, {})).toBe(COLOUR);
    expect(styleFor({ isTTY: true }, { NO_COLOR: '1' })).toBe(PLAIN);
  });

  it('never writes terminal control sequences that came from data', () => {
    const text = renderReply({ blocks: [{ type: 'text', text: 'evil \u001b[2J\u001b]0;title\u0007 name' }], summary: '' });
    expect(text).not.toMatch(/\u001b/);
    expect(text).toContain('evil');
  });

  it('answers commands from stdin, prompts only when interactive, and stops on quit', async () => {
    const db = openDb(join(dir, 'c.db'));
    await refreshSources(db, loadSourcesFile(join(SOURCES_DIR, 'timeline-t2.json')));
    const input = new PassThrough();
    const output = new PassThrough();
    let out = '';
    output.on('data', (d) => (out += d));
    const handle: DataHandle = { db, seed: false };
    const bot = new ConsoleBot({ input, output, data: () => handle, style: PLAIN, interactive: false, audit: true, user: 'tester' });
    const running = bot.run();
    input.write('lookup Rheinmetall\n');
    input.write('lists\n');
    input.write('nonsense-command-that-is-a-name-nobody-has\n');
    input.write('quit\n');
    input.write('lookup never answered\n');
    await running;
    expect(out).toMatch(/Rheinmetall AG/);
    expect(out).toMatch(/CN-MOFCOM-ECL/);
    expect(out).toMatch(/Lists covered/);
    expect(out).toMatch(/No match for "nonsense-command-that-is-a-name-nobody-has"/);
    expect(out).not.toMatch(/never answered/);
    expect(out).not.toContain('> ');
    const audited = db.prepare<[], { n: number }>("SELECT COUNT(*) AS n FROM audit WHERE platform = 'console' AND actor = 'tester'").get()!.n;
    expect(audited).toBe(2);
    db.close();
  });

  it('prints a scheduled summary and writes its files, the PNG chart among them, as bytes (issue 13)', async () => {
    const db = openDb(join(dir, 'summary.db'));
    const files = join(dir, 'summary-files');
    const output = new PassThrough();
    let out = '';
    output.on('data', (d) => (out += d));
    const bot = new ConsoleBot({ input: new PassThrough(), output, data: () => ({ db, seed: false }), style: PLAIN, interactive: false, audit: false, filesDir: files });
    const { png } = renderBarChart({ title: 'T', categories: ['W49'], series: [{ label: 'US-OFAC-SDN', values: [3] }], width: 200, height: 100 });
    const result = await bot.sink.deliver('console', {
      blocks: [{ type: 'heading', text: 'Daily summary: no list changes' }],
      summary: 'Daily summary: no list changes',
      private: false,
      files: [{ name: 'chart.png', type: 'image/png', title: 'chart', content: png.toString('base64'), encoding: 'base64' }],
    }, 'k');
    expect(result.ok).toBe(true);
    expect(out).toMatch(/Daily summary: no list changes/);
    expect(out).toContain(join(files, 'chart.png'));
    expect(readFileSync(join(files, 'chart.png')).equals(png)).toBe(true);
    db.close();
  });

  it('gives help, not an error trace, for unknown input and bad options', () => {
    const db = openDb(':memory:');
    const ctx = { db, platform: 'console', channel: 'c', canManage: false, audit: false };
    expect(renderReply(runCommand('help', ctx))).toMatch(/lookup <name>/);
    expect(renderReply(runCommand('subscribe XX-NOPE', ctx))).toMatch(/unknown list or option "XX-NOPE"/);
    expect(renderReply(runCommand('recent forever', ctx))).toMatch(/recent takes a number of days/);
    expect(renderReply(runCommand('subscribe cn', ctx))).toMatch(/Only admins \(or allow-listed users\) can change/);
    db.close();
  });
});

describe('console renderer: standing (issue 10, seen 7)', () => {
  it('marks a delisted party "no longer listed since", not "match"', () => {
    const party = {
      id: 'p1', name: 'Former Listed Trading Co', aliases: [], type: 'entity', countries: [], score: 1,
      match: { name: 'Former Listed Trading Co', how: 'exact' as const }, standing: 'delisted' as const,
      designations: [{ list: 'US-OFAC-SDN' as const, status: 'removed' as const, since: '2019-01-02', until: '2024-05-06', source: 's' }],
    };
    const text = renderReply({ blocks: [{ type: 'party', party, band: 'match' }], summary: 'x' }, PLAIN);
    expect(text).toMatch(/^○ no longer listed since 2024-05-06: Former Listed Trading Co/);
    expect(text).not.toMatch(/● match/);
  });
});
