import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/rng.js';

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

  it('reach the tails (beyond the base layer at 3.44) at the right rate', () => {
    let tail = 0;
    for (const x of a) if (Math.abs(x) > 3.442619855899) tail++;
    const p = 2 * (1 - phi(3.442619855899));
    const sd = Math.sqrt(n * p * (1 - p));
    expect(Math.abs(tail - n * p)).toBeLessThan(4 * sd);
  });

  it('are reproducible and scaled by mean and std', () => {
    const b = new Rng(42).fillNormal(new Float32Array(1000), 3, 2);
    for (let i = 0; i < 1000; i++) expect(b[i]).toBeCloseTo(3 + 2 * a[i], 4);
  });
});
