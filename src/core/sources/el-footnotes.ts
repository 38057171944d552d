/**
 * Entity List footnotes. The list prints footnote markers as superscripts in the licence-requirement
 * column; flattened to text they become stray digits ("(See §§ 734.9(g),3 744.21(b) ...", "... of the EAR)
 * 4"). `splitFootnotes` takes them off the text; `footnoteLines` explains each one with what a source in
 * hand says, and nothing more:
 * - footnote 3: the rule that added entries with it (FR Doc. 2023-03929, 88 FR 12171) says "A footnote 3
 *   designation subjects these entities to the Russia/Belarus-Military End User Foreign Direct Product (FDP)
 *   rule, detailed under § 734.9(g)."
 * - footnotes 4 and 5: the Entity List foreign direct product (FDP) rule of § 734.9(e) of the EAR, in the
 *   paragraph that the licence requirement of every entry bearing the footnote cites: § 734.9(e)(2) for
 *   footnote 4 (96 entries of the July 2026 list, e.g. "(See §§ 734.9(e)(2) and 744.11 of the EAR) 4"),
 *   § 734.9(e)(3) for footnote 5 (16 entries). The explanation names the rule and the paragraph, nothing more.
 * - other footnotes: only the EAR sections the entry's own licence text cites (no source here explains them).
 */

/** What a source says of each footnote, with the source. */
const KNOWN: Record<string, { text: string; source: string; cites?: string }> = {
  '3': {
    text: 'subjects the entity to the Russia/Belarus-Military End User Foreign Direct Product (FDP) rule, detailed under § 734.9(g) of the EAR',
    source: 'BIS rule FR Doc. 2023-03929, 88 FR 12171',
  },
  '4': {
    text: 'subjects the entity to the Entity List foreign direct product (FDP) rule, § 734.9(e)(2) of the EAR',
    source: 'EAR § 734.9(e), cited by the licence requirement of every footnote 4 entry',
    cites: '734.9(e)(2)',
  },
  '5': {
    text: 'subjects the entity to the Entity List foreign direct product (FDP) rule, § 734.9(e)(3) of the EAR',
    source: 'EAR § 734.9(e), cited by the licence requirement of every footnote 5 entry',
    cites: '734.9(e)(3)',
  },
};

/** A digit glued to an EAR section ("734.9(g),3 ", "734.9(g)3,") or ending the text ("of the EAR) 4"). */
const AFTER_SECTION = /(\d{3}\.\d+(?:\([a-z0-9]+\))+)(,?)(\d)(?=[\s,;]|$)/g;
const AT_END = /\)\s*(\d)\s*$/;

/** Licence text without its footnote markers, and the footnote numbers in order. Text without § is left alone. */
export function splitFootnotes(text: string): { text: string; footnotes: string[] } {
  if (!text.includes('§')) return { text, footnotes: [] };
  const footnotes: string[] = [];
  const add = (n: string) => {
    if (!footnotes.includes(n)) footnotes.push(n);
  };
  let out = text.replace(AFTER_SECTION, (_m, section: string, comma: string, n: string) => {
    add(n);
    return `${section}${comma}`;
  });
  out = out.replace(AT_END, (_m, n: string) => {
    add(n);
    return ')';
  });
  return { text: out, footnotes };
}

/** One line per footnote: what it means where a source says, else the sections the licence text cites. */
export function footnoteLines(footnotes: string[], licence: string): string[] {
  const sections = [...new Set(licence.match(/\d{3}\.\d+(?:\([a-z0-9]+\))*/g) ?? [])];
  return footnotes.map((n) => {
    const known = KNOWN[n];
    // An explanation that rests on the section cited holds only where the entry cites it.
    if (known && (!known.cites || sections.includes(known.cites))) return `Footnote ${n}: ${known.text} (${known.source}).`;
    return `Footnote ${n} of the Entity List (Supplement No. 4 to part 744 of the EAR): not explained by the data at hand; the licence requirement cites ${sections.length ? `§§ ${sections.join(', ')}` : 'no section'}.`;
  });
}
