/**
 * k-bit fake quantization of the inputs of crossbar layers (Dense, Conv2d, DepthwiseConv2d): what a
 * crossbar's input DAC does to every vector it drives, simulated in software so that a network can be
 * trained (quantization-aware, straight-through gradient) and evaluated with quantized activations.
 *
 * The transfer function is the DAC's own (`quantize` in src/crossbar/converters.ts): uniform,
 * mid-tread, full scale F; unsigned inputs (a layer whose inputs were never negative, e.g. after a
 * ReLU) on codes 0..2^k - 1 with step F / (2^k - 1); signed inputs on -(2^(k-1) - 1)..2^(k-1) - 1 with
 * step F / (2^(k-1) - 1). F is a running max |x| over training batches (an exponential moving average
 * with `momentum`, the first batch setting it; PyTorch's MovingAverageMinMaxObserver averages with
 * 0.01, i.e. momentum 0.99), the software counterpart of the DAC full scale a deployment calibrates
 * from sample inputs. Before any training batch a quantizer uses each batch's own max |x|.
 * Gradient: dy * 1{x within the DAC range} (clipped straight-through estimator, as `quantize`).
 *
 * Mechanism: an input hook on the layer instance (`layer.forward` wraps the original, which quantizes
 * the input first). It works at any depth of composite layers (DARTS cells, their operations), needs
 * no new layer in the graph, so deployment (which has its own DAC) and `copyWeightsToHypernet` see
 * the same layers as before; `removeInputQuantizers` restores the plain forward. The hook is not
 * saved with the model: save `state()` beside it and `setState` after `quantizeLayerInputs` again.
 */
import { tf } from '../engine/index.js';
import { quantize as dacQuantize } from '../crossbar/converters.js';
import { isCrossbarLayer } from '../deploy/extract.js';
import { UserError } from '../errors.js';
import type { ForwardContext, Layer, Sequential } from '../nn/index.js';
import { clippedStraightThrough } from './ste.js';
import { checkInt, checkRange } from './targets.js';


export interface InputQuantizeOptions {
  bits: number;
  /** Weight of the old running full scale per training batch; default 0.99 (see above). */
  momentum?: number;
  /** Layer names (at any depth); default every crossbar layer. */
  layers?: string[];
}

export interface InputQuantizerState {
  /** Running full scale (max |x|); 0 before any training batch. */
  fullScale: number;
  /** Whether any training input was negative (a signed DAC). */
  signed: boolean;
  /** Training batches seen. */
  updates: number;
}

export class InputQuantizer {
  readonly layer: Layer;
  readonly bits: number;
  readonly momentum: number;
  private s: InputQuantizerState = { fullScale: 0, signed: false, updates: 0 };

  constructor(layer: Layer, bits: number, momentum: number) {
    this.layer = layer;
    this.bits = bits;
    this.momentum = momentum;
  }

  state(): InputQuantizerState {
    return { ...this.s };
  }

  setState(s: InputQuantizerState): void {
    if (!(s.fullScale >= 0) || typeof s.signed !== 'boolean' || !(s.updates >= 0)) {
      throw new UserError(`input quantizer of '${this.layer.name}': bad state ${JSON.stringify(s)}`, 'save the state returned by state()');
    }
    this.s = { ...s };
  }

  /** The input as the DAC passes it on (quantized, clipped to the full scale), straight-through gradient. */
  apply(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    const [mn, mx] = tf.tidy(() => [tf.min(x).dataSync()[0], tf.max(x).dataSync()[0]]);
    const batchScale = Math.max(Math.abs(mn), Math.abs(mx));
    let { fullScale, signed } = this.s;
    if (ctx.training) {
      const m = this.s.updates === 0 ? 0 : this.momentum;
      fullScale = m * fullScale + (1 - m) * batchScale;
      signed = signed || mn < 0;
      this.s = { fullScale, signed, updates: this.s.updates + 1 };
    } else if (this.s.updates === 0) {
      fullScale = batchScale;
      signed = mn < 0;
    }
    if (!(fullScale > 0)) return tf.clone(x);
    const fs = fullScale;
    const sg = signed;
    return clippedStraightThrough(x, sg ? -fs : 0, fs, (v) => dacQuantize(v, this.bits, fs, sg));
  }
}

const installed = new WeakMap<Layer, InputQuantizer>();

function walk(layer: Layer, out: Layer[]): void {
  if (isCrossbarLayer(layer)) out.push(layer);
  for (const c of layer.children()) walk(c, out);
}

/** Every crossbar layer of the model, composite layers' children included, in forward order. */
export function crossbarLayers(model: Sequential): Layer[] {
  const out: Layer[] = [];
  for (const l of model.layers) walk(l, out);
  return out;
}

/** Installs a k-bit DAC fake quantizer on the input of each chosen crossbar layer; returns them in forward order. */
export function quantizeLayerInputs(model: Sequential, opts: InputQuantizeOptions): InputQuantizer[] {
  const who = 'quantizeLayerInputs';
  const bits = checkInt(who, 'bits', opts.bits, 2, 16, 'use 2 to 16 bits (a signed DAC needs 2), e.g. bits: 8');
  const momentum = checkRange(who, 'momentum', opts.momentum ?? 0.99, 0, 1, 'a number in [0, 1), e.g. 0.99');
  if (momentum === 1) throw new UserError(`${who}: 'momentum' must be below 1 (the range would never move)`, 'e.g. momentum: 0.99');
  let layers = crossbarLayers(model);
  if (opts.layers !== undefined) {
    const names = new Set(layers.map((l) => l.name));
    for (const n of opts.layers) {
      if (!names.has(n)) throw new UserError(`${who}: '${n}' is not a crossbar layer of model '${model.name}'`, `crossbar layers: ${[...names].slice(0, 12).join(', ')}${names.size > 12 ? ', ...' : ''}`);
    }
    const wanted = new Set(opts.layers);
    layers = layers.filter((l) => wanted.has(l.name));
  }
  for (const l of layers) {
    if (installed.has(l)) throw new UserError(`${who}: the inputs of '${l.name}' are already quantized`, 'call removeInputQuantizers first');
  }
  return layers.map((layer) => {
    const q = new InputQuantizer(layer, bits, momentum);
    const original = layer.forward;
    layer.forward = (x: tf.Tensor, ctx: ForwardContext) => tf.tidy(() => original.call(layer, q.apply(x, ctx), ctx));
    installed.set(layer, q);
    return q;
  });
}

/** The input quantizers installed on the model's crossbar layers, in forward order. */
export function inputQuantizers(model: Sequential): InputQuantizer[] {
  return crossbarLayers(model).flatMap((l) => installed.get(l) ?? []);
}

/** Removes every input quantizer of the model (the layers compute on their raw inputs again); returns how many. */
export function removeInputQuantizers(model: Sequential): number {
  let n = 0;
  for (const l of crossbarLayers(model)) {
    if (!installed.has(l)) continue;
    delete (l as { forward?: unknown }).forward; // the instance hook; the class method shows through again
    installed.delete(l);
    n++;
  }
  return n;
}
