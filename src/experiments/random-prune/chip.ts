/**
 * Random weights from a simulated random-resistive-memory chip (the `rram-random` preset, a stated
 * reconstruction: docs/random-prune.md, src/device/presets.ts).
 *
 * Every weight is a differential pair of cells A and B. Both are electroformed once, with no verify,
 * at the preset's forming target, so their conductances are the device's one-shot programming
 * spread (`programCells` with every target at `RRAM_RANDOM_FORMING_TARGET`). As the authors' code
 * (docs/sources.md section 6): kept weight = s |G_A,set - G_B,set|, with a fixed random sign s per
 * weight; a pruned weight is the pair's reset read:
 * - prunedRead 'pair' (default): both cells reset, |G_A,reset - G_B,reset|; the paper's text
 *   ("pruning ... resets the selected differential pair", PAPERS.md section 2);
 * - prunedRead 'code': |G_A,reset - G_B,set|, literally the authors' script (only cell A's reset
 *   read enters). With our reconstructed distribution this is about G_B,set, as large as a kept
 *   weight, which is why it is not the default.
 * The reset state is a RECONSTRUCTION (the measured reset conductance is not public): the same
 * one-shot log-normal spread around the device's gMin (0.1 uS, the pristine level of the preset).
 *
 * Weights are dimensionless: conductance differences divided by `gNorm` (default the forming
 * target, 50 uS). Each layer's cells come from their own stream, seeded by (chipSeed, layer, param),
 * so a chip is reproducible and a layer's cells do not depend on the other layers.
 */
import { Rng, hashSeed, tf } from '../../engine/index.js';
import { UserError } from '../../errors.js';
import { type DeviceModel, devicePreset, programCells } from '../../device/index.js';
import { RRAM_RANDOM_FORMING_TARGET } from '../../device/presets.js';
import type { Layer, Sequential } from '../../nn/index.js';

export type PrunedRead = 'pair' | 'code';
export const PRUNED_READS: readonly PrunedRead[] = ['pair', 'code'];

export interface RandomChipOptions {
  /** Seeds the chip's cells (one stream per layer and parameter). */
  chipSeed: number;
  /** Default the `rram-random` preset. */
  device?: DeviceModel;
  /** Forming target (S); default RRAM_RANDOM_FORMING_TARGET (50 uS). */
  formingTarget?: number;
  /** Reset-state target (S); default the device's gMin. */
  resetTarget?: number;
  /** Conductance that maps to weight 1; default the forming target. */
  gNorm?: number;
  /** Default 'pair'. */
  prunedRead?: PrunedRead;
}

/** The programmed cells of one weight tensor (conductances in siemens, one per weight). */
export interface ChipTensor {
  layer: string;
  param: string;
  shape: number[];
  gASet: Float32Array;
  gBSet: Float32Array;
  gAReset: Float32Array;
  gBReset: Float32Array;
  /** +1 or -1 per weight. */
  sign: Float32Array;
  /** s |G_A,set - G_B,set| / gNorm. */
  weight: Float32Array;
  /** The pruned (reset) read, signed, / gNorm. */
  resetWeight: Float32Array;
  /** Read-noise multiplier of a kept weight: sqrt(G_A,set^2 + G_B,set^2) / gNorm. */
  noiseScale: Float32Array;
}

export interface ResolvedChipOptions {
  chipSeed: number;
  device: DeviceModel;
  formingTarget: number;
  resetTarget: number;
  gNorm: number;
  prunedRead: PrunedRead;
}

export function resolveChipOptions(opts: RandomChipOptions): ResolvedChipOptions {
  if (!Number.isInteger(opts.chipSeed) || opts.chipSeed < 0) {
    throw new UserError(`random chip: 'chipSeed' must be a whole number >= 0, got ${JSON.stringify(opts.chipSeed)}`, 'e.g. chipSeed: 1');
  }
  const device = opts.device ?? devicePreset('rram-random');
  const formingTarget = opts.formingTarget ?? RRAM_RANDOM_FORMING_TARGET;
  const resetTarget = opts.resetTarget ?? device.gMin;
  const gNorm = opts.gNorm ?? formingTarget;
  for (const [k, v] of [['formingTarget', formingTarget], ['resetTarget', resetTarget], ['gNorm', gNorm]] as const) {
    if (!(v > 0) || !Number.isFinite(v)) throw new UserError(`random chip: '${k}' must be a conductance > 0 (siemens), got ${v}`, 'e.g. 50e-6');
  }
  const prunedRead = opts.prunedRead ?? 'pair';
  if (!PRUNED_READS.includes(prunedRead)) {
    throw new UserError(`random chip: 'prunedRead' must be one of ${PRUNED_READS.join(', ')}, got ${JSON.stringify(prunedRead)}`, "use 'pair' (both cells reset) or 'code' (the authors' script)");
  }
  return { chipSeed: opts.chipSeed, device, formingTarget, resetTarget, gNorm, prunedRead };
}

/** Programs the cells of one weight tensor of `size` weights on a chip. */
export function programChipTensor(layer: string, param: string, shape: number[], opts: ResolvedChipOptions): ChipTensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const rng = new Rng(hashSeed(opts.chipSeed, 'random-chip', layer, param));
  const form = new Float32Array(n).fill(opts.formingTarget);
  const reset = new Float32Array(n).fill(opts.resetTarget);
  const gASet = programCells(opts.device, form, rng.fork('A', 'set')).g;
  const gBSet = programCells(opts.device, form, rng.fork('B', 'set')).g;
  const gAReset = programCells(opts.device, reset, rng.fork('A', 'reset')).g;
  const gBReset = programCells(opts.device, reset, rng.fork('B', 'reset')).g;
  const signRng = rng.fork('sign');
  const sign = new Float32Array(n);
  const weight = new Float32Array(n);
  const resetWeight = new Float32Array(n);
  const noiseScale = new Float32Array(n);
  const g = opts.gNorm;
  for (let i = 0; i < n; i++) {
    const s = signRng.uniform() < 0.5 ? -1 : 1;
    sign[i] = s;
    weight[i] = (s * Math.abs(gASet[i] - gBSet[i])) / g;
    const other = opts.prunedRead === 'pair' ? gBReset[i] : gBSet[i];
    resetWeight[i] = (s * Math.abs(gAReset[i] - other)) / g;
    noiseScale[i] = Math.hypot(gASet[i], gBSet[i]) / g;
  }
  return { layer, param, shape: [...shape], gASet, gBSet, gAReset, gBReset, sign, weight, resetWeight, noiseScale };
}

/** The weight tensors (role 'weight') of the named layers, or of every layer, in forward order. */
export function weightTensors(model: Sequential, layers?: readonly string[]): { layer: Layer; param: string }[] {
  const out: { layer: Layer; param: string }[] = [];
  const walk = (l: Layer) => {
    for (const p of l.ownParameters()) if (p.role === 'weight') out.push({ layer: l, param: p.name });
    for (const c of l.children()) walk(c);
  };
  for (const l of model.layers) walk(l);
  if (!layers) return out;
  for (const name of layers) {
    if (!out.some((t) => t.layer.name === name)) {
      throw new UserError(`random chip: layer '${name}' of model '${model.name}' has no weights`, `layers with weights: ${[...new Set(out.map((t) => t.layer.name))].join(', ')}`);
    }
  }
  return out.filter((t) => layers.includes(t.layer.name));
}

export interface RandomChip {
  options: ResolvedChipOptions;
  tensors: ChipTensor[];
}

/**
 * Programs a chip for the model's weight tensors (all, or those of `layers`) and assigns the kept
 * weights s |G_A - G_B| / gNorm to the stored kernels. Nothing else in the model changes.
 */
export function loadRandomChip(model: Sequential, opts: RandomChipOptions & { layers?: readonly string[] }): RandomChip {
  const options = resolveChipOptions(opts);
  const tensors = weightTensors(model, opts.layers).map(({ layer, param }) => {
    const v = layer.param(param).variable;
    const cells = programChipTensor(layer.name, param, [...v.shape], options);
    tf.tidy(() => v.assign(tf.tensor(cells.weight, v.shape, 'float32')));
    return cells;
  });
  return { options, tensors };
}
