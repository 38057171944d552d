/** Small text helpers shared by the eval and the bench output. */
import { relative } from 'node:path';

export function pct(part: number, whole: number): string {
  return whole ? `${((100 * part) / whole).toFixed(1)}%` : '-';
}

/** A path as the person typed it: relative to the working directory when that is shorter. */
export function shownPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && rel.length < path.length ? rel : path;
}

export function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}
