/**
 * The conventional scheme: every crossbar layer on its own tiles (convolutions by im2col, one
 * kernel per column), an ADC after each, activations and pooling in digital periphery, and a DAC
 * in front of the next layer. Batch norm directly after a crossbar layer is folded into it.
 */
import { type HardwareConfig, layerHardware } from '../crossbar/hardware.js';
import { mapMatrix, nonZeroColumns } from '../crossbar/mapping.js';
import { planTiles } from '../crossbar/tiling.js';
import type { Layer } from '../nn/layer.js';
import type { Sequential } from '../nn/model.js';
import type { RecurrentLayer } from '../nn/recurrent-cells.js';
import type { AnalogStage, RecurrentStage, Stage } from './deployment.js';
import { type LinearMatrix, columns, effectiveParam, foldBatchNorm, isCrossbarLayer, linearMatrix } from './extract.js';

const RECURRENT_TYPES = new Set(['SimpleRNN', 'LSTM', 'GRU']);

export function isRecurrentLayer(layer: Layer): layer is RecurrentLayer {
  return RECURRENT_TYPES.has(layer.type);
}

/** Input projection and recurrent products of a recurrent layer, each on its own tiles. */
export function recurrentStage(layer: RecurrentLayer, hw: HardwareConfig): RecurrentStage {
  const [time, features] = layer.inputShape;
  const width = layer.gates * layer.units;
  const kernel = effectiveParam(layer, 'kernel');
  const recurrentKernel = effectiveParam(layer, 'recurrentKernel');
  const bias = layer.hasParam('bias') ? effectiveParam(layer, 'bias') : undefined;
  const dense = { kind: 'dense' } as const;
  const input = analogStage(
    `${layer.name}/input`, layer.type, { K: features, N: width, weights: kernel, bias, geometry: dense },
    [time, features], [time, width], [], hw,
  );
  const blocks = layer.recurrentColumnBlocks();
  const recurrent = blocks.map(([a, b], i) =>
    analogStage(
      blocks.length > 1 ? `${layer.name}/recurrent${i}` : `${layer.name}/recurrent`, layer.type,
      { K: layer.units, N: b - a, weights: columns(recurrentKernel, layer.units, width, a, b), bias: undefined, geometry: dense },
      [time, layer.units], [time, b - a], [], hw,
    ),
  );
  return {
    kind: 'recurrent', name: layer.name, layerType: layer.type, layer, inputShape: layer.inputShape,
    outputShape: layer.outputShape, input, recurrent, columnBlocks: blocks,
  };
}

export const DIGITAL_REASON: Record<string, string> = {
  ReLU: 'activation in digital periphery after the ADC',
  Sigmoid: 'activation in digital periphery after the ADC',
  Tanh: 'activation in digital periphery after the ADC',
  Sign: 'activation in digital periphery after the ADC',
  MaxPool: 'pooling in digital periphery',
  AvgPool: 'pooling in digital periphery',
  GlobalAvgPool: 'pooling in digital periphery',
  Flatten: 'a reshape: no computation',
  Dropout: 'identity at inference',
  BatchNorm: 'batch norm not directly after a crossbar layer: digital scale and shift',
};

/** An analog stage for a crossbar layer, with its mapping and tiling but no calibration yet. */
export function analogStage(
  name: string,
  layerType: string,
  m: ReturnType<typeof linearMatrix>,
  inputShape: number[],
  outputShape: number[],
  folded: string[],
  hw: HardwareConfig,
): AnalogStage {
  // the layer's own device and weight slicing where `hardware.layers` names it
  const own = layerHardware(hw, name);
  const mapped = mapMatrix(m.weights, m.K, m.N, own);
  // a convolution's row blocks hold whole input channels (kh*kw rows each) when a kernel fits a tile
  const unit = m.geometry.kind === 'conv2d' ? m.geometry.kernel[0] * m.geometry.kernel[1] : 1;
  const rowsPerBlock = unit <= hw.tile.rows ? Math.floor(hw.tile.rows / unit) * unit : hw.tile.rows;
  const plan = planTiles(m.K, m.N * mapped.slices, hw, rowsPerBlock);
  const vectorsPerSample = outputShape.slice(0, -1).reduce((a, b) => a * b, 1);
  return {
    kind: 'analog', name, layerType, geometry: m.geometry, K: m.K, N: m.N, weights: m.weights, bias: m.bias,
    ...(m.usefulMacsPerVector !== undefined ? { usefulMacsPerVector: m.usefulMacsPerVector } : {}),
    mapped, plan, inputShape, outputShape, vectorsPerSample, folded, dacAtInput: true, adcAtOutput: true,
    ...(own.device !== hw.device ? { device: own.device } : {}),
    calibration: { xMax: 1, signedInput: false, adcFullScale: plan.rowBlocks.map(() => Array(mapped.slices).fill(1)) },
  };
}

/**
 * The crossbar layer `layers[i]` as a logical matrix, with a directly following batch norm folded in:
 * its matrix, the folded layer's name, the output shape after both, and how many layers it took.
 */
export function foldedCrossbarLayer(layers: readonly Layer[], i: number): { m: LinearMatrix; folded: string[]; outputShape: number[]; consumed: 1 | 2 } {
  const layer = layers[i];
  const m = linearMatrix(layer);
  const next = layers[i + 1];
  if (next && next.type === 'BatchNorm') {
    foldBatchNorm(m, next);
    return { m, folded: [next.name], outputShape: next.outputShape, consumed: 2 };
  }
  return { m, folded: [], outputShape: layer.outputShape, consumed: 1 };
}

export function conventionalStages(model: Sequential, hw: HardwareConfig): Stage[] {
  const stages: Stage[] = [];
  const layers = model.layers;
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i];
    if (isCrossbarLayer(layer)) {
      const { m, folded, outputShape, consumed } = foldedCrossbarLayer(layers, i);
      i += consumed - 1;
      stages.push(hw.dropZeroColumns ? droppingZeroColumns(layer.name, layer.type, m, layer.inputShape, outputShape, folded, hw)
        : analogStage(layer.name, layer.type, m, layer.inputShape, outputShape, folded, hw));
    } else if (isRecurrentLayer(layer)) {
      stages.push(recurrentStage(layer, hw));
    } else {
      stages.push({
        kind: 'digital', name: layer.name, layerType: layer.type, layer,
        inputShape: layer.inputShape, outputShape: layer.outputShape,
        reason: DIGITAL_REASON[layer.type] ?? `no crossbar mapping for ${layer.type}: runs in digital periphery`,
      });
    }
  }
  return stages;
}

/**
 * `hardware.dropZeroColumns`: an analog stage mapping only the columns with a non-zero weight; the
 * others' outputs are their bias (or zero), supplied digitally (`columnMap`). A layer with no zero
 * column maps as usual; one with only zero columns keeps one column so that it still has a stage.
 */
function droppingZeroColumns(
  name: string, layerType: string, m: ReturnType<typeof linearMatrix>, inputShape: number[], outputShape: number[], folded: string[], hw: HardwareConfig,
): AnalogStage {
  let kept = nonZeroColumns(m.weights, m.K, m.N);
  if (kept.length === m.N || m.usefulMacsPerVector !== undefined) return analogStage(name, layerType, m, inputShape, outputShape, folded, hw);
  if (kept.length === 0) kept = [0];
  const n = kept.length;
  const weights = new Float32Array(m.K * n);
  for (let i = 0; i < m.K; i++) for (let c = 0; c < n; c++) weights[i * n + c] = m.weights[i * m.N + kept[c]];
  const bias = m.bias ? Float32Array.from(kept, (j) => m.bias![j]) : undefined;
  const fill = new Float32Array(m.N);
  if (m.bias) fill.set(m.bias);
  for (const j of kept) fill[j] = 0;
  const stage = analogStage(name, layerType, { ...m, N: n, weights, bias }, inputShape, outputShape, folded, hw);
  return { ...stage, columnMap: { outputs: m.N, kept: Int32Array.from(kept), fill } };
}
