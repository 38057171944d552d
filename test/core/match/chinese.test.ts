import { describe, expect, it } from 'vitest';
import { hasHan, latinRenderings, preloadChinese, stripChineseLegalForms, toSimplified } from '../../../src/core/match/chinese';
import { CHINESE_VOCABULARY } from '../../../src/core/match/chinese-vocabulary';
import { normalizeName } from '../../../src/core/match/normalize';

const texts = (query: string): string[] => latinRenderings(query).map((r) => r.text);

describe('hasHan', () => {
  it('finds Han characters, simplified, traditional and in mixed text', () => {
    expect(hasHan('华为')).toBe(true);
    expect(hasHan('商湯集團')).toBe(true);
    expect(hasHan('TCL科技')).toBe(true);
  });
  it('is false for Latin, kana and empty text', () => {
    expect(hasHan('HUAWEI TECHNOLOGIES CO., LTD.')).toBe(false);
    expect(hasHan('ひらがな カタカナ')).toBe(false);
    expect(hasHan('')).toBe(false);
  });
});

describe('toSimplified', () => {
  it('folds traditional to simplified', () => {
    expect(toSimplified('商湯集團有限公司')).toBe('商汤集团有限公司');
    expect(toSimplified('臺灣積體電路製造')).toBe('台湾积体电路制造');
    expect(toSimplified('長江存儲')).toBe('长江存储');
  });
  it('is idempotent on simplified text and leaves Latin untouched', () => {
    for (const s of ['深圳市大疆创新科技有限公司', '商汤集团有限公司', '洛克希德·马丁公司', '中兴通讯']) {
      expect(toSimplified(s)).toBe(s);
      expect(toSimplified(toSimplified(s))).toBe(s);
    }
    expect(toSimplified('HUAWEI TECHNOLOGIES CO., LTD.')).toBe('HUAWEI TECHNOLOGIES CO., LTD.');
    expect(toSimplified('Huawei 華為 Ltd')).toBe('Huawei 华为 Ltd');
    expect(toSimplified('')).toBe('');
  });
  it('folds traditional and simplified spellings of a name to the same text', () => {
    expect(toSimplified('中國電子科技集團公司')).toBe(toSimplified('中国电子科技集团公司'));
    expect(toSimplified('中興通訊')).toBe('中兴通讯'); // no Taiwan phrase rewriting (通訊 -> 通信)
  });
});

describe('stripChineseLegalForms', () => {
  it('strips pure legal forms and keeps 集团', () => {
    expect(stripChineseLegalForms('华为技术有限公司')).toEqual({ core: '华为技术', forms: ['有限公司'] });
    expect(stripChineseLegalForms('浙江大华技术股份有限公司')).toEqual({ core: '浙江大华技术', forms: ['股份有限公司'] });
    expect(stripChineseLegalForms('中国移动通信集团有限责任公司')).toEqual({ core: '中国移动通信集团', forms: ['有限责任公司'] });
    expect(stripChineseLegalForms('中国电子科技集团公司').core).toBe('中国电子科技集团');
    expect(stripChineseLegalForms('株式会社东芝')).toEqual({ core: '东芝', forms: ['株式会社'] });
  });
  it('works on traditional input, returning simplified', () => {
    expect(stripChineseLegalForms('商湯集團有限公司')).toEqual({ core: '商汤集团', forms: ['有限公司'] });
  });
  it('takes a bracketed place before a legal form with it, and turns separators and brackets into spaces', () => {
    expect(stripChineseLegalForms('华为技术(香港)有限公司')).toEqual({ core: '华为技术', forms: ['(香港)有限公司'] });
    expect(stripChineseLegalForms('华为技术（香港）有限公司').core).toBe('华为技术');
    expect(stripChineseLegalForms('洛克希德·马丁公司')).toEqual({ core: '洛克希德 马丁', forms: ['公司'] });
    expect(stripChineseLegalForms('某某投资合伙企业（有限合伙）')).toEqual({ core: '某某投资', forms: ['合伙企业', '(有限合伙)'] });
    expect(stripChineseLegalForms('《某某》科技').core).toBe('某某 科技');
  });
  it('strips a form in the middle of a name', () => {
    expect(stripChineseLegalForms('中国电子科技集团公司第十四研究所').core).toBe('中国电子科技集团 第十四研究所');
  });
  it('gives an empty core for only legal forms or empty input', () => {
    expect(stripChineseLegalForms('股份有限公司')).toEqual({ core: '', forms: ['股份有限公司'] });
    expect(stripChineseLegalForms('')).toEqual({ core: '', forms: [] });
  });
});

describe('latinRenderings', () => {
  it('華為/华为技术有限公司: huawei technology and technologies, first two', () => {
    const r = texts('华为技术有限公司');
    expect(r.slice(0, 2)).toEqual(expect.arrayContaining(['huawei technologies', 'huawei technology']));
    expect(texts('華為技術有限公司')).toEqual(r);
  });
  it('浙江大华技术股份有限公司 -> zhejiang dahua technology', () => {
    expect(texts('浙江大华技术股份有限公司')).toContain('zhejiang dahua technology');
  });
  it('中国移动 -> china mobile', () => {
    expect(texts('中国移动')).toContain('china mobile');
    expect(latinRenderings('中国移动')[0]).toEqual({ text: 'china mobile', how: 'vocabulary' });
  });
  it('大疆创新 -> a rendering with dji', () => {
    expect(texts('大疆创新').some((t) => t.split(' ').includes('dji'))).toBe(true);
    expect(texts('深圳市大疆创新科技有限公司')).toContain('shenzhen dji technology');
  });
  it('比亚迪 -> byd', () => {
    expect(texts('比亚迪')).toContain('byd');
    expect(texts('比亚迪股份有限公司')).toContain('byd');
  });
  it('长江存储 -> yangtze memory', () => {
    expect(texts('长江存储')).toContain('yangtze memory');
    expect(texts('長江存儲')).toContain('yangtze memory');
  });
  it('商湯集團 (traditional) -> sensetime group', () => {
    expect(texts('商湯集團')[0]).toBe('sensetime group');
    expect(texts('商汤集团')).toEqual(texts('商湯集團'));
  });
  it('中国电子科技集团公司 -> china electronics technology group', () => {
    expect(texts('中国电子科技集团公司')).toContain('china electronics technology group');
    expect(texts('中国电子科技集团公司第十四研究所')[0]).toBe('china electronics technology group 14th research institute');
  });
  it('北方工业 -> north / northern industries', () => {
    const r = texts('北方工业');
    expect(r.includes('north industries') || r.includes('northern industries')).toBe(true);
    expect(texts('中国北方工业公司')).toContain('norinco');
  });
  it('universities and institutes under their fixed English names', () => {
    expect(texts('西北工业大学')).toContain('northwestern polytechnical university');
    expect(texts('国防科技大学')).toContain('national university of defense technology');
    expect(texts('哈尔滨工业大学')).toContain('harbin institute of technology');
    expect(texts('北京航空航天大学')).toContain('beihang university');
    expect(texts('中国科学院')).toContain('chinese academy of sciences');
    expect(texts('中国工程物理研究院')).toContain('china academy of engineering physics');
  });
  it('words outside the vocabulary become one pinyin word each, without tones', () => {
    expect(latinRenderings('华为')).toEqual([{ text: 'huawei', how: 'vocabulary' }]);
    expect(latinRenderings('云天励飞')).toEqual([
      { text: 'yuntianlifei', how: 'pinyin' },
      { text: 'ytlf', how: 'initials' },
    ]);
    expect(texts('浙江某某')[0]).toBe('zhejiang moumou');
  });
  it('gives an all-pinyin rendering beside the English one', () => {
    const r = latinRenderings('中国移动');
    expect(r).toContainEqual({ text: 'zhongguo yidong', how: 'pinyin' });
    expect(texts('西北工业大学')).toContain('xibei gongye daxue');
  });
  it('keeps the Latin part of a mixed query', () => {
    expect(texts('TCL科技')[0]).toBe('tcl technology');
    expect(texts('奇虎360')[0]).toBe('qihoo 360');
    expect(texts('TCL有限公司')).toEqual(['tcl']);
  });
  it('renders ordinals', () => {
    expect(texts('第14研究所')).toContain('14th research institute');
    expect(texts('第二十三研究所')).toContain('23rd research institute');
  });
  it('returns at most 6 renderings, normalised and distinct', () => {
    for (const q of ['中国电子科技集团公司第十四研究所', '深圳市大疆创新科技有限公司', '杭州海康威视数字技术股份有限公司']) {
      const r = texts(q);
      expect(r.length).toBeGreaterThan(0);
      expect(r.length).toBeLessThanOrEqual(6);
      expect(new Set(r).size).toBe(r.length);
      for (const t of r) expect(normalizeName(t)).toBe(t);
    }
  });
  it('returns nothing for only legal forms, empty input, Latin-only or kana text', () => {
    expect(latinRenderings('有限公司')).toEqual([]);
    expect(latinRenderings('股份有限公司')).toEqual([]);
    expect(latinRenderings('')).toEqual([]);
    expect(latinRenderings('   ')).toEqual([]);
    expect(latinRenderings('HUAWEI')).toEqual([]);
    expect(latinRenderings('ひらがなカタカナ')).toEqual([]);
    expect(latinRenderings('ソニー株式会社')).toEqual([]); // kana left in a rendering would never match Latin
  });
  it('does not crash on rare characters or punctuation-only Han input', () => {
    expect(() => latinRenderings('𠀀𠀁')).not.toThrow();
    expect(() => latinRenderings('·・（）公司')).not.toThrow();
    expect(latinRenderings('·・（）公司')).toEqual([]);
  });
  it('is fast after warm-up', () => {
    preloadChinese();
    const queries = ['华为技术有限公司', '浙江大华技术股份有限公司', '中国电子科技集团公司第十四研究所', '商湯集團', 'TCL科技', '西北工业大学', '云天励飞', '比亚迪'];
    for (const q of queries) latinRenderings(q);
    const rounds = 500;
    const start = performance.now();
    for (let i = 0; i < rounds; i++) for (const q of queries) latinRenderings(q);
    const perCall = (performance.now() - start) / (rounds * queries.length);
    // Logged, not asserted: timings vary by machine. Target: well under 1 ms.
    console.log(`latinRenderings: ${(perCall * 1000).toFixed(1)} µs per call (target < 1000 µs)`);
  });
});

describe('vocabulary', () => {
  it('has simplified keys and normalised renderings', () => {
    expect(CHINESE_VOCABULARY.size).toBeGreaterThan(150);
    for (const [han, english] of CHINESE_VOCABULARY) {
      expect(toSimplified(han)).toBe(han);
      expect(hasHan(han)).toBe(true);
      for (const e of english) expect(normalizeName(e)).toBe(e);
    }
  });
});
