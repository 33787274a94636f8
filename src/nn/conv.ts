/**
 * 2-D convolutions, channels last (NHWC).
 * Conv2d kernel shape [kh, kw, inChannels, filters]; DepthwiseConv2d kernel [kh, kw, inChannels, multiplier].
 */
import { tf } from '../engine/index.js';
import type { Rng } from '../engine/rng.js';
import { UserError } from '../errors.js';
import { type Padding, expectRank, readBool, readChoice, readInt, readPair, windowOutput } from './config.js';
import { INIT_KINDS, type InitKind, constantInit, uniformInit } from './init.js';
import { type ForwardContext, Layer } from './layer.js';
import { registerLayer } from './registry.js';

const PADDINGS: readonly Padding[] = ['same', 'valid'];

interface WindowOptions {
  kernelSize: number | [number, number];
  /** Default 1. */
  stride?: number | [number, number];
  /** Default 'same'. */
  padding?: Padding;
  /** Default 1. */
  dilation?: number | [number, number];
  /** Default true. */
  useBias?: boolean;
  /** Default 'he'. */
  init?: InitKind;
}

export interface Conv2dOptions extends WindowOptions {
  filters: number;
}

export interface DepthwiseConv2dOptions extends WindowOptions {
  /** Output channels per input channel; default 1. */
  multiplier?: number;
}

/** Shared geometry of the two convolutions. */
abstract class ConvBase extends Layer {
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: Padding;
  readonly dilation: [number, number];
  readonly useBias: boolean;
  readonly init: InitKind;

  constructor(name: string, opts: WindowOptions) {
    super(name);
    const cfg = opts as unknown as Record<string, unknown>;
    this.kernelSize = readPair(name, cfg, 'kernelSize');
    this.stride = readPair(name, cfg, 'stride', 1);
    this.padding = readChoice(name, cfg, 'padding', PADDINGS, 'same');
    this.dilation = readPair(name, cfg, 'dilation', 1);
    this.useBias = readBool(name, cfg, 'useBias', true);
    this.init = readChoice(name, cfg, 'init', INIT_KINDS, 'he');
    if ((this.stride[0] > 1 || this.stride[1] > 1) && (this.dilation[0] > 1 || this.dilation[1] > 1)) {
      // TensorFlow (and tfjs) convolutions do not support both at once.
      throw new UserError(`layer '${name}': stride > 1 together with dilation > 1 is not supported`, 'use stride 1 with dilation, or dilation 1 with stride');
    }
  }

  /** Output [h, w] for an NHWC sample shape; throws if the window does not fit. */
  protected spatialOutput(inputShape: number[]): [number, number] {
    expectRank(this.name, this.type, inputShape, 3, 'an image [height, width, channels]');
    const out: [number, number] = [0, 1].map((a) =>
      windowOutput(inputShape[a], this.kernelSize[a], this.stride[a], this.dilation[a], this.padding),
    ) as [number, number];
    if (out[0] < 1 || out[1] < 1) {
      throw new UserError(
        `layer '${this.name}' (${this.type}): kernel ${JSON.stringify(this.kernelSize)} with dilation ${JSON.stringify(this.dilation)} does not fit input ${JSON.stringify(inputShape)} with padding 'valid'`,
        "use padding 'same', a smaller kernel, or a larger input",
      );
    }
    return out;
  }

  protected windowConfig(): Record<string, unknown> {
    return {
      kernelSize: [...this.kernelSize],
      stride: [...this.stride],
      padding: this.padding,
      dilation: [...this.dilation],
      useBias: this.useBias,
      init: this.init,
    };
  }
}

export class Conv2d extends ConvBase {
  readonly type = 'Conv2d';
  readonly filters: number;

  constructor(name: string, opts: Conv2dOptions) {
    super(name, opts);
    this.filters = readInt(name, opts as unknown as Record<string, unknown>, 'filters');
  }

  protected doBuild(inputShape: number[], rng: Rng): number[] {
    const [oh, ow] = this.spatialOutput(inputShape);
    const [kh, kw] = this.kernelSize;
    const cin = inputShape[2];
    const shape = [kh, kw, cin, this.filters];
    this.addParam('kernel', 'weight', uniformInit(shape, this.init, kh * kw * cin, kh * kw * this.filters, rng.fork('kernel')));
    if (this.useBias) this.addParam('bias', 'bias', constantInit([this.filters], 0));
    return [oh, ow, this.filters];
  }

  forward(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    return tf.tidy(() => {
      const w = this.weight('kernel', ctx) as tf.Tensor4D;
      let y: tf.Tensor = tf.conv2d(x as tf.Tensor4D, w, this.stride, this.padding, 'NHWC', this.dilation);
      if (this.useBias) y = tf.add(y, this.weight('bias', ctx));
      return y;
    });
  }

  config(): Record<string, unknown> {
    return { filters: this.filters, ...this.windowConfig() };
  }
}

export class DepthwiseConv2d extends ConvBase {
  readonly type = 'DepthwiseConv2d';
  readonly multiplier: number;

  constructor(name: string, opts: DepthwiseConv2dOptions) {
    super(name, opts);
    this.multiplier = readInt(name, opts as unknown as Record<string, unknown>, 'multiplier', 1);
  }

  protected doBuild(inputShape: number[], rng: Rng): number[] {
    const [oh, ow] = this.spatialOutput(inputShape);
    const [kh, kw] = this.kernelSize;
    const cin = inputShape[2];
    const m = this.multiplier;
    // Each output channel sees one input channel: fan-in kh*kw, fan-out kh*kw*multiplier.
    this.addParam('kernel', 'weight', uniformInit([kh, kw, cin, m], this.init, kh * kw, kh * kw * m, rng.fork('kernel')));
    if (this.useBias) this.addParam('bias', 'bias', constantInit([cin * m], 0));
    return [oh, ow, cin * m];
  }

  forward(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    return tf.tidy(() => {
      const w = this.weight('kernel', ctx) as tf.Tensor4D;
      let y: tf.Tensor = tf.depthwiseConv2d(x as tf.Tensor4D, w, this.stride, this.padding, 'NHWC', this.dilation);
      if (this.useBias) y = tf.add(y, this.weight('bias', ctx));
      return y;
    });
  }

  config(): Record<string, unknown> {
    return { multiplier: this.multiplier, ...this.windowConfig() };
  }
}

registerLayer('Conv2d', (name, config) => new Conv2d(name, config as unknown as Conv2dOptions));
registerLayer('DepthwiseConv2d', (name, config) => new DepthwiseConv2d(name, config as unknown as DepthwiseConv2dOptions));
