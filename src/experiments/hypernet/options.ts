/**
 * Options of the hypernetwork experiment (issue 7; docs/hypernet-experiment.md): defaults, checks
 * (every mistake a UserError), and the hardware every deployment of the run uses.
 */
import type { HardwareConfig } from '../../crossbar/hardware.js';
import type { DatasetSplits } from '../../data/index.js';
import { DEFAULT_VERIFY_PULSES, devicePreset } from '../../device/index.js';
import { UserError } from '../../errors.js';
import { GENOTYPES } from '../../nn/darts/index.js';
import {
  type CrossbarOptions, type DataSourceOptions, FROM_MIN, type IntWording, type Resolved, type TrainingOptions,
  checkDistinct, checkInt, checkInts, checkPositive, withDefaults,
} from '../common/options.js';

/**
 * Defaults sized for the 2-core machine (our choices; the paper trains full-size networks for its
 * own schedule). Network C 8, 5 cells on 32x32 CIFAR-10: measured ~19 ms/image to train DARTS_V1 /
 * DARTS_V2 and ~32 ms PDARTS (docs/darts.md), ~25 % more under quantization-aware training, so
 * 2000 images x 4 epochs + 1 QAT epoch take ~12 minutes for the three genotypes; the chip
 * simulation takes ~0.1-0.5 s per image and deployment, hence 200 test images on 3 chips. Adam (Kingma & Ba,
 * ICLR 2015) at 3e-3 with cosine annealing (Loshchilov & Hutter, ICLR 2017) as the other experiments'
 * rate; QAT at a third of it. Augmentation: random flip and 4-pixel shifted crop (He et al., CVPR
 * 2016), the CIFAR recipe DARTS also trains with. 8-bit weights, activations, DAC and ADC (issue 7).
 * DARTS' full evaluation size is C 36, 20 cells (Liu et al., ICLR 2019): `--C 36 --cells 20`, far
 * beyond this machine (docs/darts.md: 3.3 M parameters, out of wasm memory above small batches).
 */
export const HYPERNET_DEFAULTS = {
  genotypes: ['DARTS_V1', 'DARTS_V2', 'PDARTS'],
  C: 8,
  cells: 5,
  chips: 3,
  testSamples: 200,
  trainSamples: 2000,
  epochs: 4,
  quantEpochs: 1,
  batchSize: 32,
  lr: 3e-3,
  fineTuneLr: 1e-3,
  augment: true,
  weightBits: 8,
  activationBits: 8,
  device: 'rram',
  /** One conductance full scale per layer ('matrix', as every other experiment) or per output column. */
  weightScale: 'matrix' as 'matrix' | 'column',
  tile: { rows: 128, cols: 128 },
  dacBits: 8,
  adcBits: 8,
  calibrationSamples: 64,
};

export interface HypernetProgress {
  genotype?: string;
  stage: 'data' | 'train' | 'quantize' | 'deploy';
  message: string;
}

export interface HypernetOptions extends TrainingOptions, CrossbarOptions, DataSourceOptions {
  seed: number;
  /** Published genotype names (DARTS_V1, DARTS_V2, PDARTS). */
  genotypes?: string[];
  /** Initial channels. */
  C?: number;
  /** Number of cells (reductions at 1/3 and 2/3). */
  cells?: number;
  /** Float training epochs. */
  epochs?: number;
  /** Quantization-aware fine-tuning epochs. */
  quantEpochs?: number;
  fineTuneLr?: number;
  augment?: boolean;
  weightBits?: number;
  activationBits?: number;
  device?: string;
  /** 'matrix' (default) or 'column': per-column conductance scaling (hardware.weightScale). */
  weightScale?: 'matrix' | 'column';
  /** Program-and-verify band as a fraction of the conductance range (device.verify, up to DEFAULT_VERIFY_PULSES pulses); absent: one-shot. */
  verifyTolerance?: number;
  /** Folder for trained models (reruns with the same training options load them); none: no cache. */
  cacheDir?: string;
  /** Splits to use instead of loading CIFAR-10 (tests). */
  data?: DatasetSplits;
  onProgress?: (p: HypernetProgress) => void;
}

export type ResolvedHypernetOptions = Resolved<HypernetOptions, 'cacheDir' | 'verifyTolerance'>;

const P = 'hypernet';

const HINT: Record<string, number> = { C: 8, cells: 5, chips: 3, test: 200, train: 2000, epochs: 4, seed: 1 };

/** The other experiments' wording, with a typical value in the hint (HINT, else min + 1, kept in range). */
const WORDING: IntWording = { ...FROM_MIN, hint: (name, min, max) => `e.g. --${name} ${Math.max(min, Math.min(max, HINT[name] ?? min + 1))}` };

export function resolveHypernetOptions(opts: HypernetOptions): ResolvedHypernetOptions {
  const r: ResolvedHypernetOptions = {
    seed: opts.seed,
    ...withDefaults(opts, HYPERNET_DEFAULTS),
    ...(opts.dataDir !== undefined && { dataDir: opts.dataDir }),
    ...(opts.cacheDir !== undefined && { cacheDir: opts.cacheDir }),
    ...(opts.verifyTolerance !== undefined && { verifyTolerance: opts.verifyTolerance }),
  };
  checkInt(P, 'seed', r.seed, 0, 2 ** 32 - 1, WORDING);
  const known = Object.keys(GENOTYPES);
  if (!Array.isArray(r.genotypes) || r.genotypes.length === 0) {
    throw new UserError('hypernet: give at least one genotype', `e.g. --genotypes ${known.join(',')}`);
  }
  for (const g of r.genotypes) {
    if (!known.includes(g)) throw new UserError(`hypernet: unknown genotype '${g}'`, `published genotypes: ${known.join(', ')}`);
  }
  checkDistinct(P, 'genotype', r.genotypes);
  // factorized reduce halves C: C must be even; every cell doubles it at most twice
  checkInt(P, 'C', r.C, 2, 64, WORDING);
  if (r.C % 2 !== 0) throw new UserError(`hypernet: 'C' must be even (a factorized reduce splits C channels in halves), got ${r.C}`, 'e.g. --C 8');
  checkInts(P, [
    ['cells', r.cells, 3, 20], ['chips', r.chips, 1, 100], ['test', r.testSamples, 1], ['train', r.trainSamples, 1], ['epochs', r.epochs, 1, 1000],
    ['quant-epochs', r.quantEpochs, 1, 1000], ['batch-size', r.batchSize, 1, 4096], ['weight-bits', r.weightBits, 2, 8],
    ['activation-bits', r.activationBits, 2, 16], ['dac-bits', r.dacBits, 1, 24], ['adc-bits', r.adcBits, 1, 24], ['calibration-samples', r.calibrationSamples, 1],
  ], WORDING);
  checkPositive(P, 'lr', r.lr);
  checkPositive(P, 'fine-tune-lr', r.fineTuneLr);
  if (typeof r.augment !== 'boolean') throw new UserError(`hypernet: 'augment' must be true or false, got ${JSON.stringify(r.augment)}`, 'e.g. augment: false');
  if (!r.tile || !Number.isInteger(r.tile.rows) || !Number.isInteger(r.tile.cols) || r.tile.rows < 1 || r.tile.cols < 1) {
    throw new UserError(`hypernet: tile must be whole rows and columns, got ${JSON.stringify(r.tile)}`, 'e.g. 128x128');
  }
  if (r.weightScale !== 'matrix' && r.weightScale !== 'column') {
    throw new UserError(`hypernet: weight scale must be 'matrix' or 'column', got ${JSON.stringify(r.weightScale)}`, 'e.g. --weight-scale column');
  }
  devicePreset(r.device); // unknown presets are UserErrors
  if (r.verifyTolerance !== undefined && !(r.verifyTolerance > 0 && r.verifyTolerance <= 1)) {
    throw new UserError(`hypernet: 'verify' is a fraction of the conductance range in (0, 1], got ${r.verifyTolerance}`, 'e.g. --verify 0.01');
  }
  return r;
}

/**
 * RRAM crossbars holding the 8-bit weights on differential pairs (bit-sliced where the device has
 * fewer levels), a DAC before and an ADC after every crossbar layer, both calibrated to the max of
 * the calibration inputs / currents. The same hardware for individual and hypernetwork deployments.
 */
export function hypernetHardware(o: ResolvedHypernetOptions): HardwareConfig {
  return {
    device: {
      ...devicePreset(o.device),
      ...(o.verifyTolerance !== undefined && { verify: { tolerance: o.verifyTolerance, maxPulses: DEFAULT_VERIFY_PULSES } }),
    },
    tile: { ...o.tile },
    mapping: 'differential',
    weightBits: o.weightBits,
    weightScale: o.weightScale,
    dac: { bits: o.dacBits, mode: 'amplitude', percentile: 1 },
    adc: { bits: o.adcBits, range: 'calibrated', percentile: 1 },
    wireResistance: 0,
  };
}
