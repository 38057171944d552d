/**
 * Names a listed name implies, indexed beside the listed names:
 * - "National University of Defense Technology (NUDT)" is also listed as "NUDT" and as "National University
 *   of Defense Technology";
 * - a Chinese-script name is also searchable in pinyin (深圳市大疆创新科技有限公司 as "Shenzhen Dajiang
 *   Chuangxin Keji"), so a query typed in pinyin finds names listed only in Chinese characters.
 */
import type { NameEntry } from '../model';
import { hasHan, pinyinRendering } from './chinese';
import { PINYIN_LANG } from './pinyin';
import { normalizeName } from './text';

const ACRONYM = /\s*\(([A-Z][A-Z0-9&.-]{1,9})\)/g;

export function withDerivedNames(names: NameEntry[]): NameEntry[] {
  const out = [...names];
  const seen = new Set(names.map((n) => normalizeName(n.value)));
  const push = (value: string, kind: NameEntry['kind'], from: NameEntry, extra: Partial<NameEntry> = {}) => {
    const v = value.replace(/\s+/g, ' ').trim();
    const k = normalizeName(v);
    if (!k || seen.has(k)) return;
    seen.add(k);
    out.push({ value: v, kind, script: from.script, ...(from.lang ? { lang: from.lang } : {}), ...extra });
  };
  for (const n of names) {
    if (n.kind === 'weak') continue;
    if (hasHan(n.value)) {
      // Weak: homophones are common, so the pinyin finds a name but never joins parties.
      const pinyin = pinyinRendering(n.value);
      if (pinyin) push(titleCase(pinyin), 'weak', n, { script: 'latin', lang: PINYIN_LANG });
    }
    const acronyms = [...n.value.matchAll(ACRONYM)].map((m) => m[1]!.replace(/[.]/g, ''));
    if (!acronyms.length) continue;
    // The acronym alone is weak: subsidiaries carry their group's acronym too ("... (CETC)"), so it finds
    // them all but ranks below a listed alias and never joins parties.
    for (const a of acronyms) if (a.length >= 2) push(a, 'weak', n);
    push(n.value.replace(ACRONYM, ''), 'alias', n);
  }
  return out;
}

const titleCase = (text: string): string => text.replace(/\b[a-z]/g, (c) => c.toUpperCase());
