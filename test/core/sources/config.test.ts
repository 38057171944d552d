import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadSourcesFile, parseSourcesFile } from '../../../src/core/sources/config';
import { REPO_ROOT, SOURCES_DIR } from '../../helpers/shared';

describe('source configs', () => {
  it.each(readdirSync(SOURCES_DIR).filter((f) => f.endsWith('.json')))('loads the shared %s with every location resolved to a real path', (file) => {
    const sources = loadSourcesFile(join(SOURCES_DIR, file));
    expect(sources.length).toBeGreaterThan(0);
    for (const s of sources) {
      expect(s.location.startsWith('/')).toBe(true);
      expect(existsSync(s.location)).toBe(true);
    }
  });

  it('loads the shipped data/sources.json: official https URLs, each list from one source (and Federal Register early warning)', () => {
    const sources = loadSourcesFile(resolve(REPO_ROOT, 'data/sources.json'));
    const seen = new Map<string, string>();
    for (const s of sources) {
      expect(s.location).toMatch(/^https:\/\//);
      for (const index of s.discover?.indexes ?? []) expect(index).toMatch(/^https:\/\//);
      // The rules announce what the Consolidated Screening List lists later: the two are reconciled per card.
      if (s.format === 'fr-rules') {
        for (const index of s.discover!.indexes) expect(index).toMatch(/^https:\/\/www\.federalregister\.gov\/api\/v1\/documents\.json\?.*fields\[\]=full_text_xml_url/);
        expect(s.list).toBe('US-BIS-EL');
        continue;
      }
      for (const list of s.lists ?? (s.list ? [s.list] : [])) {
        expect(seen.get(list), `${list} comes from ${seen.get(list)} and ${s.id}`).toBeUndefined();
        seen.set(list, s.id);
      }
    }
    expect([...seen.keys()]).toEqual(expect.arrayContaining(['US-OFAC-SDN', 'US-OFAC-CMIC', 'US-BIS-EL', 'US-BIS-MEU']));
    expect(sources.filter((s) => s.format === 'fr-rules').map((s) => s.id)).toEqual(['us-fr-entity-list']);
  });

  it('ships cn-notices beside the curated sheet, discovering notices on the official MOFCOM, MFA and TAO indexes', () => {
    const sources = loadSourcesFile(resolve(REPO_ROOT, 'data/sources.json'));
    const notices = sources.find((s) => s.id === 'cn-notices')!;
    expect(notices).toMatchObject({ format: 'cn-notices', licence: expect.stringMatching(/official government publications/) });
    expect(sources.find((s) => s.id === 'cn-lists')?.format).toBe('cn-sanctions-csv');
    const hosts = new Set(notices.discover!.indexes.map((i) => new URL(i.replace('{year}', '2026')).hostname));
    expect([...hosts].sort()).toEqual(['aqygzj.mofcom.gov.cn', 'www.gwytb.gov.cn', 'www.mfa.gov.cn', 'www.mofcom.gov.cn']);
    for (const i of notices.discover!.indexes) expect(i).toMatch(/^https:\/\//);
    expect(notices.discover!.seed).toBeUndefined();
    expect(notices.discover!.max_new).toBeGreaterThanOrEqual(40);
  });

  it.each([
    ['not JSON', '{', /cfg\.json: not valid JSON/],
    ['no sources', '{"sources": []}', /cfg\.json: sources: /],
    ['an unknown format', '{"sources":[{"id":"a","format":"pdf","location":"x"}]}', /cfg\.json: sources\.0\.format: /],
    ['an unknown list code', '{"sources":[{"id":"a","format":"entities-json","list":"US-XYZ","location":"x"}]}', /cfg\.json: sources\.0\.list: /],
    ['a duplicate id', '{"sources":[{"id":"a","format":"csl-csv","location":"x"},{"id":"a","format":"csl-csv","location":"y"}]}', /sources\.1\.id: duplicate source id "a"/],
    ['a bad max_drop', '{"sources":[{"id":"a","format":"csl-csv","location":"x","max_drop":2}]}', /sources\.0\.max_drop: /],
  ])('rejects %s with an error naming the file and field', (_what, text, message) => {
    expect(() => parseSourcesFile(text, 'cfg.json', '/base')).toThrow(ConfigError);
    expect(() => parseSourcesFile(text, 'cfg.json', '/base')).toThrow(message);
  });

  it('resolves relative locations against the config directory and leaves URLs alone', () => {
    const [a, b] = parseSourcesFile(
      '{"sources":[{"id":"a","format":"ofac-csv","list":"US-OFAC-SDN","location":"raw/sdn.csv","aliases":"raw/alt.csv"},{"id":"b","format":"csl-csv","location":"https://example.org/c.csv"}]}',
      'cfg.json',
      '/base/dir',
    );
    expect(a!.location).toBe('/base/dir/raw/sdn.csv');
    expect(a!.aliases).toBe('/base/dir/raw/alt.csv');
    expect(b!.location).toBe('https://example.org/c.csv');
  });

  it('says which file is missing', () => {
    expect(() => loadSourcesFile('/nonexistent/sources.json')).toThrow('cannot read source config /nonexistent/sources.json: ENOENT');
  });
});
