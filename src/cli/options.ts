/**
 * Command-line flags that override the job config. Each flag maps to one config path; values are
 * only parsed here (numbers, key=value), and validated with the rest of the config so that a bad
 * value is reported with its config path and the flag it came from.
 */
import { Command, InvalidArgumentError } from 'commander';
import YAML from 'yaml';
import type { ConfigOverride } from '../config/index.js';
import { BACKENDS, OPTIMIZERS, SCHEDULE_TYPES } from '../config/index.js';
import { presetNames } from '../device/presets.js';

/** Parses a finite number (the config schema then checks its range). */
export function parseNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`expected a number, got '${value}'`);
  return n;
}

/** `--limit 1000` (train and test) or `--limit 1000,200` (train, test). */
export function parseLimit(value: string): { train: number; test: number } {
  const parts = value.split(',');
  if (parts.length > 2) throw new InvalidArgumentError(`expected N or TRAIN,TEST (e.g. 1000 or 1000,200), got '${value}'`);
  const [train, test] = parts.map((p) => {
    try {
      return parseNumber(p);
    } catch {
      throw new InvalidArgumentError(`expected N or TRAIN,TEST (e.g. 1000 or 1000,200), got '${value}'`);
    }
  });
  return { train, test: test ?? train };
}

/** `key=value` with the value read as YAML (`hidden=[256,128]`, `dropout=0.2`, `bias=false`). */
export function parseModelOption(value: string, previous: Record<string, unknown> = {}): Record<string, unknown> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`expected KEY=VALUE (e.g. hidden=[256,128]), got '${value}'`);
  let parsed: unknown;
  try {
    parsed = YAML.parse(value.slice(eq + 1));
  } catch {
    throw new InvalidArgumentError(`the value in '${value}' is not valid YAML (e.g. 3, 0.5, true, [64,32], relu)`);
  }
  return { ...previous, [value.slice(0, eq).trim()]: parsed ?? null };
}

/** `--tile 128x128` (rows x cols) or `--tile 256` (square). */
export function parseTile(value: string): { rows: number; cols: number } {
  const m = /^\s*(\d+)\s*(?:[xX*]\s*(\d+)\s*)?$/.exec(value);
  if (!m) throw new InvalidArgumentError(`expected ROWSxCOLS or N (e.g. 128x128 or 256), got '${value}'`);
  return { rows: Number(m[1]), cols: Number(m[2] ?? m[1]) };
}

/** What commander gives for the job flags (all optional). */
export interface JobFlags {
  config?: string;
  dataset?: string;
  dataDir?: string;
  problem?: string;
  split?: string;
  limit?: { train: number; test: number };
  model?: string;
  modelOption?: Record<string, unknown>;
  epochs?: number;
  batchSize?: number;
  optimizer?: string;
  lr?: number;
  momentum?: number;
  weightDecay?: number;
  schedule?: string;
  seed?: number;
  backend?: string;
  out?: string;
  /** Hardware and simulation flags (run, deploy, simulate, cost, config). */
  device?: string;
  tile?: { rows: number; cols: number };
  adcBits?: number;
  dacBits?: number;
  chips?: number;
  threads?: number;
  drift?: number;
  scheme?: string;
}

/** Flags naming the data; shared by every command that loads a dataset. */
export function addDataOptions(cmd: Command): Command {
  return cmd
    .option('--dataset <name>', 'dataset (mnist, fashion-mnist, cifar10, fsdd, ucr, vessels)')
    .option('--data-dir <dir>', 'folder holding the dataset files (else XBARNET_<NAME>_DIR, XBARNET_DATA_DIR)')
    .option('--problem <name>', 'problem within a collection, e.g. JapaneseVowels for ucr')
    .option('--split <name>', 'predefined split, for datasets that have several')
    .option('--limit <n[,m]>', 'use only the first n training samples and the first m (default n) test samples', parseLimit);
}

/** The flags of a training job (train, run, config). */
export function addJobOptions(cmd: Command): Command {
  cmd.option('-c, --config <file>', 'job config, YAML or JSON (default: the embedded LeNet-5 on MNIST job)');
  addDataOptions(cmd);
  return cmd
    .option('--model <name>', 'model (e.g. lenet5, mlp, vgg, lstm); resets model options from the config')
    .option('-O, --model-option <key=value>', 'a model option, repeatable (e.g. -O hidden=[256,128])', parseModelOption)
    .option('--epochs <n>', 'training epochs', parseNumber)
    .option('--batch-size <n>', 'mini-batch size', parseNumber)
    .option('--optimizer <name>', `optimizer (${OPTIMIZERS.join(', ')})`)
    .option('--lr <x>', 'base learning rate', parseNumber)
    .option('--momentum <x>', 'SGD momentum in [0, 1)', parseNumber)
    .option('--weight-decay <x>', 'L2 weight decay', parseNumber)
    .option('--schedule <type>', `learning-rate schedule (${SCHEDULE_TYPES.join(', ')})`)
    .option('--seed <n>', 'random seed (initialisation, shuffling)', parseNumber)
    .option('--backend <name>', `compute backend (${BACKENDS.join(', ')})`)
    .option('-o, --out <dir>', 'output folder (default runs/<model>-<dataset>-<hash>/)');
}

/** The flags of the crossbar hardware and its simulation (run, deploy, simulate, cost, config). */
export function addHardwareOptions(cmd: Command): Command {
  return cmd
    .option('--device <preset>', `device preset (${presetNames().join(', ')}); replaces the config's device and its overrides`)
    .option('--tile <RxC>', 'crossbar tile size, rows x columns (e.g. 128x128, or 256 for square)', parseTile)
    .option('--adc-bits <n>', 'ADC resolution in bits', parseNumber)
    .option('--dac-bits <n>', 'DAC (input) resolution in bits', parseNumber)
    .option('--chips <n>', 'chip instances in the Monte Carlo simulation', parseNumber)
    .option('--threads <n>', 'worker threads for the simulation (default: min(chips, cores))', parseNumber)
    .option('--drift <seconds>', 'seconds between programming and inference (conductance drift)', parseNumber)
    .option('--scheme <name>', 'deployment scheme: conventional, idm (analog cascade) or bnn (binary networks)');
}

/** Flag -> config path, in the order they are applied (a name before the settings it resets). */
const FLAG_PATHS: readonly [keyof JobFlags, string, readonly string[]][] = [
  ['dataset', '--dataset', ['dataset', 'name']],
  ['dataDir', '--data-dir', ['dataset', 'dir']],
  ['problem', '--problem', ['dataset', 'problem']],
  ['split', '--split', ['dataset', 'split']],
  ['model', '--model', ['model', 'name']],
  ['optimizer', '--optimizer', ['training', 'optimizer']],
  ['epochs', '--epochs', ['training', 'epochs']],
  ['batchSize', '--batch-size', ['training', 'batchSize']],
  ['lr', '--lr', ['training', 'lr']],
  ['momentum', '--momentum', ['training', 'momentum']],
  ['weightDecay', '--weight-decay', ['training', 'weightDecay']],
  ['schedule', '--schedule', ['training', 'schedule']],
  ['seed', '--seed', ['seed']],
  ['backend', '--backend', ['backend']],
  ['out', '--out', ['output', 'dir']],
  ['device', '--device', ['hardware', 'device', 'preset']],
  ['tile', '--tile', ['hardware', 'tile']],
  ['adcBits', '--adc-bits', ['hardware', 'adc', 'bits']],
  ['dacBits', '--dac-bits', ['hardware', 'dac', 'bits']],
  ['chips', '--chips', ['simulation', 'chips']],
  ['threads', '--threads', ['simulation', 'threads']],
  ['drift', '--drift', ['simulation', 'driftSeconds']],
  ['scheme', '--scheme', ['simulation', 'scheme']],
];

/** The config overrides the given flags ask for (limit and model options after the names they follow). */
export function flagOverrides(flags: JobFlags): ConfigOverride[] {
  const out: ConfigOverride[] = FLAG_PATHS.filter(([key]) => flags[key] !== undefined).map(([key, source, path]) => ({
    path,
    value: flags[key],
    source,
  }));
  if (flags.limit) {
    out.push({ path: ['dataset', 'limit', 'train'], value: flags.limit.train, source: '--limit' });
    out.push({ path: ['dataset', 'limit', 'test'], value: flags.limit.test, source: '--limit' });
  }
  for (const [k, v] of Object.entries(flags.modelOption ?? {})) {
    out.push({ path: ['model', 'options', k], value: v, source: '--model-option' });
  }
  return out;
}
