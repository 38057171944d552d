import { describe, expect, it } from 'vitest';
import { lookup } from '../../../src/core/lookup';
import { withDerivedNames } from '../../../src/core/match/derive';
import { nameForms } from '../../../src/core/match/normalize';
import { englishFromPinyin, PINYIN_LANG, pinyinNameForms, pinyinQuery, splitSyllables } from '../../../src/core/match/pinyin';
import { vocabularyPinyin } from '../../../src/core/match/chinese';
import { currentDb } from '../../helpers/current';

describe('pinyin syllables', () => {
  it('cuts words into syllables, the same way whatever the spacing', () => {
    expect(splitSyllables('dajiang')).toEqual(['da', 'jiang']);
    expect(splitSyllables('haikangweishi')).toEqual(['hai', 'kang', 'wei', 'shi']);
    expect(splitSyllables('xian')).toEqual(['xian']);
    expect(splitSyllables('hikvision')).toBeUndefined();
    expect(splitSyllables('bank')).toBeUndefined();
  });

  it('pairs syllables across words on the query side, within words on the index side', () => {
    expect(pinyinQuery('Da Jiang', 12)!.forms.tokens).toEqual(['dajiang']);
    expect(pinyinQuery('Shangtang Keji', 12)).toBeUndefined();
    expect(pinyinQuery('Haikangweishi Keji', 12)!.forms.tokens).toEqual(['haikang', 'kangwei', 'weishi', 'shike', 'keji']);
    expect(pinyinNameForms('Shenzhen Dajiang Chuangxin Keji').tokens).toEqual(['shenzhen', 'dajiang', 'chuangxin', 'keji']);
    expect(pinyinNameForms('Haikangweishi Keji').tokens).toEqual(['haikang', 'kangwei', 'weishi', 'keji']);
    expect(pinyinQuery('Hikvision Digital', 12)).toBeUndefined();
  });

  it('reads pinyin legal forms as legal forms', () => {
    expect(nameForms('Shenzhen Dajiang Chuangxin Keji Youxian Gongsi')).toMatchObject({ tokens: ['shenzhen', 'dajiang', 'chuangxin', 'keji'], legal: true });
    expect(nameForms('Hangzhou Haikang Weishi Shuzi Jishu Gufen Youxian Gongsi').tokens).toEqual(['hangzhou', 'haikang', 'weishi', 'shuzi', 'jishu']);
    expect(nameForms('Zhongguo Dianzi Keji Jituan Gongsi').tokens).toEqual(['zhongguo', 'dianzi', 'keji']);
  });

  it('indexes a pinyin form of every Chinese-script name, weak so it never joins parties', () => {
    const derived = withDerivedNames([{ value: '深圳市大疆创新科技有限公司', kind: 'primary', script: 'han' }]);
    expect(derived).toContainEqual({ value: 'Shenzhen Dajiang Chuangxin Keji', kind: 'weak', script: 'latin', lang: PINYIN_LANG });
  });

  it('reads pinyin back into the English of the company vocabulary', () => {
    expect(englishFromPinyin('Hangzhou Haikang Weishi Shuzi Jishu Gufen Youxian Gongsi', vocabularyPinyin())).toBe('hangzhou hikvision digital technology');
    expect(englishFromPinyin('Zhongguo Yidong', vocabularyPinyin())).toBe('china mobile');
    expect(englishFromPinyin('General Electric', vocabularyPinyin())).toBeUndefined();
  });
});

describe('pinyin queries over the current dataset', () => {
  const db = currentDb();
  const names = (query: string) =>
    lookup(db, query)
      .results.slice(0, 3)
      .map((r) => [r.name, ...r.aliases].join(' | '));

  it.each([
    ['Dajiang', /大疆|DJI/],
    ['Da Jiang Chuang Xin', /大疆|DJI/],
    ['Kuangshi', /旷视|Megvii/i],
    ['Kuang Shi Ke Ji', /旷视|Megvii/i],
    ['Shangtang Keji', /商汤|商湯|SenseTime/i],
    ['Shenzhen Dajiang Chuangxin Keji Youxian Gongsi', /大疆|DJI/],
    ['Hangzhou Haikang Weishi Shuzi Jishu Gufen Youxian Gongsi', /Hikvision/i],
    ['Zhongguo Dianzi Keji Jituan', /China Electronics Technology Group/i],
  ])('%s finds the party listed in Chinese script or in English', (query, name) => {
    expect(names(query).some((n) => name.test(n)), names(query).join('\n')).toBe(true);
  });

  it('says the match went through pinyin', () => {
    const [first] = lookup(db, 'Kuangshi').results;
    expect(['pinyin', 'vocabulary']).toContain(first!.match.how);
  });
});
