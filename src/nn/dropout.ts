/** Inverted dropout (Srivastava et al., JMLR 2014): active only in training, seeded from the forward context. */
import { tf } from '../engine/index.js';
import type { Rng } from '../engine/rng.js';
import { UserError } from '../errors.js';
import { readNumber } from './config.js';
import { type ForwardContext, Layer } from './layer.js';
import { registerLayer } from './registry.js';

export interface DropoutOptions {
  /** Fraction of units set to zero in training, in [0, 1). */
  rate: number;
}

export class Dropout extends Layer {
  readonly type = 'Dropout';
  readonly rate: number;

  constructor(name: string, opts: DropoutOptions) {
    super(name);
    this.rate = readNumber(name, opts as unknown as Record<string, unknown>, 'rate');
    if (this.rate < 0 || this.rate >= 1) throw new UserError(`layer '${name}': dropout 'rate' must be in [0, 1), got ${this.rate}`, 'e.g. rate: 0.5');
  }

  protected doBuild(inputShape: number[], _rng: Rng): number[] {
    return [...inputShape];
  }

  forward(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    if (!ctx.training || this.rate === 0) return x;
    return tf.dropout(x, this.rate, undefined, ctx.rng.tfSeed());
  }

  config(): Record<string, unknown> {
    return { rate: this.rate };
  }
}

registerLayer('Dropout', (name, config) => new Dropout(name, config as unknown as DropoutOptions));
