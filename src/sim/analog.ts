/**
 * Runs one analog stage: DAC -> crossbar MVM per row block and bit slice (with per-read noise in
 * its exact output-referred form) -> ADC -> digital shift-add of slices and partial sums -> bias.
 *
 * Per-read noise: every cell's conductance is read as G + sigma * n with fresh n for every input
 * vector. The column current then carries sum_i V_i sigma_i n_i, a Gaussian of variance
 * sum_i V_i^2 sigma_i^2 that is independent across columns; drawing one normal per output with that
 * variance is the same distribution as one draw per cell, at the cost of one extra MVM (V^2 by
 * sigma^2) instead of a draw per cell per vector. A reference column's noise is common to all the
 * columns of its tile, so it is drawn once per tile and shared.
 */
import { tf } from '../engine/index.js';
import type { Rng } from '../engine/rng.js';
import { lsb, quantize, quantizeCounting } from '../crossbar/converters.js';
import type { HardwareConfig } from '../crossbar/hardware.js';
import type { ProgrammedMatrix } from '../crossbar/array.js';
import type { AnalogStage, MvmGeometry } from '../deploy/deployment.js';

export interface ActivityCounters {
  /** Input vectors applied to the crossbars (one per dense inference, one per conv output position). */
  mvmVectors: number;
  /** Tile activations (one tile read per input vector per tile, per input bit plane). */
  tileReads: number;
  dacConversions: number;
  adcConversions: number;
  adcClipped: number;
  /** Digital additions combining slices, bit planes and row-block partial sums. */
  shiftAdds: number;
  /** Digital element operations of digital stages (activations, pooling, batch norm). */
  digitalOps: number;
  /** Transimpedance conversions: column outputs handed on in analog (IDM). */
  tiaConversions: number;
  /** Element operations of analog units (IDM activations and pooling). */
  analogOps: number;
  /** Bytes moved through buffers between stages (converter codes, rounded up to whole bytes). */
  bufferBytes: number;
  /** Energy dissipated in the array cells while reading, sum of V^2 G t_read over cells and reads (J). */
  cellEnergy: number;
}

/** Activity per stage, keyed by stage name. */
export type StageCounters = Record<string, ActivityCounters>;

export function emptyCounters(): ActivityCounters {
  return {
    mvmVectors: 0, tileReads: 0, dacConversions: 0, adcConversions: 0, adcClipped: 0, shiftAdds: 0, digitalOps: 0,
    tiaConversions: 0, analogOps: 0, bufferBytes: 0, cellEnergy: 0,
  };
}

export function addCounters(a: ActivityCounters, b: ActivityCounters): ActivityCounters {
  const out = { ...a };
  for (const k of Object.keys(b) as (keyof ActivityCounters)[]) out[k] += b[k];
  return out;
}

/** A block of conductances laid out for the stage's geometry, with the input channels it reads (conv). */
interface Operand {
  tensor: tf.Tensor;
  /** Input channels [c0, c1) the block's rows belong to (conv), or undefined (dense: rows r0..r1). */
  channels?: [number, number];
}

/** Multiplies an input (volts) by a conductance operand. */
function mvm(geometry: MvmGeometry, v: tf.Tensor, op: Operand, r0: number, r1: number): tf.Tensor {
  if (geometry.kind === 'dense') {
    const x = v.shape[1] === r1 - r0 ? v : tf.slice(v, [0, r0], [-1, r1 - r0]);
    return tf.matMul(x as tf.Tensor2D, op.tensor as tf.Tensor2D);
  }
  const [c0, c1] = op.channels!;
  const cin = v.shape[3]!;
  const x = c0 === 0 && c1 === cin ? v : tf.slice(v, [0, 0, 0, c0], [-1, -1, -1, c1 - c0]);
  return tf.conv2d(x as tf.Tensor4D, op.tensor as tf.Tensor4D, geometry.stride, geometry.padding, 'NHWC', geometry.dilation);
}

/**
 * Rows r0..r1 of a [K, cols] matrix (rows in the geometry's order) as an operand. A convolution
 * block of whole input channels becomes a kernel over those channels; a block that cuts through a
 * channel (a kernel larger than the tile) becomes a full kernel with zeros outside the block.
 */
function operand(geometry: MvmGeometry, block: Float32Array, K: number, cols: number, r0: number, r1: number): Operand {
  if (geometry.kind === 'dense') return { tensor: tf.tensor2d(block, [r1 - r0, cols]) };
  const [kh, kw, cin] = geometry.kernel;
  const unit = kh * kw;
  const aligned = r0 % unit === 0 && r1 % unit === 0;
  const [c0, c1] = aligned ? [r0 / unit, r1 / unit] : [0, cin];
  let rows = block;
  if (!aligned) {
    rows = new Float32Array(K * cols);
    rows.set(block, r0 * cols);
  }
  const tensor = tf.tidy(() => tf.transpose(tf.tensor4d(rows, [c1 - c0, kh, kw, cols]), [1, 2, 0, 3]));
  return { tensor, channels: [c0, c1] };
}

interface BlockOperands {
  r0: number;
  r1: number;
  diff: Operand[];
  variance: (Operand | undefined)[];
  refVariance: (Operand | undefined)[];
  /** Total conductance per row, as a one-column operand (read energy). */
  rowConductance: Operand;
}

export interface RunnerOptions {
  /** Which converters quantise: 'all' (DAC and ADC), 'dac' only (calibrating the ADC), or 'none' (ideal). */
  converters: 'all' | 'dac' | 'none';
  /** Draw per-read noise (needs `rng`). */
  readNoise: boolean;
  rng?: Rng;
  /** Record |current| samples per row block and slice (calibration). */
  recordCurrents?: boolean;
  /** Record input statistics (calibration of the DAC range). */
  recordInputs?: boolean;
  /** Treat cells as linear whatever the device's I-V curve (calibration's ideal pass). */
  linearCells?: boolean;
}

/** Input statistics gathered while calibrating. */
export interface InputRecord {
  chunks: Float32Array[];
  min: number;
}

export class AnalogStageRunner {
  private readonly blocks: BlockOperands[];
  private readonly colBlockIndex: tf.Tensor1D | undefined;
  private readonly bias: tf.Tensor | undefined;
  private readonly sense: { threshold: tf.Tensor; direction: tf.Tensor } | undefined;
  /** Calibration: current samples per [block][slice]. */
  readonly currents: Float32Array[][][] = [];
  /** Calibration: input samples seen. */
  readonly inputs: InputRecord = { chunks: [], min: Infinity };
  /** Calibration: largest |output| seen. */
  outputMax = 0;

  constructor(
    private readonly stage: AnalogStage,
    private readonly hw: HardwareConfig,
    conductances: ProgrammedMatrix,
    private readonly opts: RunnerOptions,
  ) {
    const { geometry, K, N } = stage;
    const nCB = stage.plan.colBlocks.length;
    this.blocks = conductances.blocks.map((b) => ({
      r0: b.rowStart,
      r1: b.rowEnd,
      diff: b.diff.map((d) => operand(geometry, d, K, N, b.rowStart, b.rowEnd)),
      variance: b.variance.map((v) => (v && opts.readNoise ? operand(geometry, v, K, N, b.rowStart, b.rowEnd) : undefined)),
      refVariance: b.refVariance.map((v) => (v && opts.readNoise ? operand(geometry, v, K, nCB, b.rowStart, b.rowEnd) : undefined)),
      rowConductance: operand(geometry, b.rowConductance, K, 1, b.rowStart, b.rowEnd),
    }));
    this.colBlockIndex = nCB > 1 ? tf.tensor1d(conductances.colBlockOfOutput, 'int32') : undefined;
    this.bias = stage.bias ? tf.tensor1d(stage.bias) : undefined;
    this.sense = stage.senseAmp
      ? { threshold: tf.tensor1d(stage.senseAmp.threshold), direction: tf.tensor1d(stage.senseAmp.direction) }
      : undefined;
    for (let b = 0; b < this.blocks.length; b++) this.currents.push(this.blocks[b].diff.map(() => []));
  }

  /** Input bit planes (bit-serial DAC) or one amplitude-coded plane, each with its digital weight. */
  private inputPlanes(x: tf.Tensor): { v: tf.Tensor; weight: number }[] {
    const { xMax, signedInput } = this.stage.calibration;
    const { dac, device } = this.hw;
    const vRead = device.readVoltage;
    const noDac = this.opts.converters === 'none' || !this.stage.dacAtInput;
    const bits = this.stage.inputBits ?? dac.bits;
    if (noDac || dac.mode === 'amplitude' || bits === 1) {
      const xq = noDac ? x : quantize(x, bits, xMax, signedInput);
      return [{ v: tf.mul(xq, vRead / xMax), weight: xMax / vRead }];
    }
    // bit-serial: integer codes, two's complement when signed; plane k is a 0/V pulse of weight 2^k
    const step = lsb(dac.bits, xMax, signedInput);
    const codes = tf.round(tf.div(quantize(x, dac.bits, xMax, signedInput), step));
    const unsignedCodes = signedInput ? tf.where(tf.less(codes, 0), tf.add(codes, 2 ** dac.bits), codes) : codes;
    const planes: { v: tf.Tensor; weight: number }[] = [];
    for (let k = 0; k < dac.bits; k++) {
      const bit = tf.mod(tf.floor(tf.div(unsignedCodes, 2 ** k)), 2);
      const w = signedInput && k === dac.bits - 1 ? -(2 ** k) : 2 ** k;
      planes.push({ v: tf.mul(bit, vRead), weight: (w * step) / vRead });
    }
    return planes;
  }

  /** Standard normals from the chip's stream (ziggurat: several times faster than tf.randomNormal). */
  private normals(shape: number[], rng: Rng): tf.Tensor {
    const size = shape.reduce((a, b) => a * b, 1);
    return tf.tensor(rng.fillNormal(new Float32Array(size)), shape);
  }

  /** Cell I-V: a sinh device passes G v0 sinh(V / v0) instead of G V. */
  private cellDrive(v: tf.Tensor): tf.Tensor {
    const iv = this.hw.device.iv;
    return iv.kind === 'linear' || this.opts.linearCells ? v : tf.mul(tf.sinh(tf.div(v, iv.v0)), iv.v0);
  }

  forward(input: tf.Tensor, counters?: ActivityCounters): tf.Tensor {
    const { stage, hw, opts } = this;
    // +-1 inputs applied as 0 / V (bnn): x' = (x + 1) / 2
    const x = stage.inputTransform === 'unipolar' ? tf.tidy(() => tf.div(tf.add(input, 1), 2)) : input;
    const slices = stage.mapped.slices;
    const wps = stage.mapped.weightPerSiemens;
    const clippedCounts: tf.Scalar[] = [];
    const energies: tf.Scalar[] = [];
    if (opts.recordInputs) {
      const v = x.dataSync() as Float32Array;
      this.inputs.chunks.push(v.slice());
      for (let i = 0; i < v.length; i++) if (v[i] < this.inputs.min) this.inputs.min = v[i];
    }
    const y = tf.tidy(() => {
      const planes = this.inputPlanes(x);
      let acc: tf.Tensor | undefined;
      for (const plane of planes) {
        const drive = this.cellDrive(plane.v);
        const drive2 = opts.readNoise ? tf.square(drive) : undefined;
        // power in a cell is V I = V * (G * drive): summed over a row's cells it is V * drive * (row
        // conductance). The MVM is linear, so the batch is summed first: one vector (or image) per plane.
        const power = counters ? tf.sum(tf.mul(plane.v, drive), 0, true) : undefined;
        for (let b = 0; b < this.blocks.length; b++) {
          const blk = this.blocks[b];
          if (power) energies.push(tf.keep(tf.sum(mvm(stage.geometry, power, blk.rowConductance, blk.r0, blk.r1))));
          for (let s = 0; s < slices; s++) {
            let current = mvm(stage.geometry, drive, blk.diff[s], blk.r0, blk.r1);
            const variance = blk.variance[s];
            if (drive2 && variance && opts.rng) {
              const sd = tf.sqrt(mvm(stage.geometry, drive2, variance, blk.r0, blk.r1));
              current = tf.add(current, tf.mul(sd, this.normals(sd.shape, opts.rng)));
            }
            const refVariance = blk.refVariance[s];
            if (drive2 && refVariance && opts.rng) {
              const sd = tf.sqrt(mvm(stage.geometry, drive2, refVariance, blk.r0, blk.r1));
              let n = tf.mul(sd, this.normals(sd.shape, opts.rng));
              n = this.colBlockIndex ? tf.gather(n, this.colBlockIndex, n.rank - 1) : n;
              current = tf.add(current, n);
            }
            if (opts.recordCurrents) this.currents[b][s].push(tf.abs(current).dataSync() as Float32Array);
            if (opts.converters === 'all' && stage.adcAtOutput) {
              const fs = stage.calibration.adcFullScale[b][s];
              if (counters) {
                const { q, clipped } = quantizeCounting(current, hw.adc.bits, fs, true);
                clippedCounts.push(tf.keep(clipped));
                current = q;
              } else {
                current = quantize(current, hw.adc.bits, fs, true);
              }
            }
            const part = tf.mul(current, plane.weight * wps[s]);
            acc = acc ? tf.add(acc, part) : part;
          }
        }
      }
      const out = this.bias ? tf.add(acc!, this.bias) : acc!;
      // a sense amplifier per column decides +-1 (batch norm and sign folded into its threshold)
      if (this.sense) {
        const margin = tf.mul(tf.sub(out, this.sense.threshold), this.sense.direction);
        return tf.where(tf.greaterEqual(margin, 0), tf.onesLike(margin), tf.onesLike(margin).neg());
      }
      // an amplifier hands the output on in analog: its noise, then its rail
      const tia = stage.tia;
      if (tia && !tia.merged && opts.converters === 'all' && opts.rng) {
        const noisy = tia.noise > 0 ? tf.add(out, tf.mul(this.normals(out.shape, opts.rng), tia.noise)) : out;
        return tf.clipByValue(noisy, -tia.fullScale, tia.fullScale);
      }
      return out;
    });
    if (counters) {
      const vectors = y.size / stage.N; // one input vector per output row (per position for a conv)
      const planes = opts.converters !== 'none' && stage.dacAtInput && hw.dac.mode === 'bit-serial' && (stage.inputBits ?? 2) > 1 ? hw.dac.bits : 1;
      const blocks = this.blocks.length;
      const nCB = stage.plan.colBlocks.length;
      counters.mvmVectors += vectors;
      counters.tileReads += vectors * stage.plan.tiles * planes;
      // every tile of a row block has its own row drivers; bit-serial drives 1-bit pulses per plane
      if (stage.dacAtInput) counters.dacConversions += vectors * stage.K * nCB * planes;
      if (stage.adcAtOutput) {
        counters.adcConversions += vectors * stage.N * slices * blocks * planes;
        counters.shiftAdds += vectors * stage.N * Math.max(0, slices * blocks * planes - 1);
      } else if (stage.senseAmp) {
        // row blocks' currents join before one sense amplifier per column: a 1-bit conversion
        counters.adcConversions += vectors * stage.N;
      } else if (stage.tia && !stage.tia.merged) {
        // row blocks' currents join before one amplifier per output column
        counters.tiaConversions += vectors * stage.N;
      }
      // one sync for all of this batch's counts
      if (clippedCounts.length > 0) counters.adcClipped += tf.tidy(() => tf.addN(clippedCounts).dataSync()[0]);
      if (energies.length > 0) counters.cellEnergy += tf.tidy(() => tf.addN(energies).dataSync()[0]) * hw.device.readPulseWidth;
      // each input activation is written to and read from the buffer once (line buffers give a
      // convolution's overlapping windows their reuse), each converted output once
      // (analog inputs and outputs of a cascade are never buffered)
      const inBytes = Math.ceil((stage.inputBits ?? hw.dac.bits) / 8);
      const outBytes = stage.senseAmp ? 1 / 8 : stage.adcAtOutput ? Math.ceil(hw.adc.bits / 8) : 0;
      counters.bufferBytes += (stage.dacAtInput ? x.size * inBytes : 0) + y.size * outBytes;
    }
    for (const t of [...clippedCounts, ...energies]) t.dispose();
    if (x !== input) x.dispose();
    if (opts.recordInputs) this.outputMax = Math.max(this.outputMax, tf.tidy(() => tf.max(tf.abs(y)).dataSync()[0]));
    return y;
  }

  dispose(): void {
    for (const b of this.blocks) {
      for (const t of [...b.diff, ...b.variance, ...b.refVariance, b.rowConductance]) t?.tensor.dispose();
    }
    this.colBlockIndex?.dispose();
    this.bias?.dispose();
    this.sense?.threshold.dispose();
    this.sense?.direction.dispose();
  }
}
