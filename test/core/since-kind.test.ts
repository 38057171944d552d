/**
 * Issue 12: dates that say what they are, on the real current dataset. A card says which date "since" is
 * (the Entity List's Federal Register publication date, the effective date of a State nonproliferation
 * sanction with the notice's publication beside it), on every surface; JSON carries since_kind; an
 * Entity List footnote digit is explained in the Details views.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { renderReply as discordRender } from '../../src/bots/discord/render';
import { renderReply as consoleRender } from '../../src/bots/console/render';
import { renderReply as slackRender } from '../../src/bots/slack/render';
import { run } from '../../src/cli';
import { runCommand, type CommandContext } from '../../src/core/commands/handle';
import type { Reply } from '../../src/core/commands/reply';
import { eventFacts } from '../../src/core/alerts/facts';
import { alertLine } from '../../src/core/alerts/messages';
import { eventDateText, sincePhrase, sinceText } from '../../src/core/designation-dates';
import { detailNotes, distinctDesignations } from '../../src/core/designation-lines';
import { diffSnapshot } from '../../src/core/diff';
import { SourceRecord } from '../../src/core/model';
import { lookup, type LookupResult } from '../../src/core/lookup';
import { refreshSources } from '../../src/core/refresh';
import { loadSourcesFile } from '../../src/core/sources/config';
import { openDb, type Db } from '../../src/core/store/db';
import { currentDb } from '../helpers/current';
import { rawPath, SOURCES_DIR } from '../helpers/shared';
import { tempDir } from '../helpers/tmp';

const db = currentDb();
const ctx: CommandContext = { db, platform: 'slack', channel: 'C1', user: 'U1', canManage: false, audit: false };

function first(query: string): LookupResult {
  const top = lookup(db, query).results[0];
  if (!top) throw new Error(`no result for ${query}`);
  return top;
}

async function cli(args: string[]): Promise<string> {
  const out: string[] = [];
  const code = await run([...args, '--db', inject('currentDb')], { out: (t) => out.push(t), err: () => {}, env: {} });
  expect(code).toBe(0);
  return out.join('\n');
}

const slackText = (reply: Reply, options = {}) => JSON.stringify(slackRender(reply, options).blocks);
const discordText = (reply: Reply, options = {}) => JSON.stringify(discordRender(reply, options).embeds);

describe('the date helpers', () => {
  it('say the kind, both days where there are two, and nothing they do not know', () => {
    expect(sinceText({ since: '2023-02-27', since_kind: 'published' })).toBe('2023-02-27 (published)');
    expect(sinceText({ since: '2021-03-02', since_kind: 'effective', published: '2021-04-15', effective: '2021-03-02' })).toBe('published 2021-04-15, effective 2021-03-02');
    expect(sincePhrase({ since: '2021-03-02', since_kind: 'effective', published: '2021-04-15', effective: '2021-03-02' })).toBe('since 2021-03-02 (effective; published 2021-04-15)');
    expect(sincePhrase({ since: '2019-05-21' }, 'listed')).toBe('listed 2019-05-21');
    expect(sinceText({})).toBeUndefined();
    // A folded line whose start is neither of the two days shows its own date only.
    expect(sinceText({ since: '2020-01-01', since_kind: 'published', published: '2021-04-15', effective: '2021-03-02' })).toBe('2020-01-01 (published)');
  });

  it('keep footnote explanations whole when a Details view shortens the notes', () => {
    const notes = `${'For all items subject to the EAR. '.repeat(20)}\nFootnote 4: subjects the entity to the Entity List foreign direct product (FDP) rule, § 734.9(e)(2) of the EAR (x).`;
    const shown = detailNotes(notes, 300)!;
    expect(shown.length).toBeLessThanOrEqual(300);
    expect(shown).toMatch(/…\nFootnote 4: subjects the entity .*\(x\)\.$/);
  });
});

describe('since_kind on the real current dataset', () => {
  it('an Entity List party (entities-json source): since is the Federal Register publication date, on the card, in every surface and in JSON', async () => {
    const party = first('CPUNTO Inc.');
    const el = party.designations.find((d) => d.list === 'US-BIS-EL')!;
    expect(el).toMatchObject({ since: '2023-02-27', since_kind: 'published', source: 'us-bis-el', footnotes: ['3'] });

    const reply = runCommand('lookup CPUNTO Inc.', ctx);
    expect(slackText(reply)).toContain('in force since 2023-02-27 (published)');
    expect(discordText(reply)).toContain('since 2023-02-27 (published)');
    expect(consoleRender(reply)).toContain('since 2023-02-27 (published)');

    const text = await cli(['lookup', 'CPUNTO Inc.']);
    expect(text).toMatch(/US-BIS-EL\s+active\s+2023-02-27 \(published\)\s+88 FR 12171/);

    const json = JSON.parse(await cli(['lookup', '--json', 'CPUNTO Inc.'])) as { results: LookupResult[] };
    // `since` stays as the contract has it; since_kind is added beside it.
    expect(json.results[0]!.designations.find((d) => d.list === 'US-BIS-EL')).toMatchObject({ since: '2023-02-27', since_kind: 'published' });
  });

  it('a party of the CSL source (State nonproliferation sanctions): effective date as since, with the notice published six weeks later', async () => {
    const party = first('Alexander Yevgeniyevich Mishkin');
    const isn = party.designations.find((d) => d.list === 'US-STATE-ISN')!;
    expect(isn).toMatchObject({ since: '2021-03-02', since_kind: 'effective', published: '2021-04-15', effective: '2021-03-02', source: 'us-csl' });

    const reply = runCommand('lookup Alexander Yevgeniyevich Mishkin', ctx);
    expect(slackText(reply)).toContain('in force since 2021-03-02 (effective; published 2021-04-15)');
    expect(discordText(reply)).toContain('since 2021-03-02 (effective; published 2021-04-15)');

    const text = await cli(['lookup', 'Alexander Yevgeniyevich Mishkin']);
    expect(text).toMatch(/US-STATE-ISN\s+active\s+published 2021-04-15, effective 2021-03-02/);
    const json = JSON.parse(await cli(['lookup', '--json', 'Alexander Yevgeniyevich Mishkin'])) as { results: LookupResult[] };
    expect(json.results[0]!.designations.find((d) => d.list === 'US-STATE-ISN')).toMatchObject({ since: '2021-03-02', since_kind: 'effective', published: '2021-04-15', effective: '2021-03-02' });
  });

  it('OFAC (enhanced XML publication date) and China (the sheet dates its rows by announcement) say published', () => {
    const dji = first('SZ DJI Technology Co., Ltd.');
    expect(dji.designations.find((d) => d.list === 'US-OFAC-CMIC')).toMatchObject({ since_kind: 'published' });
    const lockheed = first('洛克希德马丁');
    const cn = lockheed.designations.filter((d) => d.list.startsWith('CN-'));
    expect(cn.length).toBeGreaterThan(0);
    for (const d of cn) if (d.since) expect(d.since_kind).toBe('published');
  });
});

describe('Entity List footnotes in Details (a real footnote 4 entry)', () => {
  it('Slack and Discord Details and the CLI explain the digit: the Entity List FDP rule, § 734.9(e)(2)', async () => {
    const party = first('4Paradigm Technology Co., Ltd.');
    const el = party.designations.find((d) => d.list === 'US-BIS-EL')!;
    expect(el.footnotes).toEqual(['4']);
    const explained = 'Footnote 4: subjects the entity to the Entity List foreign direct product (FDP) rule, § 734.9(e)(2) of the EAR';

    const details = runCommand(`details ${party.id}`, ctx);
    // The card itself stays short; the Details view carries the notes.
    expect(slackText(runCommand('lookup 4Paradigm Technology Co., Ltd.', ctx))).not.toContain('Footnote 4');
    expect(slackText(details, { details: false, allAliases: true, detailed: true })).toContain(explained);
    expect(discordText(details, { details: false, detailed: true })).toContain(explained);

    const text = await cli(['lookup', '4Paradigm Technology Co., Ltd.']);
    expect(text).toContain(`US-BIS-EL footnote 4: subjects the entity to the Entity List foreign direct product (FDP) rule, § 734.9(e)(2) of the EAR`);
  });
});

describe('the Entity List from the CSL (the production source of US-BIS-EL)', () => {
  const dir = tempDir();
  let csl: Db;

  beforeAll(async () => {
    const config = join(dir, 'csl.json');
    writeFileSync(config, JSON.stringify({ sources: [{ id: 'us-csl', format: 'csl-csv', location: rawPath('csl/2022-04_full/consolidated.csv'), lists: ['US-BIS-EL'] }] }));
    csl = openDb(join(dir, 'csl.db'));
    await refreshSources(csl, loadSourcesFile(config));
    return () => csl.close();
  });

  it('shows a start date whose kind the CSL does not keep as a bare date (Huawei: 2019-05-21 is the publication of a rule effective 2019-05-16)', () => {
    const huawei = lookup(csl, 'Huawei Technologies Co., Ltd.').results[0]!;
    const el = huawei.designations.find((d) => d.list === 'US-BIS-EL')!;
    expect(el.since).toBe('2019-05-21');
    expect(el).not.toHaveProperty('since_kind');
    expect(slackText(runCommand('lookup Huawei Technologies Co., Ltd.', { ...ctx, db: csl }))).toContain('in force since 2019-05-21');
  });

  it('explains the footnote digit of a CSL licence text on the Details views, the notes kept as the row has them', () => {
    const party = lookup(csl, '140 Repair Plant JSC').results[0]!;
    const el = party.designations.find((d) => d.list === 'US-BIS-EL')!;
    expect(el.footnotes).toEqual(['3']);
    expect(el.notes).toContain('License requirement: For all items subject to the EAR. (See §§734.9(g),3 746.8(a)(3), and 744.21(b) of the EAR.)');
    expect(el.notes).toContain('Footnote 3: subjects the entity to the Russia/Belarus-Military End User Foreign Direct Product (FDP) rule');
    const details = runCommand(`details ${party.id}`, { ...ctx, db: csl });
    expect(slackText(details, { details: false, allAliases: true, detailed: true })).toContain('Footnote 3: subjects the entity to the Russia/Belarus-Military End User');
    expect(discordText(details, { details: false, detailed: true })).toContain('Footnote 3: subjects the entity to the Russia/Belarus-Military End User');
  });
});

describe('alerts and folded lines keep the kind of their date', () => {
  it('an added event carries since_kind, and its alert says "published" or "effective" as the source does', () => {
    const record = SourceRecord.parse({ key: 'k1', name: 'Example Co.', designations: [{ list: 'US-BIS-EL', since: '2023-02-27', since_kind: 'published' }] });
    const diff = diffSnapshot([], [record], () => record, () => [], () => '');
    expect(diff.events[0]).toMatchObject({ kind: 'added', detail: { since: '2023-02-27', since_kind: 'published' } });
    const event = { id: 1, refreshId: 1, at: '2026-01-01T00:00:00Z', kind: 'added' as const, list: 'US-BIS-EL' as const, source: 's', record: 'k1', name: 'Example Co.', recordId: 1, partyId: 1, countries: [], retaliation: false };
    // As the router builds an alert: the event's detail and the stored record's designation.
    const routed = (detail: Record<string, unknown>, designation?: Parameters<typeof eventFacts>[3]) => ({
      ...event,
      detail,
      facts: eventFacts({ ...event, detail }, { name: 'Example Co.', id: 1 }, undefined, designation),
    });
    expect(alertLine(routed(diff.events[0]!.detail, record.designations[0]))).toContain('published 2023-02-27');
    expect(alertLine(routed({ since: '2023-02-24', since_kind: 'effective' }))).toContain('effective 2023-02-24');
    // A date whose kind the source does not give is not called effective.
    const bare = alertLine(routed({ since: '2019-05-21' }));
    expect(bare).toContain('since 2019-05-21');
    expect(bare).not.toContain('effective');
    expect(eventDateText({})).toBeUndefined();
  });

  it('a renamed listing folded into one line takes the kind of its earliest start', () => {
    const lines = [
      { list: 'US-DOD-1260H', status: 'active', source: 's', since: '2024-01-31', since_kind: 'published' as const, citation: 'b' },
      { list: 'US-DOD-1260H', status: 'active', source: 's', since: '2021-06-03', since_kind: 'effective' as const, published: '2021-06-01', effective: '2021-06-03', citation: 'a' },
    ];
    const [folded] = distinctDesignations(lines, new Set(['US-DOD-1260H|active|s']));
    expect(folded).toMatchObject({ since: '2021-06-03', since_kind: 'effective', published: '2021-06-01', effective: '2021-06-03' });
  });
});

describe("China's notices: the effective day a notice states, beside its publication (MOFCOM 2025 Nos. 21 and 22)", () => {
  const dir = tempDir();
  let notices: Db;

  beforeAll(async () => {
    notices = openDb(join(dir, 'n.db'));
    await refreshSources(notices, loadSourcesFile(join(SOURCES_DIR, 'notices.json')));
    return () => notices.close();
  });

  it('No. 21 takes effect on publication; No. 22, published 2025-04-09, from 2025-04-10 12:01', () => {
    const highPoint = lookup(notices, 'High Point Aerotechnologies').results[0]!.designations.find((d) => d.list === 'CN-MOFCOM-ECL')!;
    expect(highPoint).toMatchObject({ status: 'active', since: '2025-04-04', since_kind: 'effective', citation: '商务部公告2025年第21号' });
    const insitu = lookup(notices, 'Insitu, Inc.').results[0]!.designations.find((d) => d.list === 'CN-MOFCOM-ECL')!;
    expect(insitu).toMatchObject({ status: 'active', since: '2025-04-10', since_kind: 'effective', published: '2025-04-09', effective: '2025-04-10', citation: '商务部公告2025年第22号' });
    expect(sinceText(insitu)).toBe('published 2025-04-09, effective 2025-04-10');
    // The texts at hand suspend no export-control measure of Nos. 21/22 (the 2025-05-14, 08-12 and 11-05 answers
    // are about the Unreliable Entity List), so these lines have no history; the UEL line of Insitu does.
    expect(highPoint.history).toBeUndefined();
    expect(insitu.history).toBeUndefined();
    const uel = lookup(notices, 'Insitu, Inc.').results[0]!.designations.find((d) => d.list === 'CN-MOFCOM-UEL')!;
    expect(uel.history?.some((h) => h.status === 'suspended' && h.from === '2025-08-12')).toBe(true);
  });
});
