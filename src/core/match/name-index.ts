/**
 * The search index over every stored name: each name's identifying tokens (Latin words, or Chinese
 * character pairs), a postings table from token to names, the token vocabulary with document frequencies,
 * and an FTS5 trigram index over the vocabulary for typo-tolerant token look-up. Maintained name by name
 * as records are written, so a refresh costs in proportion to what changed.
 */
import type { NameEntry } from '../model';
import type { Db } from '../store/db';
import { withDerivedNames } from './derive';
import { nameForms } from './normalize';
import { PINYIN_LANG, pinyinNameForms } from './pinyin';

export class NameIndex {
  private readonly q;

  constructor(db: Db) {
    this.q = {
      insertName: db.prepare<[number, string, string, string, string | null, string, string, string, number]>(
        'INSERT INTO names (record_id, value, kind, script, lang, norm, tokens, compact, han) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id',
      ),
      namesOf: db.prepare<[number], { id: number; tokens: string }>('SELECT id, tokens FROM names WHERE record_id = ?'),
      deleteNames: db.prepare<[number]>('DELETE FROM names WHERE record_id = ?'),
      tokenId: db.prepare<[string], { id: number }>('SELECT id FROM tokens WHERE token = ?'),
      insertToken: db.prepare<[string]>('INSERT INTO tokens (token, df) VALUES (?, 0) RETURNING id'),
      insertGram: db.prepare<[number, string]>('INSERT INTO token_grams (rowid, token) VALUES (?, ?)'),
      bump: db.prepare<[number, number]>('UPDATE tokens SET df = df + ? WHERE id = ?'),
      post: db.prepare<[number, number, number]>('INSERT OR IGNORE INTO name_tokens (token_id, len, name_id) VALUES (?, ?, ?)'),
      unpost: db.prepare<[number, number, number]>('DELETE FROM name_tokens WHERE token_id = ? AND len = ? AND name_id = ?'),
    };
  }

  /** Replace the indexed names of a record (with the names they imply, such as acronyms in brackets). */
  replace(recordId: number, names: NameEntry[]): void {
    this.remove(recordId);
    for (const n of withDerivedNames(names)) this.add(recordId, n);
  }

  add(recordId: number, name: NameEntry): void {
    const forms = name.lang === PINYIN_LANG ? pinyinNameForms(name.value) : nameForms(name.value);
    if (!forms.norm) return;
    const tokens = [...new Set(forms.tokens)];
    const row = this.q.insertName.get(
      recordId, name.value, name.kind, name.script ?? 'other', name.lang ?? null, forms.norm, tokens.join(' '), forms.compact, forms.han ? 1 : 0,
    ) as { id: number };
    for (const token of tokens) {
      const id = this.tokenIdFor(token);
      this.q.post.run(id, tokens.length, row.id);
      this.q.bump.run(1, id);
    }
  }

  remove(recordId: number): void {
    for (const name of this.q.namesOf.all(recordId)) {
      const tokens = new Set(name.tokens.split(' ').filter(Boolean));
      for (const token of tokens) {
        const id = this.q.tokenId.get(token)?.id;
        if (id === undefined) continue;
        this.q.unpost.run(id, tokens.size, name.id);
        this.q.bump.run(-1, id);
      }
    }
    this.q.deleteNames.run(recordId);
  }

  private tokenIdFor(token: string): number {
    const found = this.q.tokenId.get(token);
    if (found) return found.id;
    const { id } = this.q.insertToken.get(token) as { id: number };
    this.q.insertGram.run(id, token);
    return id;
  }
}
