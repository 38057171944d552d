/**
 * Type-ahead (core/suggest, issue 15 seen 1) over the shared current dataset: what was seen while typing
 * ("Hik" one wrong party, "Hikv" none, "zte corpo" nothing, "华为技" nothing, "huawei tec" the wrong Huawei first),
 * then the general properties behind them on deterministic samples of the real names, and on a small dataset of
 * its own: parties with designations in force first, list filters, Discord's limits, a refresh seen at once.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toSimplified } from '../../src/core/match/chinese';
import { coverageFactor } from '../../src/core/match/generic-words';
import { LEGAL_AND_FILLER_WORDS } from '../../src/core/match/normalize';
import { normalizeName } from '../../src/core/match/text';
import { refreshSources } from '../../src/core/refresh';
import { loadSourcesFile } from '../../src/core/sources/config';
import { openDb } from '../../src/core/store/db';
import { suggest, type Suggestion } from '../../src/core/suggest/suggest';
import { currentDb } from '../helpers/current';
import { tempDir } from '../helpers/tmp';

const db = currentDb();

const offers = (typed: string, party: number, within = 5) => suggest(db, typed).slice(0, within).some((s) => s.partyIds.includes(party));
const partyNamed = (pattern: RegExp, choices: Suggestion[]) => choices.findIndex((s) => pattern.test(s.name));

/** Parties with a designation in force: their lowest record id's name, every n-th of them in id order. */
function listedSample(n: number): Array<{ party: number; name: string }> {
  const rows = db
    .prepare<[], { party: number; name: string }>(
      `SELECT COALESCE(r.party_id, r.id) AS party, MIN(r.name) AS name FROM records r JOIN designations d ON d.record_id = r.id
        WHERE d.status = 'active' GROUP BY party ORDER BY party`,
    )
    .all();
  const step = Math.max(1, Math.floor(rows.length / n));
  return rows.filter((_, i) => i % step === 0).slice(0, n);
}

/** Every stored name's normalised form with its party: to tell which parties a typed prefix starts. */
const norms = db.prepare<[], { party: number; norm: string; han: number }>('SELECT COALESCE(r.party_id, r.id) AS party, n.norm, n.han FROM names n JOIN records r ON r.id = n.record_id').all();

/** Whether the typed text reaches at least three letters into a word that says which party it is. */
function reachesDistinctiveWord(typed: string): boolean {
  return normalizeName(typed)
    .split(' ')
    .some((w) => w.length >= 3 && !LEGAL_AND_FILLER_WORDS.has(w) && coverageFactor(w) === 1);
}

describe('type-ahead: what was seen while typing (issue 15)', () => {
  const hikvision = (choices: Suggestion[]) => partyNamed(/Hikvision Digital Technology/i, choices);

  it('"H" fills the list (25 choices), and every longer start of "Hikvision" offers Hikvision, first from "Hikv" on', () => {
    expect(suggest(db, 'H')).toHaveLength(25);
    const hik = suggest(db, 'Hik');
    expect(hikvision(hik)).toBeGreaterThanOrEqual(0);
    expect(hikvision(hik)).toBeLessThan(5);
    for (const typed of ['Hikv', 'Hikvi', 'Hikvis', 'Hikvisi', 'Hikvisio', 'Hikvision', 'hikvision d']) {
      expect(hikvision(suggest(db, typed)), typed).toBe(0);
    }
  });

  it('finishes a legal form being typed ("zte corpo"), or leaves it aside when no name of the party carries it', () => {
    for (const typed of ['zte', 'zte corpo', 'zte corporation', 'ZTE Co', 'zte ltd']) {
      expect(partyNamed(/^ZTE\b/, suggest(db, typed)), typed).toBe(0);
    }
  });

  it('finishes a Chinese name through the vocabulary: "华为技" and "华为技术" offer Huawei Technologies first', () => {
    for (const typed of ['华为技', '华为技术', '華為技']) {
      const choices = suggest(db, typed);
      expect(choices[0]!.name, typed).toBe('Huawei Technologies Co., Ltd.');
      expect(choices[0]!.via, typed).toMatch(/^huawei technolog/);
    }
    expect(suggest(db, '海康威')[0]!.name).toMatch(/Hikvision/);
  });

  it('"huawei tec": the party whose name the typed words cover ranks over one with a word left over (Huawei Tech Investment)', () => {
    const choices = suggest(db, 'huawei tec');
    const technologies = partyNamed(/^Huawei Technologies Co\., Ltd\.$/, choices);
    const investment = partyNamed(/^Huawei Tech\.? Investment/, choices);
    expect(technologies).toBe(0);
    expect(investment < 0 || investment > technologies).toBe(true);
  });

  it('a finished word that is only the start of the name\'s word still offers it, ranked after whole-word matches', () => {
    // "huawei tech " (a space after tech): "tech" is finished, a whole word of Huawei Tech Investment.
    const choices = suggest(db, 'huawei tech ');
    expect(choices[0]!.name).toMatch(/^Huawei Tech\.? Investment/);
    expect(partyNamed(/^Huawei Technologies Co\., Ltd\.$/, choices)).toBeGreaterThan(0);
  });
});

describe('type-ahead: words that start one another', () => {
  it('a finished word stays the same word of the name even when it starts the next one ("Xi\'an Xiangteng")', () => {
    for (const typed of ["Xi'an Xiangteng", "Xi'an Xiangteng Microelectronics", "Xi'an Xiangteng Microelectronics T"]) {
      expect(suggest(db, typed)[0]?.name, typed).toBe("Xi'an Xiangteng Microelectronics Technology Co., Ltd.");
    }
  });

  it('the word being typed finishes the word that says which party it is, not a letter of a legal form ("Constructora S")', () => {
    expect(suggest(db, 'Constructora S')[0]!.name).toBe('CONSTRUCTORA SANDGRIS, S. DE R.L. DE C.V.');
  });
});

describe('type-ahead over samples of the real names', () => {
  const sample = listedSample(60).filter((p) => !/\p{Script=Han}/u.test(p.name));

  it('never empties while a listed name is typed, and offers its party among the first 5 once the name is whole', () => {
    for (const { name, party } of sample) {
      const chars = Array.from(name);
      for (let i = 1; i <= chars.length; i++) {
        const typed = chars.slice(0, i).join('');
        expect(suggest(db, typed).length, typed).toBeGreaterThan(0);
      }
      expect(offers(name, party), name).toBe(true);
    }
  });

  it('completes a partial last word: the name with its last word cut to 3 letters offers the party among the first 5', () => {
    let checked = 0;
    for (const { name, party } of sample) {
      const words = name.trim().split(/\s+/);
      const last = words.at(-1)!;
      if (words.length < 2 || !/^\p{L}{5,}$/u.test(last)) continue;
      const typed = [...words.slice(0, -1), last.slice(0, 3)].join(' ');
      expect(offers(typed, party), typed).toBe(true);
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('a prefix that starts only one party\'s names and reaches into a distinctive word offers that party among the first 5', () => {
    let checked = 0;
    for (const { name, party } of sample.slice(0, 30)) {
      const chars = Array.from(name);
      for (let i = 3; i <= chars.length; i++) {
        const typed = chars.slice(0, i).join('');
        if (!reachesDistinctiveWord(typed)) continue;
        const start = normalizeName(typed);
        const parties = new Set(norms.filter((n) => n.norm.startsWith(start)).map((n) => n.party));
        if (parties.size !== 1 || !parties.has(party)) continue;
        expect(offers(typed, party), typed).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(200);
  });

  it('a legal form being typed that the name lacks ("... corpo") does not drop the party', () => {
    for (const { name, party } of sample.filter((p) => !/corporation/i.test(p.name)).slice(0, 30)) {
      expect(offers(`${name} corpo`, party), name).toBe(true);
    }
  });

  it('completes partial Chinese names: each start of 2+ characters found only in one party\'s Chinese names offers it among the first 5', () => {
    const han = db
      .prepare<[], { party: number; value: string }>(
        `SELECT COALESCE(r.party_id, r.id) AS party, n.value FROM names n JOIN records r ON r.id = n.record_id
          WHERE n.han = 1 AND n.kind != 'weak' AND EXISTS (SELECT 1 FROM designations d WHERE d.record_id = r.id AND d.status = 'active') ORDER BY n.id`,
      )
      .all()
      .filter((_, i) => i % 12 === 0);
    const hanNorms = norms.filter((n) => n.han === 1).map((n) => ({ party: n.party, text: n.norm.replace(/ /g, '') }));
    let checked = 0;
    for (const { value, party } of han) {
      const chars = Array.from(value);
      for (let i = 2; i <= chars.length; i++) {
        const typed = chars.slice(0, i).join('');
        expect(suggest(db, typed).length, typed).toBeGreaterThan(0);
        const start = normalizeName(toSimplified(typed)).replace(/ /g, '');
        if (!/\p{Script=Han}{2}/u.test(start)) continue;
        const parties = new Set(hanNorms.filter((n) => n.text.startsWith(start)).map((n) => n.party));
        if (parties.size !== 1 || !parties.has(party)) continue;
        expect(offers(typed, party), typed).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('keeps Discord\'s limits: at most 25 choices, label and value of 1..100 characters, one choice per party', () => {
    for (const typed of ['a', 'china', 'limited liability company', '中国', 'joint stock company s', 'x'.repeat(300)]) {
      const choices = suggest(db, typed);
      expect(choices.length).toBeLessThanOrEqual(25);
      const parties = choices.flatMap((c) => c.partyIds);
      expect(new Set(parties).size).toBe(parties.length);
      for (const c of choices) {
        expect(c.label.length).toBeGreaterThan(0);
        expect(c.label.length).toBeLessThanOrEqual(100);
        expect(c.value.length).toBeGreaterThan(0);
        expect(c.value.length).toBeLessThanOrEqual(100);
      }
    }
    expect(suggest(db, '   ')).toEqual([]);
    expect(suggest(db, 'china', { limit: 3 })).toHaveLength(3);
  });
});

describe('type-ahead on a dataset of its own', () => {
  const dir = tempDir('sanctions-suggest-');
  const longName = `Zorvath ${'Extraordinarily Lengthy Appellation '.repeat(4)}Holdings Limited`;

  async function dataset(extra: object[] = []) {
    writeFileSync(
      join(dir, 'uvl.json'),
      JSON.stringify({
        entities: [
          // Delisted, and a closer fit to "zorvath dyn" than the listed one below.
          { id: 'z1', name: 'Zorvath Dynamics', country: 'CN', effective_date: '2024-01-02', status: 'removed' },
          { id: 'z2', name: 'Zorvath Dynamics Shipping Agency Trading', country: 'CN', effective_date: '2024-01-03' },
          { id: 'z3', name: longName, country: 'CN', effective_date: '2024-01-04' },
          ...extra,
        ],
      }),
    );
    writeFileSync(join(dir, 'el.json'), JSON.stringify({ entities: [{ id: 'e1', name: 'Zorvath Dynamo Works', country: 'CN', effective_date: '2024-02-01' }] }));
    writeFileSync(
      join(dir, 'sources.json'),
      JSON.stringify({
        sources: [
          { id: 'uvl', format: 'entities-json', list: 'US-BIS-UVL', location: 'uvl.json' },
          { id: 'el', format: 'entities-json', list: 'US-BIS-EL', location: 'el.json' },
        ],
      }),
    );
  }

  it('ranks parties with a designation in force first, says when one is no longer listed, and honours list filters', async () => {
    await dataset();
    const own = openDb(join(dir, 'own.db'));
    try {
      await refreshSources(own, loadSourcesFile(join(dir, 'sources.json')));
      const choices = suggest(own, 'zorvath dyn');
      expect(choices.map((c) => c.name)).toEqual(['Zorvath Dynamo Works', 'Zorvath Dynamics Shipping Agency Trading', 'Zorvath Dynamics']);
      expect(choices[2]).toMatchObject({ standing: 'delisted', label: 'Zorvath Dynamics · no longer listed' });
      expect(choices[0]).toMatchObject({ standing: 'listed', label: 'Zorvath Dynamo Works · Entity List', lists: ['US-BIS-EL'] });
      expect(suggest(own, 'zorvath dyn', { lists: ['US-BIS-UVL'] }).map((c) => c.name)).toEqual(['Zorvath Dynamics Shipping Agency Trading', 'Zorvath Dynamics']);
      expect(suggest(own, 'zorvath', { side: 'cn' })).toEqual([]);

      // A name longer than Discord allows: the value is cut at a word, and still finds the party.
      const long = suggest(own, 'zorvath extraordinarily')[0]!;
      expect(long.name).toBe(longName);
      expect(long.value.length).toBeLessThanOrEqual(100);
      expect(longName.startsWith(long.value)).toBe(true);
      expect(long.value).not.toMatch(/\s$/);
      expect(suggest(own, long.value)[0]!.name).toBe(longName);

      // A refresh that adds a party bumps the dataset version: the next call sees it.
      expect(suggest(own, 'quillfeather')).toEqual([]);
      await dataset([{ id: 'z4', name: 'Quillfeather Avionics', country: 'CN', effective_date: '2024-03-01' }]);
      await refreshSources(own, loadSourcesFile(join(dir, 'sources.json')));
      expect(suggest(own, 'quillfe').map((c) => c.name)).toEqual(['Quillfeather Avionics']);
    } finally {
      own.close();
    }
  });

  it('rejects options out of bounds, saying which', () => {
    expect(() => suggest(db, 'huawei', { limit: 26 })).toThrow(/limit/);
    expect(() => suggest(db, 'huawei', { lists: ['US-NOPE' as never] })).toThrow(/lists/);
  });
});
