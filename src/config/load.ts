/**
 * Reading a job config: a YAML or JSON file (or the embedded default), then command-line overrides,
 * each step validated so that an error names where the bad value came from.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import YAML from 'yaml';
import { UserError, isUserError } from '../errors.js';
import { hardwareFromConfig } from './hardware.js';
import { formatIssues } from './issues.js';
import { JobConfigSchema, type JobConfig, type JobConfigInput } from './schema.js';

/**
 * The embedded default job: LeNet-5 on MNIST, deployed on the schema's default hardware (rram,
 * 128 x 128 tiles, differential, 8-bit DAC and ADC) and simulated over 10 chips. Everything not
 * named here (training recipe, seed, backend, hardware, simulation) takes the schema's defaults,
 * so `xbarnet config --print-default` shows the one source.
 */
export const DEFAULT_CONFIG_INPUT: JobConfigInput = {
  dataset: { name: 'mnist' },
  model: { name: 'lenet5' },
};

const HELP_DEFAULT = "Run 'xbarnet config --print-default' to see a valid config with every key.";

/** Validates a parsed config document; `source` names it in messages (a file, or 'the command line'). */
export function validateConfig(raw: unknown, source: string, hint = HELP_DEFAULT): JobConfig {
  const r = JobConfigSchema.safeParse(raw, { reportInput: true });
  if (!r.success) throw new UserError(`invalid config in ${source}: ${formatIssues(r.error.issues, JobConfigSchema)}`, hint);
  // The hardware's physics (gMin < gMax, converter bits, tile size, presets) is checked now, before any training.
  try {
    hardwareFromConfig(r.data.hardware);
  } catch (e) {
    if (isUserError(e)) throw new UserError(`invalid config in ${source}: ${e.message}`, e.hint || hint);
    throw e;
  }
  return r.data;
}

export function defaultConfig(): JobConfig {
  return validateConfig(DEFAULT_CONFIG_INPUT, 'the embedded default config');
}

export type ConfigFormat = 'yaml' | 'json';

/** Parses config text; YAML unless `format` is json. The top level must be a mapping. */
export function parseConfigText(text: string, format: ConfigFormat, source: string): unknown {
  let doc: unknown;
  try {
    doc = format === 'json' ? JSON.parse(text) : YAML.parse(text, { prettyErrors: true, uniqueKeys: true });
  } catch (e) {
    const first = String((e as Error).message).split('\n')[0].replace(/[.:]\s*$/, '');
    throw new UserError(
      `malformed ${format === 'json' ? 'JSON' : 'YAML'} in ${source}: ${first}`,
      `Fix the syntax at that place (a config is a mapping such as 'model: { name: mlp }'). ${HELP_DEFAULT}`,
    );
  }
  if (doc === null || doc === undefined) {
    throw new UserError(`config ${source} is empty`, `Give at least 'dataset: { name: ... }' and 'model: { name: ... }'. ${HELP_DEFAULT}`);
  }
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new UserError(
      `config ${source} must be a mapping of keys to values, but it holds ${Array.isArray(doc) ? 'a list' : `a ${typeof doc}`}`,
      HELP_DEFAULT,
    );
  }
  return doc;
}

/** Reads and parses a config file (.json as JSON, anything else as YAML); does not validate. */
export function readConfigFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot be read (${code ?? String(e)})`;
    throw new UserError(`config file '${file}' ${why}`, 'Check the path given to --config (YAML or JSON).');
  }
  return parseConfigText(text, extname(file).toLowerCase() === '.json' ? 'json' : 'yaml', `'${file}'`);
}

/** Reads and validates a config file. */
export function loadConfigFile(file: string): JobConfig {
  return validateConfig(readConfigFile(file), `'${file}'`);
}

/** One command-line override: a value for a config path, and the flag it came from (for messages). */
export interface ConfigOverride {
  path: readonly string[];
  value: unknown;
  /** e.g. '--epochs' */
  source: string;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Applies overrides to a validated config and validates the result. Changing the model's name drops
 * the old model's options, and changing the dataset's name drops its dir/problem/split/options, since those
 * belonged to the one being replaced (limit is kept); switching the optimizer away from sgd drops momentum;
 * another device preset drops the values that modified the old one.
 */
export function applyOverrides(base: JobConfig, overrides: readonly ConfigOverride[]): JobConfig {
  if (overrides.length === 0) return base;
  const doc = structuredClone(base) as Record<string, unknown>;
  const get = (p: readonly string[]) => p.reduce<unknown>((o, k) => (isPlainObject(o) ? o[k] : undefined), doc);
  for (const { path, value } of overrides) {
    if (path.join('.') === 'model.name' && value !== get(path)) (doc.model as Record<string, unknown>).options = {};
    if (path.join('.') === 'dataset.name' && value !== get(path)) {
      const ds = doc.dataset as Record<string, unknown>;
      delete ds.dir;
      delete ds.problem;
      delete ds.split;
      ds.options = {};
    }
    if (path.join('.') === 'training.optimizer' && value !== 'sgd') delete (doc.training as Record<string, unknown>).momentum;
    // Another device preset: the values that modified the old one go with it.
    if (path.join('.') === 'hardware.device.preset' && value !== get(path)) (doc.hardware as Record<string, unknown>).device = {};
    let o = doc;
    for (const k of path.slice(0, -1)) {
      if (!isPlainObject(o[k])) o[k] = {};
      o = o[k] as Record<string, unknown>;
    }
    o[path[path.length - 1]] = value;
  }
  const flags = [...new Set(overrides.map((o) => o.source))].join(', ');
  return validateConfig(doc, `the command line (${flags})`, "Run the command with --help to see what each flag accepts.");
}

/** Base config (a file, or the embedded default) with overrides applied. */
export function resolveConfig(opts: { file?: string; overrides?: readonly ConfigOverride[] }): JobConfig {
  const base = opts.file ? loadConfigFile(opts.file) : defaultConfig();
  return applyOverrides(base, opts.overrides ?? []);
}
