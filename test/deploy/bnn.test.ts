import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '../../src/engine/index.js';
import { Rng } from '../../src/engine/rng.js';
import { compile } from '../../src/deploy/compile.js';
import { analogStages } from '../../src/deploy/deployment.js';
import { Chip } from '../../src/sim/chip.js';
import type { StageCounters } from '../../src/sim/analog.js';
import { estimateCost } from '../../src/cost/estimate.js';
import { binarizeModel } from '../../src/compress/binarize.js';
import { Sequential } from '../../src/nn/model.js';
import { BatchNorm, Dense, Sign } from '../../src/nn/layers.js';
import { devicePreset } from '../../src/device/index.js';
import { idealHardware, randomData, relativeError } from './fixtures.js';

beforeAll(async () => {
  await initEngine('wasm');
});

/** A binary MLP: binary fc1, fc2 (batch norm + sign after each), float output layer. */
function binaryMlp(seed: number): Sequential {
  const model = new Sequential({
    name: 'bmlp', inputShape: [20], numClasses: 4, seed,
    layers: [
      new Dense('fc1', { units: 16, useBias: false }), new BatchNorm('bn1'), new Sign('sign1'),
      new Dense('fc2', { units: 12 }), new BatchNorm('bn2'), new Sign('sign2'),
      new Dense('out', { units: 4 }),
    ],
  });
  binarizeModel(model, { firstLayer: 'binary', lastLayer: 'float' });
  const rng = new Rng(seed + 50);
  for (const [name, n] of [['bn1', 16], ['bn2', 12]] as const) {
    const bn = model.layer(name);
    // some negative scales: the sense amplifier's comparison must flip there
    bn.param('gamma').variable.assign(tf.tensor1d(rng.fillUniform(new Float32Array(n), -1.5, 1.5)));
    bn.param('beta').variable.assign(tf.tensor1d(rng.fillUniform(new Float32Array(n), -1, 1)));
    bn.param('movingMean').variable.assign(tf.tensor1d(rng.fillUniform(new Float32Array(n), -2, 2)));
    bn.param('movingVariance').variable.assign(tf.tensor1d(rng.fillUniform(new Float32Array(n), 1, 9)));
  }
  model.layer('fc2').param('bias').variable.assign(tf.tensor1d(rng.fillUniform(new Float32Array(12), -1, 1)));
  return model;
}

describe('bnn scheme', () => {
  it('folded deployment on ideal hardware reproduces the trained binary network bit for bit', () => {
    for (const seed of [1, 2, 3]) {
      const model = binaryMlp(seed);
      const data = randomData([20], 64, 4, seed + 10);
      const x = tf.tensor2d(data.x, [64, 20]);
      const float = model.predict(x).dataSync() as Float32Array;
      const d = compile(model, idealHardware({ device: devicePreset('ideal', { gMin: 1e-6, gMax: 40e-6 }) }), { calibration: data, scheme: 'bnn' });
      const [fc1, fc2, out] = analogStages(d);
      expect([fc1.senseAmp !== undefined, fc2.senseAmp !== undefined, out.senseAmp !== undefined]).toEqual([true, true, false]);
      // the hidden layers' +-1 signals enter as 0 / V: 1-bit drivers, never a negative voltage
      expect([fc2.inputTransform, fc2.inputBits, fc2.calibration.signedInput]).toEqual(['unipolar', 1, false]);
      expect([out.inputTransform, out.inputBits]).toEqual(['unipolar', 1]);
      expect(d.stages.map((s) => s.name)).toEqual(['fc1', 'fc2', 'out']);
      const analog = new Chip(d, 1).forward(x).dataSync() as Float32Array;
      // any flipped bit upstream would move the logits far beyond this tolerance
      expect(relativeError(analog, float)).toBeLessThan(1e-4);
      x.dispose();
      model.dispose();
    }
  });

  it('counts one sense decision per column and 1-bit row drives, and prices them', () => {
    const model = binaryMlp(4);
    const data = randomData([20], 10, 4, 9);
    const d = compile(model, idealHardware({ adc: { bits: 8, range: 'calibrated', percentile: 1 }, dac: { bits: 8, mode: 'amplitude', percentile: 1 } }), { calibration: data, scheme: 'bnn' });
    const counters: StageCounters = {};
    new Chip(d, 1).forward(tf.tensor2d(data.x, [10, 20]), counters);
    expect([counters.fc1.adcConversions, counters.fc2.adcConversions, counters.out.adcConversions]).toEqual([10 * 16, 10 * 12, 10 * 4]);
    expect([counters.fc2.dacConversions, counters.fc2.shiftAdds]).toEqual([10 * 16, 0]);
    const report = estimateCost(d, counters, 10);
    const fc2 = report.stages.find((s) => s.name === 'fc2')!;
    const lib = report.components;
    // 16 one-bit row drives and 12 one-bit decisions per inference
    const dac1 = lib.dac.energy.find(([b]) => b === 1)![1];
    expect(fc2.energy.dac).toBeCloseTo(16 * dac1, 20);
    const out = report.stages.find((s) => s.name === 'out')!;
    const adc8 = lib.adc.energy.find(([b]) => b === 8)![1];
    expect(out.energy.adc).toBeCloseTo(4 * adc8, 20);
    expect(fc2.energy.adc).toBeLessThan(12 * adc8);
    model.dispose();
  });
});

describe('bnn scheme limits', () => {
  it("refuses a 'same'-padded convolution on binary activations, with the reason", async () => {
    const { Conv2d, Flatten } = await import('../../src/nn/layers.js');
    const model = new Sequential({
      name: 'bcnn', inputShape: [6, 6, 1], numClasses: 2, seed: 1,
      layers: [
        new Conv2d('c1', { filters: 2, kernelSize: 3, padding: 'same', useBias: false }), new BatchNorm('bn1'), new Sign('s1'),
        new Conv2d('c2', { filters: 2, kernelSize: 3, padding: 'same', useBias: false }), new BatchNorm('bn2'), new Sign('s2'),
        new Flatten('flat'), new Dense('out', { units: 2 }),
      ],
    });
    binarizeModel(model, { firstLayer: 'binary', lastLayer: 'float' });
    const data = randomData([6, 6, 1], 4, 2, 3);
    expect(() => compile(model, idealHardware(), { calibration: data, scheme: 'bnn' })).toThrowError(/'c2'.*zero padding as -1/);
    model.dispose();
  });
});
