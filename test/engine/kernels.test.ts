import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf, Rng } from '../../src/engine/index.js';
import { allCases, caseGradients, caseInputs, convCases } from './training-ops.js';

/** max |a - b| / max |b|: the error relative to the reference's scale. */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}

async function onCpu<T>(f: () => T): Promise<T> {
  await initEngine('cpu');
  try {
    return f();
  } finally {
    await initEngine('wasm');
  }
}

beforeAll(async () => {
  await initEngine('wasm');
});
afterAll(async () => {
  await initEngine('wasm');
});

describe('training gradients on wasm match the cpu backend', () => {
  for (const c of allCases) {
    it(c.name, async () => {
      const inputs = caseInputs(c);
      const ref = await onCpu(() => caseGradients(c, inputs));
      const dataIds = tf.engine().backend.numDataIds();
      const got = caseGradients(c, inputs);
      // The supplied kernels free their intermediates: nothing is left on the wasm heap after the tidy.
      expect(tf.engine().backend.numDataIds()).toBe(dataIds);
      expect(Math.abs(got.loss - ref.loss) / Math.max(1, Math.abs(ref.loss))).toBeLessThan(1e-5);
      got.grads.forEach((g, i) => expect(relErr(g, ref.grads[i]!), `input ${i}`).toBeLessThan(1e-4));
    });
  }
});

describe('MaxPoolGrad with tied maxima', () => {
  // Through a loss, a tie cannot show: the tied cells' gradients reach the same input or are zeroed by a
  // ReLU. The kernel itself must credit the first maximum of a window in row-major order, as cpu does.
  const cases = [
    { name: '2x2 s2 valid (unrolled path)', shape: [2, 6, 8, 3], k: 2, s: 2, pad: 'valid' as const },
    { name: '3x3 s2 same (general path)', shape: [2, 7, 7, 2], k: 3, s: 2, pad: 'same' as const },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const rng = new Rng(5);
      // values from {0, 1, 2}: most windows hold ties
      const xv = Float32Array.from({ length: c.shape.reduce((a, b) => a * b) }, () => Math.floor(3 * rng.uniform()));
      const grad = () => tidyGrad(xv, c);
      const ref = await onCpu(grad);
      expect(Array.from(grad())).toEqual(Array.from(ref));
    });
  }
  function tidyGrad(xv: Float32Array, c: { shape: number[]; k: number; s: number; pad: 'valid' | 'same' }): Float32Array {
    return tf.tidy(() => {
      const x = tf.tensor4d(xv, c.shape as [number, number, number, number]);
      const y = tf.maxPool(x, c.k, c.s, c.pad);
      const dy = tf.linspace(1, 2, y.size).reshape(y.shape);
      const dx = tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, { filterSize: c.k, strides: c.s, pad: c.pad }) as tf.Tensor;
      return Float32Array.from(dx.dataSync());
    });
  }
});

describe('supplied wasm kernels are used (not a fallback)', () => {
  it('registers the three kernels tfjs-backend-wasm 4.22 lacks', () => {
    for (const k of ['Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput']) {
      expect(tf.getKernel(k, 'wasm'), k).toBeDefined();
    }
    expect(convCases.length).toBeGreaterThan(10);
  });
});

/** A dilated filter built by plain indexing (independent of the code under test). */
function dilatedByHand(f: Float32Array, [kh, kw, c, m]: number[], [dh, dw]: number[]): { values: Float32Array; shape: number[] } {
  const ekh = (kh! - 1) * dh! + 1;
  const ekw = (kw! - 1) * dw! + 1;
  const out = new Float32Array(ekh * ekw * c! * m!);
  for (let i = 0; i < kh!; i++) {
    for (let j = 0; j < kw!; j++) {
      for (let q = 0; q < c! * m!; q++) out[((i * dh! * ekw) + j * dw!) * c! * m! + q] = f[(i * kw! + j) * c! * m! + q]!;
    }
  }
  return { values: out, shape: [ekh, ekw, c!, m!] };
}

describe('dilated convolution gradients', () => {
  const cases = [
    { name: 'conv2d d=2 valid', depthwise: false, x: [2, 9, 8, 2], f: [3, 3, 2, 3], d: [2, 2], pad: 'valid' as const },
    { name: 'conv2d d=2x3 same', depthwise: false, x: [2, 9, 10, 2], f: [3, 2, 2, 3], d: [2, 3], pad: 'same' as const },
    { name: 'depthwise d=2 same mult2', depthwise: true, x: [2, 9, 9, 3], f: [3, 3, 3, 2], d: [2, 2], pad: 'same' as const },
    { name: 'depthwise d=3x2 valid', depthwise: true, x: [2, 10, 9, 2], f: [2, 3, 2, 1], d: [3, 2], pad: 'valid' as const },
  ];
  const conv = (depthwise: boolean, x: tf.Tensor4D, f: tf.Tensor4D, pad: 'same' | 'valid', d: [number, number]) =>
    depthwise ? tf.depthwiseConv2d(x, f, 1, pad, 'NHWC', d) : tf.conv2d(x, f, 1, pad, 'NHWC', d);

  for (const c of cases) {
    it(`${c.name}: equal to the undilated gradient through a hand-dilated filter (cpu reference)`, async () => {
      const rng = new Rng(5).fork(c.name);
      const xv = rng.fillNormal(new Float32Array(c.x.reduce((a, b) => a * b)));
      const fv = rng.fillNormal(new Float32Array(c.f.reduce((a, b) => a * b)));
      const fd = dilatedByHand(fv, c.f, c.d);
      const grads = (useDilation: boolean) => tf.tidy(() => {
        const x = tf.tensor4d(xv, c.x as [number, number, number, number]);
        const f = useDilation ? tf.tensor4d(fv, c.f as [number, number, number, number])
          : tf.tensor4d(fd.values, fd.shape as [number, number, number, number]);
        const loss = (a: tf.Tensor, b: tf.Tensor) => {
          const y = conv(c.depthwise, a as tf.Tensor4D, b as tf.Tensor4D, c.pad, useDilation ? c.d as [number, number] : [1, 1]);
          return tf.sum(tf.mul(y, tf.linspace(-1, 2, y.size).reshape(y.shape)));
        };
        return tf.grads(loss)([x, f]).map((g) => g.dataSync() as Float32Array);
      });
      const [refDx, refDfd] = await onCpu(() => grads(false));
      // The real filter's gradient is the dilated filter's gradient at every d-th tap.
      const [kh, kw, ch, m] = c.f as [number, number, number, number];
      const ekw = fd.shape[1]!;
      const refDf = new Float32Array(fv.length);
      for (let i = 0; i < kh; i++) {
        for (let j = 0; j < kw; j++) {
          for (let q = 0; q < ch * m; q++) refDf[(i * kw + j) * ch * m + q] = refDfd![((i * c.d[0]! * ekw) + j * c.d[1]!) * ch * m + q]!;
        }
      }
      for (const backend of ['cpu', 'wasm'] as const) {
        const [dx, df] = backend === 'cpu' ? await onCpu(() => grads(true)) : grads(true);
        expect(relErr(dx!, refDx!), `${backend} dx`).toBeLessThan(1e-5);
        expect(relErr(df!, refDf), `${backend} dfilter`).toBeLessThan(1e-5);
      }
    });
  }

  it('wasm depthwise gradient kernels also honour a dilation attribute directly', async () => {
    const rng = new Rng(9);
    const xShape = [2, 9, 8, 3] as [number, number, number, number];
    const fShape = [3, 2, 3, 2] as [number, number, number, number];
    const xv = rng.fillNormal(new Float32Array(2 * 9 * 8 * 3));
    const fv = rng.fillNormal(new Float32Array(3 * 2 * 3 * 2));
    const d: [number, number] = [2, 3];
    const viaGradient = () => tf.tidy(() => {
      const [dx, df] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(
        tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same', 'NHWC', d), 0.5)))([tf.tensor4d(xv, xShape), tf.tensor4d(fv, fShape)]);
      return [dx!.dataSync() as Float32Array, df!.dataSync() as Float32Array];
    });
    const [refDx, refDf] = await onCpu(viaGradient);
    const [dx, df] = tf.tidy(() => {
      const x = tf.tensor4d(xv, xShape);
      const f = tf.tensor4d(fv, fShape);
      const dy = tf.fill([2, 9, 8, 6], 0.5);
      const attrs = { strides: [1, 1], pad: 'same', dilations: d, dimRoundingMode: undefined } as unknown as tf.NamedAttrMap;
      const gx = tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: f }, { ...attrs, inputShape: xShape }) as tf.Tensor;
      const gf = tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrs, filterShape: fShape }) as tf.Tensor;
      return [gx.dataSync(), gf.dataSync()];
    });
    expect(relErr(dx!, refDx!)).toBeLessThan(1e-5);
    expect(relErr(df!, refDf!)).toBeLessThan(1e-5);
  });
});
