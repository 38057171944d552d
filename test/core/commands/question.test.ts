import { describe, expect, it } from 'vitest';
import { parseCommand as parseText, parseMessage } from '../../../src/core/commands/parse';

const parseCommand = parseMessage;
import { entityFromQuestion as entityOf, stripMentions } from '../../../src/core/commands/question';

/** What a mention or DM reaches the parser as: its mention tokens removed by the message layer. */
const entityFromQuestion = (text: string) => entityOf(stripMentions(text));

describe('entityFromQuestion', () => {
  it.each([
    ['is Hikvision on any list?', 'Hikvision'],
    ['@bot check DJI please', 'DJI'],
    ['what about 华为?', '华为'],
    ['<@U0BOT> is Rheinmetall on any list?', 'Rheinmetall'],
    ['<@U0BOT|sanctions> Is Huawei sanctioned?', 'Huawei'],
    ['<@123456789012345678> is ZTE sanctioned by the US?', 'ZTE'],
    ['<@!123456789012345678> hey, can you please check whether Hangzhou Hikvision Digital Technology Co., Ltd. is sanctioned?', 'Hangzhou Hikvision Digital Technology Co., Ltd'],
    ['Is Check Point Software on any list?', 'Check Point Software'],
    ['is China Mobile on the Entity List?', 'China Mobile'],
    ['are Iran Air and Mahan Air on any US sanctions lists?', 'Iran Air and Mahan Air'],
    ['Huawei, is it sanctioned?', 'Huawei'],
    ['is Huawei still sanctioned?', 'Huawei'],
    ['Rheinmetall', 'Rheinmetall'],
    ['Rheinmetall?', 'Rheinmetall'],
    ['look up Lockheed Martin', 'Lockheed Martin'],
    ['tell me about "Skydio, Inc." please', 'Skydio, Inc.'],
    ['is “China Aerospace Science and Technology Corporation” listed?', 'China Aerospace Science and Technology Corporation'],
    ['any hits for Sugon?', 'Sugon'],
    ['华为被制裁了吗？', '华为'],
    ['请查一下洛克希德马丁', '洛克希德马丁'],
    ['海康威视在实体清单上吗', '海康威视'],
    ['AT&T under sanctions?', 'AT&T'],
    ['<!here> <!channel> is DJI on a list', 'DJI'],
  ])('%j -> %j', (question, entity) => {
    expect(entityFromQuestion(question)).toBe(entity);
  });

  it.each(['', '   ', '<@U0BOT>', '<@U0BOT> ?', 'please', '@bot ??'])('%j asks about nothing', (question) => {
    expect(entityFromQuestion(question)).toBe('');
  });

  it('keeps no mention token, whatever the platform', () => {
    for (const q of ['<@U123> <!here> Acme', '<#C123|general> Acme', '<@&987654321> Acme', '<!subteam^S123> Acme']) {
      expect(entityFromQuestion(q)).toBe('Acme');
    }
  });

  it('bounds the length like the command grammar', () => {
    expect(entityFromQuestion(`is ${'x'.repeat(500)} sanctioned?`).length).toBeLessThanOrEqual(200);
  });
});

describe('parseCommand reads questions as every entry point receives them', () => {
  it.each([
    ['<@U0BOT> is Rheinmetall on any list?', { name: 'lookup', query: 'Rheinmetall' }],
    ['<@U0BOT> status', { name: 'status' }],
    ['<@U0BOT> status?', { name: 'status' }],
    ['<@U0BOT> status of Huawei?', { name: 'lookup', query: 'status of Huawei' }],
    ['<@U0BOT> lists', { name: 'lists' }],
    ['<@U0BOT> recent 30', { name: 'recent', days: 30 }],
    ['<@U0BOT> recent', { name: 'recent', page: 1 }],
    ['<@U0BOT> subscribe cn', { name: 'subscribe', side: 'cn' }],
    ['<@U0BOT> watch add Acme Trading', { name: 'watch', action: 'add', term: 'Acme Trading' }],
    ['<@U0BOT> help', { name: 'help' }],
    ['<@U0BOT>', { name: 'help' }],
    ['<@U0BOT> ?', { name: 'help' }],
    ['<@U0BOT> lookup DJI side:us please', { name: 'lookup', query: 'DJI', side: 'us' }],
    ['<@U0BOT> is DJI on any list? list:US-BIS-EL', { name: 'lookup', query: 'DJI', lists: ['US-BIS-EL'] }],
    ['check DJI please', { name: 'lookup', query: 'DJI' }],
    // The slash command's text and a Discord `name` option go through the same parser as a DM.
    ['is DJI sanctioned?', { name: 'lookup', query: 'DJI' }],
    ['lookup is DJI sanctioned?', { name: 'lookup', query: 'DJI' }],
    ['Is Hikvision on the Entity List? side:cn', { name: 'lookup', query: 'Hikvision', side: 'cn' }],
    ['华为被制裁了吗？', { name: 'lookup', query: '华为' }],
  ])('%j -> %j', (text, expected) => {
    expect(parseCommand(text)).toMatchObject(expected);
  });

  it.each(['So Yuen Holdings', 'Check Point Software Technologies', 'Do Van Minh', 'Hi-Tech Industries', 'Just Group', 'Is Holding', 'Find Ltd'])(
    'keeps the bare name %j whole: question words are dropped only from questions',
    (name) => {
      expect(entityFromQuestion(name)).toBe(name);
      expect(parseText(`lookup ${name}`)).toMatchObject({ name: 'lookup', query: name });
      // Typed bare, a name is looked up whole unless its first word is a command ("check ...", "search ...").
      if (!/^(?:check|search|lookup)\b/i.test(name)) expect(parseText(name)).toMatchObject({ name: 'lookup', query: name });
    },
  );

  it('always yields a command the handlers know', () => {
    for (const q of ['is "Status Holdings" sanctioned?', '<@U0BOT> lists please', 'recent forever']) {
      expect(['lookup', 'help']).toContain(parseCommand(q).name);
    }
  });
});

describe('slash text is what was typed', () => {
  it('keeps a typed "<!channel>" in a slash command as the name to look up (it is data, escaped on the way out)', () => {
    expect(parseText('lookup <!channel>')).toMatchObject({ name: 'lookup', query: '<!channel>' });
  });
});
