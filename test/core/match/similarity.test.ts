import { describe, expect, it } from 'vitest';
import { allowedEdits, editDistance, oneEditVariants, prefixSimilarity, typoSimilarity } from '../../../src/core/match/similarity';

describe('token similarity', () => {
  it('counts an adjacent transposition as one edit', () => {
    expect(editDistance('huwaei', 'huawei', 2)).toBe(1);
    expect(editDistance('hikvison', 'hikvision', 2)).toBe(1);
    expect(editDistance('yangste', 'yangtze', 2)).toBe(2);
    expect(editDistance('abcdef', 'uvwxyz', 2)).toBe(3);
  });

  it('allows more typos in longer words and none in short ones', () => {
    expect([3, 4, 6, 7, 12].map(allowedEdits)).toEqual([0, 1, 1, 2, 2]);
    expect(typoSimilarity('dji', 'dja')).toBe(0);
    expect(typoSimilarity('martn', 'martin')).toBeCloseTo(0.9);
    expect(typoSimilarity('yangste', 'yangtze')).toBeCloseTo(0.8);
  });

  it('keeps the first letter: a different first letter is another word', () => {
    expect(typoSimilarity('gamble', 'ramble')).toBe(0);
  });

  it('reaches one-typo words that share no trigram through one-edit variants', () => {
    expect(oneEditVariants('huwaei')).toContain('huawei');
    expect(oneEditVariants('dawnig')).toContain('dawning');
    expect(oneEditVariants('abc')).not.toContain('abc');
  });

  it('matches the start of a longer word', () => {
    expect(prefixSimilarity('tech', 'technology')).toBe(0.8);
    expect(prefixSimilarity('te', 'technology')).toBe(0);
    expect(prefixSimilarity('technology', 'tech')).toBe(0);
  });
});
