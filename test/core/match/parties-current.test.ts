/**
 * Parties over the real current dataset: the same entity on several lists is one party (Dahua, Megvii, DJI),
 * and different entities are never one, whatever name they share (issue 10).
 */
import { describe, expect, it } from 'vitest';
import { lookup } from '../../../src/core/lookup';
import { currentDb } from '../../helpers/current';

const db = currentDb();
const partyOf = (source: string, name: string): number => {
  const rows = db.prepare<[string, string], { party_id: number }>('SELECT party_id FROM records WHERE source_id = ? AND name = ?').all(source, name);
  expect(rows, `${source}: ${name}`).toHaveLength(1);
  return rows[0]!.party_id;
};

describe('parties over the current dataset: one entity, one party', () => {
  it.each([
    ['Dahua', 'Dahua Technology', ['Zhejiang Dahua Technology Co., Ltd.']],
    ['Megvii', 'Megvii Technology', ['Beijing Megvii Technology Co., Ltd.']],
    ['DJI', 'DJI', ['Shenzhen DJI Technology Co., Ltd.', 'Shenzhen DJI Innovation Technology Co., Ltd.']],
  ])('joins the 1260H listing of %s (under its full name and short name) to its Entity List party', (query, elName, dodNames) => {
    const party = partyOf('us-bis-el', elName);
    for (const name of dodNames) expect(partyOf('us-dod-1260h', name)).toBe(party);
    const cards = lookup(db, query).results.filter((r) => r.designations.some((d) => d.list === 'US-DOD-1260H') && r.name.includes(query));
    expect(cards.map((r) => r.id)).toEqual([`p${party}`]);
  });

  it('keeps subsidiaries that the 1260H sheet lists under a parent out of the parent\'s party', () => {
    expect(partyOf('us-dod-1260h', 'Chengdu Dahua Wisdom Information Technology Co., Ltd.')).not.toBe(partyOf('us-bis-el', 'Dahua Technology'));
    expect(partyOf('us-dod-1260h', 'Shenzhen Dajiang Baiwang Technology Co., Ltd.')).not.toBe(partyOf('us-bis-el', 'DJI'));
    const smic = partyOf('us-dod-1260h', 'Semiconductor Manufacturing International Corporation');
    expect(partyOf('us-dod-1260h', 'SMIC Semiconductor Manufacturing (Shanghai) Co., Ltd')).not.toBe(smic);
    expect(partyOf('us-bis-el', 'SMIC Semiconductor Manufacturing (Shanghai) Co., Ltd.')).not.toBe(smic);
  });

  it('never puts a 1260H subsidiary and the parent the sheet names in one party', () => {
    const rows = db
      .prepare<[], { child: string; parent: string }>(
        `SELECT c.name AS child, p.name AS parent FROM records c JOIN records p
            ON p.source_id = c.source_id AND p.id != c.id AND p.party_id = c.party_id
         WHERE c.source_id = 'us-dod-1260h' AND json_extract(c.payload, '$.parent') IS NOT NULL
           AND replace(replace(lower(json_extract(c.payload, '$.parent')), '.', ''), ',', '') = replace(replace(lower(p.name), '.', ''), ',', '')`,
      )
      .all();
    expect(rows).toEqual([]);
  });

  it('shows one line for the 1260H listing of SMIC Northern, renamed on the sheet, from its first edition', () => {
    const [card] = lookup(db, 'SMIC Northern Integrated Circuit Manufacturing (Beijing) Co., Ltd.').results;
    const dod = card!.designations.filter((d) => d.list === 'US-DOD-1260H');
    expect(dod).toHaveLength(1);
    expect(dod[0]!.since).toBe('2021-06-03');
    expect(dod[0]!.citation).toContain('91 FR 35189');
    expect(card!.aliases).toContain('Semiconductor Manufacturing North China (Beijing) Corporation');
  });

  it('shows one 1260H line for DJI although the sheet lists it under two names', () => {
    const [card] = lookup(db, 'DJI').results;
    expect(card!.designations.filter((d) => d.list === 'US-DOD-1260H')).toHaveLength(1);
  });

  it('still shows separate announcements of one list under one name as separate lines', () => {
    const [card] = lookup(db, 'Marco Rubio').results;
    expect(card!.designations.filter((d) => d.list === 'CN-CM').map((d) => d.since)).toEqual(['2020-07-13', '2020-08-10']);
  });
});

describe('parties over the current dataset: different entities, different parties', () => {
  it('keeps Huawei Technologies apart from Huawei Investment & Holding (other USCC), though OFAC gives the one the other\'s name as alias', () => {
    const tech = partyOf('us-ofac-cons', 'HUAWEI TECHNOLOGIES CO., LTD.');
    const holding = partyOf('us-ofac-cons', 'HUAWEI INVESTMENT & HOLDING CO., LTD.');
    expect(tech).not.toBe(holding);
    expect(partyOf('us-dod-1260h', 'Huawei Investment & Holding Co., Ltd.')).toBe(holding);
    expect(partyOf('us-dod-1260h', 'Huawei Technologies Co., Ltd.')).toBe(tech);
    expect(partyOf('us-bis-el', 'Huawei Technologies Co., Ltd.')).toBe(tech);
  });

  it('never gathers two different USCCs in one party, not even through a chain of joins', () => {
    const rows = db
      .prepare<[], { party_id: number; n: number }>(
        `SELECT r.party_id, COUNT(DISTINCT json_extract(i.value, '$.value')) AS n FROM records r, json_each(r.payload, '$.identifiers') i
          WHERE json_extract(i.value, '$.type') LIKE '%USCC%' GROUP BY r.party_id HAVING n > 1`,
      )
      .all();
    expect(rows).toEqual([]);
  });

  it('keeps China Telecom Corp apart from China Telecommunications Corp', () => {
    expect(partyOf('us-ofac-cons', 'CHINA TELECOM CORPORATION LIMITED')).not.toBe(partyOf('us-ofac-cons', 'CHINA TELECOMMUNICATIONS CORPORATION'));
    expect(partyOf('us-dod-1260h', 'China Telecom Corporation Limited')).toBe(partyOf('us-ofac-cons', 'CHINA TELECOM CORPORATION LIMITED'));
  });

  it('does not join the China Unicom companies on the two-word alias "China Unicom"', () => {
    const parties = new Set([
      partyOf('us-ofac-cons', 'CHINA UNITED NETWORK COMMUNICATIONS GROUP CO., LTD.'),
      partyOf('us-ofac-cons', 'CHINA UNICOM (HONG KONG) LIMITED'),
      partyOf('us-dod-1260h', 'China Unicom (BVI) Co., Ltd.'),
    ]);
    expect(parties.size).toBe(3);
  });

  it('keeps the two OFAC entries "NATIONAL LIBERATION ARMY" (Colombian, Macedonian) apart', () => {
    const rows = db.prepare<[], { party_id: number }>("SELECT party_id FROM records WHERE source_id = 'us-ofac-sdn' AND name = 'NATIONAL LIBERATION ARMY'").all();
    expect(rows).toHaveLength(2);
    expect(rows[0]!.party_id).not.toBe(rows[1]!.party_id);
    expect(lookup(db, 'National Liberation Army').results.filter((r) => r.name === 'NATIONAL LIBERATION ARMY')).toHaveLength(2);
  });
});
