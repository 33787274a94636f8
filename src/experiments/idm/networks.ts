/**
 * The two network families of the IDM experiment, indexed by depth L = number of crossbar (weight)
 * layers:
 * - CNN: L-1 convolutions (3x3, same padding, ReLU; 2x2 max-pool after the first two while the
 *   image is at least 2x2) then one Dense classifier. L = 1 is a Dense layer on the flattened image.
 * - RNN: L-1 stacked SimpleRNN layers then one Dense classifier on the last state.
 */
import { Conv2d, Dense, Flatten, type Layer, MaxPool, ReLU, Sequential, buildRnnClassifier } from '../../nn/index.js';
import { UserError } from '../../errors.js';

export type IdmFamily = 'cnn' | 'rnn';
export const IDM_FAMILIES: readonly IdmFamily[] = ['cnn', 'rnn'];

export interface CnnOptions {
  /** Crossbar layers: L-1 convolutions and one Dense. */
  depth: number;
  /** [height, width, channels]. */
  inputShape: number[];
  numClasses: number;
  /** Output channels of every convolution. */
  channels: number;
  seed: number;
}

/** Max-pools after the first this-many convolutions (the image stays small enough to simulate). */
const POOLED_CONVS = 2;

export function buildCnn(opts: CnnOptions): Sequential {
  const { depth, inputShape, numClasses, channels, seed } = opts;
  if (!Number.isInteger(depth) || depth < 1) throw new UserError(`idm: CNN depth must be a whole number >= 1, got ${depth}`, 'e.g. depths 1,2,3,4');
  if (inputShape.length !== 3) {
    throw new UserError(`idm: the CNN family needs images [height, width, channels], got samples of shape ${JSON.stringify(inputShape)}`, 'use mnist or fashion-mnist');
  }
  const layers: Layer[] = [];
  let [h, w] = inputShape;
  for (let i = 1; i < depth; i++) {
    layers.push(new Conv2d(`conv${i}`, { filters: channels, kernelSize: 3, padding: 'same' }), new ReLU(`relu${i}`));
    if (i <= POOLED_CONVS && h >= 2 && w >= 2) {
      layers.push(new MaxPool(`pool${i}`, { poolSize: 2 }));
      h = Math.floor(h / 2);
      w = Math.floor(w / 2);
    }
  }
  // Glorot for the classifier: it feeds a softmax, not a ReLU (as nn's classifiers do).
  layers.push(new Flatten('flat'), new Dense('fc', { units: numClasses, init: 'glorot' }));
  return new Sequential({ name: `cnn-L${depth}`, inputShape, numClasses, seed, layers });
}

/** The CNN's layers in words, for the table: e.g. `3x(conv8) + fc`, or `fc on flattened image` for L = 1. */
export function describeCnn(depth: number, channels: number): string {
  return depth === 1 ? 'fc on flattened image' : `${depth - 1}x conv3x3/${channels} + fc`;
}

export interface RnnOptions {
  /** Crossbar layers: L-1 SimpleRNN layers and one Dense (L >= 2). */
  depth: number;
  /** [time, features]. */
  inputShape: number[];
  numClasses: number;
  units: number;
  activation: 'tanh' | 'relu';
  seed: number;
}

export function buildRnn(opts: RnnOptions): Sequential {
  const { depth, inputShape, numClasses, units, activation, seed } = opts;
  if (!Number.isInteger(depth) || depth < 2) {
    throw new UserError(`idm: RNN depth must be a whole number >= 2 (at least one recurrent layer and the classifier), got ${depth}`, 'e.g. rnn depths 2,3,4');
  }
  // maskZeros off: sequences are pre-padded (see sequences.ts), so the last state is the last real step's
  return buildRnnClassifier({
    cell: 'rnn', units, layers: depth - 1, inputShape, numClasses, seed, activation, maskZeros: false, name: `rnn-L${depth}`,
  });
}

export function describeRnn(depth: number, units: number, activation: string): string {
  return `${depth - 1}x SimpleRNN/${units} ${activation} + fc`;
}
