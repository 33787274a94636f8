/**
 * Identity of a job. Two hashes of the normalised config (defaults filled, keys sorted), both
 * leaving out where results are written:
 * - the **model hash** (`configHash`) covers only what changes the trained model (data, model,
 *   training, seed, backend): it names the model cache entry, so changing the hardware or the
 *   simulation never retrains;
 * - the **job hash** (`jobHash`) covers everything else too (hardware, simulation): it names the
 *   results folder of `run`, so two hardware variants of one model keep separate reports.
 */
import { createHash } from 'node:crypto';
import type { JobConfig } from './schema.js';

/** Bump when the meaning of a trained model for a given config changes (invalidates caches). */
export const CONFIG_HASH_VERSION = 1;

/** Sections of the config that do not change the trained model. */
export const NON_MODEL_KEYS = ['output', 'hardware', 'simulation'] as const;

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

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Full sha256 hex of the config without its output, hardware and simulation sections: the model's identity. */
export function configHash(cfg: JobConfig): string {
  const identity: Record<string, unknown> = { ...cfg };
  for (const k of NON_MODEL_KEYS) delete identity[k];
  return sha256(`xbarnet-config-v${CONFIG_HASH_VERSION}\n${canonicalJson(identity)}`);
}

/** The first 12 hex digits of the model hash, for folder names. */
export function shortHash(cfg: JobConfig): string {
  return configHash(cfg).slice(0, 12);
}

/**
 * Full sha256 hex of the whole config without its output section and the simulation's thread
 * count (which changes how fast, not what): the identity of a run's results.
 */
export function jobHash(cfg: JobConfig): string {
  const { output: _output, ...identity } = cfg;
  const { threads: _threads, ...simulation } = cfg.simulation;
  return sha256(`xbarnet-job-v${CONFIG_HASH_VERSION}\n${canonicalJson({ ...identity, simulation })}`);
}

/** The first 12 hex digits of the job hash. */
export function shortJobHash(cfg: JobConfig): string {
  return jobHash(cfg).slice(0, 12);
}
