import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/engine/index.js';
import { cli, expectUserError } from '../cli/helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'xbarnet-hypernet-cli-'));
const env = { XBARNET_CACHE_DIR: join(tmp, 'cache') };

/** A few CIFAR-10 binary records (label byte + 3072 random pixel bytes) in `<dir>/cifar10/`. */
function tinyCifar(dir: string, train: number, test: number): string {
  const rng = new Rng(11);
  const records = (n: number) => {
    const b = new Uint8Array(n * 3073);
    for (let i = 0; i < n; i++) {
      b[i * 3073] = i % 10;
      for (let j = 1; j < 3073; j++) b[i * 3073 + j] = rng.int(256);
    }
    return b;
  };
  const folder = join(dir, 'cifar10');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'data_batch_1.bin'), records(train));
  writeFileSync(join(folder, 'test_batch.bin'), records(test));
  return dir;
}

const dataDir = tinyCifar(join(tmp, 'data'), 24, 8);

describe('xbarnet experiment hypernet', () => {
  it('--quick runs the pipeline, prints the table, writes JSON and the table, and caches the trained models', async () => {
    const out = join(tmp, 'quick');
    const args = ['experiment', 'hypernet', '--quick', '--genotypes', 'DARTS_V1', '--train', '24', '--test', '8', '--data-dir', dataDir, '--out', out];
    const r = await cli(args, { env, cwd: tmp });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/DARTS_V1: hypernetwork on 1 chip\(s\)/);
    expect(r.stdout).toMatch(/power ratio\s+latency ratio\s+area ratio/);
    expect(r.stdout).toMatch(/Paper \(reference, not computed\)/);
    const json = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as {
      options: { C: number; cells: number; chips: number }; data: { train: number; test: number }; rows: { genotype: string; cached: boolean }[];
    };
    expect(json.options).toMatchObject({ C: 4, cells: 3, chips: 1 });
    expect(json.data).toMatchObject({ train: 24, test: 8 });
    expect(json.rows.map((row) => [row.genotype, row.cached])).toEqual([['DARTS_V1', false]]);
    expect(existsSync(join(out, 'table.txt'))).toBe(true);
    // the second run loads the models trained by the first
    const again = await cli(args, { env, cwd: tmp });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/DARTS_V1: trained models loaded from/);
    const json2 = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as { rows: { cached: boolean; quantAccuracy: number }[] };
    expect(json2.rows[0].cached).toBe(true);
  }, 90_000);

  it.each([
    [['--genotypes', 'DARTS_V3'], /unknown genotype 'DARTS_V3'/],
    [['--C', '5'], /'C' must be even/],
    [['--cells', '2'], /cells/],
    [['--chips', '0'], /chips/],
    [['--device', 'unobtainium'], /unobtainium/],
    [['--weight-scale', 'row'], /weight scale must be 'matrix' or 'column'/],
    [['--epochs', 'x'], /number/],
    [['--bogus'], /unknown option/],
  ])('a bad option %j exits 2 with one paragraph', async (args, pattern) => {
    expectUserError(await cli(['experiment', 'hypernet', ...args], { env, cwd: tmp }), pattern);
  });

  it('has help with examples and is listed under experiment', async () => {
    const help = await cli(['experiment', 'hypernet', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('$ xbarnet experiment hypernet --quick');
    for (const o of ['--device', '--chips', '--test', '--train', '--epochs', '--C', '--cells', '--genotypes', '--seed', '--data-dir', '--out']) expect(help.stdout).toContain(o);
    const group = await cli(['experiment', '--help']);
    expect(group.stdout).toMatch(/hypernet/);
  });
});
