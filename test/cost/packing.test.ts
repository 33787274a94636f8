import { describe, expect, it } from 'vitest';
import { packBlocks } from '../../src/cost/packing.js';

describe('block-diagonal tile packing', () => {
  it('packs small blocks at disjoint row and column ranges', () => {
    // 8 blocks of 16 x 16 fill a 128 x 128 tile's diagonal exactly
    expect(packBlocks(Array.from({ length: 8 }, () => ({ rows: 16, cols: 16 })), 128, 128)).toBe(1);
    expect(packBlocks(Array.from({ length: 9 }, () => ({ rows: 16, cols: 16 })), 128, 128)).toBe(2);
    // rows bind: two 72-row blocks cannot share a 128-row tile even if narrow
    expect(packBlocks([{ rows: 72, cols: 16 }, { rows: 72, cols: 16 }], 128, 128)).toBe(2);
    // a 72-row and a 56-row block do
    expect(packBlocks([{ rows: 72, cols: 16 }, { rows: 56, cols: 112 }], 128, 128)).toBe(1);
  });

  it('never needs more tiles than blocks; a full tile stays alone', () => {
    const blocks = [{ rows: 128, cols: 128 }, { rows: 1, cols: 1 }, { rows: 100, cols: 30 }, { rows: 28, cols: 98 }, { rows: 64, cols: 64 }];
    const t = packBlocks(blocks, 128, 128);
    expect(t).toBeLessThanOrEqual(blocks.length);
    expect(t).toBeGreaterThanOrEqual(2);
    expect(() => packBlocks([{ rows: 129, cols: 1 }], 128, 128)).toThrowError(/exceeds/);
  });
});
