/**
 * The conventional scheme: every crossbar layer on its own tiles (convolutions by im2col, one
 * kernel per column), an ADC after each, activations and pooling in digital periphery, and a DAC
 * in front of the next layer. Batch norm directly after a crossbar layer is folded into it.
 */
import type { HardwareConfig } from '../crossbar/hardware.js';
import { mapMatrix } from '../crossbar/mapping.js';
import { planTiles } from '../crossbar/tiling.js';
import type { Layer } from '../nn/layer.js';
import type { Sequential } from '../nn/model.js';
import type { RecurrentLayer } from '../nn/recurrent-cells.js';
import type { AnalogStage, RecurrentStage, Stage } from './deployment.js';
import { columns, effectiveParam, foldBatchNorm, isCrossbarLayer, linearMatrix } from './extract.js';

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

const DIGITAL_REASON: Record<string, string> = {
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
  const mapped = mapMatrix(m.weights, m.K, m.N, hw);
  // a convolution's row blocks hold whole input channels (kh*kw rows each) when a kernel fits a tile
  const unit = m.geometry.kind === 'conv2d' ? m.geometry.kernel[0] * m.geometry.kernel[1] : 1;
  const rowsPerBlock = unit <= hw.tile.rows ? Math.floor(hw.tile.rows / unit) * unit : hw.tile.rows;
  const plan = planTiles(m.K, m.N * mapped.slices, hw, rowsPerBlock);
  const vectorsPerSample = outputShape.slice(0, -1).reduce((a, b) => a * b, 1);
  return {
    kind: 'analog', name, layerType, geometry: m.geometry, K: m.K, N: m.N, weights: m.weights, bias: m.bias,
    ...(m.usefulMacsPerVector !== undefined ? { usefulMacsPerVector: m.usefulMacsPerVector } : {}),
    mapped, plan, inputShape, outputShape, vectorsPerSample, folded, dacAtInput: true, adcAtOutput: true,
    calibration: { xMax: 1, signedInput: false, adcFullScale: plan.rowBlocks.map(() => Array(mapped.slices).fill(1)) },
  };
}

export function conventionalStages(model: Sequential, hw: HardwareConfig): Stage[] {
  const stages: Stage[] = [];
  const layers = model.layers;
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i];
    if (isCrossbarLayer(layer)) {
      const m = linearMatrix(layer);
      const folded: string[] = [];
      let outputShape = layer.outputShape;
      const next = layers[i + 1];
      if (next && next.type === 'BatchNorm') {
        foldBatchNorm(m, next);
        folded.push(next.name);
        outputShape = next.outputShape;
        i++;
      }
      stages.push(analogStage(layer.name, layer.type, m, layer.inputShape, outputShape, folded, hw));
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
