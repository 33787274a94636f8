/**
 * Monte Carlo over chips: each chip is programmed with its own seed and runs the whole test set;
 * accuracy is reported per chip and as mean, std, min and max. Same (deployment, data, seed) gives
 * the same numbers.
 */
import { tf, tidyData } from '../engine/index.js';
import type { Dataset } from '../data/dataset.js';
import type { Deployment } from '../deploy/deployment.js';
import type { StageCounters } from './analog.js';
import { Chip, chipSeed } from './chip.js';

export interface ChipResult {
  chip: number;
  seed: number;
  /** Correct labels over all labels (per pixel for segmentation). */
  accuracy: number;
  correct: number;
  samples: number;
  stuckCells: number;
  /** Activity per stage counted while this chip ran the test set. */
  counters: StageCounters;
}

export interface SimulateOptions {
  /** Chip indices to run (default 0..chips-1). */
  chips: number | number[];
  seed: number;
  driftSeconds?: number;
  batchSize?: number;
  /** Called after each batch with samples done for the current chip. */
  onProgress?: (chip: number, done: number, total: number) => void;
}

export interface AccuracyStats {
  mean: number;
  std: number;
  min: number;
  max: number;
}

export function accuracyStats(values: number[]): AccuracyStats {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std, min: Math.min(...values), max: Math.max(...values) };
}

function batchTensor(data: Dataset, start: number, end: number): tf.Tensor {
  const per = data.sampleShape.reduce((a, b) => a * b, 1);
  return tf.tensor(data.x.subarray(start * per, end * per), [end - start, ...data.sampleShape]);
}

/**
 * Correct predictions of a batch's logits: one label per sample (classification) or per pixel
 * (segmentation: logits [batch, h, w, classes] against labels [batch, h, w]).
 */
function countCorrect(logits: tf.Tensor, labels: Int32Array): number {
  const pred = tidyData(() => tf.argMax(logits, -1));
  if (pred.length !== labels.length) throw new Error(`simulate: ${pred.length} predictions for ${labels.length} labels`);
  let c = 0;
  for (let i = 0; i < labels.length; i++) if (pred[i] === labels[i]) c++;
  return c;
}

export function runChip(d: Deployment, data: Dataset, chip: number, opts: SimulateOptions): ChipResult {
  const seed = chipSeed(opts.seed, chip);
  const instance = new Chip(d, seed, { driftSeconds: opts.driftSeconds });
  const counters: StageCounters = {};
  const bs = opts.batchSize ?? 500;
  // accuracy over labels: one per sample, or one per pixel for segmentation
  const labelsPerSample = data.labelShape.reduce((a, b) => a * b, 1);
  let correct = 0;
  try {
    for (let start = 0; start < data.length; start += bs) {
      const end = Math.min(data.length, start + bs);
      const x = batchTensor(data, start, end);
      const logits = instance.forward(x, counters);
      correct += countCorrect(logits, data.y.subarray(start * labelsPerSample, end * labelsPerSample));
      x.dispose();
      logits.dispose();
      opts.onProgress?.(chip, end, data.length);
    }
  } finally {
    instance.dispose();
  }
  const labels = data.length * labelsPerSample;
  return { chip, seed, accuracy: correct / labels, correct, samples: data.length, stuckCells: instance.stuckCells, counters };
}

/** Runs the chips one after another in this thread (see `simulateParallel` for worker threads). */
export function simulate(d: Deployment, data: Dataset, opts: SimulateOptions): ChipResult[] {
  const chips = typeof opts.chips === 'number' ? [...Array(opts.chips).keys()] : opts.chips;
  return chips.map((c) => runChip(d, data, c, opts));
}
