/**
 * MNIST (LeCun, Cortes, Burges) and Fashion-MNIST (Xiao, Rasul, Vollgraf 2017, arXiv 1708.07747):
 * 28x28 grayscale images, 10 classes, four IDX files per dataset (gzipped or not):
 * train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte.
 */
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { findManifests } from './checksum.js';
import type { Dataset, DatasetSplits } from './dataset.js';
import { checksumSummary, firstExisting, readDataFile } from './files.js';
import { idxImages, idxLabels, parseIdx } from './idx.js';
import { type LoadOptions, limitFor } from './options.js';
import { resolveDataDir } from './resolve.js';

export type IdxDatasetName = 'mnist' | 'fashion-mnist';

/** Fashion-MNIST class names, from the dataset's README (github.com/zalandoresearch/fashion-mnist). */
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
];
const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

export async function loadMnist(opts: LoadOptions = {}): Promise<DatasetSplits> {
  return loadIdxDataset('mnist', opts);
}

export async function loadFashionMnist(opts: LoadOptions = {}): Promise<DatasetSplits> {
  return loadIdxDataset('fashion-mnist', opts);
}

/** Loads both splits of an IDX dataset from a folder resolved as in `resolveDataDir`. */
export async function loadIdxDataset(name: IdxDatasetName, opts: LoadOptions = {}): Promise<DatasetSplits> {
  const { dir } = resolveDataDir(name, opts.dir, opts.env);
  const manifests = opts.verify === false ? [] : findManifests(dir);
  const split = (prefix: 'train' | 't10k', which: 'train' | 'test'): Dataset => {
    const read = (kind: 'images-idx3-ubyte' | 'labels-idx1-ubyte') => {
      const base = join(dir, `${prefix}-${kind}`);
      const path = firstExisting([`${base}.gz`, base]);
      if (!path) {
        throw new UserError(
          `Dataset '${name}': missing ${base}.gz (or uncompressed ${base}) in ${dir}.`,
          'The folder must hold the four IDX files train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (.gz or not).',
        );
      }
      return readDataFile(path, { manifests, canonical: name, verify: opts.verify });
    };
    const imgFile = read('images-idx3-ubyte');
    const lblFile = read('labels-idx1-ubyte');
    const images = parseIdx(imgFile.bytes, imgFile.path);
    const labels = parseIdx(lblFile.bytes, lblFile.path);
    if (images.dims[0] !== labels.dims[0]) {
      throw new UserError(
        `Dataset '${name}': ${imgFile.path} has ${images.dims[0]} images but ${lblFile.path} has ${labels.dims[0]} labels.`,
        'The images and labels files must come from the same split and release.',
      );
    }
    const limit = limitFor(opts.limit, which);
    const { x, n, shape } = idxImages(images, imgFile.path, limit);
    const y = idxLabels(labels, lblFile.path, 10, limit);
    return {
      name: `${name}/${which}`,
      length: n,
      sampleShape: shape,
      x,
      y,
      labelShape: [],
      numClasses: 10,
      classNames: name === 'mnist' ? DIGITS : FASHION_MNIST_CLASSES,
      meta: { dir, checksums: checksumSummary([imgFile, lblFile]) },
    };
  };
  return { train: split('train', 'train'), test: split('t10k', 'test') };
}
