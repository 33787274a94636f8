/**
 * Reads a layer's effective weights (after its weight transforms) as the logical matrix a crossbar
 * stores, and folds a following batch norm into them: y = gamma (z - mean) / sqrt(var + eps) + beta
 * becomes W' = W s, b' = (b - mean) s + beta with s = gamma / sqrt(var + eps) per output channel.
 */
import { tidyData } from '../engine/index.js';
import { Rng } from '../engine/rng.js';
import type { Layer } from '../nn/layer.js';
import type { MvmGeometry } from './deployment.js';

export interface LinearMatrix {
  K: number;
  N: number;
  weights: Float32Array;
  bias: Float32Array | undefined;
  geometry: MvmGeometry;
  /** Multiply-accumulates per input vector that carry weights (below K x N for a block-diagonal mapping). */
  usefulMacsPerVector?: number;
}

const inference = { training: false, rng: new Rng(0) };

function read(layer: Layer, name: string): Float32Array {
  return tidyData(() => layer.weight(name, inference)) as Float32Array;
}

/** Reads one parameter's effective value (after transforms). */
export function effectiveParam(layer: Layer, name: string): Float32Array {
  return read(layer, name);
}

/** Columns [from, to) of a row-major [rows, cols] matrix. */
export function columns(m: Float32Array, rows: number, cols: number, from: number, to: number): Float32Array {
  const out = new Float32Array(rows * (to - from));
  for (let i = 0; i < rows; i++) out.set(m.subarray(i * cols + from, i * cols + to), i * (to - from));
  return out;
}

/** Layer types a crossbar computes as one matrix-vector product per input vector. */
export const CROSSBAR_LAYER_TYPES: readonly string[] = ['Dense', 'Conv2d', 'DepthwiseConv2d'];

/** A layer a crossbar computes (one of `CROSSBAR_LAYER_TYPES`). */
export function isCrossbarLayer(layer: Layer): boolean {
  return CROSSBAR_LAYER_TYPES.includes(layer.type);
}

/** The im2col matrix [(cin, kh, kw), cout] (channel-major rows) of a kernel [kh, kw, cin, cout]. */
function channelMajor(kernel: Float32Array, kh: number, kw: number, cin: number, cout: number): Float32Array {
  // a row block then holds whole input channels, so a tile's partial sum is a convolution over a channel subset
  const weights = new Float32Array(kernel.length);
  for (let a = 0; a < kh; a++) {
    for (let b = 0; b < kw; b++) {
      for (let c = 0; c < cin; c++) {
        const from = ((a * kw + b) * cin + c) * cout;
        const to = ((c * kh + a) * kw + b) * cout;
        weights.set(kernel.subarray(from, from + cout), to);
      }
    }
  }
  return weights;
}

/**
 * A depthwise kernel [kh, kw, cin, m] as the equivalent convolution kernel [kh, kw, cin, cin m]:
 * output channel c m + j sees input channel c only, so the crossbar matrix is block-diagonal (the
 * direct mapping; the cells off the diagonal hold weight zero and are read like the others).
 */
function blockDiagonal(kernel: Float32Array, kh: number, kw: number, cin: number, m: number): Float32Array {
  const cout = cin * m;
  const full = new Float32Array(kh * kw * cin * cout);
  for (let a = 0; a < kh; a++) {
    for (let b = 0; b < kw; b++) {
      for (let c = 0; c < cin; c++) {
        for (let j = 0; j < m; j++) full[((a * kw + b) * cin + c) * cout + c * m + j] = kernel[((a * kw + b) * cin + c) * m + j];
      }
    }
  }
  return full;
}

export function linearMatrix(layer: Layer): LinearMatrix {
  const cfg = layer.config();
  const kernel = read(layer, 'kernel');
  const bias = layer.hasParam('bias') ? read(layer, 'bias') : undefined;
  const shape = layer.param('kernel').variable.shape as number[];
  if (layer.type === 'Dense') {
    return { K: shape[0], N: shape[1], weights: kernel, bias, geometry: { kind: 'dense' } };
  }
  if (layer.type === 'Conv2d' || layer.type === 'DepthwiseConv2d') {
    const depthwise = layer.type === 'DepthwiseConv2d';
    const [kh, kw, cin, last] = shape;
    const cout = depthwise ? cin * last : last;
    const full = depthwise ? blockDiagonal(kernel, kh, kw, cin, last) : kernel;
    return {
      K: kh * kw * cin,
      N: cout,
      weights: channelMajor(full, kh, kw, cin, cout),
      ...(depthwise ? { usefulMacsPerVector: kh * kw * cout } : {}),
      bias,
      geometry: {
        kind: 'conv2d',
        kernel: [kh, kw, cin],
        stride: cfg.stride as [number, number],
        padding: cfg.padding as 'same' | 'valid',
        dilation: cfg.dilation as [number, number],
      },
    };
  }
  throw new Error(`layer '${layer.name}' (${layer.type}) is not a crossbar layer`);
}

/** Folds a BatchNorm layer (inference statistics) into the matrix in place. */
export function foldBatchNorm(m: LinearMatrix, bn: Layer, offset?: number): void {
  const gamma = read(bn, 'gamma');
  const beta = read(bn, 'beta');
  const mean = read(bn, 'movingMean');
  const variance = read(bn, 'movingVariance');
  const eps = bn.config().epsilon as number;
  // `offset`: the layer is one part of a concatenation and owns batch-norm channels [offset, offset + N)
  const c0 = offset ?? 0;
  if (offset === undefined ? gamma.length !== m.N : c0 + m.N > gamma.length) {
    throw new Error(`batch norm '${bn.name}' has ${gamma.length} channels, layer has ${m.N}${offset === undefined ? '' : ` from channel ${c0}`}`);
  }
  const bias = m.bias ?? new Float32Array(m.N);
  for (let j = 0; j < m.N; j++) {
    const c = c0 + j;
    const s = gamma[c] / Math.sqrt(variance[c] + eps);
    for (let i = 0; i < m.K; i++) m.weights[i * m.N + j] *= s;
    bias[j] = (bias[j] - mean[c]) * s + beta[c];
  }
  m.bias = bias;
}
