/**
 * Names a listed name implies: "National University of Defense Technology (NUDT)" is also listed as
 * "NUDT" and as "National University of Defense Technology". Indexed beside the listed names.
 */
import type { NameEntry } from '../model';
import { normalizeName } from './text';

const ACRONYM = /\s*\(([A-Z][A-Z0-9&.-]{1,9})\)/g;

export function withDerivedNames(names: NameEntry[]): NameEntry[] {
  const out = [...names];
  const seen = new Set(names.map((n) => normalizeName(n.value)));
  const push = (value: string, kind: NameEntry['kind'], from: NameEntry) => {
    const v = value.replace(/\s+/g, ' ').trim();
    const k = normalizeName(v);
    if (!k || seen.has(k)) return;
    seen.add(k);
    out.push({ value: v, kind, script: from.script, ...(from.lang ? { lang: from.lang } : {}) });
  };
  for (const n of names) {
    if (n.kind === 'weak') continue;
    const acronyms = [...n.value.matchAll(ACRONYM)].map((m) => m[1]!.replace(/[.]/g, ''));
    if (!acronyms.length) continue;
    // The acronym alone is weak: subsidiaries carry their group's acronym too ("... (CETC)"), so it finds
    // them all but ranks below a listed alias and never joins parties.
    for (const a of acronyms) if (a.length >= 2) push(a, 'weak', n);
    push(n.value.replace(ACRONYM, ''), 'alias', n);
  }
  return out;
}
