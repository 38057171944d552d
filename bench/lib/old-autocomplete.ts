/**
 * The Discord autocomplete as it was before core/suggest (issue 15, seen 1), kept for the autocomplete benchmark's
 * baseline: lookup() of the typed text with the review band, 25 results, one choice per distinct name value.
 */
import { lookup } from '../../src/core/lookup';
import type { Db } from '../../src/core/store/db';

export interface OldChoice {
  value: string;
  /** The party of the choice, then those of later results that had the same name (the old path dropped them). */
  partyIds: number[];
}

export function oldNameChoices(db: Db, typed: string): OldChoice[] {
  const text = typed.trim();
  if (!text) return [];
  const response = lookup(db, text.slice(0, 200), { limit: 25, review: true });
  const byValue = new Map<string, OldChoice>();
  const out: OldChoice[] = [];
  for (const party of [...response.results, ...(response.review ?? [])]) {
    const value = party.name.replace(/\s+/g, ' ').trim().slice(0, 100);
    const id = Number(party.id.slice(1));
    const same = byValue.get(value.toLowerCase());
    if (same) {
      same.partyIds.push(id);
      continue;
    }
    if (!value || out.length === 25) continue;
    const choice = { value, partyIds: [id] };
    byValue.set(value.toLowerCase(), choice);
    out.push(choice);
  }
  return out;
}
