import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/core/commands/parse';
import { commandFromQuestion, entityFromQuestion } from '../../../src/core/commands/question';

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

describe('commandFromQuestion', () => {
  it.each([
    ['<@U0BOT> is Rheinmetall on any list?', 'lookup Rheinmetall'],
    ['<@U0BOT> status', 'status'],
    ['<@U0BOT> status?', 'status'],
    ['<@U0BOT> status of Huawei?', 'lookup status of Huawei'],
    ['<@U0BOT> lists', 'lists'],
    ['<@U0BOT> recent 30', 'recent 30'],
    ['<@U0BOT> recent', 'recent'],
    ['<@U0BOT> subscribe cn', 'subscribe cn'],
    ['<@U0BOT> watch add Acme Trading', 'watch add Acme Trading'],
    ['<@U0BOT> help', 'help'],
    ['<@U0BOT>', 'help'],
    ['<@U0BOT> ?', '?'],
    ['<@U0BOT> lookup DJI side:us please', 'lookup DJI side:us'],
    ['<@U0BOT> is DJI on any list? list:US-BIS-EL', 'lookup DJI list:US-BIS-EL'],
    ['check DJI please', 'lookup DJI'],
  ])('%j -> %j', (question, line) => {
    expect(commandFromQuestion(question)).toBe(line);
  });

  it('always yields a line the grammar reads', () => {
    for (const q of ['is "Status Holdings" sanctioned?', '<@U0BOT> lists please', 'recent forever']) {
      const command = parseCommand(commandFromQuestion(q));
      expect(['lookup', 'help']).toContain(command.name);
    }
  });
});
