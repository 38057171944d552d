import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/core/commands/parse';

describe('parseCommand', () => {
  it.each([
    ['lookup Hikvision', { name: 'lookup', query: 'Hikvision', page: 1 }],
    ['Hikvision Digital', { name: 'lookup', query: 'Hikvision Digital', page: 1 }],
    ['lookup DJI list:us-bis-el,US-OFAC-CMIC side:us', { name: 'lookup', query: 'DJI', page: 1, lists: ['US-BIS-EL', 'US-OFAC-CMIC'], side: 'us' }],
    ['lookup 洛克希德马丁 page:2', { name: 'lookup', query: '洛克希德马丁', page: 2 }],
    ['ｌｏｏｋｕｐ　Ｈｕａｗｅｉ', { name: 'lookup', query: 'Huawei', page: 1 }],
    // Kinds and countries only when given: a later subscribe keeps what the channel set before.
    ['subscribe cn', { name: 'subscribe', lists: [], side: 'cn', health: false }],
    ['subscribe all', { name: 'subscribe', lists: [], all: true, health: false }],
    ['subscribe US-OFAC-SDN kinds:added,removed countries:cn,hk health', { name: 'subscribe', lists: ['US-OFAC-SDN'], kinds: ['added', 'removed'], countries: ['CN', 'HK'], health: true }],
    ['subscribe', { name: 'subscribe', lists: [], health: false }],
    ['unsubscribe', { name: 'unsubscribe', all: true, lists: [] }],
    ['unsubscribe us-ofac-sdn', { name: 'unsubscribe', all: false, lists: ['US-OFAC-SDN'] }],
    ['watch add Acme Trading Co', { name: 'watch', action: 'add', term: 'Acme Trading Co' }],
    ['watch remove Acme', { name: 'watch', action: 'remove', term: 'Acme' }],
    ['watch list', { name: 'watch', action: 'list' }],
    // No days: the handler takes the last 7, unless a date or a refresh says otherwise.
    ['recent', { name: 'recent', page: 1 }],
    ['recent 30', { name: 'recent', days: 30, page: 1 }],
    [
      'recent list:us-ofac-sdn,CN-MOFCOM-UEL side:cn kind:added,removed since:2026-11-01 refresh:12,13 page:3',
      { name: 'recent', lists: ['US-OFAC-SDN', 'CN-MOFCOM-UEL'], side: 'cn', kinds: ['added', 'removed'], since: '2026-11-01', refreshes: [12, 13], page: 3 },
    ],
    ['recent 30 kinds:suspended', { name: 'recent', days: 30, kinds: ['suspended'], page: 1 }],
    ['recent country:cn,HK', { name: 'recent', countries: ['CN', 'HK'], page: 1 }],
    ['thanks!', { name: 'smalltalk', kind: 'thanks' }],
    ['Thank you so much', { name: 'smalltalk', kind: 'thanks' }],
    ['hi', { name: 'smalltalk', kind: 'greeting' }],
    ['ok', { name: 'smalltalk', kind: 'ok' }],
    ['👍', { name: 'smalltalk', kind: 'ok' }],
    [':+1:', { name: 'smalltalk', kind: 'ok' }],
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
    ['recent kind:deleted', /kinds are added, removed/],
    ['recent since:yesterday', /since takes a date/],
    ['recent list:NOPE', /unknown list code "NOPE"/],
    ['recent page:0', /page takes a page number/],
    ['recent refresh:abc', /refresh takes refresh numbers/],
    ['recent country:China', /two-letter codes/],
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
