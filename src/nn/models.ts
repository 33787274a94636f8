/**
 * Model zoo: named architectures built for a given input shape, class count and seed.
 * Add an architecture by adding one entry to `ZOO`.
 */
import { UserError } from '../errors.js';
import type { Layer } from './layer.js';
import { BatchNorm, Conv2d, Dense, Dropout, Flatten, MaxPool, ReLU } from './layers.js';
import { Sequential } from './model.js';
import { rnnClassifierLayers } from './recurrent.js';
import { dartsHyperZooLayers, dartsZooLayers } from './darts/network.js';

export interface ModelOptions {
  /** Sample shape without the batch axis, channels last, e.g. [28, 28, 1]. */
  inputShape: number[];
  numClasses: number;
  /** Seeds the weight initialisation. */
  seed: number;
  /** Widths of the fully connected hidden layers. */
  hidden?: number[];
  /** Channel widths of the convolution stages. */
  widths?: number[];
  /** Dropout rate before the classifier (models that use dropout). */
  dropout?: number;
}

export interface ModelEntry {
  /** One line for `modelNames`/help texts. */
  description: string;
  /** Rank of the sample shape the model accepts (e.g. 3 for [H, W, C]); undefined = any. */
  inputRank?: number;
  task?: 'classification' | 'segmentation';
  layers: (opts: ModelOptions) => Layer[];
}

function mlp(o: ModelOptions): Layer[] {
  const layers: Layer[] = [];
  if (o.inputShape.length > 1) layers.push(new Flatten('flatten'));
  (o.hidden ?? [256]).forEach((units, i) => {
    layers.push(new Dense(`fc${i + 1}`, { units }), new ReLU(`relu${i + 1}`));
  });
  layers.push(new Dense('out', { units: o.numClasses, init: 'glorot' }));
  return layers;
}

/**
 * LeNet-5 (LeCun et al., Proc. IEEE 1998) with today's usual substitutions: ReLU instead of scaled
 * tanh, max-pooling instead of trainable subsampling, and a full C3 connection table.
 * conv 6@5x5 (same) - ReLU - pool 2 - conv 16@5x5 (valid) - ReLU - pool 2 - FC 120 - FC 84 - FC classes.
 */
function lenet5(o: ModelOptions): Layer[] {
  const [c1, c2] = o.widths ?? [6, 16];
  const [f1, f2] = o.hidden ?? [120, 84];
  if (c1 === undefined || c2 === undefined || f1 === undefined || f2 === undefined) {
    throw new UserError('lenet5 takes exactly two widths and two hidden sizes', 'e.g. widths: [6, 16], hidden: [120, 84]');
  }
  return [
    new Conv2d('conv1', { filters: c1, kernelSize: 5, padding: 'same' }),
    new ReLU('relu1'),
    new MaxPool('pool1', { poolSize: 2 }),
    new Conv2d('conv2', { filters: c2, kernelSize: 5, padding: 'valid' }),
    new ReLU('relu2'),
    new MaxPool('pool2', { poolSize: 2 }),
    new Flatten('flatten'),
    new Dense('fc1', { units: f1 }),
    new ReLU('relu3'),
    new Dense('fc2', { units: f2 }),
    new ReLU('relu4'),
    new Dense('out', { units: o.numClasses, init: 'glorot' }),
  ];
}

/**
 * A small VGG-style network (after Simonyan & Zisserman, ICLR 2015) for 32x32 images: per stage,
 * [conv 3x3 - batch norm - ReLU] x 2 then max-pool 2; then FC hidden - ReLU - dropout - FC classes.
 * Default widths [16, 32, 64]: sized for a 30-minute single-core wasm budget on CIFAR-10 (measured
 * about 19 s per 5,000 images, so about 9 epochs; widths [32, 64, 128] took 55 s per 5,000).
 */
function vggSmall(o: ModelOptions): Layer[] {
  const widths = o.widths ?? [16, 32, 64];
  const hidden = o.hidden ?? [128];
  const layers: Layer[] = [];
  widths.forEach((w, s) => {
    for (let k = 1; k <= 2; k++) {
      const id = `${s + 1}_${k}`;
      layers.push(
        new Conv2d(`conv${id}`, { filters: w, kernelSize: 3, padding: 'same', useBias: false }),
        new BatchNorm(`bn${id}`),
        new ReLU(`relu${id}`),
      );
    }
    layers.push(new MaxPool(`pool${s + 1}`, { poolSize: 2 }));
  });
  layers.push(new Flatten('flatten'));
  hidden.forEach((units, i) => layers.push(new Dense(`fc${i + 1}`, { units }), new ReLU(`relu_fc${i + 1}`)));
  if ((o.dropout ?? 0.3) > 0) layers.push(new Dropout('dropout', { rate: o.dropout ?? 0.3 }));
  layers.push(new Dense('out', { units: o.numClasses, init: 'glorot' }));
  return layers;
}

/** A small fully convolutional segmentation network: [conv 3x3 - BN - ReLU] per width, then a 1x1 conv to per-pixel class scores. */
function fcnSmall(o: ModelOptions): Layer[] {
  const layers: Layer[] = [];
  (o.widths ?? [16, 16, 16]).forEach((w, i) => {
    layers.push(
      new Conv2d(`conv${i + 1}`, { filters: w, kernelSize: 3, padding: 'same', useBias: false }),
      new BatchNorm(`bn${i + 1}`),
      new ReLU(`relu${i + 1}`),
    );
  });
  layers.push(new Conv2d('out', { filters: o.numClasses, kernelSize: 1, init: 'glorot' }));
  return layers;
}

const ZOO: Record<string, ModelEntry> = {
  mlp: { description: 'multilayer perceptron, default hidden [256] with ReLU', layers: mlp },
  lenet5: { description: 'LeNet-5 (ReLU, max-pool) for 28x28 / 32x32 images', inputRank: 3, layers: lenet5 },
  'vgg-small': { description: 'small VGG (conv-BN-ReLU x2 + pool per stage, default widths [16, 32, 64]) for CIFAR-10', inputRank: 3, layers: vggSmall },
  'fcn-small': { description: 'fully convolutional per-pixel classifier (segmentation)', inputRank: 3, task: 'segmentation', layers: fcnSmall },
  rnn: { description: 'SimpleRNN (tanh) sequence classifier, hidden = units per stacked layer, default [64]; skips all-zero (padding) steps', inputRank: 2, layers: (o) => rnnClassifierLayers({ cell: 'rnn', units: o.hidden ?? [64], dropout: o.dropout, numClasses: o.numClasses }) },
  lstm: { description: 'LSTM sequence classifier, hidden = units per stacked layer, default [64]; skips all-zero (padding) steps', inputRank: 2, layers: (o) => rnnClassifierLayers({ cell: 'lstm', units: o.hidden ?? [64], dropout: o.dropout, numClasses: o.numClasses }) },
  gru: { description: 'GRU sequence classifier, hidden = units per stacked layer, default [64]; skips all-zero (padding) steps', inputRank: 2, layers: (o) => rnnClassifierLayers({ cell: 'gru', units: o.hidden ?? [64], dropout: o.dropout, numClasses: o.numClasses }) },
  darts: { description: 'DARTS network of a genotype (options genotype: DARTS_V1 | DARTS_V2 | PDARTS | a genotype, default DARTS_V2; C, default 16; layers (cells), default 8); docs/darts.md', inputRank: 3, layers: dartsZooLayers },
  'darts-hyper': { description: 'DARTS all-inclusive hypernetwork (every primitive on every cell edge) switched to a genotype (options as darts); deploy with scheme hypernetwork; docs/hypernetwork.md', inputRank: 3, layers: dartsHyperZooLayers },
};

/** Names accepted by `buildModel`. */
export function modelNames(): string[] {
  return Object.keys(ZOO).sort();
}

export function modelDescription(name: string): string {
  return entry(name).description;
}

function entry(name: string): ModelEntry {
  const e = Object.hasOwn(ZOO, name) ? ZOO[name] : undefined;
  if (!e) throw new UserError(`unknown model '${name}'`, `known models: ${modelNames().join(', ')}`);
  return e;
}

/** Builds and initialises the named architecture. */
export function buildModel(name: string, opts: ModelOptions): Sequential {
  const e = entry(name);
  const shape = opts.inputShape;
  if (!Array.isArray(shape) || shape.length === 0 || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new UserError(`model '${name}': inputShape must be a list of positive integers, got ${JSON.stringify(shape)}`, 'e.g. inputShape: [28, 28, 1]');
  }
  if (e.inputRank !== undefined && shape.length !== e.inputRank) {
    throw new UserError(
      `model '${name}' expects an input of rank ${e.inputRank} (e.g. [height, width, channels]), got inputShape ${JSON.stringify(shape)}`,
      'give the image shape with its channel axis, e.g. [28, 28, 1]',
    );
  }
  if (!Number.isInteger(opts.numClasses) || opts.numClasses < 2) {
    throw new UserError(`model '${name}': numClasses must be a whole number >= 2, got ${opts.numClasses}`, 'use the dataset\'s number of classes');
  }
  const layers = e.layers(opts);
  try {
    return new Sequential({ name, inputShape: shape, layers, seed: opts.seed, numClasses: opts.numClasses, task: e.task ?? 'classification' });
  } catch (err) {
    for (const l of layers) l.dispose();
    throw err;
  }
}
