/** Tiny synthetic data shaped like the random-pruning experiment's datasets. */
import { Rng } from '../../src/engine/index.js';
import type { Dataset, DatasetSplits } from '../../src/data/index.js';

/** n images [h, w, 1], 10 classes: class c brightens row band c (a learnable pattern), plus noise. */
export function bandImages(n: number, h: number, w: number, seed: number, name: string): Dataset {
  const rng = new Rng(seed);
  const x = new Float32Array(n * h * w);
  const y = new Int32Array(n);
  const band = Math.max(1, Math.floor(h / 10));
  for (let i = 0; i < n; i++) {
    const c = i % 10;
    y[i] = c;
    for (let r = 0; r < h; r++) {
      for (let k = 0; k < w; k++) {
        const on = Math.floor(r / band) === c ? 0.8 : 0;
        x[(i * h + r) * w + k] = Math.min(1, Math.max(0, on + 0.2 * rng.uniform()));
      }
    }
  }
  return { name, length: n, sampleShape: [h, w, 1], x, y, labelShape: [], numClasses: 10 };
}

export function tinyFashion(train: number, test: number): DatasetSplits {
  return { train: bandImages(train, 28, 28, 1, 'tiny/train'), test: bandImages(test, 28, 28, 2, 'tiny/test') };
}

/** [23, 20] sequences (the FSDD paper shape) from the same pattern. */
export function tinySpoken(train: number, test: number): DatasetSplits {
  const re = (d: Dataset): Dataset => ({ ...d, sampleShape: [23, 20] });
  return { train: re(bandImages(train, 23, 20, 3, 'tiny-seq/train')), test: re(bandImages(test, 23, 20, 4, 'tiny-seq/test')) };
}
