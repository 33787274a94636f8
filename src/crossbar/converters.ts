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

/** Number of elements outside full scale by more than half an LSB (they clip). */
export function countClipped(x: tf.Tensor, bits: number, fullScale: number, signed: boolean): number {
  return tf.tidy(() => {
    const step = lsb(bits, fullScale, signed);
    const limit = fullScale + step / 2;
    const over = tf.greater(x, limit);
    const under = signed ? tf.less(x, -limit) : tf.less(x, -step / 2);
    return tf.sum(tf.cast(tf.logicalOr(over, under), 'int32')).dataSync()[0];
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
