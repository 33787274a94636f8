import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, initEngine, tf } from '../../src/engine/index.js';
import type { Dataset } from '../../src/data/dataset.js';
import { subset } from '../../src/data/dataset.js';
import { UserError } from '../../src/errors.js';
import { BatchNorm, Conv2d, Dense, Dropout, Flatten, MaxPool, ReLU, Sequential, buildModel, evaluate, fit, predictClasses } from '../../src/nn/index.js';
import { blobMasks, blobs, quadrants } from './synthetic.js';

beforeAll(async () => {
  await initEngine('wasm');
});

function split(ds: Dataset, nTrain: number): { train: Dataset; test: Dataset } {
  const idx = Array.from({ length: ds.length }, (_, i) => i);
  return { train: subset(ds, idx.slice(0, nTrain)), test: subset(ds, idx.slice(nTrain)) };
}

function smallCnn(seed: number): Sequential {
  return new Sequential({
    name: 'cnn',
    inputShape: [8, 8, 1],
    numClasses: 4,
    seed,
    layers: [
      new Conv2d('conv', { filters: 4, kernelSize: 3 }),
      new BatchNorm('bn'),
      new ReLU('relu'),
      new MaxPool('pool'),
      new Flatten('flat'),
      new Dropout('drop', { rate: 0.2 }),
      new Dense('out', { units: 4 }),
    ],
  });
}

function weights(model: Sequential): Float32Array[] {
  return model.params().map((p) => p.variable.dataSync() as Float32Array);
}

describe('fit', () => {
  it('trains an MLP to high accuracy on separable blobs (held-out data)', async () => {
    const { train, test } = split(blobs(600, 10, 3, 1), 400);
    const model = buildModel('mlp', { inputShape: [10], numClasses: 3, seed: 1, hidden: [16] });
    const before = await evaluate(model, test);
    const h = await fit(model, train, { epochs: 10, batchSize: 32, optimizer: { type: 'adam', lr: 0.01 }, seed: 1, progress: false, validation: test });
    const after = await evaluate(model, test);
    expect(before.accuracy).toBeLessThan(0.8);
    expect(after.accuracy).toBeGreaterThan(0.95);
    expect(after.n).toBe(200);
    expect(h.epochs).toHaveLength(10);
    expect(h.epochs[9].loss).toBeLessThan(h.epochs[0].loss);
    expect(h.epochs[9].valAccuracy).toBeCloseTo(after.accuracy, 10);
    const pred = predictClasses(model, test);
    const agree = pred.filter((c, i) => c === test.y[i]).length / test.length;
    expect(agree).toBeCloseTo(after.accuracy, 10);
    model.dispose();
  });

  it('trains a conv net (conv, batch norm, pool, dropout) with SGD + Nesterov momentum and a cosine schedule', async () => {
    const { train, test } = split(quadrants(500, 8, 2), 400);
    const model = smallCnn(3);
    await fit(model, train, {
      epochs: 6,
      batchSize: 25,
      optimizer: { type: 'sgd', lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-4 },
      schedule: { type: 'cosine', warmupEpochs: 1 },
      seed: 3,
      progress: false,
    });
    const r = await evaluate(model, test);
    expect(r.accuracy).toBeGreaterThan(0.9);
    model.dispose();
  });

  it('trains per-pixel classification (segmentation) with a per-pixel loss', async () => {
    const { train, test } = split(blobMasks(120, 8, 4), 100);
    const model = buildModel('fcn-small', { inputShape: [8, 8, 1], numClasses: 2, seed: 1, widths: [8] });
    expect(model.task).toBe('segmentation');
    await fit(model, train, { epochs: 5, batchSize: 10, optimizer: { type: 'adam', lr: 0.02 }, seed: 1, progress: false });
    const r = await evaluate(model, test);
    expect(r.accuracy).toBeGreaterThan(0.9);
    expect(predictClasses(model, test)).toHaveLength(20 * 64);
    model.dispose();
  });

  it('is reproducible: the same seed gives bit-identical weights, another seed different ones', async () => {
    const data = quadrants(120, 8, 5);
    const run = async (seed: number) => {
      const model = smallCnn(seed);
      await fit(model, data, { epochs: 2, batchSize: 16, optimizer: { type: 'adam', lr: 0.01 }, seed, progress: false, augment: { flipHorizontal: true, cropPadding: 1 } });
      const w = weights(model);
      model.dispose();
      return w;
    };
    const a = await run(11);
    const b = await run(11);
    const c = await run(12);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('leaks no tensors across steps or epochs', async () => {
    const data = quadrants(64, 8, 6);
    const model = smallCnn(1);
    const start = tf.memory().numTensors;
    const perEpoch: number[] = [];
    await fit(model, data, {
      epochs: 3,
      batchSize: 8,
      optimizer: { type: 'sgd', lr: 0.05, momentum: 0.9 },
      seed: 1,
      progress: false,
      validation: data,
      onEpochEnd: () => perEpoch.push(tf.memory().numTensors),
    });
    expect(perEpoch[1]).toBe(perEpoch[0]);
    expect(perEpoch[2]).toBe(perEpoch[0]);
    expect(tf.memory().numTensors).toBe(start);
    await evaluate(model, data);
    predictClasses(model, data);
    expect(tf.memory().numTensors).toBe(start);
    model.dispose();
  });

  it('excludes frozen parameters from training', async () => {
    const data = blobs(64, 4, 2, 7);
    const model = buildModel('mlp', { inputShape: [4], numClasses: 2, seed: 1, hidden: [8] });
    const frozen = model.layer('fc1').param('kernel');
    frozen.trainable = false;
    const before = frozen.variable.dataSync().slice();
    const outBefore = model.layer('out').param('kernel').variable.dataSync().slice();
    await fit(model, data, { epochs: 2, batchSize: 16, optimizer: { type: 'sgd', lr: 0.1, weightDecay: 0.01 }, seed: 1, progress: false });
    expect(frozen.variable.dataSync()).toEqual(before);
    expect(model.layer('out').param('kernel').variable.dataSync()).not.toEqual(outBefore);
    model.dispose();
  });

  it('prints one line per epoch when stdout is not a terminal, nothing with progress: false', async () => {
    const data = blobs(40, 3, 2, 8);
    const model = buildModel('mlp', { inputShape: [3], numClasses: 2, seed: 1, hidden: [4] });
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    const tty = process.stdout.isTTY;
    process.stdout.write = ((s: string) => (lines.push(String(s)), true)) as typeof process.stdout.write;
    (process.stdout as { isTTY?: boolean }).isTTY = false;
    try {
      await fit(model, data, { epochs: 2, batchSize: 10, optimizer: { type: 'sgd', lr: 0.1 }, seed: 1 });
      await fit(model, data, { epochs: 2, batchSize: 10, optimizer: { type: 'sgd', lr: 0.1 }, seed: 1, progress: false });
    } finally {
      process.stdout.write = write;
      (process.stdout as { isTTY?: boolean }).isTTY = tty;
    }
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^epoch 1\/2 {2}loss \d+\.\d{4} {2}acc \d+\.\d\d% .* s\n$/);
    model.dispose();
  });
});

describe('user errors', () => {
  const mnistLike: Dataset = { name: 'mnist/train', length: 2, sampleShape: [28, 28, 1], x: new Float32Array(2 * 784), y: new Int32Array(2), labelShape: [], numClasses: 10 };

  it('names both shapes when data does not fit the model', async () => {
    const cifarModel = buildModel('lenet5', { inputShape: [32, 32, 3], numClasses: 10, seed: 1 });
    const opts = { epochs: 1, batchSize: 2, optimizer: { type: 'sgd' as const, lr: 0.1 }, seed: 1, progress: false };
    await expect(fit(cifarModel, mnistLike, opts)).rejects.toThrow(UserError);
    await expect(fit(cifarModel, mnistLike, opts)).rejects.toThrow(/\[28,28,1\].*\[32,32,3\]/);
    await expect(evaluate(cifarModel, mnistLike)).rejects.toThrow(/\[28,28,1\].*\[32,32,3\]/);
    expect(() => predictClasses(cifarModel, tf.zeros([1, 28, 28, 1]))).toThrow(UserError);
    cifarModel.dispose();
  });

  it('rejects bad options and labels', async () => {
    const model = buildModel('lenet5', { inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
    const ok = { epochs: 1, batchSize: 2, optimizer: { type: 'sgd' as const, lr: 0.1 }, seed: 1, progress: false };
    await expect(fit(model, mnistLike, { ...ok, epochs: 0 })).rejects.toThrow(/epochs/);
    await expect(fit(model, mnistLike, { ...ok, batchSize: 1.5 })).rejects.toThrow(/batchSize/);
    await expect(fit(model, mnistLike, { ...ok, optimizer: { type: 'sgd', lr: -1 } })).rejects.toThrow(/lr/);
    await expect(fit(model, mnistLike, { ...ok, optimizer: { type: 'rmsprop' as 'sgd', lr: 0.1 } })).rejects.toThrow(/unknown type "rmsprop"/);
    await expect(fit(model, mnistLike, { ...ok, schedule: { type: 'step' } })).rejects.toThrow(/stepEvery/);
    await expect(fit(model, { ...mnistLike, numClasses: 5 }, ok)).rejects.toThrow(/5 classes/);
    await expect(fit(model, { ...mnistLike, y: new Int32Array([0, 10]) }, ok)).rejects.toThrow(/label 10/);
    const flat = buildModel('mlp', { inputShape: [4], numClasses: 2, seed: 1 });
    await expect(fit(flat, blobs(4, 4, 2, 1), { ...ok, augment: { flipHorizontal: true } })).rejects.toThrow(/augment/);
    model.dispose();
    flat.dispose();
  });

  it('reports divergence as a UserError', async () => {
    const data = blobs(32, 4, 2, 2, 50);
    const model = buildModel('mlp', { inputShape: [4], numClasses: 2, seed: 1 });
    await expect(fit(model, data, { epochs: 3, batchSize: 8, optimizer: { type: 'sgd', lr: 1e30 }, seed: 1, progress: false })).rejects.toThrow(/diverged/);
    model.dispose();
  });
});

describe('rng use', () => {
  it('shuffles differently per epoch (seeded)', () => {
    const root = new Rng(1).fork('fit');
    expect(root.fork('shuffle', 0).permutation(10)).not.toEqual(root.fork('shuffle', 1).permutation(10));
  });
});
