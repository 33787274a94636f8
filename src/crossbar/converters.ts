/**
 * DAC and ADC transfer functions (uniform, mid-tread). Signed converters drop one code so the
 * range is symmetric: codes -(2^(b-1) - 1) .. 2^(b-1) - 1.
 */
import { tf } from '../engine/index.js';
import type { Rng } from '../engine/rng.js';
import { readoutKernel } from '../engine/readout-kernel.js';

/** Step (LSB) of a converter with `bits` over full scale `fullScale` (signed: +-fullScale). */
export function lsb(bits: number, fullScale: number, signed: boolean): number {
  const codes = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  return fullScale / Math.max(1, codes);
}

/** Quantise to the converter's codes, clipping outside full scale. Returns values in input units. */
export function quantize(x: tf.Tensor, bits: number, fullScale: number, signed: boolean): tf.Tensor {
  return tf.tidy(() => {
    const step = lsb(bits, fullScale, signed);
    const hi = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
    const lo = signed ? -hi : 0;
    return tf.mul(tf.clipByValue(tf.round(tf.div(x, step)), lo, hi), step);
  });
}

/**
 * Quantise as `quantize` does and also return, as a scalar tensor (no sync), how many elements
 * clipped (their code fell outside the converter's range).
 */
export function quantizeCounting(x: tf.Tensor, bits: number, fullScale: number, signed: boolean): { q: tf.Tensor; clipped: tf.Scalar } {
  return tf.tidy(() => {
    const step = lsb(bits, fullScale, signed);
    const hi = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
    const lo = signed ? -hi : 0;
    const codes = tf.round(tf.div(x, step));
    const clipped = tf.sum(tf.cast(tf.logicalOr(tf.greater(codes, hi), tf.less(codes, lo)), 'int32')) as tf.Scalar;
    return { q: tf.mul(tf.clipByValue(codes, lo, hi), step), clipped };
  });
}

/** One column readout for `convertColumns`: currents, their read noise, and where the codes go. */
export interface ColumnReadout {
  /** Noise-free column currents (amperes), any layout; `variance` and `acc` share it. */
  current: ArrayLike<number>;
  /** Per-read noise variance of each current (A^2): a fresh N(0, variance) is added to each. */
  variance?: ArrayLike<number>;
  /** Noise already drawn for each current (a reference column's, shared by its columns). */
  offset?: ArrayLike<number>;
  /** Standard normals for `variance` (required with it). */
  rng?: Rng;
  /** The ADC (signed, mid-tread, `bits` over +-`fullScale`), or none: the currents pass as they are. */
  adc?: { bits: number; fullScale: number };
  /** Digital weight of this readout: acc += scale * converted current. */
  scale: number;
  acc: Float32Array;
  /** Receives |noisy current| before the ADC (calibration), when given. */
  record?: Float32Array;
}

const NORMAL_CHUNK = 4096;
const normalScratch = new Float32Array(NORMAL_CHUNK);
/** 1.5 * 2^52: adding and subtracting it rounds a double (|x| < 2^51) to the nearest integer, ties to even (as tf.round). */
const ROUND_MAGIC = 6755399441055744;

/**
 * Adds per-read noise to column currents, converts them with a signed ADC and accumulates the
 * weighted codes: `acc[e] += scale * Q(current[e] + sqrt(variance[e]) z_e + offset[e])`, z_e fresh
 * standard normals drawn in element order. One pass over plain arrays (wasm heap views): the fused
 * form of `quantizeCounting` on a noisy current, without a tensor per step. Returns how many
 * conversions clipped.
 */
export function convertColumns(r: ColumnReadout): number {
  const { current, variance, offset, acc, record, scale } = r;
  const size = current.length;
  if (variance && !r.rng) throw new Error('convertColumns: read-noise variance without a random stream');
  const step = r.adc ? lsb(r.adc.bits, r.adc.fullScale, true) : 1;
  const hi = r.adc ? 2 ** (r.adc.bits - 1) - 1 : Infinity;
  const inv = 1 / step;
  const quantise = r.adc !== undefined;
  const z = normalScratch;
  if (variance && !offset && !record && r.adc) return noisyConversions(current, variance, r.rng!, step, hi, scale, acc);
  let clipped = 0;
  for (let e0 = 0; e0 < size; e0 += NORMAL_CHUNK) {
    const len = Math.min(NORMAL_CHUNK, size - e0);
    if (variance) r.rng!.fillNormal(len === NORMAL_CHUNK ? z : z.subarray(0, len));
    for (let k = 0; k < len; k++) {
      const e = e0 + k;
      let c = current[e]!;
      if (variance) c += Math.sqrt(variance[e]!) * z[k]!;
      if (offset) c += offset[e]!;
      if (record) record[e] = Math.abs(c);
      if (quantise) {
        let code = c * inv + ROUND_MAGIC - ROUND_MAGIC;
        if (code > hi) {
          code = hi;
          clipped++;
        } else if (code < -hi) {
          code = -hi;
          clipped++;
        }
        c = code * step;
      }
      acc[e]! += c * scale;
    }
  }
  return clipped;
}

/** `convertColumns`' common case (read noise, ADC, nothing else) as one tight loop, or the wasm kernel. */
function noisyConversions(current: ArrayLike<number>, variance: ArrayLike<number>, rng: Rng, step: number, hi: number, scale: number, acc: Float32Array): number {
  // on the wasm backend, with the arrays in its memory: the SIMD kernel (same computation, its own normals)
  const inWasm = readoutKernel()?.noisyConversions(current, variance, rng, step, hi, scale, acc);
  if (inWasm !== undefined) return inWasm;
  const size = current.length;
  const inv = 1 / step;
  const out = step * scale;
  const z = normalScratch;
  let clipped = 0;
  for (let e0 = 0; e0 < size; e0 += NORMAL_CHUNK) {
    const len = Math.min(NORMAL_CHUNK, size - e0);
    rng.fillNormal(len === NORMAL_CHUNK ? z : z.subarray(0, len));
    for (let k = 0, e = e0; k < len; k++, e++) {
      let code = (current[e]! + Math.sqrt(variance[e]!) * z[k]!) * inv + ROUND_MAGIC - ROUND_MAGIC;
      if (code > hi) {
        code = hi;
        clipped++;
      } else if (code < -hi) {
        code = -hi;
        clipped++;
      }
      acc[e]! += code * out;
    }
  }
  return clipped;
}

/** The value below which a fraction `p` of |values| lies (p = 1: the maximum). */
export function absPercentile(values: Float32Array, p: number): number {
  if (values.length === 0) return 0;
  if (p >= 1) {
    let m = 0;
    for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
    return m;
  }
  const a = Float32Array.from(values, Math.abs).sort();
  return a[Math.min(a.length - 1, Math.floor(p * a.length))];
}
