/**
 * The in-memory index type-ahead answers from, built once per database handle and dataset version (a refresh
 * bumps the version; the next call rebuilds, as lookup's matcher does): every stored name as an entry (its
 * normalised words, each weighted by how much it says about the party, and for Chinese-script names the Han
 * text), the parties with their designations, a sorted prefix array of Latin words and one of Han characters.
 *
 * Entries are numbered in a fixed order of preference (parties with designations in force first, then those on
 * more lists, primary names before aliases, shorter names first), so that postings read in id order meet the
 * likelier names first.
 *
 * Cost: building reads the names, records and designations tables once and sorts V distinct words, O(N + V log V)
 * for N names (the real dataset: ~54k names, ~26k words; a few hundred milliseconds). Memory grows linearly.
 */
import { coverageFactor } from '../match/generic-words';
import { LEGAL_AND_FILLER_WORDS } from '../match/normalize';
import type { Db } from '../store/db';
import { datasetVersion } from '../store/meta';
import { PrefixIndex } from './prefix-index';

export interface SuggestEntry {
  partyId: number;
  recordId: number;
  /** primary 0, alias or translation 1, former 2, weak (derived) 3. */
  kindRank: number;
  /** The name as listed. */
  value: string;
  /** Normalised words, in order (one string per distinct word). Empty for a name written only in Chinese script. */
  words: string[];
  /** The sum of the words' weights (SuggestIndex.weightOf), and the position of the first word that weighs. */
  total: number;
  lead: number;
  /** Chinese-script names: the simplified text without spaces, and the same with legal forms removed ('' else). */
  han: string;
  hanCore: string;
}

export interface PartyDesignation {
  list: string;
  status: string;
  until: string | null;
}

export interface SuggestParty {
  id: number;
  designations: PartyDesignation[];
  /** Distinct lists with a designation marked active: the more, the likelier someone screens the party. */
  activeLists: number;
}

export interface SuggestIndex {
  entries: SuggestEntry[];
  /** How much a word says about the party: 1 distinctive, 0.5 a trade word, 0.25 a place, 0 a legal form, filler or letter. */
  weightOf: (word: string) => number;
  parties: Map<number, SuggestParty>;
  /** The primary name of each record. */
  recordNames: Map<number, string>;
  words: PrefixIndex;
  hanChars: PrefixIndex;
}

const KIND_RANK: Record<string, number> = { primary: 0, alias: 1, translation: 1, former: 2, weak: 3 };
const HAN_CHAR = /\p{Script=Han}/u;

interface NameRow {
  record_id: number;
  value: string;
  kind: string;
  norm: string;
  compact: string;
  han: number;
}

/** Builds the index from the database as it is now. */
export function buildSuggestIndex(db: Db): SuggestIndex {
  const records = db.prepare<[], { id: number; party_id: number | null; name: string }>('SELECT id, party_id, name FROM records').all();
  const partyOf = new Map<number, number>();
  const recordNames = new Map<number, string>();
  for (const r of records) {
    partyOf.set(r.id, r.party_id ?? r.id);
    recordNames.set(r.id, r.name);
  }
  const parties = new Map<number, SuggestParty>();
  for (const d of db.prepare<[], { record_id: number; list: string; status: string; until: string | null }>('SELECT record_id, list, status, until FROM designations').all()) {
    const id = partyOf.get(d.record_id);
    if (id === undefined) continue;
    let party = parties.get(id);
    if (!party) parties.set(id, (party = { id, designations: [], activeLists: 0 }));
    party.designations.push({ list: d.list, status: d.status, until: d.until });
  }
  for (const p of parties.values()) p.activeLists = new Set(p.designations.filter((d) => d.status === 'active').map((d) => d.list)).size;

  // A word's weight depends on the word alone (legal forms and filler 0, else its class), so it is worked out
  // once per distinct word. A name made only of such words is covered by the share of its words instead.
  const weights = new Map<string, number>();
  const weightOf = (word: string): number => {
    let w = weights.get(word);
    if (w === undefined) weights.set(word, (w = word.length < 2 || LEGAL_AND_FILLER_WORDS.has(word) ? 0 : coverageFactor(word)));
    return w;
  };
  // One string per distinct word: the index holds tens of thousands of words, not hundreds of thousands.
  const interned = new Map<string, string>();
  const intern = (word: string): string => {
    const known = interned.get(word);
    if (known !== undefined) return known;
    interned.set(word, word);
    return word;
  };
  const entries: SuggestEntry[] = [];
  for (const n of db.prepare<[], NameRow>('SELECT record_id, value, kind, norm, compact, han FROM names').all()) {
    const partyId = partyOf.get(n.record_id);
    if (partyId === undefined || !parties.has(partyId)) continue;
    // Latin words written beside Chinese characters ("TCL 科技") are words too.
    const split = n.norm.split(' ');
    const words: string[] = [];
    let total = 0;
    let lead = -1;
    for (const w of split) {
      if (!w || (n.han && HAN_CHAR.test(w))) continue;
      const weight = weightOf(w);
      if (weight > 0 && lead < 0) lead = words.length;
      total += weight;
      words.push(intern(w));
    }
    entries.push({
      partyId,
      recordId: n.record_id,
      kindRank: KIND_RANK[n.kind] ?? 4,
      value: n.value,
      words,
      total,
      lead: Math.max(0, lead),
      han: n.han ? n.norm.replace(/ /g, '') : '',
      hanCore: n.han ? n.compact : '',
    });
  }
  // One number per entry says its place in the order of preference: sorting numbers, not comparing objects.
  const order = entries.map((e, i) => {
    const lists = Math.min(parties.get(e.partyId)!.activeLists, 31);
    return { i, key: (((lists > 0 ? 0 : 1) * 32 + (31 - lists)) * 8 + e.kindRank) * 4096 + Math.min(e.value.length, 4095) };
  });
  order.sort((a, b) => a.key - b.key || entries[a.i]!.partyId - entries[b.i]!.partyId);
  const sorted = order.map((o) => entries[o.i]!);
  entries.length = 0;
  entries.push(...sorted);

  const byWord = new Map<string, number[]>();
  const byChar = new Map<string, number[]>();
  entries.forEach((e, id) => {
    for (const w of e.words) push(byWord, w, id);
    for (const c of e.han) push(byChar, c, id);
  });
  return { entries, weightOf, parties, recordNames, words: new PrefixIndex(byWord), hanChars: new PrefixIndex(byChar) };
}

/** Ids arrive in ascending order: a word twice in one name is posted once. */
function push(map: Map<string, number[]>, key: string, id: number): void {
  const list = map.get(key);
  if (!list) map.set(key, [id]);
  else if (list[list.length - 1] !== id) list.push(id);
}

interface Cached {
  version: number;
  index: SuggestIndex;
}

const cache = new WeakMap<Db, Cached>();

/** The index of this database handle for its current dataset version (built on first use, rebuilt after a refresh). */
export function suggestIndex(db: Db): SuggestIndex {
  const cached = cache.get(db);
  const version = datasetVersion(db);
  if (cached && cached.version === version) return cached.index;
  const index = buildSuggestIndex(db);
  cache.set(db, { version, index });
  return index;
}

