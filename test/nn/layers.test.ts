import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, initEngine, tf } from '../../src/engine/index.js';
import { UserError } from '../../src/errors.js';
import {
  AvgPool,
  BatchNorm,
  Conv2d,
  Dense,
  DepthwiseConv2d,
  Dropout,
  Flatten,
  GlobalAvgPool,
  type Layer,
  MaxPool,
  ReLU,
  Sigmoid,
  Sign,
  Tanh,
  createLayer,
} from '../../src/nn/index.js';
import { conv2dRef, depthwiseRef, maxAbsDiff, poolRef, values } from './reference.js';

const infer = { training: false, rng: new Rng(1) };

function setParam(layer: Layer, name: string, v: Float32Array): void {
  const p = layer.param(name).variable;
  const t = tf.tensor(v, p.shape);
  p.assign(t);
  t.dispose();
}

function run(layer: Layer, x: Float32Array, shape: number[], training = false): { y: Float32Array; shape: number[] } {
  return tf.tidy(() => {
    const out = layer.forward(tf.tensor(x, shape), { training, rng: new Rng(3) });
    return { y: out.dataSync() as Float32Array, shape: out.shape };
  });
}

beforeAll(async () => {
  await initEngine('wasm');
});

describe('Dense', () => {
  it('computes x W + b like a hand loop', () => {
    const d = new Dense('d', { units: 3 });
    expect(d.build([4], new Rng(1))).toEqual([3]);
    const w = values(12, 1);
    const b = values(3, 2);
    setParam(d, 'kernel', w);
    setParam(d, 'bias', b);
    const x = values(8, 3);
    const { y, shape } = run(d, x, [2, 4]);
    expect(shape).toEqual([2, 3]);
    const ref = new Float32Array(6);
    for (let n = 0; n < 2; n++) for (let o = 0; o < 3; o++) {
      let s = b[o];
      for (let i = 0; i < 4; i++) s += x[n * 4 + i] * w[i * 3 + o];
      ref[n * 3 + o] = s;
    }
    expect(maxAbsDiff(y, ref)).toBeLessThan(1e-5);
  });

  it('applies to the last axis of a longer input', () => {
    const d = new Dense('d', { units: 2, useBias: false });
    expect(d.build([5, 3], new Rng(1))).toEqual([5, 2]);
    expect(d.hasParam('bias')).toBe(false);
    expect(run(d, values(30, 4), [2, 5, 3]).shape).toEqual([2, 5, 2]);
  });

  it('initialises He-uniform within sqrt(6 / fanIn), reproducibly per seed', async () => {
    const make = (seed: number) => {
      const d = new Dense('d', { units: 64 });
      d.build([100], new Rng(seed));
      return d.param('kernel').variable.dataSync() as Float32Array;
    };
    const a = make(7);
    const limit = Math.sqrt(6 / 100);
    expect(Math.max(...a.map(Math.abs))).toBeLessThanOrEqual(limit);
    // A uniform on [-L, L] has standard deviation L / sqrt(3); 6400 samples pin it to about 1%.
    const std = Math.sqrt(a.reduce((s, v) => s + v * v, 0) / a.length);
    expect(std).toBeGreaterThan(0.95 * limit / Math.sqrt(3));
    expect(std).toBeLessThan(1.05 * limit / Math.sqrt(3));
    expect(make(7)).toEqual(a);
    expect(maxAbsDiff(make(8), a)).toBeGreaterThan(0);
  });
});

describe('Conv2d', () => {
  const cases: { name: string; k: [number, number]; stride: [number, number]; dilation: [number, number]; padding: 'same' | 'valid' }[] = [
    { name: '3x3 same', k: [3, 3], stride: [1, 1], dilation: [1, 1], padding: 'same' },
    { name: '3x2 valid stride 2', k: [3, 2], stride: [2, 2], dilation: [1, 1], padding: 'valid' },
    { name: '3x3 same stride 2 (odd input)', k: [3, 3], stride: [2, 2], dilation: [1, 1], padding: 'same' },
    { name: '3x3 dilation 2 same', k: [3, 3], stride: [1, 1], dilation: [2, 2], padding: 'same' },
    { name: '2x2 dilation 2 valid', k: [2, 2], stride: [1, 1], dilation: [2, 2], padding: 'valid' },
  ];
  for (const c of cases) {
    it(`matches a hand loop: ${c.name}`, () => {
      const conv = new Conv2d('c', { filters: 4, kernelSize: c.k, stride: c.stride, dilation: c.dilation, padding: c.padding });
      const xs = [2, 7, 6, 3];
      const outShape = conv.build(xs.slice(1), new Rng(1));
      const w = values(c.k[0] * c.k[1] * 3 * 4, 5);
      const b = values(4, 6);
      setParam(conv, 'kernel', w);
      setParam(conv, 'bias', b);
      const x = values(2 * 7 * 6 * 3, 7);
      const got = run(conv, x, xs);
      const ref = conv2dRef(x, xs, w, 4, { kernel: c.k, stride: c.stride, dilation: c.dilation, padding: c.padding }, b);
      expect(got.shape).toEqual(ref.shape);
      expect(outShape).toEqual(ref.shape.slice(1));
      expect(maxAbsDiff(got.y, ref.y)).toBeLessThan(1e-4);
    });
  }

  it('omits the bias when asked and rejects bad geometry with UserError', () => {
    const conv = new Conv2d('c', { filters: 2, kernelSize: 3, useBias: false });
    conv.build([5, 5, 1], new Rng(1));
    expect(conv.ownParameters().map((p) => p.name)).toEqual(['kernel']);
    expect(() => new Conv2d('c', { filters: 2, kernelSize: 3, stride: 2, dilation: 2 })).toThrow(UserError);
    expect(() => new Conv2d('c', { filters: 0, kernelSize: 3 })).toThrow(UserError);
    expect(() => new Conv2d('c', { filters: 2, kernelSize: 7, padding: 'valid' }).build([5, 5, 1], new Rng(1))).toThrow(/does not fit/);
    expect(() => new Conv2d('c', { filters: 2, kernelSize: 3 }).build([25], new Rng(1))).toThrow(UserError);
  });
});

describe('DepthwiseConv2d', () => {
  for (const c of [
    { m: 1, stride: [2, 2] as [number, number], dilation: [1, 1] as [number, number], padding: 'same' as const },
    { m: 2, stride: [2, 2] as [number, number], dilation: [1, 1] as [number, number], padding: 'valid' as const },
    { m: 2, stride: [1, 1] as [number, number], dilation: [2, 2] as [number, number], padding: 'same' as const },
  ]) {
    it(`matches a hand loop (multiplier ${c.m}, stride ${c.stride[0]}, dilation ${c.dilation[0]}, ${c.padding})`, () => {
      const dw = new DepthwiseConv2d('dw', { kernelSize: 3, multiplier: c.m, stride: c.stride, dilation: c.dilation, padding: c.padding, useBias: false });
      const xs = [2, 6, 7, 3];
      dw.build(xs.slice(1), new Rng(1));
      const w = values(3 * 3 * 3 * c.m, 9);
      setParam(dw, 'kernel', w);
      const x = values(2 * 6 * 7 * 3, 10);
      const got = run(dw, x, xs);
      const ref = depthwiseRef(x, xs, w, c.m, { kernel: [3, 3], stride: c.stride, dilation: c.dilation, padding: c.padding });
      expect(got.shape).toEqual(ref.shape);
      expect(maxAbsDiff(got.y, ref.y)).toBeLessThan(1e-4);
    });
  }
});

describe('pooling', () => {
  // 6 rows: 'same' 3x3 stride 2 pads 1 row in total (odd), exercising which side takes the padding.
  const xs = [2, 6, 5, 3];
  const x = values(2 * 6 * 5 * 3, 11);
  for (const kind of ['max', 'avg'] as const) {
    for (const g of [
      { kernel: [2, 2] as [number, number], stride: [2, 2] as [number, number], padding: 'valid' as const },
      { kernel: [3, 3] as [number, number], stride: [2, 2] as [number, number], padding: 'same' as const },
      { kernel: [3, 2] as [number, number], stride: [1, 2] as [number, number], padding: 'valid' as const },
    ]) {
      it(`${kind} pool ${g.kernel} stride ${g.stride} ${g.padding} matches a hand loop`, () => {
        const Cls = kind === 'max' ? MaxPool : AvgPool;
        const layer = new Cls('p', { poolSize: g.kernel, stride: g.stride, padding: g.padding });
        const out = layer.build(xs.slice(1), new Rng(1));
        const got = run(layer, x, xs);
        const ref = poolRef(x, xs, kind, g);
        expect(got.shape).toEqual(ref.shape);
        expect(out).toEqual(ref.shape.slice(1));
        expect(maxAbsDiff(got.y, ref.y)).toBeLessThan(1e-5);
      });
    }
  }

  it('global average pool averages each channel over the image', () => {
    const gap = new GlobalAvgPool('g');
    expect(gap.build([6, 5, 3], new Rng(1))).toEqual([3]);
    const got = run(gap, x, xs);
    for (let b = 0; b < 2; b++) for (let c = 0; c < 3; c++) {
      let s = 0;
      for (let p = 0; p < 30; p++) s += x[(b * 30 + p) * 3 + c];
      expect(got.y[b * 3 + c]).toBeCloseTo(s / 30, 5);
    }
  });
});

describe('BatchNorm', () => {
  it('normalises with batch statistics in training and updates the moving ones', () => {
    const bn = new BatchNorm('bn', { momentum: 0.8, epsilon: 1e-3 });
    bn.build([2, 2, 3], new Rng(1));
    const gamma = new Float32Array([1.5, -0.5, 2]);
    const beta = new Float32Array([0.1, 0.2, -0.3]);
    setParam(bn, 'gamma', gamma);
    setParam(bn, 'beta', beta);
    const xs = [4, 2, 2, 3];
    const x = values(48, 12).map((v, i) => v * (1 + (i % 3)) + (i % 3));
    const got = run(bn, x, xs, true);
    const mean = [0, 0, 0];
    const varc = [0, 0, 0];
    for (let i = 0; i < 48; i++) mean[i % 3] += x[i] / 16;
    for (let i = 0; i < 48; i++) varc[i % 3] += (x[i] - mean[i % 3]) ** 2 / 16;
    const ref = x.map((v, i) => gamma[i % 3] * (v - mean[i % 3]) / Math.sqrt(varc[i % 3] + 1e-3) + beta[i % 3]);
    expect(maxAbsDiff(got.y, ref)).toBeLessThan(1e-4);
    const mm = bn.param('movingMean').variable.dataSync();
    const mv = bn.param('movingVariance').variable.dataSync();
    for (let c = 0; c < 3; c++) {
      expect(mm[c]).toBeCloseTo(0.2 * mean[c], 5);
      expect(mv[c]).toBeCloseTo(0.8 + 0.2 * varc[c], 5);
    }
    expect(bn.param('movingMean').trainable).toBe(false);
    expect(bn.param('movingMean').role).toBe('state');
    // Inference uses the moving statistics.
    const inf = run(bn, x, xs, false);
    const refInf = x.map((v, i) => gamma[i % 3] * (v - mm[i % 3]) / Math.sqrt(mv[i % 3] + 1e-3) + beta[i % 3]);
    expect(maxAbsDiff(inf.y, refInf)).toBeLessThan(1e-4);
  });
});

describe('activations, Flatten, Dropout', () => {
  const x = new Float32Array([-2, -1, -0.5, 0, 0.5, 1, 2, 3]);
  it('ReLU, Sigmoid, Tanh, Sign', () => {
    const check = (layer: Layer, f: (v: number) => number) => {
      layer.build([8], new Rng(1));
      const { y } = run(layer, x, [1, 8]);
      expect(maxAbsDiff(y, x.map(f))).toBeLessThan(1e-6);
    };
    check(new ReLU('r'), (v) => Math.max(0, v));
    check(new Sigmoid('s'), (v) => 1 / (1 + Math.exp(-v)));
    check(new Tanh('t'), Math.tanh);
    check(new Sign('g'), (v) => (v >= 0 ? 1 : -1));
  });

  it('Sign passes the gradient straight through where |x| <= 1 and blocks it elsewhere', () => {
    const s = new Sign('g');
    s.build([8], new Rng(1));
    const g = tf.tidy(() => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(s.forward(t, infer), tf.range(1, 9))))(tf.tensor(x, [1, 8])).dataSync());
    expect(Array.from(g)).toEqual([0, 2, 3, 4, 5, 6, 0, 0]);
  });

  it('Flatten keeps the batch axis and row-major order', () => {
    const f = new Flatten('f');
    expect(f.build([2, 3, 2], new Rng(1))).toEqual([12]);
    const v = values(24, 13);
    const { y, shape } = run(f, v, [2, 2, 3, 2]);
    expect(shape).toEqual([2, 12]);
    expect(Array.from(y)).toEqual(Array.from(v));
  });

  it('Dropout zeroes about rate of the units in training, rescales the rest, is seeded, and is the identity in inference', () => {
    const d = new Dropout('d', { rate: 0.25 });
    d.build([4000], new Rng(1));
    const ones = new Float32Array(4000).fill(1);
    const a = run(d, ones, [1, 4000], true).y;
    const b = run(d, ones, [1, 4000], true).y;
    expect(Array.from(a)).toEqual(Array.from(b));
    const zeros = a.filter((v) => v === 0).length;
    expect(zeros / 4000).toBeGreaterThan(0.22);
    expect(zeros / 4000).toBeLessThan(0.28);
    expect(a.filter((v) => v !== 0).every((v) => Math.abs(v - 1 / 0.75) < 1e-6)).toBe(true);
    expect(Array.from(run(d, ones, [1, 4000], false).y).every((v) => v === 1)).toBe(true);
    expect(() => new Dropout('d', { rate: 1 })).toThrow(UserError);
  });
});

describe('registry', () => {
  it('rebuilds every layer type from its spec config with the same shapes', () => {
    const layers: [Layer, number[]][] = [
      [new Dense('a', { units: 3, useBias: false, init: 'glorot' }), [5]],
      [new Conv2d('b', { filters: 2, kernelSize: [3, 1], stride: 2, padding: 'valid' }), [8, 8, 2]],
      [new DepthwiseConv2d('c', { kernelSize: 3, multiplier: 3, dilation: 2 }), [8, 8, 2]],
      [new MaxPool('d', { poolSize: 3, stride: 1, padding: 'same' }), [8, 8, 2]],
      [new AvgPool('e'), [8, 8, 2]],
      [new GlobalAvgPool('f'), [8, 8, 2]],
      [new BatchNorm('g', { momentum: 0.5 }), [8, 8, 2]],
      [new Dropout('h', { rate: 0.1 }), [4]],
      [new Flatten('i'), [2, 3]],
      [new Sign('j'), [2]],
    ];
    for (const [layer, shape] of layers) {
      layer.build(shape, new Rng(1));
      const spec = layer.spec();
      const copy = createLayer(spec.type, spec.name, JSON.parse(JSON.stringify(spec.config)));
      copy.build(shape, new Rng(2));
      expect(copy.spec()).toEqual(spec);
    }
    expect(() => createLayer('Nope', 'x', {})).toThrow(/unknown layer type 'Nope'/);
    expect(() => createLayer('Dense', 'x', { units: 'ten' })).toThrow(UserError);
    expect(() => createLayer('Conv2d', 'x', { filters: 2, kernelSize: 3, padding: 'full' })).toThrow(/padding/);
  });
});
