/**
 * The output-referred read noise must have the distribution of independent noise on every cell.
 * Reference: a brute-force simulation that draws every cell's read conductance for every vector.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '../../src/engine/index.js';
import { Rng } from '../../src/engine/rng.js';
import { compile } from '../../src/deploy/compile.js';
import { analogStages } from '../../src/deploy/deployment.js';
import { programMatrix } from '../../src/crossbar/array.js';
import { AnalogStageRunner } from '../../src/sim/analog.js';
import { Sequential } from '../../src/nn/model.js';
import { Dense } from '../../src/nn/layers.js';
import { devicePreset } from '../../src/device/index.js';
import { idealHardware, randomData } from '../deploy/fixtures.js';

beforeAll(async () => {
  await initEngine('wasm');
});

describe('per-read noise', () => {
  it('matches independent per-cell noise in mean and variance', () => {
    const K = 12;
    const N = 3;
    const model = new Sequential({ name: 'one', inputShape: [K], numClasses: N, seed: 4, layers: [new Dense('fc', { units: N, useBias: false })] });
    const sigmaRel = 0.05;
    const hw = idealHardware({ device: devicePreset('ideal', { gMin: 2e-6, gMax: 40e-6, readNoise: { kind: 'relative', sigmaRel } }) });
    const data = randomData([K], 8, N, 9);
    const d = compile(model, hw, { calibration: data });
    const stage = analogStages(d)[0];
    const prog = programMatrix(stage.mapped, stage.plan, hw, new Rng(1));
    const M = 20000;
    // one input vector repeated M times
    const x1 = data.x.subarray(0, K);
    const xs = new Float32Array(M * K);
    for (let m = 0; m < M; m++) xs.set(x1, m * K);
    const runner = new AnalogStageRunner(stage, hw, prog, { converters: 'none', readNoise: true, rng: new Rng(2) });
    const fast = runner.forward(tf.tensor2d(xs, [M, K])).dataSync() as Float32Array;
    runner.dispose();

    // brute force: every cell of the pair read with its own N(0, (sigmaRel G)^2) for every vector
    const { xMax } = stage.calibration;
    const vRead = hw.device.readVoltage;
    const wps = stage.mapped.weightPerSiemens[0];
    const gp = stage.mapped.pos[0];
    const gn = stage.mapped.neg![0];
    const rng = new Rng(3);
    const slow = new Float32Array(M * N);
    for (let m = 0; m < M; m++) {
      for (let j = 0; j < N; j++) {
        let current = 0;
        for (let i = 0; i < K; i++) {
          const v = (x1[i] * vRead) / xMax;
          const a = gp[i * N + j] * (1 + sigmaRel * rng.normal());
          const b = gn[i * N + j] * (1 + sigmaRel * rng.normal());
          current += v * (a - b);
        }
        slow[m * N + j] = current * (xMax / vRead) * wps;
      }
    }
    for (let j = 0; j < N; j++) {
      const stats = (arr: Float32Array) => {
        let s = 0;
        let s2 = 0;
        for (let m = 0; m < M; m++) {
          s += arr[m * N + j];
          s2 += arr[m * N + j] ** 2;
        }
        const mean = s / M;
        return { mean, sd: Math.sqrt(s2 / M - mean * mean) };
      };
      const a = stats(fast);
      const b = stats(slow);
      expect(b.sd).toBeGreaterThan(0);
      // 20k samples: the sd is known to about 0.5 %, the mean to sd/141
      expect(Math.abs(a.sd / b.sd - 1)).toBeLessThan(0.03);
      expect(Math.abs(a.mean - b.mean)).toBeLessThan(4 * (b.sd / Math.sqrt(M)) * Math.SQRT2 + 1e-7);
    }
    model.dispose();
  });
});
