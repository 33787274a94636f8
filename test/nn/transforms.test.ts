import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng, initEngine, tf } from '../../src/engine/index.js';
import { Dense, buildModel, evaluate, fit, loadModel, saveModel } from '../../src/nn/index.js';
import { blobs } from './synthetic.js';
import { TestBinarize, TestSupermask, registerTestTransforms } from './test-transforms.js';

let dir: string;
beforeAll(async () => {
  await initEngine('wasm');
  registerTestTransforms();
  dir = await mkdtemp(join(tmpdir(), 'xbarnet-nn-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('weight transforms', () => {
  it('binarize (straight-through): the layer computes with sign(W) and the gradient reaches the stored weight', () => {
    const d = new Dense('d', { units: 2, useBias: false });
    d.build([3], new Rng(1));
    const w = [0.5, -2, -0.25, 0.75, 0.1, 3];
    const t = tf.tensor(w, [3, 2]);
    d.param('kernel').variable.assign(t);
    t.dispose();
    d.addTransform('kernel', new TestBinarize());
    const x = tf.tensor([[1, 2, 3]]);
    const ctx = { training: true, rng: new Rng(1) };
    const y = tf.tidy(() => d.forward(x, ctx).dataSync());
    // sign(W) = [[1, -1], [-1, 1], [1, 1]]: y = [1 - 2 + 3, -1 + 2 + 3].
    expect(Array.from(y)).toEqual([2, 4]);
    const kernel = d.param('kernel').variable;
    const { value, grads } = tf.variableGrads(() => tf.sum(d.forward(x, ctx)) as tf.Scalar, [kernel]);
    // d(sum y)/dW[i][j] = x[i], passed where |W| <= 1, else 0.
    expect(Array.from(grads[kernel.name].dataSync())).toEqual([1, 0, 2, 2, 3, 0]);
    tf.dispose([value, grads, x]);
    d.dispose();
  });

  it('supermask: training changes the scores only; the frozen weights stay bit-identical', async () => {
    const { train, test } = { train: blobs(300, 8, 2, 3), test: blobs(200, 8, 2, 3) };
    const model = buildModel('mlp', { inputShape: [8], numClasses: 2, seed: 2, hidden: [32] });
    for (const name of ['fc1', 'out']) {
      const layer = model.layer(name);
      layer.addTransform('kernel', new TestSupermask(0.5, layer, 'kernel', 5));
      layer.param('bias').trainable = false;
    }
    const kernelsBefore = ['fc1', 'out'].map((n) => model.layer(n).param('kernel').variable.dataSync().slice());
    const scores = () => ['fc1', 'out'].map((n) => model.layer(n).transforms('kernel')[0].params()[0].variable.dataSync().slice());
    const scoresBefore = scores();
    const trainable = model.trainableParams();
    expect(trainable.map((p) => p.role)).toEqual(['score', 'score']);
    const before = await evaluate(model, test);
    await fit(model, train, { epochs: 8, batchSize: 30, optimizer: { type: 'adam', lr: 0.02 }, seed: 1, progress: false });
    const after = await evaluate(model, test);
    ['fc1', 'out'].forEach((n, i) => expect(model.layer(n).param('kernel').variable.dataSync()).toEqual(kernelsBefore[i]));
    expect(scores()).not.toEqual(scoresBefore);
    expect(after.accuracy).toBeGreaterThan(Math.max(0.8, before.accuracy));

    // The transform and its scores survive a save/load round trip.
    await saveModel(model, join(dir, 'supermask'));
    const loaded = await loadModel(join(dir, 'supermask'));
    expect(loaded.layer('fc1').transforms('kernel').map((t) => t.kind)).toEqual(['test-supermask']);
    expect(loaded.layer('fc1').param('kernel').trainable).toBe(false);
    expect((await evaluate(loaded, test)).accuracy).toBe(after.accuracy);
    const x = tf.tensor(test.x.subarray(0, 80), [10, 8]);
    expect(loaded.predict(x).dataSync()).toEqual(model.predict(x).dataSync());
    tf.dispose(x);
    loaded.dispose();
    model.dispose();
  });
});
