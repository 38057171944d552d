import { describe, expect, it } from 'vitest';
import { CasesError, parseCases } from '../../bench/lib/cases';
import { fold } from '../../bench/lib/fold';
import { judge, satisfies, type JudgedResult } from '../../bench/lib/judge';
import { percentile, summarize } from '../../bench/lib/stats';

function result(name: string, lists: string[], aliases: string[] = []): JudgedResult {
  return { name, aliases, score: 0.9, match: { name, how: 'exact' }, designations: lists.map((list) => ({ list })) };
}

const filler = (i: number) => result(`Unrelated Party ${i}`, ['US-OFAC-SDN']);

describe('fold', () => {
  it('removes accents and lower-cases', () => {
    expect(fold('Estée Lauder')).toBe('estee lauder');
    expect(fold('ÉCOLE Polytechnique Fédérale')).toBe('ecole polytechnique federale');
  });
  it('turns punctuation into single spaces and trims', () => {
    expect(fold('  Hangzhou Hikvision Digital Technology Co., Ltd. ')).toBe('hangzhou hikvision digital technology co ltd');
    expect(fold('Procter & Gamble')).toBe('procter gamble');
    expect(fold("O'Neil-Smith (U.K.)")).toBe('o neil smith u k');
    expect(fold('洛克希德·马丁公司')).toBe('洛克希德 马丁公司');
  });
  it('folds full-width forms (NFKC)', () => {
    expect(fold('ＨＩＫＶＩＳＩＯＮ　ＬＴＤ．')).toBe('hikvision ltd');
    expect(fold('ＤＪＩ')).toBe('dji');
  });
  it('folds letters NFKD keeps whole', () => {
    expect(fold('Straße Øresund Łódź')).toBe('strasse oresund lodz');
  });
});

describe('judge: positive cases', () => {
  const hik = { q: 'Hikvison', expect: [{ list: 'US-BIS-EL', name: 'hikvision' }] };

  it('passes on the primary name, case and punctuation folded', () => {
    expect(judge(hik, [result('HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD.', ['US-BIS-EL'])])).toMatchObject({ pass: true, rank: 1 });
  });

  it('passes via an alias when the primary name does not contain the expected name', () => {
    const r = result('Hangzhou Haikang Weishi Digital Technology', ['US-BIS-EL'], ['Hik-Vision', 'Hikvision']);
    expect(judge(hik, [filler(1), r])).toMatchObject({ pass: true, rank: 2 });
  });

  it('fails when the name matches but the list differs', () => {
    const v = judge(hik, [result('Hikvision', ['US-OFAC-CMIC'])]);
    expect(v.pass).toBe(false);
    expect(v.rank).toBeUndefined();
  });

  it('needs list and name on the same expectation', () => {
    const c = { expect: [{ list: 'US-BIS-EL', name: 'hikvision' }, { list: 'US-OFAC-CMIC', name: 'megvii' }] };
    // On the CMIC list but named Hikvision: neither pair holds.
    expect(judge(c, [result('Hikvision', ['US-OFAC-CMIC'])]).pass).toBe(false);
    expect(judge(c, [result('Megvii', ['US-OFAC-CMIC'])]).pass).toBe(true);
    expect(satisfies(result('Hikvision', ['US-OFAC-CMIC', 'US-BIS-EL']), c.expect[0]!)).toBe(true);
  });

  it('fails when the only good result is at rank 4, and says where it was', () => {
    const v = judge(hik, [filler(1), filler(2), filler(3), result('Hikvision', ['US-BIS-EL'])]);
    expect(v).toMatchObject({ pass: false, rank: 4 });
    expect(v.why).toMatch(/rank 4/);
  });

  it('passes at rank 3', () => {
    expect(judge(hik, [filler(1), filler(2), result('Hikvision', ['US-BIS-EL'])])).toMatchObject({ pass: true, rank: 3 });
  });

  it('fails with no result', () => {
    expect(judge(hik, [])).toMatchObject({ pass: false, why: 'no result' });
  });

  it('folds the expected name the same way (accents, full-width, punctuation)', () => {
    expect(judge({ expect: [{ list: 'CN-MOFCOM-UEL', name: 'Estée Lauder' }] }, [result('ESTEE LAUDER COMPANIES INC.', ['CN-MOFCOM-UEL'])]).pass).toBe(true);
    expect(judge({ expect: [{ list: 'US-OFAC-CMIC', name: 'dji' }] }, [result('ＤＪＩ', ['US-OFAC-CMIC'])]).pass).toBe(true);
    expect(judge({ expect: [{ list: 'CN-MOFCOM-UEL', name: '洛克希德' }] }, [result('Lockheed Martin', ['CN-MOFCOM-UEL'], ['洛克希德·马丁公司'])]).pass).toBe(true);
  });

  it('is plain containment of folded text, not a word match', () => {
    expect(judge({ expect: [{ list: 'US-BIS-EL', name: 'dahua' }] }, [result('Zhejiang Dahua Technology', ['US-BIS-EL'])]).pass).toBe(true);
    expect(judge({ expect: [{ list: 'US-BIS-EL', name: 'dahua tech' }] }, [result('Zhejiang Dahua Technology', ['US-BIS-EL'])]).pass).toBe(true);
    expect(judge({ expect: [{ list: 'US-BIS-EL', name: 'dahua' }] }, [result('Dahu Trading', ['US-BIS-EL'])]).pass).toBe(false);
  });
});

describe('judge: negative cases', () => {
  it('is clean with no result at all', () => {
    expect(judge({ expect: null }, [])).toMatchObject({ pass: true });
  });
  it('is dirty with any result, however weak', () => {
    const weak = { ...result('Heineken Trading', ['US-OFAC-SDN']), score: 0.01 };
    expect(judge({ expect: null }, [weak])).toMatchObject({ pass: false, why: 'dirty: 1 result(s)' });
  });
});

describe('parseCases', () => {
  it('reads valid lines and skips blank ones', () => {
    const text = '{"q":"Hikvison","cat":"typo","expect":[{"list":"US-BIS-EL","name":"hikvision"}]}\n\n{"q":"Heineken N.V.","cat":"negative","expect":null}\n';
    expect(parseCases(text, 'c.jsonl')).toEqual([
      { q: 'Hikvison', cat: 'typo', expect: [{ list: 'US-BIS-EL', name: 'hikvision' }] },
      { q: 'Heineken N.V.', cat: 'negative', expect: null },
    ]);
  });
  it('names file:line and what is wrong', () => {
    const text = ['{"q":"ok","cat":"exact","expect":null}', 'nope', '{"q":"x","cat":"exact","expect":[{"list":"US-NOPE","name":"x"}]}', '{"q":"x","cat":"exact"}'].join('\n');
    let message = '';
    try {
      parseCases(text, 'c.jsonl');
    } catch (err) {
      expect(err).toBeInstanceOf(CasesError);
      message = (err as Error).message;
    }
    expect(message).toMatch(/^c\.jsonl:2: not valid JSON/m);
    expect(message).toMatch(/^c\.jsonl:3: expect\.0\.list: unknown list code "US-NOPE"/m);
    expect(message).toMatch(/^c\.jsonl:4: expect: /m);
    expect(message).not.toMatch(/c\.jsonl:1:/);
  });
  it('refuses an expected name that folds to nothing and an empty file', () => {
    expect(() => parseCases('{"q":"x","cat":"c","expect":[{"list":"US-BIS-EL","name":"..."}]}', 'f')).toThrow(/f:1: expect\.0\.name: folds to nothing/);
    expect(() => parseCases('\n\n', 'f')).toThrow(/f: no cases/);
  });
});

describe('percentiles (nearest rank)', () => {
  it('picks observed values', () => {
    const ms = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(ms, 50)).toBe(50);
    expect(percentile(ms, 99)).toBe(99);
    expect(percentile([5, 1, 3], 50)).toBe(3);
    expect(percentile([7], 99)).toBe(7);
    expect(summarize([4, 2, 9, 1])).toMatchObject({ n: 4, p50: 2, p99: 9, max: 9, mean: 4 });
  });
});
