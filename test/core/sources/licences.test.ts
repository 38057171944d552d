/**
 * Issue 12: licences. OpenSanctions' sheets are CC BY-NC 4.0 (non-commercial use only) and say so in
 * data/sources.json; data/sources-public-domain.json holds the same lists from public-domain and official
 * sources only (1260H left out, and why); `lists` and `status` show a source's licence where one is set.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../../src/cli';
import { runCommand } from '../../../src/core/commands/handle';
import { openDb } from '../../../src/core/store/db';
import { loadSourcesFile, type SourceConfig } from '../../../src/core/sources/config';
import { rawPath, REPO_ROOT } from '../../helpers/shared';
import { tempDir } from '../../helpers/tmp';

const NON_COMMERCIAL = 'CC BY-NC 4.0 (OpenSanctions): non-commercial use only';
const official = loadSourcesFile(resolve(REPO_ROOT, 'data/sources.json'));
const publicDomain = loadSourcesFile(resolve(REPO_ROOT, 'data/sources-public-domain.json'));
const places = (s: SourceConfig) => [s.location, ...(s.discover?.indexes ?? []), ...(s.discover?.seed ? [s.discover.seed] : [])];

describe('source licences in the shipped configs', () => {
  it('every OpenSanctions location in data/sources.json carries the CC BY-NC licence', () => {
    const sheets = official.filter((s) => places(s).some((p) => /opensanctions/i.test(p)));
    expect(sheets.map((s) => s.id).sort()).toEqual(expect.arrayContaining(['cn-lists', 'us-dod-1260h']));
    for (const s of sheets) expect(s.licence, s.id).toBe(NON_COMMERCIAL);
  });

  it('data/sources-public-domain.json: no CC licence, no OpenSanctions location, every source says its licence', () => {
    expect(publicDomain.length).toBeGreaterThan(0);
    for (const s of publicDomain) {
      expect(s.licence, s.id).toBeTruthy();
      expect(s.licence, s.id).not.toMatch(/\bCC\b|creative commons|non-commercial/i);
      for (const p of places(s)) expect(p, s.id).not.toMatch(/opensanctions/i);
    }
    // The OFAC and CSL sources are the same as in data/sources.json.
    for (const id of ['us-ofac-sdn', 'us-ofac-cons', 'us-csl']) {
      expect(publicDomain.find((s) => s.id === id), id).toMatchObject({ location: official.find((s) => s.id === id)!.location, format: official.find((s) => s.id === id)!.format });
    }
  });

  it('China comes from the official notices found on the MOFCOM, MFA and TAO indexes, as in data/sources.json; 1260H is left out, and the file says why', () => {
    const notices = publicDomain.find((s) => s.id === 'cn-notices')!;
    expect(notices).toEqual(official.find((s) => s.id === 'cn-notices'));
    expect(notices.format).toBe('cn-notices');
    expect(notices.discover!.indexes.map((u) => new URL(u.replace('{year}', '2026')).hostname)).toEqual(
      expect.arrayContaining(['www.mofcom.gov.cn', 'aqygzj.mofcom.gov.cn', 'www.mfa.gov.cn', 'www.gwytb.gov.cn']),
    );
    expect(publicDomain.some((s) => s.format === 'dod-1260h-csv' || s.list === 'US-DOD-1260H')).toBe(false);
    const description = (JSON.parse(readFileSync(resolve(REPO_ROOT, 'data/sources-public-domain.json'), 'utf8')) as { description: string }).description;
    expect(description).toMatch(/1260H/);
    expect(description).toMatch(/left out/i);
    expect(description).toMatch(/SANCTIONS_SOURCES=data\/sources-public-domain\.json/);
  });

  it('README and docs/data-sources.md state the licence and how to switch', () => {
    for (const doc of ['README.md', 'docs/data-sources.md']) {
      const text = readFileSync(resolve(REPO_ROOT, doc), 'utf8');
      expect(text, doc).toContain('CC BY-NC 4.0');
      expect(text, doc).toContain('SANCTIONS_SOURCES=data/sources-public-domain.json');
    }
  });
});

describe('lists and status show a source licence', () => {
  it('after a refresh from a config that names one, in text and JSON', async () => {
    const dir = tempDir();
    const config = join(dir, 'sources.json');
    writeFileSync(
      config,
      JSON.stringify({
        sources: [
          { id: 'dod-sheet', format: 'dod-1260h-csv', location: rawPath('dod_1260h/opensanctions_us_dod_chinese_milcorps/sanctions.csv'), licence: NON_COMMERCIAL },
          { id: 'bis-meu', format: 'entities-json', list: 'US-BIS-MEU', location: rawPath('nsfreg_restricted_entities_2026-07/bis_meu.json') },
        ],
      }),
    );
    const db = join(dir, 'l.db');
    const cli = async (args: string[]) => {
      const out: string[] = [];
      const code = await run([...args, '--db', db], { out: (t) => out.push(t), err: () => {}, env: {} });
      return { code, out: out.join('\n') };
    };
    expect((await cli(['refresh', '--sources', config])).code).toBe(0);

    const lists = await cli(['lists']);
    expect(lists.out).toContain(`Licence: dod-sheet (US-DOD-1260H): ${NON_COMMERCIAL}`);
    expect(lists.out).toContain('SANCTIONS_SOURCES=data/sources-public-domain.json');
    expect(lists.out).not.toMatch(/Licence: bis-meu/);
    const listsJson = (await cli(['lists', '--json'])).out.split('\n').map((l) => JSON.parse(l) as { list: string; licence?: string });
    expect(listsJson.find((l) => l.list === 'US-DOD-1260H')!.licence).toBe(NON_COMMERCIAL);
    expect(listsJson.find((l) => l.list === 'US-BIS-MEU')).not.toHaveProperty('licence');

    const status = await cli(['status']);
    expect(status.out).toContain(`Licence: dod-sheet: ${NON_COMMERCIAL}`);
    const statusJson = (await cli(['status', '--json'])).out.split('\n').map((l) => JSON.parse(l) as { source: string; licence?: string });
    expect(statusJson.find((s) => s.source === 'dod-sheet')!.licence).toBe(NON_COMMERCIAL);
    expect(statusJson.find((s) => s.source === 'bis-meu')).not.toHaveProperty('licence');

    // The chat commands say it too.
    const store = openDb(db, { readonly: true });
    try {
      const ctx = { db: store, platform: 'slack', channel: 'C1', canManage: false, audit: false };
      for (const command of ['lists', 'status']) {
        const text = runCommand(command, ctx).blocks.flatMap((b) => (b.type === 'text' ? [b.text] : []));
        expect(text.join('\n'), command).toContain(`dod-sheet${command === 'lists' ? ' (US-DOD-1260H)' : ''}: ${NON_COMMERCIAL}`);
      }
    } finally {
      store.close();
    }

    // A licence dropped from the config is dropped from the answers at the next refresh.
    writeFileSync(config, readFileSync(config, 'utf8').replace(`,"licence":"${NON_COMMERCIAL}"`, ''));
    expect((await cli(['refresh', '--sources', config])).code).toBe(0);
    expect((await cli(['lists'])).out).not.toContain('Licence:');
  });
});
