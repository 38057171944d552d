/**
 * Streaming XML: feeds chunks of bytes to saxes and hands over, one at a time, the subtree of each element a
 * caller asks for (OFAC's `<entity>`, `<sdnEntry>`), so a 110 MB file never becomes one string or one object
 * tree. A subtree has the shape fast-xml-parser gives (removeNSPrefix, '@_' attributes, '#text', trimmed
 * text, `repeated` elements always arrays), so the code that reads records does not depend on the parser.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { ParseError } from './types';

export type XNode = Record<string, unknown>;

export const CHUNK_BYTES = 1 << 20;

/** A buffer in slices (no copies). */
export function* bufferChunks(body: Buffer, size = CHUNK_BYTES): Generator<Buffer> {
  for (let i = 0; i < body.length; i += size) yield body.subarray(i, Math.min(i + size, body.length));
}

/** A file in chunks read synchronously, one buffer reused: memory does not grow with the file. */
export function* fileChunks(path: string, size = CHUNK_BYTES): Generator<Buffer> {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(size);
    for (;;) {
      const n = readSync(fd, buf, 0, size, null);
      if (n === 0) return;
      yield buf.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}

export interface XmlStreamOptions {
  /** Named in every error: the file or URL. */
  where: string;
  /** What the document should be, for errors ("an OFAC Enhanced XML file"). */
  what: string;
  /** Elements that always come out as arrays, even when they occur once. */
  repeated: ReadonlySet<string>;
  /** Called with the root element's local name and attributes; throw to refuse the document. */
  onRoot(name: string, attributes: Record<string, string>): void;
  /** Whether to collect the element `name` whose ancestors (local names, root first) are `path`. */
  collect(name: string, path: readonly string[]): boolean;
  /** A collected element's subtree. */
  onElement(name: string, node: XNode): void;
  /** Every element opened outside collected subtrees (to check that a container is present). */
  onOpen?(name: string, path: readonly string[]): void;
}

function localName(name: string): string {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
}

/** A copy that owns its characters: V8 substrings keep their (1 MB) parent chunk alive otherwise. */
function own(s: string): string {
  return s.length > 12 ? (' ' + s).slice(1) : s;
}

interface Frame {
  name: string;
  node: XNode;
  text: string;
  leaf: boolean;
}

/** Parse `chunks` as one XML document, calling the options' handlers; errors are ParseErrors saying where. */
export function streamXml(chunks: Iterable<Buffer>, options: XmlStreamOptions): void {
  const { where, what } = options;
  const sax = new SaxesParser<{ xmlns: false; position: true }>({ xmlns: false, position: true });
  const path: string[] = [];
  const frames: Frame[] = [];
  let root: string | undefined;

  sax.on('opentag', (tag: SaxesTagPlain) => {
    const name = localName(tag.name);
    if (root === undefined) {
      root = name;
      options.onRoot(name, tag.attributes);
    }
    if (frames.length || options.collect(name, path)) {
      const node: XNode = {};
      let leaf = true;
      for (const [k, v] of Object.entries(tag.attributes)) {
        if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
        node[`@_${localName(k)}`] = own(v);
        leaf = false;
      }
      frames.push({ name, node, text: '', leaf });
    } else {
      options.onOpen?.(name, path);
    }
    path.push(name);
  });
  const onText = (text: string) => {
    const top = frames[frames.length - 1];
    if (top) top.text += text;
  };
  sax.on('text', onText);
  sax.on('cdata', onText);
  sax.on('closetag', () => {
    path.pop();
    const frame = frames.pop();
    if (!frame) return;
    const text = frame.text.trim();
    let value: unknown;
    if (frame.leaf) value = own(text);
    else {
      if (text) frame.node['#text'] = own(text);
      value = frame.node;
    }
    const parent = frames[frames.length - 1];
    if (!parent) {
      options.onElement(frame.name, frame.node);
      return;
    }
    parent.leaf = false;
    const prior = parent.node[frame.name];
    // Arrays made here only, so pushing to them is safe.
    if (Array.isArray(prior)) prior.push(value);
    else if (options.repeated.has(frame.name)) parent.node[frame.name] = [value];
    else parent.node[frame.name] = prior === undefined ? value : [prior, value];
  });

  const decoder = new TextDecoder('utf-8');
  let started = false;
  const feed = (raw: string) => {
    // OFAC files may end with the DOS end-of-file mark, a character XML does not allow anywhere.
    let text = raw.includes('\x1a') ? raw.replace(/\x1a/g, '') : raw;
    if (!started) {
      text = text.trimStart();
      if (!text) return;
      started = true;
      if (/^[[{]/.test(text)) throw new ParseError(`${where}: not ${what}: it is JSON`);
      if (!text.startsWith('<')) throw new ParseError(`${where}: not ${what}: it is not XML`);
    }
    sax.write(text);
  };
  try {
    for (const chunk of chunks) feed(decoder.decode(chunk, { stream: true }));
    feed(decoder.decode());
    if (!started) throw new ParseError(`${where} is empty: expected ${what}`);
    sax.close();
  } catch (err) {
    if (err instanceof ParseError) throw err;
    const msg = (err as Error).message.replace(/^\S*?\d+:\d+: /, '');
    throw new ParseError(`${where}: not well-formed XML at line ${sax.line}, column ${sax.column}: ${msg}`);
  }
  if (root === undefined) throw new ParseError(`${where}: not ${what}: no root element`);
}
