/**
 * The bnn scheme (memristive binary neural network, Neural Networks 144, 2021; what is known of it
 * is in PAPERS.md section 5, the rest is this reconstruction):
 *
 * - +-1 weights on binary cells as differential pairs (on/off or off/on);
 * - a +-1 input x is applied as x' = (x + 1) / 2 in {0, 1}: each row is driven at 0 or at the read
 *   voltage, never negative, so no input port needs a sign decision. Then
 *   sum_i w_i x_i = 2 sum_i w_i x'_i - sum_i w_i, and the per-column constant sum_i w_i goes into
 *   the column's threshold (for a crossbar layer with real weights, into its digital bias);
 * - batch norm then sign, sign(s (z + b - mu) + beta) with s = gamma / sqrt(var + eps), is one
 *   comparison of the column current with a threshold (direction flipped where s < 0): a sense
 *   amplifier per column whose +-1 output is directly the next layer's input. No ADC, no DAC.
 */
import { type HardwareConfig, layerHardware } from '../crossbar/hardware.js';
import { UserError } from '../errors.js';
import type { Layer } from '../nn/layer.js';
import type { Sequential } from '../nn/model.js';
import { analogStage, isRecurrentLayer } from './conventional.js';
import type { AnalogStage, Stage } from './deployment.js';
import { effectiveParam, foldBatchNorm, isCrossbarLayer, linearMatrix, type LinearMatrix } from './extract.js';

/** Layers that keep a +-1 signal +-1. */
const KEEPS_BINARY = new Set(['MaxPool', 'Flatten', 'Dropout']);

function isBinary(w: Float32Array): boolean {
  for (let i = 0; i < w.length; i++) if (w[i] !== 1 && w[i] !== -1) return false;
  return true;
}

/**
 * The crossbar layers whose weights are not +-1 (a float classifier, a first layer kept float):
 * the layers a memristive BNN puts on multi-level cells via `hardware.layers`.
 */
export function nonBinaryLayers(model: Sequential): string[] {
  return model.layers.filter((l) => isCrossbarLayer(l) && !isBinary(linearMatrix(l).weights)).map((l) => l.name);
}

/** Rewrites y = W x + b for inputs x = 2 x' - 1: weights 2W, bias b - sum_i W_i (per column). */
function unipolarInputs(m: LinearMatrix): LinearMatrix {
  const weights = m.weights.map((v) => 2 * v);
  const bias = Float32Array.from(m.bias ?? new Float32Array(m.N));
  for (let i = 0; i < m.K; i++) for (let j = 0; j < m.N; j++) bias[j] -= m.weights[i * m.N + j];
  return { ...m, weights, bias };
}

/**
 * Threshold and direction of each column's sense amplifier so that its decision equals
 * sign(s (q + c - mu) + beta), q the column's product, c its constant (bias and input correction).
 */
function senseAmplifier(bias: Float32Array, bn: Layer | undefined, n: number): { threshold: Float32Array; direction: Float32Array } {
  const threshold = new Float32Array(n);
  const direction = new Float32Array(n);
  const gamma = bn ? effectiveParam(bn, 'gamma') : undefined;
  const beta = bn ? effectiveParam(bn, 'beta') : undefined;
  const mean = bn ? effectiveParam(bn, 'movingMean') : undefined;
  const variance = bn ? effectiveParam(bn, 'movingVariance') : undefined;
  const eps = bn ? (bn.config().epsilon as number) : 0;
  for (let j = 0; j < n; j++) {
    const s = bn ? gamma![j] / Math.sqrt(variance![j] + eps) : 1;
    const b0 = bn ? beta![j] : 0;
    const mu = bn ? mean![j] : 0;
    if (s === 0) {
      // the batch norm output is beta whatever the input: a constant decision
      direction[j] = 1;
      threshold[j] = b0 >= 0 ? -Infinity : Infinity;
      continue;
    }
    // s (q + c - mu) + beta >= 0  <=>  q >= mu - c - beta / s (s > 0), or q <= it (s < 0)
    threshold[j] = mu - bias[j] - b0 / s;
    direction[j] = s > 0 ? 1 : -1;
  }
  return { threshold, direction };
}

export function bnnStages(model: Sequential, hw: HardwareConfig): Stage[] {
  if (hw.weightBits !== undefined) {
    throw new UserError('the bnn scheme stores one +-1 weight per differential pair: weightBits does not apply', 'leave hardware.weightBits out');
  }
  const stages: Stage[] = [];
  const layers = model.layers;
  let binarySignal = false; // the signal entering the next layer is +-1
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i];
    if (isRecurrentLayer(layer)) {
      throw new UserError(`the bnn scheme maps feed-forward binary networks; '${layer.name}' is a ${layer.type}`, 'use the conventional scheme');
    }
    if (!isCrossbarLayer(layer)) {
      stages.push({
        kind: 'digital', name: layer.name, layerType: layer.type, layer, inputShape: layer.inputShape, outputShape: layer.outputShape,
        reason: layer.type === 'Sign' ? 'sign of a value that no crossbar column holds (digital comparator)' : `${layer.type} in digital periphery`,
      });
      binarySignal = layer.type === 'Sign' || (binarySignal && KEEPS_BINARY.has(layer.type));
      continue;
    }
    let m = linearMatrix(layer);
    const g = m.geometry;
    if (binarySignal && g.kind === 'conv2d' && g.padding === 'same' && g.kernel[0] * g.kernel[1] > 1) {
      // a padded zero is no +-1 value: applied as 0 V it reads as x = -1, and the border windows would
      // need their own weight-sum correction in the threshold
      throw new UserError(
        `the bnn scheme drives +-1 inputs as 0/V, so layer '${layer.name}' (${layer.type} with padding 'same') would read its zero padding as -1`,
        "use padding 'valid' for convolutions on binary activations (the first layer, on real inputs, may pad)",
      );
    }
    const binaryWeights = isBinary(m.weights);
    const bn = layers[i + 1]?.type === 'BatchNorm' ? layers[i + 1] : undefined;
    const sign = layers[i + (bn ? 2 : 1)]?.type === 'Sign' ? layers[i + (bn ? 2 : 1)] : undefined;
    const inputs = binarySignal;
    if (inputs) m = unipolarInputs(m);
    let stage: AnalogStage;
    if (binaryWeights && sign) {
      if (layerHardware(hw, layer.name).weightBits !== undefined) {
        throw new UserError(`the bnn scheme stores one +-1 weight of layer '${layer.name}' per differential pair: weightBits does not apply`, `leave hardware.layers.${layer.name}.weightBits out`);
      }
      // crossbar + (batch norm) + sign: one sense amplifier per column
      const absorbed = [...(bn ? [bn.name] : []), sign.name];
      const { threshold, direction } = senseAmplifier(m.bias ?? new Float32Array(m.N), bn, m.N);
      stage = analogStage(layer.name, layer.type, { ...m, bias: undefined }, layer.inputShape, sign.outputShape, absorbed, hw);
      stage.adcAtOutput = false;
      stage.senseAmp = { threshold, direction };
      i += absorbed.length;
      binarySignal = true;
    } else {
      const folded: string[] = [];
      let outputShape = layer.outputShape;
      if (bn) {
        foldBatchNorm(m, bn);
        folded.push(bn.name);
        outputShape = bn.outputShape;
        i++;
      }
      stage = analogStage(layer.name, layer.type, m, layer.inputShape, outputShape, folded, hw);
      binarySignal = false;
    }
    if (inputs) {
      stage.inputTransform = 'unipolar';
      stage.inputBits = 1;
    }
    stages.push(stage);
  }
  return stages;
}
