/**
 * Identity of a job: a hash of its normalised config (defaults filled, keys sorted), leaving out
 * where results are written. Two configs that would train the same model share a hash, which names
 * the default output folder and the model cache entry.
 */
import { createHash } from 'node:crypto';
import type { JobConfig } from './schema.js';

/** Bump when the meaning of a trained model for a given config changes (invalidates caches). */
export const CONFIG_HASH_VERSION = 1;

/** JSON with object keys sorted at every level, so key order in a file never changes the hash. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Full sha256 hex of the config without its `output` section. */
export function configHash(cfg: JobConfig): string {
  const { output: _output, ...identity } = cfg;
  return createHash('sha256').update(`xbarnet-config-v${CONFIG_HASH_VERSION}\n${canonicalJson(identity)}`).digest('hex');
}

/** The first 12 hex digits, for folder names. */
export function shortHash(cfg: JobConfig): string {
  return configHash(cfg).slice(0, 12);
}
