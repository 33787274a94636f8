import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CONFIG_INPUT,
  JobConfigSchema,
  configHash,
  defaultConfig,
  jobHash,
  loadConfigFile,
  validateConfig,
} from '../../src/config/index.js';
import { UserError } from '../../src/errors.js';

const EXAMPLES = join(import.meta.dirname, '../../examples');

/** The UserError message for a config, or fails. */
function rejection(doc: unknown): string {
  try {
    validateConfig(doc, 'test.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as UserError).message;
  }
  throw new Error(`config was accepted: ${JSON.stringify(doc)}`);
}

const base = { dataset: { name: 'mnist' }, model: { name: 'mlp' } };

describe('job config schema', () => {
  it('accepts the embedded default: LeNet-5 on MNIST with every default filled in', () => {
    const cfg = defaultConfig();
    expect(cfg.dataset.name).toBe('mnist');
    expect(cfg.model.name).toBe('lenet5');
    expect(JobConfigSchema.parse(DEFAULT_CONFIG_INPUT)).toEqual(cfg);
    // Defaults are filled, so the validated config validates again to itself.
    expect(JobConfigSchema.parse(cfg)).toEqual(cfg);
    expect(cfg.training.epochs).toBeGreaterThan(0);
    expect(cfg.training.schedule.type).toMatch(/constant|cosine|step/);
  });

  it('accepts every example config', () => {
    const files = readdirSync(EXAMPLES).filter((f) => /\.(ya?ml|json)$/.test(f));
    expect(files).toEqual(
      expect.arrayContaining(['lenet5-mnist.yaml', 'rram-8bit-lenet5.yaml', 'mlp-mnist.yaml', 'lenet5-fashion.yaml', 'lstm-japanesevowels.yaml', 'vgg-cifar10.yaml']),
    );
    for (const f of files) expect(() => loadConfigFile(join(EXAMPLES, f)), f).not.toThrow();
  });

  it('examples/lenet5-mnist.yaml spells out the same job as the embedded default, hardware included', () => {
    expect(configHash(loadConfigFile(join(EXAMPLES, 'lenet5-mnist.yaml')))).toBe(configHash(defaultConfig()));
    expect(jobHash(loadConfigFile(join(EXAMPLES, 'lenet5-mnist.yaml')))).toBe(jobHash(defaultConfig()));
  });

  it('examples/rram-8bit-lenet5.yaml reuses the default model on other hardware', () => {
    const cfg = loadConfigFile(join(EXAMPLES, 'rram-8bit-lenet5.yaml'));
    expect(configHash(cfg)).toBe(configHash(defaultConfig()));
    expect(jobHash(cfg)).not.toBe(jobHash(defaultConfig()));
    expect(cfg.hardware).toMatchObject({ weightBits: 8, cellBits: 2, wireResistance: 2.82 });
  });

  it('reads a bare schedule name as that schedule with its defaults', () => {
    const cfg = validateConfig({ ...base, training: { schedule: 'constant' } }, 't');
    expect(cfg.training.schedule).toEqual({ type: 'constant', warmupEpochs: 0 });
    const step = validateConfig({ ...base, training: { schedule: { type: 'step', stepEvery: 2 } } }, 't');
    expect(step.training.schedule).toMatchObject({ type: 'step', stepEvery: 2 });
  });

  it.each([
    [{ ...base, training: { epochs: -3 } }, 'training.epochs: expected a positive integer, got -3'],
    [{ ...base, training: { epochs: 2.5 } }, 'training.epochs: expected a positive integer, got 2.5'],
    [{ ...base, training: { batchSize: 'big' } }, "training.batchSize: expected a positive integer, got 'big'"],
    [{ ...base, training: { lr: 0 } }, 'training.lr: expected a positive number, got 0'],
    [{ ...base, training: { weightDecay: -1 } }, 'training.weightDecay: expected a non-negative number, got -1'],
    [{ ...base, training: { optimizer: 'sgd', momentum: 1 } }, 'training.momentum: expected a momentum in [0, 1), got 1'],
    [{ ...base, training: { optimizer: 'adamw' } }, "training.optimizer: expected one of 'sgd', 'adam', got 'adamw'. Did you mean 'adam'?"],
    [{ ...base, training: { schedule: 'cos' } }, "training.schedule.type: expected one of 'constant', 'cosine', 'step', got 'cos'"],
    [{ ...base, training: { schedule: { type: 'step' } } }, 'training.schedule.stepEvery: missing'],
    [{ ...base, training: { schedule: { type: 'step', stepEvery: 2, gamma: 2 } } }, 'training.schedule.gamma: expected a factor in (0, 1], got 2'],
    [{ ...base, seed: -1 }, 'seed: expected a non-negative integer, got -1'],
    [{ ...base, backend: 'gpu' }, "backend: expected one of 'wasm', 'cpu', got 'gpu'"],
    [{ ...base, dataset: { name: 'mnist', limit: { train: 0 } } }, 'dataset.limit.train: expected a positive integer, got 0'],
    [{ ...base, dataset: 'mnist' }, "dataset: expected a mapping (key: value), got 'mnist'"],
    [{ ...base, model: { name: 'mlp', options: [1, 2] } }, 'model.options: expected a mapping of option names to values, got a list'],
    [{ model: { name: 'mlp' } }, 'dataset: missing'],
    [{ ...base, model: {} }, 'model.name: missing'],
  ])('rejects %j naming the path', (doc, expected) => {
    expect(rejection(doc)).toContain(expected);
  });

  it('names the source of the config in the message', () => {
    expect(rejection({ ...base, training: { epochs: 0 } })).toMatch(/^invalid config in test\.yaml: /);
  });

  it.each([
    [{ ...base, sed: 3 }, 'sed: unknown key', "Did you mean 'seed'?"],
    [{ ...base, dataset: { name: 'mnist', lmit: { train: 1 } } }, 'dataset.lmit: unknown key', "Did you mean 'limit'?"],
    [{ ...base, dataset: { name: 'mnist', limit: { train: 1, tset: 2 } } }, 'dataset.limit.tset: unknown key', "Did you mean 'test'?"],
    [{ ...base, training: { epoch: 3 } }, 'training.epoch: unknown key', "Did you mean 'epochs'?"],
    [{ ...base, training: { schedule: { type: 'cosine', stepEvery: 3 } } }, 'training.schedule.stepEvery: unknown key', 'known keys here: type, warmupEpochs'],
    [{ ...base, output: { directory: 'x' } }, 'output.directory: unknown key', 'known keys here: dir'],
  ])('rejects unknown key in %j', (doc, path, hint) => {
    const msg = rejection(doc);
    expect(msg).toContain(path);
    expect(msg).toContain(hint);
  });

  it('rejects momentum with an optimizer that has none', () => {
    expect(rejection({ ...base, training: { optimizer: 'adam', momentum: 0.9 } })).toContain(
      "training.momentum: applies to the sgd optimizer only, but the optimizer is 'adam'",
    );
  });

  it('rejects a warm-up as long as the training', () => {
    expect(rejection({ ...base, training: { epochs: 2, schedule: { type: 'cosine', warmupEpochs: 2 } } })).toContain(
      'training.schedule.warmupEpochs: must be less than training.epochs (2), got 2',
    );
  });

  it('reports every problem at once, in one line', () => {
    const msg = rejection({ ...base, training: { epochs: -1, lr: -1 }, seed: 'x' });
    expect(msg).toContain('training.epochs');
    expect(msg).toContain('training.lr');
    expect(msg).toContain('seed');
    expect(msg).not.toContain('\n');
  });
});
