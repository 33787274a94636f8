/** Fully connected layer: y = x W + b over the last axis. Kernel shape [inputs, units]. */
import { tf } from '../engine/index.js';
import type { Rng } from '../engine/rng.js';
import { UserError } from '../errors.js';
import { readBool, readChoice, readInt } from './config.js';
import { INIT_KINDS, type InitKind, constantInit, uniformInit } from './init.js';
import { type ForwardContext, Layer } from './layer.js';
import { registerLayer } from './registry.js';

export interface DenseOptions {
  units: number;
  /** Default true. */
  useBias?: boolean;
  /** Default 'he'. */
  init?: InitKind;
}

export class Dense extends Layer {
  readonly type = 'Dense';
  readonly units: number;
  readonly useBias: boolean;
  readonly init: InitKind;

  constructor(name: string, opts: DenseOptions) {
    super(name);
    const cfg = opts as unknown as Record<string, unknown>;
    this.units = readInt(name, cfg, 'units');
    this.useBias = readBool(name, cfg, 'useBias', true);
    this.init = readChoice(name, cfg, 'init', INIT_KINDS, 'he');
  }

  protected doBuild(inputShape: number[], rng: Rng): number[] {
    if (inputShape.length < 1) {
      throw new UserError(`layer '${this.name}' (Dense) needs an input with at least one axis`, 'add a Flatten layer before it');
    }
    const fanIn = inputShape[inputShape.length - 1];
    this.addParam('kernel', 'weight', uniformInit([fanIn, this.units], this.init, fanIn, this.units, rng.fork('kernel')));
    if (this.useBias) this.addParam('bias', 'bias', constantInit([this.units], 0));
    return [...inputShape.slice(0, -1), this.units];
  }

  forward(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    return tf.tidy(() => {
      const w = this.weight('kernel', ctx) as tf.Tensor2D;
      const fanIn = w.shape[0];
      const flat = x.rank === 2 ? (x as tf.Tensor2D) : x.reshape([-1, fanIn]) as tf.Tensor2D;
      let y: tf.Tensor = tf.matMul(flat, w);
      if (this.useBias) y = tf.add(y, this.weight('bias', ctx));
      return x.rank === 2 ? y : y.reshape([...x.shape.slice(0, -1), this.units]);
    });
  }

  config(): Record<string, unknown> {
    return { units: this.units, useBias: this.useBias, init: this.init };
  }
}

registerLayer('Dense', (name, config) => new Dense(name, config as unknown as DenseOptions));
