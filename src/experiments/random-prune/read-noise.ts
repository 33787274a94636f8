/**
 * Cycle-to-cycle read noise as a weight transform ('read-noise'): every forward call is one read of
 * the chip, w_read = w + sigma * s * N(0, 1), with a fresh N(0, 1) per weight drawn from the forward
 * context's seeded stream (`ctx.rng`), so a test batch is one chip read and the run is reproducible.
 *
 * s per weight is the transform's frozen `noiseScale` state: by default |w| of the stored weight at
 * the first call (relative noise, w (1 + sigma N)); `setNoiseScale` gives the differential pair's
 * form instead, s = sqrt(G_A^2 + G_B^2) / G_norm, since each of the two cells is read with its own
 * relative noise sigma (the `rram-random` and `rram` presets: 1 % per read, aihwkit
 * ReRamWan2022NoiseModel docstring). Attach it before a supermask, so the mask selects among noisy
 * reads of the stored weights.
 *
 * Option `duringTraining` (default true): false reads noise-free in training and noisy at inference.
 */
import { tf } from '../../engine/index.js';
import { UserError } from '../../errors.js';
import { type ForwardContext, type Layer, type Param, type WeightTransform, registerTransform } from '../../nn/index.js';

export interface ReadNoiseOptions {
  /** Relative standard deviation of one read, e.g. 0.01. */
  sigma: number;
  /** Default true: noise in training forward passes too. */
  duringTraining?: boolean;
}

export class ReadNoiseTransform implements WeightTransform {
  readonly kind = 'read-noise';
  readonly sigma: number;
  readonly duringTraining: boolean;
  private readonly scale: Param;
  /** Whether `noiseScale` has been set (else it is taken from |w| at the first call). */
  private scaleSet = false;

  constructor(private readonly target: { layer: Layer; param: string }, opts: ReadNoiseOptions) {
    const who = `read-noise on ${target.layer.name}/${target.param}`;
    if (typeof opts.sigma !== 'number' || !(opts.sigma >= 0) || !Number.isFinite(opts.sigma)) {
      throw new UserError(`${who}: 'sigma' must be a number >= 0, got ${JSON.stringify(opts.sigma)}`, 'e.g. sigma: 0.01 (1 % per read)');
    }
    if (opts.duringTraining !== undefined && typeof opts.duringTraining !== 'boolean') {
      throw new UserError(`${who}: 'duringTraining' must be true or false`, 'e.g. duringTraining: true');
    }
    this.sigma = opts.sigma;
    this.duringTraining = opts.duringTraining ?? true;
    const stored = target.layer.param(target.param).variable;
    const t = tf.fill(stored.shape, -1, 'float32');
    this.scale = { name: 'noiseScale', role: 'state', variable: tf.variable(t, false), trainable: false };
    t.dispose();
  }

  /** Sets the per-weight standard deviation multiplier s (one value per weight). */
  setNoiseScale(values: Float32Array): void {
    const v = this.scale.variable;
    if (values.length !== v.size) {
      throw new UserError(`read-noise on ${this.target.layer.name}/${this.target.param}: ${values.length} scales for a tensor of ${v.size}`, 'give one value per weight');
    }
    tf.tidy(() => v.assign(tf.tensor(values, v.shape, 'float32')));
    this.scaleSet = true;
  }

  /** The per-weight multiplier s (after the first call or `setNoiseScale`). */
  noiseScale(): Float32Array {
    return (this.scale.variable.dataSync() as Float32Array).slice();
  }

  params(): Param[] {
    return [this.scale];
  }

  apply(weight: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    if (!this.scaleSet) {
      // A reloaded transform keeps its saved scale (any non-negative value); -1 marks "unset".
      const first = this.scale.variable.dataSync()[0];
      if (first === -1) {
        const stored = this.target.layer.param(this.target.param).variable;
        tf.tidy(() => this.scale.variable.assign(tf.abs(stored)));
      }
      this.scaleSet = true;
    }
    if (this.sigma === 0 || (ctx.training && !this.duringTraining)) return weight;
    const z = ctx.rng.fillNormal(new Float32Array(weight.size));
    return tf.add(weight, tf.mul(tf.mul(tf.tensor(z, weight.shape, 'float32'), this.scale.variable), this.sigma));
  }

  config(): Record<string, unknown> {
    return { sigma: this.sigma, duringTraining: this.duringTraining };
  }
}

/** Attaches read noise to one weight tensor (after any transform already there); returns it. */
export function addReadNoise(layer: Layer, param: string, opts: ReadNoiseOptions): ReadNoiseTransform {
  const t = new ReadNoiseTransform({ layer, param }, opts);
  layer.addTransform(param, t);
  return t;
}

registerTransform('read-noise', (config, target) => new ReadNoiseTransform(target, config as unknown as ReadNoiseOptions));
