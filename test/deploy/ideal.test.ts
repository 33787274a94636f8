import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '../../src/engine/index.js';
import { compile } from '../../src/deploy/compile.js';
import { Chip } from '../../src/sim/chip.js';
import { analogStages } from '../../src/deploy/deployment.js';
import { Sequential } from '../../src/nn/model.js';
import { Dense, DepthwiseConv2d, Flatten, ReLU } from '../../src/nn/layers.js';
import type { Dataset } from '../../src/data/dataset.js';
import type { HardwareConfig } from '../../src/crossbar/hardware.js';
import { idealHardware, mlp, randomData, relativeError, smallCnn } from './fixtures.js';

beforeAll(async () => {
  await initEngine('wasm');
});

function floatOutputs(model: Sequential, data: Dataset): Float32Array {
  const x = tf.tensor(data.x, [data.length, ...data.sampleShape]);
  const y = model.predict(x);
  const out = y.dataSync() as Float32Array;
  x.dispose();
  y.dispose();
  return out;
}

function analogOutputs(model: Sequential, data: Dataset, hw: HardwareConfig, seed = 1): Float32Array {
  const d = compile(model, hw, { calibration: data });
  const chip = new Chip(d, seed);
  const x = tf.tensor(data.x, [data.length, ...data.sampleShape]);
  const y = chip.forward(x);
  const out = y.dataSync() as Float32Array;
  x.dispose();
  y.dispose();
  chip.dispose();
  return out;
}

describe('ideal hardware reproduces the float network', () => {
  const cases: [string, Partial<HardwareConfig>][] = [
    ['128x128 tiles, differential', {}],
    ['4x4 tiles (many row and column blocks)', { tile: { rows: 4, cols: 4 } }],
    ['7x5 tiles (ragged blocks; a 3x3 kernel cut across tiles)', { tile: { rows: 7, cols: 5 } }],
    ['10x8 tiles (row blocks of one whole input channel each)', { tile: { rows: 10, cols: 8 } }],
    ['offset mapping with reference column', { mapping: 'offset' }],
    ['offset mapping, 5x3 tiles', { mapping: 'offset', tile: { rows: 5, cols: 3 } }],
    ['bit-serial DAC', { dac: { bits: 16, mode: 'bit-serial', percentile: 1 } }],
  ];
  for (const [label, over] of cases) {
    it(`CNN with folded batch norm: ${label}`, () => {
      const model = smallCnn();
      const data = randomData([8, 8, 2], 24, 10);
      const err = relativeError(analogOutputs(model, data, idealHardware(over)), floatOutputs(model, data));
      expect(err).toBeLessThan(1e-4);
      model.dispose();
    });
  }

  it('MLP with signed inputs (bipolar DAC), small tiles', () => {
    const model = mlp();
    const data = randomData([20], 32, 5, 4, true);
    const err = relativeError(analogOutputs(model, data, idealHardware({ tile: { rows: 6, cols: 6 } })), floatOutputs(model, data));
    expect(err).toBeLessThan(1e-4);
    model.dispose();
  });

  it('depthwise convolutions (block-diagonal mapping), with multiplier, stride and dilation', () => {
    for (const opts of [{ multiplier: 2, stride: 2 }, { multiplier: 1, dilation: 2 }]) {
      const model = new Sequential({
        name: 'dw', inputShape: [8, 8, 3], numClasses: 4, seed: 6,
        layers: [new DepthwiseConv2d('dw', { kernelSize: 3, padding: 'same', ...opts }), new ReLU('relu'), new Flatten('flat'), new Dense('fc', { units: 4 })],
      });
      const data = randomData([8, 8, 3], 10, 4, 13);
      for (const tile of [{ rows: 128, cols: 128 }, { rows: 10, cols: 6 }]) {
        const err = relativeError(analogOutputs(model, data, idealHardware({ tile })), floatOutputs(model, data));
        expect(err).toBeLessThan(1e-4);
      }
      const d = compile(model, idealHardware(), { calibration: data });
      const dw = analogStages(d)[0];
      expect(dw.usefulMacsPerVector).toBe(9 * 3 * (opts.multiplier ?? 1));
      model.dispose();
    }
  });

  it('differential and offset mappings agree', () => {
    const model = smallCnn(2);
    const data = randomData([8, 8, 2], 16, 10, 5);
    const a = analogOutputs(model, data, idealHardware({ mapping: 'differential' }));
    const b = analogOutputs(model, data, idealHardware({ mapping: 'offset' }));
    expect(relativeError(a, b)).toBeLessThan(1e-4);
    model.dispose();
  });

  it('bit-sliced 8-bit weights equal the network with those quantised weights', () => {
    const model = mlp(3);
    const data = randomData([20], 16, 5, 6);
    const hw = idealHardware({ weightBits: 8, cellBits: 2, tile: { rows: 8, cols: 8 } });
    const d = compile(model, hw, { calibration: data });
    const stages = analogStages(d);
    expect(stages[0].mapped.slices).toBe(4); // 7 magnitude bits in 2-bit cells
    // a float network holding the quantised weights (and the same biases)
    for (const s of stages) model.layer(s.name).param('kernel').variable.assign(tf.tensor2d(s.mapped.quantizedWeights, [s.K, s.N]));
    const expected = floatOutputs(model, data);
    const chip = new Chip(d, 1);
    const x = tf.tensor(data.x, [data.length, 20]);
    const got = chip.forward(x).dataSync() as Float32Array;
    expect(relativeError(got, expected)).toBeLessThan(1e-4);
    chip.dispose();
    model.dispose();
  });
});

describe('recurrent layers on ideal hardware', () => {
  const cells: [string, 'rnn' | 'lstm' | 'gru', Record<string, unknown>][] = [
    ['SimpleRNN (tanh)', 'rnn', {}],
    ['SimpleRNN (ReLU)', 'rnn', { activation: 'relu' }],
    ['LSTM, two stacked layers', 'lstm', { layers: 2 }],
    ['GRU (two recurrent column blocks)', 'gru', {}],
  ];
  for (const [label, cell, extra] of cells) {
    it(`${label} equals the float network, 5x6 tiles`, async () => {
      const { buildRnnClassifier } = await import('../../src/nn/recurrent-classifier.js');
      const model = buildRnnClassifier({ cell, units: 7, inputShape: [6, 3], numClasses: 4, seed: 2, maskZeros: false, ...extra });
      const data = randomData([6, 3], 12, 4, 8, true);
      const hw = idealHardware({ tile: { rows: 5, cols: 6 } });
      const err = relativeError(analogOutputs(model, data, hw), floatOutputs(model, data));
      expect(err).toBeLessThan(1e-4);
      const d = compile(model, hw, { calibration: data });
      const names = analogStages(d).map((s) => s.name);
      expect(names).toContain('rnn1/input');
      if (cell === 'gru') expect(names).toContain('rnn1/recurrent1');
      model.dispose();
    });
  }
});

describe("per-column conductance scales (hardware.weightScale 'column') on ideal hardware", () => {
  const column = (over: Partial<HardwareConfig> = {}) => idealHardware({ weightScale: 'column', ...over });
  const cases: [string, Partial<HardwareConfig>][] = [
    ['128x128 tiles', {}],
    ['7x5 tiles (ragged blocks, a kernel cut across tiles)', { tile: { rows: 7, cols: 5 } }],
    ['offset mapping, 5x3 tiles', { mapping: 'offset', tile: { rows: 5, cols: 3 } }],
    ['bit-serial DAC', { dac: { bits: 16, mode: 'bit-serial', percentile: 1 } }],
  ];
  for (const [label, over] of cases) {
    it(`CNN with folded batch norm: ${label}`, () => {
      const model = smallCnn(3);
      const data = randomData([8, 8, 2], 24, 10, 4);
      const err = relativeError(analogOutputs(model, data, column(over)), floatOutputs(model, data));
      expect(err).toBeLessThan(1e-4);
      model.dispose();
    });
  }

  it('the columns really are scaled apart: each column of a folded layer has its own full scale', () => {
    const model = smallCnn(3);
    const data = randomData([8, 8, 2], 8, 10, 4);
    const stage = analogStages(compile(model, column(), { calibration: data }))[0];
    const scale = stage.mapped.columnScale!;
    expect(scale).toHaveLength(stage.N);
    // columnScale[j] = max_i |w_ij| / max |w|, from the stage's own (folded) weights
    let wMax = 0;
    const colMax = new Float64Array(stage.N);
    for (let i = 0; i < stage.K * stage.N; i++) {
      colMax[i % stage.N] = Math.max(colMax[i % stage.N], Math.abs(stage.weights[i]));
      wMax = Math.max(wMax, Math.abs(stage.weights[i]));
    }
    for (let j = 0; j < stage.N; j++) expect(scale[j]).toBeCloseTo(colMax[j] / wMax, 6);
    expect(Math.min(...scale)).toBeLessThan(0.99);
    model.dispose();
  });

  it('depthwise convolutions (block-diagonal matrices), 10x6 tiles', () => {
    const model = new Sequential({
      name: 'dw', inputShape: [8, 8, 3], numClasses: 4, seed: 6,
      layers: [new DepthwiseConv2d('dw', { kernelSize: 3, padding: 'same', multiplier: 2 }), new ReLU('relu'), new Flatten('flat'), new Dense('fc', { units: 4 })],
    });
    const data = randomData([8, 8, 3], 10, 4, 13);
    for (const tile of [{ rows: 128, cols: 128 }, { rows: 10, cols: 6 }]) {
      expect(relativeError(analogOutputs(model, data, column({ tile })), floatOutputs(model, data))).toBeLessThan(1e-4);
    }
    model.dispose();
  });

  it('bit-sliced 8-bit weights, quantised per column, equal the network with those weights', () => {
    const model = mlp(3);
    const data = randomData([20], 16, 5, 6);
    const d = compile(model, column({ weightBits: 8, cellBits: 2, tile: { rows: 8, cols: 8 } }), { calibration: data });
    const stages = analogStages(d);
    for (const s of stages) {
      // every column holds its largest weight exactly (one quantisation step per column)
      for (let j = 0; j < s.N; j++) {
        let big = 0;
        let held = 0;
        for (let i = 0; i < s.K; i++) {
          if (Math.abs(s.weights[i * s.N + j]) > Math.abs(big)) {
            big = s.weights[i * s.N + j];
            held = s.mapped.quantizedWeights[i * s.N + j];
          }
        }
        expect(held).toBeCloseTo(big, 5);
      }
      model.layer(s.name).param('kernel').variable.assign(tf.tensor2d(s.mapped.quantizedWeights, [s.K, s.N]));
    }
    const expected = floatOutputs(model, data);
    const chip = new Chip(d, 1);
    const x = tf.tensor(data.x, [data.length, 20]);
    const got = chip.forward(x).dataSync() as Float32Array;
    expect(relativeError(got, expected)).toBeLessThan(1e-4);
    x.dispose();
    chip.dispose();
    model.dispose();
  });

  it('the idm scheme (scales folded into the amplifier gains) equals the float network', () => {
    const model = smallCnn(4);
    const data = randomData([8, 8, 2], 16, 10, 21);
    const x = tf.tensor(data.x, [data.length, ...data.sampleShape]);
    const d = compile(model, column({ tile: { rows: 10, cols: 8 } }), { calibration: data, scheme: 'idm', analog: { sampleCapacitance: 1e3 } });
    const chip = new Chip(d, 1);
    const got = chip.forward(x).dataSync() as Float32Array;
    expect(relativeError(got, floatOutputs(model, data))).toBeLessThan(1e-4);
    chip.dispose();
    x.dispose();
    model.dispose();
  });

  it('a GRU (recurrent products on their own tiles) equals the float network', async () => {
    const { buildRnnClassifier } = await import('../../src/nn/recurrent-classifier.js');
    const model = buildRnnClassifier({ cell: 'gru', units: 7, inputShape: [6, 3], numClasses: 4, seed: 2, maskZeros: false });
    const data = randomData([6, 3], 12, 4, 8, true);
    expect(relativeError(analogOutputs(model, data, column({ tile: { rows: 5, cols: 6 } })), floatOutputs(model, data))).toBeLessThan(1e-4);
    model.dispose();
  });
});
