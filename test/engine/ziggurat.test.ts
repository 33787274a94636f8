import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/rng.js';
import { zigguratFast, zigguratSlow } from '../../src/engine/ziggurat.js';

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 erf, |error| < 1.5e-7). */
function phi(x: number): number {
  const t = 1 / (1 + 0.3275911 * (Math.abs(x) / Math.SQRT2));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(x * x) / 2);
  return x >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

describe('ziggurat normals (Rng.fillNormal)', () => {
  const n = 1_000_000;
  const a = new Rng(42).fillNormal(new Float32Array(n));

  it('follow the normal CDF (chi-square over 40 equiprobable-ish bins)', () => {
    const edges = Array.from({ length: 39 }, (_, k) => -3.9 + 0.2 * k);
    const counts = new Array(40).fill(0);
    for (const x of a) {
      let b = 0;
      while (b < edges.length && x >= edges[b]) b++;
      counts[b]++;
    }
    let chi2 = 0;
    for (let b = 0; b < 40; b++) {
      const lo = b === 0 ? -Infinity : edges[b - 1];
      const hi = b === 39 ? Infinity : edges[b];
      const expected = n * ((hi === Infinity ? 1 : phi(hi)) - (lo === -Infinity ? 0 : phi(lo)));
      chi2 += (counts[b] - expected) ** 2 / expected;
    }
    // 39 degrees of freedom: the 99.9th percentile is 72.1
    expect(chi2).toBeLessThan(72.1);
  });

  it('reach the tails (around and beyond the base layer edge at 3.654) at the right rate', () => {
    for (const edge of [3, 3.6541528853610088, 4]) {
      let tail = 0;
      for (const x of a) if (Math.abs(x) > edge) tail++;
      const p = 2 * (1 - phi(edge));
      const sd = Math.sqrt(n * p * (1 - p));
      expect(Math.abs(tail - n * p)).toBeLessThan(4 * sd);
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
