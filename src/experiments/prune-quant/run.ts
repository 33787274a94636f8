/**
 * The pruning + quantization experiment (issue 5 part 2; docs/prune-quant.md), after Guo et al.,
 * Cogn. Neurodyn. 18:233-245, 2024 (docs/sources.md section 7: abstract only). LeNet-5 on MNIST is
 * trained in float once; for each sparsity it is fine-tuned under gradual magnitude pruning (Zhu &
 * Gupta 2017 cubic schedule), and for each weight bit-width the pruned network is fine-tuned
 * quantization-aware; each (sparsity, bits) network is deployed on crossbars holding k-bit weights
 * with each scheme of `schemes` and run on N simulated chips: `conventional` (ADC, digital ReLU and
 * max-pool, DAC between layers) and `idm`, which stands for the paper's circuit units (the crossbar as
 * in-memory computing unit driving an analog activation unit and an analog max-pooling unit, no
 * converters between layers; docs/idm.md gives their circuit and cost model).
 *
 * Weight mapping (one rule for every k): k-bit weights on a mid-tread grid, levels q s / (2^(k-1) - 1)
 * for q in [-(2^(k-1) - 1), 2^(k-1) - 1] (2^k - 1 values, zero included so pruned weights stay zero),
 * deployed with `weightBits: k`: |q| is written on one cell of a differential pair as one of 2^(k-1)
 * conductance levels, the other cell at gMin. When 2^(k-1) exceeds the device's levels the magnitude is
 * bit-sliced over ceil((k - 1) / floor(log2 levels)) pairs (`sliceLayout`). k = 1: +-s on the mid-rise
 * grid (pruned weights kept at 0), deployed as weightBits 2 (magnitude one bit: gMin or gMax).
 * Device: the `sbt` preset (threshold-switching; values reconstructed, docs/sources.md section 7).
 * All-zero output columns (pruned filters/units) are left off the crossbars (`dropZeroColumns`).
 */
import { type EnergyBreakdown, estimateCost } from '../../cost/index.js';
import type { HardwareConfig } from '../../crossbar/hardware.js';
import { sliceLayout } from '../../crossbar/mapping.js';
import type { DatasetSplits } from '../../data/index.js';
import { compile } from '../../deploy/compile.js';
import { devicePreset } from '../../device/index.js';
import { hashSeed } from '../../engine/index.js';
import { UserError } from '../../errors.js';
import { type PruneGranularity, effectiveWeight, gradualPruning, pruneModel, quantizeModel, sparsityReport } from '../../compress/index.js';
import { type Sequential, buildModel, evaluate, fit } from '../../nn/index.js';
import { runChip } from '../../sim/simulate.js';
import { dataEnv, loadLimited, takeSplits } from '../common/data.js';
import {
  type CrossbarOptions, type DataSourceOptions, type Resolved, type TrainingOptions, checkInt, checkInts, checkList, checkPositive, withDefaults,
} from '../common/options.js';
import { type MeanStd, meanStd } from '../common/stats.js';
import { spread } from '../idm/sequences.js';
import { type CellCount, countCells } from './cells.js';
import { copyParams } from './clone.js';
import { PAPER_CLAIM } from './format.js';

/**
 * Defaults sized for a run of a few minutes on two shared cores (our choices; the paper's training
 * setup is not public). Adam (Kingma & Ba, ICLR 2015) at 3e-3 as the other experiments; fine-tuning
 * at a third of it. Sparsities and bits as issue 5 (0..90 %, 8/4/2 bits).
 */
export const PRUNE_QUANT_DEFAULTS = {
  sparsities: [0, 0.5, 0.7, 0.9],
  bits: [8, 4, 2],
  granularity: 'element' as PruneGranularity,
  chips: 5,
  testSamples: 2000,
  trainSamples: 12000,
  epochs: 4,
  pruneEpochs: 4,
  quantEpochs: 2,
  batchSize: 64,
  lr: 3e-3,
  fineTuneLr: 1e-3,
  /** The paper's device (reconstructed preset, src/device/presets.ts). */
  device: 'sbt',
  /** Leave all-zero columns (pruned filters/units) off the crossbars. */
  dropZeroColumns: true,
  /**
   * Deployments of every network: 'conventional' (ADC, digital ReLU and max-pool, DAC between layers) and
   * 'idm', which stands for the paper's circuit units: the crossbar (in-memory computing unit) drives an
   * analog activation unit and an analog max-pooling unit, converters only at the network's ends.
   */
  schemes: ['conventional', 'idm'] as PruneQuantScheme[],
  tile: { rows: 128, cols: 128 },
  dacBits: 8,
  adcBits: 8,
  calibrationSamples: 128,
};

/** Deployment schemes the experiment compares (see `schemes` in the defaults). */
export type PruneQuantScheme = 'conventional' | 'idm';
export const PRUNE_QUANT_SCHEMES: readonly PruneQuantScheme[] = ['conventional', 'idm'];

export interface PruneQuantProgress {
  stage: 'data' | 'train' | 'prune' | 'quantize' | 'deploy';
  message: string;
}

export interface PruneQuantOptions extends TrainingOptions, CrossbarOptions, DataSourceOptions {
  seed: number;
  /** Target fractions of pruned weights, each in [0, 1). */
  sparsities?: number[];
  /** Weight bit-widths, each 1..8. */
  bits?: number[];
  /** 'element' (unstructured, default); 'column' (whole output units / conv filters); 'kernel'. */
  granularity?: PruneGranularity;
  /** Float training epochs. */
  epochs?: number;
  /** Gradual-pruning fine-tune epochs (the last one at the final sparsity when > 1). */
  pruneEpochs?: number;
  /** Quantization-aware fine-tune epochs. */
  quantEpochs?: number;
  fineTuneLr?: number;
  device?: string;
  /** Leave all-zero output columns off the crossbars (default true). */
  dropZeroColumns?: boolean;
  /** Deployment schemes, each network deployed with each (default conventional and idm). */
  schemes?: PruneQuantScheme[];
  /** MNIST splits to use instead of loading (tests). */
  data?: DatasetSplits;
  onProgress?: (p: PruneQuantProgress) => void;
}

export type ResolvedPruneQuantOptions = Resolved<PruneQuantOptions>;

export interface PruneQuantRow {
  /** Deployment scheme: conventional, or idm (the analog activation and max-pooling units). */
  scheme: PruneQuantScheme;
  /** Requested sparsity. */
  sparsity: number;
  /** Achieved: exactly-zero effective weights / weights (sparsity report, after quantization). */
  achievedSparsity: number;
  bits: number;
  /** Distinct weight values of the largest weight tensor (at most 2^bits - 1, or 2 + zero for 1 bit). */
  levels: number;
  softwareAccuracy: number;
  accuracy: MeanStd;
  chipAccuracies: number[];
  cells: CellCount;
  /** Joules per inference by component (cost model, chip 0's activity). */
  energy: EnergyBreakdown;
  /** Seconds per inference, stages one after another. */
  latency: number;
  /** Watts: energy per inference x inferences per second (sequential, 1 / latency). */
  power: number;
}

export interface PruneQuantResult {
  options: ResolvedPruneQuantOptions & { dataInjected: boolean };
  data: { train: number; test: number };
  floatAccuracy: number;
  /** Software accuracy after pruning fine-tune (float weights), per sparsity. */
  prunedAccuracy: { sparsity: number; accuracy: number; achievedSparsity: number }[];
  rows: PruneQuantRow[];
  /** Deployments not built, with why (idm with bit-sliced weights). */
  skipped: { scheme: PruneQuantScheme; sparsity: number; bits: number; reason: string }[];
  paperClaim: string;
  seconds: number;
}

const GRANULARITIES: readonly PruneGranularity[] = ['element', 'column', 'kernel'];

const P = 'prune-quant';

export function resolvePruneQuantOptions(opts: PruneQuantOptions): ResolvedPruneQuantOptions {
  const r: ResolvedPruneQuantOptions = { seed: opts.seed, ...withDefaults(opts, PRUNE_QUANT_DEFAULTS), dataDir: opts.dataDir };
  checkInt(P, 'seed', r.seed, 0, 2 ** 32 - 1);
  checkList(P, r.sparsities, {
    allowed: (s) => typeof s === 'number' && s >= 0 && s < 1, invalid: 'sparsities must be fractions from 0 to below 1', hint: 'e.g. --sparsities 0,0.5,0.9', item: 'sparsity',
  });
  checkList(P, r.bits, {
    allowed: (b) => Number.isInteger(b) && b >= 1 && b <= 8, invalid: 'weight bits must be whole numbers from 1 to 8', hint: 'e.g. --bits 8,4,2', item: 'bit-width',
  });
  checkList(P, r.schemes, {
    allowed: PRUNE_QUANT_SCHEMES, invalid: `schemes must be distinct names among ${PRUNE_QUANT_SCHEMES.join(', ')}`, hint: 'e.g. --schemes conventional,idm',
  });
  if (!GRANULARITIES.includes(r.granularity)) {
    throw new UserError(`prune-quant: granularity must be one of ${GRANULARITIES.join(', ')}, got ${JSON.stringify(r.granularity)}`, 'use --structured for column pruning');
  }
  checkInts(P, [
    ['chips', r.chips, 1], ['test', r.testSamples, 1], ['train', r.trainSamples, 1], ['epochs', r.epochs, 1], ['prune-epochs', r.pruneEpochs, 1],
    ['quant-epochs', r.quantEpochs, 1], ['batch-size', r.batchSize, 1], ['calibration-samples', r.calibrationSamples, 1],
    ['dac-bits', r.dacBits, 1, 24], ['adc-bits', r.adcBits, 1, 24],
  ]);
  checkPositive(P, 'lr', r.lr);
  checkPositive(P, 'fine-tune-lr', r.fineTuneLr);
  devicePreset(r.device); // unknown presets are UserErrors
  return r;
}

/** Hardware weight bits for k-bit weights (k = 1 needs one magnitude bit, i.e. weightBits 2). */
export function hardwareWeightBits(bits: number): number {
  return Math.max(2, bits);
}

/** RRAM crossbars holding k-bit weights on differential pairs, DAC and ADC around every layer. */
export function pruneQuantHardware(o: ResolvedPruneQuantOptions, bits: number): HardwareConfig {
  return {
    device: devicePreset(o.device),
    tile: { ...o.tile },
    mapping: 'differential',
    weightBits: hardwareWeightBits(bits),
    dropZeroColumns: o.dropZeroColumns,
    dac: { bits: o.dacBits, mode: 'amplitude', percentile: 1 },
    adc: { bits: o.adcBits, range: 'calibrated', percentile: 1 },
    wireResistance: 0,
  };
}

/** The network: LeNet-5 (src/nn/models.ts) for the dataset's shape; the same seed gives the same initial weights. */
export function buildLenet(data: DatasetSplits, seed: number): Sequential {
  return buildModel('lenet5', { inputShape: data.train.sampleShape, numClasses: data.train.numClasses, seed: hashSeed(seed, 'model') });
}

/** Quantization settings for k bits: mid-tread (zero a level) for k >= 2, mid-rise (+-s) for k = 1. */
export function quantizeFor(bits: number): { bits: number; grid: 'mid-tread' | 'mid-rise' } {
  return { bits, grid: bits === 1 ? 'mid-rise' : 'mid-tread' };
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

async function loadData(o: ResolvedPruneQuantOptions, opts: PruneQuantOptions): Promise<DatasetSplits> {
  return takeSplits(await loadLimited('mnist', o, dataEnv(opts.env, o.dataDir), opts.data), o);
}

function largestTensorLevels(model: Sequential): number {
  const r = sparsityReport(model);
  const big = r.layers.reduce((a, b) => (b.total > a.total ? b : a));
  return new Set(effectiveWeight(model.layer(big.layer), big.param)).size;
}

export async function runPruneQuantExperiment(opts: PruneQuantOptions): Promise<PruneQuantResult> {
  const o = resolvePruneQuantOptions(opts);
  const progress = opts.onProgress ?? (() => {});
  const t0 = performance.now();
  const data = await loadData(o, opts);
  progress({ stage: 'data', message: `MNIST: ${data.train.length} training and ${data.test.length} test samples` });
  const result: PruneQuantResult = {
    options: { ...o, dataInjected: opts.data !== undefined }, data: { train: data.train.length, test: data.test.length },
    floatAccuracy: NaN, prunedAccuracy: [], rows: [], skipped: [], paperClaim: PAPER_CLAIM, seconds: 0,
  };
  const fitOpts = (epochs: number, lr: number, label: string) => ({
    epochs, batchSize: o.batchSize, optimizer: { type: 'adam' as const, lr }, seed: hashSeed(o.seed, 'fit', label), progress: false,
  });
  const calibration = spread(data.train, o.calibrationSamples);
  const chipSeed = hashSeed(o.seed, 'chips');

  const float = buildLenet(data, o.seed);
  try {
    const h = await fit(float, data.train, fitOpts(o.epochs, o.lr, 'float'));
    result.floatAccuracy = (await evaluate(float, data.test)).accuracy;
    progress({ stage: 'train', message: `float LeNet-5: ${o.epochs} epochs in ${h.seconds.toFixed(1)} s, software accuracy ${pct(result.floatAccuracy)}` });

    for (const sparsity of o.sparsities) {
      const pruned = buildLenet(data, o.seed);
      try {
        copyParams(float, pruned);
        // the cubic schedule reaches the target after max(1, epochs - 1) epochs; the rest fine-tune at it
        const g = gradualPruning(pruned, { finalSparsity: sparsity, endEpoch: Math.max(1, o.pruneEpochs - 1), granularity: o.granularity });
        await fit(pruned, data.train, { ...fitOpts(o.pruneEpochs, o.fineTuneLr, `prune-${sparsity}`), onEpochEnd: g.onEpochEnd });
        const acc = (await evaluate(pruned, data.test)).accuracy;
        const achieved = sparsityReport(pruned).sparsity;
        result.prunedAccuracy.push({ sparsity, accuracy: acc, achievedSparsity: achieved });
        progress({ stage: 'prune', message: `sparsity ${pct(sparsity)} (${o.granularity}): achieved ${pct(achieved)}, software accuracy ${pct(acc)}` });

        for (const bits of o.bits) {
          const q = buildLenet(data, o.seed);
          try {
            pruneModel(q, { sparsity, granularity: o.granularity });
            copyParams(pruned, q);
            quantizeModel(q, quantizeFor(bits));
            await fit(q, data.train, fitOpts(o.quantEpochs, o.fineTuneLr, `quant-${sparsity}-${bits}`));
            const software = (await evaluate(q, data.test)).accuracy;
            const report = sparsityReport(q);
            for (const scheme of o.schemes) {
              const hw = pruneQuantHardware(o, bits);
              const slices = sliceLayout(hw).slices;
              if (scheme === 'idm' && slices > 1) {
                // an analog chain has no shift-add to recombine bit slices (src/deploy/idm.ts)
                const why = `${bits}-bit weights need ${slices} slices on ${o.device}'s ${hw.device.levels} levels`;
                result.skipped.push({ scheme, sparsity, bits, reason: why });
                progress({ stage: 'deploy', message: `sparsity ${pct(sparsity)}, ${bits} bits, ${scheme}: skipped (${why})` });
                continue;
              }
              const t = performance.now();
              const d = compile(q, hw, { scheme, calibration, calibrationSamples: calibration.length });
              const chips = Array.from({ length: o.chips }, (_, chip) => runChip(d, data.test, chip, { chips: [chip], seed: chipSeed }));
              const cost = estimateCost(d, chips[0].counters, chips[0].samples);
              const accs = chips.map((c) => c.accuracy);
              const row: PruneQuantRow = {
                scheme, sparsity, achievedSparsity: report.sparsity, bits, levels: largestTensorLevels(q), softwareAccuracy: software,
                accuracy: meanStd(accs), chipAccuracies: accs, cells: countCells(d), energy: cost.totals.energy,
                latency: cost.totals.latency, power: cost.totals.energy.total * cost.totals.inferencesPerSecond.sequential,
              };
              result.rows.push(row);
              progress({
                stage: 'deploy',
                message: `sparsity ${pct(sparsity)}, ${bits} bits, ${scheme}: software ${pct(software)}, chips ${pct(row.accuracy.mean)}; ` +
                  `${row.cells.nonZeroCells} non-zero cells of ${row.cells.cells}, ${(row.energy.total * 1e9).toPrecision(3)} nJ/inference (${((performance.now() - t) / 1000).toFixed(1)} s)`,
              });
            }
          } finally {
            q.dispose();
          }
        }
      } finally {
        pruned.dispose();
      }
    }
  } finally {
    float.dispose();
  }
  result.seconds = (performance.now() - t0) / 1000;
  return result;
}
