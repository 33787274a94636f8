import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, expectUserError } from '../cli/helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'xbarnet-bnn-cli-'));
const env = {};

describe('xbarnet experiment bnn', () => {
  it('--quick runs the pipeline, prints the table and writes JSON', async () => {
    const out = join(tmp, 'quick');
    const r = await cli(['experiment', 'bnn', '--quick', '--networks', 'mlp', '--test', '40', '--out', out], { env, cwd: tmp });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/mlp bnn on binary; out: rram, faults 5\.00%/);
    expect(r.stdout).toContain('conventional 8-bit');
    expect(r.stdout).toMatch(/Paper \(reference, not computed\)/);
    const path = join(out, 'result.json');
    expect(existsSync(path)).toBe(true);
    const json = JSON.parse(readFileSync(path, 'utf8')) as { rows: { deployment: string }[]; options: { testSamples: number }; paperClaim: string };
    expect(json.options.testSamples).toBe(40);
    expect(json.rows.map((row) => row.deployment)).toEqual(['software', 'software', 'bnn-ideal', 'bnn-exact', 'bnn', 'bnn', 'conventional', 'conventional']);
    expect(json.paperClaim).toMatch(/abstract only/);
  }, 60_000);

  it.each([
    [['--chips', '0'], /chips/],
    [['--faults', 'a,b'], /fault rates/],
    [['--faults', '0,2'], /fault rates/],
    [['--networks', 'resnet'], /networks/],
    [['--last-layer', 'half'], /last layer/],
    [['--float-layer-device', 'rran'], /rran/],
    [['--bogus'], /unknown option/],
  ])('a bad option %j exits 2 with one paragraph', async (args, pattern) => {
    expectUserError(await cli(['experiment', 'bnn', ...args], { env, cwd: tmp }), pattern);
  });

  it('has help with examples and is listed under experiment', async () => {
    const help = await cli(['experiment', 'bnn', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('$ xbarnet experiment bnn --quick');
    const group = await cli(['experiment', '--help']);
    expect(group.stdout).toMatch(/bnn/);
  });
});
