import { describe, expect, it } from 'vitest';
import { PartyGroups } from '../../../src/core/match/party-groups';
import { isOwnShortName, specificSharedAlias, aliasNamingAPrimary } from '../../../src/core/match/party-names';
import { nameForms } from '../../../src/core/match/normalize';

const uscc = (value: string) => ({ type: 'Unified Social Credit Code (USCC)', value, country: 'CN' });
const record = (id: number, extra: Partial<{ type: string; countries: string[]; identifiers: ReturnType<typeof uscc>[] }> = {}) => ({
  id, type: extra.type ?? 'entity', countries: extra.countries ?? [], identifiers: extra.identifiers ?? [],
});

describe('PartyGroups', () => {
  it('refuses a union that would put two different USCCs in one group, also through a third record', () => {
    const g = new PartyGroups([record(1, { identifiers: [uscc('91440300746645251H')] }), record(2, { identifiers: [uscc('914403001922038216')] }), record(3)]);
    expect(g.union(1, 3, true)).toBe(true);
    expect(g.union(2, 3, true)).toBe(false);
    expect(g.union(2, 1, false)).toBe(false);
    expect(g.find(2)).toBe(2);
    expect(g.find(3)).toBe(1);
  });

  it('joins records whose exclusive identifiers have a value in common', () => {
    const g = new PartyGroups([record(1, { identifiers: [uscc('A1B2C3D4E5'), uscc('Z9Y8X7W6V5')] }), record(2, { identifiers: [uscc('A1B2C3D4E5')] })]);
    expect(g.union(1, 2, false)).toBe(true);
  });

  it('keeps two records apart whatever joins their groups', () => {
    const g = new PartyGroups([record(1), record(2), record(3), record(4)]);
    g.keepApart(1, 4);
    expect(g.union(1, 2, true)).toBe(true);
    expect(g.union(3, 4, true)).toBe(true);
    expect(g.union(2, 3, true)).toBe(false);
  });

  it('joins by name only parties whose countries do not disagree, and people only when they agree', () => {
    const g = new PartyGroups([record(1, { countries: ['CO'] }), record(2, { countries: ['MK'] }), record(3), record(4, { type: 'individual', countries: ['US'] }), record(5, { type: 'individual' })]);
    expect(g.union(1, 2, true)).toBe(false);
    expect(g.union(1, 2, false)).toBe(true);
    expect(g.nameCompatible(3, 1)).toBe(true);
    expect(g.nameCompatible(4, 5)).toBe(false);
  });
});

describe('what a shared name says', () => {
  const n = (value: string) => ({ ...nameForms(value), tokens: nameForms(value).tokens.join(' ') });
  it('takes a record\'s short name for the core of its full name, not a brand it shares with its group', () => {
    expect(isOwnShortName(n('Dahua'), n('Zhejiang Dahua Technology Co., Ltd.'))).toBe(true);
    expect(isOwnShortName(n('DJI'), n('Shenzhen DJI Technology Co., Ltd.'))).toBe(true);
    expect(isOwnShortName(n('Brandco'), n('Brandco Nimbus Ltd.'))).toBe(false);
    expect(isOwnShortName(n('Dahua'), n('Chengdu Dahua Wisdom Information Technology Co., Ltd.'))).toBe(false);
  });

  it('does not join on a place and one word, and does on specific aliases', () => {
    expect(specificSharedAlias(n('China Unicom'))).toBe(false);
    expect(specificSharedAlias(n('China Telecom'))).toBe(false);
    expect(specificSharedAlias(n('Sernia Engineering'))).toBe(true);
    expect(specificSharedAlias(n('Huawei Investment & Holding Co., Ltd.'))).toBe(true);
    expect(aliasNamingAPrimary(n('Russian Helicopters'))).toBe(true);
    expect(aliasNamingAPrimary(n('China'))).toBe(false);
  });
});
