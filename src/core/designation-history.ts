/**
 * A designation's history in words, for the cards: each step after the listing, with the announcement that
 * made it ("suspended 2025-05-14 – 2025-08-12 (商务部新闻发言人就…答记者问); in force again from 2026-11-10").
 * The listing itself is the line's since and citation already.
 */
import type { DesignationStep } from './model';

const WORDS: Record<DesignationStep['status'], string> = { active: 'in force again', suspended: 'suspended', removed: 'stopped' };

function shortTitle(title: string, max: number): string {
  return title.length > max ? `${title.slice(0, max - 1)}…` : title;
}

/** The steps after the listing, oldest first, in one line; undefined when nothing changed the listing. */
export function historyText(history: readonly DesignationStep[] | undefined, maxTitle = 40): string | undefined {
  if (!history || history.length < 2) return undefined;
  const steps = history.slice(1).map((h) => {
    const when = h.status === 'active' ? `from ${h.from ?? '?'}` : h.until && h.status === 'suspended' ? `${h.from ?? '?'} – ${h.until}` : `${h.from ?? '?'}`;
    const by = h.citation ?? (h.title ? shortTitle(h.title, maxTitle) : undefined);
    return `${WORDS[h.status]} ${when}${by ? ` (${by})` : ''}`;
  });
  return steps.join('; ');
}
