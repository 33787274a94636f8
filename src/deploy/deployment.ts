/**
 * A Deployment: a trained model compiled onto crossbar tiles under one scheme. The simulator and
 * the cost model both read it, so the tiling, slicing and periphery they see are the same.
 */
import type { HardwareConfig } from '../crossbar/hardware.js';
import type { MappedMatrix } from '../crossbar/mapping.js';
import type { TilePlan } from '../crossbar/tiling.js';
import type { Layer } from '../nn/layer.js';
import type { RecurrentLayer } from '../nn/recurrent-cells.js';

/** How the analog matrix-vector products of a layer are arranged. */
export type MvmGeometry =
  | { kind: 'dense' }
  | {
      kind: 'conv2d';
      /** Kernel height, width, input channels: the K = kh*kw*cin rows of the im2col matrix, in (cin, kh, kw) order. */
      kernel: [number, number, number];
      stride: [number, number];
      padding: 'same' | 'valid';
      dilation: [number, number];
    };

/** Converter ranges found by calibration on sample inputs. */
export interface StageCalibration {
  /** DAC full scale in input units (|x| at the largest code). */
  xMax: number;
  /** Inputs take negative values (a signed DAC / bipolar read voltages). */
  signedInput: boolean;
  /** ADC full scale (amperes) per row block and slice. */
  adcFullScale: number[][];
  /** Largest |output| (value units) on the calibration inputs through the ideal deployment. */
  outputMax?: number;
}

export interface AnalogStage {
  kind: 'analog';
  /** The model layer this stage computes (with any batch norm folded in). */
  name: string;
  layerType: string;
  geometry: MvmGeometry;
  /** Logical matrix: K inputs (rows) x N outputs (columns). */
  K: number;
  N: number;
  /** Multiply-accumulates per input vector that carry weights, when below K x N (block-diagonal mapping). */
  usefulMacsPerVector?: number;
  /** Float weights after folding, [K * N]: what the ideal hardware must reproduce. */
  weights: Float32Array;
  bias: Float32Array | undefined;
  mapped: MappedMatrix;
  plan: TilePlan;
  inputShape: number[];
  outputShape: number[];
  /** Input vectors per inference (1 for dense, output positions for a convolution). */
  vectorsPerSample: number;
  /** Names of batch-norm layers folded into the weights. */
  folded: string[];
  /** Inputs arrive as digital codes through a DAC; false: as the previous stage's analog voltage (IDM). */
  dacAtInput: boolean;
  /** Convert the output to digital (ADC) — true in the conventional scheme for every layer. */
  adcAtOutput: boolean;
  /** Without an ADC: the transimpedance stage that drives the next stage in analog (IDM). */
  tia?: TiaStage;
  /**
   * Without an ADC: one sense amplifier per column deciding +-1 (bnn): +1 where
   * direction * (product - threshold) >= 0. Batch norm and sign are folded into it.
   */
  senseAmp?: { threshold: Float32Array; direction: Float32Array };
  /** 'unipolar': +-1 inputs x are applied as (x + 1) / 2 in {0, 1}, never a negative voltage (bnn). */
  inputTransform?: 'unipolar';
  /** Row driver resolution when it differs from the hardware's DAC (1 for binary inputs). */
  inputBits?: number;
  calibration: StageCalibration;
}

/**
 * A transimpedance amplifier per output column: its gain maps the output value `fullScale` to the
 * next stage's full-scale input voltage; it clips beyond full scale (its rail) and adds Gaussian
 * noise of standard deviation `noise` (value units).
 */
export interface TiaStage {
  fullScale: number;
  noise: number;
  /**
   * The output current joins another stage's before the amplifier (a recurrent layer's input
   * projection, summed with its recurrent product): no rail or noise of its own.
   */
  merged: boolean;
}

export interface DigitalStage {
  kind: 'digital';
  name: string;
  layerType: string;
  /** The model layer run as-is in the digital periphery (activation, pooling, reshape, batch norm). */
  layer: Layer;
  inputShape: number[];
  outputShape: number[];
  /** Why this layer runs digitally, for the deployment's inspection. */
  reason: string;
}

/**
 * A recurrent layer on crossbars: the input projection x_t W + b of every step on one set of tiles,
 * the recurrent product h U on another (GRU: one per column block, since its candidate block
 * multiplies r * h), gate arithmetic in digital periphery, one step after another.
 */
export interface RecurrentStage {
  kind: 'recurrent';
  name: string;
  layerType: string;
  layer: RecurrentLayer;
  inputShape: number[];
  outputShape: number[];
  input: AnalogStage;
  /** One per column block [from, to) of the recurrent kernel, in `layer.recurrentColumnBlocks()` order. */
  recurrent: AnalogStage[];
  columnBlocks: [number, number][];
}

/**
 * A layer computed by an analog circuit between two cascaded crossbar stages (IDM): a rectifier,
 * a winner-take-all max-pool, resistive averaging, or wiring. It applies the layer's function, then
 * its rail (clipping at +-fullScale) and its Gaussian noise (std `noise`, value units).
 */
export interface AnalogUnitStage {
  kind: 'analog-unit';
  name: string;
  layerType: string;
  layer: Layer;
  inputShape: number[];
  outputShape: number[];
  fullScale: number;
  noise: number;
  reason: string;
}

export type Stage = AnalogStage | DigitalStage | RecurrentStage | AnalogUnitStage;

export interface Deployment {
  scheme: string;
  hardware: HardwareConfig;
  modelName: string;
  inputShape: number[];
  numClasses: number;
  stages: Stage[];
}

/** Every set of tiles, in order: analog stages and the sub-stages of recurrent stages. */
export function analogStages(d: Deployment): AnalogStage[] {
  return d.stages.flatMap((s) => (s.kind === 'analog' ? [s] : s.kind === 'recurrent' ? [s.input, ...s.recurrent] : []));
}
