/**
 * Speed of the analog simulation against the ideal float forward pass, in the same run.
 * For the MLP 784-256-10 and LeNet-5 on the MNIST test images (10,000, or --images N): images/s of
 * (a) the float network, (b) one simulated chip with every non-ideality on (rram programming error,
 * per-read noise, 8-bit DAC and ADC), printed as a ratio; and (c) Monte Carlo over chips in 1 worker
 * thread against all cores. Weights are untrained (speed does not depend on them).
 *
 *   npx tsx bench/analog.ts [--images 10000] [--chips 4] [--batch 500]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os, { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Dataset, loadDataset } from '../src/data/index.js';
import { initEngine, tf } from '../src/engine/index.js';
import { devicePreset } from '../src/device/index.js';
import type { HardwareConfig } from '../src/crossbar/hardware.js';
import { compile } from '../src/deploy/compile.js';
import { buildModel, saveModel, type Sequential } from '../src/nn/index.js';
import { Chip } from '../src/sim/chip.js';
import { simulateChips } from '../src/sim/parallel.js';

const { values: a } = parseArgs({
  options: {
    images: { type: 'string', default: '10000' },
    chips: { type: 'string', default: '4' },
    batch: { type: 'string', default: '500' },
  },
});
const images = Number(a.images);
const chips = Number(a.chips);
const batch = Number(a.batch);

const hw: HardwareConfig = {
  device: devicePreset('rram'),
  tile: { rows: 128, cols: 128 },
  mapping: 'differential',
  dac: { bits: 8, mode: 'amplitude', percentile: 1 },
  adc: { bits: 8, range: 'calibrated', percentile: 1 },
  wireResistance: 0,
};

function timeit(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return (performance.now() - t0) / 1000;
}

function forEachBatch(data: Dataset, f: (x: tf.Tensor) => tf.Tensor): void {
  for (let s = 0; s < data.length; s += batch) {
    const e = Math.min(data.length, s + batch);
    const x = tf.tensor(data.x.subarray(s * 784, e * 784), [e - s, 28, 28, 1]);
    const y = f(x);
    y.dataSync();
    y.dispose();
    x.dispose();
  }
}

async function benchModel(name: string, model: Sequential, data: Dataset, train: Dataset): Promise<void> {
  const d = compile(model, hw, { calibration: train, calibrationSamples: 256 });
  // warm-up
  forEachBatch({ ...data, length: Math.min(batch, data.length) }, (x) => model.predict(x));
  const tFloat = timeit(() => forEachBatch(data, (x) => model.predict(x)));
  const chip = new Chip(d, 1);
  let tChip = 0;
  tChip += timeit(() => forEachBatch(data, (x) => chip.forward(x)));
  chip.dispose();
  const tProgram = timeit(() => new Chip(d, 2).dispose());
  console.log(
    `${name.padEnd(8)} float ${(data.length / tFloat).toFixed(0).padStart(7)} img/s | analog chip ${(data.length / tChip).toFixed(0).padStart(7)} img/s` +
      ` | analog/float time ratio ${(tChip / tFloat).toFixed(2)} (goal <= 3) | programming one chip ${(tProgram * 1000).toFixed(0)} ms`,
  );

  const dir = mkdtempSync(join(tmpdir(), 'xbarnet-bench-'));
  try {
    await saveModel(model, dir);
    const setup = {
      modelDir: dir, hardware: hw, scheme: 'conventional',
      dataset: { name: 'mnist' as const, options: { limit: { test: images } } },
      calibrationSamples: 256, seed: 1, driftSeconds: 0, batchSize: batch,
    };
    const list = [...Array(chips).keys()];
    const cores = os.availableParallelism();
    for (const threads of [1, cores]) {
      const t0 = performance.now();
      await simulateChips(setup, list, { threads });
      const s = (performance.now() - t0) / 1000;
      console.log(`${name.padEnd(8)} Monte Carlo ${chips} chips x ${data.length} images, ${threads} thread(s): ${s.toFixed(1)} s, ${((chips * data.length) / s).toFixed(0)} img/s (includes start-up, loading and compiling per thread)`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  await initEngine('wasm');
  const d = await loadDataset('mnist', { limit: { train: 256, test: images } });
  console.log(`analog simulation benchmark: ${d.test.length} MNIST test images, batch ${batch}, rram device, 8-bit DAC/ADC, 128x128 tiles; load average ${loadavg()[0].toFixed(2)} on ${os.availableParallelism()} cores`);
  for (const name of ['mlp', 'lenet5']) {
    const model = buildModel(name, { inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
    await benchModel(name, model, d.test, d.train);
    model.dispose();
  }
}

await main();
