/**
 * Mini-batches gathered from a dataset's flat arrays, with optional image augmentation
 * (random horizontal flip; random crop after zero padding, as in the standard CIFAR-10 recipe of
 * He et al., "Deep Residual Learning", CVPR 2016: pad 4, crop 32x32, flip).
 */
import type { Rng } from '../engine/rng.js';
import { type Dataset, sampleSize } from '../data/dataset.js';

export interface AugmentOptions {
  /** Mirror images left-right with probability 1/2. */
  flipHorizontal?: boolean;
  /** Shift images by up to this many pixels in each direction, filling with zeros. */
  cropPadding?: number;
}

export interface Batch {
  /** Number of samples. */
  n: number;
  x: Float32Array;
  y: Int32Array;
}

/** Copies the samples `order[start..end)` into one batch, augmenting each image if asked. */
export function gatherBatch(ds: Dataset, order: ArrayLike<number>, start: number, end: number, augment?: AugmentOptions, rng?: Rng): Batch {
  const xs = sampleSize(ds.sampleShape);
  const ys = sampleSize(ds.labelShape);
  const n = end - start;
  const x = new Float32Array(n * xs);
  const y = new Int32Array(n * ys);
  const active = augment !== undefined && rng !== undefined && (augment.flipHorizontal || (augment.cropPadding ?? 0) > 0);
  for (let k = 0; k < n; k++) {
    const i = order[start + k];
    const src = ds.x.subarray(i * xs, (i + 1) * xs);
    if (active) augmentImage(src, x.subarray(k * xs, (k + 1) * xs), ds.sampleShape, augment, rng);
    else x.set(src, k * xs);
    y.set(ds.y.subarray(i * ys, (i + 1) * ys), k * ys);
  }
  return { n, x, y };
}

/** Writes a shifted and/or mirrored copy of an [H, W, C] image into `out` (zeros where the shift uncovers). */
function augmentImage(src: Float32Array, out: Float32Array, shape: number[], a: AugmentOptions, rng: Rng): void {
  const [h, w, c] = shape;
  const p = a.cropPadding ?? 0;
  const dy = p > 0 ? rng.int(2 * p + 1) - p : 0;
  const dx = p > 0 ? rng.int(2 * p + 1) - p : 0;
  const flip = a.flipHorizontal === true && rng.uniform() < 0.5;
  out.fill(0);
  for (let i = 0; i < h; i++) {
    const si = i + dy;
    if (si < 0 || si >= h) continue;
    for (let j = 0; j < w; j++) {
      const jj = flip ? w - 1 - j : j;
      const sj = jj + dx;
      if (sj < 0 || sj >= w) continue;
      const o = (i * w + j) * c;
      const s = (si * w + sj) * c;
      for (let ch = 0; ch < c; ch++) out[o + ch] = src[s + ch];
    }
  }
}
