/** Synthetic 8x8x3 images for the hypernetwork tests: class k brightens quadrant k (of 4), plus Gaussian noise. */
import type { Dataset, DatasetSplits } from '../../src/data/dataset.js';
import { Rng } from '../../src/engine/index.js';

export function quadrants(n: number, seed: number, name: string): Dataset {
  const rng = new Rng(seed);
  const x = new Float32Array(n * 8 * 8 * 3);
  const y = new Int32Array(n);
  rng.fillNormal(x, 0.3, 0.15);
  for (let i = 0; i < n; i++) {
    const k = i % 4;
    y[i] = k;
    const [r0, c0] = [Math.floor(k / 2) * 4, (k % 2) * 4];
    for (let r = r0; r < r0 + 4; r++) for (let c = c0; c < c0 + 4; c++) for (let ch = 0; ch < 3; ch++) x[((i * 8 + r) * 8 + c) * 3 + ch] += 0.5;
  }
  for (let j = 0; j < x.length; j++) x[j] = Math.min(1, Math.max(0, x[j]));
  return { name, length: n, sampleShape: [8, 8, 3], x, y, labelShape: [], numClasses: 4 };
}

export function quadrantSplits(train: number, test: number, seed = 7): DatasetSplits {
  return { train: quadrants(train, seed, 'quadrants/train'), test: quadrants(test, seed + 1, 'quadrants/test') };
}
