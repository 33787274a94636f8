/**
 * The differentiable ops that training of xbarnet's layers needs (Dense, Conv2d, DepthwiseConv2d, pooling,
 * batch norm in training mode, activations, dropout, softmax cross-entropy, LSTM/GRU cell ops), each as a
 * scalar loss of seeded inputs. Used by the kernel tests (wasm gradients against the `cpu` backend) and by the
 * probe script that lists which kernels a backend lacks.
 */
import { tf, Rng } from '../../src/engine/index.js';
import type { Tensor } from '../../src/engine/index.js';

export interface GradCase {
  name: string;
  /** Input shapes; inputs are seeded normals. */
  shapes: number[][];
  /** A scalar loss of the inputs. */
  loss: (...xs: Tensor[]) => Tensor;
}

type T4 = tf.Tensor4D;
type T2 = tf.Tensor2D;

/** A weighted sum, so that every output element gets a different upstream gradient. */
function wsum(y: Tensor): Tensor {
  const w = tf.linspace(-1, 1.5, y.size).reshape(y.shape);
  return tf.sum(tf.mul(y, w));
}

function conv(name: string, x: number[], f: number[], strides: number | [number, number],
  pad: 'same' | 'valid' | number | [[number, number], [number, number], [number, number], [number, number]],
  dilations: number | [number, number] = 1): GradCase {
  return { name, shapes: [x, f], loss: (a, b) => wsum(tf.conv2d(a as T4, b as T4, strides, pad, 'NHWC', dilations)) };
}

function depthwise(name: string, x: number[], f: number[], strides: number | [number, number],
  pad: 'same' | 'valid' | number, dilations: number | [number, number] = 1): GradCase {
  return { name, shapes: [x, f], loss: (a, b) => wsum(tf.depthwiseConv2d(a as T4, b as T4, strides, pad, 'NHWC', dilations)) };
}

export const convCases: GradCase[] = [
  conv('conv2d valid s1', [2, 7, 7, 3], [3, 3, 3, 4], 1, 'valid'),
  conv('conv2d same s1', [2, 6, 5, 2], [3, 3, 2, 5], 1, 'same'),
  conv('conv2d same s2 odd', [3, 9, 8, 3], [3, 3, 3, 4], 2, 'same'),
  conv('conv2d valid s2 uncovered rows', [2, 8, 7, 2], [3, 2, 2, 3], 2, 'valid'),
  conv('conv2d valid s3x2 rect filter', [2, 11, 9, 2], [2, 4, 2, 3], [3, 2], 'valid'),
  conv('conv2d same even filter s2', [2, 8, 8, 3], [4, 4, 3, 2], 2, 'same'),
  conv('conv2d pad=1 s2', [2, 7, 7, 2], [3, 3, 2, 3], 2, 1),
  conv('conv2d explicit pads', [2, 6, 7, 2], [3, 2, 2, 3], [2, 1], [[0, 0], [2, 0], [1, 3], [0, 0]]),
  conv('conv2d 1x1 s2', [2, 5, 5, 4], [1, 1, 4, 3], 2, 'valid'),
  conv('conv2d filter = input', [3, 5, 5, 2], [5, 5, 2, 3], 1, 'valid'),
  conv('conv2d dilation 2 valid', [2, 9, 8, 2], [3, 3, 2, 3], 1, 'valid', 2),
  conv('conv2d dilation 2x3 same', [2, 9, 10, 2], [3, 2, 2, 3], 1, 'same', [2, 3]),
  depthwise('depthwise valid s1', [2, 7, 7, 3], [3, 3, 3, 1], 1, 'valid'),
  depthwise('depthwise same s1 mult2', [2, 6, 5, 3], [3, 3, 3, 2], 1, 'same'),
  depthwise('depthwise same s2', [2, 9, 8, 4], [3, 3, 4, 1], 2, 'same'),
  depthwise('depthwise valid s2 uncovered', [2, 8, 8, 2], [3, 3, 2, 2], 2, 'valid'),
  depthwise('depthwise pad=1 s2', [2, 9, 7, 2], [3, 3, 2, 1], 2, 1),
  depthwise('depthwise same s3x2 rect', [2, 10, 7, 2], [3, 2, 2, 1], [3, 2], 'same'),
  depthwise('depthwise dilation 2 same', [2, 9, 9, 3], [3, 3, 3, 2], 1, 'same', 2),
];

/** Cell of an LSTM (Hochreiter & Schmidhuber 1997, forget gate of Gers et al. 2000) written with plain ops. */
function lstmCell(x: Tensor, h: Tensor, c: Tensor, w: Tensor, b: Tensor): Tensor {
  const z = tf.add(tf.matMul(tf.concat([x, h], 1) as T2, w as T2), b);
  const [i, f, g, o] = tf.split(z, 4, 1);
  const c2 = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g)));
  const h2 = tf.mul(tf.sigmoid(o), tf.tanh(c2));
  return tf.add(wsum(h2), wsum(c2));
}

/** Cell of a GRU (Cho et al. 2014). */
function gruCell(x: Tensor, h: Tensor, wx: Tensor, wh: Tensor): Tensor {
  const units = h.shape[1]!;
  const gx = tf.matMul(x as T2, wx as T2);
  const gh = tf.matMul(h as T2, wh as T2);
  const z = tf.sigmoid(tf.add(tf.slice(gx, [0, 0], [-1, units]), tf.slice(gh, [0, 0], [-1, units])));
  const r = tf.sigmoid(tf.add(tf.slice(gx, [0, units], [-1, units]), tf.slice(gh, [0, units], [-1, units])));
  const n = tf.tanh(tf.add(tf.slice(gx, [0, 2 * units], [-1, units]), tf.mul(r, tf.slice(gh, [0, 2 * units], [-1, units]))));
  const h2 = tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h));
  return wsum(h2);
}

export const layerCases: GradCase[] = [
  { name: 'dense + bias', shapes: [[4, 6], [6, 3], [3]], loss: (x, w, b) => wsum(tf.add(tf.matMul(x as T2, w as T2), b)) },
  { name: 'dense transposed', shapes: [[4, 6], [3, 6]], loss: (x, w) => wsum(tf.matMul(x as T2, w as T2, false, true)) },
  {
    name: 'batched matMul, both transposed',
    shapes: [[2, 5, 3], [2, 4, 5]],
    loss: (a, b) => wsum(tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D, true, true)),
  },
  { name: 'relu', shapes: [[3, 5]], loss: (x) => wsum(tf.relu(x)) },
  { name: 'sigmoid', shapes: [[3, 5]], loss: (x) => wsum(tf.sigmoid(x)) },
  { name: 'tanh', shapes: [[3, 5]], loss: (x) => wsum(tf.tanh(x)) },
  { name: 'leakyRelu', shapes: [[3, 5]], loss: (x) => wsum(tf.leakyRelu(x, 0.1)) },
  { name: 'elu', shapes: [[3, 5]], loss: (x) => wsum(tf.elu(x)) },
  { name: 'maxPool valid', shapes: [[2, 6, 6, 3]], loss: (x) => wsum(tf.maxPool(x as T4, 2, 2, 'valid')) },
  { name: 'maxPool same s2 k3', shapes: [[2, 7, 7, 2]], loss: (x) => wsum(tf.maxPool(x as T4, 3, 2, 'same')) },
  // all-negative windows: tfjs-backend-wasm 4.22's own MaxPoolGrad returns 0 for them
  { name: 'maxPool of negative values', shapes: [[2, 6, 6, 3]], loss: (x) => wsum(tf.maxPool(tf.sub(x, 5) as T4, 2, 2, 'valid')) },
  { name: 'maxPool same k2 s2 odd (padded windows)', shapes: [[2, 7, 5, 2]], loss: (x) => wsum(tf.maxPool(x as T4, 2, 2, 'same')) },
  { name: 'avgPool valid', shapes: [[2, 6, 6, 3]], loss: (x) => wsum(tf.avgPool(x as T4, 2, 2, 'valid')) },
  { name: 'avgPool same s2 k3', shapes: [[2, 7, 7, 2]], loss: (x) => wsum(tf.avgPool(x as T4, 3, 2, 'same')) },
  {
    name: 'batchNorm training (moments)',
    shapes: [[4, 3, 3, 5], [5], [5]],
    loss: (x, gamma, beta) => {
      const { mean, variance } = tf.moments(x, [0, 1, 2]);
      return wsum(tf.batchNorm(x, mean, variance, beta, gamma, 1e-3));
    },
  },
  {
    name: 'dropout (fixed seed)',
    shapes: [[4, 8]],
    loss: (x) => wsum(tf.dropout(x, 0.3, undefined, 7)),
  },
  {
    name: 'softmax cross-entropy',
    shapes: [[4, 5]],
    loss: (logits) => tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d([0, 3, 1, 4], 'int32'), 5), logits),
  },
  {
    name: 'log-softmax NLL',
    shapes: [[4, 5]],
    loss: (logits) => tf.neg(tf.mean(tf.sum(tf.mul(tf.oneHot(tf.tensor1d([2, 3, 0, 4], 'int32'), 5), tf.logSoftmax(logits)), 1))),
  },
  { name: 'flatten + global mean', shapes: [[2, 3, 3, 4]], loss: (x) => wsum(tf.mean(tf.reshape(x, [2, 36]), 1)) },
  { name: 'pad + concat + transpose', shapes: [[2, 3, 4]], loss: (x) => wsum(tf.transpose(tf.concat([tf.pad(x, [[0, 0], [1, 1], [0, 2]]), tf.pad(x, [[0, 0], [2, 0], [1, 1]])], 2), [1, 0, 2])) },
  { name: 'clip, abs, square, sqrt, exp, log', shapes: [[3, 4]], loss: (x) => wsum(tf.add(tf.add(tf.clipByValue(x, -0.5, 0.5), tf.sqrt(tf.add(tf.square(x), 1))), tf.log(tf.add(tf.exp(x), tf.abs(x))))) },
  {
    name: 'maximum, minimum, where',
    shapes: [[3, 4], [3, 4]],
    // the condition is a constant: tfjs has no gradient for comparisons, even as a where() condition
    loss: (a, b) => wsum(tf.add(tf.maximum(a, b), tf.where(tf.tensor2d([[1, 0, 1, 0], [0, 1, 1, 0], [1, 1, 0, 0]]).cast('bool'), tf.minimum(a, b), tf.mul(a, 2)))),
  },
  { name: 'lstm cell', shapes: [[3, 4], [3, 5], [3, 5], [9, 20], [20]], loss: lstmCell },
  { name: 'gru cell', shapes: [[3, 4], [3, 5], [4, 15], [5, 15]], loss: gruCell },
];

export const allCases: GradCase[] = [...convCases, ...layerCases];

/** Seeded inputs of a case (normals scaled down so that no op saturates). */
export function caseInputs(c: GradCase, seed = 1): Float32Array[] {
  const rng = new Rng(seed).fork(c.name);
  return c.shapes.map((s) => rng.fillNormal(new Float32Array(s.reduce((a, b) => a * b, 1)), 0, 0.7));
}

/** Loss value and gradient w.r.t. every input of a case, on the current backend. */
export function caseGradients(c: GradCase, inputs: Float32Array[]): { loss: number; grads: Float32Array[] } {
  return tf.tidy(() => {
    const xs = inputs.map((v, i) => tf.tensor(v, c.shapes[i]));
    const { value, grads } = tf.valueAndGrads((...a: Tensor[]) => c.loss(...a) as tf.Scalar)(xs);
    return { loss: value.dataSync()[0]!, grads: grads.map((g) => g.dataSync() as Float32Array) };
  });
}
