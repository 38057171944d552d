/**
 * Enhanced XML files built from the real CONS_ENHANCED.XML, for tests and the memory bench (no real
 * SDN_ENHANCED.XML is available): an N-fold copy with fresh entity ids, and an SDN-shaped file (only the
 * entities on the SDN List, with only that list, as SDN_ENHANCED.XML has them).
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';

interface Parts {
  head: string;
  entities: string[];
  tail: string;
}

function split(text: string): Parts {
  const open = text.indexOf('<entities>');
  const close = text.lastIndexOf('</entities>');
  if (open < 0 || close < 0) throw new Error('not an Enhanced XML file with <entities>');
  const body = text.slice(open + '<entities>'.length, close);
  const entities = body.match(/<entity id="[^"]+">[\s\S]*?<\/entity>/g) ?? [];
  return { head: text.slice(0, open + '<entities>'.length), entities, tail: text.slice(close) };
}

/**
 * Write `times` copies of every entity of `source` to `target`, copy k with entity ids + k * 10,000,000,
 * written entity by entity (this process never holds the big file). Returns the bytes written.
 */
export function writeNfold(source: string, target: string, times: number): number {
  const { head, entities, tail } = split(readFileSync(source, 'utf8'));
  const fd = openSync(target, 'w');
  let bytes = 0;
  const put = (s: string) => (bytes += writeSync(fd, s));
  try {
    put(head);
    for (let k = 0; k < times; k++) {
      for (const e of entities) put(k ? e.replace(/^<entity id="(\d+)"/, (_m, id: string) => `<entity id="${Number(id) + k * 10_000_000}"`) : e);
    }
    put(tail);
  } finally {
    closeSync(fd);
  }
  return bytes;
}

/** An SDN_ENHANCED.XML-shaped text: the entities on the SDN List, each with only its SDN List entry. */
export function sdnShaped(source: string): string {
  const { head, entities, tail } = split(readFileSync(source, 'utf8'));
  const sdn = entities
    .filter((e) => />SDN List<\/sanctionsList>/.test(e))
    .map((e) => e.replace(/\s*<sanctionsList [^>]*>(?!SDN List<)[^<]*<\/sanctionsList>/g, ''));
  return head.replace(/>Consolidated List<\/sanctionsList>/, '>SDN List</sanctionsList>') + sdn.join('') + tail;
}
