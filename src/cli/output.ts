/** Where a job's results go, and the result record written there. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { type JobConfig, shortHash, shortJobHash } from '../config/index.js';
import type { CliIO } from './io.js';

/**
 * `runs/<model>-<dataset>-<hash>/` under the working folder, or the config's output.dir. The hash
 * is the model hash for a folder that holds a trained model (`train`), the job hash (hardware and
 * simulation included) for a run's reports, so hardware variants of one model do not overwrite
 * each other.
 */
export function outputDir(cfg: JobConfig, io: CliIO, identity: 'model' | 'job' = 'model'): string {
  const cwd = io.cwd ?? process.cwd();
  if (cfg.output.dir) return resolve(cwd, cfg.output.dir);
  const slug = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '_');
  const hash = identity === 'model' ? shortHash(cfg) : shortJobHash(cfg);
  return join(cwd, 'runs', `${slug(cfg.model.name)}-${slug(cfg.dataset.name)}-${hash}`);
}

/** Writes `text` to `<dir>/<name>` (creating the folder) and returns the path. */
export function writeText(dir: string, name: string, text: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Writes `record` as pretty JSON to `<dir>/result.json` and returns the path. */
export function writeResult(dir: string, record: unknown): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'result.json');
  writeFileSync(path, `${JSON.stringify(record, null, 2)}\n`);
  return path;
}

/** A path as printed: relative to the working folder when inside it, else absolute. */
export function shownPath(io: CliIO, path: string): string {
  const rel = relative(io.cwd ?? process.cwd(), path);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}
