/** Flatten: [N, ...] -> [N, prod(...)], row-major (channels last), as Keras Flatten. */
import { tf } from '../engine/index.js';
import type { Rng } from '../engine/rng.js';
import { type ForwardContext, Layer } from './layer.js';
import { registerLayer } from './registry.js';

export class Flatten extends Layer {
  readonly type = 'Flatten';

  protected doBuild(inputShape: number[], _rng: Rng): number[] {
    return [inputShape.reduce((a, b) => a * b, 1)];
  }

  forward(x: tf.Tensor, _ctx: ForwardContext): tf.Tensor {
    return x.rank === 2 ? x : tf.reshape(x, [x.shape[0], -1]);
  }

  config(): Record<string, unknown> {
    return {};
  }
}

registerLayer('Flatten', (name) => new Flatten(name));
