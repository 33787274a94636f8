import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '../../src/engine/index.js';
import { UserError } from '../../src/errors.js';
import { type Sequential, buildModel, fit, loadModel, readModelFile, saveModel } from '../../src/nn/index.js';
import { quadrants } from './synthetic.js';
import { values } from './reference.js';

let dir: string;
beforeAll(async () => {
  await initEngine('wasm');
  dir = await mkdtemp(join(tmpdir(), 'xbarnet-io-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function outputs(model: Sequential, x: tf.Tensor): Float32Array {
  return tf.tidy(() => model.predict(x).dataSync() as Float32Array);
}

describe('saveModel / loadModel', () => {
  it('round-trips a trained model with batch-norm statistics and dropout: identical predictions', async () => {
    const model = buildModel('vgg-small', { inputShape: [8, 8, 1], numClasses: 4, seed: 3, widths: [4, 8], hidden: [16] });
    await fit(model, quadrants(64, 8, 1), { epochs: 1, batchSize: 16, optimizer: { type: 'adam', lr: 0.01 }, seed: 1, progress: false });
    const path = join(dir, 'vgg');
    await saveModel(model, path, { dataset: 'quadrants', epochs: 1 });
    const loaded = await loadModel(path);
    const x = tf.tensor(values(5 * 64, 3), [5, 8, 8, 1]);
    expect(outputs(loaded, x)).toEqual(outputs(model, x));
    expect(loaded.spec()).toEqual(model.spec());
    const file = await readModelFile(path);
    expect(file.training).toEqual({ dataset: 'quadrants', epochs: 1 });
    // weights.bin holds float32 little-endian values at the offsets in model.json.
    const bytes = await readFile(join(path, 'weights.bin'));
    const mm = file.weights.entries.find((e) => e.name === 'bn1_1/movingMean');
    expect(mm).toBeDefined();
    const stored = model.layer('bn1_1').param('movingMean').variable.dataSync();
    expect(bytes.readFloatLE(mm!.offset + 4)).toBe(stored[1]);
    expect(file.weights.byteLength).toBe(4 * model.paramCount());
    tf.dispose(x);
    loaded.dispose();
    model.dispose();
  });

  it('turns missing, corrupted or mismatched files into UserErrors', async () => {
    const model = buildModel('lenet5', { inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
    const good = join(dir, 'lenet');
    await saveModel(model, good);
    const json = await readFile(join(good, 'model.json'), 'utf8');
    const bin = await readFile(join(good, 'weights.bin'));
    const variant = async (name: string, j: string, b: Buffer) => {
      const p = join(dir, name);
      await saveModel(model, p);
      await writeFile(join(p, 'model.json'), j);
      await writeFile(join(p, 'weights.bin'), b);
      return p;
    };
    await expect(loadModel(join(dir, 'nowhere'))).rejects.toThrow(UserError);
    await expect(loadModel(await variant('notjson', '{"format":', bin))).rejects.toThrow(/not valid JSON/);
    await expect(loadModel(await variant('truncated', json, bin.subarray(0, bin.length - 4)))).rejects.toThrow(/bytes/);
    const flipped = Buffer.from(bin);
    flipped[100] ^= 0xff;
    await expect(loadModel(await variant('flipped', json, flipped))).rejects.toThrow(/checksum/);
    const f = JSON.parse(json);
    await expect(loadModel(await variant('format', JSON.stringify({ ...f, format: 'keras' }), bin))).rejects.toThrow(/not an xbarnet model/);
    await expect(loadModel(await variant('version', JSON.stringify({ ...f, version: 99 }), bin))).rejects.toThrow(/version 99/);
    const wrongShape = structuredClone(f);
    wrongShape.model.layers[0].config.filters = 7;
    await expect(loadModel(await variant('shape', JSON.stringify(wrongShape), bin))).rejects.toThrow(UserError);
    const unknownType = structuredClone(f);
    unknownType.model.layers[1].type = 'Swish';
    await expect(loadModel(await variant('type', JSON.stringify(unknownType), bin))).rejects.toThrow(/unknown layer type 'Swish'/);
    const missingField = structuredClone(f);
    delete missingField.model.layers;
    await expect(loadModel(await variant('field', JSON.stringify(missingField), bin))).rejects.toThrow(/malformed/);
    const renamed = structuredClone(f);
    renamed.weights.entries[0].name = 'conv9/kernel';
    await expect(loadModel(await variant('entry', JSON.stringify(renamed), bin))).rejects.toThrow(/no weights for parameter 'conv1\/kernel'/);
    const before = tf.memory().numTensors;
    await expect(loadModel(await variant('shape2', JSON.stringify(wrongShape), bin))).rejects.toThrow(UserError);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
