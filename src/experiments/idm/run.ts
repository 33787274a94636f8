/**
 * The IDM experiment (issue 4; docs/idm.md): networks of growing depth, each trained once and
 * deployed on the same device under three schemes,
 * - `conventional`: DAC and ADC around every crossbar layer, ADC full scale calibrated per layer;
 * - `conventional-fixed`: the same with the ADC fixed at the largest possible column current (the
 *   "traditional" deployment of docs/idm.md);
 * - `idm`: crossbar layers cascaded in analog, converters only at the ends;
 * then N simulated chips per deployment (accuracy mean +- std), and the cost per inference from
 * chip 0's activity. The efficiency ratio of a scheme is its energy over the idm energy of the same
 * network (same operations). Every number is a pure function of the options: seeds derive from
 * `seed`, data subsets are fixed.
 */
import { type CostReport, defaultComponents, estimateCost } from '../../cost/index.js';
import type { HardwareConfig } from '../../crossbar/hardware.js';
import { type Dataset, type DatasetSplits, loadDataset } from '../../data/index.js';
import { compile } from '../../deploy/compile.js';
import type { AnalogChainOptions } from '../../deploy/idm.js';
import { devicePreset } from '../../device/index.js';
import { hashSeed } from '../../engine/index.js';
import { UserError, isUserError } from '../../errors.js';
import { type Sequential, evaluate, fit } from '../../nn/index.js';
import type { StageCounters } from '../../sim/analog.js';
import { runChip } from '../../sim/simulate.js';
import {
  AT_LEAST, type CrossbarOptions, type DataSourceOptions, type Resolved, type TrainingOptions, checkInt, checkInts, checkPositive, withDefaults,
} from '../common/options.js';
import { dataEnv, loadLimited, takeSplits } from '../common/data.js';
import type { TrainedModelRecord } from '../common/records.js';
import { type MeanStd, meanStd } from '../common/stats.js';
import { type Conversions, type EnergyParts, energyParts } from './breakdown.js';
import { type IdmFamily, buildCnn, buildRnn, describeCnn, describeRnn } from './networks.js';
import { prePad, spread } from './sequences.js';

/** The deployments compared, in table order. */
export const IDM_SCHEMES = [
  { id: 'conventional', scheme: 'conventional', adcRange: 'calibrated', label: 'conventional (calibrated ADC)' },
  { id: 'conventional-fixed', scheme: 'conventional', adcRange: 'fixed', label: 'conventional (fixed ADC)' },
  { id: 'idm', scheme: 'idm', adcRange: 'calibrated', label: 'idm' },
] as const;
export type IdmSchemeId = (typeof IDM_SCHEMES)[number]['id'];

/** The UEA problem of the RNN family. */
export const RNN_PROBLEM = 'JapaneseVowels';

/**
 * Defaults, chosen so the full sweep (6 CNNs, 3 RNNs, 3 deployments x 5 chips each) runs in a few
 * minutes on one core. Learning rates, epochs and batch sizes are our choices for that budget
 * (Adam: Kingma & Ba, ICLR 2015; CNN lr 3e-3 for 3 epochs reached 94-97 % test accuracy on MNIST,
 * where 1e-3 for 2 epochs stayed at 87-94 %).
 */
export const IDM_DEFAULTS = {
  cnnDepths: [1, 2, 3, 4, 5, 6],
  rnnDepths: [2, 3, 4],
  dataset: 'mnist' as 'mnist' | 'fashion-mnist',
  chips: 5,
  testSamples: 2000,
  trainSamples: 12000,
  epochs: 3,
  batchSize: 32,
  lr: 3e-3,
  channels: 8,
  rnnEpochs: 30,
  rnnBatchSize: 16,
  rnnLr: 3e-3,
  rnnUnits: 32,
  // tanh: the state stays bounded, so the recurrent amplifier's rail (calibrated on sample inputs) is not exceeded
  rnnActivation: 'tanh' as 'tanh' | 'relu',
  device: 'rram',
  tile: { rows: 128, cols: 128 },
  dacBits: 8,
  adcBits: 8,
  calibrationSamples: 256,
};

export interface IdmProgress {
  family: IdmFamily;
  depth?: number;
  stage: 'data' | 'train' | 'deploy' | 'skip';
  message: string;
}

export interface IdmOptions extends TrainingOptions, CrossbarOptions, DataSourceOptions {
  seed: number;
  /** Families to run; default both. */
  families?: IdmFamily[];
  cnnDepths?: number[];
  rnnDepths?: number[];
  dataset?: 'mnist' | 'fashion-mnist';
  /** Data root, read as XBARNET_DATA_DIR (mnist/, fashion-mnist/, sequences/ucr-uea/ under it). */
  dataDir?: string;
  /** Datasets to use instead of loading (tests, custom data); cnn: images, rnn: [time, features]. */
  data?: Partial<Record<IdmFamily, DatasetSplits>>;
  /** Test samples each chip runs (CNN: the first ones; RNN: evenly spread over the test split). */
  testSamples?: number;
  /** CNN training samples (the first ones). */
  trainSamples?: number;
  channels?: number;
  rnnEpochs?: number;
  rnnBatchSize?: number;
  rnnLr?: number;
  rnnUnits?: number;
  rnnActivation?: 'tanh' | 'relu';
  /** Device preset. */
  device?: string;
  /** Noise of the idm analog chain (compile's defaults when absent). */
  analog?: AnalogChainOptions;
  onProgress?: (p: IdmProgress) => void;
}

export type ResolvedIdmOptions = Resolved<IdmOptions, 'analog'>;

export interface IdmRow {
  family: IdmFamily;
  depth: number;
  network: string;
  scheme: IdmSchemeId;
  schemeLabel: string;
  accuracy: MeanStd;
  chipAccuracies: number[];
  /** Float network on the same test samples. */
  softwareAccuracy: number;
  /** Joules per inference. */
  energy: number;
  /** Seconds per inference (stages one after another). */
  latency: number;
  /** m^2. */
  area: number;
  topsPerWatt: number;
  opsPerInference: number;
  /** This scheme's energy over the idm energy of the same network (1 for idm). */
  ratio: number;
  parts: EnergyParts;
  conversions: Conversions;
  adcClippedFraction: number;
  /**
   * idm only: the energy per inference with the analog units priced at the digital ALU's energy per
   * operation instead of the analog sampler's (a sensitivity of the cost assumption, not a measurement).
   */
  energyAnalogUnitsAtDigitalOp?: number;
}

export interface IdmModelRecord extends TrainedModelRecord {
  family: IdmFamily;
  depth: number;
  network: string;
}

export interface IdmResult {
  options: ResolvedIdmOptions & { dataInjected: boolean };
  hardware: { device: string; tile: string; dacBits: number; adcBits: number; mapping: string };
  data: Partial<Record<IdmFamily, { name: string; train: number; test: number; sampleShape: number[]; numClasses: number }>>;
  models: IdmModelRecord[];
  rows: IdmRow[];
  skipped: { family: IdmFamily; reason: string }[];
  seconds: number;
}

const P = 'idm';

/** Largest depth accepted: deeper stacks add nothing the trend needs and cost minutes each. */
const MAX_DEPTH = 12;

export function resolveIdmOptions(opts: IdmOptions): ResolvedIdmOptions {
  const r: ResolvedIdmOptions = {
    seed: opts.seed,
    families: opts.families ?? ['cnn', 'rnn'],
    ...withDefaults(opts, IDM_DEFAULTS),
    dataDir: opts.dataDir,
    analog: opts.analog,
  };
  checkInt(P, 'seed', r.seed, 0, 2 ** 32 - 1, AT_LEAST);
  if (r.families.length === 0 || !r.families.every((f) => f === 'cnn' || f === 'rnn')) {
    throw new UserError(`idm: families must be cnn, rnn or both, got ${JSON.stringify(r.families)}`, 'e.g. families: [cnn]');
  }
  const depths = (name: string, list: number[], min: number) => {
    if (!Array.isArray(list) || list.length === 0) throw new UserError(`idm: '${name}' must list at least one depth`, `e.g. --${name} ${min},${min + 1}`);
    for (const v of list) checkInt(P, name, v, min, MAX_DEPTH, AT_LEAST);
    if (new Set(list).size !== list.length) throw new UserError(`idm: '${name}' lists a depth twice: ${list.join(',')}`, 'give each depth once');
  };
  if (r.families.includes('cnn')) depths('depths', r.cnnDepths, 1);
  if (r.families.includes('rnn')) depths('rnn-depths', r.rnnDepths, 2);
  if (r.dataset !== 'mnist' && r.dataset !== 'fashion-mnist') {
    throw new UserError(`idm: the CNN family runs on mnist or fashion-mnist, not '${String(r.dataset)}'`, 'use --dataset mnist or --dataset fashion-mnist');
  }
  if (r.rnnActivation !== 'tanh' && r.rnnActivation !== 'relu') {
    throw new UserError(`idm: rnn activation must be tanh or relu, got '${String(r.rnnActivation)}'`, 'e.g. tanh');
  }
  checkInts(P, [
    ['chips', r.chips, 1], ['test', r.testSamples, 1], ['train', r.trainSamples, 1], ['epochs', r.epochs, 1],
    ['batch-size', r.batchSize, 1], ['channels', r.channels, 1], ['rnn-epochs', r.rnnEpochs, 1], ['rnn-batch-size', r.rnnBatchSize, 1],
    ['rnn-units', r.rnnUnits, 1], ['calibration-samples', r.calibrationSamples, 1],
  ], AT_LEAST);
  for (const [name, v] of [['lr', r.lr], ['rnn-lr', r.rnnLr]] as const) checkPositive(P, name, v, `e.g. --${name} 0.001`);
  return r;
}

/** The same device and converters for every scheme; only the ADC range differs between the two baselines. */
export function idmHardware(o: ResolvedIdmOptions, adcRange: 'calibrated' | 'fixed'): HardwareConfig {
  return {
    device: devicePreset(o.device),
    tile: { ...o.tile },
    mapping: 'differential',
    // amplitude-coded inputs: an analog chain hands on one voltage per input, never bit planes
    dac: { bits: o.dacBits, mode: 'amplitude', percentile: 1 },
    adc: { bits: o.adcBits, range: adcRange, percentile: 1 },
    wireResistance: 0,
  };
}

interface FamilyData {
  splits: DatasetSplits;
  /** What the loader was asked for, for the record. */
  name: string;
}

async function familyData(family: IdmFamily, o: ResolvedIdmOptions, opts: IdmOptions): Promise<FamilyData> {
  const injected = opts.data?.[family];
  const env = dataEnv(opts.env, o.dataDir);
  if (family === 'cnn') {
    const splits = await loadLimited(o.dataset, o, env, injected);
    return { name: injected ? splits.train.name : o.dataset, splits: takeSplits(splits, o) };
  }
  const raw = injected ?? (await loadDataset('ucr', { problem: RNN_PROBLEM, env }));
  // the UEA files store cases class by class: an evenly spread test subset keeps every class
  return { name: injected ? raw.train.name : `ucr/${RNN_PROBLEM}`, splits: { train: prePad(raw.train), test: spread(prePad(raw.test), o.testSamples) } };
}

function build(family: IdmFamily, depth: number, o: ResolvedIdmOptions, train: Dataset): { model: Sequential; network: string } {
  const seed = hashSeed(o.seed, 'model', family, depth);
  const common = { depth, inputShape: train.sampleShape, numClasses: train.numClasses, seed };
  if (family === 'cnn') return { model: buildCnn({ ...common, channels: o.channels }), network: describeCnn(depth, o.channels) };
  return {
    model: buildRnn({ ...common, units: o.rnnUnits, activation: o.rnnActivation }),
    network: describeRnn(depth, o.rnnUnits, o.rnnActivation),
  };
}

function conversions(counters: StageCounters, n: number): Conversions {
  const c = { dac: 0, adc: 0, tia: 0, analogOps: 0, digitalOps: 0 };
  for (const s of Object.values(counters)) {
    c.dac += s.dacConversions;
    c.adc += s.adcConversions;
    c.tia += s.tiaConversions;
    c.analogOps += s.analogOps;
    c.digitalOps += s.digitalOps;
  }
  return { dac: c.dac / n, adc: c.adc / n, tia: c.tia / n, analogOps: c.analogOps / n, digitalOps: c.digitalOps / n };
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
const nj = (j: number) => `${(j * 1e9).toPrecision(3)} nJ`;

/** One network under every scheme: rows in IDM_SCHEMES order, ratios filled in. */
function deployAll(
  family: IdmFamily, depth: number, network: string, model: Sequential, data: DatasetSplits, softwareAccuracy: number,
  o: ResolvedIdmOptions, progress: (p: IdmProgress) => void,
): IdmRow[] {
  const calibration = spread(data.train, o.calibrationSamples);
  const rows: IdmRow[] = [];
  // chip i has the same seed under every scheme: the same programmed cells (programming is seeded
  // per stage name, and the stage names do not change), so the schemes are compared on the same chips
  const seed = hashSeed(o.seed, 'chips', family, depth);
  for (const s of IDM_SCHEMES) {
    const t0 = performance.now();
    const hw = idmHardware(o, s.adcRange);
    const deployment = compile(model, hw, { scheme: s.scheme, calibration, calibrationSamples: calibration.length, analog: o.analog });
    const chips = Array.from({ length: o.chips }, (_, chip) => runChip(deployment, data.test, chip, { chips: [chip], seed }));
    const n = chips[0].samples;
    const report: CostReport = estimateCost(deployment, chips[0].counters, n);
    const accs = chips.map((c) => c.accuracy);
    const row: IdmRow = {
      family, depth, network, scheme: s.id, schemeLabel: s.label,
      accuracy: meanStd(accs), chipAccuracies: accs, softwareAccuracy,
      energy: report.totals.energy.total, latency: report.totals.latency, area: report.totals.area.total,
      topsPerWatt: report.totals.topsPerWatt, opsPerInference: report.totals.ops, ratio: NaN,
      parts: energyParts(report), conversions: conversions(chips[0].counters, n), adcClippedFraction: report.totals.adcClippedFraction,
    };
    if (s.id === 'idm') {
      const lib = defaultComponents();
      const alt = estimateCost(deployment, chips[0].counters, n, { components: { analogUnit: { energy: lib.digital.energy } } });
      row.energyAnalogUnitsAtDigitalOp = alt.totals.energy.total;
    }
    rows.push(row);
    const spreadText = o.chips > 1 ? ` ± ${pct(row.accuracy.std)}` : '';
    progress({
      family, depth, stage: 'deploy',
      message: `${family} L=${depth} ${s.label}: accuracy ${pct(row.accuracy.mean)}${spreadText} over ${o.chips} chip${o.chips === 1 ? '' : 's'} x ${n} samples; ` +
        `${nj(row.energy)}/inference (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    });
  }
  const idm = rows.find((r) => r.scheme === 'idm')!;
  for (const r of rows) r.ratio = r.energy / idm.energy;
  return rows;
}

export async function runIdmExperiment(opts: IdmOptions): Promise<IdmResult> {
  const o = resolveIdmOptions(opts);
  const progress = opts.onProgress ?? (() => {});
  const t0 = performance.now();
  const result: IdmResult = {
    options: { ...o, dataInjected: opts.data !== undefined },
    hardware: {
      device: o.device, tile: `${o.tile.rows}x${o.tile.cols}`, dacBits: o.dacBits, adcBits: o.adcBits, mapping: 'differential',
    },
    data: {},
    models: [],
    rows: [],
    skipped: [],
    seconds: 0,
  };
  // the hardware is checked before any training
  for (const s of IDM_SCHEMES) idmHardware(o, s.adcRange);
  for (const family of o.families) {
    let data: FamilyData;
    try {
      data = await familyData(family, o, opts);
    } catch (e) {
      // the sequence set is optional: without it the CNN family still runs
      if (family === 'rnn' && isUserError(e)) {
        const reason = `${RNN_PROBLEM} not available (${e.message.replace(/\.$/, '')}); point --data-dir or XBARNET_DATA_DIR at a folder holding sequences/ucr-uea/${RNN_PROBLEM}/`;
        result.skipped.push({ family, reason });
        progress({ family, stage: 'skip', message: `rnn family skipped: ${reason}` });
        continue;
      }
      throw e;
    }
    const { train, test } = data.splits;
    result.data[family] = { name: data.name, train: train.length, test: test.length, sampleShape: [...train.sampleShape], numClasses: train.numClasses };
    progress({ family, stage: 'data', message: `${family}: ${data.name}, ${train.length} training and ${test.length} test samples of shape ${JSON.stringify(train.sampleShape)}` });
    const depths = family === 'cnn' ? o.cnnDepths : o.rnnDepths;
    for (const depth of depths) {
      const { model, network } = build(family, depth, o, train);
      try {
        const epochs = family === 'cnn' ? o.epochs : o.rnnEpochs;
        const history = await fit(model, train, {
          epochs,
          batchSize: family === 'cnn' ? o.batchSize : o.rnnBatchSize,
          optimizer: { type: 'adam', lr: family === 'cnn' ? o.lr : o.rnnLr },
          seed: hashSeed(o.seed, 'fit', family, depth),
          progress: false,
        });
        const software = await evaluate(model, test);
        const record: IdmModelRecord = {
          family, depth, network, params: model.paramCount(), trainSamples: train.length, epochs,
          trainAccuracy: history.epochs[history.epochs.length - 1].accuracy, softwareAccuracy: software.accuracy, trainSeconds: history.seconds,
        };
        result.models.push(record);
        progress({
          family, depth, stage: 'train',
          message: `${family} L=${depth} (${network}, ${record.params} parameters): trained ${epochs} epoch${epochs === 1 ? '' : 's'} on ${train.length} samples in ` +
            `${record.trainSeconds.toFixed(1)} s; software accuracy ${pct(software.accuracy)}`,
        });
        result.rows.push(...deployAll(family, depth, network, model, data.splits, software.accuracy, o, progress));
      } finally {
        model.dispose();
      }
    }
  }
  result.seconds = (performance.now() - t0) / 1000;
  return result;
}
