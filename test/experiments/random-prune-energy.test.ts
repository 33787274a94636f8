import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '../../src/engine/index.js';
import { UserError } from '../../src/errors.js';
import { devicePreset } from '../../src/device/index.js';
import { adcEnergy, dacEnergy, defaultComponents } from '../../src/cost/components.js';
import { Conv2d, Dense, ReLU, Sequential } from '../../src/nn/index.js';
import { type ProgrammingAssumptions, formingCost, inferenceEnergy, pulseCost, writeVerifyCost } from '../../src/experiments/random-prune/energy.js';

beforeAll(async () => {
  await initEngine('wasm');
});

const dev = devicePreset('rram-random');

/** Relative closeness (the conductance arrays are float32). */
function near(actual: number, expected: number): void {
  expect(Math.abs(actual / expected - 1)).toBeLessThan(1e-6);
}
const lib = defaultComponents();

describe('random-prune inference energy', () => {
  it('dense layer: V^2 t sum_i u_i^2 sum_j (G+ + G-), and the conversion counts, by hand', () => {
    const m = new Sequential({ name: 'd', inputShape: [2], layers: [new Dense('fc', { units: 2, useBias: false }), new ReLU('r')], seed: 1, numClasses: 2 });
    const gPlus = Float32Array.from([1e-5, 2e-5, 3e-5, 4e-5]);
    const gMinus = new Float32Array(4).fill(1e-6);
    const x = tf.tensor2d([[1, 0.5]]);
    const e = inferenceEnergy(m, x, [{ layer: 'fc', param: 'kernel', gPlus, gMinus }], { device: dev, dacBits: 4, adcBits: 8 });
    // row sums 3.2e-5 and 7.2e-5; u^2 = 1 and 0.25: 3.2e-5 + 0.25 * 7.2e-5 = 5e-5 S
    const vt = dev.readVoltage ** 2 * dev.readPulseWidth;
    near(e.cells, vt * 5e-5);
    // 2 rows driven, 2 columns x 2 cells converted, 2 ops per output, 2 ReLU outputs
    expect(e.counts).toEqual({ dac: 2, adc: 4, digital: 4 + 2, cellReads: 8 });
    near(e.dac, 2 * dacEnergy(lib, 4));
    near(e.adc, 4 * adcEnergy(lib, 8));
    near(e.total, e.cells + e.dac + e.adc + e.digital);
    x.dispose();
    m.dispose();
  });

  it('convolution: one MVM per output position over the patch rows; scales u by the input max', () => {
    const m = new Sequential({ name: 'c', inputShape: [3, 3, 1], layers: [new Conv2d('conv', { filters: 1, kernelSize: 2, padding: 'valid', useBias: false })], seed: 1, numClasses: 2 });
    const gPlus = Float32Array.from([1e-6, 2e-6, 3e-6, 4e-6]);
    const gMinus = new Float32Array(4);
    const x = tf.fill([1, 3, 3, 1], 2); // u = 1 everywhere
    const e = inferenceEnergy(m, x, [{ layer: 'conv', param: 'kernel', gPlus, gMinus }], { device: dev, dacBits: 4 });
    // 4 positions x (1 + 2 + 3 + 4) uS
    near(e.cells, dev.readVoltage ** 2 * dev.readPulseWidth * 4e-5);
    expect(e.counts.dac).toBe(16);
    expect(e.counts.adc).toBe(8);
    x.dispose();
    m.dispose();
  });

  it('needs conductances for every weight tensor', () => {
    const m = new Sequential({ name: 'd', inputShape: [2], layers: [new Dense('fc', { units: 2, useBias: false })], seed: 1, numClasses: 2 });
    const x = tf.tensor2d([[1, 0.5]]);
    expect(() => inferenceEnergy(m, x, [], { device: dev, dacBits: 4 })).toThrow(UserError);
    x.dispose();
    m.dispose();
  });
});

describe('random-prune programming cost', () => {
  const a: ProgrammingAssumptions = {
    writeVoltage: 2,
    writePulseWidth: 1e-7,
    formingVoltage: 3,
    formingPulseWidth: 2e-7,
    writeVerifyPulses: 10,
    readVoltage: 0.5,
    readPulseWidth: 1e-8,
  };

  it('forming: V_f^2 t_f sum G, one pulse per row', () => {
    const c = formingCost(Float32Array.from([1e-5, 2e-5]), Float32Array.from([3e-5, 4e-5]), 1, a);
    near(c.energy, 9 * 2e-7 * 1e-4);
    near(c.time, 2e-7);
    expect(c.pulses).toBe(4);
    expect(c.cells).toBe(4);
  });

  it('single-cell pulses and write-verify cycles', () => {
    const p = pulseCost(5, 2e-5, a);
    near(p.energy, 5 * 4 * 1e-7 * 2e-5);
    near(p.time, 5e-7);
    const w = writeVerifyCost(Float32Array.from([1e-5]), Float32Array.from([4e-6]), a);
    // 10 x (4 V^2 x 100 ns + 0.25 V^2 x 10 ns) x 14 uS
    near(w.energy, 10 * (4 * 1e-7 + 0.25 * 1e-8) * 1.4e-5);
    near(w.time, 2 * 10 * (1e-7 + 1e-8));
    expect(w.pulses).toBe(20);
  });
});
