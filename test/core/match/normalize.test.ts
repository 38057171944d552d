import { describe, expect, it } from 'vitest';
import { nameForms, normalizeName } from '../../../src/core/match/normalize';

describe('normalizeName', () => {
  it.each([
    ['ＨＵＡＷＥＩ　Ｔｅｃｈｎｏｌｏｇｉｅｓ', 'huawei technologies'],
    ['Estée Lauder Companies', 'estee lauder companies'],
    ['Société Générale S.A.', 'societe generale s a'],
    ["AVIC XI'AN AIRCRAFT", 'avic xian aircraft'],
    ['Raytheon Missiles & Defense', 'raytheon missiles defense'],
    ['  Hikvision\t(HK)  ', 'hikvision hk'],
    ['Čeština — Ölkonzern', 'cestina olkonzern'],
  ])('%s -> %s', (input, expected) => {
    expect(normalizeName(input)).toBe(expected);
  });
});

describe('nameForms', () => {
  it.each([
    ['Hangzhou Hikvision Digital Technology Co., Ltd.', ['hangzhou', 'hikvision', 'digital', 'technology']],
    ['SENSETIME GROUP LIMITED', ['sensetime', 'group']],
    ['Siemens AG', ['siemens']],
    ['Danone S.A.', ['danone']],
    ['Heineken N.V.', ['heineken']],
    ['Acme GmbH', ['acme']],
    ['Integrity Technology Group, Incorporated', ['integrity', 'technology', 'group']],
    ['Public Joint Stock Company Sberbank of Russia', ['sberbank', 'russia']],
    ['OOO Vneshtorg', ['vneshtorg']],
    ['Beijing Academy of Artificial Intelligence', ['beijing', 'academy', 'artificial', 'intelligence']],
  ])('keeps the identifying words of %s', (name, tokens) => {
    expect(nameForms(name).tokens).toEqual(tokens);
  });

  it('says when a name was written as a full legal name', () => {
    expect(nameForms('Mitsubishi Corporation').legal).toBe(true);
    expect(nameForms('Mitsubishi').legal).toBe(false);
    expect(nameForms('华为技术有限公司').legal).toBe(true);
  });

  it('keeps a name made only of legal forms rather than emptying it', () => {
    expect(nameForms('Company Limited').tokens).toEqual(['company', 'limited']);
  });

  it('gives the same compact form to names written together or apart, with or without legal forms', () => {
    expect(nameForms('Hik Vision Co., Ltd.').compact).toBe(nameForms('HIKVISION').compact);
  });

  it('cuts Chinese names into character pairs after dropping legal forms, traditional folded to simplified', () => {
    expect(nameForms('旷视科技有限公司').tokens).toEqual(['旷视', '视科', '科技']);
    expect(nameForms('商湯集團有限公司').tokens).toEqual(nameForms('商汤集团有限公司').tokens);
    expect(nameForms('商湯集團有限公司').han).toBe(true);
    expect(nameForms('洛克希德·马丁公司').compact).toBe(nameForms('洛克希德马丁').compact);
  });

  it('keeps Latin words inside a Chinese name', () => {
    expect(nameForms('TCL科技集团股份有限公司').tokens).toEqual(['科技', '技集', '集团', 'tcl']);
  });
});
