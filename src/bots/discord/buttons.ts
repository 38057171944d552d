/**
 * Button custom ids: `sanctions:<kind>:<value>`, where value is a command line (more, share) or a party id
 * (details). Discord caps a custom_id at 100 characters: a longer line is kept in a small in-memory map and
 * the id carries its key (`#...`) instead. Keys do not survive a restart: such a button then says so.
 */
import { randomBytes } from 'node:crypto';

export const BUTTON_PREFIX = 'sanctions';
export const CUSTOM_ID_MAX = 100;

export type ButtonKind = 'more' | 'details' | 'share' | 'page' | 'ack';
const KINDS: readonly ButtonKind[] = ['more', 'details', 'share', 'page', 'ack'];

export type DecodedButton = { kind: ButtonKind; value: string } | { kind: ButtonKind; expired: true };

export class ButtonStore {
  private readonly lines = new Map<string, string>();

  constructor(private readonly capacity = 2000) {}

  encode(kind: ButtonKind, value: string): string {
    const direct = `${BUTTON_PREFIX}:${kind}:${value}`;
    if (direct.length <= CUSTOM_ID_MAX && !value.startsWith('#')) return direct;
    const key = `#${randomBytes(9).toString('base64url')}`;
    this.lines.set(key, value);
    // A Map iterates in insertion order: the first key is the oldest.
    while (this.lines.size > this.capacity) this.lines.delete(this.lines.keys().next().value!);
    return `${BUTTON_PREFIX}:${kind}:${key}`;
  }

  /** undefined: not one of ours. */
  decode(customId: string): DecodedButton | undefined {
    const m = customId.match(/^sanctions:([a-z]+):(.*)$/s);
    if (!m || !KINDS.includes(m[1] as ButtonKind)) return undefined;
    const kind = m[1] as ButtonKind;
    const value = m[2]!;
    if (!value.startsWith('#')) return { kind, value };
    const stored = this.lines.get(value);
    return stored === undefined ? { kind, expired: true } : { kind, value: stored };
  }

  get size(): number {
    return this.lines.size;
  }
}
