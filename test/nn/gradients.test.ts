/**
 * Analytic gradients (tf.variableGrads through each layer's forward) against central finite
 * differences of the scalar loss sum(forward(x) * r), for the input and every trainable parameter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng, initEngine, tf } from '../../src/engine/index.js';
import { AvgPool, BatchNorm, Conv2d, Dense, DepthwiseConv2d, type Layer, MaxPool, Sigmoid, Tanh } from '../../src/nn/index.js';
import { values } from './reference.js';

beforeAll(async () => {
  await initEngine('wasm');
});

const disposables: tf.Variable[] = [];
afterAll(() => tf.dispose(disposables));

function checkGradients(layer: Layer, sampleShape: number[], training: boolean, eps = 1e-2): void {
  layer.build(sampleShape, new Rng(4));
  const xShape = [3, ...sampleShape];
  const size = xShape.reduce((a, b) => a * b, 1);
  const x = tf.variable(tf.tensor(values(size, 21).map((v) => 2 * v), xShape), true);
  disposables.push(x);
  const r = tf.tensor(values(layer.outputShape.reduce((a, b) => a * b, 3), 22), [3, ...layer.outputShape]);
  const ctx = { training, rng: new Rng(1) };
  const loss = () => tf.tidy(() => tf.sum(tf.mul(layer.forward(x, ctx), r)) as tf.Scalar);
  const vars = [x, ...layer.params().filter((p) => p.trainable).map((p) => p.variable)];
  const { value, grads } = tf.variableGrads(loss, vars);
  value.dispose();
  for (const v of vars) {
    const g = grads[v.name];
    expect(g, `gradient for ${v.name}`).toBeDefined();
    const analytic = g.dataSync();
    const base = v.dataSync().slice() as Float32Array;
    const pick = new Rng(9).permutation(base.length).slice(0, 8);
    for (const i of pick) {
      const at = (delta: number) => {
        const w = base.slice();
        w[i] += delta;
        const t = tf.tensor(w, v.shape);
        v.assign(t);
        t.dispose();
        const l = loss();
        const out = l.dataSync()[0];
        l.dispose();
        return out;
      };
      const numeric = (at(eps) - at(-eps)) / (2 * eps);
      expect(Math.abs(numeric - analytic[i]), `${v.name}[${i}] numeric ${numeric} analytic ${analytic[i]}`).toBeLessThan(
        2e-2 * Math.max(1, Math.abs(analytic[i])),
      );
    }
    const t = tf.tensor(base, v.shape);
    v.assign(t);
    t.dispose();
  }
  tf.dispose(grads);
  r.dispose();
}

describe('gradients vs finite differences', () => {
  it('Dense', () => checkGradients(new Dense('d', { units: 4 }), [5], true));
  it('Conv2d 3x3 same stride 2', () => checkGradients(new Conv2d('c', { filters: 3, kernelSize: 3, stride: 2 }), [6, 5, 2], true));
  it('Conv2d 3x3 valid dilation 2', () => checkGradients(new Conv2d('c', { filters: 2, kernelSize: 3, dilation: 2, padding: 'valid' }), [7, 7, 2], true));
  it('DepthwiseConv2d multiplier 2 stride 2', () =>
    checkGradients(new DepthwiseConv2d('dw', { kernelSize: 3, multiplier: 2, stride: 2 }), [6, 5, 2], true));
  it('DepthwiseConv2d dilation 2', () => checkGradients(new DepthwiseConv2d('dw', { kernelSize: 2, dilation: 2 }), [5, 5, 3], true));
  it('BatchNorm (training mode)', () => checkGradients(new BatchNorm('bn'), [2, 2, 3], true, 5e-3));
  // 'same' with odd and even padding totals: the mean excludes the padded positions.
  it('AvgPool same', () => {
    checkGradients(new AvgPool('p', { poolSize: 3, stride: 2, padding: 'same' }), [5, 6, 2], true);
    checkGradients(new AvgPool('p2', { poolSize: 2, stride: 1, padding: 'same' }), [3, 3, 1], true);
  });
  it('AvgPool valid', () => checkGradients(new AvgPool('p', { poolSize: 2, stride: 1 }), [4, 5, 2], true));
  it('MaxPool', () => checkGradients(new MaxPool('p', { poolSize: 2 }), [4, 4, 2], true, 1e-3));
  it('Sigmoid and Tanh', () => {
    checkGradients(new Sigmoid('s'), [6], true);
    checkGradients(new Tanh('t'), [6], true);
  });
});
