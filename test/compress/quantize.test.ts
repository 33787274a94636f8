import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, initEngine, tf } from '../../src/engine/index.js';
import { UserError } from '../../src/errors.js';
import { Dense, ReLU, Sequential, buildModel, fit } from '../../src/nn/index.js';
import { QuantizeActivation, QuantizeTransform, quantizeActivations, quantizeModel, quantizedLevels } from '../../src/compress/index.js';
import { blobs } from '../nn/synthetic.js';
import { denseWith, effective, gradOfSum } from './helpers.js';

beforeAll(async () => {
  await initEngine('wasm');
});

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

describe('weight quantization', () => {
  it('states its level counts: 2^k - 1 mid-tread, 2^k mid-rise', () => {
    expect([2, 3, 4, 8].map((b) => quantizedLevels(b))).toEqual([3, 7, 15, 255]);
    expect([1, 2, 3, 8].map((b) => quantizedLevels(b, 'mid-rise'))).toEqual([2, 4, 8, 256]);
  });

  it('mid-tread: weights take exactly 2^k - 1 values, multiples of max|w| / (2^(k-1) - 1), nearest to the latent weight', () => {
    const model = buildModel('mlp', { inputShape: [64], numClasses: 2, seed: 4, hidden: [64] });
    const layer = model.layer('fc1');
    const latent = layer.param('kernel').variable.dataSync().slice();
    const s = maxAbs(latent);
    for (const bits of [2, 3, 4, 6, 8]) {
      layer.clearTransforms();
      quantizeModel(model, { bits, layers: ['fc1'] });
      const q = effective(layer);
      expect(new Set(q).size).toBe(2 ** bits - 1);
      const step = s / (2 ** (bits - 1) - 1);
      for (let i = 0; i < q.length; i++) {
        const units = q[i] / step;
        expect(Math.abs(units - Math.round(units))).toBeLessThan(1e-4);
        expect(Math.abs(q[i])).toBeLessThanOrEqual(s * (1 + 1e-6));
        expect(Math.abs(q[i] - latent[i])).toBeLessThanOrEqual(step / 2 + 1e-6);
      }
    }
    model.dispose();
  });

  it('mid-rise: 2^k values symmetric about zero, extremes +-max|w|, no zero level; k = 1 gives +-max|w|', () => {
    const model = buildModel('mlp', { inputShape: [32], numClasses: 2, seed: 5, hidden: [32] });
    const layer = model.layer('fc1');
    const s = maxAbs(layer.param('kernel').variable.dataSync());
    for (const bits of [1, 2, 3, 4]) {
      layer.clearTransforms();
      quantizeModel(model, { bits, grid: 'mid-rise', layers: ['fc1'] });
      const values = [...new Set(effective(layer))].sort((a, b) => a - b);
      expect(values.length).toBe(2 ** bits);
      expect(values).not.toContain(0);
      expect(values[0]).toBeCloseTo(-s, 6);
      expect(values[values.length - 1]).toBeCloseTo(s, 6);
      const step = (2 * s) / (2 ** bits - 1);
      values.forEach((v, i) => expect(v).toBeCloseTo(-s + i * step, 5));
    }
    model.dispose();
  });

  it('mid-rise keeps exact zeros (pruned weights) at zero', () => {
    const d = denseWith([0.5, 0, -1, 0, 0.25, -0.75], 3, 2);
    d.addTransform('kernel', new QuantizeTransform({ bits: 1, grid: 'mid-rise' }));
    expect(Array.from(effective(d))).toEqual([1, 0, -1, 0, 1, -1]);
    d.dispose();
  });

  it('straight-through gradient reaches the latent weight, zero where |w| exceeds the (percentile) scale', () => {
    // |w| sorted: 0.1, 0.3, 0.5, 0.75, 2, 3; the 50th percentile (nearest rank 3) is s = 0.5; 3 levels: -0.5, 0, 0.5.
    const d = denseWith([0.5, -2, -0.3, 0.75, 0.1, 3], 3, 2);
    d.addTransform('kernel', new QuantizeTransform({ bits: 2, scale: 'percentile', percentile: 50 }));
    expect(Array.from(effective(d))).toEqual([0.5, -0.5, -0.5, 0.5, 0, 0.5]);
    const x = tf.tensor([[1, 2, 3]]);
    const y = tf.tidy(() => d.forward(x, { training: false, rng: new Rng(0) }).dataSync());
    expect(Array.from(y)).toEqual([-0.5, 2]);
    // d(sum y)/dW[i][j] = x[i] where |W[i][j]| <= 0.5, else 0.
    const [g] = gradOfSum(d, x, [d.param('kernel').variable]);
    expect(Array.from(g)).toEqual([1, 0, 2, 0, 3, 0]);
    // With the max scale nothing is clipped: the gradient is x[i] everywhere.
    d.clearTransforms();
    d.addTransform('kernel', new QuantizeTransform({ bits: 3 }));
    expect(Array.from(gradOfSum(d, x, [d.param('kernel').variable])[0])).toEqual([1, 1, 2, 2, 3, 3]);
    tf.dispose(x);
    d.dispose();
  });

  it('quantization-aware training updates the latent weights and keeps the effective ones on the grid', async () => {
    const model = buildModel('mlp', { inputShape: [8], numClasses: 3, seed: 2, hidden: [16] });
    quantizeModel(model, { bits: 3 });
    const before = model.layer('fc1').param('kernel').variable.dataSync().slice();
    const h = await fit(model, blobs(240, 8, 3, 1), { epochs: 4, batchSize: 40, optimizer: { type: 'adam', lr: 0.02 }, seed: 1, progress: false });
    expect(model.layer('fc1').param('kernel').variable.dataSync()).not.toEqual(before);
    expect(h.epochs[3].accuracy).toBeGreaterThan(0.6);
    for (const name of ['fc1', 'out']) expect(new Set(effective(model.layer(name))).size).toBeLessThanOrEqual(7);
    model.dispose();
  });

  it('rejects settings a user can fix', () => {
    const model = buildModel('mlp', { inputShape: [4], numClasses: 2, seed: 1, hidden: [4] });
    expect(() => quantizeModel(model, { bits: 1 })).toThrow(UserError);
    expect(() => quantizeModel(model, { bits: 17 })).toThrow(UserError);
    expect(() => quantizeModel(model, { bits: 4, scale: 'percentile' })).toThrow(/percentile/);
    expect(() => quantizeModel(model, { bits: 4, layers: ['nope'] })).toThrow(/nope/);
    quantizeModel(model, { bits: 4 });
    expect(() => quantizeModel(model, { bits: 4 })).toThrow(/already quantized/);
    model.dispose();
  });
});

describe('activation quantization', () => {
  it('min-max per tensor: 2^k levels from min to max, step (max - min) / (2^k - 1)', () => {
    const v = Array.from({ length: 101 }, (_, i) => -1 + (3 * i) / 100); // -1 .. 2
    const x = tf.tensor(v);
    for (const bits of [1, 2, 3, 4]) {
      const q = tf.tidy(() => quantizeActivations(x, bits).dataSync());
      const levels = [...new Set(q)].sort((a, b) => a - b);
      expect(levels.length).toBe(2 ** bits);
      const step = 3 / (2 ** bits - 1);
      levels.forEach((l, i) => expect(l).toBeCloseTo(-1 + i * step, 5));
      q.forEach((l, i) => expect(Math.abs(l - v[i])).toBeLessThanOrEqual(step / 2 + 1e-6));
    }
    x.dispose();
  });

  it('gradient passes inside the range and is zero outside a given range', () => {
    const x = tf.variable(tf.tensor([-2, -0.5, 0.2, 0.9, 3]));
    const { grads, value } = tf.variableGrads(() => tf.sum(quantizeActivations(x, 2, -1, 1)) as tf.Scalar, [x]);
    expect(Array.from(grads[x.name].dataSync())).toEqual([0, 1, 1, 1, 0]);
    tf.dispose([grads, value, x]);
  });

  it('QuantizeActivation layer: per-batch range by default, or a running range learnt in training', () => {
    const batch = new QuantizeActivation('qa', { bits: 2 });
    batch.build([4], new Rng(0));
    const cal = new QuantizeActivation('qc', { bits: 2, range: 'calibrated', momentum: 0.5 });
    cal.build([4], new Rng(0));
    const train = { training: true, rng: new Rng(0) };
    const infer = { training: false, rng: new Rng(0) };
    const a = tf.tensor([[0, 1, 2, 3]]);
    const b = tf.tensor([[0, 2, 4, 6]]);
    tf.tidy(() => cal.forward(a, train));
    expect(cal.runningRange()).toEqual({ min: 0, max: 3, updates: 1 });
    tf.tidy(() => cal.forward(b, train));
    expect(cal.runningRange()).toEqual({ min: 0, max: 4.5, updates: 2 }); // 0.5 * 3 + 0.5 * 6
    // Calibrated, range [0, 4.5], step 1.5: 6 is clipped to 4.5. Batch: range [0, 6], step 2.
    const c = tf.tensor([[0, 1.1, 2.9, 6]]);
    expect(Array.from(tf.tidy(() => cal.forward(c, infer).dataSync()))).toEqual([0, 1.5, 3, 4.5]);
    expect(Array.from(tf.tidy(() => batch.forward(c, infer).dataSync()))).toEqual([0, 2, 2, 6]);
    tf.dispose([a, b, c]);
    batch.dispose();
    cal.dispose();
  });

  it('works inside a model', () => {
    const m = new Sequential({
      name: 'q',
      inputShape: [4],
      layers: [new Dense('fc', { units: 6 }), new ReLU('relu'), new QuantizeActivation('qa', { bits: 3 }), new Dense('out', { units: 2 })],
      seed: 1,
      numClasses: 2,
    });
    const x = tf.tensor([[1, 2, 3, 4], [0.5, -1, 2, 0]]);
    const y = m.predict(x);
    expect(y.shape).toEqual([2, 2]);
    tf.dispose([x, y]);
    m.dispose();
  });
});
