/**
 * Model cache: a model trained for a config is kept under `.xbarnet-cache/models/<hash>/` (hash of
 * the normalised config without output fields), so `run` with the same config reuses it. An entry
 * is written to a temporary folder and renamed into place, so a crash never leaves a half entry.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type JobConfig, configHash, shortHash } from '../config/index.js';
import { type History, type Sequential, loadModel, saveModel } from '../nn/index.js';
import type { CliIO } from './io.js';

export interface CacheEntry {
  configHash: string;
  config: JobConfig;
  history: History;
  savedAt: string;
}

const ENTRY = 'entry.json';

/** `$XBARNET_CACHE_DIR`, else `.xbarnet-cache/` in the working folder. */
export function cacheRoot(io: CliIO): string {
  const env = io.env ?? process.env;
  const cwd = io.cwd ?? process.cwd();
  return env.XBARNET_CACHE_DIR ? resolve(cwd, env.XBARNET_CACHE_DIR) : join(cwd, '.xbarnet-cache');
}

export function modelCacheDir(cfg: JobConfig, io: CliIO): string {
  return join(cacheRoot(io), 'models', shortHash(cfg));
}

/** The cached model for `cfg`, or undefined when there is none (or it belongs to another config). */
export async function readCachedModel(
  cfg: JobConfig,
  io: CliIO,
): Promise<{ model: Sequential; entry: CacheEntry; dir: string } | undefined> {
  const dir = modelCacheDir(cfg, io);
  const entryPath = join(dir, ENTRY);
  if (!existsSync(entryPath)) return undefined;
  let entry: CacheEntry;
  try {
    entry = JSON.parse(readFileSync(entryPath, 'utf8')) as CacheEntry;
  } catch {
    return undefined;
  }
  if (entry.configHash !== configHash(cfg)) return undefined;
  try {
    return { model: await loadModel(dir), entry, dir };
  } catch (e) {
    // A damaged entry is not the user's problem to fix by hand: say so, and let the caller retrain.
    io.stderr.write(`xbarnet: note: ignoring the unreadable cached model in ${dir} (${(e as Error).message}); training anew.\n`);
    return undefined;
  }
}

/** Stores a trained model for `cfg`, replacing any older entry; returns its folder. */
export async function writeCachedModel(cfg: JobConfig, io: CliIO, model: Sequential, history: History): Promise<string> {
  const dir = modelCacheDir(cfg, io);
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  mkdirSync(tmp, { recursive: true });
  try {
    const entry: CacheEntry = { configHash: configHash(cfg), config: cfg, history, savedAt: new Date().toISOString() };
    await saveModel(model, tmp, { config: cfg, configHash: entry.configHash });
    writeFileSync(join(tmp, ENTRY), `${JSON.stringify(entry, null, 2)}\n`);
    rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(tmp, dir);
    } catch (e) {
      // Another process stored the same config's model first: theirs is as good as ours.
      if (!existsSync(join(dir, ENTRY))) throw e;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}
