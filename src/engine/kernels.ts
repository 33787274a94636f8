/**
 * What TensorFlow.js 4.22 lacks or gets wrong for training on its wasm backend, supplied here.
 *
 * 1. Missing wasm kernels, registered as kernels composed from the backend's own (XNNPACK convolution, transpose,
 *    pad, slice, sum), calling their kernel functions directly, so the work stays in wasm and nothing is recorded
 *    on the gradient tape. Identities used (NHWC; per spatial axis the forward is
 *    y[n,o,c'] = sum_k x[n, o*s + k*d - padTop, c] f[k,c,c']):
 *    - `Conv2DBackpropFilter`: a convolution of x as a "batch of channels" [C,H,W,N] with dy as the filter
 *      [OH,OW,N,C'], stride and dilation swapping roles; `DepthwiseConv2dNativeBackpropFilter` likewise per channel.
 *    - `DepthwiseConv2dNativeBackpropInput`: the transposed convolution (dy with s-1 zeros inserted, correlated with
 *      the spatially flipped filter), summed over the channel multiplier.
 * 2. Replaced wasm kernels: `MaxPoolGrad` (loses the gradient of windows whose maximum is negative),
 *    `Conv2DBackpropInput` (a plain loop, now the transposed convolution through XNNPACK) and `BatchMatMul` with a
 *    transposed operand (about 10x slower than transposing first). Measured figures at each kernel.
 * 3. Gradients: tfjs refuses the gradient of a dilated Conv2D / DepthwiseConv2dNative on every backend. A dilated
 *    convolution equals an undilated one with a zero-inserted ("dilated") filter, so its gradients are the
 *    undilated gradients with that filter, the filter gradient read back at every d-th tap. This route uses only
 *    registered kernels, so it gives the same answer on `cpu` (the reference) and `wasm`.
 */
import { tf } from './tf.js';

type TensorInfo = tf.TensorInfo;
type Backend = tf.KernelBackend;
type Pair = [number, number];

const WASM = 'wasm';

/** Runs other wasm kernels inside a kernel and frees their intermediate outputs afterwards. */
class KernelScratch {
  private readonly temps: TensorInfo[] = [];
  constructor(private readonly backend: Backend) {}

  run(kernelName: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap = {}): TensorInfo {
    const kernel = tf.getKernel(kernelName, WASM);
    if (!kernel) throw new Error(`wasm kernel '${kernelName}' is needed by xbarnet's gradient kernels but missing`);
    const out = kernel.kernelFunc({ inputs, attrs, backend: this.backend }) as TensorInfo;
    this.temps.push(out);
    return out;
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  transpose(x: TensorInfo, perm: number[]): TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  /**
   * Convolution (or depthwise convolution) with per-side padding [before, after] that may be negative:
   * a negative amount crops the input first, since XNNPACK takes only non-negative padding.
   */
  conv(x: TensorInfo, filter: TensorInfo, opts: {
    depthwise: boolean; strides: Pair; dilations: Pair; padH: Pair; padW: Pair;
  }): TensorInfo {
    const { padH, padW } = opts;
    const crop = [padH[0], padH[1], padW[0], padW[1]].map((p) => Math.max(0, -p));
    if (crop.some((c) => c > 0)) {
      const [n, h, w, c] = x.shape;
      x = this.run('Slice', { x }, {
        begin: [0, crop[0], crop[2], 0],
        size: [n, h! - crop[0]! - crop[1]!, w! - crop[2]! - crop[3]!, c],
      });
    }
    const pad = [[0, 0], [padH[0], padH[1]].map((p) => Math.max(0, p)), [padW[0], padW[1]].map((p) => Math.max(0, p)), [0, 0]];
    return this.run(opts.depthwise ? 'DepthwiseConv2dNative' : 'Conv2D', { x, filter }, {
      strides: opts.strides, dilations: opts.dilations, pad, dataFormat: 'NHWC', dimRoundingMode: undefined,
    } as unknown as tf.NamedAttrMap);
  }

  /** Frees every intermediate output (a reshape of one shares its data and keeps it alive through a ref count). */
  finish(result: TensorInfo): TensorInfo {
    for (const t of this.temps) if (t !== result) this.backend.disposeData(t.dataId);
    return result;
  }
}

interface ConvAttrs {
  strides: number | Pair;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dilations?: number | Pair;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dataFormat?: 'NHWC' | 'NCHW';
}

function convInfo(xShape: number[], filterShape: number[], a: ConvAttrs, depthwise: boolean): tf.backend_util.Conv2DInfo {
  if (a.dataFormat === 'NCHW') throw new Error('wasm gradient kernels support only NHWC (channels-last) data');
  return tf.backend_util.computeConv2DInfo(xShape as [number, number, number, number],
    filterShape as [number, number, number, number], a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode,
    depthwise, 'channelsLast');
}

/**
 * Padding [before, after] of the filter-gradient convolution along one axis: the padded input must be exactly
 * (O-1)*s + (K-1)*d + 1 long for the output to be K taps, so `after` may be negative (rows a VALID strided
 * convolution never reads), and is then cropped.
 */
function span(out: number, stride: number, k: number, dil: number, before: number, len: number): Pair {
  return [before, (out - 1) * stride + (k - 1) * dil + 1 - before - len];
}

/**
 * dF[k,c,c'] = sum_{n,o} x[n, o*s + k*d - top, c] dy[n,o,c'] (per spatial axis) is a convolution over o of
 * x' = x^T [C,H,W,N] (batch C, channels N) with dy' = [OH,OW,N,C'] as filter, stride d and dilation s.
 */
function conv2dBackpropFilter(args: { inputs: tf.NamedTensorInfoMap; backend: Backend; attrs: tf.NamedAttrMap }): TensorInfo {
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const attrs = args.attrs as unknown as ConvAttrs & { filterShape: number[] };
  const info = convInfo(x.shape, attrs.filterShape, attrs, false);
  const s = new KernelScratch(args.backend);
  const g = s.conv(s.transpose(x, [3, 1, 2, 0]), s.transpose(dy, [1, 2, 0, 3]), {
    depthwise: false,
    strides: [info.dilationHeight, info.dilationWidth],
    dilations: [info.strideHeight, info.strideWidth],
    padH: span(info.outHeight, info.strideHeight, info.filterHeight, info.dilationHeight, info.padInfo.top, info.inHeight),
    padW: span(info.outWidth, info.strideWidth, info.filterWidth, info.dilationWidth, info.padInfo.left, info.inWidth),
  }); // [C, KH, KW, C']
  return s.finish(s.transpose(g, [1, 2, 0, 3]));
}

/**
 * Depthwise filter gradient: as `conv2dBackpropFilter` but per channel, so the batch goes into the channels of a
 * depthwise convolution ([1,H,W,N*C] with filter [OH,OW,N*C,M]) and is summed afterwards.
 */
function depthwiseBackpropFilter(args: { inputs: tf.NamedTensorInfoMap; backend: Backend; attrs: tf.NamedAttrMap }): TensorInfo {
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const attrs = args.attrs as unknown as ConvAttrs & { filterShape: number[] };
  const info = convInfo(x.shape, attrs.filterShape, attrs, true);
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const [kh, kw, , m] = attrs.filterShape as [number, number, number, number];
  const s = new KernelScratch(args.backend);
  const xs = s.reshape(s.transpose(x, [1, 2, 0, 3]), [1, h, w, n * c]);
  const dys = s.reshape(s.transpose(dy, [1, 2, 0, 3]), [info.outHeight, info.outWidth, n * c, m]);
  const g = s.conv(xs, dys, {
    depthwise: true,
    strides: [info.dilationHeight, info.dilationWidth],
    dilations: [info.strideHeight, info.strideWidth],
    padH: span(info.outHeight, info.strideHeight, kh, info.dilationHeight, info.padInfo.top, h),
    padW: span(info.outWidth, info.strideWidth, kw, info.dilationWidth, info.padInfo.left, w),
  }); // [1, KH, KW, N*C*M]
  const summed = s.run('Sum', { x: s.reshape(g, [kh, kw, n, c * m]) }, { axis: [2], keepDims: false });
  return s.finish(s.reshape(summed, [kh, kw, c, m]));
}

/**
 * Input gradient of a convolution = transposed convolution: dx[i] = sum_k dyz[i + top - k*d] f[k], where dyz is
 * dy with s-1 zeros after each row/column. With the spatially flipped filter this is a stride-1 correlation with
 * dilation d, padded (K-1)*d - top before and H + top - O*s after (either may be negative: cropped).
 * For a full convolution the flipped filter's channel axes swap ([K,K,C',C]); for a depthwise one each of the C*M
 * channels of dy is correlated on its own and the multiplier axis is summed.
 */
function transposedConv(s: KernelScratch, dy: TensorInfo, filter: TensorInfo, info: tf.backend_util.Conv2DInfo,
  depthwise: boolean): TensorInfo {
  const [n, h, w, c] = info.inShape;
  const [kh, kw, fIn, fOut] = filter.shape as [number, number, number, number];
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
  const k = dy.shape[3]!;
  let dyz = dy;
  if (sh > 1 || sw > 1) {
    // Zero insertion as reshape [N,OH,1,OW,1,K] -> pad the unit axes to s -> reshape [N,OH*s,OW*s,K].
    const padded = s.run('PadV2', { x: s.reshape(dy, [n, oh, 1, ow, 1, k]) }, {
      paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]], constantValue: 0,
    });
    dyz = s.reshape(padded, [n, oh * sh, ow * sw, k]);
  }
  const flipped = s.run('Reverse', { x: filter }, { dims: [0, 1] });
  const f = depthwise ? s.reshape(flipped, [kh, kw, fIn * fOut, 1]) : s.transpose(flipped, [0, 1, 3, 2]);
  const { dilationHeight: dh, dilationWidth: dw } = info;
  const g = s.conv(dyz, f, {
    depthwise,
    strides: [1, 1],
    dilations: [dh, dw],
    padH: [(kh - 1) * dh - info.padInfo.top, h + info.padInfo.top - oh * sh],
    padW: [(kw - 1) * dw - info.padInfo.left, w + info.padInfo.left - ow * sw],
  }); // [N, H, W, C] (depthwise: [N, H, W, C*M])
  if (!depthwise || fOut === 1) return g;
  return s.run('Sum', { x: s.reshape(g, [n, h, w, c, fOut]) }, { axis: [4], keepDims: false });
}

function depthwiseBackpropInput(args: { inputs: tf.NamedTensorInfoMap; backend: Backend; attrs: tf.NamedAttrMap }): TensorInfo {
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const attrs = args.attrs as unknown as ConvAttrs & { inputShape: number[] };
  const s = new KernelScratch(args.backend);
  return s.finish(transposedConv(s, dy, filter, convInfo(attrs.inputShape, filter.shape, attrs, true), true));
}

/**
 * Conv2DBackpropInput through XNNPACK, replacing tfjs-backend-wasm 4.22's, a plain C++ loop about 10x slower than
 * XNNPACK's convolution on LeNet-5's shapes (the largest cost of a training step before the replacement).
 */
function conv2dBackpropInput(args: { inputs: tf.NamedTensorInfoMap; backend: Backend; attrs: tf.NamedAttrMap }): TensorInfo {
  const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
  const attrs = args.attrs as unknown as ConvAttrs & { inputShape: number[] };
  const s = new KernelScratch(args.backend);
  return s.finish(transposedConv(s, dy, filter, convInfo(attrs.inputShape, filter.shape, attrs, false), false));
}

/** The parts of tfjs-backend-wasm's BackendWasm that a kernel writing the heap directly uses. */
interface WasmHeap {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}

/**
 * MaxPoolGrad (NHWC), replacing tfjs-backend-wasm 4.22's, which drops the gradient of every window whose maximum
 * is negative (its running maximum evidently starts at 0 or FLT_MIN rather than -inf; measured, see the kernel
 * tests). Plain JS over the wasm heap: each window's first maximum (row-major, as the `cpu` backend picks it)
 * receives that window's dy.
 */
function maxPoolGrad(args: { inputs: tf.NamedTensorInfoMap; backend: Backend; attrs: tf.NamedAttrMap }): TensorInfo {
  const { dy, input } = args.inputs as { dy: TensorInfo; input: TensorInfo };
  const a = args.attrs as unknown as { filterSize: number | Pair; strides: number | Pair; pad: ConvAttrs['pad']; dimRoundingMode?: ConvAttrs['dimRoundingMode'] };
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], a.filterSize,
    a.strides, 1, a.pad, a.dimRoundingMode);
  const heap = args.backend as unknown as WasmHeap;
  const out = heap.makeOutput(input.shape, 'float32');
  // Views only after makeOutput: an allocation may grow the wasm memory and detach older views.
  const x = heap.typedArrayFromHeap(input);
  const g = heap.typedArrayFromHeap(dy);
  const dx = heap.typedArrayFromHeap(out).fill(0);
  const { inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const { strideHeight: sh, strideWidth: sw, filterHeight: fh, filterWidth: fw } = info;
  const { top, left } = info.padInfo;
  // Branch-free selection: `at += (x[p] > x[at]) * (p - at)` keeps the first maximum without a jump
  // the CPU would mispredict about half the time. With the 2x2 unrolling below, LeNet-5's pools went from 1.75 to
  // 0.64 ms per call at batch 64 (`npx tsx bench/train-profile.ts`, against the if-based loop it replaced).
  if (fh === 2 && fw === 2 && sh === 2 && sw === 2 && top === 0 && left === 0 && 2 * oh <= h && 2 * ow <= w) {
    // 2x2 windows at stride 2 (LeNet, VGG): the four cells unrolled
    const wc = w * c;
    for (let b = 0; b < info.batchSize; b++) {
      for (let i = 0; i < oh; i++) {
        for (let j = 0; j < ow; j++) {
          const p0 = ((b * h + 2 * i) * w + 2 * j) * c;
          const gBase = ((b * oh + i) * ow + j) * c;
          for (let ch = 0; ch < c; ch++) {
            const p = p0 + ch;
            const upper = p + +(x[p + c]! > x[p]!) * c; // first maximum of the window's upper row
            const lower = p + wc + +(x[p + wc + c]! > x[p + wc]!) * c;
            const at = upper + +(x[lower]! > x[upper]!) * (lower - upper);
            dx[at] = dx[at]! + g[gBase + ch]!;
          }
        }
      }
    }
    return out;
  }
  for (let b = 0; b < info.batchSize; b++) {
    const image = b * h * w * c;
    for (let i = 0; i < oh; i++) {
      const r0 = i * sh - top;
      const rs = r0 > 0 ? r0 : 0;
      const re = r0 + fh < h ? r0 + fh : h;
      for (let j = 0; j < ow; j++) {
        const q0 = j * sw - left;
        const qs = q0 > 0 ? q0 : 0;
        const qe = q0 + fw < w ? q0 + fw : w;
        if (rs >= re || qs >= qe) continue; // a window wholly in the padding has no input to credit
        const gBase = ((b * oh + i) * ow + j) * c;
        const first = image + (rs * w + qs) * c;
        for (let ch = 0; ch < c; ch++) {
          let at = first + ch;
          for (let r = rs; r < re; r++) {
            let p = image + (r * w + qs) * c + ch;
            for (let q = qs; q < qe; q++, p += c) at += +(x[p]! > x[at]!) * (p - at);
          }
          dx[at] = dx[at]! + g[gBase + ch]!;
        }
      }
    }
  }
  return out;
}

/** tfjs-backend-wasm's own kernels that a replacement delegates to. */
const originals = new Map<string, tf.KernelFunc>();

/**
 * BatchMatMul with transposeA/transposeB done as an explicit transpose first: tfjs-backend-wasm 4.22 multiplies
 * a transposed operand about 10x slower than a plain one (measured on 64x400x120: 1.9 ms against 0.2 ms), and
 * training needs x^T dy and dy W^T in every dense layer's gradient.
 */
function batchMatMul(args: { inputs: tf.NamedTensorInfoMap; backend: Backend; attrs: tf.NamedAttrMap }): TensorInfo {
  const { transposeA, transposeB } = args.attrs as { transposeA?: boolean; transposeB?: boolean };
  const plain = originals.get('BatchMatMul')!;
  if (!transposeA && !transposeB) return plain(args) as TensorInfo;
  const s = new KernelScratch(args.backend);
  const lastTwoSwapped = (t: TensorInfo) => {
    const perm = t.shape.map((_, i) => i);
    perm.push(...perm.splice(-2).reverse());
    return s.transpose(t, perm);
  };
  let { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
  if (transposeA) a = lastTwoSwapped(a);
  if (transposeB) b = lastTwoSwapped(b);
  const out = plain({ inputs: { a, b }, backend: args.backend, attrs: { transposeA: false, transposeB: false } }) as TensorInfo;
  return s.finish(out);
}

/** Kernels registered only where tfjs-backend-wasm has none. */
const missingWasmKernels: [string, tf.KernelFunc][] = [
  ['Conv2DBackpropFilter', conv2dBackpropFilter as unknown as tf.KernelFunc],
  ['DepthwiseConv2dNativeBackpropFilter', depthwiseBackpropFilter as unknown as tf.KernelFunc],
  ['DepthwiseConv2dNativeBackpropInput', depthwiseBackpropInput as unknown as tf.KernelFunc],
];
/** Kernels that replace a faulty tfjs-backend-wasm 4.22 one. */
const replacedWasmKernels: [string, tf.KernelFunc][] = [
  ['MaxPoolGrad', maxPoolGrad as unknown as tf.KernelFunc],
  ['Conv2DBackpropInput', conv2dBackpropInput as unknown as tf.KernelFunc],
  ['BatchMatMul', batchMatMul as unknown as tf.KernelFunc],
];

/**
 * Registers the wasm kernels tfjs lacks and replaces the faulty ones. Idempotent; a missing kernel that tfjs itself
 * provides (a later version) is left alone.
 */
export function registerMissingWasmKernels(): void {
  for (const [kernelName, kernelFunc] of missingWasmKernels) {
    if (!tf.getKernel(kernelName, WASM)) tf.registerKernel({ kernelName, backendName: WASM, kernelFunc });
  }
  for (const [kernelName, kernelFunc] of replacedWasmKernels) {
    const current = tf.getKernel(kernelName, WASM);
    if (!current) throw new Error(`tfjs-backend-wasm has no '${kernelName}' kernel to replace`);
    if (current.kernelFunc === kernelFunc) continue;
    originals.set(kernelName, current.kernelFunc);
    tf.unregisterKernel(kernelName, WASM);
    // keep the original's setupFunc: it binds the wasm function that the original kernel calls
    tf.registerKernel({ ...current, kernelFunc });
  }
}

function pair(v: number | number[] | undefined): Pair {
  if (v === undefined) return [1, 1];
  return typeof v === 'number' ? [v, v] : [v[0]!, v[1]!];
}

/** Filter [KH,KW,C,M] -> [(KH-1)*dh+1, (KW-1)*dw+1, C, M] with dh-1 (dw-1) zero taps between taps. */
function dilateFilter(f: tf.Tensor4D, [dh, dw]: Pair): tf.Tensor4D {
  const [kh, kw, c, m] = f.shape;
  const z = tf.pad(tf.reshape(f, [kh, 1, kw, 1, c, m]), [[0, 0], [0, dh - 1], [0, 0], [0, dw - 1], [0, 0], [0, 0]]);
  return tf.slice(tf.reshape(z, [kh * dh, kw * dw, c, m]) as tf.Tensor4D, 0, [(kh - 1) * dh + 1, (kw - 1) * dw + 1, c, m]);
}

/** The taps of a dilated filter's gradient that belong to the real filter. */
function undilate(g: tf.Tensor4D, [dh, dw]: Pair): tf.Tensor4D {
  return tf.stridedSlice(g, [0, 0, 0, 0], g.shape, [dh, dw, 1, 1]) as tf.Tensor4D;
}

/** Wraps a convolution's gradient so that dilation > 1 goes through the zero-inserted filter (see file comment). */
function withDilatedGradient(kernelName: string, filterKernel: string, inputKernel: string | undefined): void {
  const original = tf.getGradient(kernelName);
  if (!original || (original as { xbarnetDilated?: boolean }).xbarnetDilated) return;
  const config = {
    ...original,
    xbarnetDilated: true,
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
      const dil = pair(attrs.dilations as number | number[] | undefined);
      if (dil[0] === 1 && dil[1] === 1) return original.gradFunc(dy, saved, attrs);
      const a = attrs as unknown as ConvAttrs;
      if (a.dataFormat === 'NCHW') throw new Error('the gradient of a dilated NCHW convolution is not supported');
      const g = dy as tf.Tensor4D;
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const common = { strides: a.strides, pad: a.pad, dimRoundingMode: a.dimRoundingMode } as unknown as tf.NamedAttrMap;
      const undilated = { ...common, dataFormat: a.dataFormat ?? 'NHWC', dilations: [1, 1] } as unknown as tf.NamedAttrMap;
      return {
        x: () => {
          const fd = dilateFilter(filter, dil);
          return inputKernel
            ? tf.engine().runKernel(inputKernel, { dy: g, filter: fd }, { ...undilated, inputShape: x.shape }) as tf.Tensor
            : tf.conv2dTranspose(g, fd, x.shape, a.strides, a.pad as 'same', a.dimRoundingMode);
        },
        filter: () => {
          const [kh, kw, c, m] = filter.shape;
          const filterShape = [(kh - 1) * dil[0] + 1, (kw - 1) * dil[1] + 1, c, m];
          const gd = tf.engine().runKernel(filterKernel, { x, dy: g }, { ...undilated, filterShape }) as tf.Tensor4D;
          return undilate(gd, dil);
        },
      };
    },
  };
  tf.registerGradient(config as tf.GradConfig);
}

/**
 * Registers gradients tfjs refuses: dilated Conv2D and DepthwiseConv2dNative. Backend-independent; idempotent.
 */
export function registerMissingGradients(): void {
  withDilatedGradient('Conv2D', 'Conv2DBackpropFilter', undefined);
  withDilatedGradient('DepthwiseConv2dNative', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput');
}
