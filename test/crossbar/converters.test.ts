import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '../../src/engine/index.js';
import { Rng } from '../../src/engine/rng.js';
import { absPercentile, lsb, quantize, quantizeCounting } from '../../src/crossbar/converters.js';
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
