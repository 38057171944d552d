/**
 * The documents a discovering source found (official notices, Federal Register rules): kept for good, so that
 * each snapshot is every document found so far, and a document is fetched once however often its index lists it.
 */
import { createHash } from 'node:crypto';
import type { Db } from './db';

export interface ArchivedDocument {
  url: string;
  fetchedAt: string;
  contentType?: string;
  sha256: string;
  meta?: Record<string, unknown>;
  body: Buffer;
}

interface Row {
  url: string;
  fetched_at: string;
  content_type: string | null;
  sha256: string;
  meta: string | null;
  body: Buffer;
}

export class DocumentArchive {
  constructor(private readonly db: Db) {}

  has(sourceId: string, url: string): boolean {
    return this.db.prepare('SELECT 1 FROM source_documents WHERE source_id = ? AND url = ?').get(sourceId, url) !== undefined;
  }

  /** Keep a fetched document (again: the newer body replaces the older). */
  put(sourceId: string, doc: { url: string; body: Buffer; contentType?: string; meta?: Record<string, unknown> }, at: string): void {
    const sha = createHash('sha256').update(doc.body).digest('hex');
    this.db
      .prepare(
        `INSERT INTO source_documents (source_id, url, fetched_at, content_type, sha256, meta, body) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (source_id, url) DO UPDATE SET fetched_at = excluded.fetched_at, content_type = excluded.content_type,
           sha256 = excluded.sha256, meta = excluded.meta, body = excluded.body`,
      )
      .run(sourceId, doc.url, at, doc.contentType ?? null, sha, doc.meta ? JSON.stringify(doc.meta) : null, doc.body);
  }

  /** Every document of the source, by URL. */
  all(sourceId: string): ArchivedDocument[] {
    return this.db
      .prepare<[string], Row>('SELECT url, fetched_at, content_type, sha256, meta, body FROM source_documents WHERE source_id = ? ORDER BY url')
      .all(sourceId)
      .map((r) => ({
        url: r.url,
        fetchedAt: r.fetched_at,
        ...(r.content_type ? { contentType: r.content_type } : {}),
        sha256: r.sha256,
        ...(r.meta ? { meta: JSON.parse(r.meta) as Record<string, unknown> } : {}),
        body: r.body,
      }));
  }

  count(sourceId: string): number {
    return (this.db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM source_documents WHERE source_id = ?').get(sourceId)?.n ?? 0);
  }
}
