/** Statistics of standard normal samples shared by the normal generators' tests. */

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 erf, |error| < 1.5e-7). */
export function phi(x: number): number {
  const t = 1 / (1 + 0.3275911 * (Math.abs(x) / Math.SQRT2));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(x * x) / 2);
  return x >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

/**
 * Chi-square of samples against the standard normal over 40 bins (edges -3.9, -3.7, ..., 3.7);
 * with 39 degrees of freedom its 99.9th percentile is 72.1.
 */
export function normalChiSquare(samples: ArrayLike<number>): number {
  const edges = Array.from({ length: 39 }, (_, k) => -3.9 + 0.2 * k);
  const counts = new Array(40).fill(0);
  for (let i = 0; i < samples.length; i++) {
    const x = samples[i];
    let b = 0;
    while (b < edges.length && x >= edges[b]) b++;
    counts[b]++;
  }
  let chi2 = 0;
  for (let b = 0; b < 40; b++) {
    const lo = b === 0 ? 0 : phi(edges[b - 1]);
    const hi = b === 39 ? 1 : phi(edges[b]);
    const expected = samples.length * (hi - lo);
    chi2 += (counts[b] - expected) ** 2 / expected;
  }
  return chi2;
}

/** |observed - expected| of samples beyond +-edge, in standard deviations of the binomial count. */
export function tailDeviation(samples: ArrayLike<number>, edge: number): number {
  let tail = 0;
  for (let i = 0; i < samples.length; i++) if (Math.abs(samples[i]) > edge) tail++;
  const n = samples.length;
  const p = 2 * (1 - phi(edge));
  return Math.abs(tail - n * p) / Math.sqrt(n * p * (1 - p));
}
