/** Cell read energy counted by the simulator against sum over reads of V^2 G t_read computed cell by cell. */
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '../../src/engine/index.js';
import { compile } from '../../src/deploy/compile.js';
import { analogStages } from '../../src/deploy/deployment.js';
import { Chip } from '../../src/sim/chip.js';
import type { StageCounters } from '../../src/sim/analog.js';
import { idealHardware, randomData, smallCnn } from '../deploy/fixtures.js';

beforeAll(async () => {
  await initEngine('wasm');
});

describe('cell read energy', () => {
  it('equals sum over every read of V^2 G t for a convolution (im2col by hand) and a dense layer', () => {
    const model = smallCnn(3);
    const data = randomData([8, 8, 2], 3, 10, 12);
    const hw = idealHardware({ tile: { rows: 10, cols: 8 }, dac: { bits: 24, mode: 'amplitude', percentile: 1 } });
    const d = compile(model, hw, { calibration: data });
    const [conv, fc] = analogStages(d);
    const chip = new Chip(d, 1);
    const counters: StageCounters = {};
    const x = tf.tensor(data.x, [3, 8, 8, 2]);
    const logits = chip.forward(x, counters);
    const { readVoltage, readPulseWidth } = hw.device;

    // every cell's conductance: both cells of each pair, all columns (ideal device: the targets)
    const rowG = (stage: typeof conv) => {
      const g = new Float64Array(stage.K);
      for (let i = 0; i < stage.K; i++) for (let j = 0; j < stage.N; j++) g[i] += stage.mapped.pos[0][i * stage.N + j] + stage.mapped.neg![0][i * stage.N + j];
      return g;
    };
    // convolution: 3x3 'same' on 8x8x2; rows in (channel, kh, kw) order
    const gConv = rowG(conv);
    let expectedConv = 0;
    for (let b = 0; b < 3; b++) {
      for (let oy = 0; oy < 8; oy++) {
        for (let ox = 0; ox < 8; ox++) {
          for (let c = 0; c < 2; c++) {
            for (let ky = 0; ky < 3; ky++) {
              for (let kx = 0; kx < 3; kx++) {
                const iy = oy + ky - 1;
                const ix = ox + kx - 1;
                if (iy < 0 || iy >= 8 || ix < 0 || ix >= 8) continue;
                const v = (data.x[((b * 8 + iy) * 8 + ix) * 2 + c] * readVoltage) / conv.calibration.xMax;
                expectedConv += v * v * gConv[(c * 3 + ky) * 3 + kx] * readPulseWidth;
              }
            }
          }
        }
      }
    }
    expect(counters.conv.cellEnergy / expectedConv).toBeCloseTo(1, 4);

    // dense layer: its input is the chip's own pooled activations; recompute them from the float layers
    const pooled = tf.tidy(() => {
      let h: tf.Tensor = x;
      for (const name of ['conv', 'bn', 'relu', 'pool', 'flat']) h = model.layer(name).forward(h, { training: false, rng: undefined as never });
      return h.dataSync() as Float32Array;
    });
    const gFc = rowG(fc);
    let expectedFc = 0;
    for (let b = 0; b < 3; b++) {
      for (let i = 0; i < fc.K; i++) {
        const v = (pooled[b * fc.K + i] * readVoltage) / fc.calibration.xMax;
        expectedFc += v * v * gFc[i] * readPulseWidth;
      }
    }
    expect(counters.fc.cellEnergy / expectedFc).toBeCloseTo(1, 3);
    logits.dispose();
    x.dispose();
    chip.dispose();
    model.dispose();
  });
});
