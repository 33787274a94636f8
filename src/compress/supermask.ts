/**
 * Supermask training (edge-popup: Ramanujan et al., "What's hidden in a randomly weighted neural
 * network?", CVPR 2020), the software form of "Pruning random resistive memory for optimizing analog AI"
 * (Li et al., arXiv 2311.07164; /work/shared/PAPERS.md section 2): the weights are never changed (the stored
 * variable is frozen); each weight has a real-valued score (trainable, owned by this transform); the
 * forward pass keeps the top-k edges by |score| of each tensor, w_eff = w * mask, and the gradient
 * passes straight through the mask to |score| (so to the score times its sign), as edge-popup's
 * GetSubnet(scores.abs()).
 *
 * - Count-exact per tensor: k = max(1, round(density * size)) edges kept, ties broken by index.
 * - Scores: Kaiming uniform with a = sqrt(5) as edge-popup's `kaiming_uniform_(scores, a=sqrt(5))`,
 *   i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in)), from a stream seeded by (seed, layer, parameter).
 * - Output scaling (option `scaleOutput`, the paper code's MaskLinear/MaskConv): the layer output is
 *   divided by mean(|w|) / sigma, sigma = gain / sqrt(f * fan_in), gain = sqrt(2) (ReLU), f = 0.5 in the
 *   paper's code (edge-popup's `scale_fan`); mean(|w|) over all stored weights of the tensor. Done
 *   here by scaling the effective weight, which equals dividing the output when the layer has no bias
 *   (as in the paper's networks).
 * - Pruned edges are zero, or (option prunedWeight 'reset') take the value in the transform's frozen
 *   `resetWeight` parameter, to be filled by the caller: in the paper's hardware a pruned pair is reset and
 *   reads small but not zero, w = sign * (|w_set| m + |w_reset| (1 - m)).
 * - Hardware-friendly flip rule (option flipThreshold > 0, the paper code's `limit_size`): a mask bit
 *   that top-k wants to change flips only if | |s| - r | > threshold * r, r = |s| at its last flip
 *   (flipReference 'flip', default) or at the previous training step (flipReference 'step', as the
 *   paper's code compares with the previous step's score). With the rule the kept count may drift from k.
 * - Every training forward pass commits the mask it used and counts the bits that changed: mask
 *   programming operations (the paper's switch count). Inference uses the mask the next training step
 *   would commit (the rule applied to the current scores), without committing it.
 *
 * Saved parameters: scores (role 'score'), mask, reference, flips ([high, low] = count / 2^24, count mod
 * 2^24, exact in float32) and resetWeight (role 'state', never trained).
 */
import { Rng, hashSeed, tf } from '../engine/index.js';
import { UserError } from '../errors.js';
import type { ForwardContext, Param, Sequential, WeightTransform } from '../nn/index.js';
import { registerTransform } from '../nn/index.js';
import { countFor, topKMask } from './select.js';
import { straightThrough } from './ste.js';
import { type WeightTarget, allWeightTargets, checkBool, checkChoice, checkInt, checkRange, fanIn, weightTargets } from './targets.js';

export type FlipReference = 'flip' | 'step';
export type PrunedWeight = 'zero' | 'reset';
export const FLIP_REFERENCES: readonly FlipReference[] = ['flip', 'step'];
export const PRUNED_WEIGHTS: readonly PrunedWeight[] = ['zero', 'reset'];

export interface SupermaskOptions {
  /** Fraction of each tensor's edges kept, in (0, 1]; the paper's code keeps 0.5. */
  density: number;
  /** Seeds the scores (with the layer and parameter names). */
  seed: number;
  /** Divide the output by mean(|w|) / sigma (see above); default false. */
  scaleOutput?: boolean;
  /** f in sigma = sqrt(2) / sqrt(f * fan_in); default 0.5, the paper's code. */
  scaleFanFraction?: number;
  /** Relative score change a mask flip needs; default 0 (rule off: plain top-k). */
  flipThreshold?: number;
  /** Default 'flip'. */
  flipReference?: FlipReference;
  /** Default 'zero'. */
  prunedWeight?: PrunedWeight;
}

const COUNT_BASE = 2 ** 24;

interface MaskState {
  mask: Uint8Array;
  reference: Float32Array;
  flips: number;
}

export class SupermaskTransform implements WeightTransform {
  readonly kind = 'supermask';
  readonly density: number;
  readonly seed: number;
  readonly scaleOutput: boolean;
  readonly scaleFanFraction: number;
  readonly flipReference: FlipReference;
  readonly prunedWeight: PrunedWeight;
  /** Edges kept per tensor by top-k. */
  readonly k: number;
  private threshold: number;
  private readonly scores: Param;
  private readonly maskParam: Param;
  private readonly referenceParam: Param;
  private readonly flipsParam: Param;
  private readonly resetParam: Param | undefined;

  constructor(private readonly target: WeightTarget, opts: SupermaskOptions) {
    const who = `supermask on ${target.layer.name}/${target.param}`;
    this.density = checkRange(who, 'density', opts.density, 0, 1, 'a fraction in (0, 1], e.g. density: 0.5');
    if (this.density === 0) throw new UserError(`${who}: 'density' must be above 0`, 'e.g. density: 0.5');
    this.seed = checkInt(who, 'seed', opts.seed, 0, 2 ** 32 - 1, 'a whole number >= 0');
    this.scaleOutput = checkBool(who, 'scaleOutput', opts.scaleOutput, false);
    this.scaleFanFraction = checkRange(who, 'scaleFanFraction', opts.scaleFanFraction ?? 0.5, 0, 1, 'a fraction in (0, 1], e.g. 0.5');
    if (this.scaleFanFraction === 0) throw new UserError(`${who}: 'scaleFanFraction' must be above 0`, 'e.g. 0.5');
    this.threshold = checkRange(who, 'flipThreshold', opts.flipThreshold ?? 0, 0, Number.MAX_VALUE, 'a relative change >= 0, e.g. 0.01 (0 = off)');
    this.flipReference = checkChoice(who, 'flipReference', opts.flipReference, FLIP_REFERENCES, 'flip');
    this.prunedWeight = checkChoice(who, 'prunedWeight', opts.prunedWeight, PRUNED_WEIGHTS, 'zero');

    const stored = target.layer.param(target.param);
    stored.trainable = false;
    const shape = [...stored.variable.shape];
    const n = stored.variable.size;
    this.k = Math.max(1, countFor(this.density, n));
    const bound = 1 / Math.sqrt(fanIn(target.layer, target.param));
    const init = new Rng(hashSeed(this.seed, 'supermask', target.layer.name, target.param)).fillUniform(new Float32Array(n), -bound, bound);
    const abs = init.map(Math.abs);
    const variable = (values: Float32Array, trainable: boolean, s: number[] = shape) => {
      const t = tf.tensor(values, s, 'float32');
      const v = tf.variable(t, trainable);
      t.dispose();
      return v;
    };
    this.scores = { name: 'scores', role: 'score', variable: variable(init, true), trainable: true };
    this.maskParam = { name: 'mask', role: 'state', variable: variable(Float32Array.from(topKMask(abs, this.k)), false), trainable: false };
    this.referenceParam = { name: 'reference', role: 'state', variable: variable(abs, false), trainable: false };
    this.flipsParam = { name: 'flips', role: 'state', variable: variable(new Float32Array(2), false, [2]), trainable: false };
    this.resetParam = this.prunedWeight === 'reset'
      ? { name: 'resetWeight', role: 'state', variable: variable(new Float32Array(n), false), trainable: false }
      : undefined;
  }

  get flipThreshold(): number {
    return this.threshold;
  }

  /** Changes the flip threshold (the paper's code decays it during training). */
  setFlipThreshold(v: number): void {
    this.threshold = checkRange(`supermask on ${this.target.layer.name}/${this.target.param}`, 'flipThreshold', v, 0, Number.MAX_VALUE, 'a relative change >= 0');
  }

  get layerName(): string {
    return this.target.layer.name;
  }

  get param(): string {
    return this.target.param;
  }

  /** Mask programming operations counted so far (bits changed by training steps). */
  flips(): number {
    const [hi, lo] = this.flipsParam.variable.dataSync();
    return hi * COUNT_BASE + lo;
  }

  /** The mask inference uses now (1 kept, 0 pruned). */
  currentMask(): Uint8Array {
    return this.next().mask;
  }

  /** Sets the pruned-edge values (prunedWeight 'reset'), e.g. from a chip's reset-state reads. */
  setResetWeight(values: Float32Array): void {
    if (!this.resetParam) throw new UserError(`supermask on ${this.target.layer.name}/${this.target.param} has prunedWeight 'zero'`, "create it with prunedWeight: 'reset'");
    const v = this.resetParam.variable;
    if (values.length !== v.size) throw new UserError(`setResetWeight: ${values.length} values for a tensor of ${v.size}`, 'give one value per weight');
    tf.tidy(() => v.assign(tf.tensor(values, v.shape, 'float32')));
  }

  /** The factor the effective weight is multiplied by (1 without scaleOutput): sigma / mean(|w|). */
  outputScale(): number {
    if (!this.scaleOutput) return 1;
    const stored = this.target.layer.param(this.target.param).variable;
    const meanAbs = tf.tidy(() => tf.mean(tf.abs(stored)).dataSync()[0]);
    if (!(meanAbs > 0)) throw new UserError(`supermask on ${this.target.layer.name}/${this.target.param}: the stored weights are all zero`, 'scaleOutput needs non-zero weights');
    const sigma = Math.sqrt(2) / Math.sqrt(this.scaleFanFraction * fanIn(this.target.layer, this.target.param));
    return sigma / meanAbs;
  }

  /** The mask, references and flip count the next training step would commit. */
  private next(): MaskState {
    const s = this.scores.variable.dataSync();
    const committed = this.maskParam.variable.dataSync();
    const ref = this.referenceParam.variable.dataSync() as Float32Array;
    const n = s.length;
    const abs = new Float32Array(n);
    for (let i = 0; i < n; i++) abs[i] = Math.abs(s[i]);
    const cand = topKMask(abs, this.k);
    const thr = this.threshold;
    const mask = new Uint8Array(n);
    const reference = this.flipReference === 'step' ? abs : ref.slice();
    let flips = 0;
    for (let i = 0; i < n; i++) {
      const old = committed[i] !== 0 ? 1 : 0;
      if (cand[i] !== old && (thr <= 0 || Math.abs(abs[i] - ref[i]) > thr * ref[i])) {
        mask[i] = cand[i];
        flips++;
        if (this.flipReference === 'flip') reference[i] = abs[i];
      } else {
        mask[i] = old;
      }
    }
    return { mask, reference, flips };
  }

  private commit(st: MaskState): void {
    const total = this.flips() + st.flips;
    const shape = this.maskParam.variable.shape;
    tf.tidy(() => {
      this.maskParam.variable.assign(tf.tensor(Float32Array.from(st.mask), shape, 'float32'));
      this.referenceParam.variable.assign(tf.tensor(st.reference, shape, 'float32'));
      this.flipsParam.variable.assign(tf.tensor1d([Math.floor(total / COUNT_BASE), total % COUNT_BASE]));
    });
  }

  params(): Param[] {
    const out = [this.scores, this.maskParam, this.referenceParam, this.flipsParam];
    if (this.resetParam) out.push(this.resetParam);
    return out;
  }

  apply(weight: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    const st = this.next();
    if (ctx.training) this.commit(st);
    const values = Float32Array.from(st.mask);
    const shape = weight.shape;
    const m = straightThrough(tf.abs(this.scores.variable), () => tf.tensor(values, shape, 'float32'));
    let w = tf.mul(weight, m);
    if (this.resetParam) w = tf.add(w, tf.mul(this.resetParam.variable, tf.sub(1, m)));
    return this.scaleOutput ? tf.mul(w, this.outputScale()) : w;
  }

  config(): Record<string, unknown> {
    return {
      density: this.density,
      seed: this.seed,
      scaleOutput: this.scaleOutput,
      scaleFanFraction: this.scaleFanFraction,
      flipThreshold: this.threshold,
      flipReference: this.flipReference,
      prunedWeight: this.prunedWeight,
    };
  }
}

export interface SupermaskModelOptions extends SupermaskOptions {
  /** Layer names; default every layer with weights. */
  layers?: string[];
  /**
   * Default false: every other parameter of the model (biases, batch-norm scale and shift) is frozen
   * too, so training changes the scores only (the paper's networks have no biases and affine-free
   * batch norm). True leaves their trainable flags as they are.
   */
  trainOthers?: boolean;
}

/** Attaches a supermask to every chosen weight tensor, freezing the weights; returns the transforms. */
export function supermaskModel(model: Sequential, opts: SupermaskModelOptions): SupermaskTransform[] {
  const trainOthers = checkBool('supermaskModel', 'trainOthers', opts.trainOthers, false);
  const targets = weightTargets(model, opts.layers, 'supermaskModel');
  if (targets.length === 0) throw new UserError(`supermaskModel: model '${model.name}' has no weight layer`, 'use a model with Dense or convolution layers');
  for (const t of targets) {
    if (t.layer.transforms(t.param).some((x) => x.kind === 'supermask')) {
      throw new UserError(`supermaskModel: ${t.layer.name}/${t.param} already has a supermask`, 'attach one supermask per tensor (clearTransforms to start over)');
    }
  }
  const transforms = targets.map((t) => {
    const s = new SupermaskTransform(t, opts);
    t.layer.addTransform(t.param, s);
    return s;
  });
  if (!trainOthers) {
    const scores = new Set(transforms.map((t) => t.params()[0]));
    for (const p of model.params()) if (!scores.has(p)) p.trainable = false;
  }
  return transforms;
}

/** The supermask transforms of a model, in forward order. */
export function supermaskTransforms(model: Sequential): SupermaskTransform[] {
  return allWeightTargets(model).flatMap((t) => t.layer.transforms(t.param).filter((x): x is SupermaskTransform => x instanceof SupermaskTransform));
}

/** Sets the flip threshold of every supermask of the model (e.g. a decaying schedule from onEpochEnd). */
export function setFlipThreshold(model: Sequential, threshold: number): void {
  for (const t of supermaskTransforms(model)) t.setFlipThreshold(threshold);
}

export interface MaskDensityRow {
  layer: string;
  param: string;
  kept: number;
  total: number;
  density: number;
  /** Mask programming operations during training so far. */
  flips: number;
}

export interface MaskDensity {
  layers: MaskDensityRow[];
  kept: number;
  total: number;
  density: number;
  flips: number;
}

/** Exact kept-edge counts of the masks inference uses, per tensor and overall, with flip counts. */
export function maskDensity(model: Sequential): MaskDensity {
  const layers = supermaskTransforms(model).map((t): MaskDensityRow => {
    const m = t.currentMask();
    let kept = 0;
    for (let i = 0; i < m.length; i++) kept += m[i];
    return { layer: t.layerName, param: t.param, kept, total: m.length, density: m.length > 0 ? kept / m.length : 0, flips: t.flips() };
  });
  const kept = layers.reduce((a, r) => a + r.kept, 0);
  const total = layers.reduce((a, r) => a + r.total, 0);
  const flips = layers.reduce((a, r) => a + r.flips, 0);
  return { layers, kept, total, density: total > 0 ? kept / total : 0, flips };
}

registerTransform('supermask', (config, target) => new SupermaskTransform(target, config as unknown as SupermaskOptions));
