import { describe, expect, it } from 'vitest';
import { normalChiSquare, tailDeviation } from './normal-stats.js';
import { Rng } from '../../src/engine/rng.js';
import { zigguratFast, zigguratSlow } from '../../src/engine/ziggurat.js';

describe('ziggurat normals (Rng.fillNormal)', () => {
  const n = 1_000_000;
  const a = new Rng(42).fillNormal(new Float32Array(n));

  it('follow the normal CDF (chi-square over 40 equiprobable-ish bins)', () => {
    // 39 degrees of freedom: the 99.9th percentile is 72.1
    expect(normalChiSquare(a)).toBeLessThan(72.1);
  });

  it('reach the tails (around and beyond the base layer edge at 3.654) at the right rate', () => {
    for (const edge of [3, 3.6541528853610088, 4]) {
      expect(tailDeviation(a, edge)).toBeLessThan(4);
    }
  });

  it('the inlined fast path draws exactly what zigguratFast / zigguratSlow give on the same stream', () => {
    const fast = new Rng(7).fillNormal(new Float32Array(200_000));
    const ref = new Rng(7);
    let slow = 0;
    for (let k = 0; k < fast.length; k++) {
      const u = ref.nextUint32();
      let x = zigguratFast(u);
      if (Number.isNaN(x)) {
        slow++;
        x = zigguratSlow(u, ref);
      }
      if (fast[k] !== Math.fround(x)) expect(fast[k]).toBe(Math.fround(x));
    }
    // both branches were exercised: about 1 % of draws leave the fast region with 256 layers
    expect(slow / fast.length).toBeGreaterThan(0.005);
    expect(slow / fast.length).toBeLessThan(0.03);
  });

  it('are reproducible and scaled by mean and std', () => {
    const b = new Rng(42).fillNormal(new Float32Array(1000), 3, 2);
    for (let i = 0; i < 1000; i++) expect(b[i]).toBeCloseTo(3 + 2 * a[i], 4);
  });
});
