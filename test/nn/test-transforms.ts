/**
 * Two weight transforms used only to prove the transform mechanism (the compression library comes later):
 * - 'test-binarize': sign(w) forward, straight-through gradient dy * 1{|w| <= 1} to the stored weight;
 * - 'test-supermask': w * mask, mask = 1 for the top `keep` fraction of |scores| (trainable, owned by the
 *   transform), straight-through gradient to the scores (edge-popup, Ramanujan et al., CVPR 2020);
 *   attaching it freezes the stored weight.
 */
import { Rng, tf } from '../../src/engine/index.js';
import type { ForwardContext, Layer, Param, WeightTransform } from '../../src/nn/index.js';
import { registerTransform, transformKinds } from '../../src/nn/index.js';

const binarizeSte = tf.customGrad(((w: tf.Tensor, save: tf.GradSaveFunc) => {
  save([w]);
  return {
    value: tf.where(tf.greaterEqual(w, 0), tf.onesLike(w), tf.onesLike(w).neg()),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, tf.cast(tf.lessEqual(tf.abs(saved[0]), 1), 'float32')),
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (w: tf.Tensor) => tf.Tensor;

export class TestBinarize implements WeightTransform {
  readonly kind = 'test-binarize';
  params(): Param[] {
    return [];
  }
  apply(weight: tf.Tensor, _ctx: ForwardContext): tf.Tensor {
    return binarizeSte(weight);
  }
  config(): Record<string, unknown> {
    return {};
  }
}

/** Mask of the top-k scores by magnitude; gradient passes straight through to the scores. */
function topMask(keep: number): (s: tf.Tensor) => tf.Tensor {
  return tf.customGrad(((s: tf.Tensor) => {
    const flat = tf.abs(s).reshape([-1]);
    const k = Math.max(1, Math.round(keep * flat.size));
    const threshold = tf.topk(flat, k).values.min();
    return {
      value: tf.cast(tf.greaterEqual(tf.abs(s), threshold), 'float32'),
      gradFunc: (dy: tf.Tensor) => dy,
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as (s: tf.Tensor) => tf.Tensor;
}

export class TestSupermask implements WeightTransform {
  readonly kind = 'test-supermask';
  private readonly scores: Param;
  private readonly mask: (s: tf.Tensor) => tf.Tensor;

  constructor(private readonly keep: number, layer: Layer, param: string, seed: number) {
    const target = layer.param(param);
    target.trainable = false;
    const size = target.variable.size;
    const init = tf.tensor(new Rng(seed).fillUniform(new Float32Array(size), 0, 1), target.variable.shape);
    this.scores = { name: 'scores', role: 'score', variable: tf.variable(init, true), trainable: true };
    init.dispose();
    this.mask = topMask(keep);
  }

  params(): Param[] {
    return [this.scores];
  }
  apply(weight: tf.Tensor, _ctx: ForwardContext): tf.Tensor {
    return tf.mul(weight, this.mask(this.scores.variable));
  }
  config(): Record<string, unknown> {
    return { keep: this.keep };
  }
}

export function registerTestTransforms(): void {
  if (transformKinds().includes('test-binarize')) return;
  registerTransform('test-binarize', () => new TestBinarize());
  registerTransform('test-supermask', (config, { layer, param }) => new TestSupermask(Number(config.keep), layer, param, 0));
}
