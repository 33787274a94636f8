/**
 * The output-referred read noise must have the distribution of independent noise on every cell.
 * Reference: a brute-force simulation that draws every cell's read conductance for every vector.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { initEngine, tf } from '../../src/engine/index.js';
import { Rng } from '../../src/engine/rng.js';
import { compile } from '../../src/deploy/compile.js';
import { analogStages } from '../../src/deploy/deployment.js';
import { programMatrix } from '../../src/crossbar/array.js';
import { AnalogStageRunner } from '../../src/sim/analog.js';
import { Sequential } from '../../src/nn/model.js';
import { Dense } from '../../src/nn/layers.js';
import { devicePreset } from '../../src/device/index.js';
import { readoutKernel } from '../../src/engine/readout-kernel.js';
import { idealHardware, randomData } from '../deploy/fixtures.js';

beforeAll(async () => {
  await initEngine('wasm');
});

/** Mean and sd of column j, and the covariance of columns 0 and 1, over M outputs of N columns. */
function columnStats(arr: Float32Array, M: number, N: number, j: number): { mean: number; sd: number } {
  let s = 0;
  let s2 = 0;
  for (let m = 0; m < M; m++) {
    s += arr[m * N + j];
    s2 += arr[m * N + j] ** 2;
  }
  const mean = s / M;
  return { mean, sd: Math.sqrt(s2 / M - mean * mean) };
}

function covariance01(arr: Float32Array, M: number, N: number): number {
  const a = columnStats(arr, M, N, 0);
  const b = columnStats(arr, M, N, 1);
  let c = 0;
  for (let m = 0; m < M; m++) c += (arr[m * N] - a.mean) * (arr[m * N + 1] - b.mean);
  return c / M;
}

describe('per-read noise', () => {
  const K = 12;
  const N = 3;
  const M = 20000;
  const sigmaRel = 0.05;
  const device = devicePreset('ideal', { gMin: 2e-6, gMax: 40e-6, readNoise: { kind: 'relative', sigmaRel } });
  // 24-bit converters over the largest possible current: quantisation and clipping are negligible;
  // a 16-bit ADC (LSB far below the noise) takes the wasm SIMD readout kernel instead of the JS loop
  const cases = [
    { name: 'differential pairs, no converters (generic readout)', mapping: 'differential', converters: 'none', adcBits: 24, kernel: false },
    { name: 'differential pairs through the ADC (fused readout, JS)', mapping: 'differential', converters: 'all', adcBits: 24, kernel: false },
    { name: 'differential pairs through a 16-bit ADC (wasm readout kernel)', mapping: 'differential', converters: 'all', adcBits: 16, kernel: true },
    { name: 'offset cells with a shared reference column, through the ADC', mapping: 'offset', converters: 'all', adcBits: 24, kernel: false },
  ] as const;

  for (const c of cases) {
    it(`matches independent per-cell noise in mean and variance: ${c.name}`, () => {
      const model = new Sequential({ name: 'one', inputShape: [K], numClasses: N, seed: 4, layers: [new Dense('fc', { units: N, useBias: false })] });
      const hw = idealHardware({ device, mapping: c.mapping, adc: { bits: c.adcBits, range: 'fixed', percentile: 1 } });
      const data = randomData([K], 8, N, 9);
      const d = compile(model, hw, { calibration: data });
      const stage = analogStages(d)[0];
      const prog = programMatrix(stage.mapped, stage.plan, hw, new Rng(1));
      // one input vector repeated M times
      const x1 = data.x.subarray(0, K);
      const xs = new Float32Array(M * K);
      for (let m = 0; m < M; m++) xs.set(x1, m * K);
      const runner = new AnalogStageRunner(stage, hw, prog, { converters: c.converters, readNoise: true, rng: new Rng(2) });
      const kernel = readoutKernel();
      const spy = kernel ? vi.spyOn(kernel, 'noisyConversions') : undefined;
      const fast = runner.forward(tf.tensor2d(xs, [M, K])).dataSync() as Float32Array;
      runner.dispose();
      // the path under test is the one taken: the kernel converted the readout, or never ran
      const inKernel = spy?.mock.results.filter((r) => r.type === 'return' && r.value !== undefined).length ?? 0;
      spy?.mockRestore();
      if (c.kernel) expect(inKernel).toBeGreaterThan(0);
      else expect(inKernel).toBe(0);

      // brute force: every cell read with its own N(0, (sigmaRel G)^2) for every vector; an offset
      // mapping's reference cell (one per row, shared by the tile's columns) read once per vector
      const { xMax } = stage.calibration;
      const vRead = hw.device.readVoltage;
      const wps = stage.mapped.weightPerSiemens[0];
      const gp = stage.mapped.pos[0];
      const gn = stage.mapped.neg?.[0];
      const gRef = stage.mapped.ref;
      expect(c.mapping === 'offset' ? gRef : gn).toBeDefined();
      const rng = new Rng(3);
      const slow = new Float32Array(M * N);
      const ref = new Float64Array(K);
      for (let m = 0; m < M; m++) {
        if (gRef !== undefined) for (let i = 0; i < K; i++) ref[i] = gRef * (1 + sigmaRel * rng.normal());
        for (let j = 0; j < N; j++) {
          let current = 0;
          for (let i = 0; i < K; i++) {
            const v = (x1[i] * vRead) / xMax;
            const a = gp[i * N + j] * (1 + sigmaRel * rng.normal());
            const b = gn ? gn[i * N + j] * (1 + sigmaRel * rng.normal()) : ref[i];
            current += v * (a - b);
          }
          slow[m * N + j] = current * (xMax / vRead) * wps;
        }
      }
      for (let j = 0; j < N; j++) {
        const a = columnStats(fast, M, N, j);
        const b = columnStats(slow, M, N, j);
        expect(b.sd).toBeGreaterThan(0);
        // 20k samples: the sd is known to about 0.5 %, the mean to sd/141
        expect(Math.abs(a.sd / b.sd - 1)).toBeLessThan(0.03);
        expect(Math.abs(a.mean - b.mean)).toBeLessThan(4 * (b.sd / Math.sqrt(M)) * Math.SQRT2 + 1e-7);
      }
      // columns are independent, except through a shared reference cell
      const sd0 = columnStats(slow, M, N, 0).sd;
      const sd1 = columnStats(slow, M, N, 1).sd;
      const rhoFast = covariance01(fast, M, N) / (sd0 * sd1);
      const rhoSlow = covariance01(slow, M, N) / (sd0 * sd1);
      // a correlation estimated from 20k samples has a standard error of at most 1/sqrt(M) = 0.007
      expect(Math.abs(rhoFast - rhoSlow)).toBeLessThan(0.04);
      if (c.mapping === 'offset') expect(rhoSlow).toBeGreaterThan(0.1);
      else expect(Math.abs(rhoSlow)).toBeLessThan(0.04);
      model.dispose();
    });
  }
});
