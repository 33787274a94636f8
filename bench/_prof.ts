import { initEngine, tf } from '../src/engine/index.js';
import { loadDataset, take } from '../src/data/index.js';
import { buildModel, fit } from '../src/nn/index.js';
await initEngine('wasm');
const d = await loadDataset('mnist', { limit: { train: 6400, test: 1 } });
const bs = Number(process.argv[2] ?? 64);
const m = buildModel('lenet5', { inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
const opts = { epochs: 1, batchSize: bs, optimizer: { type: 'adam' as const, lr: 0.001 }, seed: 1, progress: false };
await fit(m, take(d.train, 3 * bs), opts);
const n = Math.floor(6400 / bs) * bs;
const info = await tf.profile(async () => { await fit(m, take(d.train, n), opts); });
const agg = new Map<string, { ms: number; n: number }>();
for (const k of info.kernels) {
  const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
  const a = agg.get(k.name) ?? { ms: 0, n: 0 }; a.ms += ms; a.n++; agg.set(k.name, a);
}
const t0 = performance.now();
await fit(m, take(d.train, n), opts);
const wall = (performance.now() - t0) / 1000;
console.log(`batch ${bs}: ${(wall / n * 60000).toFixed(1)} s/epoch`);
const tot = [...agg.values()].reduce((s, a) => s + a.ms, 0);
for (const [k, a] of [...agg.entries()].sort((x, y) => y[1].ms - x[1].ms).slice(0, 18)) console.log(k.padEnd(28), a.ms.toFixed(0).padStart(7), 'ms', (100 * a.ms / tot).toFixed(1).padStart(5), '%', a.n);
