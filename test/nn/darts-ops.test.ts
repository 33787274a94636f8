import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, initEngine, tf } from '../../src/engine/index.js';
import { UserError } from '../../src/errors.js';
import { type Layer, FactorizedReduce, PRIMITIVES, Subsample2d, Zero, createOp } from '../../src/nn/index.js';
import { conv2dRef, depthwiseRef, poolRef } from './reference.js';

beforeAll(async () => {
  await initEngine('wasm');
});

const inference = { training: false, rng: new Rng(0) };
/** Batch norm at initialisation in inference: (x - 0) / sqrt(1 + eps) * 1 + 0. */
const BN = 1 / Math.sqrt(1 + 1e-5);

function run(layer: Layer, x: Float32Array, shape: number[]): { y: Float32Array; shape: number[] } {
  if (!layer.built) layer.build(shape.slice(1), new Rng(7));
  return tf.tidy(() => {
    const out = layer.forward(tf.tensor(x, shape), inference);
    return { y: out.dataSync() as Float32Array, shape: out.shape };
  });
}

function ramp(n: number, offset = 0): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => i + offset);
}

function setParam(layer: Layer, name: string, values: number[] | Float32Array): void {
  const v = layer.param(name).variable;
  v.assign(tf.tensor(values, v.shape));
}

function child(layer: Layer, suffix: string): Layer {
  const c = layer.children().find((l) => l.name.endsWith(`.${suffix}`));
  if (!c) throw new Error(`no child ${suffix} in ${layer.name}`);
  return c;
}

function expectClose(a: Float32Array, b: Float32Array, tol = 1e-5): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b[i])));
}

describe('DARTS primitives: output shapes', () => {
  it('every primitive maps [h, w, C] to [h, w, C] at stride 1 and [ceil(h/2), ceil(w/2), C] at stride 2', () => {
    for (const p of PRIMITIVES) {
      const s1 = createOp(p, `${p}_s1`, 4, 1);
      expect(s1.build([8, 6, 4], new Rng(1)), p).toEqual([8, 6, 4]);
      const s2 = createOp(p, `${p}_s2`, 4, 2);
      expect(s2.build([8, 6, 4], new Rng(1)), p).toEqual([4, 3, 4]);
      const y = run(s2, new Float32Array(2 * 8 * 6 * 4).fill(1), [2, 8, 6, 4]);
      expect(y.shape, p).toEqual([2, 4, 3, 4]);
      s1.dispose();
      s2.dispose();
    }
  });

  it('odd sizes: all but the factorized reduce give ceil(h/2); the factorized reduce refuses them', () => {
    for (const p of PRIMITIVES.filter((q) => q !== 'skip_connect')) {
      expect(createOp(p, `${p}_odd`, 4, 2).build([5, 7, 4], new Rng(1)), p).toEqual([3, 4, 4]);
    }
    expect(() => createOp('skip_connect', 'fr_odd', 4, 2).build([5, 6, 4], new Rng(1))).toThrow(UserError);
    expect(() => new FactorizedReduce('fr_c', { channels: 3 })).toThrow(UserError);
  });
});

describe('DARTS primitives: values against hand computation', () => {
  it('none: zeros, subsampled by the stride', () => {
    const z = new Zero('z', { stride: 2 });
    const y = run(z, ramp(5 * 5 * 2, 1), [1, 5, 5, 2]);
    expect(y.shape).toEqual([1, 3, 3, 2]);
    expect([...y.y].every((v) => v === 0)).toBe(true);
  });

  it('skip_connect at stride 1 is the identity', () => {
    const x = ramp(2 * 3 * 3 * 2, -9);
    expect(run(createOp('skip_connect', 'id', 2, 1), x, [2, 3, 3, 2]).y).toEqual(x);
  });

  it('factorized reduce: 1x1 stride-2 convolutions on relu(x) at even and at odd (shifted) pixels, concatenated, BN', () => {
    // x[0, r, c, ch] = 10 r + c + 100 ch - 12 (some negatives, so the ReLU matters)
    const [h, w, c] = [4, 4, 2];
    const x = new Float32Array(h * w * c);
    for (let r = 0; r < h; r++) for (let q = 0; q < w; q++) for (let ch = 0; ch < c; ch++) x[(r * w + q) * c + ch] = 10 * r + q + 100 * ch - 12;
    const fr = new FactorizedReduce('fr', { channels: 4 });
    fr.build([h, w, c], new Rng(1));
    // conv1 [1, 1, 2 in, 2 out] = [[1, 2], [3, 4]] (row = input channel); conv2 = [[-1, 0], [0.5, 1]]
    setParam(child(fr, 'conv1'), 'kernel', [1, 2, 3, 4]);
    setParam(child(fr, 'conv2'), 'kernel', [-1, 0, 0.5, 1]);
    const y = run(fr, x, [1, h, w, c]);
    expect(y.shape).toEqual([1, 2, 2, 4]);
    const relu = (r: number, q: number, ch: number) => Math.max(0, 10 * r + q + 100 * ch - 12);
    const want: number[] = [];
    for (let i = 0; i < 2; i++) {
      for (let j = 0; j < 2; j++) {
        const [a0, a1] = [relu(2 * i, 2 * j, 0), relu(2 * i, 2 * j, 1)];
        const [b0, b1] = [relu(2 * i + 1, 2 * j + 1, 0), relu(2 * i + 1, 2 * j + 1, 1)];
        want.push(a0 * 1 + a1 * 3, a0 * 2 + a1 * 4, b0 * -1 + b1 * 0.5, b0 * 0 + b1 * 1);
      }
    }
    expectClose(y.y, Float32Array.from(want, (v) => v * BN));
  });

  it('subsample: every second pixel, offset 1 on even sizes and 0 on odd ones (TensorFlow stride-2 centres)', () => {
    const even = run(new Subsample2d('s4'), ramp(16), [1, 4, 4, 1]);
    expect([...even.y]).toEqual([5, 7, 13, 15]);
    const odd = run(new Subsample2d('s5'), ramp(25), [1, 5, 5, 1]);
    expect([...odd.y]).toEqual([0, 2, 4, 10, 12, 14, 20, 22, 24]);
  });

  it('dil_conv_3x3 / 5x5 at stride 1: the corner tap reads the pixel 2 / 4 rows and columns back (dilation 2)', () => {
    for (const [k, back] of [[3, 2], [5, 4]] as const) {
      const op = createOp(k === 3 ? 'dil_conv_3x3' : 'dil_conv_5x5', `dil${k}`, 1, 1);
      op.build([7, 7, 1], new Rng(1));
      const taps = new Array(k * k).fill(0);
      taps[0] = 1;
      setParam(child(op, 'dw'), 'kernel', taps);
      setParam(child(op, 'pw'), 'kernel', [2]);
      const x = ramp(49, -3);
      const y = run(op, x, [1, 7, 7, 1]);
      for (let r = 0; r < 7; r++) {
        for (let q = 0; q < 7; q++) {
          const src = r - back >= 0 && q - back >= 0 ? Math.max(0, x[(r - back) * 7 + q - back]) : 0;
          expect(y.y[r * 7 + q]).toBeCloseTo(2 * src * BN, 4);
        }
      }
    }
  });

  it('dil_conv at stride 2 equals a depthwise convolution with dilation 2 and stride 2 (reference loops)', () => {
    const rng = new Rng(3);
    for (const [k, size] of [[3, 8], [5, 8], [3, 7], [5, 9]] as const) {
      const c = 2;
      const op = createOp(k === 3 ? 'dil_conv_3x3' : 'dil_conv_5x5', `dil${k}_${size}`, c, 2);
      op.build([size, size, c], new Rng(1));
      const dw = rng.fillNormal(new Float32Array(k * k * c));
      const pw = rng.fillNormal(new Float32Array(c * c));
      setParam(child(op, 'dw'), 'kernel', dw);
      setParam(child(op, 'pw'), 'kernel', pw);
      const xs = [2, size, size, c];
      const x = rng.fillNormal(new Float32Array(xs.reduce((a, b) => a * b)));
      const y = run(op, x, xs);
      const relu = x.map((v) => Math.max(0, v));
      const d = depthwiseRef(relu, xs, dw, 1, { kernel: [k, k], stride: [2, 2], dilation: [2, 2], padding: 'same' });
      const p = conv2dRef(d.y, d.shape, pw, c, { kernel: [1, 1], stride: [1, 1], dilation: [1, 1], padding: 'same' });
      expect(y.shape).toEqual(p.shape);
      expectClose(y.y, p.y.map((v) => v * BN), 1e-4);
    }
  });

  it('sep_conv_3x3 at stride 2: (ReLU, depthwise, 1x1, BN) twice, only the first depthwise strided', () => {
    const rng = new Rng(4);
    const c = 2;
    const op = createOp('sep_conv_3x3', 'sep3', c, 2);
    op.build([6, 6, c], new Rng(1));
    const w = Array.from({ length: 4 }, (_, i) => rng.fillNormal(new Float32Array(i % 2 === 0 ? 9 * c : c * c)));
    setParam(child(op, 'dw1'), 'kernel', w[0]);
    setParam(child(op, 'pw1'), 'kernel', w[1]);
    setParam(child(op, 'dw2'), 'kernel', w[2]);
    setParam(child(op, 'pw2'), 'kernel', w[3]);
    const xs = [1, 6, 6, c];
    const x = rng.fillNormal(new Float32Array(36 * c));
    const y = run(op, x, xs);
    const g = (stride: number) => ({ kernel: [3, 3] as [number, number], stride: [stride, stride] as [number, number], dilation: [1, 1] as [number, number], padding: 'same' as const });
    const pw1 = (v: Float32Array, s: number[], k: Float32Array) => conv2dRef(v, s, k, c, { ...g(1), kernel: [1, 1] });
    const a = depthwiseRef(x.map((v) => Math.max(0, v)), xs, w[0], 1, g(2));
    const b = pw1(a.y, a.shape, w[1]);
    const d = depthwiseRef(b.y.map((v) => Math.max(0, v * BN)), b.shape, w[2], 1, g(1));
    const e = pw1(d.y, d.shape, w[3]);
    expect(y.shape).toEqual([1, 3, 3, c]);
    expectClose(y.y, e.y.map((v) => v * BN), 1e-4);
  });

  it('pools: 3x3, padding 1 (TensorFlow same), the average over in-image positions only', () => {
    const xs = [1, 4, 4, 1];
    const x = ramp(16, -5);
    for (const stride of [1, 2]) {
      const max = run(createOp('max_pool_3x3', `max${stride}`, 1, stride as 1 | 2), x, xs);
      const avg = run(createOp('avg_pool_3x3', `avg${stride}`, 1, stride as 1 | 2), x, xs);
      const g = { kernel: [3, 3] as [number, number], stride: [stride, stride] as [number, number], padding: 'same' as const };
      expectClose(max.y, poolRef(x, xs, 'max', g).y);
      expectClose(avg.y, poolRef(x, xs, 'avg', g).y);
    }
    // by hand: stride 1, corner (0, 0) averages x[0..1][0..1] = (-5 -4 -1 0) / 4
    expect(run(createOp('avg_pool_3x3', 'avg_corner', 1, 1), x, xs).y[0]).toBeCloseTo(-2.5, 6);
  });
});
