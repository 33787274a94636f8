/**
 * Checksums of dataset files: `MD5SUMS` manifests (the `md5sum` tool's output format) and the
 * published MD5s of the canonical MNIST, Fashion-MNIST and CIFAR-10 files.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { UserError } from '../errors.js';

const md5Memo = new WeakMap<Uint8Array, string>();

/** MD5 of `bytes` as lowercase hex (memoised per array: a file checked twice is hashed once). */
export function md5Hex(bytes: Uint8Array): string {
  let h = md5Memo.get(bytes);
  if (h === undefined) {
    h = createHash('md5').update(bytes).digest('hex');
    md5Memo.set(bytes, h);
  }
  return h;
}

/** One `MD5SUMS` file: paths (relative to the manifest's folder, without a leading `./`) to MD5s. */
export interface Md5Manifest {
  readonly file: string;
  readonly dir: string;
  readonly entries: ReadonlyMap<string, string>;
}

/** Parses `md5sum` output: `<32 hex>  <path>` or `<32 hex> *<path>` (binary mode), one per line. */
export function parseMd5Sums(text: string, file: string): Md5Manifest {
  const entries = new Map<string, string>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([0-9a-fA-F]{32}) [ *](.+)$/.exec(line);
    if (!m) {
      throw new UserError(
        `${file}:${i + 1}: not an MD5SUMS line: '${line.slice(0, 80)}'`,
        'Each line must be "<32 hex digits>  <path>", as written by md5sum.',
      );
    }
    entries.set(normalisePath(m[2]), m[1].toLowerCase());
  }
  return { file, dir: dirname(file), entries };
}

function normalisePath(p: string): string {
  let s = p.replace(/\\/g, '/');
  while (s.startsWith('./')) s = s.slice(2);
  return s;
}

/**
 * The MD5SUMS manifests that may cover files under `root`: `root/MD5SUMS` and, for layouts where
 * one manifest covers several datasets (shared/data/sequences/MD5SUMS lists `ucr-uea/<Name>/...`),
 * the parent folder's `MD5SUMS`.
 */
export function findManifests(root: string): Md5Manifest[] {
  const out: Md5Manifest[] = [];
  for (const dir of [root, dirname(root)]) {
    const file = join(dir, 'MD5SUMS');
    if (existsSync(file)) out.push(parseMd5Sums(readFileSync(file, 'utf8'), file));
  }
  return out;
}

/** The manifest entry for `path` (exact relative path, else a unique entry with the same file name). */
function lookup(manifest: Md5Manifest, path: string): string | undefined {
  const rel = normalisePath(relative(manifest.dir, path).split(sep).join('/'));
  const exact = manifest.entries.get(rel);
  if (exact) return exact;
  const name = basename(path);
  let found: string | undefined;
  let count = 0;
  for (const [p, h] of manifest.entries) {
    if (p === name || p.endsWith('/' + name)) {
      found = h;
      count++;
    }
  }
  return count === 1 ? found : undefined;
}

export type ChecksumResult = 'verified' | 'unlisted';

/**
 * Checks a file the loader has read against the manifests. A `.gz` file is looked up under its own
 * name (hash of the compressed bytes) and, failing that, under its name without `.gz` (hash of the
 * decompressed bytes: shared/data/cifar10/MD5SUMS lists the `.bin` files it stores as `.bin.gz`).
 * Throws `UserError` on a mismatch; returns 'unlisted' when no manifest names the file.
 */
export function verifyAgainstManifests(
  manifests: readonly Md5Manifest[],
  path: string,
  raw: Uint8Array,
  decompressed?: Uint8Array,
): ChecksumResult {
  for (const m of manifests) {
    const expected = lookup(m, path);
    if (expected) {
      checkMd5(path, raw, expected, m.file);
      return 'verified';
    }
    if (decompressed && path.endsWith('.gz')) {
      const plain = lookup(m, path.slice(0, -3));
      if (plain) {
        checkMd5(path, decompressed, plain, m.file, ' (of the decompressed bytes)');
        return 'verified';
      }
    }
  }
  return 'unlisted';
}

export function checkMd5(path: string, bytes: Uint8Array, expected: string, source: string, what = ''): void {
  const actual = md5Hex(bytes);
  if (actual !== expected.toLowerCase()) {
    throw new UserError(
      `Checksum mismatch for ${path}: expected MD5 ${expected}${what} from ${source}, got ${actual}.`,
      'The file is corrupt, truncated or a different version: fetch a fresh copy (or fix the MD5SUMS entry).',
    );
  }
}

/** A canonical file: its uncompressed size in bytes and published MD5 of the uncompressed bytes. */
export interface CanonicalFile {
  readonly bytes: number;
  readonly md5: string;
}

/**
 * Published MD5s of the uncompressed canonical files.
 * MNIST: the four IDX files of yann.lecun.com/exdb/mnist (widely reproduced, e.g. by loaders that
 * check the gunzipped files). Fashion-MNIST: github.com/zalandoresearch/fashion-mnist IDX files,
 * uncompressed. CIFAR-10: the six `.bin` files inside cifar-10-binary.tar.gz
 * (www.cs.toronto.edu/~kriz/cifar.html). Each was re-checked here against a full copy.
 * A file is compared with these only when its size equals the canonical size, so that small or
 * derived files with the same names (tests, subsets) are checked structurally only.
 */
export const CANONICAL_MD5: Readonly<Record<string, Readonly<Record<string, CanonicalFile>>>> = {
  mnist: {
    'train-images-idx3-ubyte': { bytes: 47040016, md5: '6bbc9ace898e44ae57da46a324031adb' },
    'train-labels-idx1-ubyte': { bytes: 60008, md5: 'a25bea736e30d166cdddb491f175f624' },
    't10k-images-idx3-ubyte': { bytes: 7840016, md5: '2646ac647ad5339dbf082846283269ea' },
    't10k-labels-idx1-ubyte': { bytes: 10008, md5: '27ae3e4e09519cfbb04c329615203637' },
  },
  'fashion-mnist': {
    'train-images-idx3-ubyte': { bytes: 47040016, md5: 'f4a8712d7a061bf5bd6d2ca38dc4d50a' },
    'train-labels-idx1-ubyte': { bytes: 60008, md5: '9018921c3c673c538a1fc5bad174d6f9' },
    't10k-images-idx3-ubyte': { bytes: 7840016, md5: '8181f5470baa50b63fa0f6fddb340f0a' },
    't10k-labels-idx1-ubyte': { bytes: 10008, md5: '15d484375f8d13e6eb1aabb0c3f46965' },
  },
  cifar10: {
    'data_batch_1.bin': { bytes: 30730000, md5: '5dd7e06a14cb22eb9f671a540d1b7c25' },
    'data_batch_2.bin': { bytes: 30730000, md5: '5ea93a67294ea407fff1d09f752e9692' },
    'data_batch_3.bin': { bytes: 30730000, md5: '942cd6a4bcdd0dd3c604fbe906cb4421' },
    'data_batch_4.bin': { bytes: 30730000, md5: 'ae636b3ba5c66a11e91e8cb52e771fcb' },
    'data_batch_5.bin': { bytes: 30730000, md5: '53f37980c15c3d472c316c40844f3f0d' },
    'test_batch.bin': { bytes: 30730000, md5: '803d5f7f4d78ea53de84dbe85f74fb6d' },
  },
};

/**
 * Compares full-size canonical files with their published MD5 (see `CANONICAL_MD5`).
 * `name` is the file name without `.gz`; `bytes` the uncompressed content.
 */
export function verifyCanonical(dataset: string, name: string, path: string, bytes: Uint8Array): boolean {
  const entry = CANONICAL_MD5[dataset]?.[name];
  if (!entry || bytes.length !== entry.bytes) return false;
  checkMd5(path, bytes, entry.md5, `the published ${dataset} checksums`, ' (of the uncompressed bytes)');
  return true;
}
