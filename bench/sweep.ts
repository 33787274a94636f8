/**
 * Analog accuracy of a trained model against ADC resolution and against programming noise, Monte
 * Carlo over chips at each point (worker threads). Prints two tables.
 *
 *   npx tsx bench/sweep.ts --model DIR [--dataset mnist] [--chips 5] [--test 10000]
 *   npx tsx bench/sweep.ts --train-epochs 4       # trains LeNet-5 on MNIST first (seed 1)
 *
 * DIR is a saved model (model.json + weights.bin), e.g. one that `xbarnet run` cached under
 * .xbarnet-cache/models/<hash>/. Device: the `rram` preset; 128x128 tiles; 8-bit DAC; the ADC
 * sweep runs at the preset's programming noise, the noise sweep at 8-bit ADC.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type DatasetName, loadDataset } from '../src/data/index.js';
import { initEngine } from '../src/engine/index.js';
import { devicePreset } from '../src/device/index.js';
import type { HardwareConfig } from '../src/crossbar/hardware.js';
import { buildModel, evaluate, fit, loadModel, saveModel } from '../src/nn/index.js';
import { simulateChips } from '../src/sim/parallel.js';
import { accuracyStats } from '../src/sim/simulate.js';

const { values: a } = parseArgs({
  options: {
    model: { type: 'string' },
    dataset: { type: 'string', default: 'mnist' },
    chips: { type: 'string', default: '5' },
    test: { type: 'string', default: '10000' },
    'train-epochs': { type: 'string', default: '4' },
    threads: { type: 'string' },
  },
});
const dataset = a.dataset as DatasetName;
const chips = [...Array(Number(a.chips)).keys()];
const testLimit = Number(a.test);

function hardware(adcBits: number, noiseScale: number): HardwareConfig {
  const rram = devicePreset('rram');
  if (rram.programming.kind !== 'polynomial') throw new Error('rram preset changed: expected a polynomial programming error');
  return {
    device: { ...rram, programming: { ...rram.programming, scale: noiseScale } },
    tile: { rows: 128, cols: 128 },
    mapping: 'differential',
    dac: { bits: 8, mode: 'amplitude', percentile: 1 },
    adc: { bits: adcBits, range: 'calibrated', percentile: 1 },
    wireResistance: 0,
  };
}

async function modelDir(): Promise<{ dir: string; software: number }> {
  await initEngine('wasm');
  const data = await loadDataset(dataset, { limit: { test: testLimit } });
  if (a.model) {
    const model = await loadModel(a.model);
    return { dir: a.model, software: (await evaluate(model, data.test, { batchSize: 500 })).accuracy };
  }
  const model = buildModel('lenet5', { inputShape: data.train.sampleShape, numClasses: data.train.numClasses, seed: 1 });
  await fit(model, data.train, {
    epochs: Number(a['train-epochs']), batchSize: 64, seed: 1, progress: false,
    optimizer: { type: 'adam', lr: 1e-3 }, schedule: { type: 'cosine' },
  });
  const dir = mkdtempSync(join(tmpdir(), 'xbarnet-sweep-'));
  await saveModel(model, dir);
  return { dir, software: (await evaluate(model, data.test, { batchSize: 500 })).accuracy };
}

async function point(dir: string, hw: HardwareConfig): Promise<string> {
  const results = await simulateChips(
    {
      modelDir: dir, hardware: hw, scheme: 'conventional',
      dataset: { name: dataset, options: { limit: { test: testLimit } } },
      calibrationSamples: 256, seed: 1, driftSeconds: 0, batchSize: 500,
    },
    chips,
    { threads: a.threads ? Number(a.threads) : undefined },
  );
  const s = accuracyStats(results.map((r) => r.accuracy));
  const pct = (v: number) => (100 * v).toFixed(2);
  return `${pct(s.mean)} +- ${pct(s.std)} (min ${pct(s.min)}, max ${pct(s.max)})`;
}

const { dir, software } = await modelDir();
console.log(`model ${dir}; software accuracy ${(100 * software).toFixed(2)} % on ${testLimit} ${dataset} test images; ${chips.length} chips per point`);
console.log('\nADC bits | analog accuracy % (rram, 8-bit DAC)');
for (const bits of [4, 5, 6, 7, 8, 9, 10]) console.log(`${String(bits).padStart(8)} | ${await point(dir, hardware(bits, 1))}`);
console.log('\nprogramming noise (x rram preset sigma) | analog accuracy % (8-bit DAC and ADC)');
for (const scale of [0, 0.5, 1, 2, 4, 8]) console.log(`${String(scale).padStart(39)} | ${await point(dir, hardware(8, scale))}`);
