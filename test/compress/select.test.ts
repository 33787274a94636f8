import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/index.js';
import { nthSmallest, topKMask } from '../../src/compress/select.js';

describe('count-exact selection', () => {
  it('topKMask keeps exactly k entries, ties at the cut broken by lower index', () => {
    expect(Array.from(topKMask([1, 3, 3, 2, 3, 0], 2))).toEqual([0, 1, 1, 0, 0, 0]);
    expect(Array.from(topKMask([1, 3, 3, 2, 3, 0], 4))).toEqual([0, 1, 1, 1, 1, 0]);
    expect(Array.from(topKMask([5, 5, 5, 5], 3))).toEqual([1, 1, 1, 0]);
    expect(Array.from(topKMask([1, 2], 0))).toEqual([0, 0]);
    expect(Array.from(topKMask([1, 2], 5))).toEqual([1, 1]);
    expect(() => topKMask([1, Number.NaN, 2], 1)).toThrow(/NaN/);
  });

  it('nthSmallest agrees with a full sort, including many ties and sorted inputs', () => {
    const r = new Rng(5);
    for (let trial = 0; trial < 500; trial++) {
      const n = 1 + r.int(80);
      const a = Float64Array.from({ length: n }, () => r.int(trial % 2 ? 4 : 1000));
      const nth = r.int(n);
      expect(nthSmallest(Float64Array.from(a), nth)).toBe(Float64Array.from(a).sort()[nth]);
    }
    const up = Float64Array.from({ length: 5000 }, (_, i) => i);
    expect(nthSmallest(up, 1234)).toBe(1234);
    expect(nthSmallest(Float64Array.from({ length: 5000 }, (_, i) => -i), 10)).toBe(-4989);
  });
});
