import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeNewEvents } from '../../src/core/alerts/outbox';
import { Router } from '../../src/core/alerts/route';
import { SubscriptionStore } from '../../src/core/alerts/subscriptions';
import { listSummaries } from '../../src/core/catalog';
import { PENDING_FR } from '../../src/core/designation-fr';
import { lookup } from '../../src/core/lookup';
import { refreshSources } from '../../src/core/refresh';
import { markPartiesDirty, rebuildPartiesAndClear } from '../../src/core/recover';
import { openStore } from '../../src/core/reindex';
import type { SourceConfig } from '../../src/core/sources/config';
import { EventStore } from '../../src/core/store/events';
import { rawPath } from '../helpers/shared';
import { tempDir } from '../helpers/tmp';

const REAL = readFileSync(rawPath('bis_entity_list/federal_register_rule_2023-03929/2023-03929.xml'));

/** A one-entry rule in the FR-XML shape of the real one (synthetic: the FR source's first snapshot). */
const SMALL_RULE = `<RULE><PREAMB><SUBJECT>Additions of Entities to the Entity List</SUBJECT>
<EFFDATE><P>This rule is effective January 5, 2023.</P></EFFDATE></PREAMB>
<SUPLINF><GPOTABLE COLS="5">
<ROW><ENT I="25">Country</ENT><ENT>Entity</ENT><ENT>License requirement</ENT><ENT>License review policy</ENT><ENT>Federal Register citation</ENT></ROW>
<ROW><ENT I="01">CHINA, PEOPLE'S REPUBLIC OF</ENT><ENT>*</ENT></ROW>
<ROW><ENT I="22"> </ENT><ENT>Test Optics Co., Ltd., Room 1, Haidian District, Beijing, China.</ENT><ENT>For all items subject to the EAR.</ENT><ENT>Presumption of denial.</ENT><ENT>88 FR [INSERT FR PAGE NUMBER AND 1/6/2023]</ENT></ROW>
</GPOTABLE><FRDOC>[FR Doc. 2023-00100 Filed 1-5-23; 8:45 am]</FRDOC></SUPLINF></RULE>`;

const CSL_HEADER =
  '_id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,start_date,end_date,standard_order,license_requirement,license_policy,call_sign,vessel_type,gross_tonnage,gross_registered_tonnage,vessel_flag,vessel_owner,remarks,source_list_url,alt_names,citizenships,dates_of_birth,nationalities,places_of_birth,source_information_url,ids';
const EL = 'Entity List (EL) - Bureau of Industry and Security';
const EL_URL = 'https://www.bis.doc.gov/index.php/policy-guidance/lists-of-parties-of-concern/entity-list';
const cslRow = (id: string, name: string, address: string, citation: string, start: string) =>
  [id, EL, '', '', '', name, '', address, citation, start, '', '', 'For all items subject to the EAR.', 'Presumption of denial.', '', '', '', '', '', '', '', EL_URL, '', '', '', '', '', EL_URL, '']
    .map((c) => `"${c}"`)
    .join(',');

describe('an Entity List entry announced by a rule, then listed by the Consolidated Screening List', () => {
  const dir = tempDir();
  const rules: Array<{ doc: string; published: string; effective: string; citation: string; xml: string | Buffer }> = [
    { doc: '2023-00100', published: '2023-01-06', effective: '2023-01-05', citation: '88 FR 1001', xml: SMALL_RULE },
  ];
  let server: Server;
  let base = '';

  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = (req.url ?? '').replace(/\?.*$/, '');
      if (path === '/api/v1/documents.json') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            count: rules.length,
            results: rules.map((r) => ({
              document_number: r.doc,
              title: 'Additions of Entities to the Entity List',
              type: 'Rule',
              publication_date: r.published,
              effective_on: r.effective,
              citation: r.citation,
              html_url: `https://www.federalregister.gov/d/${r.doc}`,
              full_text_xml_url: `${base}/xml/${r.doc}.xml`,
            })),
          }),
        );
        return;
      }
      const rule = rules.find((r) => path === `/xml/${r.doc}.xml`);
      res.writeHead(rule ? 200 : 404, { 'content-type': 'text/xml' });
      res.end(rule ? rule.xml : 'no');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('shows one US-BIS-EL line (CSL status, the rule\'s citation and dates, both sources) and alerts once', async () => {
    const db = openStore(join(dir, 'reconcile.db'));
    const cslFile = join(dir, 'csl.csv');
    const csl = (rows: string[]) => writeFileSync(cslFile, [CSL_HEADER, ...rows].join('\n') + '\n');
    const baseRows = [
      cslRow('a1', 'Alpha Widgets Ltd.', '1 Alpha Road, Shenzhen, CN', '85 FR 100', '2020-05-01'),
      cslRow('a2', 'Beta Tools LLC', '2 Beta Street, Moscow, RU', '87 FR 200', '2022-03-03'),
    ];
    csl(baseRows);
    const sources: SourceConfig[] = [
      { id: 'us-fr-entity-list', format: 'fr-rules', list: 'US-BIS-EL', location: 'https://www.federalregister.gov/', discover: { indexes: [`${base}/api/v1/documents.json`] } },
      { id: 'trade-gov-csl', format: 'csl-csv', location: cslFile, lists: ['US-BIS-EL'] },
    ];
    // First snapshots: baselines, no events.
    expect((await refreshSources(db, sources)).map((r) => [r.outcome, r.baseline])).toEqual([['applied', true], ['applied', true]]);
    const subs = new SubscriptionStore(db);
    subs.subscribe({ platform: 'slack', channel: 'C-EL', targets: ['US-BIS-EL'], kinds: ['added', 'removed', 'changed'], countries: [], health: false });
    const delivered = () =>
      db
        .prepare<[], { id: number; name: string; source_id: string }>('SELECT e.id, e.name, e.source_id FROM deliveries d JOIN events e ON e.id = d.event_id ORDER BY e.id')
        .all()
        .map((r) => `${r.source_id}: ${r.name}`);

    // The rule is published: its 13 entries are new designations, heard the same day.
    rules.push({ doc: '2023-03929', published: '2023-02-27', effective: '2023-02-24', citation: '88 FR 12170', xml: REAL });
    const [fr] = await refreshSources(db, [sources[0]!]);
    expect(fr).toMatchObject({ outcome: 'applied', added: 13 });
    routeNewEvents(db);
    expect(delivered()).toHaveLength(13);
    expect(delivered()).toContain('us-fr-entity-list: CPUNTO Inc.');
    const before = lookup(db, 'CPUNTO Inc.').results[0]!;
    expect(before.designations).toEqual([expect.objectContaining({ source: 'us-fr-entity-list', pending: PENDING_FR, published: '2023-02-27', effective: '2023-02-24' })]);

    // Weeks later the CSL lists CPUNTO (the rule's page as its citation) and one party the rules never named.
    csl([
      ...baseRows,
      cslRow('c1', 'CPUNTO Inc.', '5929 Route Transcanadienne Ste 130 St. Laurent, Quebec H4T 1Z6, CA', '88 FR 12171', '2023-02-27'),
      cslRow('g1', 'Gamma Photonics Co.', '3 Gamma Avenue, Wuhan, CN', '88 FR 30000', '2023-05-10'),
    ]);
    const [later] = await refreshSources(db, [sources[1]!]);
    expect(later).toMatchObject({ outcome: 'applied', added: 2 });
    const cslEvents = new EventStore(db).list().filter((e) => e.source === 'trade-gov-csl');
    expect(cslEvents.map((e) => [e.kind, e.name])).toEqual([['added', 'CPUNTO Inc.'], ['added', 'Gamma Photonics Co.']]);

    // The router marks CPUNTO's CSL event as a confirmation of the rule's designation, and does not route it.
    const routed = new Router(db).eventsAfter(0).filter((e) => e.source === 'trade-gov-csl');
    expect(routed.map((e) => [e.name, e.confirms])).toEqual([['CPUNTO Inc.', 'us-fr-entity-list'], ['Gamma Photonics Co.', undefined]]);
    routeNewEvents(db);
    const all = delivered();
    expect(all).toHaveLength(14);
    expect(all.at(-1)).toBe('trade-gov-csl: Gamma Photonics Co.');
    expect(all.filter((d) => d.endsWith('CPUNTO Inc.'))).toEqual(['us-fr-entity-list: CPUNTO Inc.']);

    // Had the CSL removed the party after the rule and listed it again now, the old rule (never removed by its
    // source) would announce nothing: the listing again is a new designation.
    const cpunto = new Router(db).eventsAfter(0).find((e) => e.source === 'trade-gov-csl' && e.name === 'CPUNTO Inc.')!;
    const rule = db.prepare<[], { first_seen: string }>("SELECT d.first_seen FROM designations d JOIN records r ON r.id = d.record_id WHERE r.source_id = 'us-fr-entity-list' AND r.name = 'CPUNTO Inc.'").get()!;
    expect(() =>
      db.transaction(() => {
        db.prepare("INSERT INTO records (source_id, key, name, type, payload, hash, first_seen, last_seen, removed_at, party_id) VALUES ('trade-gov-csl', 'old-cpunto', 'CPUNTO Inc.', 'entity', '{}', 'h', '2020-01-01T00:00:00.000Z', ?, ?, ?)").run(rule.first_seen, cpunto.at, cpunto.partyId);
        const old = db.prepare<[], { id: number }>("SELECT id FROM records WHERE key = 'old-cpunto'").get()!.id;
        const between = new Date((Date.parse(rule.first_seen) + Date.parse(cpunto.at)) / 2).toISOString();
        db.prepare("INSERT INTO designations (record_id, list, status, first_seen, removed_at) VALUES (?, 'US-BIS-EL', 'removed', ?, ?)").run(old, '2020-01-01T00:00:00.000Z', between);
        // The removal as a refresh writes it: its event (a record listed again has its removed_at cleared).
        db.prepare("INSERT INTO events (at, refresh_id, kind, list, source_id, record_id, record_key, name) VALUES (?, ?, 'removed', 'US-BIS-EL', 'trade-gov-csl', ?, 'old-cpunto', 'CPUNTO Inc.')").run(between, cpunto.refreshId, old);
        expect(new Router(db).confirmedFrom(cpunto, cpunto.partyId)).toBeUndefined();
        throw new Error('rollback');
      })(),
    ).toThrow('rollback');
    expect(new Router(db).confirmedFrom(cpunto, cpunto.partyId)).toBe('us-fr-entity-list');

    // One line: the CSL's status and source, the rule's dates; both sources named; no longer pending.
    const [party] = lookup(db, 'CPUNTO Inc.').results;
    expect(party!.designations).toHaveLength(1);
    const line = party!.designations[0]!;
    expect(line).toMatchObject({
      list: 'US-BIS-EL',
      status: 'active',
      source: 'trade-gov-csl',
      sources: ['trade-gov-csl', 'us-fr-entity-list'],
      citation: '88 FR 12171',
      since: '2023-02-27',
      published: '2023-02-27',
      effective: '2023-02-24',
    });
    expect(line.pending).toBeUndefined();
    // The other entries of the rule are still the rule's word alone.
    expect(lookup(db, 'Promtekhkomplekt JSC').results[0]!.designations[0]).toMatchObject({ source: 'us-fr-entity-list', pending: PENDING_FR });

    // "lists" counts CPUNTO once: 4 CSL entries, and the 14 rule entries less the one the CSL now carries.
    const el = listSummaries(db).find((l) => l.list === 'US-BIS-EL')!;
    expect(el).toMatchObject({ active: 17, removed: 0 });
    expect(el.sources.sort()).toEqual(['trade-gov-csl', 'us-fr-entity-list']);
    db.close();
  });

  it('routes nothing while parties are being rebuilt after a refresh of several sources (confirmations need them)', () => {
    const db = openStore(join(dir, 'dirty.db'));
    markPartiesDirty(db);
    expect(routeNewEvents(db)).toMatchObject({ queued: 0, deferred: expect.stringMatching(/parties/) });
    rebuildPartiesAndClear(db);
    expect(routeNewEvents(db).deferred).toBeUndefined();
    db.close();
  });
});
