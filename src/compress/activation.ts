/**
 * k-bit activation quantization, min-max per tensor: 2^k levels evenly spaced on [lo, hi] (both
 * ends are levels), step (hi - lo) / (2^k - 1), values clipped to [lo, hi] and rounded to the nearest
 * level (half to even). Straight-through gradient dy * 1{lo <= x <= hi}.
 *
 * The random-resistive-memory paper's code quantizes activations this way per tensor of each batch
 * (4-bit FashionMNIST, 3-bit spoken digits, 6-bit DRIVE; see /work/shared/PAPERS.md section 2), which the
 * `QuantizeActivation` layer does with range 'batch'. A crossbar's input DAC has a fixed range, so
 * range 'calibrated' instead quantizes with a running min/max learnt from the training batches.
 */
import { tf } from '../engine/index.js';
import type { Rng } from '../engine/rng.js';
import { UserError } from '../errors.js';
import { type ForwardContext, Layer, registerLayer } from '../nn/index.js';
import { clippedStraightThrough } from './ste.js';
import { checkChoice, checkInt, checkRange } from './targets.js';

export type ActivationRange = 'batch' | 'calibrated';
export const ACTIVATION_RANGES: readonly ActivationRange[] = ['batch', 'calibrated'];

/**
 * Quantizes `x` to 2^bits levels on [lo, hi] (default: x's own min and max) with the clipped
 * straight-through gradient. A constant tensor (lo = hi) passes through unchanged.
 */
export function quantizeActivations(x: tf.Tensor, bits: number, lo?: number, hi?: number): tf.Tensor {
  checkInt('quantizeActivations', 'bits', bits, 1, 16, 'use 1 to 16 bits');
  let a = lo;
  let b = hi;
  if (a === undefined || b === undefined) {
    const [mn, mx] = tf.tidy(() => [tf.min(x).dataSync()[0], tf.max(x).dataSync()[0]]);
    a ??= mn;
    b ??= mx;
  }
  if (!(b >= a)) throw new UserError(`quantizeActivations: range [${a}, ${b}] is empty`, 'give lo <= hi');
  if (b === a) return clippedStraightThrough(x, a, b, (v) => tf.clone(v));
  const levels = 2 ** bits;
  const step = (b - a) / (levels - 1);
  const lower = a;
  const upper = b;
  return clippedStraightThrough(x, lower, upper, (v) =>
    tf.tidy(() => tf.add(tf.mul(tf.round(tf.div(tf.sub(tf.clipByValue(v, lower, upper), lower), step)), step), lower)),
  );
}

export interface QuantizeActivationOptions {
  bits: number;
  /** 'batch' (default): each tensor's own min/max, as the paper's code; 'calibrated': running min/max from training. */
  range?: ActivationRange;
  /**
   * Weight of the old running range per training batch (range 'calibrated'); default 0.99, the
   * averaging constant 0.01 of PyTorch's MovingAverageMinMaxObserver.
   */
  momentum?: number;
}

/**
 * Activation quantizer layer. Parameters (role 'state', never trained): `rangeMin`, `rangeMax` (the
 * running range, tracked in both modes so a deployment can size its DAC) and `rangeUpdates` (training
 * batches seen; the first sets the range directly). Range 'calibrated' before any training batch falls
 * back to the batch range.
 */
export class QuantizeActivation extends Layer {
  readonly type = 'QuantizeActivation';
  readonly bits: number;
  readonly range: ActivationRange;
  readonly momentum: number;

  constructor(name: string, opts: QuantizeActivationOptions) {
    super(name);
    const who = `layer '${name}' (QuantizeActivation)`;
    this.bits = checkInt(who, 'bits', opts.bits, 1, 16, 'use 1 to 16 bits, e.g. bits: 4');
    this.range = checkChoice(who, 'range', opts.range, ACTIVATION_RANGES, 'batch');
    this.momentum = checkRange(who, 'momentum', opts.momentum ?? 0.99, 0, 1, 'a number in [0, 1), e.g. 0.99');
    if (this.momentum === 1) throw new UserError(`${who}: 'momentum' must be below 1 (the range would never move)`, 'e.g. momentum: 0.99');
  }

  protected doBuild(inputShape: number[], _rng: Rng): number[] {
    this.addParam('rangeMin', 'state', tf.zeros([1]), false);
    this.addParam('rangeMax', 'state', tf.zeros([1]), false);
    this.addParam('rangeUpdates', 'state', tf.zeros([1]), false);
    return [...inputShape];
  }

  /** The running range [min, max] and the number of training batches it has seen. */
  runningRange(): { min: number; max: number; updates: number } {
    return {
      min: this.param('rangeMin').variable.dataSync()[0],
      max: this.param('rangeMax').variable.dataSync()[0],
      updates: this.param('rangeUpdates').variable.dataSync()[0],
    };
  }

  forward(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    const [lo, hi] = tf.tidy(() => [tf.min(x).dataSync()[0], tf.max(x).dataSync()[0]]);
    let run = this.runningRange();
    if (ctx.training) {
      const m = run.updates === 0 ? 0 : this.momentum;
      run = { min: m * run.min + (1 - m) * lo, max: m * run.max + (1 - m) * hi, updates: run.updates + 1 };
      const next = run;
      tf.tidy(() => {
        this.param('rangeMin').variable.assign(tf.tensor1d([next.min]));
        this.param('rangeMax').variable.assign(tf.tensor1d([next.max]));
        this.param('rangeUpdates').variable.assign(tf.tensor1d([next.updates]));
      });
    }
    if (this.range === 'calibrated' && run.updates > 0) return quantizeActivations(x, this.bits, run.min, run.max);
    return quantizeActivations(x, this.bits, lo, hi);
  }

  config(): Record<string, unknown> {
    return { bits: this.bits, range: this.range, momentum: this.momentum };
  }
}

registerLayer('QuantizeActivation', (name, config) => new QuantizeActivation(name, config as unknown as QuantizeActivationOptions));
