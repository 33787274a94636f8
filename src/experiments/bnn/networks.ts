/**
 * The networks of the BNN experiment, each in two variants of the same architecture:
 * - `float`: real weights, batch norm then ReLU after every hidden weight layer;
 * - `bnn`: the same layers with Sign activations in place of ReLU and binarized weights
 *   (`binarizeModel`, clipped straight-through estimator) under the first/last layer policy.
 *
 * Policy (docs/bnn.md): the first layer's weights are binary, its inputs real (pixels through the
 * DAC onto binary cells); every hidden layer is weight layer (no bias) -> BatchNorm -> Sign, so
 * batch norm and sign fold into one sense amplifier per column; the last layer (the classifier) is
 * float by default (`lastLayer: 'binary'` binarizes it too; it keeps an ADC either way, since no
 * Sign follows it).
 */
import { binarizeModel, type LayerPrecision } from '../../compress/binarize.js';
import { UserError } from '../../errors.js';
import { BatchNorm, Conv2d, Dense, Flatten, type Layer, MaxPool, ReLU, Sequential, Sign } from '../../nn/index.js';

export type BnnNetwork = 'mlp' | 'cnn' | 'vgg';
export const BNN_NETWORKS: readonly BnnNetwork[] = ['mlp', 'cnn', 'vgg'];
export type BnnVariant = 'float' | 'bnn';

/** The dataset each network runs on: the VGG-like network is the CIFAR-10 one. */
export const NETWORK_DATASET: Readonly<Record<BnnNetwork, 'mnist' | 'cifar10'>> = { mlp: 'mnist', cnn: 'mnist', vgg: 'cifar10' };

export interface BnnNetworkOptions {
  network: BnnNetwork;
  variant: BnnVariant;
  /** [height, width, channels]. */
  inputShape: number[];
  numClasses: number;
  seed: number;
  /** Precision of the classifier in the bnn variant (default 'float'). */
  lastLayer?: LayerPrecision;
}

/** Hidden widths of the MLP, as in BNN papers' MNIST MLPs scaled down to our CPU budget. */
const MLP_HIDDEN = [256, 256];
/** Convolution channels of the small CNN (a 2x2 max-pool after each). */
const CNN_CHANNELS = [16, 32];
/** VGG-like stages on CIFAR-10: two 3x3 convolutions per stage, a 2x2 max-pool between stages. */
const VGG_STAGES = [32, 64, 128];

/** Batch norm then the variant's activation. */
function act(variant: BnnVariant, tag: string): Layer[] {
  return [new BatchNorm(`bn${tag}`), variant === 'bnn' ? new Sign(`sign${tag}`) : new ReLU(`relu${tag}`)];
}

/**
 * A 3x3 convolution without bias. Only the first (on pixels) pads: the bnn scheme applies a +-1
 * input x as (x + 1) / 2 with the constant -sum(w) in the column threshold, which assumes every
 * window position holds a +-1 value; a zero-padded border (x = 0) would be read as x = -1 there.
 */
function conv(tag: string, filters: number, first: boolean): Layer {
  return new Conv2d(`conv${tag}`, { filters, kernelSize: 3, padding: first ? 'same' : 'valid', useBias: false });
}

function layersOf(network: BnnNetwork, variant: BnnVariant, numClasses: number): Layer[] {
  const out: Layer[] = [];
  if (network === 'mlp') {
    out.push(new Flatten('flat'));
    MLP_HIDDEN.forEach((units, i) => out.push(new Dense(`fc${i + 1}`, { units, useBias: false }), ...act(variant, `${i + 1}`)));
  } else if (network === 'cnn') {
    // conv -> BN -> Sign -> max-pool: a max of +-1 values is +-1, so the pool keeps the signal binary
    CNN_CHANNELS.forEach((filters, i) => out.push(conv(`${i + 1}`, filters, i === 0), ...act(variant, `${i + 1}`), new MaxPool(`pool${i + 1}`, { poolSize: 2 })));
    out.push(new Flatten('flat'));
  } else {
    // 32x32: same 32 -> valid 30 -> pool 15 -> 13 -> 11 -> pool 5 -> 3 -> 1 (no pool after the last stage)
    VGG_STAGES.forEach((filters, s) => {
      for (const k of ['a', 'b']) out.push(conv(`${s + 1}${k}`, filters, s === 0 && k === 'a'), ...act(variant, `${s + 1}${k}`));
      if (s < VGG_STAGES.length - 1) out.push(new MaxPool(`pool${s + 1}`, { poolSize: 2 }));
    });
    out.push(new Flatten('flat'));
  }
  // Glorot for the classifier: it feeds a softmax
  out.push(new Dense('out', { units: numClasses, init: 'glorot' }));
  return out;
}

export function buildBnnNetwork(opts: BnnNetworkOptions): Sequential {
  const { network, variant, inputShape, numClasses, seed } = opts;
  if (!BNN_NETWORKS.includes(network)) throw new UserError(`bnn: unknown network '${String(network)}'`, `choose from ${BNN_NETWORKS.join(', ')}`);
  if (inputShape.length !== 3) throw new UserError(`bnn: networks take images [height, width, channels], got ${JSON.stringify(inputShape)}`, 'use mnist or cifar10');
  const model = new Sequential({ name: `${network}-${variant}`, inputShape, numClasses, seed, layers: layersOf(network, variant, numClasses) });
  if (variant === 'bnn') binarizeModel(model, { firstLayer: 'binary', lastLayer: opts.lastLayer ?? 'float' });
  return model;
}

/** The architecture in words, for the table. */
export function describeBnnNetwork(network: BnnNetwork): string {
  if (network === 'mlp') return `MLP 784-${MLP_HIDDEN.join('-')}-10`;
  if (network === 'cnn') return `CNN ${CNN_CHANNELS.map((c) => `conv${c}-pool`).join('-')}-fc10`;
  return `VGG-like ${VGG_STAGES.map((c) => `2xconv${c}`).join('-pool-')}-fc10`;
}
