import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '../../src/engine/index.js';
import { compile } from '../../src/deploy/compile.js';
import { analogStages, type AnalogStage } from '../../src/deploy/deployment.js';
import { chainNoiseRelative } from '../../src/deploy/idm.js';
import { Chip } from '../../src/sim/chip.js';
import { devicePreset } from '../../src/device/index.js';
import type { StageCounters } from '../../src/sim/analog.js';
import { estimateCost } from '../../src/cost/estimate.js';
import { defaultComponents } from '../../src/cost/components.js';
import { Sequential } from '../../src/nn/model.js';
import { Dense, ReLU, Sign } from '../../src/nn/layers.js';
import type { Dataset } from '../../src/data/dataset.js';
import type { HardwareConfig } from '../../src/crossbar/hardware.js';
import { idealHardware, mlp, randomData, relativeError, smallCnn } from './fixtures.js';

beforeAll(async () => {
  await initEngine('wasm');
});

/** Noise so small it is below float32 resolution: the chain is then exact. */
const noiseless = { sampleCapacitance: 1e3 };

function outputs(model: Sequential, data: Dataset, hw: HardwareConfig, scheme?: string, counters?: StageCounters) {
  const x = tf.tensor(data.x, [data.length, ...data.sampleShape]);
  const float = model.predict(x).dataSync() as Float32Array;
  const d = compile(model, hw, { calibration: data, scheme, analog: noiseless });
  const chip = new Chip(d, 1);
  const analog = chip.forward(x, counters).dataSync() as Float32Array;
  chip.dispose();
  x.dispose();
  return { float, analog, d };
}

function deepMlp(seed = 1): Sequential {
  return new Sequential({
    name: 'mlp3', inputShape: [12], numClasses: 4, seed,
    layers: [new Dense('fc1', { units: 10 }), new ReLU('r1'), new Dense('fc2', { units: 8 }), new ReLU('r2'), new Dense('fc3', { units: 4 })],
  });
}

describe('idm scheme', () => {
  it('on ideal hardware with negligible chain noise it equals the float network (CNN, small tiles)', () => {
    const model = smallCnn(4);
    const data = randomData([8, 8, 2], 16, 10, 21);
    const { float, analog, d } = outputs(model, data, idealHardware({ tile: { rows: 10, cols: 8 } }), 'idm');
    expect(relativeError(analog, float)).toBeLessThan(1e-4);
    // conv -> (relu, pool, flatten in analog) -> fc
    expect(d.stages.map((s) => s.kind)).toEqual(['analog', 'analog-unit', 'analog-unit', 'analog-unit', 'analog']);
    model.dispose();
  });

  it('SimpleRNN keeps its state analog and cascades into the classifier', async () => {
    const { buildRnnClassifier } = await import('../../src/nn/recurrent-classifier.js');
    for (const activation of ['tanh', 'relu']) {
      const model = buildRnnClassifier({ cell: 'rnn', units: 6, inputShape: [5, 3], numClasses: 4, seed: 3, maskZeros: false, activation: activation as 'tanh' });
      const data = randomData([5, 3], 12, 4, 5, true);
      const { float, analog, d } = outputs(model, data, idealHardware({ tile: { rows: 4, cols: 6 } }), 'idm');
      expect(relativeError(analog, float)).toBeLessThan(1e-4);
      const byName = new Map(analogStages(d).map((s) => [s.name, s]));
      expect(byName.get('rnn1/recurrent')!.dacAtInput).toBe(false);
      expect(byName.get('rnn1/recurrent')!.adcAtOutput).toBe(false);
      expect(byName.get('logits')!.dacAtInput).toBe(false);
      model.dispose();
    }
  });

  it('converts only at the network input and output: counts per scheme', () => {
    const model = deepMlp();
    const data = randomData([12], 20, 4, 6);
    const conv: StageCounters = {};
    const idm: StageCounters = {};
    outputs(model, data, idealHardware(), 'conventional', conv);
    outputs(model, data, idealHardware(), 'idm', idm);
    // conventional: a DAC per input of every layer, an ADC per output of every layer (one row block each)
    expect([conv.fc1.dacConversions, conv.fc2.dacConversions, conv.fc3.dacConversions]).toEqual([20 * 12, 20 * 10, 20 * 8]);
    expect([conv.fc1.adcConversions, conv.fc2.adcConversions, conv.fc3.adcConversions]).toEqual([20 * 10, 20 * 8, 20 * 4]);
    // idm: DAC only in front of fc1, ADC only after fc3; amplifiers hand fc1 and fc2 on; ReLUs in analog
    expect([idm.fc1.dacConversions, idm.fc2.dacConversions, idm.fc3.dacConversions]).toEqual([20 * 12, 0, 0]);
    expect([idm.fc1.adcConversions, idm.fc2.adcConversions, idm.fc3.adcConversions]).toEqual([0, 0, 20 * 4]);
    expect([idm.fc1.tiaConversions, idm.fc2.tiaConversions, idm.fc3.tiaConversions]).toEqual([20 * 10, 20 * 8, 0]);
    expect([idm.r1.analogOps, idm.r2.analogOps, idm.r1.digitalOps]).toEqual([20 * 10, 20 * 8, 0]);
    expect(conv.r1.digitalOps).toBe(20 * 10);
    model.dispose();
  });

  it('energy adds up per component, and the analog periphery is priced by the library', () => {
    const model = deepMlp(2);
    const data = randomData([12], 10, 4, 7);
    const counters: StageCounters = {};
    const { d } = outputs(model, data, idealHardware({ dac: { bits: 8, mode: 'amplitude', percentile: 1 }, adc: { bits: 8, range: 'calibrated', percentile: 1 } }), 'idm', counters);
    const report = estimateCost(d, counters, 10);
    const lib = defaultComponents();
    const fc1 = report.stages.find((s) => s.name === 'fc1')!;
    expect(fc1.energy.adc).toBe(0);
    expect(fc1.energy.analog).toBeCloseTo((10 * 10 * lib.tia.energy) / 10, 20);
    const r1 = report.stages.find((s) => s.name === 'r1')!;
    expect(r1.kind).toBe('analog-unit');
    expect(r1.energy.analog).toBeCloseTo(10 * lib.analogUnit.energy, 20);
    for (const s of report.stages) {
      const parts = s.energy.cells + s.energy.dac + s.energy.sampleHold + s.energy.adc + s.energy.shiftAdd + s.energy.digital + s.energy.analog + s.energy.buffer + s.energy.interconnect;
      expect(s.energy.total).toBeCloseTo(parts, 20);
    }
    const sum = report.stages.reduce((a, s) => a + s.energy.total, 0);
    expect(report.totals.energy.total).toBeCloseTo(sum, 20);
    model.dispose();
  });

  it('a layer with no analog circuit breaks the chain and says why', () => {
    const model = new Sequential({
      name: 'broken', inputShape: [6], numClasses: 3, seed: 1,
      layers: [new Dense('fc1', { units: 5 }), new Sign('sign'), new Dense('fc2', { units: 3 })],
    });
    const data = randomData([6], 8, 3, 2, true);
    const d = compile(model, idealHardware(), { calibration: data, scheme: 'idm', analog: noiseless });
    const [fc1, fc2] = analogStages(d) as AnalogStage[];
    expect(fc1.adcAtOutput).toBe(true);
    expect(fc2.dacAtInput).toBe(true);
    const sign = d.stages[1];
    expect(sign.kind).toBe('digital');
    expect(sign.kind === 'digital' && sign.reason).toMatch(/breaks the analog chain/);
    model.dispose();
  });

  it('chain noise is kT/C relative to the full-scale voltage, and reaches the outputs', () => {
    // sqrt(1.380649e-23 * 300 / 100e-15) = 2.035e-4 V; over 0.5 V
    expect(chainNoiseRelative(0.5)).toBeCloseTo(2.0352e-4 / 0.5, 6);
    const model = mlp(5);
    const data = randomData([20], 16, 5, 8);
    const hw = idealHardware();
    const x = tf.tensor(data.x, [16, 20]);
    const d = compile(model, hw, { calibration: data, scheme: 'idm', analog: { sampleCapacitance: 1e-18 } });
    const fc1 = analogStages(d)[0];
    expect(fc1.tia!.noise).toBeCloseTo(chainNoiseRelative(0.5, { sampleCapacitance: 1e-18 }) * fc1.tia!.fullScale, 12);
    const a = new Chip(d, 1).forward(x).dataSync();
    const b = new Chip(d, 2).forward(x).dataSync();
    expect(relativeError(a as Float32Array, b as Float32Array)).toBeGreaterThan(1e-3);
    x.dispose();
    model.dispose();
  });

  it('refuses bit-sliced weights, and takes k-bit weights that fit one cell', () => {
    const model = mlp(1);
    const data = randomData([20], 4, 5, 1);
    // 32 levels hold 2^(k-1) magnitudes up to k = 6: 8-bit weights need two slices
    const device = { ...devicePreset('ideal'), levels: 32 };
    expect(() => compile(model, idealHardware({ device, weightBits: 8 }), { calibration: data, scheme: 'idm' })).toThrowError(/slices/);
    const d = compile(model, idealHardware({ device, weightBits: 4 }), { calibration: data, scheme: 'idm', analog: noiseless });
    const conv = compile(model, idealHardware({ device, weightBits: 4 }), { calibration: data, scheme: 'conventional' });
    const x = tf.tensor(data.x, [data.length, 20]);
    // the same 4-bit weights on the tiles: the analog chain computes what the conventional deployment does
    const a = new Chip(d, 1).forward(x).dataSync() as Float32Array;
    const b = new Chip(conv, 1).forward(x).dataSync() as Float32Array;
    expect(relativeError(a, b)).toBeLessThan(1e-4);
    x.dispose();
    model.dispose();
  });
});
