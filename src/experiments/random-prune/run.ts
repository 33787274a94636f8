/**
 * The random-pruning experiment (issue 6; "Pruning random resistive memory for optimizing analogue
 * AI", arXiv 2311.07164): per task, per simulated chip,
 * - supermask: a random network whose weights are one chip's one-shot formed differential pairs,
 *   trained by edge-popup masks only (50 % per tensor, the flip-threshold rule, read noise in every
 *   forward pass); pruned pairs read their reset state;
 * - baseline (a) readout: the same chip's random network, all edges kept, only the last layer
 *   trained in float and then programmed with write-verify (`rram` preset);
 * - baseline (b) conventional: the same architecture trained in float, every layer programmed with
 *   write-verify (`rram` preset) and read with its read noise.
 * Every run is a pure function of its options: seeds derive from (seed, task, chip index).
 */
import { join } from 'node:path';
import { Rng, hashSeed, tf, tidyData } from '../../engine/index.js';
import { type MaskDensity, type SupermaskTransform, maskDensity, setFlipThreshold, supermaskModel } from '../../compress/index.js';
import { type Dataset, type DatasetSplits, loadDataset, sampleSize, vesselFovMask } from '../../data/index.js';
import { type DeviceModel, devicePreset } from '../../device/index.js';
import { UserError } from '../../errors.js';
import { type OptimizerOptions, type Sequential, fit } from '../../nn/index.js';
import { AT_LEAST, type IntCheck, type IntWording, checkInt, checkInts } from '../common/options.js';
import { type MeanStd, meanStd } from '../common/stats.js';
import { prAuc, rocAuc } from './auc.js';
import { type ChipTensor, PRUNED_READS, type PrunedRead, loadRandomChip } from './chip.js';
import {
  type AnalogTensor, type InferenceEnergy, type ProgrammingAssumptions, type ProgrammingCost,
  addCosts, defaultProgrammingAssumptions, formingCost, inferenceEnergy, pulseCost, writeVerifyCost,
} from './energy.js';
import { ACTIVATION_BITS, RANDOM_PRUNE_TASKS, type RandomPruneTask, buildNetwork, readoutLayer } from './networks.js';
import { addReadNoise } from './read-noise.js';
import { programWriteVerify } from './write-verify.js';

/** The flip threshold's start and end per task (the authors' code: limit_size_start / limit_size_stop). */
export const FLIP_THRESHOLDS: Readonly<Record<RandomPruneTask, readonly [number, number]>> = {
  'fashion-mnist': [0.01, 0.007],
  fsdd: [0.009, 0.007],
  vessels: [0.001, 0.0008],
};

/** Adam learning rates of the baselines: (b) the whole float network, (a) the readout alone. */
export const CONVENTIONAL_LR = 1e-3;
export const READOUT_LR = 1e-2;

/** Reduced defaults for the 2-core budget (the paper trains 65 / 60 epochs). */
export const DEFAULT_EPOCHS: Readonly<Record<RandomPruneTask, number>> = { 'fashion-mnist': 3, fsdd: 15, vessels: 10 };
/** Batch sizes: the paper's code (60 FashionMNIST, 30 spoken digits); vessels our choice. */
export const DEFAULT_BATCH: Readonly<Record<RandomPruneTask, number>> = { 'fashion-mnist': 60, fsdd: 30, vessels: 8 };

export interface RandomPruneProgress {
  task: RandomPruneTask;
  chip: number;
  stage: 'data' | 'supermask' | 'readout' | 'conventional' | 'evaluate';
  epoch?: number;
  epochs?: number;
  loss?: number;
  message: string;
}

export interface RandomPruneOptions {
  task: RandomPruneTask | 'all';
  /** Seeds everything: scores, initialisation, shuffling, test-time reads. */
  seed: number;
  /** Number of simulated chips (each: new conductances, new mask training, new readout); default 1. */
  chips?: number;
  /** Seed of the first chip's cells (chip i uses chipSeed + i); default `seed`. */
  chipSeed?: number;
  /** Mask-training epochs; default DEFAULT_EPOCHS[task]. */
  epochs?: number;
  /** Epochs of the two baselines' float training; default `epochs`. */
  baselineEpochs?: number;
  /** First n samples of each split (vessels: images). */
  limit?: { train?: number; test?: number };
  /** Root holding `fashion-mnist/` and `fsdd/` (else the loaders' own lookup: XBARNET_* variables). */
  dataDir?: string;
  /** Datasets to use instead of loading (tests, custom data); same shapes as the loaders'. */
  data?: Partial<Record<RandomPruneTask, DatasetSplits>>;
  /** Kept fraction per weight tensor; default 0.5 (the paper's code). */
  density?: number;
  /** The hardware-friendly flip-threshold rule with the paper's decaying thresholds; default true. */
  flipRule?: boolean;
  /** Read-noise sigma per cell read; default the device preset's (1 %). */
  readNoise?: number;
  /** Read noise in training forward passes too; default true. */
  noiseDuringTraining?: boolean;
  /** Pruned pair read: 'pair' (default) or 'code' (see chip.ts). */
  prunedRead?: PrunedRead;
  /** Mask-training optimiser: 'sgd' (default: lr 0.1, momentum 0.9, cosine, the paper's) or 'adam' (lr 0.01). */
  optimizer?: 'sgd' | 'adam';
  batchSize?: number;
  /** Test samples the energy is measured on; default 100. */
  energySamples?: number;
  /** ADC resolution for the energy; default 8. */
  adcBits?: number;
  /** Programming assumptions (energy.ts); defaults `defaultProgrammingAssumptions`. */
  programming?: Partial<ProgrammingAssumptions>;
  /** Vessel network widths; default [16, 32, 16]. */
  vesselWidths?: number[];
  onProgress?: (p: RandomPruneProgress) => void;
}

/** Test metrics: accuracy for classification; pixel accuracy, PR AUC and ROC AUC (inside the FOV) for vessels. */
export interface Metrics {
  accuracy: number;
  prAuc?: number;
  rocAuc?: number;
}

export interface MethodResult {
  metrics: Metrics;
  /** Baselines: the same network before write-verify programming ((b): the float network, no chip at all). */
  beforeProgramming?: Metrics;
  energy: InferenceEnergy;
  programming: ProgrammingCost;
  trainSeconds: number;
}

export interface ChipResult {
  chip: number;
  chipSeed: number;
  supermask: MethodResult & { mask: MaskDensity; weightsUnchanged: boolean; finalFlipThreshold: number };
  readout: MethodResult;
  conventional: MethodResult;
}

export interface TaskResult {
  task: RandomPruneTask;
  train: number;
  test: number;
  epochs: number;
  baselineEpochs: number;
  chips: ChipResult[];
  /** Over chips: the main metric (accuracy, or PR AUC for vessels) and ROC AUC where defined. */
  summary: Record<'supermask' | 'readout' | 'conventional', {
    main: MeanStd;
    rocAuc?: MeanStd;
    /** The main metric before write-verify programming (baselines only). */
    beforeProgramming?: MeanStd;
    energy: MeanStd;
    programmingEnergy: MeanStd;
    programmingTime: MeanStd;
  }>;
  seconds: number;
}

export interface RandomPruneResult {
  options: Omit<RandomPruneOptions, 'onProgress' | 'data'> & { dataInjected: boolean };
  tasks: TaskResult[];
  seconds: number;
}

const P = 'random-prune';

/** `'chips' must be a whole number >= 1`, hints in the options' own names (`e.g. chips: 1`): the API, not the CLI. */
const WORDING: IntWording = { ...AT_LEAST, hint: (name, min) => `e.g. ${name}: ${Math.max(min, 1)}` };

function validate(opts: RandomPruneOptions): RandomPruneTask[] {
  const tasks = opts.task === 'all' ? [...RANDOM_PRUNE_TASKS] : [opts.task];
  if (!tasks.every((t) => RANDOM_PRUNE_TASKS.includes(t))) {
    throw new UserError(`random-prune: unknown task ${JSON.stringify(opts.task)}`, `use one of ${RANDOM_PRUNE_TASKS.join(', ')}, or all`);
  }
  checkInt(P, 'seed', opts.seed, 0, undefined, WORDING);
  const counts: IntCheck[] = [
    ['chips', opts.chips, 1], ['chipSeed', opts.chipSeed, 0], ['epochs', opts.epochs, 1], ['baselineEpochs', opts.baselineEpochs, 1],
    ['batchSize', opts.batchSize, 1], ['energySamples', opts.energySamples, 1], ['adcBits', opts.adcBits, 1],
  ];
  checkInts(P, counts.filter(([, v]) => v !== undefined), WORDING);
  if (opts.density !== undefined && !(opts.density > 0 && opts.density <= 1)) {
    throw new UserError(`random-prune: 'density' must be in (0, 1], got ${opts.density}`, 'e.g. density: 0.5');
  }
  if (opts.readNoise !== undefined && !(opts.readNoise >= 0)) throw new UserError(`random-prune: 'readNoise' must be >= 0, got ${opts.readNoise}`, 'e.g. readNoise: 0.01');
  if (opts.prunedRead !== undefined && !PRUNED_READS.includes(opts.prunedRead)) {
    throw new UserError(`random-prune: 'prunedRead' must be one of ${PRUNED_READS.join(', ')}`, "e.g. prunedRead: 'pair'");
  }
  if (opts.optimizer !== undefined && opts.optimizer !== 'sgd' && opts.optimizer !== 'adam') {
    throw new UserError(`random-prune: 'optimizer' must be 'sgd' or 'adam', got ${JSON.stringify(opts.optimizer)}`, "e.g. optimizer: 'sgd'");
  }
  return tasks;
}

async function loadTask(task: RandomPruneTask, opts: RandomPruneOptions): Promise<DatasetSplits> {
  const injected = opts.data?.[task];
  const limit = opts.limit;
  if (injected) {
    const cut = (ds: Dataset, n: number | undefined): Dataset => {
      if (n === undefined || n >= ds.length) return ds;
      const xs = sampleSize(ds.sampleShape);
      const ys = sampleSize(ds.labelShape);
      return { ...ds, length: n, x: ds.x.subarray(0, n * xs), y: ds.y.subarray(0, n * ys) };
    };
    return { train: cut(injected.train, limit?.train), test: cut(injected.test, limit?.test) };
  }
  const dir = (folder: string) => (opts.dataDir ? join(opts.dataDir, folder) : undefined);
  // Data seeds stay 0: the data are the benchmark, the experiment's seed varies the chip and training.
  if (task === 'fashion-mnist') return loadDataset('fashion-mnist', { dir: dir('fashion-mnist'), limit });
  if (task === 'fsdd') return loadDataset('fsdd', { dir: dir('fsdd'), split: 'paper', shape: 'paper', limit });
  return loadDataset('vessels', { limit });
}

/** Per-batch reads: one forward pass (one chip read) per batch, seeded by `rng`. */
function scoreModel(model: Sequential, ds: Dataset, rng: Rng, batchSize = 100): Metrics {
  const ctx = { training: false, rng };
  const xs = sampleSize(ds.sampleShape);
  if (model.task === 'classification') {
    let correct = 0;
    for (let s = 0; s < ds.length; s += batchSize) {
      const e = Math.min(ds.length, s + batchSize);
      const pred = tidyData(() => tf.argMax(model.forward(tf.tensor(ds.x.subarray(s * xs, e * xs), [e - s, ...model.inputShape]), ctx), 1));
      for (let i = 0; i < pred.length; i++) if (pred[i] === ds.y[s + i]) correct++;
    }
    return { accuracy: ds.length ? correct / ds.length : 0 };
  }
  const [h, w] = ds.labelShape;
  const fov = vesselFovMask(h, w);
  const inside = fov.reduce((a, b) => a + b, 0);
  const scores = new Float32Array(ds.length * inside);
  const labels = new Uint8Array(ds.length * inside);
  let k = 0;
  let correct = 0;
  for (let s = 0; s < ds.length; s += batchSize) {
    const e = Math.min(ds.length, s + batchSize);
    const p = tidyData(() => tf.softmax(model.forward(tf.tensor(ds.x.subarray(s * xs, e * xs), [e - s, ...model.inputShape]), ctx)));
    for (let n = 0; n < e - s; n++) {
      for (let i = 0; i < h * w; i++) {
        if (!fov[i]) continue;
        const prob = p[(n * h * w + i) * 2 + 1];
        const y = ds.y[(s + n) * h * w + i];
        scores[k] = prob;
        labels[k] = y;
        if ((prob > 0.5 ? 1 : 0) === y) correct++;
        k++;
      }
    }
  }
  return { accuracy: correct / k, prAuc: prAuc(scores, labels), rocAuc: rocAuc(scores, labels) };
}

function mainMetric(task: RandomPruneTask, m: Metrics): number {
  return task === 'vessels' ? (m.prAuc ?? NaN) : m.accuracy;
}

function storedWeights(model: Sequential, tensors: ChipTensor[]): Float32Array[] {
  return tensors.map((t) => (model.layer(t.layer).param(t.param).variable.dataSync() as Float32Array).slice());
}

function identical(a: Float32Array[], b: Float32Array[]): boolean {
  return a.length === b.length && a.every((x, i) => x.length === b[i].length && x.every((v, j) => Object.is(v, b[i][j])));
}

function rowsOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1) / shape[shape.length - 1];
}

function meanOf(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] + b[i];
  return s / (2 * a.length);
}

interface TaskContext {
  task: RandomPruneTask;
  data: DatasetSplits;
  opts: RandomPruneOptions;
  epochs: number;
  baselineEpochs: number;
  batchSize: number;
  bits: number;
  randomDevice: DeviceModel;
  verifyDevice: DeviceModel;
  sigmaRandom: number;
  sigmaVerify: number;
  assumptions: ProgrammingAssumptions;
  energyBatch: tf.Tensor;
  progress: (p: Omit<RandomPruneProgress, 'task'>) => void;
}

function sigmaOf(dev: DeviceModel, override: number | undefined): number {
  if (override !== undefined) return override;
  return dev.readNoise.kind === 'relative' ? dev.readNoise.sigmaRel : 0;
}

function energyOf(ctx: TaskContext, model: Sequential, analog: AnalogTensor[], device: DeviceModel): InferenceEnergy {
  return inferenceEnergy(model, ctx.energyBatch, analog, { device, dacBits: ctx.bits, adcBits: ctx.opts.adcBits });
}

function netOptions(ctx: TaskContext, seed: number) {
  return { seed, bits: ctx.bits, widths: ctx.opts.vesselWidths, inputShape: ctx.data.train.sampleShape };
}

async function runSupermask(ctx: TaskContext, chip: number, chipSeed: number): Promise<ChipResult['supermask']> {
  const { task, opts } = ctx;
  const seed = hashSeed(opts.seed, task, 'supermask', chip);
  const model = buildNetwork(task, netOptions(ctx, seed));
  try {
    const prunedRead = opts.prunedRead ?? 'pair';
    const loaded = loadRandomChip(model, { chipSeed, device: ctx.randomDevice, prunedRead });
    for (const t of loaded.tensors) {
      addReadNoise(model.layer(t.layer), t.param, { sigma: ctx.sigmaRandom, duringTraining: opts.noiseDuringTraining ?? true }).setNoiseScale(t.noiseScale);
    }
    const [thrStart, thrStop] = opts.flipRule === false ? [0, 0] : FLIP_THRESHOLDS[task];
    const masks: SupermaskTransform[] = supermaskModel(model, {
      density: opts.density ?? 0.5,
      seed,
      scaleOutput: true,
      prunedWeight: 'reset',
      flipThreshold: thrStart,
      // The authors' rule compares with the previous step's score.
      flipReference: 'step',
    });
    masks.forEach((m, i) => m.setResetWeight(loaded.tensors[i].resetWeight));
    const before = storedWeights(model, loaded.tensors);
    const optimizer: OptimizerOptions = opts.optimizer === 'adam' ? { type: 'adam', lr: 0.01 } : { type: 'sgd', lr: 0.1, momentum: 0.9 };
    const E = ctx.epochs;
    let threshold = thrStart;
    const t0 = performance.now();
    await fit(model, ctx.data.train, {
      epochs: E,
      batchSize: ctx.batchSize,
      optimizer,
      schedule: { type: 'cosine' },
      seed,
      progress: false,
      onEpochEnd: (log) => {
        // Linear decay from start (first epoch) to stop (last epoch).
        threshold = E > 1 ? thrStart + ((thrStop - thrStart) * Math.min(log.epoch, E - 1)) / (E - 1) : thrStart;
        setFlipThreshold(model, threshold);
        ctx.progress({ chip, stage: 'supermask', epoch: log.epoch, epochs: E, loss: log.loss, message: `mask epoch ${log.epoch}/${E} loss ${log.loss.toFixed(4)} train acc ${log.accuracy.toFixed(4)}` });
      },
    });
    const trainSeconds = (performance.now() - t0) / 1000;
    const weightsUnchanged = identical(before, storedWeights(model, loaded.tensors));
    ctx.progress({ chip, stage: 'evaluate', message: 'supermask: test reads' });
    const metrics = scoreModel(model, ctx.data.test, new Rng(hashSeed(opts.seed, task, 'test-reads', 'supermask', chip)));
    const mask = maskDensity(model);
    const analog: AnalogTensor[] = loaded.tensors.map((t, i) => {
      const m = masks[i].currentMask();
      const n = m.length;
      const gPlus = new Float32Array(n);
      const gMinus = new Float32Array(n);
      for (let j = 0; j < n; j++) {
        gPlus[j] = m[j] ? t.gASet[j] : t.gAReset[j];
        gMinus[j] = m[j] ? t.gBSet[j] : prunedRead === 'pair' ? t.gBReset[j] : t.gBSet[j];
      }
      return { layer: t.layer, param: t.param, gPlus, gMinus };
    });
    const energy = energyOf(ctx, model, analog, ctx.randomDevice);
    const cellsPerPrune = prunedRead === 'pair' ? 2 : 1;
    const programming = addCosts(
      ...loaded.tensors.map((t, i) => {
        const row = mask.layers[i];
        const meanSet = meanOf(t.gASet, t.gBSet);
        // Form every cell once; reset the pairs the initial mask prunes; one program op per later flip.
        const resets = (row.total - masks[i].k) * cellsPerPrune + row.flips * cellsPerPrune;
        return addCosts(formingCost(t.gASet, t.gBSet, rowsOf(t.shape), ctx.assumptions), pulseCost(resets, meanSet, ctx.assumptions));
      }),
    );
    return { metrics, energy, programming, trainSeconds, mask, weightsUnchanged, finalFlipThreshold: threshold };
  } finally {
    model.dispose();
  }
}

/**
 * Adam with cosine annealing for the baselines' float training (ctx.baselineEpochs epochs); progress
 * lines `${label} epoch e/n loss ... train acc ...` under `stage`.
 */
async function fitBaseline(ctx: TaskContext, model: Sequential, lr: number, seed: number, chip: number, stage: 'readout' | 'conventional', label: string): Promise<void> {
  await fit(model, ctx.data.train, {
    epochs: ctx.baselineEpochs,
    batchSize: ctx.batchSize,
    optimizer: { type: 'adam', lr },
    schedule: { type: 'cosine' },
    seed,
    progress: false,
    onEpochEnd: (log) => ctx.progress({ chip, stage, epoch: log.epoch, epochs: ctx.baselineEpochs, loss: log.loss, message: `${label} epoch ${log.epoch}/${ctx.baselineEpochs} loss ${log.loss.toFixed(4)} train acc ${log.accuracy.toFixed(4)}` }),
  });
}

/** Trains the float model of baseline (b) once per task; returns its effective weights per tensor. */
async function trainConventional(ctx: TaskContext): Promise<{ model: Sequential; seconds: number }> {
  const { task, opts } = ctx;
  const seed = hashSeed(opts.seed, task, 'conventional');
  const model = buildNetwork(task, netOptions(ctx, seed));
  const t0 = performance.now();
  await fitBaseline(ctx, model, CONVENTIONAL_LR, seed, -1, 'conventional', 'float');
  return { model, seconds: (performance.now() - t0) / 1000 };
}

function weightTensorList(model: Sequential): { layer: string; param: string; shape: number[] }[] {
  return model.layers.flatMap((l) => l.ownParameters().filter((p) => p.role === 'weight').map((p) => ({ layer: l.name, param: p.name, shape: [...p.variable.shape] })));
}

/** Programs every weight tensor of a trained float model with write-verify, adds read noise, evaluates. */
function deployConventional(ctx: TaskContext, trained: Sequential, trainSeconds: number, chip: number, chipSeed: number): MethodResult {
  const { task, opts } = ctx;
  const saved = new Map<string, Float32Array>();
  const analog: AnalogTensor[] = [];
  const costs: ProgrammingCost[] = [];
  try {
    const beforeProgramming = scoreModel(trained, ctx.data.test, new Rng(0));
    for (const t of weightTensorList(trained)) {
      const layer = trained.layer(t.layer);
      const v = layer.param(t.param).variable;
      const w = (v.dataSync() as Float32Array).slice();
      saved.set(`${t.layer}/${t.param}`, w);
      const p = programWriteVerify(w, ctx.verifyDevice, chipSeed, `${task}/${t.layer}/${t.param}`);
      tf.tidy(() => v.assign(tf.tensor(p.weight, v.shape, 'float32')));
      addReadNoise(layer, t.param, { sigma: ctx.sigmaVerify }).setNoiseScale(p.noiseScale);
      analog.push({ layer: t.layer, param: t.param, gPlus: p.gPlus, gMinus: p.gMinus });
      costs.push(writeVerifyCost(p.gPlus, p.gMinus, ctx.assumptions));
    }
    ctx.progress({ chip, stage: 'evaluate', message: 'conventional: test reads' });
    const metrics = scoreModel(trained, ctx.data.test, new Rng(hashSeed(opts.seed, task, 'test-reads', 'conventional', chip)));
    const energy = energyOf(ctx, trained, analog, ctx.verifyDevice);
    return { metrics, beforeProgramming, energy, programming: addCosts(...costs), trainSeconds };
  } finally {
    // Restore the float weights for the next chip's programming.
    for (const t of weightTensorList(trained)) {
      const layer = trained.layer(t.layer);
      layer.clearTransforms(t.param);
      const v = layer.param(t.param).variable;
      const w = saved.get(`${t.layer}/${t.param}`);
      if (w) tf.tidy(() => v.assign(tf.tensor(w, v.shape, 'float32')));
    }
  }
}

async function runReadout(ctx: TaskContext, chip: number, chipSeed: number): Promise<MethodResult> {
  const { task, opts } = ctx;
  const seed = hashSeed(opts.seed, task, 'readout', chip);
  const model = buildNetwork(task, netOptions(ctx, seed));
  try {
    const readout = readoutLayer(task);
    const hidden = weightTensorList(model).filter((t) => t.layer !== readout).map((t) => t.layer);
    const loaded = loadRandomChip(model, { chipSeed, device: ctx.randomDevice, layers: hidden });
    for (const t of loaded.tensors) {
      // All edges kept (density 1): output scale sigma / mean|w|, sigma = sqrt(2 / fan_in) (f = 1), applied to the stored weight.
      const layer = model.layer(t.layer);
      const v = layer.param(t.param).variable;
      let meanAbs = 0;
      for (const x of t.weight) meanAbs += Math.abs(x);
      meanAbs /= t.weight.length;
      const scale = Math.sqrt(2 / rowsOf(t.shape)) / meanAbs;
      tf.tidy(() => v.assign(tf.mul(v, scale)));
      addReadNoise(layer, t.param, { sigma: ctx.sigmaRandom, duringTraining: opts.noiseDuringTraining ?? true }).setNoiseScale(t.noiseScale.map((s) => s * scale));
    }
    const out = model.layer(readout);
    for (const p of model.params()) p.trainable = false;
    out.param('kernel').trainable = true;
    const t0 = performance.now();
    // One linear layer on fixed features: a larger step than the full network's (measured: 1e-3 underfits in 10 epochs).
    await fitBaseline(ctx, model, READOUT_LR, seed, chip, 'readout', 'readout');
    const trainSeconds = (performance.now() - t0) / 1000;
    const beforeProgramming = scoreModel(model, ctx.data.test, new Rng(hashSeed(opts.seed, task, 'test-reads', 'readout', chip)));
    const v = out.param('kernel').variable;
    const p = programWriteVerify((v.dataSync() as Float32Array).slice(), ctx.verifyDevice, chipSeed, `${task}/readout/${readout}`);
    tf.tidy(() => v.assign(tf.tensor(p.weight, v.shape, 'float32')));
    addReadNoise(out, 'kernel', { sigma: ctx.sigmaVerify }).setNoiseScale(p.noiseScale);
    ctx.progress({ chip, stage: 'evaluate', message: 'readout: test reads' });
    const metrics = scoreModel(model, ctx.data.test, new Rng(hashSeed(opts.seed, task, 'test-reads', 'readout', chip)));
    const analog: AnalogTensor[] = [
      ...loaded.tensors.map((t) => ({ layer: t.layer, param: t.param, gPlus: t.gASet, gMinus: t.gBSet })),
      { layer: readout, param: 'kernel', gPlus: p.gPlus, gMinus: p.gMinus },
    ];
    // Energy uses the chip's conductances; the hidden layers' digital output scale is counted like the supermask's.
    const energy = energyOf(ctx, model, analog, ctx.randomDevice);
    const programming = addCosts(...loaded.tensors.map((t) => formingCost(t.gASet, t.gBSet, rowsOf(t.shape), ctx.assumptions)), writeVerifyCost(p.gPlus, p.gMinus, ctx.assumptions));
    return { metrics, beforeProgramming, energy, programming, trainSeconds };
  } finally {
    model.dispose();
  }
}

function summarise(task: RandomPruneTask, chips: ChipResult[]): TaskResult['summary'] {
  const of = (k: 'supermask' | 'readout' | 'conventional') => {
    const rows = chips.map((c) => c[k]);
    return {
      main: meanStd(rows.map((r) => mainMetric(task, r.metrics))),
      ...(task === 'vessels' ? { rocAuc: meanStd(rows.map((r) => r.metrics.rocAuc ?? NaN)) } : {}),
      ...(rows.every((r) => r.beforeProgramming) ? { beforeProgramming: meanStd(rows.map((r) => mainMetric(task, r.beforeProgramming as Metrics))) } : {}),
      energy: meanStd(rows.map((r) => r.energy.total)),
      programmingEnergy: meanStd(rows.map((r) => r.programming.energy)),
      programmingTime: meanStd(rows.map((r) => r.programming.time)),
    };
  };
  return { supermask: of('supermask'), readout: of('readout'), conventional: of('conventional') };
}

async function runTask(task: RandomPruneTask, opts: RandomPruneOptions): Promise<TaskResult> {
  const t0 = performance.now();
  const progress = (p: Omit<RandomPruneProgress, 'task'>) => opts.onProgress?.({ task, ...p });
  progress({ chip: -1, stage: 'data', message: 'loading data' });
  const data = await loadTask(task, opts);
  if (data.train.length === 0 || data.test.length === 0) {
    throw new UserError(`random-prune ${task}: the train or test split is empty`, 'raise limit.train / limit.test');
  }
  const randomDevice = devicePreset('rram-random');
  const verifyDevice = devicePreset('rram');
  const nEnergy = Math.min(opts.energySamples ?? 100, data.test.length);
  const xs = sampleSize(data.test.sampleShape);
  const energyBatch = tf.tensor(data.test.x.subarray(0, nEnergy * xs), [nEnergy, ...data.test.sampleShape]);
  const ctx: TaskContext = {
    task,
    data,
    opts,
    epochs: opts.epochs ?? DEFAULT_EPOCHS[task],
    baselineEpochs: opts.baselineEpochs ?? opts.epochs ?? DEFAULT_EPOCHS[task],
    batchSize: opts.batchSize ?? DEFAULT_BATCH[task],
    bits: ACTIVATION_BITS[task],
    randomDevice,
    verifyDevice,
    sigmaRandom: sigmaOf(randomDevice, opts.readNoise),
    sigmaVerify: sigmaOf(verifyDevice, opts.readNoise),
    assumptions: { ...defaultProgrammingAssumptions(randomDevice), ...opts.programming },
    energyBatch,
    progress,
  };
  const chips: ChipResult[] = [];
  let conventional: { model: Sequential; seconds: number } | undefined;
  try {
    conventional = await trainConventional(ctx);
    for (let c = 0; c < (opts.chips ?? 1); c++) {
      const chipSeed = (opts.chipSeed ?? opts.seed) + c;
      const supermask = await runSupermask(ctx, c, chipSeed);
      const readout = await runReadout(ctx, c, chipSeed);
      const conv = deployConventional(ctx, conventional.model, conventional.seconds, c, chipSeed);
      chips.push({ chip: c, chipSeed, supermask, readout, conventional: conv });
    }
  } finally {
    conventional?.model.dispose();
    energyBatch.dispose();
  }
  return {
    task,
    train: data.train.length,
    test: data.test.length,
    epochs: ctx.epochs,
    baselineEpochs: ctx.baselineEpochs,
    chips,
    summary: summarise(task, chips),
    seconds: (performance.now() - t0) / 1000,
  };
}

/** Runs the experiment for one task or all; a pure function of the options (see the file comment). */
export async function runRandomPrune(opts: RandomPruneOptions): Promise<RandomPruneResult> {
  const tasks = validate(opts);
  const t0 = performance.now();
  const out: TaskResult[] = [];
  for (const task of tasks) out.push(await runTask(task, opts));
  const { onProgress: _p, data, ...rest } = opts;
  return { options: { ...rest, dataInjected: data !== undefined }, tasks: out, seconds: (performance.now() - t0) / 1000 };
}
