/**
 * Weight initialisers. Values come from the layer's forked `Rng` into a Float32Array (not tf's
 * random ops), so a seed gives the same initial weights on every backend.
 */
import { tf } from '../engine/index.js';
import type { Rng } from '../engine/rng.js';

export type InitKind = 'he' | 'glorot';
export const INIT_KINDS: readonly InitKind[] = ['he', 'glorot'];

/**
 * Uniform initialiser limits:
 * - He uniform: sqrt(6 / fanIn) (He et al., "Delving Deep into Rectifiers", ICCV 2015), for ReLU nets;
 * - Glorot uniform: sqrt(6 / (fanIn + fanOut)) (Glorot & Bengio, AISTATS 2010).
 */
export function initLimit(kind: InitKind, fanIn: number, fanOut: number): number {
  return kind === 'he' ? Math.sqrt(6 / fanIn) : Math.sqrt(6 / (fanIn + fanOut));
}

export function uniformInit(shape: number[], kind: InitKind, fanIn: number, fanOut: number, rng: Rng): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const limit = initLimit(kind, fanIn, fanOut);
  return tf.tensor(rng.fillUniform(new Float32Array(size), -limit, limit), shape, 'float32');
}

export function constantInit(shape: number[], value: number): tf.Tensor {
  return tf.fill(shape, value, 'float32');
}
