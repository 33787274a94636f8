/**
 * CIFAR-10 (Krizhevsky 2009), "binary version" (www.cs.toronto.edu/~kriz/cifar.html): files
 * data_batch_1..5.bin (train) and test_batch.bin, each a sequence of 3073-byte records:
 * 1 label byte (0-9), then 3072 pixel bytes: the 1024 red values, then green, then blue, each plane
 * row-major 32x32. Loaded as float32 in [0, 1], channels last [32, 32, 3].
 * Files may be gzipped (`.bin.gz`); the folder may be the batches folder or hold `cifar-10-batches-bin/`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { findManifests } from './checksum.js';
import type { Dataset, DatasetSplits } from './dataset.js';
import { type DataFile, checksumSummary, firstExisting, isDirectory, readDataFile } from './files.js';
import { type LoadOptions, limitFor } from './options.js';
import { resolveDataDir } from './resolve.js';

export const CIFAR10_RECORD_BYTES = 1 + 32 * 32 * 3;
/** Class names from the dataset's web page, used when batches.meta.txt is absent. */
export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
const TRAIN_FILES = ['data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5'];
const TEST_FILES = ['test_batch'];

/**
 * Decodes CIFAR-10 binary records into `x` (HWC float [0,1]) and `y`, starting at sample `offset`,
 * at most `max` records. Checks the size is a whole number of records and every label is 0-9.
 */
export function decodeCifarRecords(
  bytes: Uint8Array,
  file: string,
  x: Float32Array,
  y: Int32Array,
  offset: number,
  max: number,
): number {
  if (bytes.length === 0 || bytes.length % CIFAR10_RECORD_BYTES !== 0) {
    throw new UserError(
      `${file}: size ${bytes.length} bytes is not a whole number of ${CIFAR10_RECORD_BYTES}-byte CIFAR-10 records (truncated or wrong file).`,
      'Each record is 1 label byte + 3072 pixel bytes; fetch a fresh copy of the binary version.',
    );
  }
  const records = bytes.length / CIFAR10_RECORD_BYTES;
  const n = Math.min(records, max);
  for (let r = 0; r < records; r++) {
    const o = r * CIFAR10_RECORD_BYTES;
    const label = bytes[o];
    if (label > 9) throw new UserError(`${file}: record ${r} has label ${label}, outside 0-9.`, 'Wrong or corrupt file.');
    if (r >= n) continue;
    const s = offset + r;
    y[s] = label;
    const px = s * 3072;
    for (let c = 0; c < 3; c++) {
      const plane = o + 1 + c * 1024;
      for (let p = 0; p < 1024; p++) x[px + p * 3 + c] = bytes[plane + p] / 255;
    }
  }
  return n;
}

/** Class names from batches.meta.txt (one per non-empty line; must be 10), else `CIFAR10_CLASSES`. */
export function readCifarClassNames(dir: string): string[] {
  const file = join(dir, 'batches.meta.txt');
  if (!existsSync(file)) return CIFAR10_CLASSES;
  const names = readFileSync(file, 'utf8').split(/\r?\n/).map((s) => s.trim()).filter((s) => s !== '');
  if (names.length !== 10) {
    throw new UserError(`${file}: expected 10 class names (one per line), found ${names.length}.`, 'Fix or remove batches.meta.txt.');
  }
  return names;
}

export async function loadCifar10(opts: LoadOptions = {}): Promise<DatasetSplits> {
  const resolved = resolveDataDir('cifar10', opts.dir, opts.env);
  const dir = isDirectory(join(resolved.dir, 'cifar-10-batches-bin')) ? join(resolved.dir, 'cifar-10-batches-bin') : resolved.dir;
  const manifests = opts.verify === false ? [] : findManifests(dir);
  const classNames = readCifarClassNames(dir);

  const load = (names: readonly string[], which: 'train' | 'test'): Dataset => {
    const limit = limitFor(opts.limit, which);
    const files: DataFile[] = [];
    let available = 0;
    for (const name of names) {
      if (available >= limit) break; // later batches are not needed (nor read, nor verified)
      const base = join(dir, `${name}.bin`);
      const path = firstExisting([base, `${base}.gz`]);
      if (!path) {
        throw new UserError(
          `Dataset 'cifar10': missing ${base} (or ${base}.gz) in ${dir}.`,
          'The folder must hold data_batch_1..5.bin and test_batch.bin (the binary version, optionally gzipped).',
        );
      }
      const file = readDataFile(path, { manifests, canonical: 'cifar10', verify: opts.verify });
      files.push(file);
      available += Math.floor(file.bytes.length / CIFAR10_RECORD_BYTES);
    }
    // One allocation for the whole split (the train split is 50,000 x 3,072 floats = 614 MB).
    const total = Math.min(available, limit);
    const x = new Float32Array(total * 3072);
    const y = new Int32Array(total);
    let at = 0;
    for (const file of files) at += decodeCifarRecords(file.bytes, file.path, x, y, at, total - at);
    return {
      name: `cifar10/${which}`,
      length: total,
      sampleShape: [32, 32, 3],
      x,
      y,
      labelShape: [],
      numClasses: 10,
      classNames,
      meta: { dir, checksums: checksumSummary(files) },
    };
  };
  return { train: load(TRAIN_FILES, 'train'), test: load(TEST_FILES, 'test') };
}
