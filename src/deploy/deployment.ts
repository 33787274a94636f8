/**
 * A Deployment: a trained model compiled onto crossbar tiles under one scheme. The simulator and
 * the cost model both read it, so the tiling, slicing and periphery they see are the same.
 */
import type { HardwareConfig } from '../crossbar/hardware.js';
import type { MappedMatrix } from '../crossbar/mapping.js';
import type { DeviceModel } from '../device/model.js';
import type { TilePlan } from '../crossbar/tiling.js';
import type { Layer } from '../nn/layer.js';
import type { Primitive } from '../nn/darts/genotype.js';
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
  /**
   * Columns left out because all their weights are zero (`hardware.dropZeroColumns`): the stage maps
   * N = kept.length columns; output j of the layer's `outputs` is column kept.indexOf(j), or `fill[j]`
   * (the bias, supplied digitally) where j was dropped.
   */
  columnMap?: { outputs: number; kept: Int32Array; fill: Float32Array };
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
  /** The device of this stage's cells when it differs from the hardware's (`hardware.layers`); see `stageHardware`. */
  device?: DeviceModel;
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

/**
 * DARTS' factorized reduce on crossbars: a digital ReLU, then two 1x1 stride-2 convolutions on their
 * own tiles, `conv1` on x and `conv2` on x shifted by one pixel (x[1:, 1:]); their outputs are
 * concatenated along channels (wiring). The batch norm after the concatenation is folded into both
 * halves, each taking its own channels' statistics.
 */
export interface FactorizedReduceStage {
  kind: 'factorized-reduce';
  name: string;
  layerType: string;
  relu: DigitalStage;
  conv1: AnalogStage;
  conv2: AnalogStage;
  inputShape: number[];
  outputShape: number[];
}

/** One operation on one edge of a DARTS cell: state `from` -> node `to`. */
export interface DartsEdgeStage {
  from: number;
  to: number;
  primitive: Primitive;
  name: string;
  /** The operation's stages in dataflow order (leaf stages: analog, digital, factorized-reduce). */
  stages: Stage[];
  /** Runs and feeds its node; false: deployed but switched off (hypernetwork). */
  active: boolean;
}

/**
 * The switch matrix of one hypernetwork edge: a transmission gate per primitive per output line
 * (channel x code bit) connecting the selected primitive's output to the node's adder.
 */
export interface SwitchMatrixStage {
  kind: 'switch-matrix';
  name: string;
  from: number;
  to: number;
  /** The primitives it selects among ('none' = the edge is off). */
  inputs: Primitive[];
  selected: Primitive;
  /** Channel lines of the edge's output. */
  channels: number;
  /** Wires per channel line (activation code bits). */
  bitsPerLine: number;
  /** Output elements per inference through the selected path ([h, w, C]). */
  outputShape: number[];
}

/** A DARTS cell: preprocessing of s0 and s1, operations on edges, node sums, concatenation. */
export interface DartsCellStage {
  name: string;
  reduction: boolean;
  steps: number;
  s0Shape: number[];
  s1Shape: number[];
  nodeShape: number[];
  outputShape: number[];
  pre0: Stage[];
  pre1: Stage[];
  edges: DartsEdgeStage[];
  /** States concatenated into the output. */
  concat: number[];
  /** Hypernetwork: one switch matrix per edge (from, to). */
  switches?: SwitchMatrixStage[];
}

/**
 * The body of a DARTS network: cells run by the two-state recurrence s0, s1 <- s1, cell(s0, s1)
 * from s0 = s1 = the input; node j = the sum of its active edges; the cell output concatenates nodes.
 * ReLU, pooling, identity, zero, subsampling, sums and concatenation run in the digital periphery.
 */
export interface DartsBodyStage {
  kind: 'darts-body';
  name: string;
  layerType: string;
  inputShape: number[];
  outputShape: number[];
  cells: DartsCellStage[];
  /** 'individual': one genotype's operations; 'hypernetwork': every primitive on every edge, with switches. */
  form: 'individual' | 'hypernetwork';
  /**
   * Hypernetwork: the primitives of an edge share one set of periphery (DAC, ADC, sample-and-hold,
   * shift-add, digital ALU lanes) through the switch matrix, sized for the largest (docs/hypernetwork.md).
   */
  sharedPeriphery?: boolean;
}

export type Stage = AnalogStage | DigitalStage | RecurrentStage | AnalogUnitStage | FactorizedReduceStage | DartsBodyStage;

/** Where a leaf stage sits: inside a DARTS edge (with its activity) or not. */
export interface LeafStage {
  stage: AnalogStage | DigitalStage | AnalogUnitStage | RecurrentStage;
  /** False when the leaf belongs to a switched-off hypernetwork operation. */
  active: boolean;
  /** The DARTS cell it belongs to, if any. */
  cell?: string;
}

export interface Deployment {
  scheme: string;
  hardware: HardwareConfig;
  modelName: string;
  inputShape: number[];
  numClasses: number;
  stages: Stage[];
  /**
   * The calibration inputs kept for recalibrating converter ranges after the switches change
   * (hypernetwork scheme only).
   */
  calibrationInputs?: { x: Float32Array; shape: number[] };
}

/**
 * Every leaf stage in execution order, walking into DARTS bodies (preprocessing, then each edge's
 * operation) and factorized reduces (ReLU, conv1, conv2). Recurrent stages stay whole.
 */
export function allStages(d: Deployment | Stage[]): LeafStage[] {
  const out: LeafStage[] = [];
  const walk = (stages: Stage[], active: boolean, cell?: string): void => {
    for (const s of stages) {
      if (s.kind === 'factorized-reduce') {
        for (const leaf of [s.relu, s.conv1, s.conv2]) out.push({ stage: leaf, active, ...(cell ? { cell } : {}) });
      } else if (s.kind === 'darts-body') {
        for (const c of s.cells) {
          walk(c.pre0, active, c.name);
          walk(c.pre1, active, c.name);
          for (const e of c.edges) walk(e.stages, active && e.active, c.name);
        }
      } else {
        out.push({ stage: s, active, ...(cell ? { cell } : {}) });
      }
    }
  };
  walk(Array.isArray(d) ? d : d.stages, true);
  return out;
}

/** Every set of tiles, in order: analog stages (also inside DARTS bodies) and the sub-stages of recurrent stages. */
export function analogStages(d: Deployment | Stage[]): AnalogStage[] {
  return allStages(d).flatMap(({ stage: s }) => (s.kind === 'analog' ? [s] : s.kind === 'recurrent' ? [s.input, ...s.recurrent] : []));
}

/** The DARTS bodies of a deployment (empty for other networks). */
export function dartsBodies(d: Deployment): DartsBodyStage[] {
  return d.stages.filter((s): s is DartsBodyStage => s.kind === 'darts-body');
}
