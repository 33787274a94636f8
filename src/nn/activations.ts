/** Element-wise activations: ReLU, Sigmoid, Tanh, and Sign (binary activations, straight-through gradient). */
import { tf } from '../engine/index.js';
import type { Rng } from '../engine/rng.js';
import { type ForwardContext, Layer } from './layer.js';
import { registerLayer } from './registry.js';

abstract class Activation extends Layer {
  protected doBuild(inputShape: number[], _rng: Rng): number[] {
    return [...inputShape];
  }

  config(): Record<string, unknown> {
    return {};
  }
}

export class ReLU extends Activation {
  readonly type = 'ReLU';
  forward(x: tf.Tensor, _ctx: ForwardContext): tf.Tensor {
    return tf.relu(x);
  }
}

export class Sigmoid extends Activation {
  readonly type = 'Sigmoid';
  forward(x: tf.Tensor, _ctx: ForwardContext): tf.Tensor {
    return tf.sigmoid(x);
  }
}

export class Tanh extends Activation {
  readonly type = 'Tanh';
  forward(x: tf.Tensor, _ctx: ForwardContext): tf.Tensor {
    return tf.tanh(x);
  }
}

/**
 * sign(x) in {-1, +1} (sign(0) = +1) with the straight-through estimator of Hubara et al.,
 * "Binarized Neural Networks" (NeurIPS 2016): gradient dy * 1{|x| <= 1} (clipped identity).
 */
export const signSte = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
  save([x]);
  return {
    value: tf.where(tf.greaterEqual(x, 0), tf.onesLike(x), tf.onesLike(x).neg()),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.cast(tf.lessEqual(tf.abs(saved[0]), 1), 'float32')),
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor) => tf.Tensor;

export class Sign extends Activation {
  readonly type = 'Sign';
  forward(x: tf.Tensor, _ctx: ForwardContext): tf.Tensor {
    return signSte(x);
  }
}

registerLayer('ReLU', (name) => new ReLU(name));
registerLayer('Sigmoid', (name) => new Sigmoid(name));
registerLayer('Tanh', (name) => new Tanh(name));
registerLayer('Sign', (name) => new Sign(name));
