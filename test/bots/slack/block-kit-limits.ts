/** Block Kit's documented limits, asserted over a list of blocks (a message's 50, a view's 100). */
import type { types } from '@slack/bolt';
import { expect } from 'vitest';

type Text = { type: string; text: string };

export function assertBlockKitLimits(anyBlocks: ReadonlyArray<types.KnownBlock | types.Block>, maxBlocks: number): void {
  const blocks = anyBlocks as types.KnownBlock[];
  expect(blocks.length).toBeLessThanOrEqual(maxBlocks);
  const ids = new Set<string>();
  for (const b of blocks) {
    if (b.block_id) {
      expect(b.block_id.length).toBeLessThanOrEqual(255);
      expect(ids.has(b.block_id)).toBe(false);
      ids.add(b.block_id);
    }
    switch (b.type) {
      case 'header':
        expect(b.text.type).toBe('plain_text');
        expect(b.text.text.length).toBeGreaterThan(0);
        expect(b.text.text.length).toBeLessThanOrEqual(150);
        break;
      case 'section':
        if (b.text) {
          expect(b.text.text.length).toBeGreaterThan(0);
          expect(b.text.text.length).toBeLessThanOrEqual(3000);
        }
        expect((b.fields ?? []).length).toBeLessThanOrEqual(10);
        for (const f of b.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(2000);
        if (b.accessory?.type === 'button') {
          expect(b.accessory.text.text.length).toBeLessThanOrEqual(75);
          expect(b.accessory.action_id!.length).toBeLessThanOrEqual(255);
          expect((b.accessory.value ?? '').length).toBeLessThanOrEqual(2000);
        }
        break;
      case 'context':
        expect(b.elements.length).toBeLessThanOrEqual(10);
        for (const e of b.elements) if ('text' in e) expect((e as Text).text.length).toBeLessThanOrEqual(3000);
        break;
      case 'actions':
        expect(b.elements.length).toBeLessThanOrEqual(25);
        for (const e of b.elements) if (e.type === 'button') expect(e.text.text.length).toBeLessThanOrEqual(75);
        break;
      case 'input':
        expect(b.label.text.length).toBeLessThanOrEqual(2000);
        if (b.element.type === 'static_select') {
          expect((b.element.options ?? []).length).toBeLessThanOrEqual(100);
          for (const o of b.element.options ?? []) expect(o.text.text.length).toBeLessThanOrEqual(75);
        }
        break;
      default:
        break;
    }
  }
}
