/**
 * The names in a message (src/core/screen-message/extract.ts): legal forms, Chinese institution suffixes,
 * quotes, capitalised runs; what is not a name; deduplication and the cap. No database: text in, names out.
 */
import { describe, expect, it } from 'vitest';
import { extractNames, MAX_NAMES } from '../../../src/core/screen-message/extract';

const names = (text: string): string[] => extractNames(text).names.map((n) => n.text);

describe('extractNames: the names of varied English and Chinese messages, in order', () => {
  const cases: Array<[string, string, string[]]> = [
    [
      'legal forms after a greeting and a month, ending the sentence',
      'Good morning! In March we received an offer from Rheinmetall AG and from Nordic Timber AB.',
      ['Rheinmetall AG', 'Nordic Timber AB'],
    ],
    [
      'a comma inside the legal form, and a bracketed place',
      'Our supplier Zhejiang Dahua Technology Co., Ltd. ships via Huawei Technologies (UK) Co., Ltd. next Monday.',
      ['Zhejiang Dahua Technology Co., Ltd.', 'Huawei Technologies (UK) Co., Ltd.'],
    ],
    ['two names joined by "and", each with its own form', 'Payments to Acme Corp and Beta Industries Ltd were held.', ['Acme Corp', 'Beta Industries Ltd']],
    [
      '"and" inside a name before a trade word, an acronym in brackets, single names in a sentence',
      'China National Aero-Technology Import and Export Corporation (CATIC) bought from Huawei and ZTE.',
      ['China National Aero-Technology Import and Export Corporation', 'CATIC', 'Huawei', 'ZTE'],
    ],
    ['connectors of a Spanish name, and S.A.', 'The customer is Banco de la Nación Argentina S.A. in Buenos Aires.', ['Banco de la Nación Argentina S.A.']],
    ['a sentence-initial common word and a sign-off are no names', 'As we discussed, Samsung Electronics is fine. Thanks!', ['Samsung Electronics']],
    ['capitals throughout, beside a Chinese name with a middle dot', 'HUAWEI TECHNOLOGIES CO., LTD. and 洛克希德·马丁公司 are on lists.', ['HUAWEI TECHNOLOGIES CO., LTD.', '洛克希德·马丁公司']],
    ['mixed case and acronyms, a question', 'Is iFlytek or SenseTime on the Entity List? What about ZTE Corporation?', ['iFlytek', 'SenseTime', 'ZTE Corporation']],
    ['ampersands, and an imperative verb that opens the sentence', 'Pay Procter & Gamble Company and Johnson & Johnson Inc. by Friday.', ['Procter & Gamble Company', 'Johnson & Johnson Inc.']],
    ['quotes of three kinds', 'FYI the vendor "Shenzhen Tianyu Optics" and ‘Beijing Zhongguancun Development’ asked; also “Dahua”.', ['Shenzhen Tianyu Optics', 'Beijing Zhongguancun Development', 'Dahua']],
    ['Chinese: 与 before, a verb after, 向 before the next', '我们与华为技术有限公司签署了合同，并向中兴通讯股份有限公司付款。', ['华为技术有限公司', '中兴通讯股份有限公司']],
    ['Chinese: a research institute inside a group, universities, 同济 kept whole', '请核查：中国电子科技集团公司第十四研究所、北京航空航天大学和同济大学。', ['中国电子科技集团公司第十四研究所', '北京航空航天大学', '同济大学']],
    ['Chinese: 关于 ... 的, and 请向', '关于中国工程物理研究院的订单，请向北京理工大学确认。', ['中国工程物理研究院', '北京理工大学']],
    ['Chinese: a list after a colon, place-prefixed names', '客户名单：深圳市大疆创新科技有限公司，杭州海康威视数字技术股份有限公司。', ['深圳市大疆创新科技有限公司', '杭州海康威视数字技术股份有限公司']],
    ['traditional Chinese joined by 與', '台灣積體電路製造股份有限公司與中國科學院計算技術研究所', ['台灣積體電路製造股份有限公司', '中國科學院計算技術研究所']],
    ['Chinese corner brackets', '「海康威视」与『大疆』都在名单上吗？', ['海康威视', '大疆']],
    ['English names inside Chinese text', 'SZ DJI TECHNOLOGY CO., LTD. 与 Apple Inc. 的合同已签署。', ['SZ DJI TECHNOLOGY CO., LTD.', 'Apple Inc.']],
    ['persons and a bracketed company in meeting notes', 'Meeting notes — attendees: John Smith (Acme), Li Wei. Agenda: Q3 pricing for Samsung.', ['John Smith', 'Acme', 'Li Wei', 'Samsung']],
    ['a person "of" a company is two names', 'Mr. Zhang Wei of Shenzhen Tianyu Optics Co., Ltd. called on Monday.', ['Zhang Wei', 'Shenzhen Tianyu Optics Co., Ltd.']],
    ['"of" goes on after an institution word, not after a person', 'We met John Smith of Acme and the Ministry of State Security.', ['John Smith', 'Acme', 'Ministry of State Security']],
    ['a possessive is the name itself', 'We need Huawei’s answer before Lockheed Martin’s.', ['Huawei', 'Lockheed Martin']],
  ];
  for (const [what, text, expected] of cases) {
    it(what, () => expect(names(text)).toEqual(expected));
  }
});

describe('extractNames: what is not a name', () => {
  it.each([
    ['small talk', 'ok, thanks! see you tomorrow'],
    ['a greeting, a month and a weekday', 'Hi Team, Happy Monday. January was busy.'],
    ['"the company" and "this company" are no names', 'Please check the Company and this company before Friday.'],
    ['Chinese pronouns before 公司', '这家公司的母公司是什么？我们公司和贵公司都可以。'],
    ['a place alone, even capitalised', 'We met in Hong Kong and then flew to the United States.'],
    ['a quoted sentence', 'She said "We will never buy from them again, not in a hundred years!" and left.'],
  ])('%s', (_what, text) => expect(names(text)).toEqual([]));
});

describe('extractNames: duplicates, spans and the cap', () => {
  it('says a name once, and drops a run inside a longer name', () => {
    const found = extractNames('Hikvision, "Hikvision" and HIKVISION again; Hangzhou Hikvision Digital Technology Co., Ltd. too.');
    expect(found.names.map((n) => n.text)).toEqual(['Hikvision', 'Hangzhou Hikvision Digital Technology Co., Ltd.']);
    // Spans point into the text.
    const text = 'Ask ZTE Corporation.';
    const [zte] = extractNames(text).names;
    expect(text.slice(zte!.start, zte!.end)).toBe('ZTE Corporation');
    expect(zte!.kind).toBe('legal');
  });

  it(`stops at ${MAX_NAMES} names and says how many it found`, () => {
    const many = Array.from({ length: 31 }, (_, i) => `Company${String.fromCharCode(65 + (i % 26))}${i} Holdings Ltd`).join(', ');
    const found = extractNames(many);
    expect(found.names).toHaveLength(MAX_NAMES);
    expect(found).toMatchObject({ found: 31, capped: true, limit: MAX_NAMES, truncated: false });
    expect(found.names[0]!.text).toBe('CompanyA0 Holdings Ltd');
    expect(extractNames(many, { limit: 40 }).capped).toBe(false);
  });
});
