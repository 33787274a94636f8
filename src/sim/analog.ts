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
import { convertColumns, lsb, quantize } from '../crossbar/converters.js';
import { type HardwareConfig, stageHardware } from '../crossbar/hardware.js';
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

/** The parts of tfjs-backend-wasm's BackendWasm that reading a tensor in place uses. */
interface WasmHeap {
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}

/**
 * A float32 tensor's values to read in JS: on the wasm backend a view of its heap memory (no copy;
 * valid until the next tensor allocation may grow the memory), elsewhere `dataSync()`.
 */
function hostValues(t: tf.Tensor): Float32Array {
  if (tf.getBackend() === 'wasm') return (tf.backend() as unknown as WasmHeap).typedArrayFromHeap(t);
  return t.dataSync() as Float32Array;
}

/** A block of conductances laid out for the stage's geometry, with the input channels it reads (conv). */
interface Operand {
  tensor: tf.Tensor;
  /** Input channels [c0, c1) the block's rows belong to (conv), or undefined (dense: rows r0..r1). */
  channels?: [number, number];
}

/**
 * Channels [c0, c1) of the last axis, copied in JS over the wasm heap (tfjs-backend-wasm 4.22's
 * strided slice is a generic JS loop several times slower).
 */
function sliceLastAxis(v: tf.Tensor, c0: number, c1: number): tf.Tensor {
  const cin = v.shape[v.rank - 1]!;
  const w = c1 - c0;
  const pixels = v.size / cin;
  const shape = [...v.shape.slice(0, -1), w];
  // on wasm the slice is written straight into a backend tensor (no JS array to copy in and collect)
  const target = tf.getBackend() === 'wasm' ? tf.fill(shape, 0) : undefined;
  const out = target ? hostValues(target) : new Float32Array(pixels * w);
  const src = hostValues(v);
  if (w >= 32) {
    // long runs (dense row blocks): one block copy per row
    for (let p = 0; p < pixels; p++) out.set(src.subarray(p * cin + c0, p * cin + c1), p * w);
  } else {
    for (let p = 0, o = 0, i = c0; p < pixels; p++, i += cin - w) {
      for (let c = 0; c < w; c++) out[o++] = src[i++]!;
    }
  }
  return target ?? tf.tensor(out, shape);
}

/** Fills outputs laid out [..., columns] with a per-column bias (or zeros): the accumulator's start. */
function startWith(out: Float32Array, bias: Float32Array | undefined): void {
  if (!bias) {
    out.fill(0);
    return;
  }
  if (bias.length === 0 || out.length % bias.length !== 0) throw new Error(`bias of ${bias.length} for ${out.length} outputs`);
  // tile the pattern by doubling copies (memcpy speed)
  out.set(bias, 0);
  for (let filled = bias.length; filled < out.length; filled *= 2) out.copyWithin(filled, 0, Math.min(filled, out.length - filled));
}

/**
 * Per-column conductance scales (`MappedMatrix.columnScale`): acc[..., j] = acc[..., j] * scale[j]
 * + bias[j], the digital gain after the ADC that undoes each column's stretch to the full range.
 */
function rescaleColumns(acc: Float32Array, scale: Float32Array, bias: Float32Array | undefined): void {
  const n = scale.length;
  if (acc.length % n !== 0) throw new Error(`column scales of ${n} for ${acc.length} outputs`);
  for (let e = 0, j = 0; e < acc.length; e++) {
    acc[e] = acc[e]! * scale[j]! + (bias ? bias[j]! : 0);
    if (++j === n) j = 0;
  }
}

/** The part of an input (volts) a block's operand reads: its rows (dense) or its input channels (conv). */
function blockInput(geometry: MvmGeometry, v: tf.Tensor, op: Operand, r0: number, r1: number): tf.Tensor {
  const [c0, c1] = geometry.kind === 'dense' ? [r0, r1] : op.channels!;
  return c0 === 0 && c1 === v.shape[v.rank - 1] ? v : sliceLastAxis(v, c0, c1);
}

/** Multiplies a block's input (from `blockInput`) by a conductance operand. */
function mvm(geometry: MvmGeometry, x: tf.Tensor, op: Operand): tf.Tensor {
  if (geometry.kind === 'dense') return tf.matMul(x as tf.Tensor2D, op.tensor as tf.Tensor2D);
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
  /** Column block (tile) of each output column: which reference column it shares. */
  private readonly colBlockOf: Int32Array;
  /** Dropped zero columns (`stage.columnMap`): gather indices into [mapped columns, 0] and the fill. */
  private readonly columnMap: { index: tf.Tensor1D; fill: tf.Tensor1D } | undefined;
  private readonly sense: { threshold: tf.Tensor; direction: tf.Tensor } | undefined;
  /** Calibration: current samples per [block][slice]. */
  readonly currents: Float32Array[][][] = [];
  /** Calibration: input samples seen. */
  readonly inputs: InputRecord = { chunks: [], min: Infinity };
  /** Calibration: largest |output| seen. */
  outputMax = 0;

  /** The stage's hardware: its own device where `hardware.layers` gives it one. */
  private readonly hw: HardwareConfig;

  constructor(
    private readonly stage: AnalogStage,
    hardware: HardwareConfig,
    conductances: ProgrammedMatrix,
    private readonly opts: RunnerOptions,
  ) {
    this.hw = stageHardware(hardware, stage);
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
    this.colBlockOf = conductances.colBlockOfOutput;
    const cm = stage.columnMap;
    if (cm) {
      const index = new Int32Array(cm.outputs).fill(N); // N: an appended zero column
      cm.kept.forEach((j, c) => { index[j] = c; });
      this.columnMap = { index: tf.tensor1d(index, 'int32'), fill: tf.tensor1d(cm.fill) };
    }
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

  /**
   * The digital accumulator for outputs of `shape`, started at the bias (or zero). On wasm it is a
   * backend tensor that every readout adds into in place (`hostValues` views it; the readout kernel
   * works on the backend's memory, and the result needs no copy); elsewhere a JS array.
   */
  private accumulator(shape: number[], bias: Float32Array | undefined): { tensor?: tf.Tensor; values?: Float32Array } {
    if (tf.getBackend() !== 'wasm') {
      const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
      startWith(values, bias);
      return { values };
    }
    const tensor = tf.fill(shape, 0); // filled in wasm (tf.zeros builds a JS array and copies it)
    if (bias) startWith(hostValues(tensor), bias);
    return { tensor };
  }

  /**
   * Reference-column read noise of every output: one normal per input vector and column block of
   * standard deviation sqrt(V^2 . sigma_ref^2) (`refVariance`, [vectors, column blocks]), shared by
   * the block's `cols` outputs.
   */
  private referenceNoise(refVariance: Float32Array, cols: number, rng: Rng): Float32Array {
    const nCB = this.stage.plan.colBlocks.length;
    const vectors = refVariance.length / nCB;
    const z = rng.fillNormal(new Float32Array(refVariance.length));
    const out = new Float32Array(vectors * cols);
    for (let v = 0; v < vectors; v++) {
      for (let j = 0; j < cols; j++) {
        const k = v * nCB + (nCB > 1 ? this.colBlockOf[j]! : 0);
        out[v * cols + j] = Math.sqrt(refVariance[k]!) * z[k]!;
      }
    }
    return out;
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
    let clipped = 0;
    const energies: tf.Scalar[] = [];
    if (opts.recordInputs) {
      const v = x.dataSync() as Float32Array;
      this.inputs.chunks.push(v.slice());
      for (let i = 0; i < v.length; i++) if (v[i] < this.inputs.min) this.inputs.min = v[i];
    }
    const y = tf.tidy(() => {
      const planes = this.inputPlanes(x);
      // digital accumulation of every readout (slices, row blocks, bit planes), in JS
      let acc: { tensor?: tf.Tensor; values?: Float32Array } | undefined;
      let outShape: number[] = [];
      for (const plane of planes) {
        const drive = this.cellDrive(plane.v);
        let drive2: tf.Tensor | undefined;
        // power in a cell is V I = V * (G * drive): summed over a row's cells it is V * drive * (row
        // conductance). The MVM is linear, so the batch is summed first: one vector (or image) per plane.
        const power = counters ? tf.sum(tf.mul(plane.v, drive), 0, true) : undefined;
        for (let b = 0; b < this.blocks.length; b++) {
          const blk = this.blocks[b];
          const g = stage.geometry;
          if (power) energies.push(tf.keep(tf.sum(mvm(g, blockInput(g, power, blk.rowConductance, blk.r0, blk.r1), blk.rowConductance))));
          // the block's rows of the input, and their squares for the noise variance (sliced once for all slices)
          const vb = blockInput(g, drive, blk.diff[0], blk.r0, blk.r1);
          const vb2 = opts.readNoise ? (vb === drive ? (drive2 ??= tf.square(drive)) : tf.square(vb)) : undefined;
          for (let s = 0; s < slices; s++) {
            // per-read noise in its output-referred form: one normal per output of variance
            // V^2 . sigma^2, fused with the ADC and the shift-add in one pass over the currents
            const current = mvm(g, vb, blk.diff[s]);
            const variance = blk.variance[s];
            const varianceT = vb2 && variance && opts.rng ? mvm(g, vb2, variance) : undefined;
            const refVariance = blk.refVariance[s];
            const refT = vb2 && refVariance && opts.rng ? mvm(g, vb2, refVariance) : undefined;
            const adcOn = opts.converters === 'all' && stage.adcAtOutput;
            if (!acc) {
              // per-column scales (hardware.weightScale 'column') apply to the readouts, the bias after them
              acc = this.accumulator(current.shape, stage.mapped.columnScale ? undefined : stage.bias);
              outShape = current.shape;
            }
            const record = opts.recordCurrents ? new Float32Array(current.size) : undefined;
            // a reference column's noise is common to the columns of its tile: drawn per vector and tile
            const offset = refT ? this.referenceNoise(hostValues(refT), current.shape[current.rank - 1]!, opts.rng!) : undefined;
            // views last: no tensor is allocated while they are read
            clipped += convertColumns({
              current: hostValues(current),
              variance: varianceT ? hostValues(varianceT) : undefined,
              offset,
              rng: opts.rng,
              adc: adcOn ? { bits: hw.adc.bits, fullScale: stage.calibration.adcFullScale[b][s] } : undefined,
              scale: plane.weight * wps[s],
              acc: acc.values ?? hostValues(acc.tensor!),
              record,
            });
            if (record) this.currents[b][s].push(record);
            current.dispose();
            varianceT?.dispose();
            refT?.dispose();
          }
          if (vb !== drive) vb.dispose();
          if (vb2 && vb2 !== drive2) vb2.dispose();
        }
      }
      if (!acc) throw new Error(`stage ${stage.name}: no readout`);
      if (stage.mapped.columnScale) rescaleColumns(acc.values ?? hostValues(acc.tensor!), stage.mapped.columnScale, stage.bias);
      let out = acc.tensor ?? tf.tensor(acc.values!, outShape);
      // dropped all-zero columns: their outputs are the bias, supplied digitally
      if (this.columnMap) {
        const padded = tf.concat([out, tf.zerosLike(tf.slice(out, Array(out.rank).fill(0), [...out.shape.slice(0, -1), 1]))], -1);
        out = tf.add(tf.gather(padded, this.columnMap.index, out.rank - 1), this.columnMap.fill);
      }
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
      const vectors = y.size / (stage.columnMap?.outputs ?? stage.N); // one input vector per output row (per position for a conv)
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
      counters.adcClipped += clipped;
      if (energies.length > 0) counters.cellEnergy += tf.tidy(() => tf.addN(energies).dataSync()[0]) * hw.device.readPulseWidth;
      // each input activation is written to and read from the buffer once (line buffers give a
      // convolution's overlapping windows their reuse), each converted output once
      // (analog inputs and outputs of a cascade are never buffered)
      const inBytes = Math.ceil((stage.inputBits ?? hw.dac.bits) / 8);
      const outBytes = stage.senseAmp ? 1 / 8 : stage.adcAtOutput ? Math.ceil(hw.adc.bits / 8) : 0;
      counters.bufferBytes += (stage.dacAtInput ? x.size * inBytes : 0) + y.size * outBytes;
    }
    for (const t of energies) t.dispose();
    if (x !== input) x.dispose();
    if (opts.recordInputs) this.outputMax = Math.max(this.outputMax, tf.tidy(() => tf.max(tf.abs(y)).dataSync()[0]));
    return y;
  }

  dispose(): void {
    for (const b of this.blocks) {
      for (const t of [...b.diff, ...b.variance, ...b.refVariance, b.rowConductance]) t?.tensor.dispose();
    }
    this.columnMap?.index.dispose();
    this.columnMap?.fill.dispose();
    this.sense?.threshold.dispose();
    this.sense?.direction.dispose();
  }
}
