/**
 * Batch normalisation (Ioffe & Szegedy, ICML 2015) per channel (the last axis), any input rank.
 * Training: normalise with the batch mean and (biased) variance and update the moving statistics,
 * moving = momentum * moving + (1 - momentum) * batch. Inference: normalise with the moving statistics.
 * Parameters: gamma (role 'scale'), beta ('shift'), movingMean and movingVariance ('state', not trainable).
 */
import { tf } from '../engine/index.js';
import type { Rng } from '../engine/rng.js';
import { UserError } from '../errors.js';
import { readNumber } from './config.js';
import { type ForwardContext, Layer } from './layer.js';
import { registerLayer } from './registry.js';

export interface BatchNormOptions {
  /** Weight of the old moving statistics per update; default 0.9 (PyTorch BatchNorm's momentum=0.1 in this convention). */
  momentum?: number;
  /** Added to the variance; default 1e-5 (PyTorch BatchNorm default). */
  epsilon?: number;
}

export class BatchNorm extends Layer {
  readonly type = 'BatchNorm';
  readonly momentum: number;
  readonly epsilon: number;

  constructor(name: string, opts: BatchNormOptions = {}) {
    super(name);
    const cfg = opts as unknown as Record<string, unknown>;
    this.momentum = readNumber(name, cfg, 'momentum', 0.9);
    this.epsilon = readNumber(name, cfg, 'epsilon', 1e-5);
    if (this.momentum < 0 || this.momentum >= 1) {
      throw new UserError(`layer '${name}': 'momentum' must be in [0, 1), got ${this.momentum}`, 'typical values are 0.9 to 0.99');
    }
    if (this.epsilon <= 0) throw new UserError(`layer '${name}': 'epsilon' must be > 0, got ${this.epsilon}`, 'typical values are 1e-5 to 1e-3');
  }

  protected doBuild(inputShape: number[], _rng: Rng): number[] {
    if (inputShape.length < 1) throw new UserError(`layer '${this.name}' (BatchNorm) needs an input with a channel axis`, 'place it after a Dense or convolution layer');
    const c = inputShape[inputShape.length - 1];
    this.addParam('gamma', 'scale', tf.ones([c]));
    this.addParam('beta', 'shift', tf.zeros([c]));
    this.addParam('movingMean', 'state', tf.zeros([c]), false);
    this.addParam('movingVariance', 'state', tf.ones([c]), false);
    return [...inputShape];
  }

  forward(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    const gamma = this.weight('gamma', ctx);
    const beta = this.weight('beta', ctx);
    if (!ctx.training) {
      return tf.batchNorm(x, this.param('movingMean').variable, this.param('movingVariance').variable, beta, gamma, this.epsilon);
    }
    const axes = [...Array(x.rank - 1).keys()];
    const { mean, variance } = tf.moments(x, axes);
    tf.tidy(() => {
      const m = this.momentum;
      const mm = this.param('movingMean').variable;
      const mv = this.param('movingVariance').variable;
      // Variable assignment is not recorded for gradients: the update is not part of the loss.
      mm.assign(tf.add(tf.mul(mm, m), tf.mul(mean, 1 - m)));
      mv.assign(tf.add(tf.mul(mv, m), tf.mul(variance, 1 - m)));
    });
    // y = x * s + (beta - mean * s), s = gamma / sqrt(var + eps), written with broadcasting ops: the
    // gradient of tf.batchNorm tiles per-channel vectors to the input's size, which dominated a
    // training step on wasm (measured: 40% of a small-VGG step).
    const s = tf.mul(gamma, tf.rsqrt(tf.add(variance, this.epsilon)));
    return tf.add(tf.mul(x, s), tf.sub(beta, tf.mul(mean, s)));
  }

  config(): Record<string, unknown> {
    return { momentum: this.momentum, epsilon: this.epsilon };
  }
}

registerLayer('BatchNorm', (name, config) => new BatchNorm(name, config as BatchNormOptions));
