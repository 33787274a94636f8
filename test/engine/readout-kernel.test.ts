/**
 * The wasm SIMD readout kernel: its normals must be standard normal (fast path, wedges and tail),
 * its conversion the same ADC and shift-add as the JS loop, its streams reproducible.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { normalChiSquare, tailDeviation } from './normal-stats.js';
import { initEngine, tf } from '../../src/engine/index.js';
import { Rng } from '../../src/engine/rng.js';
import { MAX_FLOAT32_CODE, type ReadoutKernel, readoutKernel } from '../../src/engine/readout-kernel.js';
import { convertColumns, lsb } from '../../src/crossbar/converters.js';

let kernel: ReadoutKernel;

beforeAll(async () => {
  await initEngine('wasm');
  const k = readoutKernel();
  if (!k) throw new Error('no readout kernel on the wasm backend');
  kernel = k;
});


/** A float32 view of a tensor in the wasm backend's memory. */
function heap(t: tf.Tensor): Float32Array {
  return (tf.backend() as unknown as { typedArrayFromHeap(t: tf.TensorInfo): Float32Array }).typedArrayFromHeap(t);
}

/**
 * Runs the kernel on heap tensors made from the arrays: returns the accumulator and the clip count.
 * `undefined` from the kernel (it declined) fails the test.
 */
function runKernel(current: Float32Array, variance: Float32Array, acc: Float32Array, rng: Rng, bits: number, fullScale: number, scale: number) {
  const [c, v, a] = [current, variance, acc].map((x) => tf.tensor1d(x));
  try {
    const hi = 2 ** (bits - 1) - 1;
    const clipped = kernel.noisyConversions(heap(c), heap(v), rng, lsb(bits, fullScale, true), hi, scale, heap(a));
    if (clipped === undefined) throw new Error('the kernel declined heap arrays');
    return { acc: heap(a).slice(), clipped };
  } finally {
    for (const t of [c, v, a]) t.dispose();
  }
}

/** n kernel normals: zero current, unit variance, a fine 16-bit ADC over +-8 (LSB 2.4e-4). */
function kernelNormals(n: number, seed: number): Float32Array {
  return runKernel(new Float32Array(n), new Float32Array(n).fill(1), new Float32Array(n), new Rng(seed), 16, 8, 1).acc;
}

describe('readout kernel normals', () => {
  const n = 1_000_000;
  let z: Float32Array;
  beforeAll(() => {
    z = kernelNormals(n, 42);
  });

  it('follow the normal CDF (chi-square over 40 bins)', () => {
    // 39 degrees of freedom: the 99.9th percentile is 72.1
    expect(normalChiSquare(z)).toBeLessThan(72.1);
  });

  it('reach the wedges and the tail beyond the base layer (3.654) at the right rates', () => {
    for (const edge of [2, 3, 3.6541528853610088, 4]) {
      expect(tailDeviation(z, edge)).toBeLessThan(4);
    }
  });

  it('have zero mean, unit variance and normal kurtosis, with no correlation between neighbours (lanes)', () => {
    let s = 0;
    let s2 = 0;
    let s4 = 0;
    let lag = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) {
      const x = z[i];
      s += x;
      s2 += x * x;
      s4 += x ** 4;
      for (let d = 1; d <= 4; d++) if (i >= d) lag[d - 1] += x * z[i - d];
    }
    lag = lag.map((v) => v / n);
    const se = 1 / Math.sqrt(n);
    expect(Math.abs(s / n)).toBeLessThan(5 * se);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(5 * Math.SQRT2 * se);
    expect(Math.abs(s4 / n - 3)).toBeLessThan(5 * Math.sqrt(96) * se);
    for (const c of lag) expect(Math.abs(c)).toBeLessThan(5 * se);
  });

  it('are reproducible for a seed and differ between seeds', () => {
    const a = kernelNormals(1001, 7);
    const b = kernelNormals(1001, 7);
    const c = kernelNormals(1001, 8);
    expect(Array.from(a)).toEqual(Array.from(b));
    let same = 0;
    for (let i = 0; i < a.length; i++) if (a[i] === c[i]) same++;
    expect(same).toBeLessThan(20);
  });

  it('continue the stream across calls (no repeats between consecutive readouts)', () => {
    const rng = new Rng(3);
    const run = () => runKernel(new Float32Array(512), new Float32Array(512).fill(1), new Float32Array(512), rng, 16, 8, 1).acc;
    const a = run();
    const b = run();
    let same = 0;
    for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
    expect(same).toBeLessThan(10);
  });
});

describe('readout kernel conversion', () => {
  it('without noise, converts, clips and accumulates as the JS loop does, for any length', () => {
    const gen = new Rng(11);
    let clippedTotal = 0;
    for (const n of [4, 7, 1030, 4099]) {
      const bits = 8;
      const fullScale = 2;
      const current = gen.fillNormal(new Float32Array(n), 0, 1.2); // some beyond full scale
      const acc0 = gen.fillNormal(new Float32Array(n));
      const zero = new Float32Array(n);
      const k = runKernel(current, zero, acc0, new Rng(1), bits, fullScale, 0.5);
      const js = acc0.slice();
      // the JS loop on plain arrays (not heap views): its float64 path
      const clippedJs = convertColumns({ current, adc: { bits, fullScale }, scale: 0.5, acc: js });
      expect(k.clipped).toBe(clippedJs);
      clippedTotal += k.clipped;
      // float32 arithmetic against the JS loop's float64: equal to float32 rounding of the sums
      let differ = 0;
      for (let i = 0; i < n; i++) if (Math.abs(k.acc[i] - js[i]) > 1e-6 * Math.abs(js[i]) + 1e-7) differ++;
      expect(differ).toBe(0);
    }
    expect(clippedTotal).toBeGreaterThan(0);
  });

  it('adds noise of the given variance per element (the code noise is sqrt(variance) z)', () => {
    const n = 200_000;
    const current = new Float32Array(n).fill(0.5);
    const variance = new Float32Array(n);
    for (let i = 0; i < n; i++) variance[i] = i % 2 === 0 ? 0.01 : 0.04;
    const { acc } = runKernel(current, variance, new Float32Array(n), new Rng(5), 16, 4, 1);
    for (const [parity, sd] of [[0, 0.1], [1, 0.2]] as const) {
      let s = 0;
      let s2 = 0;
      for (let i = parity; i < n; i += 2) {
        s += acc[i];
        s2 += acc[i] ** 2;
      }
      const m = s / (n / 2);
      const v = s2 / (n / 2) - m * m;
      expect(m).toBeCloseTo(0.5, 2);
      expect(Math.sqrt(v) / sd).toBeGreaterThan(0.99);
      expect(Math.sqrt(v) / sd).toBeLessThan(1.01);
    }
  });

  it('declines what it cannot do in place or in float32: plain JS arrays, converters over 16 bits', () => {
    const plain = new Float32Array(8);
    expect(kernel.noisyConversions(plain, plain, new Rng(1), 0.1, 127, 1, plain)).toBeUndefined();
    const t = tf.tensor1d(new Float32Array(8));
    try {
      expect(kernel.noisyConversions(heap(t), heap(t), new Rng(1), 1e-6, MAX_FLOAT32_CODE + 1, 1, heap(t))).toBeUndefined();
    } finally {
      t.dispose();
    }
  });

  it("its exp (the wedge test's) agrees with Math.exp to a few ulp over the range it serves", () => {
    let worst = 0;
    for (let y = -40; y <= 0; y += 0.00731) worst = Math.max(worst, Math.abs(kernel.exp(y) / Math.exp(y) - 1));
    expect(worst).toBeLessThan(1e-15);
  });
});
