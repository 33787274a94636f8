/**
 * The DARTS primitive operations as layers, in their evaluation form (the batch norms are affine, with
 * gamma and beta; DARTS' search phase uses affine=False, its evaluation networks affine=True), after
 * OPS in quark0/darts cnn/operations.py:
 *
 * - none: zeros, subsampled by the stride (`Zero`);
 * - max_pool_3x3 / avg_pool_3x3: 3x3 pools, padding 1 (`MaxPool` / `AvgPool`, padding 'same'; the
 *   average excludes the padding from the count, like PyTorch's count_include_pad=False);
 * - skip_connect: `Identity` at stride 1, `FactorizedReduce` at stride 2;
 * - sep_conv_kxk: (ReLU, depthwise kxk, 1x1, BN) twice, the stride in the first depthwise only (`SepConv`);
 * - dil_conv_kxk: ReLU, depthwise kxk with dilation 2 (padding 2 for 3x3, 4 for 5x5), 1x1, BN (`DilConv`).
 *
 * Convolutions carry no bias (a batch norm follows each). Padding is TensorFlow's 'same': at stride 1
 * with odd kernels it equals DARTS' symmetric padding; at stride 2 on an even size TensorFlow pads
 * one pixel less before than after, so a stride-2 window is centred on pixel 2i + 1 where PyTorch's
 * padding (k - 1) / 2 centres it on 2i. Output sizes are the same; the alignment matters only for
 * weights imported from PyTorch, which this project does not do.
 */
import { tf } from '../../engine/index.js';
import type { Rng } from '../../engine/rng.js';
import { UserError } from '../../errors.js';
import { expectRank, readInt } from '../config.js';
import { type ForwardContext, Layer } from '../layer.js';
import { AvgPool, BatchNorm, Conv2d, DepthwiseConv2d, MaxPool, ReLU } from '../layers.js';
import { registerLayer } from '../registry.js';
import type { Primitive } from './genotype.js';

function readStride(name: string, cfg: Record<string, unknown>): 1 | 2 {
  const s = readInt(name, cfg, 'stride', 1);
  if (s !== 1 && s !== 2) throw new UserError(`layer '${name}': DARTS operations have stride 1 or 2, got ${s}`, 'use stride 1 (normal cells) or 2 (reduction cells)');
  return s;
}

function readKernel(name: string, cfg: Record<string, unknown>): 3 | 5 {
  const k = readInt(name, cfg, 'kernelSize');
  if (k !== 3 && k !== 5) throw new UserError(`layer '${name}': DARTS convolutions are 3x3 or 5x5, got kernelSize ${k}`, 'use kernelSize 3 or 5');
  return k;
}

/** 'none': zeros of the input's shape subsampled by the stride, [ceil(h / s), ceil(w / s), c]. */
export class Zero extends Layer {
  readonly type = 'DartsZero';
  readonly stride: 1 | 2;

  constructor(name: string, opts: { stride?: number } = {}) {
    super(name);
    this.stride = readStride(name, opts);
  }

  protected doBuild(inputShape: number[], _rng: Rng): number[] {
    expectRank(this.name, this.type, inputShape, 3, 'an image [height, width, channels]');
    return [Math.ceil(inputShape[0] / this.stride), Math.ceil(inputShape[1] / this.stride), inputShape[2]];
  }

  forward(x: tf.Tensor, _ctx: ForwardContext): tf.Tensor {
    const [h, w, c] = this.outputShape;
    return tf.zeros([x.shape[0], h, w, c]);
  }

  config(): Record<string, unknown> {
    return { stride: this.stride };
  }
}

/** 'skip_connect' at stride 1: the input unchanged. */
export class Identity extends Layer {
  readonly type = 'DartsIdentity';

  protected doBuild(inputShape: number[], _rng: Rng): number[] {
    return [...inputShape];
  }

  forward(x: tf.Tensor, _ctx: ForwardContext): tf.Tensor {
    return x;
  }

  config(): Record<string, unknown> {
    return {};
  }
}

/**
 * Keeps every second pixel along height and width: [h, w, c] -> [ceil(h/2), ceil(w/2), c], at the
 * positions TensorFlow's 'same' padding centres a stride-2 window on (offset 1 on an even size, 0 on
 * an odd one). A depthwise kxk convolution with dilation 2 and stride 2 reads only pixels of one
 * parity, so it equals this subsampling followed by the undilated kxk convolution at stride 1 — the
 * form `DilConv` uses at stride 2, since tfjs convolutions take stride and dilation not both > 1.
 */
export class Subsample2d extends Layer {
  readonly type = 'DartsSubsample';
  private offsets: [number, number] = [0, 0];

  protected doBuild(inputShape: number[], _rng: Rng): number[] {
    expectRank(this.name, this.type, inputShape, 3, 'an image [height, width, channels]');
    const out = [Math.ceil(inputShape[0] / 2), Math.ceil(inputShape[1] / 2)];
    // window centre 2i + offset with offset = ceil((in - 1 - 2 (out - 1)) / 2), TensorFlow's 'same'
    this.offsets = [0, 1].map((a) => Math.ceil((inputShape[a] - 1 - 2 * (out[a] - 1)) / 2)) as [number, number];
    return [out[0], out[1], inputShape[2]];
  }

  /** Row and column offsets of the kept pixels. */
  get offset(): [number, number] {
    return [...this.offsets];
  }

  forward(x: tf.Tensor, _ctx: ForwardContext): tf.Tensor {
    // pad to 2 * out, group pixel pairs, take one of each pair (slice and reshape have gradients; strided slice has none in tfjs)
    const [h, w, c] = this.inputShape;
    const [oh, ow] = this.outputShape;
    const [oy, ox] = this.offsets;
    return tf.tidy(() => {
      const n = x.shape[0];
      const padded = 2 * oh !== h || 2 * ow !== w ? tf.pad(x, [[0, 0], [0, 2 * oh - h], [0, 2 * ow - w], [0, 0]]) : x;
      const grouped = tf.reshape(padded, [n, oh, 2, ow, 2 * c]);
      const rows = tf.slice(grouped, [0, 0, oy, 0, ox * c], [n, oh, 1, ow, c]);
      return tf.reshape(rows, [n, oh, ow, c]);
    });
  }

  config(): Record<string, unknown> {
    return {};
  }
}

/** A composite layer whose children run one after another. */
abstract class Chain extends Layer {
  protected abstract readonly parts: Layer[];

  override children(): Layer[] {
    return [...this.parts];
  }

  protected doBuild(inputShape: number[], rng: Rng): number[] {
    let shape = inputShape;
    for (const l of this.parts) shape = l.build(shape, rng.fork(l.name));
    return shape;
  }

  forward(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    return tf.tidy(() => {
      let h = x;
      for (const l of this.parts) h = l.forward(h, ctx);
      return h;
    });
  }
}

/** ReLU, 1x1 convolution to `channels`, BN: DARTS' cell preprocessing (ReLUConvBN with kernel 1). */
export class ReLUConvBN extends Chain {
  readonly type = 'DartsReLUConvBN';
  readonly channels: number;
  protected readonly parts: Layer[];

  constructor(name: string, opts: { channels: number }) {
    super(name);
    this.channels = readInt(name, opts, 'channels');
    this.parts = [new ReLU(`${name}.relu`), new Conv2d(`${name}.conv`, { filters: this.channels, kernelSize: 1, useBias: false }), new BatchNorm(`${name}.bn`)];
  }

  config(): Record<string, unknown> {
    return { channels: this.channels };
  }
}

/** sep_conv_kxk: (ReLU, depthwise kxk, 1x1, BN) twice; only the first depthwise convolution has the stride. */
export class SepConv extends Chain {
  readonly type = 'DartsSepConv';
  readonly channels: number;
  readonly kernelSize: 3 | 5;
  readonly stride: 1 | 2;
  protected readonly parts: Layer[];

  constructor(name: string, opts: { channels: number; kernelSize: number; stride?: number }) {
    super(name);
    this.channels = readInt(name, opts, 'channels');
    this.kernelSize = readKernel(name, opts);
    this.stride = readStride(name, opts);
    const half = (i: number, stride: number) => [
      new ReLU(`${name}.relu${i}`),
      new DepthwiseConv2d(`${name}.dw${i}`, { kernelSize: this.kernelSize, stride, padding: 'same', useBias: false }),
      new Conv2d(`${name}.pw${i}`, { filters: this.channels, kernelSize: 1, useBias: false }),
      new BatchNorm(`${name}.bn${i}`),
    ];
    this.parts = [...half(1, this.stride), ...half(2, 1)];
  }

  config(): Record<string, unknown> {
    return { channels: this.channels, kernelSize: this.kernelSize, stride: this.stride };
  }
}

/**
 * dil_conv_kxk: ReLU, depthwise kxk with dilation 2 ('same': padding 2 for 3x3, 4 for 5x5), 1x1, BN.
 * At stride 2: ReLU, `Subsample2d`, depthwise kxk undilated, 1x1, BN — the same function (see
 * `Subsample2d`), with the MACs of the strided dilated convolution.
 */
export class DilConv extends Chain {
  readonly type = 'DartsDilConv';
  readonly channels: number;
  readonly kernelSize: 3 | 5;
  readonly stride: 1 | 2;
  protected readonly parts: Layer[];

  constructor(name: string, opts: { channels: number; kernelSize: number; stride?: number }) {
    super(name);
    this.channels = readInt(name, opts, 'channels');
    this.kernelSize = readKernel(name, opts);
    this.stride = readStride(name, opts);
    const dilation = this.stride === 1 ? 2 : 1;
    this.parts = [
      new ReLU(`${name}.relu`),
      ...(this.stride === 2 ? [new Subsample2d(`${name}.subsample`)] : []),
      new DepthwiseConv2d(`${name}.dw`, { kernelSize: this.kernelSize, dilation, padding: 'same', useBias: false }),
      new Conv2d(`${name}.pw`, { filters: this.channels, kernelSize: 1, useBias: false }),
      new BatchNorm(`${name}.bn`),
    ];
  }

  config(): Record<string, unknown> {
    return { channels: this.channels, kernelSize: this.kernelSize, stride: this.stride };
  }
}

/**
 * skip_connect at stride 2 (and the preprocessing of a cell whose previous-previous input has twice
 * the resolution): ReLU; two 1x1 stride-2 convolutions to channels/2 each, one on x and one on x
 * shifted by one pixel (x[1:, 1:]); concatenated along channels; BN. Needs an even height, width
 * and channel count (as in DARTS, where the concatenation fails otherwise).
 */
export class FactorizedReduce extends Layer {
  readonly type = 'DartsFactorizedReduce';
  readonly channels: number;
  private readonly relu: ReLU;
  private readonly conv1: Conv2d;
  private readonly conv2: Conv2d;
  private readonly bn: BatchNorm;

  constructor(name: string, opts: { channels: number }) {
    super(name);
    this.channels = readInt(name, opts, 'channels');
    if (this.channels % 2 !== 0) {
      throw new UserError(`layer '${name}' (factorized reduce): channels must be even, got ${this.channels}`, 'it concatenates two halves of channels/2 each');
    }
    this.relu = new ReLU(`${name}.relu`);
    this.conv1 = new Conv2d(`${name}.conv1`, { filters: this.channels / 2, kernelSize: 1, stride: 2, padding: 'valid', useBias: false });
    this.conv2 = new Conv2d(`${name}.conv2`, { filters: this.channels / 2, kernelSize: 1, stride: 2, padding: 'valid', useBias: false });
    this.bn = new BatchNorm(`${name}.bn`);
  }

  override children(): Layer[] {
    return [this.relu, this.conv1, this.conv2, this.bn];
  }

  protected doBuild(inputShape: number[], rng: Rng): number[] {
    expectRank(this.name, this.type, inputShape, 3, 'an image [height, width, channels]');
    const [h, w, c] = inputShape;
    if (h % 2 !== 0 || w % 2 !== 0) {
      throw new UserError(
        `layer '${this.name}' (factorized reduce) needs an even height and width, got ${h}x${w}`,
        'DARTS networks halve the resolution at each reduction cell: use an input size divisible by 4 (by 2^(reductions + 1) in general)',
      );
    }
    this.relu.build(inputShape, rng.fork('relu'));
    const a = this.conv1.build(inputShape, rng.fork('conv1'));
    const b = this.conv2.build([h - 1, w - 1, c], rng.fork('conv2'));
    const out = [a[0], a[1], a[2] + b[2]];
    this.bn.build(out, rng.fork('bn'));
    return out;
  }

  forward(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    return tf.tidy(() => {
      const r = this.relu.forward(x, ctx);
      const [n, h, w, c] = r.shape;
      const shifted = tf.slice(r, [0, 1, 1, 0], [n, h - 1, w - 1, c]);
      const y = tf.concat([this.conv1.forward(r, ctx), this.conv2.forward(shifted, ctx)], 3);
      return this.bn.forward(y, ctx);
    });
  }

  config(): Record<string, unknown> {
    return { channels: this.channels };
  }
}

/** The layer computing `primitive` on `channels` channels at `stride` (DARTS' OPS table). */
export function createOp(primitive: Primitive, name: string, channels: number, stride: 1 | 2): Layer {
  switch (primitive) {
    case 'none':
      return new Zero(name, { stride });
    case 'max_pool_3x3':
      return new MaxPool(name, { poolSize: 3, stride, padding: 'same' });
    case 'avg_pool_3x3':
      return new AvgPool(name, { poolSize: 3, stride, padding: 'same' });
    case 'skip_connect':
      return stride === 1 ? new Identity(name) : new FactorizedReduce(name, { channels });
    case 'sep_conv_3x3':
      return new SepConv(name, { channels, kernelSize: 3, stride });
    case 'sep_conv_5x5':
      return new SepConv(name, { channels, kernelSize: 5, stride });
    case 'dil_conv_3x3':
      return new DilConv(name, { channels, kernelSize: 3, stride });
    case 'dil_conv_5x5':
      return new DilConv(name, { channels, kernelSize: 5, stride });
  }
}

registerLayer('DartsZero', (name, config) => new Zero(name, config));
registerLayer('DartsIdentity', (name) => new Identity(name));
registerLayer('DartsSubsample', (name) => new Subsample2d(name));
registerLayer('DartsReLUConvBN', (name, config) => new ReLUConvBN(name, config as { channels: number }));
registerLayer('DartsSepConv', (name, config) => new SepConv(name, config as { channels: number; kernelSize: number }));
registerLayer('DartsDilConv', (name, config) => new DilConv(name, config as { channels: number; kernelSize: number }));
registerLayer('DartsFactorizedReduce', (name, config) => new FactorizedReduce(name, config as { channels: number }));
