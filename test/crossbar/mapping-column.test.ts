/**
 * Per-column conductance scales (`hardware.weightScale: 'column'`). With one full scale per
 * matrix, a column whose weights are all small (after batch-norm folding, or a depthwise kernel)
 * uses a fraction of the conductance range, and programming error, a fixed fraction of that range,
 * swamps it; mapping each column to the full range and rescaling its readout digitally keeps the
 * error relative to the column's own weights.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '../../src/engine/index.js';
import { Rng } from '../../src/engine/rng.js';
import { mapMatrix } from '../../src/crossbar/mapping.js';
import { type HardwareConfig, validateHardware } from '../../src/crossbar/hardware.js';
import { HardwareConfigSchema, hardwareFromConfig } from '../../src/config/hardware.js';
import { devicePreset } from '../../src/device/index.js';
import { compile } from '../../src/deploy/compile.js';
import { Chip } from '../../src/sim/chip.js';
import { Sequential } from '../../src/nn/model.js';
import { Dense } from '../../src/nn/layers.js';
import { isUserError } from '../../src/errors.js';
import { idealHardware, randomData } from '../deploy/fixtures.js';

beforeAll(async () => {
  await initEngine('wasm');
});

/** Column scales spanning 50x, the spread of a folded layer's worst columns. */
const SCALES = [1, 0.5, 0.2, 0.1, 0.05, 0.02];

/** W [K, SCALES.length]: uniform in [-1, 1], column j multiplied by SCALES[j]. */
function unequalColumns(K: number, seed: number): Float32Array {
  const w = new Rng(seed).fillUniform(new Float32Array(K * SCALES.length), -1, 1);
  for (let i = 0; i < w.length; i++) w[i] *= SCALES[i % SCALES.length];
  return w;
}

describe("mapMatrix with weightScale 'column'", () => {
  const N = SCALES.length;
  const K = 40;
  const w = unequalColumns(K, 2);

  it('maps every column largest |w| to the full conductance difference; matrix scale does so only for the largest column', () => {
    const dev = devicePreset('rram');
    const dG = dev.gMax - dev.gMin;
    for (const weightScale of ['column', 'matrix'] as const) {
      const m = mapMatrix(w, K, N, idealHardware({ device: { ...dev, levels: Infinity }, weightScale }));
      const colMax = new Float64Array(N);
      for (let i = 0; i < K * N; i++) colMax[i % N] = Math.max(colMax[i % N], Math.abs(w[i]));
      for (let j = 0; j < N; j++) {
        let span = 0;
        for (let i = 0; i < K; i++) span = Math.max(span, Math.abs(m.pos[0][i * N + j] - m.neg![0][i * N + j]));
        // column: every column spans the range; matrix: a column spans its max |w| over the matrix's
        const want = weightScale === 'column' ? 1 : colMax[j] / Math.max(...colMax);
        expect(span / dG).toBeCloseTo(want, 5);
      }
      expect(m.columnScale === undefined).toBe(weightScale === 'matrix');
    }
  });

  it('(G+ - G-) x weightPerSiemens x columnScale gives back the weights (analog and 8-bit sliced)', () => {
    for (const over of [{ device: devicePreset('ideal') }, { device: devicePreset('rram'), weightBits: 8 }] as Partial<HardwareConfig>[]) {
      const m = mapMatrix(w, K, N, idealHardware({ ...over, weightScale: 'column' }));
      for (let i = 0; i < K * N; i++) {
        let held = 0;
        for (let s = 0; s < m.slices; s++) held += (m.pos[s][i] - m.neg![s][i]) * m.weightPerSiemens[s];
        held *= m.columnScale![i % N];
        expect(held).toBeCloseTo(m.quantizedWeights[i], 6);
        // 8-bit weights: one step per column, max_i |w_ij| / 127, so small columns keep their resolution
        const j = i % N;
        const step = over.weightBits ? (SCALES[j] * 1.01) / 127 : 1e-6;
        expect(Math.abs(m.quantizedWeights[i] - w[i])).toBeLessThanOrEqual(step / 2 + 1e-7);
      }
    }
  });

  it('an all-zero column maps to zeros with scale 1; default and explicit matrix scale agree', () => {
    const z = w.slice();
    for (let i = 0; i < K; i++) z[i * N + 3] = 0;
    const m = mapMatrix(z, K, N, idealHardware({ weightScale: 'column' }));
    expect(m.columnScale![3]).toBe(1);
    for (let i = 0; i < K; i++) expect(m.quantizedWeights[i * N + 3]).toBe(0);
    const a = mapMatrix(w, K, N, idealHardware({ device: devicePreset('rram'), weightBits: 8 }));
    const b = mapMatrix(w, K, N, idealHardware({ device: devicePreset('rram'), weightBits: 8, weightScale: 'matrix' }));
    expect(b.pos).toEqual(a.pos);
    expect(b.neg).toEqual(a.neg);
    expect(b.columnScale).toBeUndefined();
  });

  it('hardware validation and the config schema accept matrix and column only', () => {
    expect(() => validateHardware(idealHardware({ weightScale: 'column' }))).not.toThrow();
    try {
      validateHardware(idealHardware({ weightScale: 'row' as 'column' }));
      expect.unreachable();
    } catch (e) {
      expect(isUserError(e)).toBe(true);
      expect((e as Error).message).toMatch(/weightScale/);
    }
    expect(hardwareFromConfig(HardwareConfigSchema.parse({ weightScale: 'column' })).weightScale).toBe('column');
    expect(hardwareFromConfig(HardwareConfigSchema.parse({})).weightScale).toBeUndefined();
    expect(HardwareConfigSchema.safeParse({ weightScale: 'row' }).success).toBe(false);
  });
});

describe('on a noisy device (rram programming error), per-column scales', () => {
  /** Per-column relative RMS error of chip outputs against the float layer, mean of 3 chips. */
  function columnErrors(weightScale: 'matrix' | 'column'): number[] {
    const K = 64;
    const N = SCALES.length;
    const model = new Sequential({ name: 'fc', inputShape: [K], numClasses: N, seed: 1, layers: [new Dense('fc', { units: N })] });
    model.layer('fc').param('kernel').variable.assign(tf.tensor2d(unequalColumns(K, 7), [K, N]));
    const data = randomData([K], 48, N, 5);
    const x = tf.tensor2d(data.x, [data.length, K]);
    const want = model.predict(x).dataSync() as Float32Array;
    const d = compile(model, idealHardware({ device: devicePreset('rram'), weightScale }), { calibration: data });
    const err = new Float64Array(N);
    const chips = 3;
    for (let c = 0; c < chips; c++) {
      const chip = new Chip(d, 100 + c);
      const got = chip.forward(x).dataSync() as Float32Array;
      chip.dispose();
      for (let j = 0; j < N; j++) {
        let num = 0;
        let den = 0;
        for (let n = 0; n < data.length; n++) {
          num += (got[n * N + j] - want[n * N + j]) ** 2;
          den += want[n * N + j] ** 2;
        }
        err[j] += Math.sqrt(num / den) / chips;
      }
    }
    x.dispose();
    model.dispose();
    return [...err];
  }

  it('lower the relative output error of small columns by about their scale, and leave the largest column as it was', () => {
    const matrix = columnErrors('matrix');
    const column = columnErrors('column');
    // the largest column is mapped alike either way (programming noise of the same cells, up to the random stream)
    expect(column[0] / matrix[0]).toBeGreaterThan(0.5);
    expect(column[0] / matrix[0]).toBeLessThan(2);
    // matrix scale: the error grows as the column shrinks; column scale: it stays about that of the largest column
    expect(matrix[5]).toBeGreaterThan(10 * matrix[0]);
    expect(column[5]).toBeLessThan(3 * column[0]);
    for (let j = 1; j < SCALES.length; j++) expect(column[j]).toBeLessThan(matrix[j]);
    // a column at 2 % of the largest: programming error relative to it about 50x smaller (>= 10x with sigma's conductance dependence)
    expect(matrix[5] / column[5]).toBeGreaterThan(10);
  });
});
