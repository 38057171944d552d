/**
 * Pinyin as a searchable form: a Latin query written in pinyin ("Dajiang", "Shangtang Keji", "Haikang
 * Weishi") against the pinyin of Chinese-script names, however the syllables are spaced. Words are cut
 * into syllables (toneless, ü as u) and indexed as pairs of adjacent syllables, the way Han names are
 * indexed as pairs of characters: "dajiang" and "da jiang" both give the pair "dajiang", and a two-syllable
 * word is its own pair, so plain Latin words still meet them.
 */
import { unexplainedCost } from './generic-words';
import { nameForms, type NameForms } from './normalize';
import type { UnitsOfQuery } from './query-units';

/** BCP 47 tag of the derived pinyin names (derive.ts); the name index reads them with pinyinForms. */
export const PINYIN_LANG = 'zh-Latn-pinyin';

const SYLLABLES = new Set(
  'a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai can cang cao ce cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de den deng di dia dian diao die ding diu dong dou du duan dui dun duo e ei en eng er fa fan fang fei fen feng fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang gui gun guo ha hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun ka kai kan kang kao ke kei ken keng kong kou ku kua kuai kuan kuang kui kun kuo la lai lan lang lao le lei leng li lia lian liang liao lie lin ling liu long lou lu luan lun luo ma mai man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu na nai nan nang nao ne nei nen nengni nian niang niao nie nin ning niu nong nou nu nuan nuo o ou pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pou pu qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun ran rang rao re ren reng ri rong rou ru ruan rui run ruo sa sai san sang sao se sen seng sha shai shan shang shao she shen sheng shi shou shu shua shuai shuan shuang shui shun shuo si song sou su suan sui sun suo ta tai tan tang tao te teng ti tian tiao tie ting tong tou tu tuan tui tun tuo wa wai wan wang wei wen weng wo wu xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun ya yan yang yao ye yi yin ying yo yong you yu yuan yue yun za zai zan zang zao ze zei zen zeng zha zhai zhan zhang zhao zhe zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo lue nue'.split(' '),
);
const LONGEST = 6;

/**
 * A word cut into pinyin syllables, or undefined when it is not pinyin. Fewest syllables, the longer
 * first syllable on a tie ("xian" stays one syllable; "fangan" is fang an): the same word always cuts
 * the same way, on the index side and on the query side.
 */
export function splitSyllables(word: string): string[] | undefined {
  const n = word.length;
  if (n === 0 || n > 40 || !/^[a-z]+$/.test(word)) return undefined;
  const best = new Array<number>(n + 1).fill(Infinity);
  const next = new Array<number>(n + 1).fill(-1);
  best[n] = 0;
  for (let i = n - 1; i >= 0; i--) {
    for (let len = Math.min(LONGEST, n - i); len >= 1; len--) {
      if (!SYLLABLES.has(word.slice(i, i + len))) continue;
      const cost = best[i + len]! + 1;
      if (cost < best[i]!) {
        best[i] = cost;
        next[i] = i + len;
      }
    }
  }
  if (best[0] === Infinity) return undefined;
  const out: string[] = [];
  for (let i = 0; i < n; i = next[i]!) out.push(word.slice(i, next[i]!));
  return out;
}

/** Adjacent syllables paired (one syllable stays itself). */
function pairs(syllables: readonly string[]): string[] {
  if (syllables.length === 1) return [syllables[0]!];
  const out: string[] = [];
  for (let i = 0; i + 1 < syllables.length; i++) out.push(syllables[i]! + syllables[i + 1]!);
  return out;
}

/**
 * The forms a derived pinyin name is indexed in: legal forms dropped as nameForms drops them (youxian
 * gongsi, gufen...), each pinyin word indexed as the pairs of its own syllables ("haikangweishi": haikang
 * kangwei weishi; "keji" stays keji), other words as they are. Pairs across words are left out: the
 * query side makes those, so a name is covered by its words, not by the seams between them.
 */
export function pinyinNameForms(text: string): NameForms {
  const base = nameForms(text);
  if (base.han) return base;
  const tokens = base.tokens.flatMap((word) => {
    const syllables = splitSyllables(word);
    return syllables ? pairs(syllables) : [word];
  });
  return { ...base, tokens };
}

/** A Latin query read as pinyin: its forms (syllable pairs) and units (syllables, grouped by query word). */
export interface PinyinQuery {
  forms: NameForms;
  units: UnitsOfQuery;
}

/**
 * A Latin query read as pinyin, however it is spaced ("Dajiang", "Da Jiang", "Haikang Weishi"): every run of
 * pinyin words cut into syllables and paired across word boundaries, so it meets the pairs of any word
 * segmentation of the name. The units are the syllables: a pair across a seam costs nothing once the
 * syllables on both sides are explained. A syllable costs what its query word would (generic-words).
 * Undefined when every pair it would make is a word of the query already.
 */
export function pinyinQuery(query: string | NameForms, max: number): PinyinQuery | undefined {
  const base = typeof query === 'string' ? nameForms(query) : query;
  if (base.han) return undefined;
  const unitText: string[] = [];
  const cost: number[] = [];
  const distinct: boolean[] = [];
  const group: number[] = [];
  const byToken = new Map<string, number[]>();
  const addToken = (token: string, units: number[]) => byToken.set(token, [...(byToken.get(token) ?? []), ...units]);
  let run: number[] = [];
  // Worth a variant of its own only when pairs arise that the words as typed are not: a word of three
  // syllables or more, or single syllables typed apart. Two-syllable words are their own pair already.
  let split = false;
  let lastSingle = false;
  const flush = () => {
    lastSingle = false;
    if (run.length === 1) addToken(unitText[run[0]!]!, [run[0]!]);
    for (let i = 0; i + 1 < run.length; i++) addToken(unitText[run[i]!]! + unitText[run[i + 1]!]!, [run[i]!, run[i + 1]!]);
    run = [];
  };
  base.tokens.forEach((word, w) => {
    const syllables = splitSyllables(word);
    const wordCost = unexplainedCost(word);
    if (!syllables) {
      flush();
      addToken(word, [unitText.length]);
      unitText.push(word);
      cost.push(wordCost);
      distinct.push(wordCost >= 1 && word.length >= 3);
      group.push(w);
      return;
    }
    if (syllables.length > 2 || (syllables.length === 1 && lastSingle)) split = true;
    lastSingle = syllables.length === 1;
    for (const syllable of syllables) {
      run.push(unitText.length);
      unitText.push(syllable);
      cost.push(wordCost);
      distinct.push(wordCost >= 1 && word.length >= 3);
      group.push(w);
    }
  });
  flush();
  if (!split) return undefined;
  const tokens = [...byToken.keys()].slice(0, max);
  return {
    forms: { ...base, tokens },
    units: { tokens, tokenUnits: tokens.map((t) => [...new Set(byToken.get(t))]), text: unitText, cost, distinct, group },
  };
}

/** Longest vocabulary word looked for, in syllables. */
const MAX_WORD_SYLLABLES = 8;

/**
 * A pinyin query in English, through the company vocabulary read back from pinyin: "Hangzhou Haikang
 * Weishi Shuzi Jishu" -> "hangzhou hikvision digital technology", the form such a party is listed under
 * in English. Syllables are matched longest first across the words of a pinyin run; syllables no
 * vocabulary word covers stay as typed, joined per query word. Undefined when no vocabulary word of two
 * syllables or more is found, or nothing changes.
 */
export function englishFromPinyin(query: string | NameForms, vocabulary: ReadonlyMap<string, string>): string | undefined {
  const base = typeof query === 'string' ? nameForms(query) : query;
  if (base.han) return undefined;
  // Only a word of two syllables or more can be a vocabulary word.
  if (!base.tokens.some((t) => t.length >= 4 && (splitSyllables(t)?.length ?? 0) >= 2)) return undefined;
  const out: string[] = [];
  let run: Array<{ syllable: string; word: number }> = [];
  let found = false;
  const flush = () => {
    let pending = '';
    let pendingWord = -1;
    const emit = () => {
      if (pending) out.push(pending);
      pending = '';
    };
    for (let i = 0; i < run.length; ) {
      let matched = 0;
      for (let len = Math.min(MAX_WORD_SYLLABLES, run.length - i); len >= 2; len--) {
        const english = vocabulary.get(run.slice(i, i + len).map((r) => r.syllable).join(''));
        if (english === undefined) continue;
        emit();
        if (english) out.push(english);
        found = true;
        matched = len;
        break;
      }
      if (matched) {
        i += matched;
        continue;
      }
      if (run[i]!.word !== pendingWord) emit();
      pending += run[i]!.syllable;
      pendingWord = run[i]!.word;
      i++;
    }
    emit();
    run = [];
  };
  base.tokens.forEach((word, w) => {
    const syllables = splitSyllables(word);
    if (!syllables) {
      flush();
      out.push(word);
    } else for (const syllable of syllables) run.push({ syllable, word: w });
  });
  flush();
  const english = out.join(' ');
  return found && english !== base.tokens.join(' ') ? english : undefined;
}
