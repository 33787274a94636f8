/**
 * DAC and ADC transfer functions (uniform, mid-tread). Signed converters drop one code so the
 * range is symmetric: codes -(2^(b-1) - 1) .. 2^(b-1) - 1.
 */
import { tf } from '../engine/index.js';

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
