/**
 * In-memory datasets. Samples are stored flat, row-major, float32, channels last
 * (an image is [height, width, channels]; a sequence is [time, features]).
 */
export interface Dataset {
  /** e.g. 'mnist/train' */
  readonly name: string;
  /** Number of samples. */
  readonly length: number;
  /** Shape of one sample, without the batch axis, e.g. [28, 28, 1]. */
  readonly sampleShape: number[];
  /** length * prod(sampleShape) values. */
  readonly x: Float32Array;
  /**
   * Integer labels. Classification: one per sample (labelShape []). Segmentation: one per pixel
   * (labelShape [height, width]).
   */
  readonly y: Int32Array;
  readonly labelShape: number[];
  readonly numClasses: number;
  /** Optional class names, index = label. */
  readonly classNames?: string[];
  /**
   * Optional facts about how the data was made (source folder, files read and how they were
   * verified, feature parameters, padding), for reports. Plain JSON values.
   */
  readonly meta?: Readonly<Record<string, unknown>>;
}

export interface DatasetSplits {
  readonly train: Dataset;
  readonly test: Dataset;
}

export function sampleSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** A new dataset holding the samples at `indices` (copies). */
export function subset(ds: Dataset, indices: ArrayLike<number>, name = ds.name): Dataset {
  const xs = sampleSize(ds.sampleShape);
  const ys = sampleSize(ds.labelShape);
  const x = new Float32Array(indices.length * xs);
  const y = new Int32Array(indices.length * ys);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    x.set(ds.x.subarray(i * xs, (i + 1) * xs), k * xs);
    y.set(ds.y.subarray(i * ys, (i + 1) * ys), k * ys);
  }
  return { ...ds, name, length: indices.length, x, y };
}

/** The first `n` samples (no copy). */
export function take(ds: Dataset, n: number): Dataset {
  const m = Math.min(n, ds.length);
  const xs = sampleSize(ds.sampleShape);
  const ys = sampleSize(ds.labelShape);
  return { ...ds, length: m, x: ds.x.subarray(0, m * xs), y: ds.y.subarray(0, m * ys) };
}
