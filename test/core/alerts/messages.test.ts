/**
 * Alert content (issue 13): what each line says (party as its card names it, type, country, list, action,
 * publisher's date, program, citation, link, issuer, since when a removed party had been listed), digest
 * headlines and order, the files, and that a refresh is never split into several digests.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderReply as renderConsole } from '../../../src/bots/console/render';
import { renderReply as renderDiscord } from '../../../src/bots/discord/render';
import { ButtonStore } from '../../../src/bots/discord/buttons';
import { splitPage } from '../../../src/bots/discord/handlers';
import { withinUploadLimit } from '../../../src/bots/discord/sink';
import { renderReply as renderSlack } from '../../../src/bots/slack/render';
import { acknowledge, digestPage, messageEvents, parseAlertButton } from '../../../src/core/alerts/digest';
import { storedReply } from '../../../src/core/alerts/outbox-payload';
import { ackTrail } from '../../../src/core/audit';
import { DIGEST_COLUMNS, digestCsv, digestMarkdown } from '../../../src/core/alerts/digest-files';
import { eventFacts, issuerOf, type AlertFacts } from '../../../src/core/alerts/facts';
import { alertLine, alertReplies, withAlertActions } from '../../../src/core/alerts/messages';
import { routeNewEvents } from '../../../src/core/alerts/outbox';
import { Router, type RoutedEvent } from '../../../src/core/alerts/route';
import { SubscriptionStore } from '../../../src/core/alerts/subscriptions';
import type { Block, Reply } from '../../../src/core/commands/reply';
import type { ListCode } from '../../../src/core/lists';
import type { ChangeKind, Designation } from '../../../src/core/model';
import { refreshSources } from '../../../src/core/refresh';
import { loadSourcesFile } from '../../../src/core/sources/config';
import { openDb } from '../../../src/core/store/db';
import { tempDir } from '../../helpers/tmp';

let nextId = 1;
function event(kind: ChangeKind, list: ListCode, name: string, facts: Partial<AlertFacts> & Pick<AlertFacts, 'action'>, detail: Record<string, unknown> = {}): RoutedEvent {
  const id = nextId++;
  return {
    id,
    at: '2026-12-01T10:00:00.000Z',
    kind,
    list,
    source: 's',
    record: String(id),
    name,
    detail,
    refreshId: 1,
    recordId: id,
    partyId: id,
    countries: facts.countries ?? [],
    retaliation: list.startsWith('CN'),
    facts: { party: name, partyId: `p${id}`, type: 'entity', countries: [], programs: [], issuer: 'Treasury / OFAC', retaliation: list.startsWith('CN'), ...facts },
  };
}

const sdnAdd = (name: string, programs: string[]) => event('added', 'US-OFAC-SDN', name, { action: 'added', programs, countries: ['CN'] });

describe('what an alert line says', () => {
  it('reads the party, type, dates, program, citation, link and issuer from the record, not the refresh', () => {
    const designation: Designation = {
      list: 'CN-CM',
      status: 'active',
      since: '2025-04-09',
      since_kind: 'published',
      effective: '2025-04-10',
      programs: ['反外国制裁法'],
      citation: '外交部令第19号',
      url: 'https://www.mfa.gov.cn/notice',
      authority: 'Ministry of Foreign Affairs',
    };
    const f = eventFacts({ kind: 'added', list: 'CN-CM', name: 'SKYDIO INC', detail: { status: 'active' }, record: 'k' }, { name: 'Skydio, Inc.', id: 42 }, { type: 'entity', countries: ['US'] }, designation);
    expect(f).toMatchObject({ party: 'Skydio, Inc.', partyId: 'p42', listedAs: 'SKYDIO INC', type: 'entity', countries: ['US'], action: 'added', date: '2025-04-09', effective: '2025-04-10', programs: ['反外国制裁法'], citation: '外交部令第19号', url: 'https://www.mfa.gov.cn/notice', issuer: 'MFA', retaliation: true });
    const e = event('added', 'CN-CM', 'SKYDIO INC', f);
    expect(alertLine(e)).toBe('Skydio, Inc. (entity, US): added to Countermeasures (CN-CM) · listed as SKYDIO INC · published 2025-04-09 · effective 2025-04-10 · 反外国制裁法 · 外交部令第19号 · China, MFA 反制措施');
  });

  it('names each Chinese issuer, and links an OFAC entry to its official page', () => {
    expect(issuerOf('CN-TAO', 'Taiwan Affairs Office of the State Council')).toBe('TAO');
    expect(issuerOf('CN-MOFCOM-UEL', '不可靠实体清单工作机制')).toBe('MOFCOM');
    expect(issuerOf('CN-CM', undefined)).toBe('MFA / MOFCOM');
    const f = eventFacts({ kind: 'added', list: 'US-OFAC-SDN', name: 'X', detail: {}, record: '48590' }, { name: 'X', id: 1 }, undefined, undefined);
    expect(f.url).toBe('https://sanctionssearch.ofac.treas.gov/Details.aspx?id=48590');
  });

  it('says an aircraft is an aircraft, and since when a removed party had been listed', () => {
    const designation: Designation = { list: 'US-OFAC-SDN', status: 'removed', since: '2022-06-02', programs: ['RUSSIA-EO14024'] };
    const f = eventFacts({ kind: 'removed', list: 'US-OFAC-SDN', name: '9H-AMN', detail: {}, record: '38557' }, { name: '9H-AMN', id: 7 }, { type: 'aircraft', countries: [] }, designation);
    expect(f).toMatchObject({ type: 'aircraft', action: 'removed', listedSince: '2022-06-02' });
    const e = event('removed', 'US-OFAC-SDN', '9H-AMN', f);
    expect(alertLine(e)).toMatch(/^9H-AMN \(aircraft\): removed from SDN \(US-OFAC-SDN\) · listed since 2022-06-02 · RUSSIA-EO14024/);
    const [reply] = alertReplies({ targets: ['all'] }, [e]);
    expect(reply!.blocks[0]).toEqual({ type: 'heading', text: '9H-AMN (aircraft) removed from the SDN List' });
    expect(renderConsole(reply!)).toMatch(/- 9H-AMN \[aircraft\] removed from SDN \(US-OFAC-SDN\) .*listed since 2022-06-02/);
    // Without the publisher's date: what is known, and that the source gives none.
    const seen = { ...f, listedSince: undefined, seenSince: '2026-11-30' };
    expect(alertLine(event('removed', 'US-OFAC-SDN', '9H-AMN', seen))).toMatch(/listed since at least 2026-11-30 \(the source gives no date; first seen then\)/);
  });

  it('tells a resumed measure and a relisting apart from a plain change or addition', () => {
    const resumed = eventFacts({ kind: 'changed', list: 'CN-MOFCOM-UEL', name: 'Illumina', detail: { fields: ['status'], from: 'suspended', status: 'active' }, record: 'k' }, { name: 'Illumina, Inc.', id: 3 }, undefined, undefined);
    expect(resumed.action).toBe('resumed');
    const again = eventFacts({ kind: 'added', list: 'US-BIS-EL', name: 'A', detail: { relisted: true }, record: 'k' }, { name: 'A', id: 4 }, undefined, undefined);
    expect(again.action).toBe('relisted');
  });
});

describe('digest headline and order', () => {
  it('says who did what on which list with its programs, one headline per action and list, additions first, material changes before cosmetic ones', () => {
    const events = [
      event('changed', 'US-OFAC-SDN', 'REMARKS ONLY', { action: 'changed', fields: ['remarks'] }, { fields: ['remarks'] }),
      event('removed', 'US-OFAC-SDN', 'GONE LTD', { action: 'removed', programs: ['RUSSIA-EO14024'] }),
      ...Array.from({ length: 5 }, (_, i) => sdnAdd(`RU CO ${i}`, ['RUSSIA-EO14024'])),
      sdnAdd('HACKER', ['CYBER2']),
      event('changed', 'US-OFAC-SDN', 'RENAMED', { action: 'changed', fields: ['name'] }, { fields: ['name'] }),
      event('added', 'CN-MOFCOM-UEL', 'Skydio', { action: 'added', issuer: 'MOFCOM', retaliation: true, programs: ['2025年第13号'] }),
    ];
    const [reply] = alertReplies({ targets: ['all'] }, events);
    const headings = reply!.blocks.filter((b): b is Extract<Block, { type: 'heading' }> => b.type === 'heading').map((b) => b.text);
    expect(headings).toEqual([
      'OFAC added 6 entries to the SDN List (RUSSIA-EO14024, CYBER2)',
      'MOFCOM added 1 entry to the Unreliable Entity List (2025年第13号)',
      'OFAC removed 1 entry from the SDN List (RUSSIA-EO14024)',
      '2 entries changed on the SDN List: 1 in names, status or program, 1 cosmetic',
    ]);
    expect(reply!.summary).toBe(headings.join('; '));
    expect(JSON.stringify(reply)).not.toMatch(/list changes/);
    // In the lines, and in the files: RENAMED (a name) before REMARKS ONLY (cosmetic).
    const shown = reply!.blocks.flatMap((b) => (b.type === 'events' ? b.events.map((e) => e.name) : []));
    expect(shown.indexOf('RENAMED')).toBeLessThan(shown.indexOf('REMARKS ONLY'));
    expect(shown.indexOf('GONE LTD')).toBeGreaterThan(shown.indexOf('HACKER'));
    const csvNames = digestCsv(events).trim().split('\r\n').slice(1).map((r) => r.split(',')[0]);
    expect(csvNames.slice(-2)).toEqual(['RENAMED', 'REMARKS ONLY']);
    expect(csvNames.slice(0, 7).sort()).toEqual(['HACKER', 'RU CO 0', 'RU CO 1', 'RU CO 2', 'RU CO 3', 'RU CO 4', 'Skydio']);
    expect(csvNames[7]).toBe('GONE LTD');
  });

  it('shows 15 lines of a big digest, says how many more, and adds Show all and Acknowledge with the message id', () => {
    const events = Array.from({ length: 298 }, (_, i) => sdnAdd(`CO ${i}`, [i % 2 ? 'RUSSIA-EO14024' : 'NPWMD', ...(i < 3 ? ['CYBER2'] : [])]));
    const [draft] = alertReplies({ targets: ['US-OFAC-SDN'] }, events);
    const reply = withAlertActions(draft!, 77, true, 298);
    expect(reply.blocks[0]).toEqual({ type: 'heading', text: 'OFAC added 298 entries to the SDN List (NPWMD, RUSSIA-EO14024, CYBER2)' });
    expect(reply.blocks.filter((b) => b.type === 'events').flatMap((b) => (b.type === 'events' ? b.events : []))).toHaveLength(15);
    expect(JSON.stringify(reply.blocks)).toContain('Shown: 15 of 298');
    expect(reply.blocks.at(-1)).toEqual({ type: 'actions', actions: [{ id: 'page', label: 'Show all 298', value: 'digest 77 1' }, { id: 'ack', label: 'Acknowledge', value: 'ack 77' }] });
    expect(reply.alert).toEqual({ outbox: 77, digest: true, total: 298 });
    expect(parseAlertButton('digest 77 3')).toEqual({ kind: 'page', outbox: 77, page: 3 });
    expect(parseAlertButton('ack 77')).toEqual({ kind: 'ack', outbox: 77 });
    expect(parseAlertButton('subscribe all')).toBeUndefined();
  });
});

describe('digest files', () => {
  it('has one CSV row per event with every column, quoted, and no cell a spreadsheet would run', () => {
    const events = [
      event('added', 'US-OFAC-SDN', 'ACME, "LTD"', { action: 'added', programs: ['SDGT', 'IRGC'], citation: '89 FR 12345', url: 'https://fr.example/1', date: '2024-05-01', dateKind: 'published', countries: ['IR'] }),
      event('removed', 'US-BIS-EL', '=HYPERLINK("http://x")', { action: 'removed', listedSince: '2020-01-01', type: 'vessel' }),
    ];
    const lines = digestCsv(events).trim().split('\r\n');
    expect(lines[0]).toBe(DIGEST_COLUMNS.join(','));
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe(`"ACME, ""LTD""",,entity,IR,SDN,US-OFAC-SDN,added,,2024-05-01,published,,,,SDGT; IRGC,89 FR 12345,Treasury / OFAC,https://fr.example/1,p${events[0]!.id},,${events[0]!.id}`);
    expect(lines[2]).toMatch(/^"'=HYPERLINK\(""http:\/\/x""\)",,vessel,,Entity List,US-BIS-EL,removed,,,,,2020-01-01,/);
    expect(digestMarkdown('t', events)).toContain('published 2024-05-01');
  });

  it('writes a Markdown table with one row per event, pipes and markup escaped, links only for http(s)', () => {
    const events = [
      event('added', 'US-OFAC-SDN', 'A | B *bold*', { action: 'added', citation: '89 FR 1', url: 'https://fr.example/1' }),
      event('added', 'US-OFAC-SDN', 'C', { action: 'added', url: 'javascript:alert(1)' }),
    ];
    const md = digestMarkdown('OFAC added 2 entries', events);
    const rows = md.split('\n').filter((l) => /^\| \d+ \|/.test(l));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('A \\| B \\*bold\\*');
    expect(rows[0]).toContain('[89 FR 1](https://fr.example/1)');
    expect(rows[1]).not.toContain('javascript');
  });
});

describe('renderers: every alert line, escaped, with its Details button', () => {
  const hostile = () =>
    event('added', 'US-BIS-EL', '<!channel> @everyone', {
      action: 'added',
      party: '<!channel> @everyone *bold*',
      citation: '<!here> 99 FR 1',
      url: 'https://evil.example/a|<!here>',
      programs: ['<@U123>'],
      countries: ['CN'],
    });

  it('Slack: a section per line with Details, nothing that becomes a mention or a link', () => {
    const [reply] = alertReplies({ targets: ['all'] }, [hostile()]);
    const message = renderSlack(withAlertActions(reply!, 5, false, 1), { share: false });
    const text = JSON.stringify(message.blocks);
    expect(text).not.toMatch(/<!channel>|<!here>|<@U123>|<https:\/\/evil/);
    const line = message.blocks.find((b) => b.type === 'section' && 'accessory' in b && b.accessory) as { accessory: { action_id: string; value: string } };
    expect(line.accessory).toMatchObject({ action_id: 'sanctions_details', value: expect.stringMatching(/^details p\d+$/) });
    expect(text).toContain('sanctions_ack');
  });

  it('Discord: buttons for Details, Acknowledge; no mention survives', () => {
    const [reply] = alertReplies({ targets: ['all'] }, [hostile()]);
    const message = renderDiscord(withAlertActions(reply!, 5, false, 1), { buttons: new ButtonStore(), share: false });
    const ids = message.components.flatMap((r) => r.components.map((c) => c.custom_id));
    expect(ids).toEqual(['sanctions:ack:ack 5', expect.stringMatching(/^sanctions:details:p\d+$/)]);
    const text = JSON.stringify({ content: message.content, embeds: message.embeds, labels: message.components });
    // Discord's mention syntax: @everyone, @here, <@id>, <@&id>, <#id> (a zero-width space breaks each @).
    expect(text).not.toMatch(/@everyone|@here|<@!?\w+>|<@&\d+>|<#\d+>/);
  });
});

describe('Discord: a page of 25 long lines', () => {
  it('goes out in as many messages as it needs, every line whole, the heading first and Next last', () => {
    const url = `https://www.mofcom.gov.cn/zcfb/blgg/gg/2026/art/2026/art_${'a'.repeat(32)}.html`;
    const events = Array.from({ length: 25 }, (_, i) =>
      event('added', 'CN-MOFCOM-ECL', `Some Rather Long Company Name Number ${i} GmbH & Co. KG`, { action: 'added', date: '2026-07-24', programs: ['List of Export Controls'], url, countries: ['DE'], issuer: 'MOFCOM', retaliation: true }),
    );
    const page: Reply = { blocks: [{ type: 'heading', text: 'Digest: entries 1–25 of 60 (page 1 of 3)' }, { type: 'events', events, more: 0 }, { type: 'actions', actions: [{ id: 'page', label: 'Next 25', value: 'digest 9 2' }] }], summary: 'x', private: false };
    const parts = splitPage(page);
    expect(parts.length).toBeGreaterThan(1);
    const rendered = parts.map((p) => renderDiscord(p, { buttons: new ButtonStore() }));
    const lines = rendered.flatMap((m) => m.embeds.flatMap((e) => (e.description ?? '').split('\n')));
    expect(lines).toHaveLength(25);
    expect(lines.join('\n')).not.toMatch(/not shown/);
    expect(rendered[0]!.content).toMatch(/page 1 of 3/);
    expect(rendered.slice(1).every((m) => !m.content)).toBe(true);
    expect(rendered.at(-1)!.components.flatMap((r) => r.components.map((c) => c.custom_id))).toContain('sanctions:page:digest 9 2');
    expect(rendered[0]!.components.flatMap((r) => r.components.map((c) => c.custom_id))).not.toContain('sanctions:page:digest 9 2');
  });
});

describe('Discord: attachments within the upload limit', () => {
  it('keeps the CSV before the Markdown when both do not fit, and drops what does not', () => {
    const csv = { name: 'd.csv', type: 'text/csv', title: 'c', content: 'x'.repeat(600) };
    const md = { name: 'd.md', type: 'text/markdown', title: 'm', content: 'y'.repeat(600) };
    expect(withinUploadLimit([md, csv], 2000)).toEqual({ kept: [csv, md], dropped: [] });
    expect(withinUploadLimit([md, csv], 1000)).toEqual({ kept: [csv], dropped: [md] });
    expect(withinUploadLimit([md, csv], 500)).toEqual({ kept: [], dropped: [csv, md] });
  });
});

describe('routing against a store', () => {
  const dir = tempDir();

  it('never splits one refresh over several digests, pages a digest 25 lines at a time, and records one acknowledgement', async () => {
    const entities = (n: number, offset = 0) => ({ entities: Array.from({ length: n }, (_, i) => ({ id: `e${i + offset}`, name: `Company ${i + offset} Ltd`, country: 'CN', effective_date: '2026-06-01', federal_register: `91 FR ${100 + i}`, type: i === 0 ? 'aircraft' : 'entity' })) });
    writeFileSync(join(dir, 'el.json'), JSON.stringify(entities(3)));
    writeFileSync(join(dir, 'sources.json'), JSON.stringify({ sources: [{ id: 'el', format: 'entities-json', list: 'US-BIS-EL', location: 'el.json' }] }));
    const db = openDb(join(dir, 'route.db'));
    try {
      await refreshSources(db, loadSourcesFile(join(dir, 'sources.json')));
      new SubscriptionStore(db).subscribe({ platform: 'slack', channel: 'C1', targets: ['US-BIS-EL'], kinds: ['added', 'removed', 'changed', 'suspended'], countries: [], health: false });
      writeFileSync(join(dir, 'el.json'), JSON.stringify(entities(63)));
      await refreshSources(db, loadSourcesFile(join(dir, 'sources.json')));
      // A reader told to stop at 10 still reads the whole refresh.
      expect(new Router(db).eventsAfter(0, 10)).toHaveLength(60);
      const report = routeNewEvents(db);
      expect(report.queued).toBe(1);
      const row = db.prepare<[], { id: number; payload: string; body_id: number | null }>('SELECT id, payload, body_id FROM outbox').get()!;
      const reply = storedReply(db, row);
      expect(reply.summary).toBe('BIS added 60 entries to the Entity List');
      expect(reply.alert).toEqual({ outbox: row.id, digest: true, total: 60 });
      const events = messageEvents(db, row.id);
      expect(events).toHaveLength(60);
      expect(events[0]!.facts).toMatchObject({ date: '2026-06-01', citation: expect.stringMatching(/^91 FR \d+$/), type: 'entity', countries: ['CN'] });
      const p1 = digestPage(db, row.id, 1, { platform: 'slack', channel: 'C1' });
      const p3 = digestPage(db, row.id, 3, { platform: 'slack', channel: 'C1' });
      expect(p1.blocks[0]).toEqual({ type: 'heading', text: 'Digest: entries 1–25 of 60 (page 1 of 3)' });
      expect(p1.blocks.at(-1)).toEqual({ type: 'actions', actions: [{ id: 'page', label: 'Next 25', value: `digest ${row.id} 2` }] });
      expect(p3.blocks[0]).toEqual({ type: 'heading', text: 'Digest: entries 51–60 of 60 (page 3 of 3)' });
      expect(p3.blocks.some((b) => b.type === 'actions')).toBe(false);
      expect(digestPage(db, row.id, 1, { platform: 'slack', channel: 'C2' }).error).toBe(true);
      const first = acknowledge(db, row.id, { platform: 'slack', channel: 'C1', user: 'U1', name: 'ana' }, new Date('2026-12-01T10:15:00Z'))!;
      expect(first).toMatchObject({ user: 'U1', recorded: true, at: '2026-12-01T10:15:00.000Z' });
      expect(first.reply.blocks.at(-1)).toEqual({ type: 'handled', user: 'U1', name: 'ana', at: '2026-12-01T10:15:00.000Z' });
      expect(JSON.stringify(first.reply.blocks)).not.toContain('"ack"');
      expect(renderConsole(first.reply)).toMatch(/Handled by ana at 2026-12-01 10:15 UTC/);
      // The audit trail names the acknowledged alert by its headline (kept in the message's shared body).
      expect(ackTrail(db)[0]).toMatchObject({ outbox: row.id, actor: 'U1', headline: expect.stringMatching(/BIS added 60 entries/) });
      const second = acknowledge(db, row.id, { platform: 'slack', channel: 'C1', user: 'U2' })!;
      expect(second).toMatchObject({ user: 'U1', recorded: false });
      expect(acknowledge(db, row.id, { platform: 'discord', channel: 'C1', user: 'U3' })).toBeUndefined();
    } finally {
      db.close();
    }
  });
});
