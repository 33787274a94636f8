/** Small synthetic datasets for training tests (separable by construction). */
import { Rng } from '../../src/engine/index.js';
import type { Dataset } from '../../src/data/dataset.js';

/** Gaussian blobs: class c centred at a random point of norm ~3 in `dims` dimensions, unit-variance noise * spread. */
export function blobs(n: number, dims: number, classes: number, seed: number, spread = 0.5): Dataset {
  const rng = new Rng(seed);
  const centres = Array.from({ length: classes }, () => rng.fillNormal(new Float32Array(dims), 0, 3 / Math.sqrt(dims) * 1.5));
  const x = new Float32Array(n * dims);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % classes;
    y[i] = c;
    for (let d = 0; d < dims; d++) x[i * dims + d] = centres[c][d] + spread * rng.normal();
  }
  return { name: 'blobs', length: n, sampleShape: [dims], x, y, labelShape: [], numClasses: classes };
}

/** size x size x 1 images with a bright 3x3 patch in one of four quadrants (the label), plus noise. */
export function quadrants(n: number, size: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const x = new Float32Array(n * size * size);
  const y = new Int32Array(n);
  const half = size / 2;
  for (let i = 0; i < n; i++) {
    const c = rng.int(4);
    y[i] = c;
    const img = x.subarray(i * size * size, (i + 1) * size * size);
    for (let p = 0; p < img.length; p++) img[p] = 0.2 * rng.uniform();
    const r0 = (c >> 1) * half + rng.int(half - 2);
    const c0 = (c & 1) * half + rng.int(half - 2);
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) img[(r0 + a) * size + c0 + b] += 1;
  }
  return { name: 'quadrants', length: n, sampleShape: [size, size, 1], x, y, labelShape: [], numClasses: 4 };
}

/** Per-pixel labels: 1 where a smoothed noise image exceeds its threshold, else 0. */
export function blobMasks(n: number, size: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const x = new Float32Array(n * size * size);
  const y = new Int32Array(n * size * size);
  for (let i = 0; i < n; i++) {
    const off = i * size * size;
    for (let p = 0; p < size * size; p++) {
      const on = rng.uniform() < 0.4;
      y[off + p] = on ? 1 : 0;
      x[off + p] = (on ? 0.8 : 0.2) + 0.15 * rng.normal();
    }
  }
  return { name: 'masks', length: n, sampleShape: [size, size, 1], x, y, labelShape: [size, size], numClasses: 2 };
}
