import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, expectUserError } from '../cli/helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'xbarnet-prune-quant-cli-'));
const env = {};

describe('xbarnet experiment prune-quant', () => {
  it('--quick runs the pipeline, prints the table and writes JSON', async () => {
    const out = join(tmp, 'quick');
    const r = await cli(['experiment', 'prune-quant', '--quick', '--test', '40', '--bits', '4', '--out', out], { env, cwd: tmp });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/sparsity 50\.00%, 4 bits, conventional: software/);
    expect(r.stdout).toMatch(/sparsity 50\.00%, 4 bits, idm: software/);
    expect(r.stdout).toMatch(/Paper \(reference, not computed\)/);
    const path = join(out, 'result.json');
    expect(existsSync(path)).toBe(true);
    const json = JSON.parse(readFileSync(path, 'utf8')) as { rows: { sparsity: number; bits: number; scheme: string }[]; options: { testSamples: number; granularity: string } };
    expect(json.options.testSamples).toBe(40);
    expect(json.options.granularity).toBe('element');
    expect(json.rows.map((row) => [row.sparsity, row.bits, row.scheme])).toEqual([[0, 4, 'conventional'], [0, 4, 'idm'], [0.5, 4, 'conventional'], [0.5, 4, 'idm']]);
  }, 60_000);

  it('--structured prunes columns', async () => {
    const out = join(tmp, 'structured');
    const r = await cli(['experiment', 'prune-quant', '--quick', '--structured', '--sparsities', '0.5', '--bits', '8', '--test', '20', '--out', out], { env, cwd: tmp });
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as { options: { granularity: string }; rows: { cells: { zeroColumns: number } }[] };
    expect(json.options.granularity).toBe('column');
    expect(json.rows[0].cells.zeroColumns).toBeGreaterThan(0);
  }, 60_000);

  it.each([
    [['--bits', '9'], /bits/],
    [['--bits', 'a'], /bit-widths/],
    [['--sparsities', '0,1.5'], /sparsities/],
    [['--chips', '0'], /chips/],
    [['--schemes', 'conventional,analog'], /schemes/],
    [['--device', 'sbt-film'], /sbt-film/],
    [['--bogus'], /unknown option/],
  ])('a bad option %j exits 2 with one paragraph', async (args, pattern) => {
    expectUserError(await cli(['experiment', 'prune-quant', ...args], { env, cwd: tmp }), pattern);
  });

  it('has help with examples and is listed under experiment', async () => {
    const help = await cli(['experiment', 'prune-quant', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('$ xbarnet experiment prune-quant --quick');
    const group = await cli(['experiment', '--help']);
    expect(group.stdout).toMatch(/prune-quant/);
  });
});
