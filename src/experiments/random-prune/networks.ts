/**
 * The three networks of the random-pruning paper (from the authors' public code, PAPERS.md
 * section 2; docs/random-prune.md), channels last, every weight layer without bias, batch norm
 * without a trained affine part in the supermask runs (`supermaskModel` freezes gamma and beta),
 * activations quantised per tensor (min-max, as the code) at the paper's bits.
 */
import { QuantizeActivation } from '../../compress/index.js';
import { UserError } from '../../errors.js';
import { BatchNorm, Conv2d, Dense, Flatten, type Layer, MaxPool, ReLU, Sequential, SimpleRNN } from '../../nn/index.js';
import { MeanOverTime, ReshapeTo } from './layers.js';

export type RandomPruneTask = 'fashion-mnist' | 'fsdd' | 'vessels';
export const RANDOM_PRUNE_TASKS: readonly RandomPruneTask[] = ['fashion-mnist', 'fsdd', 'vessels'];

/** Activation bits per task: the paper's code (4-bit FashionMNIST, 3-bit spoken digits, 6-bit DRIVE). */
export const ACTIVATION_BITS: Readonly<Record<RandomPruneTask, number>> = { 'fashion-mnist': 4, fsdd: 3, vessels: 6 };

export interface NetworkOptions {
  seed: number;
  /** Activation bits; default ACTIVATION_BITS[task]. */
  bits?: number;
  /** Vessels only: channel widths of the three 3x3 convolutions; default [16, 32, 16]. */
  widths?: number[];
}

const q = (name: string, bits: number) => new QuantizeActivation(name, { bits });

/**
 * FashionMNIST, as the code: maxpool 2 -> conv 1->64 3x3 (valid) -> BN -> ReLU -> conv 64->16 3x3
 * (valid) -> maxpool 2 -> BN -> ReLU -> FC 400->128 -> ReLU -> FC 128->10. Input [28, 28, 1].
 */
export function fashionLayers(bits: number): Layer[] {
  return [
    new MaxPool('pool0', { poolSize: 2 }),
    q('q0', bits),
    new Conv2d('conv1', { filters: 64, kernelSize: 3, padding: 'valid', useBias: false }),
    new BatchNorm('bn1'),
    new ReLU('relu1'),
    q('q1', bits),
    new Conv2d('conv2', { filters: 16, kernelSize: 3, padding: 'valid', useBias: false }),
    new MaxPool('pool2', { poolSize: 2 }),
    new BatchNorm('bn2'),
    new ReLU('relu2'),
    q('q2', bits),
    new Flatten('flatten'),
    new Dense('fc1', { units: 128, useBias: false }),
    new ReLU('relu3'),
    q('q3', bits),
    new Dense('fc2', { units: 10, useBias: false, init: 'glorot' }),
  ];
}

/**
 * Spoken digits (input [23 frames, 20 MFCCs]), as the code with time as image height: conv 1->64
 * [3, 2] stride [2, 1] -> maxpool 2 -> BN -> ReLU -> conv 64->32 [3, 2] stride [2, 1] -> maxpool 2 ->
 * BN -> ReLU -> 4 steps of 32 features -> ReLU-RNN hidden 128 (no bias) -> mean over time ->
 * FC 128->256 -> ReLU -> FC 256->10. The code also quantises the hidden state between RNN steps;
 * here the RNN runs unquantised inside (one recurrent layer) and its time-mean is quantised.
 */
export function spokenLayers(bits: number): Layer[] {
  return [
    new ReshapeTo('image', { target: [23, 20, 1] }),
    q('q0', bits),
    new Conv2d('conv1', { filters: 64, kernelSize: [3, 2], stride: [2, 1], padding: 'valid', useBias: false }),
    new MaxPool('pool1', { poolSize: 2 }),
    new BatchNorm('bn1'),
    new ReLU('relu1'),
    q('q1', bits),
    new Conv2d('conv2', { filters: 32, kernelSize: [3, 2], stride: [2, 1], padding: 'valid', useBias: false }),
    new MaxPool('pool2', { poolSize: 2 }),
    new BatchNorm('bn2'),
    new ReLU('relu2'),
    q('q2', bits),
    new ReshapeTo('sequence', { target: [4, 32] }),
    new SimpleRNN('rnn', { units: 128, activation: 'relu', returnSequences: true, useBias: false }),
    new MeanOverTime('mean'),
    q('q3', bits),
    new Dense('fc1', { units: 256, useBias: false }),
    new ReLU('relu3'),
    q('q4', bits),
    new Dense('fc2', { units: 10, useBias: false, init: 'glorot' }),
  ];
}

/**
 * Vessel segmentation (input [64, 64, 1], 2 classes per pixel). REDUCED from the paper's U-Net (base
 * width 32/64, bilinear upsampling) to a full-resolution fully convolutional net for the 2-core
 * budget: three [conv 3x3 (same) -> BN -> ReLU] stages, then a 1x1 conv to 2 classes.
 */
export function vesselLayers(bits: number, widths: number[] = [16, 32, 16]): Layer[] {
  if (widths.length === 0 || !widths.every((w) => Number.isInteger(w) && w >= 1)) {
    throw new UserError(`vessel network: widths must be positive integers, got ${JSON.stringify(widths)}`, 'e.g. widths: [16, 32, 16]');
  }
  const layers: Layer[] = [q('q0', bits)];
  widths.forEach((w, i) => {
    layers.push(
      new Conv2d(`conv${i + 1}`, { filters: w, kernelSize: 3, padding: 'same', useBias: false }),
      new BatchNorm(`bn${i + 1}`),
      new ReLU(`relu${i + 1}`),
      q(`q${i + 1}`, bits),
    );
  });
  layers.push(new Conv2d('out', { filters: 2, kernelSize: 1, useBias: false, init: 'glorot' }));
  return layers;
}

/** Input shape of each task's network. */
export const INPUT_SHAPES: Readonly<Record<RandomPruneTask, number[]>> = {
  'fashion-mnist': [28, 28, 1],
  fsdd: [23, 20],
  vessels: [64, 64, 1],
};

/** Builds a task's network for an input shape (vessels: any [h, w, 1]). */
export function buildNetwork(task: RandomPruneTask, opts: NetworkOptions & { inputShape?: number[] }): Sequential {
  const bits = opts.bits ?? ACTIVATION_BITS[task];
  const inputShape = opts.inputShape ?? INPUT_SHAPES[task];
  const layers = task === 'fashion-mnist' ? fashionLayers(bits) : task === 'fsdd' ? spokenLayers(bits) : vesselLayers(bits, opts.widths);
  try {
    return new Sequential({
      name: `random-prune-${task}`,
      inputShape,
      layers,
      seed: opts.seed,
      numClasses: task === 'vessels' ? 2 : 10,
      task: task === 'vessels' ? 'segmentation' : 'classification',
    });
  } catch (err) {
    for (const l of layers) l.dispose();
    throw err;
  }
}

/** The last weight layer (the readout trained in baseline (a)). */
export function readoutLayer(task: RandomPruneTask): string {
  return task === 'vessels' ? 'out' : 'fc2';
}
