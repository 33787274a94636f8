import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyOverrides, loadConfigFile, parseConfigText, resolveConfig, validateConfig } from '../../src/config/index.js';
import { UserError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'xbarnet-config-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function userError(f: () => unknown): UserError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return e as UserError;
  }
  throw new Error('no error thrown');
}

describe('config files', () => {
  it('reads YAML and JSON to the same config', () => {
    const y = file('a.yaml', 'dataset: { name: mnist }\nmodel:\n  name: mlp\n  options: { hidden: [32] }\ntraining:\n  epochs: 2\n  lr: 1e-2\n');
    const j = file('a.json', JSON.stringify({ training: { lr: 0.01, epochs: 2 }, model: { options: { hidden: [32] }, name: 'mlp' }, dataset: { name: 'mnist' } }));
    const a = loadConfigFile(y);
    expect(a.training.lr).toBe(0.01);
    expect(a.model.options).toEqual({ hidden: [32] });
    expect(loadConfigFile(j)).toEqual(a);
  });

  it.each([
    ['bad.yaml', 'dataset: { name: mnist\nmodel: x: y\n', /^malformed YAML in '.*bad\.yaml': .*line \d+/],
    ['dup.yaml', 'seed: 1\nseed: 2\n', /^malformed YAML in .*: Map keys must be unique/],
    ['bad.json', '{"dataset": {"name": "mnist"},}', /^malformed JSON in '.*bad\.json'/],
    ['empty.yaml', '# nothing\n', /is empty$/],
    ['list.yaml', '- 1\n- 2\n', /must be a mapping of keys to values, but it holds a list/],
    ['scalar.json', '42', /must be a mapping of keys to values, but it holds a number/],
  ])('rejects %s', (name, text, pattern) => {
    const e = userError(() => loadConfigFile(file(name, text)));
    expect(e.message).toMatch(pattern);
    expect(e.message).not.toContain('\n');
    expect(e.hint.length).toBeGreaterThan(0);
  });

  it('names a missing file, or a folder given as one', () => {
    expect(userError(() => loadConfigFile(join(dir, 'nope.yaml'))).message).toMatch(/config file '.*nope\.yaml' does not exist/);
    mkdirSync(join(dir, 'sub.yaml'), { recursive: true });
    expect(userError(() => loadConfigFile(join(dir, 'sub.yaml'))).message).toMatch(/is a folder/);
  });

  it('names the file in schema errors', () => {
    const p = file('neg.yaml', 'dataset: { name: mnist }\nmodel: { name: mlp }\ntraining: { epochs: -3 }\n');
    expect(userError(() => loadConfigFile(p)).message).toBe(`invalid config in '${p}': training.epochs: expected a positive integer, got -3`);
  });

  it('parses text without a file', () => {
    expect(parseConfigText('a: 1', 'yaml', 'x')).toEqual({ a: 1 });
  });
});

describe('overrides (command-line flags)', () => {
  const p = file(
    'job.yaml',
    'dataset: { name: mnist, dir: /data/mnist, options: { verify: false }, limit: { train: 100 } }\nmodel: { name: mlp, options: { hidden: [64] } }\ntraining: { epochs: 5, optimizer: sgd, lr: 0.1, momentum: 0.9 }\nseed: 7\n',
  );

  it('replace the file values they name and keep the rest', () => {
    const cfg = resolveConfig({ file: p, overrides: [{ path: ['training', 'epochs'], value: 2, source: '--epochs' }] });
    expect(cfg.training.epochs).toBe(2);
    expect(cfg.training.lr).toBe(0.1);
    expect(cfg.seed).toBe(7);
    expect(cfg.model.options).toEqual({ hidden: [64] });
    expect(loadConfigFile(p).training.epochs).toBe(5);
  });

  it('apply to the embedded default when no file is given', () => {
    const cfg = resolveConfig({ overrides: [{ path: ['seed'], value: 3, source: '--seed' }] });
    expect(cfg.model.name).toBe('lenet5');
    expect(cfg.seed).toBe(3);
  });

  it('drop the old model options when the model changes, keep them when it does not', () => {
    const base = loadConfigFile(p);
    expect(applyOverrides(base, [{ path: ['model', 'name'], value: 'lenet5', source: '--model' }]).model.options).toEqual({});
    expect(applyOverrides(base, [{ path: ['model', 'name'], value: 'mlp', source: '--model' }]).model.options).toEqual({ hidden: [64] });
    const withOption = applyOverrides(base, [
      { path: ['model', 'name'], value: 'lenet5', source: '--model' },
      { path: ['model', 'options', 'widths'], value: [4, 8], source: '--model-option' },
    ]);
    expect(withOption.model.options).toEqual({ widths: [4, 8] });
  });

  it('drop the old dataset folder and options when the dataset changes, keep the limit', () => {
    const cfg = applyOverrides(loadConfigFile(p), [{ path: ['dataset', 'name'], value: 'fashion-mnist', source: '--dataset' }]);
    expect(cfg.dataset).toEqual({ name: 'fashion-mnist', options: {}, limit: { train: 100 } });
  });

  it('drop momentum when the optimizer changes away from sgd', () => {
    const cfg = applyOverrides(loadConfigFile(p), [{ path: ['training', 'optimizer'], value: 'adam', source: '--optimizer' }]);
    expect(cfg.training.optimizer).toBe('adam');
    expect(cfg.training.momentum).toBeUndefined();
  });

  it('are validated, and the message names the flag', () => {
    const e = userError(() => resolveConfig({ file: p, overrides: [{ path: ['training', 'epochs'], value: -3, source: '--epochs' }] }));
    expect(e.message).toBe('invalid config in the command line (--epochs): training.epochs: expected a positive integer, got -3');
  });

  it('do not change the config they are applied to', () => {
    const base = validateConfig({ dataset: { name: 'mnist' }, model: { name: 'mlp' } }, 't');
    const copy = structuredClone(base);
    applyOverrides(base, [{ path: ['training', 'epochs'], value: 9, source: '--epochs' }]);
    expect(base).toEqual(copy);
  });
});
