/** Pooling over NHWC images: max, average (padding excluded from the mean, as in TensorFlow), global average. */
import { tf } from '../engine/index.js';
import type { Rng } from '../engine/rng.js';
import { UserError } from '../errors.js';
import { type Padding, expectRank, readChoice, readPair, windowOutput } from './config.js';
import { type ForwardContext, Layer } from './layer.js';
import { registerLayer } from './registry.js';

export interface Pool2dOptions {
  /** Default 2. */
  poolSize?: number | [number, number];
  /** Default: equal to poolSize. */
  stride?: number | [number, number];
  /** Default 'valid'. */
  padding?: Padding;
}

abstract class Pool2d extends Layer {
  readonly poolSize: [number, number];
  readonly stride: [number, number];
  readonly padding: Padding;

  constructor(name: string, opts: Pool2dOptions = {}) {
    super(name);
    const cfg = opts as unknown as Record<string, unknown>;
    this.poolSize = readPair(name, cfg, 'poolSize', 2);
    this.stride = readPair(name, cfg, 'stride', this.poolSize);
    this.padding = readChoice(name, cfg, 'padding', ['same', 'valid'] as const, 'valid');
  }

  protected doBuild(inputShape: number[], _rng: Rng): number[] {
    expectRank(this.name, this.type, inputShape, 3, 'an image [height, width, channels]');
    const out = [0, 1].map((a) => windowOutput(inputShape[a], this.poolSize[a], this.stride[a], 1, this.padding));
    if (out[0] < 1 || out[1] < 1) {
      throw new UserError(
        `layer '${this.name}' (${this.type}): pool ${JSON.stringify(this.poolSize)} does not fit input ${JSON.stringify(inputShape)}`,
        "use a smaller pool, padding 'same', or fewer pooling layers",
      );
    }
    return [out[0], out[1], inputShape[2]];
  }

  config(): Record<string, unknown> {
    return { poolSize: [...this.poolSize], stride: [...this.stride], padding: this.padding };
  }
}

export class MaxPool extends Pool2d {
  readonly type = 'MaxPool';
  forward(x: tf.Tensor, _ctx: ForwardContext): tf.Tensor {
    return tf.maxPool(x as tf.Tensor4D, this.poolSize, this.stride, this.padding);
  }
}

/**
 * Average pooling. With 'same' padding the mean is over the positions inside the image, as in
 * TensorFlow. tfjs 4.22's AvgPoolGrad divides by the full window there (on cpu and wasm alike), so this
 * layer pads explicitly, pools 'valid' and rescales each output by window / (positions inside), which
 * gives the same forward values and the correct gradient.
 */
export class AvgPool extends Pool2d {
  readonly type = 'AvgPool';
  private pads: [[number, number], [number, number]] = [[0, 0], [0, 0]];
  private scale: Float32Array | undefined;

  protected override doBuild(inputShape: number[], rng: Rng): number[] {
    const out = super.doBuild(inputShape, rng);
    if (this.padding !== 'same') return out;
    const pads = [0, 1].map((a) => {
      const total = Math.max((out[a] - 1) * this.stride[a] + this.poolSize[a] - inputShape[a], 0);
      return [Math.floor(total / 2), total - Math.floor(total / 2)] as [number, number];
    });
    this.pads = [pads[0], pads[1]];
    if (pads.every(([b, e]) => b === 0 && e === 0)) return out;
    // window / count of in-image positions, per output position.
    const inside = (o: number, a: number) => {
      const start = o * this.stride[a] - pads[a][0];
      return Math.min(start + this.poolSize[a], inputShape[a]) - Math.max(start, 0);
    };
    this.scale = new Float32Array(out[0] * out[1]);
    for (let i = 0; i < out[0]; i++) {
      for (let j = 0; j < out[1]; j++) this.scale[i * out[1] + j] = (this.poolSize[0] * this.poolSize[1]) / (inside(i, 0) * inside(j, 1));
    }
    return out;
  }

  forward(x: tf.Tensor, _ctx: ForwardContext): tf.Tensor {
    const scale = this.scale;
    if (!scale) return tf.avgPool(x as tf.Tensor4D, this.poolSize, this.stride, this.padding);
    return tf.tidy(() => {
      const padded = tf.pad(x as tf.Tensor4D, [[0, 0], this.pads[0], this.pads[1], [0, 0]]);
      const sums = tf.avgPool(padded, this.poolSize, this.stride, 'valid');
      return tf.mul(sums, tf.tensor(scale, [sums.shape[1], sums.shape[2], 1]));
    });
  }
}

/** Mean over the spatial axes: [N, H, W, C] -> [N, C]. */
export class GlobalAvgPool extends Layer {
  readonly type = 'GlobalAvgPool';

  protected doBuild(inputShape: number[], _rng: Rng): number[] {
    expectRank(this.name, this.type, inputShape, 3, 'an image [height, width, channels]');
    return [inputShape[2]];
  }

  forward(x: tf.Tensor, _ctx: ForwardContext): tf.Tensor {
    return tf.mean(x, [1, 2]);
  }

  config(): Record<string, unknown> {
    return {};
  }
}

registerLayer('MaxPool', (name, config) => new MaxPool(name, config as Pool2dOptions));
registerLayer('AvgPool', (name, config) => new AvgPool(name, config as Pool2dOptions));
registerLayer('GlobalAvgPool', (name) => new GlobalAvgPool(name));
