/**
 * Reading the element subtrees xml-stream hands over (fast-xml-parser's shape: '@_' attributes, '#text').
 */
import type { XNode } from '../xml-stream';

export type { XNode };

export function isNode(v: unknown): v is XNode {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The text of an element, whether it came out as a string or as an object with attributes. */
export function txt(v: unknown): string | undefined {
  if (Array.isArray(v)) return txt(v[0]);
  if (typeof v === 'string') return v.trim() || undefined;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (isNode(v)) return txt(v['#text']);
  return undefined;
}

export function attr(v: unknown, name: string): string | undefined {
  const node = Array.isArray(v) ? v[0] : v;
  return isNode(node) ? txt(node[`@_${name}`]) : undefined;
}

export function child(node: unknown, key: string): XNode | undefined {
  if (!isNode(node)) return undefined;
  const v = node[key];
  const first = Array.isArray(v) ? v[0] : v;
  return isNode(first) ? first : undefined;
}

/** node.a.b...: the items of the last step as an array (missing steps give []). */
export function items(node: unknown, ...path: string[]): unknown[] {
  let cur: unknown = node;
  for (let i = 0; i < path.length - 1; i++) cur = child(cur, path[i]!);
  if (!isNode(cur)) return [];
  const v = cur[path[path.length - 1]!];
  if (v === undefined || v === null || v === '') return [];
  return Array.isArray(v) ? v : [v];
}
