import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { run } from '../src/cli';
import { openData } from '../src/core/dataset';
import { loadSourcesFile } from '../src/core/sources/config';
import { openDb } from '../src/core/store/db';
import { REPO_ROOT, SOURCES_DIR } from './helpers/shared';
import { tempDir } from './helpers/tmp';

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return run(args, { out: (t) => out.push(t), err: (t) => err.push(t), env }).then((code) => ({
    code,
    out: out.join('\n'),
    err: err.join('\n'),
    lines: out.join('\n').split('\n').filter(Boolean),
  }));
}

describe('sanctions CLI over the current dataset', () => {
  const dir = tempDir();
  const db = join(dir, 'cli.db');
  let refresh: Awaited<ReturnType<typeof cli>>;

  beforeAll(async () => {
    refresh = await cli(['refresh', '--db', db, '--sources', join(SOURCES_DIR, 'current.json')]);
  });

  it('refresh prints a line per source and a summary, and exits 0', () => {
    expect(refresh.code).toBe(0);
    expect(refresh.lines).toHaveLength(9);
    expect(refresh.lines[0]).toMatch(/^us-csl\s+applied\s+1,087 records/);
    expect(refresh.lines.at(-1)).toMatch(/^8 sources in [\d.]+s: 0 added, 0 removed, 0 changed, 0 suspended$/);
  });

  it('lists --json gives the real counts, one object per line', async () => {
    const { code, lines } = await cli(['lists', '--json', '--db', db]);
    expect(code).toBe(0);
    const byList = new Map(lines.map((l) => JSON.parse(l)).map((o) => [o.list, o]));
    expect(byList.get('US-OFAC-SDN')).toMatchObject({ active: 19143, removed: 0, side: 'us', sources: ['us-ofac-sdn'] });
    expect(byList.get('US-BIS-EL')).toMatchObject({ active: 3409 });
    expect(byList.get('US-OFAC-CMIC')).toMatchObject({ active: 68, sources: ['us-ofac-cons'] });
    expect(byList.get('US-BIS-MEU')).toMatchObject({ active: 70 });
    expect(byList.get('CN-MOFCOM-UEL')).toMatchObject({ active: 66, side: 'cn' });
    expect(byList.get('CN-MOFCOM-ECL')).toMatchObject({ active: 153 });
    for (const o of byList.values()) {
      expect(Object.keys(o)).toEqual(expect.arrayContaining(['list', 'name', 'side', 'active', 'removed', 'sources', 'last_refresh']));
    }
  });

  it('lookup --json follows the contract', async () => {
    const { code, out } = await cli(['lookup', '--json', '--db', db, 'Hikvision']);
    expect(code).toBe(0);
    const response = JSON.parse(out);
    expect(response.query).toBe('Hikvision');
    expect(response.results.length).toBeGreaterThan(0);
    for (const r of response.results) {
      // The contract's fields, all there (fields may be added, never removed).
      expect(Object.keys(r)).toEqual(expect.arrayContaining(['aliases', 'countries', 'designations', 'id', 'match', 'name', 'score', 'type']));
      expect(r.match).toEqual({ name: expect.any(String), how: expect.any(String) });
      for (const d of r.designations) {
        expect(d).toEqual(expect.objectContaining({ list: expect.any(String), status: expect.stringMatching(/^(active|removed|suspended)$/), source: expect.any(String) }));
      }
    }
    const lists = response.results.flatMap((r: { designations: Array<{ list: string }> }) => r.designations.map((d) => d.list));
    expect(lists).toEqual(expect.arrayContaining(['US-BIS-EL', 'US-OFAC-CMIC', 'US-DOD-1260H']));
  });

  it('lookup filters by --list and --side and honours --limit', async () => {
    const cn = JSON.parse((await cli(['lookup', '--json', '--db', db, '--side', 'cn', 'Lockheed Martin'])).out);
    expect(cn.results.length).toBeGreaterThan(0);
    for (const r of cn.results) for (const d of r.designations) expect(d.list).toMatch(/^CN-/);
    const el = JSON.parse((await cli(['lookup', '--json', '--db', db, '--list', 'us-bis-el', '--limit', '1', 'Huawei'])).out);
    expect(el.results).toHaveLength(1);
    expect(el.results[0].designations.map((d: { list: string }) => d.list)).toEqual(['US-BIS-EL']);
  });

  it('lookup --batch answers one JSON line per query line, in order, empty lines included', async () => {
    const file = join(dir, 'queries.txt');
    writeFileSync(file, 'Hikvision\nHeineken N.V.\n\nDJI\n');
    const { code, lines } = await cli(['lookup', '--json', '--batch', file, '--db', db]);
    expect(code).toBe(0);
    expect(lines.map((l) => JSON.parse(l).query)).toEqual(['Hikvision', 'Heineken N.V.', '', 'DJI']);
    expect(JSON.parse(lines[2]!).results).toEqual([]);
  });

  it('lookup --batch answers a line with a bad option as an error in its place, never as a clean miss, and exits 2', async () => {
    const file = join(dir, 'bad-options.txt');
    writeFileSync(file, 'Hikvision\nHuawei side:eu\nHuawei list:US-BIS-XX\nplease\n');
    const { code, lines } = await cli(['lookup', '--json', '--batch', file, '--db', db]);
    expect(code).toBe(2);
    const answers = lines.map((l) => JSON.parse(l) as { query: string; error?: string; results?: unknown[] });
    expect(answers.map((a) => a.query)).toEqual(['Hikvision', 'Huawei side:eu', 'Huawei list:US-BIS-XX', '']);
    expect(answers[1]).toEqual({ query: 'Huawei side:eu', error: 'side is us or cn, got "eu"' });
    expect(answers[2]!.error).toMatch(/unknown list code "US-BIS-XX"/);
    expect(answers[1]!.results).toBeUndefined();
    // A line that names nothing stays the empty query, answered in its place.
    expect(answers[3]!.results).toEqual([]);
  });

  it('lookup without --json prints a readable card', async () => {
    const { out } = await cli(['lookup', '--db', db, 'Hikvision']);
    expect(out).toMatch(/^1\. .*Hikvision/im);
    expect(out).toContain('US-BIS-EL');
    const miss = (await cli(['lookup', '--db', db, 'Heineken N.V.'])).out;
    expect(miss).toMatch(/^No match for "Heineken N\.V\." on the 19 lists searched \(US-BIS-EL, .*\); data as of \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\.$/);
  });

  it('lookup --review --json adds the review band; the text output shows it apart', async () => {
    const json = JSON.parse((await cli(['lookup', '--json', '--review', '--db', db, 'Mitsubishi Corporation'])).out);
    expect(json.results).toEqual([]);
    expect(json.review.map((r: { name: string }) => r.name)).toContain('Mitsubishi Materials Corporation');
    expect((await cli(['lookup', '--db', db, 'Mitsubishi Corporation'])).out).toMatch(/No match[\s\S]*review[\s\S]*Mitsubishi Materials Corporation/);
  });

  it('records a lookup in the audit trail with --audit, and shows the trail', async () => {
    await cli(['lookup', '--json', '--audit', '--db', db, 'Hikvision']);
    await cli(['lookup', '--json', '--db', db, 'Not Recorded']);
    const entries = (await cli(['audit', '--json', '--db', db])).lines.map((l) => JSON.parse(l));
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ platform: 'cli', query: 'Hikvision', datasetVersion: expect.any(Number) });
    expect(entries[0].results[0]).toMatchObject({ name: expect.stringMatching(/Hikvision/), lists: expect.arrayContaining(['US-BIS-EL']) });
    expect((await cli(['audit', '--db', db])).out).toMatch(/cli .* Hikvision/);
  });

  it('status shows every source as ok', async () => {
    const { lines } = await cli(['status', '--json', '--db', db]);
    expect(lines.map((l) => JSON.parse(l)).map((s) => [s.source, s.status])).toEqual(
      expect.arrayContaining([['us-ofac-sdn', 'ok'], ['cn-lists', 'ok']]),
    );
  });

  it.each([
    [['frobnicate'], /unknown command "frobnicate"/],
    [['lookup', '--list', 'US-NOPE', 'x'], /--list: unknown list code US-NOPE/],
    [['lookup', '--side', 'eu', 'x'], /--side: must be us or cn/],
    [['lookup', '--limit', '0', 'x'], /--limit: /],
    [['lookup', '--batch', 'f'], /--batch needs --json/],
    [['lookup', '--page', '0', 'x'], /--page: /],
    [['lookup'], /lookup needs a QUERY/],
    [['events', '--since', 'yesterday'], /--since: must be an event id/],
    [['lookup', '--bogus', 'x'], /Unknown option '--bogus'/],
  ])('rejects %j with exit 2 and a clear message', async (args, message) => {
    const { code, err } = await cli([...args, '--db', db]);
    expect(code).toBe(2);
    expect(err).toMatch(message);
  });

  it('names a bad source config and exits 2', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"sources":[{"id":"x","format":"pdf","location":"y"}]}');
    const { code, err } = await cli(['refresh', '--db', db, '--sources', bad]);
    expect(code).toBe(2);
    expect(err).toContain(`${bad}: sources.0.format`);
  });

  it('runs as the installed `sanctions` bin with SANCTIONS_DB', () => {
    const out = execFileSync(process.execPath, [join(REPO_ROOT, 'bin/sanctions.js'), 'lists', '--json'], {
      env: { ...process.env, SANCTIONS_DB: db },
      encoding: 'utf8',
    });
    expect(out.split('\n').filter(Boolean).map((l) => JSON.parse(l).list)).toContain('US-OFAC-SDN');
  });
});

describe('sanctions events', () => {
  const dir = tempDir();
  const db = join(dir, 'events.db');

  it('prints the timeline events as JSON lines, and only those after --since', async () => {
    for (const step of [0, 1]) await cli(['refresh', '--db', db, '--sources', join(SOURCES_DIR, `timeline-t${step}.json`)]);
    const all = (await cli(['events', '--json', '--db', db])).lines.map((l) => JSON.parse(l));
    expect(all).toHaveLength(298 + 14);
    expect(all[0]).toMatchObject({ id: expect.any(Number), at: expect.any(String), kind: 'added', list: 'US-OFAC-SDN', source: 'us-ofac-sdn', record: expect.any(String), name: expect.any(String) });
    const later = (await cli(['events', '--json', '--since', String(all[300].id), '--db', db])).lines;
    expect(later).toHaveLength(all.length - 301);
    expect((await cli(['events', '--db', db])).out).toMatch(/added\s+CN-MOFCOM-ECL\s+Rheinmetall AG/);
  });
});

describe('a lookup never answers from no data (issue 10, seen 1)', () => {
  const dir = tempDir();

  it.each([
    [['Hikvision']],
    [['--json', 'Hikvision']],
  ])('refuses %j on a missing database with exit 3, and creates neither the file nor its folder', async (args) => {
    const path = join(dir, 'no', 'such', 'dir', 'x.db');
    const { code, out, err } = await cli(['lookup', '--db', path, ...args]);
    expect(code).toBe(3);
    expect(out).toBe('');
    expect(err).toMatch(/no list data loaded: there is no database at .*x\.db \(nothing was created\).*sanctions refresh/);
    expect(existsSync(join(dir, 'no'))).toBe(false);
  });

  it('refuses --batch on a missing database too, and prints no result line', async () => {
    const file = join(dir, 'q.txt');
    writeFileSync(file, 'Hikvision\nDJI\n');
    const path = join(dir, 'missing.db');
    const { code, out } = await cli(['lookup', '--json', '--batch', file, '--db', path]);
    expect(code).toBe(3);
    expect(out).toBe('');
    expect(existsSync(path)).toBe(false);
  });

  it('refuses a database that exists but was never refreshed (or whose every source failed)', async () => {
    const path = join(dir, 'empty.db');
    openDb(path).close();
    const text = await cli(['lookup', '--db', path, 'Hikvision']);
    expect(text.code).toBe(3);
    expect(text.err).toMatch(/no list data loaded: the database .*empty\.db holds no list/);
    const batch = join(dir, 'one.txt');
    writeFileSync(batch, 'Hikvision\n');
    expect((await cli(['lookup', '--json', '--batch', batch, '--db', path])).code).toBe(3);
  });

  it('refuses the database a seed-only first start left behind, where the console answers from the seed', async () => {
    const path = join(dir, 'first-run.db');
    // A first start with no reachable source: every source fails, the database stays empty, the console uses the seed.
    const unreachable = join(dir, 'unreachable.json');
    writeFileSync(unreachable, JSON.stringify({ sources: [{ id: 'sdn', format: 'ofac-csv', list: 'US-OFAC-SDN', location: 'http://127.0.0.1:9/sdn.csv', timeout_ms: 500 }] }));
    const first = await openData(path, loadSourcesFile(unreachable));
    expect(first.handle.seed).toBe(true);
    first.handle.db.close();
    first.handle.main?.close();
    const { code, err } = await cli(['lookup', '--db', path, 'Hikvision']);
    expect(code).toBe(3);
    expect(err).toMatch(/no list data loaded/);
  });

  it('refuses a database that holds only the bundled demo seed, even loaded with refresh', async () => {
    const path = join(dir, 'seed.db');
    expect((await cli(['refresh', '--db', path, '--sources', join(REPO_ROOT, 'data/seed/sources.json')])).code).toBe(0);
    const { code, err } = await cli(['lookup', '--db', path, 'Hikvision']);
    expect(code).toBe(3);
    expect(err).toMatch(/holds only the bundled demo seed, which is not screening data/);
  });

  it('other read commands do not create a database either', async () => {
    const path = join(dir, 'none', 'y.db');
    for (const command of ['lists', 'status', 'events', 'audit']) {
      const { code, err } = await cli([command, '--db', path]);
      expect(code).toBe(3);
      expect(err).toMatch(/there is no database at/);
    }
    expect(existsSync(join(dir, 'none'))).toBe(false);
  });
});

describe('every CLI answer says what it searched (issue 10, seen 8 and 9)', () => {
  const db = inject('currentDb');

  it('text says "showing 1-10 of 21" when a page cuts the matches, and how to see the rest', async () => {
    const { out } = await cli(['lookup', '--db', db, 'Huawei']);
    const first = out.split('\n')[0]!;
    const total = Number(first.match(/^(\d+) matches for "Huawei", showing 1-10 of (\d+)/)?.[2]);
    expect(total).toBeGreaterThan(10);
    expect(first).toMatch(/19 lists searched \(US 14, China 5\), data as of /);
    expect(out).toMatch(new RegExp(`${total - 10} more: add --page 2`));
  });

  it('JSON carries the total, the offset, the lists searched with their freshness, and pages with --page', async () => {
    const one = JSON.parse((await cli(['lookup', '--json', '--db', db, 'Huawei'])).out);
    expect(one.total).toBeGreaterThan(one.results.length);
    expect(one.offset).toBe(0);
    expect(one.searched).toHaveLength(19);
    expect(one.searched[0]).toMatchObject({ list: 'US-BIS-EL', freshness: 'fresh', as_of: expect.stringMatching(/^\d{4}-/), sources: expect.any(Array) });
    expect(one.as_of).toMatch(/^\d{4}-/);
    const two = JSON.parse((await cli(['lookup', '--json', '--page', '2', '--db', db, 'Huawei'])).out);
    expect(two.offset).toBe(10);
    expect(two.total).toBe(one.total);
    const ids = new Set(one.results.map((r: { id: string }) => r.id));
    for (const r of two.results) expect(ids.has(r.id)).toBe(false);
  });

  it('a side filter says it searched only that side, and that the name is listed on the other', async () => {
    for (const args of [['--side', 'cn', 'Hikvision'], ['Hikvision', 'side:cn']]) {
      const { code, out } = await cli(['lookup', '--db', db, ...args]);
      expect(code).toBe(0);
      expect(out).toMatch(/^No match for "Hikvision" on the 5 lists searched \(CN-MOFCOM-UEL, CN-MOFCOM-ECL, CN-MOFCOM-ECWL, CN-CM, CN-TAO\)/);
      expect(out).toMatch(/Outside the lists searched, "Hikvision" matches 1 party/);
    }
    const json = JSON.parse((await cli(['lookup', '--json', '--side', 'cn', '--db', db, 'Hikvision'])).out);
    expect(json.searched.map((l: { list: string }) => l.list)).toEqual(['CN-MOFCOM-UEL', 'CN-MOFCOM-ECL', 'CN-MOFCOM-ECWL', 'CN-CM', 'CN-TAO']);
    expect(json.outside_filter).toBe(1);
  });

  it('reads a question like every chat entry point: "lookup is DJI sanctioned?" finds DJI', async () => {
    const json = JSON.parse((await cli(['lookup', '--json', '--db', db, 'is', 'DJI', 'sanctioned?'])).out);
    expect(json.query).toBe('DJI');
    expect(json.results[0].name).toMatch(/DJI/);
  });

  it('--batch - reads the queries from standard input', async () => {
    const out: string[] = [];
    const code = await run(['lookup', '--json', '--batch', '-', '--db', db], { out: (t) => out.push(t), err: () => {}, env: {}, stdin: () => 'DJI\nHikvision\n' });
    expect(code).toBe(0);
    expect(out.map((l) => JSON.parse(l).query)).toEqual(['DJI', 'Hikvision']);
  });
});
