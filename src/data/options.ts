/** Options shared by the file-backed loaders. */
import { UserError } from '../errors.js';

export interface SplitLimit {
  train?: number;
  test?: number;
}

export interface LoadOptions {
  /** Dataset folder; see `resolveDataDir` for the fallbacks. */
  dir?: string;
  /** Keep only the first n samples of a split (after the split's own order). */
  limit?: SplitLimit;
  /** false skips checksum verification (structural checks still run). Default true. */
  verify?: boolean;
  /** Environment to read XBARNET_* variables from (default `process.env`; tests pass their own). */
  env?: Readonly<Record<string, string | undefined>>;
}

/** The limit for one split as a count (Infinity when absent); rejects negative or fractional values. */
export function limitFor(limit: SplitLimit | undefined, split: 'train' | 'test'): number {
  const v = limit?.[split];
  if (v === undefined) return Infinity;
  if (!Number.isInteger(v) || v < 0) {
    throw new UserError(`limit.${split} must be a non-negative integer, got ${v}.`, 'Use e.g. limit: { train: 1000, test: 200 }.');
  }
  return v;
}

/** Rejects a `split` option the dataset does not offer. */
export function checkSplit(dataset: string, split: string | undefined, allowed: readonly string[]): string {
  const s = split ?? allowed[0];
  if (!allowed.includes(s)) {
    throw new UserError(`Dataset '${dataset}' has no split '${s}'.`, `Choose one of: ${allowed.join(', ')}.`);
  }
  return s;
}
