/**
 * Name normalisation for matching. The displayed name is never changed; these are only the forms names
 * are compared in:
 *  - `normalizeName`: NFKC (full-width forms fold here), lower case, accents removed, punctuation as spaces;
 *  - `coreTokens`: the words that identify a party: legal forms (Co., Ltd., GmbH, 有限公司...) and filler
 *    words (of, and, the) dropped, Chinese folded to simplified and cut into character pairs.
 */
import { hasHan, stripChineseLegalForms, toSimplified } from './chinese';
import { editDistance } from './similarity';
import { normalizeName } from './text';

export { normalizeName };

/** Legal forms and company-type words, as normalised tokens or token sequences. */
const LEGAL_FORMS: string[][] = [
  'co', 'company', 'companies', 'corp', 'corporation', 'inc', 'incorporated', 'ltd', 'limited', 'llc', 'l l c', 'llp', 'lp',
  'plc', 'gmbh', 'mbh', 'ag', 'kg', 'se', 'sa', 's a', 'sas', 's a s', 'sarl', 's a r l', 'srl', 's r l', 'spa', 's p a',
  'nv', 'n v', 'bv', 'b v', 'ab', 'as', 'a s', 'oy', 'oyj', 'aps', 'kft', 'zrt', 'sro', 's r o', 'doo', 'd o o',
  'jsc', 'ojsc', 'pjsc', 'cjsc', 'ooo', 'oao', 'zao', 'pao', 'tov', 'too', 'pte', 'pty', 'sdn bhd', 'bhd', 'tbk', 'pt',
  'kk', 'k k', 'kabushiki kaisha', 'co ltd', 'fze', 'fzco', 'fzc', 'fz llc', 'wll', 'w l l', 'est', 'establishment',
  'private', 'public', 'joint stock', 'holding company',
  // pinyin: 有限公司, 有限责任公司, 股份(有限)公司, 集团(有限)公司, 总公司, 分公司, 公司, and the same written together
  'youxian gongsi', 'youxiangongsi', 'youxian zeren gongsi', 'youxianzerengongsi', 'gufen youxian gongsi', 'gufen gongsi', 'gufen',
  'jituan', 'zong gongsi', 'zonggongsi', 'zongsi', 'fen gongsi', 'fengongsi', 'gongsi',
].map((f) => f.split(' '));

/**
 * Long legal-form words also stand when mistyped by one letter ("Compnay", "Corporaton", "Joint Stok"):
 * a typo in a legal form must not leave behind a word no name has. Short forms (co, ltd, ag...) and words
 * that are common words too (private, public) must be typed right.
 */
const FUZZY_LEGAL_WORDS = new Set(['company', 'companies', 'corporation', 'incorporated', 'limited', 'establishment', 'stock', 'kabushiki', 'kaisha']);

function isLegalWord(word: string | undefined, form: string): boolean {
  if (word === undefined) return false;
  if (word === form) return true;
  return (
    word[0] === form[0] && Math.abs(word.length - form.length) <= 1 && word.length >= 4 && FUZZY_LEGAL_WORDS.has(form) && editDistance(word, form, 1) <= 1
  );
}

const FILLER = new Set(['of', 'and', 'the', 'for', 'de', 'del', 'la', 'le', 'des', 'du', 'et', 'und', 'y', 'a', 'an', 'in', 'at', 'on', 'by']);

/** Every word of a legal form, and the filler words: words a name carries that do not say which party it is. */
export const LEGAL_AND_FILLER_WORDS: ReadonlySet<string> = new Set([...LEGAL_FORMS.flat(), ...FILLER]);

const LEGAL_BY_FIRST = new Map<string, string[][]>();
for (const form of LEGAL_FORMS) {
  const list = LEGAL_BY_FIRST.get(form[0]!) ?? [];
  list.push(form);
  list.sort((a, b) => b.length - a.length);
  LEGAL_BY_FIRST.set(form[0]!, list);
}

/** Legal forms whose first word is not itself one typo away from a legal word: looked up by first word. */
const FUZZY_FIRST = LEGAL_FORMS.filter((form) => FUZZY_LEGAL_WORDS.has(form[0]!)).sort((a, b) => b.length - a.length);

/** The legal form starting at words[i], if any (longest first): exactly, or with one typo in a long word. */
export function legalFormAt(words: readonly string[], i: number): string[] | undefined {
  const matches = (form: string[]) => form.every((w, j) => isLegalWord(words[i + j], w));
  const exact = LEGAL_BY_FIRST.get(words[i]!)?.find(matches);
  if (exact) return exact;
  if (words[i]!.length < 4) return undefined;
  return FUZZY_FIRST.find(matches);
}

export interface NameForms {
  /** normalizeName of the name (Han folded to simplified). */
  norm: string;
  /** The identifying words, in order: Latin words, or Han character pairs for Chinese. */
  tokens: string[];
  /** The core without spaces, for names written together or apart ("hik vision" = "hikvision"). */
  compact: string;
  /** True for Chinese-script names (tokens are character pairs). */
  han: boolean;
  /** The name carried a legal form (Co., Ltd., AG, 有限公司...): it is written as a full legal name. */
  legal: boolean;
}

const HAN_RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/gu;

/** The forms a name is indexed and compared in. */
export function nameForms(text: string): NameForms {
  if (hasHan(text)) return hanForms(text);
  const norm = normalizeName(text);
  const words = norm.split(' ').filter(Boolean);
  const kept: string[] = [];
  let legalForm = false;
  for (let i = 0; i < words.length; i++) {
    const legal = legalFormAt(words, i);
    if (legal) {
      legalForm = true;
      i += legal.length - 1;
      continue;
    }
    if (FILLER.has(words[i]!)) continue;
    kept.push(words[i]!);
  }
  // A name made only of legal forms and filler words keeps them all.
  const tokens = kept.length ? kept : words;
  return { norm, tokens, compact: tokens.join(''), han: false, legal: legalForm && kept.length > 0 };
}

function hanForms(text: string): NameForms {
  const simplified = toSimplified(text.normalize('NFKC'));
  const norm = normalizeName(simplified);
  const { core, forms } = stripChineseLegalForms(simplified);
  const source = core.trim() ? core : simplified;
  const runs = [...normalizeName(source).matchAll(HAN_RUN)].map((m) => m[0]);
  const hanText = runs.join('');
  const latin = normalizeName(source.replace(HAN_RUN, ' ')).split(' ').filter((w) => w && !FILLER.has(w));
  const tokens: string[] = [];
  if (hanText.length === 1) tokens.push(hanText);
  for (let i = 0; i + 1 < hanText.length; i++) tokens.push(hanText.slice(i, i + 2));
  tokens.push(...latin);
  return { norm, tokens, compact: hanText + latin.join(''), han: true, legal: forms.length > 0 };
}
