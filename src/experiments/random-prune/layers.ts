/**
 * Two shape layers the spoken-digit network of the random-pruning paper needs and `src/nn` lacks
 * (registered, so a saved model reloads):
 * - `ReshapeTo`: [N, ...in] -> [N, ...target], same element count, row-major (as `torch.reshape`).
 * - `MeanOverTime`: [N, time, features] -> [N, features], the mean over the time axis (the paper's
 *   `torch.mean(h_all, dim=0)` over the RNN's hidden states).
 * Type names are distinct from any future generic `Reshape` in `src/nn` so both can be registered.
 */
import { tf } from '../../engine/index.js';
import type { Rng } from '../../engine/rng.js';
import { UserError } from '../../errors.js';
import { type ForwardContext, Layer, registerLayer } from '../../nn/index.js';

export class ReshapeTo extends Layer {
  readonly type = 'ReshapeTo';
  readonly target: number[];

  constructor(name: string, opts: { target: number[] }) {
    super(name);
    const t = opts.target;
    if (!Array.isArray(t) || t.length === 0 || !t.every((d) => Number.isInteger(d) && d >= 1)) {
      throw new UserError(`layer '${name}' (ReshapeTo): 'target' must be a list of positive integers, got ${JSON.stringify(t)}`, 'e.g. target: [4, 32]');
    }
    this.target = [...t];
  }

  protected doBuild(inputShape: number[], _rng: Rng): number[] {
    const a = inputShape.reduce((x, y) => x * y, 1);
    const b = this.target.reduce((x, y) => x * y, 1);
    if (a !== b) {
      throw new UserError(
        `layer '${this.name}' (ReshapeTo): input ${JSON.stringify(inputShape)} has ${a} elements, target ${JSON.stringify(this.target)} has ${b}`,
        'give a target shape with the same number of elements',
      );
    }
    return [...this.target];
  }

  forward(x: tf.Tensor, _ctx: ForwardContext): tf.Tensor {
    return tf.reshape(x, [x.shape[0], ...this.target]);
  }

  config(): Record<string, unknown> {
    return { target: [...this.target] };
  }
}

export class MeanOverTime extends Layer {
  readonly type = 'MeanOverTime';

  protected doBuild(inputShape: number[], _rng: Rng): number[] {
    if (inputShape.length !== 2) {
      throw new UserError(`layer '${this.name}' (MeanOverTime) needs input [time, features], got ${JSON.stringify(inputShape)}`, 'place it after a recurrent layer with returnSequences: true');
    }
    return [inputShape[1]];
  }

  forward(x: tf.Tensor, _ctx: ForwardContext): tf.Tensor {
    return tf.mean(x, 1);
  }

  config(): Record<string, unknown> {
    return {};
  }
}

registerLayer('ReshapeTo', (name, config) => new ReshapeTo(name, config as unknown as { target: number[] }));
registerLayer('MeanOverTime', (name) => new MeanOverTime(name));
