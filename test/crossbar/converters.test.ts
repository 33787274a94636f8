import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '../../src/engine/index.js';
import { Rng } from '../../src/engine/rng.js';
import { absPercentile, convertColumns, lsb, quantize, quantizeCounting } from '../../src/crossbar/converters.js';
import { mapMatrix, sliceLayout } from '../../src/crossbar/mapping.js';
import { planTiles } from '../../src/crossbar/tiling.js';
import { validateHardware } from '../../src/crossbar/hardware.js';
import { idealHardware } from '../deploy/fixtures.js';
import { devicePreset } from '../../src/device/index.js';

beforeAll(async () => {
  await initEngine('wasm');
});

describe('converters', () => {
  for (const [bits, signed] of [[4, true], [8, true], [8, false], [10, true]] as const) {
    it(`${bits}-bit ${signed ? 'signed' : 'unsigned'}: error within half an LSB in range, clipped outside`, () => {
      const fs = 2.5e-5;
      const rng = new Rng(bits);
      const inRange = rng.fillUniform(new Float32Array(5000), signed ? -fs : 0, fs);
      const q = quantize(tf.tensor1d(inRange), bits, fs, signed).dataSync();
      const half = lsb(bits, fs, signed) / 2;
      let worst = 0;
      for (let i = 0; i < inRange.length; i++) worst = Math.max(worst, Math.abs(q[i] - inRange[i]));
      expect(worst).toBeLessThanOrEqual(half * (1 + 1e-5));
      // the number of distinct codes is what the bits allow
      const codes = new Set(Array.from(q, (v) => Math.round(v / (2 * half))));
      expect(codes.size).toBeLessThanOrEqual(signed ? 2 ** bits - 1 : 2 ** bits);
      const out = tf.tensor1d([fs * 1.5, signed ? -fs * 1.5 : -fs * 0.5, fs * 0.5]);
      const { q: clippedTensor, clipped } = quantizeCounting(out, bits, fs, signed);
      expect(clipped.dataSync()[0]).toBe(2);
      const clippedValues = clippedTensor.dataSync();
      // quantizeCounting and quantize agree
      expect(Array.from(quantize(out, bits, fs, signed).dataSync())).toEqual(Array.from(clippedValues));
      expect(Math.abs(clippedValues[0] - fs) / fs).toBeLessThan(1e-6);
    });
  }

  it('absPercentile', () => {
    const v = new Float32Array([-5, 1, 2, 3, 4]);
    expect(absPercentile(v, 1)).toBe(5);
    expect(absPercentile(v, 0.5)).toBe(3);
  });
});

describe('convertColumns (fused read noise, ADC and shift-add)', () => {
  const fs = 3e-5;
  const bits = 8;

  it('without noise: the codes and clip count of quantizeCounting, scaled and accumulated', () => {
    const current = new Rng(1).fillUniform(new Float32Array(3000), -1.3 * fs, 1.3 * fs);
    const acc = new Float32Array(current.length).fill(0.25);
    const clipped = convertColumns({ current, adc: { bits, fullScale: fs }, scale: 2, acc });
    const ref = quantizeCounting(tf.tensor1d(current), bits, fs, true);
    const q = ref.q.dataSync();
    for (let i = 0; i < current.length; i++) expect(acc[i]).toBeCloseTo(0.25 + 2 * q[i], 6); // float32 accumulator
    expect(clipped).toBe(ref.clipped.dataSync()[0]);
    expect(clipped).toBeGreaterThan(100); // the test range does reach beyond full scale
  });

  it('rounds ties to even, as tf.round does', () => {
    const fsExact = 127 * 2 ** -20; // an LSB of 2^-20: the ties are exact in float32
    const current = new Float32Array([0.5, 1.5, 2.5, -0.5, -1.5, -2.5].map((c) => c * 2 ** -20));
    const acc = new Float32Array(current.length);
    convertColumns({ current, adc: { bits, fullScale: fsExact }, scale: 1, acc });
    expect(Array.from(acc, (a) => a * 2 ** 20 + 0)).toEqual([0, 2, 2, 0, -2, -2]);
    expect(Array.from(acc, (a) => a + 0)).toEqual(Array.from(quantize(tf.tensor1d(current), bits, fsExact, true).dataSync(), (a) => a + 0));
  });

  it('adds N(0, variance) per element: the right spread, fresh for every element', () => {
    const n = 40_000;
    const current = new Float32Array(n).fill(1e-6);
    const variance = new Float32Array(n);
    for (let i = 0; i < n; i++) variance[i] = i % 2 === 0 ? 1e-14 : 4e-14; // sd 1e-7 and 2e-7
    const acc = new Float32Array(n);
    convertColumns({ current, variance, rng: new Rng(5), scale: 1, acc });
    for (const [parity, sd] of [[0, 1e-7], [1, 2e-7]] as const) {
      let s = 0;
      let s2 = 0;
      let lag = 0;
      for (let i = parity; i < n; i += 2) {
        const d = acc[i] - 1e-6;
        s += d;
        s2 += d * d;
        if (i + 2 < n) lag += d * (acc[i + 2] - 1e-6);
      }
      const m = n / 2;
      expect(Math.abs(s / m)).toBeLessThan((4 * sd) / Math.sqrt(m));
      expect(Math.abs(Math.sqrt(s2 / m) / sd - 1)).toBeLessThan(0.03);
      // neighbours independent: lag-1 correlation within noise (1/sqrt(m) = 0.007)
      expect(Math.abs(lag / (m * sd * sd))).toBeLessThan(0.04);
    }
  });

  it('the fused path (noise + ADC) and the general path (recording currents) convert alike', () => {
    const n = 10_000; // more than one chunk of normals
    const current = new Rng(2).fillUniform(new Float32Array(n), -fs, fs);
    const variance = new Float32Array(n).fill((0.1 * fs) ** 2);
    const a = new Float32Array(n);
    const b = new Float32Array(n);
    const record = new Float32Array(n);
    const ca = convertColumns({ current, variance, rng: new Rng(9), adc: { bits, fullScale: fs }, scale: 3, acc: a });
    const cb = convertColumns({ current, variance, rng: new Rng(9), adc: { bits, fullScale: fs }, scale: 3, acc: b, record });
    expect(ca).toBe(cb);
    expect(ca).toBeGreaterThan(0);
    for (let i = 0; i < n; i++) expect(a[i]).toBeCloseTo(b[i], 9);
    // the recorded |current| is the noisy one, before the ADC
    let moved = 0;
    for (let i = 0; i < n; i++) if (Math.abs(record[i] - Math.abs(current[i])) > 1e-3 * fs) moved++;
    expect(moved).toBeGreaterThan(0.9 * n);
  });

  it('refuses read noise without a random stream', () => {
    const one = new Float32Array(1);
    expect(() => convertColumns({ current: one, variance: one, scale: 1, acc: new Float32Array(1) })).toThrow(/random stream/);
  });
});

describe('mapping and tiling', () => {
  it('differential pairs: w = (G+ - G-) * weightPerSiemens', () => {
    const hw = idealHardware({ device: devicePreset('ideal', { gMin: 1e-6, gMax: 41e-6 }) });
    const w = new Float32Array([0.5, -1, 0, 0.25, -0.75, 1]);
    const m = mapMatrix(w, 2, 3, hw);
    for (let i = 0; i < w.length; i++) {
      expect((m.pos[0][i] - m.neg![0][i]) * m.weightPerSiemens[0]).toBeCloseTo(w[i], 6);
      expect(Math.min(m.pos[0][i], m.neg![0][i])).toBeCloseTo(1e-6, 12);
    }
  });

  it('bit slices: 8-bit weights in 2-bit cells take 4 slices whose digits recombine', () => {
    const hw = idealHardware({ weightBits: 8, cellBits: 2 });
    expect(sliceLayout(hw)).toEqual({ slices: 4, cellBits: 2, magBits: 7 });
    const w = new Float32Array([1, -0.5, 0.123, -0.999]);
    const m = mapMatrix(w, 1, 4, hw);
    for (let i = 0; i < 4; i++) {
      let sum = 0;
      for (let s = 0; s < 4; s++) sum += (m.pos[s][i] - m.neg![s][i]) * m.weightPerSiemens[s];
      expect(sum).toBeCloseTo(m.quantizedWeights[i], 6);
      expect(Math.abs(m.quantizedWeights[i] - w[i])).toBeLessThanOrEqual(0.5 / 127 + 1e-7);
    }
  });

  it('tiles: row and column blocks cover the matrix', () => {
    const hw = idealHardware({ tile: { rows: 128, cols: 128 } });
    const plan = planTiles(300, 100, hw); // 100 outputs as pairs need 200 columns
    expect(plan.rowBlocks).toEqual([[0, 128], [128, 256], [256, 300]]);
    expect(plan.colBlocks).toEqual([[0, 64], [64, 100]]);
    expect(plan.tiles).toBe(6);
    expect(plan.utilization).toBeCloseTo((300 * 100 * 2) / (6 * 128 * 128), 10);
    const off = planTiles(300, 100, idealHardware({ mapping: 'offset' }));
    expect(off.colBlocks).toEqual([[0, 100]]);
  });

  it('bad hardware values are explained', () => {
    expect(() => validateHardware(idealHardware({ adc: { bits: 0, range: 'calibrated', percentile: 1 } }))).toThrowError(/adc.bits/);
    expect(() => validateHardware(idealHardware({ tile: { rows: 100000, cols: 128 } }))).toThrowError(/larger than any sensible/);
    expect(() => validateHardware(idealHardware({ weightBits: 8, mapping: 'offset' }))).toThrowError(/differential/);
    expect(() => validateHardware(idealHardware({ device: devicePreset('rram'), weightBits: 8, cellBits: 6 }))).toThrowError(/levels/);
  });
});
