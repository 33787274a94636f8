import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '../../src/engine/index.js';
import { BatchNorm, Dense, ReLU, Sequential, Sign, buildModel, fit, loadModel, saveModel } from '../../src/nn/index.js';
import {
  QuantizeActivation, type SupermaskTransform, binarizeModel, maskDensity, pruneModel, quantizeModel, sparsityReport, supermaskModel,
} from '../../src/compress/index.js';
import { blobs } from '../nn/synthetic.js';

let dir: string;
beforeAll(async () => {
  await initEngine('wasm');
  dir = await mkdtemp(join(tmpdir(), 'xbarnet-compress-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const data = blobs(120, 8, 3, 4, 1);
const x = () => tf.tensor(data.x.subarray(0, 40 * 8), [40, 8]);
const quick = { epochs: 2, batchSize: 30, optimizer: { type: 'adam' as const, lr: 0.01 }, seed: 1, progress: false };

async function roundTrip(model: Sequential, name: string): Promise<Sequential> {
  await fit(model, data, quick);
  await saveModel(model, join(dir, name));
  const loaded = await loadModel(join(dir, name));
  const xt = x();
  expect(loaded.predict(xt).dataSync()).toEqual(model.predict(xt).dataSync());
  expect(loaded.spec()).toEqual(model.spec());
  expect(loaded.params().map((p) => p.trainable)).toEqual(model.params().map((p) => p.trainable));
  xt.dispose();
  return loaded;
}

describe('compressed models round-trip through saveModel / loadModel', () => {
  it('quantize (percentile scale) and a QuantizeActivation layer', async () => {
    const model = new Sequential({
      name: 'q',
      inputShape: [8],
      layers: [new Dense('fc1', { units: 16 }), new ReLU('relu'), new QuantizeActivation('qa', { bits: 3, range: 'calibrated' }), new Dense('out', { units: 3 })],
      seed: 2,
      numClasses: 3,
    });
    quantizeModel(model, { bits: 4, scale: 'percentile', percentile: 90 });
    const loaded = await roundTrip(model, 'quant');
    expect(loaded.layer('fc1').transforms('kernel').map((t) => t.config())).toEqual([{ bits: 4, grid: 'mid-tread', scale: 'percentile', percentile: 90 }]);
    expect((loaded.layer('qa') as QuantizeActivation).runningRange()).toEqual((model.layer('qa') as QuantizeActivation).runningRange());
    loaded.dispose();
    model.dispose();
  });

  it('binarize with Sign activations and batch norm', async () => {
    const model = new Sequential({
      name: 'bnn',
      inputShape: [8],
      layers: [
        new Dense('fc1', { units: 16, useBias: false }), new BatchNorm('bn1'), new Sign('sign1'),
        new Dense('fc2', { units: 16, useBias: false }), new BatchNorm('bn2'), new Sign('sign2'),
        new Dense('out', { units: 3 }),
      ],
      seed: 3,
      numClasses: 3,
    });
    binarizeModel(model, { firstLayer: 'binary', scale: 'channel' });
    const loaded = await roundTrip(model, 'bnn');
    expect(loaded.layer('fc2').transforms('kernel').map((t) => [t.kind, t.config()])).toEqual([['binarize', { scale: 'channel' }]]);
    loaded.dispose();
    model.dispose();
  });

  it('prune (structured) then quantize: masks and sparsity restored', async () => {
    const model = buildModel('mlp', { inputShape: [8], numClasses: 3, seed: 4, hidden: [16] });
    pruneModel(model, { sparsity: 0.5, granularity: 'column' });
    quantizeModel(model, { bits: 3 });
    const loaded = await roundTrip(model, 'prune');
    expect(sparsityReport(loaded)).toEqual(sparsityReport(model));
    expect(loaded.layer('fc1').transforms('kernel').map((t) => t.kind)).toEqual(['prune', 'quantize']);
    loaded.dispose();
    model.dispose();
  });

  it('supermask with the flip rule and reset weights: scores, mask, flips restored; training resumes identically', async () => {
    const model = buildModel('mlp', { inputShape: [8], numClasses: 3, seed: 5, hidden: [16] });
    const ts = supermaskModel(model, { density: 0.4, seed: 9, flipThreshold: 0.02, prunedWeight: 'reset', scaleOutput: true });
    ts.forEach((t, i) => t.setResetWeight(new Float32Array(t.params()[0].variable.size).fill(0.01 * (i + 1))));
    const loaded = await roundTrip(model, 'supermask');
    expect(maskDensity(loaded)).toEqual(maskDensity(model));
    expect(loaded.layer('fc1').param('kernel').trainable).toBe(false);
    // The saved state is complete: one more epoch on each gives the same masks and flip counts.
    await fit(model, data, { ...quick, epochs: 1 });
    await fit(loaded, data, { ...quick, epochs: 1 });
    expect(maskDensity(loaded)).toEqual(maskDensity(model));
    const committed = (m: Sequential) => (m.layer('out').transforms('kernel')[0] as SupermaskTransform).params()[1].variable.dataSync();
    expect(committed(loaded)).toEqual(committed(model));
    loaded.dispose();
    model.dispose();
  });
});
