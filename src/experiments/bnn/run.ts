/**
 * The BNN experiment (issue 5 part 1; docs/bnn.md): for each network, a float and a binary variant
 * of the same architecture are trained on the same data; the BNN is deployed with the `bnn` scheme
 * on binary cells (programming variation, then stuck-at faults), and the float network with the
 * conventional scheme on multi-level RRAM with 8-bit converters. Each deployment runs on N chips
 * (accuracy mean +- std); cells, energy and latency per inference come from chip 0's activity. An
 * ideal-device bnn deployment checks the fold: it must reproduce the BNN's software accuracy.
 * Every number is a pure function of the options (seeds derive from `seed`, subsets are fixed).
 */
import { type EnergyBreakdown, estimateCost } from '../../cost/index.js';
import type { HardwareConfig } from '../../crossbar/hardware.js';
import type { DatasetSplits } from '../../data/index.js';
import { nonBinaryLayers } from '../../deploy/bnn.js';
import { compile } from '../../deploy/compile.js';
import { type Deployment, analogStages } from '../../deploy/deployment.js';
import { type DeviceModel, devicePreset } from '../../device/index.js';
import { hashSeed } from '../../engine/index.js';
import { UserError } from '../../errors.js';
import { type Sequential, evaluate, fit } from '../../nn/index.js';
import { runChip } from '../../sim/simulate.js';
import { dataEnv, loadLimited, takeSplits } from '../common/data.js';
import {
  type CrossbarOptions, type DataSourceOptions, type Resolved, type TrainingOptions, checkInt, checkInts, checkList, checkPositive, withDefaults,
} from '../common/options.js';
import type { TrainedModelRecord } from '../common/records.js';
import { type MeanStd, meanStd } from '../common/stats.js';
import { spread } from '../idm/sequences.js';
import { PAPER_CLAIM } from './format.js';
import { BNN_NETWORKS, type BnnNetwork, type BnnVariant, NETWORK_DATASET, buildBnnNetwork, describeBnnNetwork } from './networks.js';

/**
 * Defaults sized for a run of a few minutes on two shared cores (our choices, not the paper's:
 * its training setup is not public). Adam (Kingma & Ba, ICLR 2015) at 3e-3 as in the IDM
 * experiment; the BNN at the same rate trains its latent weights through the clipped STE.
 * Fault rates 0, 1 %, 5 %: MNSIM 2.0 SimConfig.ini's 1 % stuck-at-LRS and a harsher case.
 */
export const BNN_DEFAULTS = {
  networks: ['mlp', 'cnn'] as BnnNetwork[],
  lastLayer: 'float' as 'float' | 'binary',
  chips: 5,
  testSamples: 2000,
  trainSamples: 20000,
  epochs: 5,
  batchSize: 64,
  lr: 3e-3,
  faults: [0, 0.01, 0.05],
  bnnDevice: 'binary',
  /** The BNN's non-binary layers (float classifier) on multi-level cells, as a memristive BNN keeps them. */
  floatLayerDevice: 'rram',
  conventionalDevice: 'rram',
  tile: { rows: 128, cols: 128 },
  dacBits: 8,
  adcBits: 8,
  calibrationSamples: 256,
};

export type BnnDeploymentKind = 'software' | 'bnn-ideal' | 'bnn-exact' | 'bnn' | 'conventional';

export interface BnnProgress {
  network: BnnNetwork;
  stage: 'data' | 'train' | 'deploy';
  message: string;
}

export interface BnnOptions extends TrainingOptions, CrossbarOptions, DataSourceOptions {
  seed: number;
  /** Default mlp and cnn (MNIST); vgg is the CIFAR-10 network, too slow for the default budget. */
  networks?: BnnNetwork[];
  /** Precision of the BNN's classifier (default 'float'). */
  lastLayer?: 'float' | 'binary';
  /** Stuck-at fault rates; a rate f puts f/2 of the cells at gMin and f/2 at gMax. */
  faults?: number[];
  bnnDevice?: string;
  /** Device of the BNN's non-binary crossbar layers (default rram; the bnn device puts them on binary cells too). */
  floatLayerDevice?: string;
  conventionalDevice?: string;
  /** Datasets to use instead of loading (tests). */
  data?: Partial<Record<'mnist' | 'cifar10', DatasetSplits>>;
  onProgress?: (p: BnnProgress) => void;
}

export type ResolvedBnnOptions = Resolved<BnnOptions>;

/** Crossbar resources of a deployment. */
export interface BnnCells {
  tiles: number;
  /** e.g. 128x128. */
  tileShape: string;
  /** Physical cells in the tiles used (tiles x rows x cols). */
  tileCells: number;
  /** Cells holding a weight (both cells of each differential pair). */
  programmedCells: number;
  /** Crossbar stages whose columns end in sense amplifiers (batch norm + sign folded). */
  senseAmpStages: number;
  /** Crossbar stages whose columns end in ADCs. */
  adcStages: number;
}

export interface BnnRow {
  network: BnnNetwork;
  networkLabel: string;
  variant: BnnVariant;
  deployment: BnnDeploymentKind;
  /** Device preset ('-' for software). */
  device: string;
  /** Stuck-at fault rate (fraction of cells). */
  faultRate: number;
  accuracy: MeanStd;
  chipAccuracies: number[];
  /** The deployed network's software accuracy on the same test samples. */
  softwareAccuracy: number;
  cells?: BnnCells;
  /** Joules per inference by component (from the cost model, chip 0). */
  energy?: EnergyBreakdown;
  /** Seconds per inference, stages one after another. */
  latency?: number;
  /** Mean stuck cells per chip. */
  stuckCells?: number;
}

export interface BnnModelRecord extends TrainedModelRecord {
  network: BnnNetwork;
  variant: BnnVariant;
}

export interface BnnResult {
  options: ResolvedBnnOptions & { dataInjected: boolean };
  data: Partial<Record<BnnNetwork, { name: string; train: number; test: number }>>;
  models: BnnModelRecord[];
  rows: BnnRow[];
  /** The paper's qualitative claims, a reference string (docs/sources.md section 9). */
  paperClaim: string;
  seconds: number;
}

const P = 'bnn';

export function resolveBnnOptions(opts: BnnOptions): ResolvedBnnOptions {
  const r: ResolvedBnnOptions = { seed: opts.seed, ...withDefaults(opts, BNN_DEFAULTS), dataDir: opts.dataDir };
  checkInt(P, 'seed', r.seed, 0, 2 ** 32 - 1);
  checkList(P, r.networks, { allowed: BNN_NETWORKS, invalid: `networks must be some of ${BNN_NETWORKS.join(', ')}`, hint: 'e.g. --networks mlp,cnn', item: 'network' });
  if (r.lastLayer !== 'float' && r.lastLayer !== 'binary') throw new UserError(`bnn: last layer must be float or binary, got '${String(r.lastLayer)}'`, 'e.g. --last-layer float');
  checkInts(P, [
    ['chips', r.chips, 1], ['test', r.testSamples, 1], ['train', r.trainSamples, 1], ['epochs', r.epochs, 1], ['batch-size', r.batchSize, 1],
    ['calibration-samples', r.calibrationSamples, 1], ['dac-bits', r.dacBits, 1, 24], ['adc-bits', r.adcBits, 1, 24],
  ]);
  checkPositive(P, 'lr', r.lr);
  checkList(P, r.faults, {
    allowed: (f) => typeof f === 'number' && f >= 0 && f <= 1, invalid: 'fault rates must be fractions of cells from 0 to 1', hint: 'e.g. --faults 0,0.01,0.05', item: 'fault rate',
  });
  // unknown presets are UserErrors from devicePreset
  devicePreset(r.bnnDevice);
  devicePreset(r.floatLayerDevice);
  devicePreset(r.conventionalDevice);
  return r;
}

/** A stuck-at fault rate f split evenly: f/2 of the cells stuck at gMin, f/2 at gMax (our choice). */
function faultyDevice(name: string, rate: number) {
  return devicePreset(name, { stuckAtMin: rate / 2, stuckAtMax: rate / 2 });
}

function baseHardware(o: ResolvedBnnOptions, device: DeviceModel): HardwareConfig {
  return {
    device,
    tile: { ...o.tile },
    mapping: 'differential',
    dac: { bits: o.dacBits, mode: 'amplitude', percentile: 1 },
    adc: { bits: o.adcBits, range: 'calibrated', percentile: 1 },
    wireResistance: 0,
  };
}

/**
 * Hardware of the bnn deployment: binary cells as differential pairs for the +-1 layers; the
 * non-binary layers `floatLayers` (the float classifier) on `floatLayerDevice` cells (a per-layer
 * device, `hardware.layers`), the same fault rate everywhere. The DAC drives the first layer's
 * pixels, the ADC reads the float classifier.
 */
export function bnnHardware(o: ResolvedBnnOptions, faultRate: number, floatLayers: string[] = []): HardwareConfig {
  const hw = baseHardware(o, faultyDevice(o.bnnDevice, faultRate));
  if (floatLayers.length === 0 || o.floatLayerDevice === o.bnnDevice) return hw;
  const device = faultyDevice(o.floatLayerDevice, faultRate);
  return { ...hw, layers: Object.fromEntries(floatLayers.map((name) => [name, { device }])) };
}

/** The 8-bit conventional baseline: analog weights on multi-level cells, DAC and ADC around every layer. */
export function conventionalHardware(o: ResolvedBnnOptions, faultRate: number): HardwareConfig {
  return baseHardware(o, faultyDevice(o.conventionalDevice, faultRate));
}

/** `binary; out: rram`: the hardware's device, then each layer on another device. */
export function describeDevices(hw: HardwareConfig): string {
  const own = Object.entries(hw.layers ?? {}).filter(([, l]) => l.device).map(([name, l]) => `${name}: ${l.device!.name}`);
  return [hw.device.name, ...own].join('; ');
}

/**
 * The diagnostic between the fold check and the real chip: binary cells without programming
 * variation, read noise or faults, the non-binary layers on their real (varying) device. What it
 * loses against the software BNN is the multi-level layers' share; the rest of the bnn rows' loss
 * is the binary cells' variation.
 */
export function exactBinaryCellsHardware(o: ResolvedBnnOptions, floatLayers: string[]): HardwareConfig {
  const exact = devicePreset(o.bnnDevice, { name: `${o.bnnDevice} without variation`, programming: { kind: 'none' }, readNoise: { kind: 'none' } });
  return { ...bnnHardware(o, 0, floatLayers), device: exact };
}

/** The fold check: every non-ideality off and 24-bit converters, so only the fold itself could change an output. */
export function idealBnnHardware(o: ResolvedBnnOptions): HardwareConfig {
  return {
    ...baseHardware(o, devicePreset('ideal')),
    dac: { bits: 24, mode: 'amplitude', percentile: 1 },
    adc: { bits: 24, range: 'calibrated', percentile: 1 },
  };
}

export function deploymentCells(d: Deployment): BnnCells {
  const { rows, cols } = d.hardware.tile;
  const stages = analogStages(d);
  let tiles = 0;
  let programmed = 0;
  for (const s of stages) {
    tiles += s.plan.tiles;
    programmed += Math.round(s.plan.utilization * s.plan.tiles * rows * cols);
  }
  return {
    tiles, tileShape: `${rows}x${cols}`, tileCells: tiles * rows * cols, programmedCells: programmed,
    senseAmpStages: stages.filter((s) => s.senseAmp !== undefined).length,
    adcStages: stages.filter((s) => s.adcAtOutput).length,
  };
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

interface Deploy {
  network: BnnNetwork;
  variant: BnnVariant;
  deployment: Exclude<BnnDeploymentKind, 'software'>;
  faultRate: number;
  hw: HardwareConfig;
  chips: number;
}

function deployRow(model: Sequential, data: DatasetSplits, software: number, job: Deploy, o: ResolvedBnnOptions, progress: (p: BnnProgress) => void): BnnRow {
  const t0 = performance.now();
  const calibration = spread(data.train, o.calibrationSamples);
  const scheme = job.variant === 'bnn' ? 'bnn' : 'conventional';
  const d = compile(model, job.hw, { scheme, calibration, calibrationSamples: calibration.length });
  // chip i has the same seed in every deployment of a network: the same draws for the same cells
  const seed = hashSeed(o.seed, 'chips', job.network);
  const chips = Array.from({ length: job.chips }, (_, chip) => runChip(d, data.test, chip, { chips: [chip], seed }));
  const report = estimateCost(d, chips[0].counters, chips[0].samples);
  const accs = chips.map((c) => c.accuracy);
  const row: BnnRow = {
    network: job.network, networkLabel: describeBnnNetwork(job.network), variant: job.variant, deployment: job.deployment,
    device: describeDevices(job.hw), faultRate: job.faultRate, accuracy: meanStd(accs), chipAccuracies: accs, softwareAccuracy: software,
    cells: deploymentCells(d),
    // the fold check's 24-bit converters price nothing real: no energy or latency for it
    ...(job.deployment !== 'bnn-ideal' && { energy: report.totals.energy, latency: report.totals.latency }),
    stuckCells: chips.reduce((a, c) => a + c.stuckCells, 0) / chips.length,
  };
  const spreadText = job.chips > 1 ? ` ± ${pct(row.accuracy.std)}` : '';
  progress({
    network: job.network, stage: 'deploy',
    message: `${job.network} ${job.deployment} on ${row.device}, faults ${pct(job.faultRate)}: accuracy ${pct(row.accuracy.mean)}${spreadText} over ${job.chips} chip${job.chips === 1 ? '' : 's'} ` +
      `(software ${pct(software)})${row.energy ? `; ${(row.energy.total * 1e9).toPrecision(3)} nJ/inference` : ''} (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  });
  return row;
}

async function networkData(network: BnnNetwork, o: ResolvedBnnOptions, opts: BnnOptions): Promise<{ name: string; splits: DatasetSplits }> {
  const dataset = NETWORK_DATASET[network];
  const injected = opts.data?.[dataset];
  const splits = await loadLimited(dataset, o, dataEnv(opts.env, o.dataDir), injected);
  return { name: injected ? splits.train.name : dataset, splits: takeSplits(splits, o) };
}

export async function runBnnExperiment(opts: BnnOptions): Promise<BnnResult> {
  const o = resolveBnnOptions(opts);
  const progress = opts.onProgress ?? (() => {});
  const t0 = performance.now();
  const result: BnnResult = { options: { ...o, dataInjected: opts.data !== undefined }, data: {}, models: [], rows: [], paperClaim: PAPER_CLAIM, seconds: 0 };
  for (const network of o.networks) {
    const { name, splits } = await networkData(network, o, opts);
    result.data[network] = { name, train: splits.train.length, test: splits.test.length };
    progress({ network, stage: 'data', message: `${network}: ${name}, ${splits.train.length} training and ${splits.test.length} test samples` });
    const trained: Partial<Record<BnnVariant, { model: Sequential; software: number }>> = {};
    try {
      for (const variant of ['float', 'bnn'] as const) {
        const model = buildBnnNetwork({
          network, variant, inputShape: splits.train.sampleShape, numClasses: splits.train.numClasses,
          seed: hashSeed(o.seed, 'model', network), lastLayer: o.lastLayer,
        });
        const entry = { model, software: NaN };
        trained[variant] = entry;
        const history = await fit(model, splits.train, {
          epochs: o.epochs, batchSize: o.batchSize, optimizer: { type: 'adam', lr: o.lr }, seed: hashSeed(o.seed, 'fit', network), progress: false,
        });
        const software = (await evaluate(model, splits.test)).accuracy;
        entry.software = software;
        const record: BnnModelRecord = {
          network, variant, params: model.paramCount(), trainSamples: splits.train.length, epochs: o.epochs,
          trainAccuracy: history.epochs[history.epochs.length - 1].accuracy, softwareAccuracy: software, trainSeconds: history.seconds,
        };
        result.models.push(record);
        result.rows.push({
          network, networkLabel: describeBnnNetwork(network), variant, deployment: 'software', device: '-', faultRate: 0,
          accuracy: meanStd([software]), chipAccuracies: [], softwareAccuracy: software,
        });
        progress({ network, stage: 'train', message: `${network} ${variant}: trained ${o.epochs} epoch${o.epochs === 1 ? '' : 's'} in ${record.trainSeconds.toFixed(1)} s; software accuracy ${pct(software)}` });
      }
      const bnn = trained.bnn!;
      const float = trained.float!;
      const floatLayers = nonBinaryLayers(bnn.model);
      const jobs: Deploy[] = [
        { network, variant: 'bnn', deployment: 'bnn-ideal', faultRate: 0, hw: idealBnnHardware(o), chips: 1 },
        { network, variant: 'bnn', deployment: 'bnn-exact', faultRate: 0, hw: exactBinaryCellsHardware(o, floatLayers), chips: o.chips },
        ...o.faults.map((f): Deploy => ({ network, variant: 'bnn', deployment: 'bnn', faultRate: f, hw: bnnHardware(o, f, floatLayers), chips: o.chips })),
        ...o.faults.map((f): Deploy => ({ network, variant: 'float', deployment: 'conventional', faultRate: f, hw: conventionalHardware(o, f), chips: o.chips })),
      ];
      for (const job of jobs) {
        const t = job.variant === 'bnn' ? bnn : float;
        result.rows.push(deployRow(t.model, splits, t.software, job, o, progress));
      }
    } finally {
      for (const t of Object.values(trained)) t.model.dispose();
    }
  }
  result.seconds = (performance.now() - t0) / 1000;
  return result;
}
