/**
 * k-bit uniform symmetric weight quantization with a straight-through estimator (quantization-aware
 * training: the float latent weight is stored and trained, the layer computes with its quantized value).
 *
 * Convention: N levels spaced evenly on [-s, s] with the extremes at +-s, step 2s / (N - 1):
 * - grid 'mid-tread' (default): N = 2^k - 1, levels q * s / (2^(k-1) - 1), q = -(2^(k-1)-1)..2^(k-1)-1;
 *   zero is a level (a pruned weight stays exactly zero), the symmetric "restricted range" integer grid;
 *   needs k >= 2.
 * - grid 'mid-rise': N = 2^k, levels (i - (N-1)/2) * 2s / (N - 1), i = 0..N-1; no zero level (k = 1 gives
 *   +-s); an exactly zero weight (pruned) is kept at zero, an extra value outside the grid.
 * Scale s per tensor: 'max' = max |w| (nothing is clipped), or 'percentile' = the p-th percentile
 * (nearest rank) of the non-zero |w| (outliers clipped to +-s). s is a statistic of the current latent
 * weights, recomputed each forward pass and not differentiated.
 * Gradient (STE, Bengio et al. 2013; clipped as in Hubara et al., JMLR 2018): dy * 1{|w| <= s}.
 */
import { tf } from '../engine/index.js';
import { UserError } from '../errors.js';
import type { ForwardContext, Param, Sequential, WeightTransform } from '../nn/index.js';
import { registerTransform } from '../nn/index.js';
import { clippedStraightThrough } from './ste.js';
import { type WeightTarget, checkChoice, checkInt, effectiveWeight, weightTargets } from './targets.js';

export type QuantGrid = 'mid-tread' | 'mid-rise';
export type QuantScale = 'max' | 'percentile';
export const QUANT_GRIDS: readonly QuantGrid[] = ['mid-tread', 'mid-rise'];
export const QUANT_SCALES: readonly QuantScale[] = ['max', 'percentile'];
/** Widest supported quantizer; float32 holds every level exactly up to here. */
export const MAX_QUANT_BITS = 16;

export interface QuantizeOptions {
  bits: number;
  /** Default 'mid-tread' (2^k - 1 levels, zero included). */
  grid?: QuantGrid;
  /** Default 'max'. */
  scale?: QuantScale;
  /** Percentile in (0, 100] of the non-zero |w|; required with scale 'percentile'. */
  percentile?: number;
}

interface QuantizeSettings {
  bits: number;
  grid: QuantGrid;
  scale: QuantScale;
  percentile: number | undefined;
}

/** Number of levels of a k-bit quantizer under the grid convention above. */
export function quantizedLevels(bits: number, grid: QuantGrid = 'mid-tread'): number {
  return grid === 'mid-tread' ? 2 ** bits - 1 : 2 ** bits;
}

function settings(who: string, o: Record<string, unknown>): QuantizeSettings {
  const grid = checkChoice(who, 'grid', o.grid, QUANT_GRIDS, 'mid-tread');
  const bits = checkInt(who, 'bits', o.bits, grid === 'mid-tread' ? 2 : 1, MAX_QUANT_BITS, grid === 'mid-tread'
    ? "use bits >= 2 (the 'mid-tread' grid has 2^bits - 1 levels), or grid 'mid-rise' / binarize for 1 bit"
    : `use bits from 1 to ${MAX_QUANT_BITS}`);
  const scale = checkChoice(who, 'scale', o.scale, QUANT_SCALES, 'max');
  let percentile: number | undefined;
  if (scale === 'percentile') {
    if (o.percentile === undefined) throw new UserError(`${who}: scale 'percentile' needs 'percentile'`, 'e.g. percentile: 99.9');
    const p = o.percentile;
    if (typeof p !== 'number' || !(p > 0 && p <= 100)) {
      throw new UserError(`${who}: 'percentile' must be a number in (0, 100], got ${JSON.stringify(p)}`, 'e.g. percentile: 99.9');
    }
    percentile = p;
  } else if (o.percentile !== undefined) {
    throw new UserError(`${who}: 'percentile' applies to scale 'percentile' only`, "remove percentile, or set scale: 'percentile'");
  }
  return { bits, grid, scale, percentile };
}

/**
 * Nearest of `levels` points spaced evenly on [-s, s] (extremes at +-s); ties round half to even
 * (tf.round); exact zeros stay zero; s = 0 gives zeros. No gradient logic.
 */
export function uniformQuantize(w: tf.Tensor, s: number, levels: number): tf.Tensor {
  return tf.tidy(() => {
    if (!(s > 0)) return tf.zerosLike(w);
    const c = (levels - 1) / 2;
    const step = (2 * s) / (levels - 1);
    const i = tf.clipByValue(tf.round(tf.add(tf.div(w, step), c)), 0, levels - 1);
    const q = tf.mul(tf.sub(i, c), step);
    return levels % 2 === 1 ? q : tf.where(tf.equal(w, 0), tf.zerosLike(w), q);
  });
}

/** Per-tensor scale s of `w` for a quantizer setting. */
export function weightScale(w: tf.Tensor, scale: QuantScale, percentile?: number): number {
  if (scale === 'max') return tf.tidy(() => tf.max(tf.abs(w)).dataSync()[0]);
  const values = w.dataSync();
  const mags: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) mags.push(Math.abs(values[i]));
  if (mags.length === 0) return 0;
  const sorted = Float64Array.from(mags).sort();
  const rank = Math.ceil(((percentile ?? 100) / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export class QuantizeTransform implements WeightTransform {
  readonly kind = 'quantize';
  readonly bits: number;
  readonly grid: QuantGrid;
  readonly scale: QuantScale;
  readonly percentile: number | undefined;

  constructor(options: QuantizeOptions) {
    const s = settings('quantize', options as unknown as Record<string, unknown>);
    this.bits = s.bits;
    this.grid = s.grid;
    this.scale = s.scale;
    this.percentile = s.percentile;
  }

  get levels(): number {
    return quantizedLevels(this.bits, this.grid);
  }

  params(): Param[] {
    return [];
  }

  /** Scale s and step between levels for a weight tensor (what a deployment maps to conductance levels). */
  gridFor(weight: tf.Tensor): { scale: number; step: number; levels: number } {
    const s = weightScale(weight, this.scale, this.percentile);
    return { scale: s, step: (2 * s) / (this.levels - 1), levels: this.levels };
  }

  apply(weight: tf.Tensor, _ctx: ForwardContext): tf.Tensor {
    const s = weightScale(weight, this.scale, this.percentile);
    const n = this.levels;
    return clippedStraightThrough(weight, -s, s, (w) => uniformQuantize(w, s, n));
  }

  config(): Record<string, unknown> {
    return { bits: this.bits, grid: this.grid, scale: this.scale, ...(this.percentile !== undefined ? { percentile: this.percentile } : {}) };
  }
}

export interface QuantizeModelOptions extends QuantizeOptions {
  /** Layer names; default every layer with weights. */
  layers?: string[];
}

/** Attaches a quantizer to every weight tensor of the chosen layers (after any transforms already there). */
export function quantizeModel(model: Sequential, opts: QuantizeModelOptions): QuantizeTransform[] {
  settings('quantizeModel', opts as unknown as Record<string, unknown>);
  const targets = weightTargets(model, opts.layers, 'quantizeModel');
  for (const t of targets) {
    if (t.layer.transforms(t.param).some((x) => x.kind === 'quantize')) {
      throw new UserError(`quantizeModel: ${t.layer.name}/${t.param} is already quantized`, 'quantize a model once (clearTransforms to start over)');
    }
  }
  return targets.map(({ layer, param }) => {
    const q = new QuantizeTransform({ bits: opts.bits, grid: opts.grid, scale: opts.scale, percentile: opts.percentile });
    layer.addTransform(param, q);
    return q;
  });
}

export interface LevelCount {
  layer: string;
  param: string;
  /** Distinct values of the effective (transformed) weight, zero included if present. */
  distinct: number;
  /** Distinct non-zero values. */
  distinctNonZero: number;
}

/** Distinct effective weight values per weight tensor (inference mode), e.g. to check a quantized model. */
export function weightLevels(model: Sequential, targets?: WeightTarget[]): LevelCount[] {
  return (targets ?? weightTargets(model, undefined, 'weightLevels')).map(({ layer, param }) => {
    const v = effectiveWeight(layer, param);
    const set = new Set<number>(v);
    return { layer: layer.name, param, distinct: set.size, distinctNonZero: set.size - (set.has(0) ? 1 : 0) };
  });
}

registerTransform('quantize', (config) => new QuantizeTransform(config as unknown as QuantizeOptions));
