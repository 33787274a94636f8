/** Data preparation of the IDM experiment: pre-padded sequences and evenly spread subsets. */
import { type Dataset, subset } from '../../data/index.js';

/**
 * Moves each sequence's trailing all-zero rows (the loader's end padding of variable-length series)
 * to its start. A recurrent layer without a padding mask then ends on the sequence's last real step,
 * and the leading zero rows only drive the state from the bias (Keras `pad_sequences` pads at the
 * start by default for the same reason).
 */
export function prePad(ds: Dataset): Dataset {
  if (ds.sampleShape.length !== 2) return ds;
  const [time, features] = ds.sampleShape;
  const per = time * features;
  const x = new Float32Array(ds.x.length);
  for (let i = 0; i < ds.length; i++) {
    const o = i * per;
    let len = time;
    while (len > 0) {
      const row = ds.x.subarray(o + (len - 1) * features, o + len * features);
      if (row.some((v) => v !== 0)) break;
      len--;
    }
    x.set(ds.x.subarray(o, o + len * features), o + (time - len) * features);
  }
  return { ...ds, x, meta: { ...ds.meta, padding: 'moved to the start (pre-padding)' } };
}

/**
 * `n` samples at evenly spaced indices (all of them when n >= length): covers every class of a
 * dataset stored class by class (UEA sets), where the first n would not.
 */
export function spread(ds: Dataset, n: number): Dataset {
  if (n >= ds.length) return ds;
  const idx = Array.from({ length: n }, (_, i) => Math.floor((i * ds.length) / n));
  return subset(ds, idx);
}

