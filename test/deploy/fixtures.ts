/** Small models, data and hardware shared by the deploy and sim tests. */
import { tf } from '../../src/engine/index.js';
import { Rng } from '../../src/engine/rng.js';
import type { Dataset } from '../../src/data/dataset.js';
import { devicePreset } from '../../src/device/index.js';
import type { HardwareConfig } from '../../src/crossbar/hardware.js';
import { Sequential } from '../../src/nn/model.js';
import { BatchNorm, Conv2d, Dense, Flatten, MaxPool, ReLU } from '../../src/nn/layers.js';

/** Conv (3x3, 2 -> 6 channels) + batch norm + ReLU + max-pool + dense, on 8x8x2 inputs. */
export function smallCnn(seed = 1): Sequential {
  const model = new Sequential({
    name: 'small-cnn',
    inputShape: [8, 8, 2],
    numClasses: 10,
    seed,
    layers: [
      new Conv2d('conv', { filters: 6, kernelSize: 3, padding: 'same' }),
      new BatchNorm('bn'),
      new ReLU('relu'),
      new MaxPool('pool', { poolSize: 2 }),
      new Flatten('flat'),
      new Dense('fc', { units: 10 }),
    ],
  });
  // non-trivial batch-norm statistics so folding is exercised
  const rng = new Rng(seed + 100);
  const bn = model.layer('bn');
  for (const [name, lo, hi] of [['gamma', 0.5, 1.5], ['beta', -0.2, 0.2], ['movingMean', -0.1, 0.1], ['movingVariance', 0.5, 2]] as const) {
    bn.param(name).variable.assign(tf.tensor1d(rng.fillUniform(new Float32Array(6), lo, hi)));
  }
  const fcBias = model.layer('fc').param('bias').variable;
  fcBias.assign(tf.tensor1d(rng.fillUniform(new Float32Array(10), -0.1, 0.1)));
  return model;
}

export function mlp(seed = 1): Sequential {
  return new Sequential({
    name: 'mlp',
    inputShape: [20],
    numClasses: 5,
    seed,
    layers: [new Dense('fc1', { units: 16 }), new ReLU('relu'), new Dense('fc2', { units: 5 })],
  });
}

export function randomData(shape: number[], n: number, numClasses: number, seed = 3, signed = false): Dataset {
  const per = shape.reduce((a, b) => a * b, 1);
  const rng = new Rng(seed);
  const x = rng.fillUniform(new Float32Array(n * per), signed ? -1 : 0, 1);
  const y = new Int32Array(n).map(() => rng.int(numClasses));
  return { name: 'random', length: n, sampleShape: shape, x, y, labelShape: [], numClasses };
}

export function idealHardware(over: Partial<HardwareConfig> = {}): HardwareConfig {
  return {
    device: devicePreset('ideal'),
    tile: { rows: 128, cols: 128 },
    mapping: 'differential',
    dac: { bits: 24, mode: 'amplitude', percentile: 1 },
    adc: { bits: 24, range: 'calibrated', percentile: 1 },
    wireResistance: 0,
    ...over,
  };
}

/** max |a - b| / max |b| */
export function relativeError(a: Float32Array, b: Float32Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
}
