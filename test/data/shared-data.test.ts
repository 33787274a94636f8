/**
 * Integration tests on the real datasets in the shared data folder: `$XBARNET_DATA_DIR`, else
 * `../shared/data` beside the repository. Skipped (with a note) when neither exists.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/data/index.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const dataDir = process.env.XBARNET_DATA_DIR ?? join(repoRoot, '../shared/data');
const present = existsSync(dataDir);
if (!present) console.warn(`[data] shared data folder ${dataDir} not found: skipping the real-dataset tests (set XBARNET_DATA_DIR).`);
const env = { XBARNET_DATA_DIR: dataDir };
const has = (sub: string) => present && existsSync(join(dataDir, sub));

describe('real datasets from the shared data folder', () => {
  it.skipIf(!has('mnist'))('MNIST test split: 10,000 images with the published class counts', async () => {
    const d = await loadDataset('mnist', { env, limit: { train: 0 } });
    expect(d.test.length).toBe(10000);
    const counts = new Array(10).fill(0);
    d.test.y.forEach((v) => counts[v]++);
    expect(counts).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    let max = 0;
    d.test.x.forEach((v) => (max = Math.max(max, v)));
    expect(max).toBe(1);
    expect(Object.values(d.test.meta?.checksums as object)).toEqual(['manifest+published', 'manifest+published']);
  });

  it.skipIf(!has('cifar10'))('CIFAR-10 test batch: 10,000 images, 1,000 per class, names from batches.meta.txt', async () => {
    const d = await loadDataset('cifar10', { env, limit: { train: 0 } });
    expect(d.test.length).toBe(10000);
    expect(d.test.sampleShape).toEqual([32, 32, 3]);
    const counts = new Array(10).fill(0);
    d.test.y.forEach((v) => counts[v]++);
    expect(counts).toEqual(new Array(10).fill(1000));
    expect(d.test.classNames?.[0]).toBe('airplane');
    expect(d.test.classNames?.[9]).toBe('truck');
    expect(Object.values(d.test.meta?.checksums as object)).toEqual(['manifest+published']);
  });

  it.skipIf(!has('fsdd'))('FSDD: a few recordings featurised, checksums verified', async () => {
    const d = await loadDataset('fsdd', { env, limit: { train: 20, test: 10 } });
    expect(d.train.sampleShape).toEqual([64, 13]);
    expect(Array.from(d.test.y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(d.train.meta?.filesVerified).toBe(30);
    expect(d.train.x.every(Number.isFinite)).toBe(true);
  });

  it.skipIf(!has('sequences/ucr-uea/JapaneseVowels'))('JapaneseVowels: 270 / 370 cases, 12 dims, 9 speakers, lengths 7-29', async () => {
    const d = await loadDataset('ucr', { env, problem: 'JapaneseVowels' });
    expect([d.train.length, d.test.length]).toEqual([270, 370]);
    expect(d.train.sampleShape).toEqual([29, 12]);
    expect(d.train.numClasses).toBe(9);
    expect(d.train.meta).toMatchObject({ minLength: 7, maxLength: 29 });
    expect(Object.values(d.test.meta?.checksums as object)).toEqual(['manifest', 'manifest']);
  });
});
