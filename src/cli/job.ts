/**
 * The steps a training job is made of, shared by `train` and `run`: check names, load the data, build
 * the model, train it, test it. Each takes the validated config; none prints except through `io`.
 */
import { resolve } from 'node:path';
import { type JobConfig, didYouMean } from '../config/index.js';
import type { DatasetSplits } from '../data/dataset.js';
import { type DatasetName, type DatasetOptions, datasetNames, loadDataset, resolveDataDir } from '../data/index.js';
import { schemeNames } from '../deploy/compile.js';
import { initEngine } from '../engine/index.js';
import { UserError } from '../errors.js';
import {
  type EvalResult,
  type FitOptions,
  type History,
  type Sequential,
  buildModel,
  evaluate,
  fit,
  modelNames,
} from '../nn/index.js';
import { epochLine } from '../nn/progress.js';
import { type CliIO, processIO, say } from './io.js';

/** A UserError for a name that none of `known` matches, with a likely intended one. */
function unknownName(kind: string, name: string, key: string, known: readonly string[]): UserError {
  return new UserError(`unknown ${kind} '${name}' (${key})`, `${didYouMean(name, known)}Known ${kind}s: ${known.join(', ')}.`);
}

export function checkDatasetName(cfg: JobConfig): void {
  const known: readonly string[] = datasetNames();
  if (!known.includes(cfg.dataset.name)) throw unknownName('dataset', cfg.dataset.name, 'dataset.name', known);
}

/** Fails early, before any data is read, on a dataset, model or deployment scheme name nothing provides. */
export function checkNames(cfg: JobConfig): void {
  checkDatasetName(cfg);
  const known = modelNames();
  if (!known.includes(cfg.model.name)) throw unknownName('model', cfg.model.name, 'model.name', known);
  const schemes = schemeNames();
  if (!schemes.includes(cfg.simulation.scheme)) throw unknownName('scheme', cfg.simulation.scheme, 'simulation.scheme', schemes);
}

/** Starts the compute backend named in the config. */
export async function startEngine(cfg: JobConfig): Promise<void> {
  await initEngine(cfg.backend);
}

/** Loads the configured dataset (call `checkNames` first: the name is trusted here). */
export async function loadData(cfg: JobConfig, io: CliIO): Promise<DatasetSplits> {
  const { name, dir, problem, split, limit, options } = cfg.dataset;
  const cwd = io.cwd ?? process.cwd();
  return loadDataset(name as DatasetName, {
    ...options,
    dir: dir === undefined ? undefined : resolve(cwd, dir),
    problem,
    split,
    limit,
    seed: cfg.seed,
    env: io.env ?? process.env,
  });
}

/**
 * The dataset options a worker thread loads the same data with: the folder resolved here (from
 * the CLI's own environment and working folder), since a worker sees only the process's.
 */
export function workerDatasetOptions(cfg: JobConfig, io: CliIO): Omit<DatasetOptions, 'env'> {
  const { name, dir, problem, split, limit, options } = cfg.dataset;
  const cwd = io.cwd ?? process.cwd();
  let folder = dir === undefined ? undefined : resolve(cwd, dir);
  // every dataset but the generated vessel images is read from a folder
  if (name !== 'vessels') folder = resolveDataDir(name as Exclude<DatasetName, 'vessels'>, folder, io.env ?? process.env).dir;
  return { ...(options as Omit<DatasetOptions, 'env'>), dir: folder, problem, split, limit, seed: cfg.seed };
}

/** A freshly initialised model for the config, shaped for the data. */
export function buildFromConfig(cfg: JobConfig, data: DatasetSplits): Sequential {
  return buildModel(cfg.model.name, {
    ...cfg.model.options,
    inputShape: data.train.sampleShape,
    numClasses: data.train.numClasses,
    seed: cfg.seed,
  });
}

/** The training loop's options for the config (progress reporting aside). */
export function fitOptions(cfg: JobConfig): FitOptions {
  const t = cfg.training;
  return {
    epochs: t.epochs,
    batchSize: t.batchSize,
    optimizer: { type: t.optimizer, lr: t.lr, momentum: t.momentum, weightDecay: t.weightDecay },
    schedule: t.schedule.type === 'step' ? { ...t.schedule } : { type: t.schedule.type, warmupEpochs: t.schedule.warmupEpochs },
    seed: cfg.seed,
    augment: t.augment,
  };
}

/** Trains a new model for the config; one line per epoch (a progress bar on a real terminal). */
export async function trainModel(cfg: JobConfig, data: DatasetSplits, io: CliIO): Promise<{ model: Sequential; history: History }> {
  const model = buildFromConfig(cfg, data);
  say(io, `model ${model.name}: ${model.paramCount()} parameters; training ${cfg.training.epochs} epoch${cfg.training.epochs === 1 ? '' : 's'} on ${data.train.length} samples`);
  // nn's own reporter writes to process.stdout (a bar on a terminal); anything else gets plain lines.
  const real = io.stdout === processIO().stdout;
  const history = await fit(model, data.train, {
    ...fitOptions(cfg),
    progress: real,
    onEpochEnd: real ? undefined : (log) => say(io, epochLine({ ...log, epochs: cfg.training.epochs })),
  });
  return { model, history };
}

export async function testModel(model: Sequential, data: DatasetSplits, cfg: JobConfig): Promise<EvalResult> {
  return evaluate(model, data.test, { batchSize: Math.max(cfg.training.batchSize, 256) });
}

/** `98.76%` */
export function percent(x: number): string {
  return `${(100 * x).toFixed(2)}%`;
}
