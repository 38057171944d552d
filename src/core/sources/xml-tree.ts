/**
 * A small element tree from an XML document (saxes), for documents that fit in memory (a Federal Register
 * rule is tens of kilobytes): elements with attributes and mixed content, and helpers to walk it.
 * A document that is not well-formed is a ParseError naming the file, line and column.
 */
import { SaxesParser } from 'saxes';
import { ParseError } from './types';

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
}
export type XmlNode = XmlElement | string;

export function isElement(node: XmlNode): node is XmlElement {
  return typeof node !== 'string';
}

export function parseXmlTree(text: string, file: string): XmlElement {
  const parser = new SaxesParser({ position: true });
  const root: XmlElement = { name: '#document', attrs: {}, children: [] };
  const stack: XmlElement[] = [root];
  parser.on('opentag', (tag) => {
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(tag.attributes)) attrs[k] = typeof v === 'string' ? v : v.value;
    const el: XmlElement = { name: tag.name, attrs, children: [] };
    stack[stack.length - 1]!.children.push(el);
    stack.push(el);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.on('text', (t) => stack[stack.length - 1]!.children.push(t));
  parser.on('cdata', (t) => stack[stack.length - 1]!.children.push(t));
  try {
    parser.write(text).close();
  } catch (err) {
    throw new ParseError(`${file}: not well-formed XML (${(err as Error).message})`);
  }
  return root;
}

/** Every descendant element named `name`, in document order. */
export function descendants(el: XmlElement, name: string, out: XmlElement[] = []): XmlElement[] {
  for (const c of el.children) {
    if (!isElement(c)) continue;
    if (c.name === name) out.push(c);
    descendants(c, name, out);
  }
  return out;
}

export function childElements(el: XmlElement, name?: string): XmlElement[] {
  return el.children.filter((c): c is XmlElement => isElement(c) && (name === undefined || c.name === name));
}

/**
 * The text of a node with runs of white space as one space. `render` may replace an element's text (return
 * undefined to recurse); superscripts (<SU>) join the text before them ("9<SU>th</SU>" is "9th").
 */
export function textOf(node: XmlNode, render?: (el: XmlElement) => string | undefined): string {
  const parts: string[] = [];
  const walk = (n: XmlNode) => {
    if (!isElement(n)) {
      parts.push(n);
      return;
    }
    const rendered = render?.(n);
    if (rendered !== undefined) parts.push(rendered);
    else if (n.name === 'SU') {
      if (parts.length) parts[parts.length - 1] = parts[parts.length - 1]!.replace(/\s+$/, '');
      parts.push(n.children.map((c) => textOf(c)).join(''));
    } else n.children.forEach(walk);
  };
  walk(node);
  return parts.join('').replace(/\s+/g, ' ').trim();
}
