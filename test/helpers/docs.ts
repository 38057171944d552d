/** Build parser inputs from files, the way fetch hands them over. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { SourceConfig } from '../../src/core/sources/config';
import type { FetchedDocument, ParseInput } from '../../src/core/sources/types';

export function fileDoc(path: string): FetchedDocument {
  return { name: path, body: readFileSync(path) };
}

export function textDoc(name: string, text: string | Buffer): FetchedDocument {
  return { name, body: Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8') };
}

export function folderDocs(dir: string): FetchedDocument[] {
  const out: FetchedDocument[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d).sort()) {
      const p = join(d, entry);
      if (statSync(p).isDirectory()) walk(p);
      else out.push({ name: relative(dir, p), body: readFileSync(p) });
    }
  };
  walk(dir);
  return out;
}

export function input(source: Partial<SourceConfig> & Pick<SourceConfig, 'format'>, documents: FetchedDocument[], extras: ParseInput['extras'] = {}): ParseInput {
  return { source: { id: 'test', location: documents[0]?.name ?? 'test', ...source } as SourceConfig, documents, extras };
}
