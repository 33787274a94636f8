/**
 * Weight binarization: w_b = sign(w) in {-1, +1} (sign(0) = +1), real-valued latent weights trained
 * through the clipped straight-through estimator dy * 1{|w| <= 1} (Hubara et al., "Binarized Neural
 * Networks", NeurIPS 2016; the same `signSte` as the `Sign` activation layer).
 *
 * Optional per-output-channel scaling (XNOR-Net, Rastegari et al., ECCV 2016): w_b = alpha_j sign(w),
 * alpha_j = mean |w| over output channel j (the kernel's last axis); the gradient also flows through
 * alpha as autodiff gives it. Off by default for memristive BNNs: a binary cell (or differential pair)
 * stores +-1 only, so alpha would need a multiplier per crossbar column, and a batch norm after the
 * layer absorbs a per-channel scale anyway (its sign-threshold fold is unchanged by alpha > 0).
 */
import { tf } from '../engine/index.js';
import { UserError } from '../errors.js';
import type { ForwardContext, Param, Sequential, WeightTransform } from '../nn/index.js';
import { registerTransform, signSte } from '../nn/index.js';
import { checkChoice, weightTargets } from './targets.js';

export type BinaryScale = 'none' | 'channel';
export const BINARY_SCALES: readonly BinaryScale[] = ['none', 'channel'];

export class BinarizeTransform implements WeightTransform {
  readonly kind = 'binarize';
  readonly scale: BinaryScale;

  constructor(opts: { scale?: BinaryScale } = {}) {
    this.scale = checkChoice('binarize', 'scale', opts.scale, BINARY_SCALES, 'none');
  }

  params(): Param[] {
    return [];
  }

  apply(weight: tf.Tensor, _ctx: ForwardContext): tf.Tensor {
    const b = signSte(weight);
    if (this.scale === 'none') return b;
    const axes = [...Array(weight.rank - 1).keys()];
    return tf.mul(b, tf.mean(tf.abs(weight), axes));
  }

  config(): Record<string, unknown> {
    return { scale: this.scale };
  }
}

export type LayerPrecision = 'float' | 'binary';
const PRECISIONS: readonly LayerPrecision[] = ['float', 'binary'];

export interface BinarizeModelOptions {
  /**
   * Precision of the first weight layer; default 'float'. Keeping the first and last layers in full
   * precision is the usual BNN practice (Rastegari et al., ECCV 2016; Hubara et al., JMLR 2018 keep
   * the first layer's real-valued input) since they hold few weights and cost the most accuracy.
   */
  firstLayer?: LayerPrecision;
  /** Precision of the last weight layer (the classifier); default 'float'. */
  lastLayer?: LayerPrecision;
  scale?: BinaryScale;
  /** Layer names to consider; default every layer with weights. First/last refer to this list. */
  layers?: string[];
}

/**
 * Binarizes the weights of the chosen layers under the first/last layer policy; returns the layer
 * names binarized. Binary activations are layers of the model (`Sign`), not a weight transform.
 */
export function binarizeModel(model: Sequential, opts: BinarizeModelOptions = {}): string[] {
  const first = checkChoice('binarizeModel', 'firstLayer', opts.firstLayer, PRECISIONS, 'float');
  const last = checkChoice('binarizeModel', 'lastLayer', opts.lastLayer, PRECISIONS, 'float');
  const scale = checkChoice('binarizeModel', 'scale', opts.scale, BINARY_SCALES, 'none');
  const targets = weightTargets(model, opts.layers, 'binarizeModel');
  const layerNames = [...new Set(targets.map((t) => t.layer.name))];
  const keepFloat = new Set<string>();
  if (first === 'float' && layerNames.length > 0) keepFloat.add(layerNames[0]);
  if (last === 'float' && layerNames.length > 0) keepFloat.add(layerNames[layerNames.length - 1]);
  const chosen = targets.filter((t) => !keepFloat.has(t.layer.name));
  if (chosen.length === 0) {
    throw new UserError(
      `binarizeModel: no layer left to binarize in model '${model.name}' (${layerNames.length} weight layers, first and last kept float)`,
      "set firstLayer or lastLayer to 'binary', or use a deeper model",
    );
  }
  for (const t of chosen) {
    if (t.layer.transforms(t.param).some((x) => x.kind === 'binarize')) {
      throw new UserError(`binarizeModel: ${t.layer.name}/${t.param} is already binarized`, 'binarize a model once (clearTransforms to start over)');
    }
  }
  for (const t of chosen) t.layer.addTransform(t.param, new BinarizeTransform({ scale }));
  return [...new Set(chosen.map((t) => t.layer.name))];
}

registerTransform('binarize', (config) => new BinarizeTransform(config as { scale?: BinaryScale }));
