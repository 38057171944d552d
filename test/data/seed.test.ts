/**
 * The bundled offline seed (data/seed): a hand-written entities-json file that must parse, carry a date or
 * citation and an official URL on every item, cover both sides, and answer a first lookup after a refresh
 * with no network.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { isListCode, listInfo, type ListCode } from '../../src/core/lists';
import { lookup } from '../../src/core/lookup';
import { refreshSources, type SourceRefreshResult } from '../../src/core/refresh';
import { loadSourcesFile, type SourceConfig } from '../../src/core/sources/config';
import { parseEntitiesJson } from '../../src/core/sources/entities-json';
import { openDb, type Db } from '../../src/core/store/db';
import { fileDoc, input } from '../helpers/docs';

const SOURCES = fileURLToPath(new URL('../../data/seed/sources.json', import.meta.url));

const OFFICIAL_HOSTS = [
  'federalregister.gov',
  'govinfo.gov',
  'ecfr.gov',
  'bis.gov',
  'bis.doc.gov',
  'treasury.gov',
  'ofac.treasury.gov',
  'defense.gov',
  'war.gov',
  'mofcom.gov.cn',
  'fmprc.gov.cn',
  'mfa.gov.cn',
  'gwytb.gov.cn',
];

interface SeedItem {
  id: string;
  list: string;
  name: string;
  aliases?: string[];
  country?: string;
  type?: string;
  effective_date?: string;
  citation?: string;
  url?: string;
  notes?: string;
}

const HAN = /\p{Script=Han}/u;

function loadSeed(): { source: SourceConfig; items: SeedItem[] } {
  const sources = loadSourcesFile(SOURCES);
  expect(sources).toHaveLength(1);
  const source = sources[0]!;
  const json = JSON.parse(readFileSync(source.location, 'utf8')) as { entities: SeedItem[] };
  return { source, items: json.entities };
}

const sideOf = (list: string) => listInfo(list as ListCode).side;

describe('the seed file', () => {
  const { source, items } = loadSeed();

  it('is one entities-json source with no fallback list, bundled and never refreshed', () => {
    expect(source).toMatchObject({ id: 'seed', format: 'entities-json', cadence: 'bundled with the release; not refreshed' });
    expect(source.list).toBeUndefined();
    expect(source.location).toMatch(/data[\\/]seed[\\/]seed\.json$/);
  });

  it('parses into 120 to 250 records, one per item', () => {
    const records = parseEntitiesJson(input(source, [fileDoc(source.location)]));
    expect(records.length).toBeGreaterThanOrEqual(120);
    expect(records.length).toBeLessThanOrEqual(250);
    expect(records).toHaveLength(items.length);
    expect(new Set(records.map((r) => r.key)).size).toBe(records.length);
  });

  it('gives every item a stable unique id, a known list, a name, a type, and a date or a citation', () => {
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
    for (const item of items) {
      expect(item.id, item.name).toMatch(/^seed:[a-z0-9-]+:[a-z0-9-]+$/);
      expect(item.id.split(':')[1], item.id).toBe(item.list.toLowerCase());
      expect(isListCode(item.list), item.id).toBe(true);
      expect(item.name?.trim(), item.id).toBeTruthy();
      expect(['entity', 'individual'], item.id).toContain(item.type);
      expect(Boolean(item.effective_date || item.citation), item.id).toBe(true);
      if (item.effective_date) expect(item.effective_date, item.id).toMatch(/^(19|20)\d\d-[01]\d-[0-3]\d$/);
      expect(item.notes?.trim(), item.id).toBeTruthy();
    }
  });

  it('links every item to an official https page', () => {
    for (const item of items) {
      expect(item.url, item.id).toBeTruthy();
      const url = new URL(item.url!);
      expect(url.protocol, item.id).toBe('https:');
      const host = url.hostname.toLowerCase();
      expect(OFFICIAL_HOSTS.some((h) => host === h || host.endsWith(`.${h}`)), `${item.id}: ${host}`).toBe(true);
    }
  });

  it('covers at least 5 lists and at least 20 items on each side', () => {
    const lists = new Set(items.map((i) => i.list));
    expect(lists.size).toBeGreaterThanOrEqual(5);
    expect(items.filter((i) => sideOf(i.list) === 'us').length).toBeGreaterThanOrEqual(20);
    expect(items.filter((i) => sideOf(i.list) === 'cn').length).toBeGreaterThanOrEqual(20);
  });

  it('gives the Chinese name of every item on a Chinese list, as a Han-script name of the record', () => {
    const cn = items.filter((i) => sideOf(i.list) === 'cn');
    for (const item of cn) expect((item.aliases ?? []).some((a) => HAN.test(a)), item.id).toBe(true);
    const records = new Map(parseEntitiesJson(input(source, [fileDoc(source.location)])).map((r) => [r.key, r]));
    for (const item of cn) expect(records.get(item.id)!.names.some((n) => n.script === 'han'), item.id).toBe(true);
  });

  it('cites the notices with their own numbering', () => {
    for (const item of items.filter((i) => i.citation)) {
      if (item.list.startsWith('US-BIS-') || item.list === 'US-DOD-1260H') expect(item.citation, item.id).toMatch(/^\d+ FR \d+(; \d+ FR \d+)*$/);
      if (item.list === 'CN-MOFCOM-UEL') expect(item.citation, item.id).toMatch(/^不可靠实体清单工作机制(公告)?〔20\d\d〕\d+号$/);
      if (item.list === 'CN-MOFCOM-ECL') expect(item.citation, item.id).toMatch(/^商务部公告20\d\d年第\d+号$/);
      if (item.list === 'CN-CM') expect(item.citation, item.id).toMatch(/^外交部令第\d+号$/);
    }
  });
});

describe('a fresh install refreshed from the seed alone', () => {
  let db: Db;
  let results: SourceRefreshResult[];

  beforeAll(async () => {
    db = openDb(':memory:');
    results = await refreshSources(db, loadSourcesFile(SOURCES));
    return () => db.close();
  });

  it('applies the seed as a baseline', () => {
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ source: 'seed', outcome: 'applied', baseline: true });
    expect(results[0]!.records).toBe(loadSeed().items.length);
  });

  it('finds Hikvision with its Entity List designation, date and Federal Register citation', () => {
    const { results: found } = lookup(db, 'Hikvision');
    const hikvision = found.find((r) => /hikvision/i.test(r.name));
    expect(hikvision).toBeDefined();
    const el = hikvision!.designations.find((d) => d.list === 'US-BIS-EL');
    expect(el).toMatchObject({ status: 'active', since: '2019-10-09', source: 'seed' });
    expect(el!.citation).toContain('84 FR 54004');
    expect(el!.url).toMatch(/^https:\/\/www\.federalregister\.gov\//);
  });

  it('finds Lockheed Martin on a Chinese list from its Chinese name without the middle dot', () => {
    const { results: found } = lookup(db, '洛克希德马丁');
    const lm = found.find((r) => /Lockheed Martin/.test(r.name) && r.designations.some((d) => listInfo(d.list).side === 'cn'));
    expect(lm).toBeDefined();
    expect(lm!.designations.map((d) => d.list)).toEqual(expect.arrayContaining(['CN-MOFCOM-UEL']));
    expect(found[0]!.name).toBe('Lockheed Martin Corporation');
  });

  it('answers nothing for a party on no list', () => {
    expect(lookup(db, 'Microsoft Corporation').results).toEqual([]);
  });
});
