import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/core/commands/parse';

describe('parseCommand', () => {
  it.each([
    ['lookup Hikvision', { name: 'lookup', query: 'Hikvision', page: 1 }],
    ['Hikvision Digital', { name: 'lookup', query: 'Hikvision Digital', page: 1 }],
    ['lookup DJI list:us-bis-el,US-OFAC-CMIC side:us', { name: 'lookup', query: 'DJI', page: 1, lists: ['US-BIS-EL', 'US-OFAC-CMIC'], side: 'us' }],
    ['lookup 洛克希德马丁 page:2', { name: 'lookup', query: '洛克希德马丁', page: 2 }],
    ['ｌｏｏｋｕｐ　Ｈｕａｗｅｉ', { name: 'lookup', query: 'Huawei', page: 1 }],
    ['subscribe cn', { name: 'subscribe', lists: [], side: 'cn', kinds: ['added', 'removed', 'changed', 'suspended'], countries: [], health: false }],
    ['subscribe US-OFAC-SDN kinds:added,removed countries:cn,hk health', { name: 'subscribe', lists: ['US-OFAC-SDN'], kinds: ['added', 'removed'], countries: ['CN', 'HK'], health: true }],
    ['subscribe', { name: 'subscribe', lists: [], kinds: ['added', 'removed', 'changed', 'suspended'], countries: [], health: false }],
    ['unsubscribe', { name: 'unsubscribe', all: true, lists: [] }],
    ['unsubscribe us-ofac-sdn', { name: 'unsubscribe', all: false, lists: ['US-OFAC-SDN'] }],
    ['watch add Acme Trading Co', { name: 'watch', action: 'add', term: 'Acme Trading Co' }],
    ['watch remove Acme', { name: 'watch', action: 'remove', term: 'Acme' }],
    ['watch list', { name: 'watch', action: 'list' }],
    ['recent', { name: 'recent', days: 7 }],
    ['recent 30', { name: 'recent', days: 30 }],
    ['lists', { name: 'lists' }],
    ['status', { name: 'status' }],
    ['subscriptions', { name: 'subscriptions' }],
    ['help watch', { name: 'help', topic: 'watch' }],
    ['', { name: 'help' }],
  ])('%j', (line, command) => {
    expect(parseCommand(line)).toEqual(command);
  });

  it.each([
    ['lookup', /lookup needs a name/],
    ['lookup x list:NOPE', /unknown list code "NOPE"/],
    ['lookup x side:eu', /side is us or cn/],
    ['subscribe everything', /unknown list or option "everything"/],
    ['subscribe kinds:deleted', /kinds are added, removed/],
    ['subscribe countries:China', /two-letter codes/],
    ['recent 0', /from 1 to 365/],
    ['watch add', /watch add needs a name/],
    ['watch frobnicate x', /watch takes add, remove or list/],
  ])('turns %j into help that says what is wrong', (line, problem) => {
    const command = parseCommand(line);
    expect(command.name).toBe('help');
    expect((command as { problem?: string }).problem).toMatch(problem);
  });

  it('strips control characters and caps the query length', () => {
    const command = parseCommand(`lookup a\u0000b ${'x'.repeat(500)}`);
    expect(command).toMatchObject({ name: 'lookup' });
    expect((command as { query: string }).query.length).toBeLessThanOrEqual(200);
    expect((command as { query: string }).query).not.toMatch(/\u0000/);
  });
});
