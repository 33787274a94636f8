/**
 * Weight-to-conductance mapping. A logical weight matrix W [K, N] (row-major) becomes conductance
 * targets per bit slice: a differential pair (G+, G-) per weight, or one cell per weight beside a
 * reference column at the conductance of w = 0.
 */
import type { HardwareConfig } from './hardware.js';

export interface MappedMatrix {
  K: number;
  N: number;
  /** Bit slices per weight (1 for analog weights). */
  slices: number;
  /** Weight full scale: |w| = wMax maps to the largest conductance difference. */
  wMax: number;
  /** weight = (conductance difference) * weightPerSiemens[s], for slice s (includes 2^(cellBits s)). */
  weightPerSiemens: number[];
  /** Targets per slice, [K * N] row-major: positive cells (differential) or the single cells (offset). */
  pos: Float32Array[];
  /** Negative cells per slice (differential only). */
  neg: Float32Array[] | undefined;
  /** Reference conductance target (offset only): the conductance of w = 0. */
  ref: number | undefined;
  /** The weights the mapping represents exactly (after weight quantisation), [K * N]. */
  quantizedWeights: Float32Array;
  /**
   * `hardware.weightScale: 'column'`: column j is mapped with its own full scale wMax_j and its
   * readout is multiplied by columnScale[j] = wMax_j / wMax after conversion; undefined = one scale.
   */
  columnScale?: Float32Array;
}

/** Slices and bits per cell implied by the hardware; analog weights: one slice. */
export function sliceLayout(hw: HardwareConfig): { slices: number; cellBits: number | undefined; magBits: number | undefined } {
  if (hw.weightBits === undefined) return { slices: 1, cellBits: undefined, magBits: undefined };
  const magBits = hw.weightBits - 1;
  const deviceBits = Number.isFinite(hw.device.levels) ? Math.floor(Math.log2(hw.device.levels)) : magBits;
  const cellBits = Math.min(hw.cellBits ?? deviceBits, magBits);
  return { slices: Math.ceil(magBits / cellBits), cellBits, magBits };
}

/**
 * Conductance targets of W [K, N] (row-major). `hw.weightScale` 'matrix' (default): one full scale
 * wMax = max |w| (or `wMaxOverride`) for the whole matrix. 'column': every column j is stretched to
 * the full scale (w_ij wMax / wMax_j with wMax_j = max_i |w_ij|), so a column of small weights uses
 * the whole conductance range instead of a fraction of it, and `columnScale[j]` = wMax_j / wMax
 * undoes the stretch digitally; weight quantisation then has one step per column.
 */
export function mapMatrix(w: Float32Array, K: number, N: number, hw: HardwareConfig, wMaxOverride?: number): MappedMatrix {
  if (w.length !== K * N) throw new Error(`mapMatrix: ${w.length} weights for a ${K}x${N} matrix`);
  let wMax = wMaxOverride ?? 0;
  if (wMaxOverride === undefined) for (let i = 0; i < w.length; i++) wMax = Math.max(wMax, Math.abs(w[i]));
  if (wMax === 0) wMax = 1; // an all-zero matrix: any scale represents it
  if ((hw.weightScale ?? 'matrix') === 'matrix') return mapScaled(w, K, N, hw, wMax);
  if (wMaxOverride !== undefined) throw new Error('mapMatrix: a wMax override and per-column scales exclude each other');
  const colMax = new Float32Array(N);
  for (let i = 0; i < K * N; i++) colMax[i % N] = Math.max(colMax[i % N], Math.abs(w[i]));
  const columnScale = new Float32Array(N);
  const stretch = new Float64Array(N);
  for (let j = 0; j < N; j++) {
    // an all-zero column: any scale represents it
    columnScale[j] = colMax[j] > 0 ? colMax[j] / wMax : 1;
    stretch[j] = colMax[j] > 0 ? wMax / colMax[j] : 1;
  }
  const stretched = new Float32Array(K * N);
  for (let i = 0; i < K * N; i++) stretched[i] = w[i] * stretch[i % N];
  const m = mapScaled(stretched, K, N, hw, wMax);
  for (let i = 0; i < K * N; i++) m.quantizedWeights[i] *= columnScale[i % N];
  return { ...m, columnScale };
}

/** The mapping of W with full scale wMax (|w| = wMax: the largest conductance difference). */
function mapScaled(w: Float32Array, K: number, N: number, hw: HardwareConfig, wMax: number): MappedMatrix {
  const { gMin, gMax } = hw.device;
  const dG = gMax - gMin;
  const { slices, cellBits, magBits } = sliceLayout(hw);
  const quantizedWeights = new Float32Array(K * N);

  if (hw.mapping === 'offset') {
    const cells = new Float32Array(K * N);
    for (let i = 0; i < K * N; i++) {
      const v = Math.max(-wMax, Math.min(wMax, w[i]));
      cells[i] = gMin + ((v + wMax) / (2 * wMax)) * dG;
      quantizedWeights[i] = v;
    }
    return {
      K, N, slices: 1, wMax, weightPerSiemens: [(2 * wMax) / dG], pos: [cells], neg: undefined,
      ref: gMin + dG / 2, quantizedWeights,
    };
  }

  const pos: Float32Array[] = [];
  const neg: Float32Array[] = [];
  for (let s = 0; s < slices; s++) {
    pos.push(new Float32Array(K * N).fill(gMin));
    neg.push(new Float32Array(K * N).fill(gMin));
  }
  if (magBits === undefined || cellBits === undefined) {
    for (let i = 0; i < K * N; i++) {
      const v = Math.max(-wMax, Math.min(wMax, w[i]));
      const g = gMin + (Math.abs(v) / wMax) * dG;
      if (v >= 0) pos[0][i] = g;
      else neg[0][i] = g;
      quantizedWeights[i] = v;
    }
    return { K, N, slices: 1, wMax, weightPerSiemens: [wMax / dG], pos, neg, ref: undefined, quantizedWeights };
  }
  // Bit slicing, most significant slice first: the top slices hold cellBits bits each and the least
  // significant slice the rest (sliceBits). Every slice spreads its digits over the cell's whole
  // conductance range, on the device's levels (digitStep), so a slice's programming error costs the
  // same fraction of its digit range whatever its bits, and the error of the most significant slice,
  // which dominates, is no larger than that of an unsliced weight on the same device.
  const bits = sliceBits(magBits, cellBits);
  const mMax = 2 ** magBits - 1;
  const step = wMax / mMax; // weight per magnitude unit
  const gSteps = bits.map((b) => digitStep(hw, b));
  for (let i = 0; i < K * N; i++) {
    const v = Math.max(-wMax, Math.min(wMax, w[i]));
    let m = Math.round(Math.abs(v) / step);
    quantizedWeights[i] = Math.sign(v) * m * step;
    const target = v >= 0 ? pos : neg;
    for (let s = 0; s < slices; s++) {
      const base = 2 ** bits[s];
      const digit = m % base;
      m = Math.floor(m / base);
      target[s][i] = gMin + digit * gSteps[s];
    }
  }
  let shift = 0;
  const weightPerSiemens = bits.map((b, s) => {
    const wps = (step * 2 ** shift) / gSteps[s];
    shift += b;
    return wps;
  });
  return { K, N, slices, wMax, weightPerSiemens, pos, neg, ref: undefined, quantizedWeights };
}

/**
 * Bits of each slice, least significant first: magBits split into slices of cellBits with the
 * remainder in the least significant slice (7 bits in 5-bit cells: [2, 5]), so the most
 * significant digits use the cells' full resolution.
 */
export function sliceBits(magBits: number, cellBits: number): number[] {
  const slices = Math.ceil(magBits / cellBits);
  const bits = new Array<number>(slices).fill(cellBits);
  bits[0] = magBits - cellBits * (slices - 1);
  return bits;
}

/**
 * Conductance per digit unit of a slice of `bits` bits: its largest digit 2^bits - 1 at (or just
 * below) gMax, every digit on one of the device's levels (a whole number of level steps), so
 * programming adds no rounding of its own. Analog devices: (gMax - gMin) / (2^bits - 1).
 */
export function digitStep(hw: HardwareConfig, bits: number): number {
  const { gMin, gMax, levels } = hw.device;
  const digits = 2 ** bits - 1;
  if (!Number.isFinite(levels)) return (gMax - gMin) / digits;
  const levelStep = (gMax - gMin) / (levels - 1);
  return levelStep * Math.max(1, Math.floor((levels - 1) / digits));
}

/** Output columns (0..N-1) of a [K, N] row-major matrix with at least one non-zero weight. */
export function nonZeroColumns(w: Float32Array, K: number, N: number): number[] {
  const used = new Uint8Array(N);
  for (let i = 0; i < K * N; i++) if (w[i] !== 0) used[i % N] = 1;
  const kept: number[] = [];
  for (let j = 0; j < N; j++) if (used[j]) kept.push(j);
  return kept;
}
