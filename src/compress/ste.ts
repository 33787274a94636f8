/**
 * Straight-through estimators (Bengio, Leonard & Courville, arXiv 1308.3432, 2013): a non-differentiable
 * forward value with a surrogate gradient.
 */
import { tf } from '../engine/index.js';

type CustomGradFn = Parameters<typeof tf.customGrad>[0];

/**
 * `value` in the forward pass, gradient `dy` passed to `x` unchanged. `value` is computed by `make`
 * inside the op so the tape owns it; it must have `x`'s shape.
 */
export function straightThrough(x: tf.Tensor, make: () => tf.Tensor): tf.Tensor {
  const f = tf.customGrad(((input: tf.Tensor) => {
    void input;
    return { value: make(), gradFunc: (dy: tf.Tensor) => dy };
  }) as unknown as CustomGradFn) as (x: tf.Tensor) => tf.Tensor;
  return f(x);
}

/**
 * `make(x)` in the forward pass; gradient `dy * 1{lo <= x <= hi}` to `x` (the clipped identity).
 * `lo` and `hi` are numbers fixed for this call.
 */
export function clippedStraightThrough(x: tf.Tensor, lo: number, hi: number, make: (x: tf.Tensor) => tf.Tensor): tf.Tensor {
  const f = tf.customGrad(((input: tf.Tensor, save: tf.GradSaveFunc) => {
    save([input]);
    return {
      value: make(input),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.mul(dy, tf.cast(tf.logicalAnd(tf.greaterEqual(saved[0], lo), tf.lessEqual(saved[0], hi)), 'float32')),
    };
  }) as unknown as CustomGradFn) as (x: tf.Tensor) => tf.Tensor;
  return f(x);
}
