import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lookup } from '../../src/core/lookup';
import { refreshSources } from '../../src/core/refresh';
import { openStore } from '../../src/core/reindex';
import type { SourceConfig } from '../../src/core/sources/config';
import { EventStore } from '../../src/core/store/events';
import { SourceStore } from '../../src/core/store/sources';
import { fixturePath, rawPath } from '../helpers/shared';
import { tempDir } from '../helpers/tmp';

const RULE = readFileSync(rawPath('bis_entity_list/federal_register_rule_2023-03929/2023-03929.xml'));
const ANSWER = JSON.parse(readFileSync(fixturePath('fr-api/entity-list-rules.json'), 'utf8')) as { count: number; results: Array<Record<string, unknown>> };

describe('fr-rules over a loopback Federal Register API', () => {
  const dir = tempDir();
  const hits = new Map<string, number>();
  let server: Server;
  let base = '';
  /** Extra rules the API lists (path -> XML), for the warning test. */
  const extra = new Map<string, string>();

  const answer = () => {
    const results: Array<Record<string, unknown>> = ANSWER.results.map((r) => ({
      ...r,
      ...(typeof r.full_text_xml_url === 'string' ? { full_text_xml_url: r.full_text_xml_url.replace('https://www.federalregister.gov', base) } : {}),
    }));
    for (const [path] of extra) {
      results.push({ document_number: '2099-00009', title: 'Additions to the Entity List', type: 'Rule', publication_date: '2099-02-02', full_text_xml_url: `${base}${path}` });
    }
    return JSON.stringify({ ...ANSWER, count: results.length, results });
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      const path = (req.url ?? '').replace(/\?.*$/, '');
      hits.set(path, (hits.get(path) ?? 0) + 1);
      if (path === '/api/v1/documents.json') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(answer());
      } else if (path === '/documents/full_text/xml/2023/02/27/2023-03929.xml') {
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(RULE);
      } else if (extra.has(path)) {
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(extra.get(path));
      } else {
        res.writeHead(path === '/down.json' ? 503 : 404);
        res.end('no');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const source = (indexes: string[]): SourceConfig => ({
    id: 'us-fr-entity-list',
    format: 'fr-rules',
    list: 'US-BIS-EL',
    location: 'https://www.federalregister.gov/',
    discover: { indexes },
  });

  it('fetches the relevant rule once, records its 13 entries as published and effective with the FR citation', async () => {
    const db = openStore(join(dir, 'fr.db'));
    const query = `${base}/api/v1/documents.json?conditions[term]=%22Entity+List%22`;
    const [first] = await refreshSources(db, [source([query])]);
    expect(first).toMatchObject({ outcome: 'applied', baseline: true, records: 13 });
    // The removal rule, the rule without XML and the technical corrections are counted, not fetched.
    expect(first!.warnings).toEqual(['discovery: 3 links on the indexes do not speak of a list this source reads (not fetched)']);
    expect(hits.get('/documents/full_text/xml/2023/02/27/2023-03929.xml')).toBe(1);
    expect([...hits.keys()].filter((p) => p.includes('2099'))).toEqual([]);

    const [party] = lookup(db, 'Electronic Network Inc.').results;
    expect(party).toMatchObject({ name: 'Electronic Network Inc.', countries: ['CA'] });
    expect(party!.aliases).toEqual(expect.arrayContaining(['Electronic Network Holdings', "Electronic's Network & Technology Corp."]));
    expect(party!.designations).toEqual([
      expect.objectContaining({
        list: 'US-BIS-EL',
        status: 'active',
        since: '2023-02-24',
        published: '2023-02-27',
        effective: '2023-02-24',
        source: 'us-fr-entity-list',
        citation: '88 FR 12171',
        url: 'https://www.federalregister.gov/documents/2023/02/27/2023-03929/additions-of-entities-to-the-entity-list',
        pending: 'published in the Federal Register, not yet on the Consolidated Screening List',
      }),
    ]);
    expect(party!.designations[0]!.notes).toMatch(/^Published in the Federal Register on 2023-02-27 \(88 FR 12171, FR Doc\. 2023-03929\), effective on 2023-02-24\./);
    // One entry per country, as on the list.
    const spacety = lookup(db, 'Spacety Co., Ltd.').results.filter((r) => r.name === 'Spacety Co., Ltd.');
    expect(spacety.flatMap((r) => r.countries).sort()).toEqual(['CN', 'LU']);

    // Nothing new: not modified, the rule is not fetched again.
    const [second] = await refreshSources(db, [source([query])]);
    expect(second!.outcome).toBe('not-modified');
    expect(hits.get('/documents/full_text/xml/2023/02/27/2023-03929.xml')).toBe(1);
    expect(hits.get('/api/v1/documents.json')).toBe(2);

    // A new rule that yields no entry: a warning naming it; the 13 entries stay, no removal.
    extra.set('/documents/full_text/xml/2099/02/02/2099-00009.xml', '<RULE><PREAMB><SUBJECT>Additions to the Entity List</SUBJECT></PREAMB></RULE>');
    const [third] = await refreshSources(db, [source([query])]);
    expect(third).toMatchObject({ outcome: 'unchanged', records: 13, removed: 0 });
    expect(third!.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/^FR Doc\. 2099-00009 .*no Entity List entry read/)]));
    expect(new SourceStore(db).get('us-fr-entity-list')).toMatchObject({ status: 'ok' });
    expect(new EventStore(db).list()).toEqual([]);
    extra.clear();
    db.close();
  });

  it('fails the source when its index cannot be read: a failure never looks like "nothing new"', async () => {
    const db = openStore(join(dir, 'down.db'));
    const [down] = await refreshSources(db, [source([`${base}/down.json`])]);
    expect(down).toMatchObject({ outcome: 'failed' });
    expect(down!.message).toMatch(/every index of us-fr-entity-list failed/);
    expect(new SourceStore(db).get('us-fr-entity-list')).toMatchObject({ status: 'failed' });

    // An answer of another shape fails it too, naming the field.
    const [odd] = await refreshSources(db, [source([`${base}/documents/full_text/xml/2023/02/27/2023-03929.xml`])]);
    expect(odd).toMatchObject({ outcome: 'failed' });
    expect(odd!.message).toMatch(/cannot read the index: not a Federal Register API answer: not JSON/);
    db.close();
  });
});
