/**
 * One Monte Carlo point as a pure function of its task: load the model and data, compile, run one
 * chip. Runs in a WorkerPool thread or in the main thread alike; a thread keeps the compiled
 * deployment between its chips.
 */
import type { HardwareConfig } from '../crossbar/hardware.js';
import type { DatasetSplits } from '../data/dataset.js';
import { type DatasetName, type DatasetOptions, loadDataset } from '../data/index.js';
import { compile } from '../deploy/compile.js';
import type { Deployment } from '../deploy/deployment.js';
import type { AnalogChainOptions } from '../deploy/idm.js';
import { loadModel } from '../nn/io.js';
import { type ChipResult, runChip } from './simulate.js';

export interface MonteCarloSetup {
  /** A saved model (model.json + weights.bin). */
  modelDir: string;
  hardware: HardwareConfig;
  scheme: string;
  /** The dataset: calibration uses the first `calibrationSamples` training samples, evaluation the test split. */
  dataset: { name: DatasetName; options: Omit<DatasetOptions, 'env'> };
  calibrationSamples: number;
  /** Noise of the analog chain (idm scheme); defaults as in `compile`. */
  analog?: AnalogChainOptions;
  seed: number;
  driftSeconds: number;
  batchSize: number;
}

export interface MonteCarloTask extends MonteCarloSetup {
  chip: number;
}

let cached: { key: string; deployment: Deployment; data: DatasetSplits } | undefined;

/** Loads and compiles once per setup (per thread). */
export async function prepare(setup: MonteCarloSetup): Promise<{ deployment: Deployment; data: DatasetSplits }> {
  const key = JSON.stringify(setup, (_k, v) => (v === Infinity ? 'Infinity' : v));
  if (cached?.key === key) return cached;
  const model = await loadModel(setup.modelDir);
  const { limit, ...rest } = setup.dataset.options;
  const data = await loadDataset(setup.dataset.name, {
    ...rest,
    limit: { train: setup.calibrationSamples, test: limit?.test },
  });
  const deployment = compile(model, setup.hardware, {
    scheme: setup.scheme, calibration: data.train, calibrationSamples: setup.calibrationSamples, analog: setup.analog,
  });
  cached = { key, deployment, data };
  return cached;
}

export default async function runMonteCarloChip(task: MonteCarloTask): Promise<ChipResult> {
  const { deployment, data } = await prepare(task);
  return runChip(deployment, data.test, task.chip, { chips: [task.chip], seed: task.seed, driftSeconds: task.driftSeconds, batchSize: task.batchSize });
}
