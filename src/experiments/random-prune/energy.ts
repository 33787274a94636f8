/**
 * Energy per inference and programming cost of a network on differential-pair crossbars, for the
 * random-pruning experiment (docs/random-prune.md states every assumption).
 *
 * Inference, per sample (one analog MVM per input vector of each weight tensor):
 * - cells: sum over vectors and rows i of V_read^2 u_i^2 t_read sum_j (G+_ij + G-_ij), u_i = |x_i| /
 *   max |x| (the DAC full scale is the tensor's range, as the per-tensor min-max activation
 *   quantiser), G the conductances as deployed (pruned pairs at their reset reads); V_read and t_read
 *   from the device preset (NeuroSim V1.3 0.5 V, 10 ns);
 * - DAC: one conversion per row per vector at `dacBits` (default the activation bits);
 * - ADC: one conversion per column per vector, two columns per weight column (cell A and cell B sit
 *   in separate columns, as the paper's macro; the difference is taken after the ADC), `adcBits`
 *   (default 8; the paper's lab setup has a 14-bit ADC);
 * - digital: per weight-layer output the pair subtraction and the output scale (2 ops); per
 *   activation element batch norm 2, ReLU 1, quantiser 2, max-pool (window - 1) compares, time mean 1.
 *   Component energies from `src/cost/components.ts` (ISAAC / MNSIM / Horowitz figures).
 * Buffers and interconnect are not counted (they are the same for every network compared here).
 *
 * Programming (`ProgrammingAssumptions`): a pulse on a cell costs V^2 G t with G the conductance the
 * cell ends at (SET, forming) or starts from (RESET); a verify read V_read^2 G t_read.
 */
import { Rng, tf } from '../../engine/index.js';
import { type ComponentLibrary, adcEnergy, dacEnergy, defaultComponents } from '../../cost/components.js';
import { UserError } from '../../errors.js';
import type { DeviceModel } from '../../device/index.js';
import type { Layer, Sequential } from '../../nn/index.js';

/** Conductances (S) of one weight tensor as deployed: the pair's two cells per weight. */
export interface AnalogTensor {
  layer: string;
  param: string;
  gPlus: Float32Array;
  gMinus: Float32Array;
}

export interface InferenceEnergyOptions {
  device: DeviceModel;
  dacBits: number;
  /** Default 8. */
  adcBits?: number;
  components?: ComponentLibrary;
}

export interface InferenceEnergy {
  /** Joules per sample. */
  cells: number;
  dac: number;
  adc: number;
  digital: number;
  total: number;
  /** Operation counts per sample. */
  counts: { dac: number; adc: number; digital: number; cellReads: number };
}

function rowSums(gPlus: Float32Array, gMinus: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += gPlus[i * cols + j] + gMinus[i * cols + j];
    out[i] = s;
  }
  return out;
}

/** sum u^2 over every element, u = |x| / max |x|. */
function squaredUnits(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const m = tf.max(tf.abs(x)).dataSync()[0];
    return m > 0 ? tf.square(tf.div(x, m)) : tf.zerosLike(x);
  });
}

interface Tally {
  cellSum: number; // sum of u^2 G over vectors (S), times V^2 t later
  dac: number;
  adc: number;
  digital: number;
  cellReads: number;
}

function digitalOps(layer: Layer, input: tf.Tensor, output: tf.Tensor): number {
  const outSize = output.size;
  switch (layer.type) {
    case 'BatchNorm':
    case 'QuantizeActivation':
      return 2 * outSize;
    case 'ReLU':
      return outSize;
    case 'MaxPool': {
      const pool = (layer as unknown as { poolSize: [number, number] }).poolSize;
      return (pool[0] * pool[1] - 1) * outSize;
    }
    case 'MeanOverTime':
      return input.size;
    case 'Flatten':
    case 'ReshapeTo':
      return 0;
    default:
      return outSize;
  }
}

/**
 * Energy per sample of `model` on the batch `x` (mean over its samples), with the analog tensors'
 * conductances. Weight layers: Dense, Conv2d, SimpleRNN (returnSequences) only.
 */
export function inferenceEnergy(model: Sequential, x: tf.Tensor, analog: AnalogTensor[], opts: InferenceEnergyOptions): InferenceEnergy {
  const lib = opts.components ?? defaultComponents();
  const adcBits = opts.adcBits ?? 8;
  const ctx = { training: false, rng: new Rng(0) };
  const byKey = new Map(analog.map((a) => [`${a.layer}/${a.param}`, a]));
  const t: Tally = { cellSum: 0, dac: 0, adc: 0, digital: 0, cellReads: 0 };
  const batch = x.shape[0];
  let h = x;
  for (const layer of model.layers) {
    const next = tf.tidy(() => layer.forward(h, ctx));
    const tensors = layer.ownParameters().filter((p) => p.role === 'weight');
    if (tensors.length === 0) {
      t.digital += digitalOps(layer, h, next);
    } else {
      for (const p of tensors) {
        const a = byKey.get(`${layer.name}/${p.name}`);
        if (!a) throw new UserError(`energy: no conductances for ${layer.name}/${p.name}`, 'give an AnalogTensor for every weight tensor');
        tally(t, layer, p.name, p.variable.shape, a, h, next);
      }
    }
    if (h !== x) h.dispose();
    h = next;
  }
  if (h !== x) h.dispose();
  const v = opts.device.readVoltage;
  const cells = (v * v * opts.device.readPulseWidth * t.cellSum) / batch;
  const dac = (t.dac * dacEnergy(lib, opts.dacBits)) / batch;
  const adc = (t.adc * adcEnergy(lib, adcBits)) / batch;
  const digital = (t.digital * lib.digital.energy) / batch;
  return {
    cells,
    dac,
    adc,
    digital,
    total: cells + dac + adc + digital,
    counts: { dac: t.dac / batch, adc: t.adc / batch, digital: t.digital / batch, cellReads: t.cellReads / batch },
  };
}

function tally(t: Tally, layer: Layer, param: string, shape: number[], a: AnalogTensor, input: tf.Tensor, output: tf.Tensor): void {
  const size = shape.reduce((p, q) => p * q, 1);
  const cols = shape[shape.length - 1];
  const rows = size / cols;
  if (a.gPlus.length !== size || a.gMinus.length !== size) {
    throw new UserError(`energy: ${a.layer}/${a.param} has ${a.gPlus.length} conductances for ${size} weights`, 'give one pair per weight');
  }
  const rowG = rowSums(a.gPlus, a.gMinus, rows, cols);
  let vectors: number;
  let cellSum: number;
  if (layer.type === 'Dense') {
    vectors = input.size / rows;
    cellSum = tf.tidy(() => tf.sum(tf.mul(tf.reshape(squaredUnits(input), [-1, rows]), tf.tensor1d(rowG))).dataSync()[0]);
  } else if (layer.type === 'Conv2d') {
    const conv = layer as unknown as { stride: [number, number]; padding: 'same' | 'valid'; dilation: [number, number] };
    vectors = output.size / cols;
    cellSum = tf.tidy(() => {
      const k = tf.tensor4d(rowG, [shape[0], shape[1], shape[2], 1]);
      return tf.sum(tf.conv2d(squaredUnits(input) as tf.Tensor4D, k, conv.stride, conv.padding, 'NHWC', conv.dilation)).dataSync()[0];
    });
  } else if (layer.type === 'SimpleRNN') {
    if (!(layer as unknown as { returnSequences: boolean }).returnSequences) {
      throw new UserError(`energy: SimpleRNN '${layer.name}' must return sequences`, 'build it with returnSequences: true');
    }
    const src = param === 'kernel' ? input : tf.slice(output, [0, 0, 0], [-1, (output.shape[1] ?? 1) - 1, -1]);
    vectors = src.size / rows;
    cellSum = tf.tidy(() => tf.sum(tf.mul(tf.reshape(squaredUnits(src), [-1, rows]), tf.tensor1d(rowG))).dataSync()[0]);
    if (src !== input) src.dispose();
  } else {
    throw new UserError(`energy: layer type '${layer.type}' (${layer.name}) is not supported`, 'use Dense, Conv2d or SimpleRNN weight layers');
  }
  t.cellSum += cellSum;
  t.dac += rows * vectors;
  t.adc += 2 * cols * vectors;
  t.digital += 2 * cols * vectors;
  t.cellReads += 2 * size * vectors;
}

/** Programming pulses and their conditions (docs/random-prune.md). */
export interface ProgrammingAssumptions {
  /** SET / RESET / write-verify pulse amplitude (V); default 2 V, DNN_NeuroSim V1.3 Param.cpp writeVoltage. */
  writeVoltage: number;
  /** Pulse width (s); default 50 ns, the closed-loop programming pulses of Yao et al., Nature 2020. */
  writePulseWidth: number;
  /** Forming pulse amplitude (V); default 3 V, the start of the same group's forming sweep (ESN, Nat. Mach. Intell. 2023). */
  formingVoltage: number;
  /** Forming pulse width (s); ASSUMPTION: default 50 ns, as a write pulse. */
  formingPulseWidth: number;
  /** Write-verify: pulse + verify-read cycles per cell; ASSUMPTION: default 10 (no stored source gives a mean). */
  writeVerifyPulses: number;
  /** Verify read conditions: the device's read voltage and pulse width. */
  readVoltage: number;
  readPulseWidth: number;
}

export function defaultProgrammingAssumptions(device: DeviceModel): ProgrammingAssumptions {
  return {
    writeVoltage: 2,
    writePulseWidth: 50e-9,
    formingVoltage: 3,
    formingPulseWidth: 50e-9,
    writeVerifyPulses: 10,
    readVoltage: device.readVoltage,
    readPulseWidth: device.readPulseWidth,
  };
}

export interface ProgrammingCost {
  /** Joules. */
  energy: number;
  /** Seconds (pulses in sequence; forming one array row per pulse). */
  time: number;
  /** Program pulses (forming, SET, RESET, write-verify pulses), not counting verify reads. */
  pulses: number;
  /** Cells touched at least once. */
  cells: number;
}

export function addCosts(...costs: ProgrammingCost[]): ProgrammingCost {
  return costs.reduce((a, c) => ({ energy: a.energy + c.energy, time: a.time + c.time, pulses: a.pulses + c.pulses, cells: a.cells + c.cells }), { energy: 0, time: 0, pulses: 0, cells: 0 });
}

/** One-shot forming of both cells of every pair of a tensor of `rows` rows (row-parallel: one pulse per row). */
export function formingCost(gA: Float32Array, gB: Float32Array, rows: number, a: ProgrammingAssumptions): ProgrammingCost {
  let g = 0;
  for (let i = 0; i < gA.length; i++) g += gA[i] + gB[i];
  return {
    energy: a.formingVoltage ** 2 * a.formingPulseWidth * g,
    time: rows * a.formingPulseWidth,
    pulses: 2 * gA.length,
    cells: 2 * gA.length,
  };
}

/** `ops` single-cell SET/RESET pulses on cells of mean conductance `meanG` (one cell per pulse). */
export function pulseCost(ops: number, meanG: number, a: ProgrammingAssumptions): ProgrammingCost {
  return { energy: ops * a.writeVoltage ** 2 * a.writePulseWidth * meanG, time: ops * a.writePulseWidth, pulses: ops, cells: 0 };
}

/** Write-verify of every cell of the pairs, one cell at a time, `writeVerifyPulses` pulse + verify cycles each. */
export function writeVerifyCost(gPlus: Float32Array, gMinus: Float32Array, a: ProgrammingAssumptions): ProgrammingCost {
  let g = 0;
  for (let i = 0; i < gPlus.length; i++) g += gPlus[i] + gMinus[i];
  const n = 2 * gPlus.length;
  const k = a.writeVerifyPulses;
  return {
    energy: k * (a.writeVoltage ** 2 * a.writePulseWidth + a.readVoltage ** 2 * a.readPulseWidth) * g,
    time: n * k * (a.writePulseWidth + a.readPulseWidth),
    pulses: n * k,
    cells: n,
  };
}
