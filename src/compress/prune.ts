/**
 * Magnitude pruning as a mask transform: w_eff = w * mask. The mask (a saved 'state' parameter) is fixed
 * between updates; the stored weights are kept (not zeroed), and the gradient to a pruned weight is
 * exactly zero, so fine-tuning trains the survivors only.
 *
 * Granularity (the group of weights removed together), for a kernel whose last axis is the output:
 * - 'element' (unstructured): single weights, ranked by |w| per tensor;
 * - 'column': whole output units (a Dense column = one crossbar column; a Conv2d filter), ranked by the
 *   L1 (default) or L2 norm of the column (L1 as in Li et al., "Pruning Filters for Efficient ConvNets",
 *   ICLR 2017);
 * - 'kernel': whole kh x kw kernels between one input and one output channel (the last two axes of a
 *   rank >= 3 kernel); for a Dense kernel a "kernel" is one weight.
 * A mask update prunes exactly round(sparsity * groups) groups (half up). Groups are ranked by
 * (currently kept, norm, index) ascending, so raising the sparsity keeps what is pruned pruned and prunes
 * the weakest survivors (as zeroing pruned weights would, Zhu & Gupta 2017), while lowering it revives
 * the pruned groups with the largest stored norm. Biases are not pruned.
 */
import { tf } from '../engine/index.js';
import { UserError } from '../errors.js';
import type { ForwardContext, Layer, Param, Sequential, WeightTransform } from '../nn/index.js';
import { registerTransform } from '../nn/index.js';
import { ascendingOrder, countFor } from './select.js';
import { type WeightTarget, allWeightTargets, checkChoice, checkRange, effectiveWeight, outputUnits, weightTargets } from './targets.js';

export type PruneGranularity = 'element' | 'column' | 'kernel';
export type GroupNorm = 'l1' | 'l2';
export const PRUNE_GRANULARITIES: readonly PruneGranularity[] = ['element', 'column', 'kernel'];
export const GROUP_NORMS: readonly GroupNorm[] = ['l1', 'l2'];

export interface PruneOptions {
  /** Fraction of groups pruned, in [0, 1]. */
  sparsity: number;
  /** Default 'element' (unstructured). */
  granularity?: PruneGranularity;
  /** Group norm for structured pruning; default 'l1'. */
  norm?: GroupNorm;
}

/** Group id of every flat index of a tensor of `shape`, and the number of groups. */
export function pruneGroups(shape: readonly number[], granularity: PruneGranularity): { groupOf: Int32Array; count: number } {
  const size = shape.reduce((a, b) => a * b, 1);
  const groupOf = new Int32Array(size);
  let period = size;
  if (granularity === 'column') period = outputUnits(shape);
  else if (granularity === 'kernel' && shape.length >= 3) period = shape[shape.length - 1] * shape[shape.length - 2];
  for (let i = 0; i < size; i++) groupOf[i] = i % period;
  return { groupOf, count: period };
}

export class PruneTransform implements WeightTransform {
  readonly kind = 'prune';
  readonly granularity: PruneGranularity;
  readonly norm: GroupNorm;
  private currentSparsity: number;
  private readonly maskParam: Param;

  /** `restore`: skip computing the mask (a model loader fills it in). */
  constructor(private readonly target: WeightTarget, opts: PruneOptions, restore = false) {
    const who = `prune on ${target.layer.name}/${target.param}`;
    this.currentSparsity = checkRange(who, 'sparsity', opts.sparsity, 0, 1, 'a fraction in [0, 1], e.g. sparsity: 0.5');
    this.granularity = checkChoice(who, 'granularity', opts.granularity, PRUNE_GRANULARITIES, 'element');
    this.norm = checkChoice(who, 'norm', opts.norm, GROUP_NORMS, 'l1');
    const stored = target.layer.param(target.param).variable;
    const ones = tf.onesLike(stored);
    this.maskParam = { name: 'mask', role: 'state', variable: tf.variable(ones, false), trainable: false };
    ones.dispose();
    if (!restore) this.setSparsity(this.currentSparsity);
  }

  get sparsity(): number {
    return this.currentSparsity;
  }

  get layer(): Layer {
    return this.target.layer;
  }

  get param(): string {
    return this.target.param;
  }

  /** The current mask (1 kept, 0 pruned). */
  mask(): Float32Array {
    return (this.maskParam.variable.dataSync() as Float32Array).slice();
  }

  /** Recomputes the mask for a new sparsity from the stored weights (see the module comment). */
  setSparsity(sparsity: number): void {
    const who = `prune on ${this.target.layer.name}/${this.target.param}`;
    this.currentSparsity = checkRange(who, 'sparsity', sparsity, 0, 1, 'a fraction in [0, 1]');
    const stored = this.target.layer.param(this.target.param).variable;
    const w = stored.dataSync();
    const old = this.maskParam.variable.dataSync();
    const { groupOf, count } = pruneGroups(stored.shape, this.granularity);
    const norm = new Float64Array(count);
    const kept = new Float64Array(count);
    for (let i = 0; i < w.length; i++) {
      const g = groupOf[i];
      norm[g] += this.norm === 'l1' || this.granularity === 'element' ? Math.abs(w[i]) : w[i] * w[i];
      if (old[i] !== 0) kept[g] = 1;
    }
    const order = ascendingOrder(kept, norm);
    const pruned = new Uint8Array(count);
    const n = countFor(this.currentSparsity, count);
    for (let r = 0; r < n; r++) pruned[order[r]] = 1;
    const mask = new Float32Array(w.length);
    for (let i = 0; i < w.length; i++) mask[i] = pruned[groupOf[i]] ? 0 : 1;
    tf.tidy(() => this.maskParam.variable.assign(tf.tensor(mask, stored.shape, 'float32')));
  }

  params(): Param[] {
    return [this.maskParam];
  }

  apply(weight: tf.Tensor, _ctx: ForwardContext): tf.Tensor {
    return tf.mul(weight, this.maskParam.variable);
  }

  config(): Record<string, unknown> {
    return { sparsity: this.currentSparsity, granularity: this.granularity, norm: this.norm };
  }
}

export interface PruneModelOptions extends PruneOptions {
  /**
   * Layer names; default every layer with weights, except with granularity 'column' the model's last
   * weight layer (pruning its columns would remove classes).
   */
  layers?: string[];
}

/** The prune transforms attached to the model, in forward order. */
export function pruneTransforms(model: Sequential): PruneTransform[] {
  return allWeightTargets(model).flatMap((t) => t.layer.transforms(t.param).filter((x): x is PruneTransform => x instanceof PruneTransform));
}

/** Default targets of pruneModel / gradualPruning. */
export function pruneTargets(model: Sequential, layers: string[] | undefined, granularity: PruneGranularity, who: string): WeightTarget[] {
  if (layers !== undefined) return weightTargets(model, layers, who);
  const all = allWeightTargets(model);
  if (granularity !== 'column' || all.length === 0) return all;
  const last = all[all.length - 1].layer.name;
  return all.filter((t) => t.layer.name !== last);
}

/**
 * Prunes the chosen weight tensors to `sparsity`: attaches a prune transform to each, or, where one is
 * attached already, moves it to the new sparsity (same granularity and norm required).
 */
export function pruneModel(model: Sequential, opts: PruneModelOptions): PruneTransform[] {
  const granularity = checkChoice('pruneModel', 'granularity', opts.granularity, PRUNE_GRANULARITIES, 'element');
  const norm = checkChoice('pruneModel', 'norm', opts.norm, GROUP_NORMS, 'l1');
  checkRange('pruneModel', 'sparsity', opts.sparsity, 0, 1, 'a fraction in [0, 1], e.g. sparsity: 0.5');
  const targets = pruneTargets(model, opts.layers, granularity, 'pruneModel');
  if (targets.length === 0) throw new UserError(`pruneModel: model '${model.name}' has no weight layer to prune`, 'name the layers to prune with layers: [...]');
  return targets.map((t) => {
    const existing = t.layer.transforms(t.param).find((x): x is PruneTransform => x instanceof PruneTransform);
    if (existing) {
      if (existing.granularity !== granularity || existing.norm !== norm) {
        throw new UserError(
          `pruneModel: ${t.layer.name}/${t.param} is pruned by ${existing.granularity}/${existing.norm}, not ${granularity}/${norm}`,
          'keep one granularity and norm per tensor (clearTransforms to start over)',
        );
      }
      existing.setSparsity(opts.sparsity);
      return existing;
    }
    const p = new PruneTransform(t, { sparsity: opts.sparsity, granularity, norm });
    t.layer.addTransform(t.param, p);
    return p;
  });
}

export interface SparsityRow {
  layer: string;
  param: string;
  shape: number[];
  /** Number of weights. */
  total: number;
  /** Effective weights (after every transform) exactly zero. */
  zeros: number;
  sparsity: number;
  /** Weights masked by a prune transform (0 without one). */
  pruned: number;
  /** Output units (crossbar columns) and those whose effective weights are all zero. */
  columns: number;
  zeroColumns: number;
}

export interface SparsityReport {
  layers: SparsityRow[];
  total: number;
  zeros: number;
  sparsity: number;
}

/** Exact zero counts of every weight tensor's effective value (inference mode), per layer and overall. */
export function sparsityReport(model: Sequential): SparsityReport {
  const layers = allWeightTargets(model).map(({ layer, param }): SparsityRow => {
    const shape = [...layer.param(param).variable.shape];
    const w = effectiveWeight(layer, param);
    const cols = outputUnits(shape);
    const nonZeroCol = new Uint8Array(cols);
    let zeros = 0;
    for (let i = 0; i < w.length; i++) {
      if (w[i] === 0) zeros++;
      else nonZeroCol[i % cols] = 1;
    }
    let pruned = 0;
    for (const t of layer.transforms(param)) {
      if (t instanceof PruneTransform) {
        const m = t.mask();
        let c = 0;
        for (let i = 0; i < m.length; i++) if (m[i] === 0) c++;
        pruned = Math.max(pruned, c);
      }
    }
    const zeroColumns = cols - nonZeroCol.reduce((a, b) => a + b, 0);
    return { layer: layer.name, param, shape, total: w.length, zeros, sparsity: w.length > 0 ? zeros / w.length : 0, pruned, columns: cols, zeroColumns };
  });
  const total = layers.reduce((a, r) => a + r.total, 0);
  const zeros = layers.reduce((a, r) => a + r.zeros, 0);
  return { layers, total, zeros, sparsity: total > 0 ? zeros / total : 0 };
}

registerTransform('prune', (config, target) => new PruneTransform(target, config as unknown as PruneOptions, true));
