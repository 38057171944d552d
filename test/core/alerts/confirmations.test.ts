/**
 * One alert per designation across two sources of a list (a Federal Register rule, then the CSL), but never a
 * re-listing silenced: the cases the first version got wrong.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Router } from '../../../src/core/alerts/route';
import { refreshSources } from '../../../src/core/refresh';
import { openStore } from '../../../src/core/reindex';
import type { SourceConfig } from '../../../src/core/sources/config';
import { tempDir } from '../../helpers/tmp';

const dir = tempDir('confirmations-');
const filler = (p: string) => Array.from({ length: 60 }, (_, i) => ({ id: `${p}${i}`, name: `Filler ${p} Company Number ${i} Ltd`, country: 'CN' }));
const P = (id: string) => ({ id, name: 'Zorblax Quantum Photonics Co., Ltd.', country: 'CN' });
const write = (f: string, entities: unknown[]) => writeFileSync(join(dir, f), JSON.stringify({ entities }));
const source = (id: string, f: string): SourceConfig => ({ id, format: 'entities-json', location: join(dir, f), list: 'US-BIS-EL' });
const tick = () => new Promise((r) => setTimeout(r, 15));

function zorblax(db: ReturnType<typeof openStore>) {
  return new Router(db).eventsAfter(0).filter((e) => e.name.startsWith('Zorblax')).map((e) => ({ source: e.source, kind: e.kind, confirms: e.confirms }));
}

describe('alert confirmations', () => {
  it('a party removed by the CSL and listed again under the same key is alerted again, though a rule still lists it', async () => {
    const db = openStore(join(dir, 'relist.db'));
    const rule = source('rules', 'rule.json');
    const csl = source('csl', 'csl.json');
    write('rule.json', filler('a'));
    write('csl.json', filler('b'));
    await refreshSources(db, [rule, csl]);
    for (const [file, entities, src] of [
      ['rule.json', [...filler('a'), P('a-p')], rule],
      ['csl.json', [...filler('b'), P('b-p')], csl],
      ['csl.json', filler('b'), csl],
      ['csl.json', [...filler('b'), P('b-p')], csl],
    ] as const) {
      await tick();
      write(file, [...entities]);
      await refreshSources(db, [src]);
    }
    expect(zorblax(db)).toEqual([
      { source: 'rules', kind: 'added', confirms: undefined },
      // The CSL catching up with the rule: a confirmation, not a second alert.
      { source: 'csl', kind: 'added', confirms: 'rules' },
      { source: 'csl', kind: 'removed', confirms: undefined },
      // Back on the list after a removal the channels heard: news again.
      { source: 'csl', kind: 'added', confirms: undefined },
    ]);
    db.close();
  });

  it('a later Federal Register rule revising an entry already announced is no second "added"; another sheet entry is', async () => {
    const db = openStore(join(dir, 'revision.db'));
    const rules = source('rules', 'rules.json');
    write('rules.json', filler('r'));
    await refreshSources(db, [rules]);
    await tick();
    write('rules.json', [...filler('r'), P('rule-1')]);
    await refreshSources(db, [rules]);
    await tick();
    write('rules.json', [...filler('r'), P('rule-1'), P('rule-2')]);
    await refreshSources(db, [rules]);
    // Routed as a source read with the Federal Register format (as us-fr-entity-list is).
    db.prepare("UPDATE sources SET format = 'fr-rules' WHERE id = 'rules'").run();
    expect(zorblax(db)).toEqual([
      { source: 'rules', kind: 'added', confirms: undefined },
      { source: 'rules', kind: 'added', confirms: 'rules' },
    ]);
    // Any other format: two entries of one source are two designations, each alerted.
    db.prepare("UPDATE sources SET format = 'entities-json' WHERE id = 'rules'").run();
    expect(zorblax(db).map((e) => e.confirms)).toEqual([undefined, undefined]);
    db.close();
  });
});
