import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorParagraph, reportError } from '../../src/cli/errors.js';
import { UserError } from '../../src/errors.js';
import { cli, expectUserError } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'xbarnet-cli-'));
function file(name: string, text: string): string {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

describe('--help', () => {
  it.each([[[]], [['run']], [['deploy']], [['simulate']], [['cost']], [['train']], [['evaluate']], [['config']]])('xbarnet %j --help prints usage and examples', async (cmd) => {
    const r = await cli([...cmd, '--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`Usage: xbarnet${cmd.length ? ` ${cmd[0]}` : ''} [options]`);
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toMatch(/\$ xbarnet \w+/);
  });

  it('the crossbar commands list the hardware flags; train does not', async () => {
    const hardwareFlags = ['--device', '--tile', '--adc-bits', '--dac-bits', '--chips', '--threads', '--drift', '--scheme'];
    for (const cmd of ['run', 'deploy', 'simulate', 'cost', 'config']) {
      const r = await cli([cmd, '--help']);
      for (const flag of hardwareFlags) expect(r.stdout, `${cmd} ${flag}`).toContain(flag);
    }
    expect((await cli(['run', '--help'])).stdout).toContain('--no-sim');
    const train = await cli(['train', '--help']);
    for (const flag of hardwareFlags) expect(train.stdout).not.toContain(flag);
  });

  it('xbarnet help train equals xbarnet train --help', async () => {
    const a = await cli(['help', 'train']);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe((await cli(['train', '--help'])).stdout);
  });

  it('job commands list the flags that override the config', async () => {
    const r = await cli(['train', '--help']);
    for (const flag of ['--config', '--dataset', '--data-dir', '--limit', '--model', '--model-option', '--epochs', '--batch-size', '--optimizer', '--lr', '--seed', '--out']) {
      expect(r.stdout).toContain(flag);
    }
  });

  it('bare xbarnet shows the help on stderr and exits 2', async () => {
    const r = await cli([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: xbarnet');
  });

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string };
    const r = await cli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });
});

describe('xbarnet config', () => {
  it('--print-default prints the embedded default as YAML that validates back to itself', async () => {
    const r = await cli(['config', '--print-default']);
    expect(r.code).toBe(0);
    const p = file('default.yaml', r.stdout);
    const again = await cli(['config', '-c', p, '--json']);
    expect(again.code).toBe(0);
    const json = await cli(['config', '--print-default', '--json']);
    expect(JSON.parse(again.stdout)).toEqual(JSON.parse(json.stdout));
    expect(JSON.parse(json.stdout)).toMatchObject({ dataset: { name: 'mnist' }, model: { name: 'lenet5' } });
  });

  it('hardware flags map to the hardware and simulation sections', async () => {
    const r = await cli([
      'config', '--device', 'pcm', '--tile', '256x64', '--adc-bits', '6', '--dac-bits', '4', '--chips', '20', '--threads', '3', '--drift', '3600', '--scheme', 'conventional', '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const cfg = JSON.parse(r.stdout);
    expect(cfg.hardware).toMatchObject({ device: { preset: 'pcm' }, tile: { rows: 256, cols: 64 }, adc: { bits: 6, range: 'calibrated' }, dac: { bits: 4, mode: 'amplitude' } });
    expect(cfg.simulation).toMatchObject({ chips: 20, threads: 3, driftSeconds: 3600, scheme: 'conventional' });
    // a square tile from one number
    expect(JSON.parse((await cli(['config', '--tile', '64', '--json'])).stdout).hardware.tile).toEqual({ rows: 64, cols: 64 });
  });

  it('--device replaces the file\'s device with its overrides, unless it names the same preset', async () => {
    const p = file('device.yaml', 'dataset: { name: mnist }\nmodel: { name: lenet5 }\nhardware:\n  device: { preset: rram, levels: 16 }\n');
    const other = JSON.parse((await cli(['config', '-c', p, '--device', 'pcm', '--json'])).stdout);
    expect(other.hardware.device).toEqual({ preset: 'pcm' });
    const same = JSON.parse((await cli(['config', '-c', p, '--device', 'rram', '--json'])).stdout);
    expect(same.hardware.device).toEqual({ preset: 'rram', levels: 16 });
  });

  it('the printed config names both hashes', async () => {
    const r = await cli(['config', '--print-default']);
    expect(r.stdout).toMatch(/^# model hash [0-9a-f]{12} /m);
    expect(r.stdout).toMatch(/^# job hash [0-9a-f]{12} /m);
    expect(r.stdout).toMatch(/^hardware:$/m);
    expect(r.stdout).toMatch(/^simulation:$/m);
  });

  it('flags override the values of a config file', async () => {
    const p = file('job.yaml', 'dataset: { name: mnist }\nmodel: { name: mlp, options: { hidden: [64] } }\ntraining: { epochs: 5, lr: 0.01 }\nseed: 4\n');
    const r = await cli(['config', '-c', p, '--epochs', '2', '--seed', '9', '-O', 'dropout=0.5', '--limit', '100,50', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const cfg = JSON.parse(r.stdout);
    expect(cfg.training).toMatchObject({ epochs: 2, lr: 0.01 });
    expect(cfg.seed).toBe(9);
    expect(cfg.model).toEqual({ name: 'mlp', options: { hidden: [64], dropout: 0.5 } });
    expect(cfg.dataset.limit).toEqual({ train: 100, test: 50 });
  });
});

describe('user mistakes: one paragraph on stderr, exit code 2', () => {
  const bad = file('bad.yaml', 'dataset: { name: mnist\nmodel: [\n');
  const badJson = file('bad.json', '{"dataset": }');
  const negative = file('negative.yaml', 'dataset: { name: mnist }\nmodel: { name: mlp }\ntraining: { epochs: -3 }\n');
  const typo = file('typo.yaml', 'dataset: { name: mnist }\nmodel: { name: mlp }\ntrainig: { epochs: 3 }\n');

  it.each([
    ['unknown model', ['train', '--model', 'lenet6'], /unknown model 'lenet6'.*Did you mean 'lenet5'\?.*Known models: .*mlp/],
    ['unknown dataset', ['run', '--dataset', 'mnsit'], /unknown dataset 'mnsit'.*Did you mean 'mnist'\?/],
    ['unknown dataset in evaluate', ['train', '--dataset', 'imagenet'], /unknown dataset 'imagenet'.*Known datasets: .*mnist/],
    ['malformed YAML', ['run', '-c', bad], /malformed YAML in '.*bad\.yaml'.*line \d+/],
    ['malformed JSON', ['train', '-c', badJson], /malformed JSON in '.*bad\.json'/],
    ['missing config file', ['run', '--config', join(tmp, 'none.yaml')], /config file '.*none\.yaml' does not exist/],
    ['schema violation in a file', ['train', '-c', negative], /negative\.yaml': training\.epochs: expected a positive integer, got -3/],
    ['unknown key in a file', ['run', '-c', typo], /trainig: unknown key.*Did you mean 'training'\?/],
    ['negative number flag', ['train', '--epochs', '-3'], /\(--epochs\): training\.epochs: expected a positive integer, got -3/],
    ['fractional number flag', ['train', '--batch-size=2.5'], /training\.batchSize: expected a positive integer, got 2\.5/],
    ['zero learning rate', ['run', '--lr', '0'], /training\.lr: expected a positive number, got 0/],
    ['a word for a number', ['train', '--epochs', 'ten'], /'--epochs <n>' argument 'ten' is invalid.*expected a number/],
    ['bad --limit', ['train', '--limit', 'all'], /--limit.*'all' is invalid/],
    ['bad --model-option', ['train', '-O', 'hidden'], /expected KEY=VALUE/],
    ['unknown optimizer', ['train', '--optimizer', 'adamw'], /training\.optimizer: expected one of 'sgd', 'adam', got 'adamw'/],
    ['momentum with adam', ['train', '--momentum', '0.9'], /training\.momentum: applies to the sgd optimizer only/],
    ['unknown option', ['train', '--epoch', '3'], /unknown option '--epoch'.*--epochs/],
    ['unknown command', ['trian'], /unknown command 'trian'/],
    ['--print-default with flags', ['config', '--print-default', '--epochs', '2'], /--print-default takes no config file or job flags/],
    ['evaluate without --model', ['evaluate'], /required option '--model <dir>' not specified/],
    ['evaluate a missing folder', ['evaluate', '--model', join(tmp, 'no-model')], /model folder '.*no-model' does not exist/],
  ])('%s', async (_what, argv, pattern) => {
    expectUserError(await cli(argv as string[]), pattern);
  });

  it('a dataset folder that does not exist', async () => {
    const r = await cli(['train', '--model', 'mlp', '--data-dir', join(tmp, 'no-such-folder')]);
    expectUserError(r, /no-such-folder.*does not exist/);
  });

  it('a folder without a model in it', async () => {
    const empty = join(tmp, 'empty-model');
    mkdirSync(empty, { recursive: true });
    expectUserError(await cli(['evaluate', '--model', empty]), /model\.json/);
  });

  it('a model that cannot read the data (an LSTM given images)', async () => {
    expectUserError(await cli(['train', '--model', 'lstm', '--limit', '64', '--epochs', '1']), /\[28,28,1\]|\[time, features\]/);
  });
});

describe('error reporting', () => {
  it('a UserError becomes one paragraph with its hint, exit 2', () => {
    let err = '';
    const code = reportError(new UserError('dataset.dir: no such folder', 'pass --data-dir'), {
      stdout: { write: () => true },
      stderr: { write: (s: string) => (err += s) },
    });
    expect(code).toBe(2);
    expect(err).toBe('xbarnet: error: dataset.dir: no such folder. pass --data-dir.\n');
  });

  it('does not double the punctuation or keep line breaks', () => {
    expect(errorParagraph('Folder x does not exist.', 'Set XBARNET_DATA_DIR.')).toBe('xbarnet: error: Folder x does not exist. Set XBARNET_DATA_DIR.');
    expect(errorParagraph('two\nlines', '')).toBe('xbarnet: error: two lines.');
  });

  it('anything else is a bug: stack printed, exit 1', () => {
    let err = '';
    const code = reportError(new TypeError('boom'), { stdout: { write: () => true }, stderr: { write: (s: string) => (err += s) } });
    expect(code).toBe(1);
    expect(err).toContain('internal error');
    expect(err).toContain('TypeError: boom');
    expect(err).toMatch(/^\s+at /m);
  });
});
