/**
 * A pool of worker threads for independent jobs (Monte Carlo chips, sweep points): the wasm backend is
 * single-threaded in Node, so all cores are used by running one engine per thread. Built on piscina.
 *
 * A job module exports functions of one (structured-clonable) argument; the default export is called unless
 * `run(task, { name })` names another. Each thread initialises the engine before importing the job module.
 *
 * Runs from TypeScript sources (tsx, vitest) as well as from the compiled `dist/`. From sources, a thread starts
 * at `pool-bootstrap.mjs`, which registers tsx in that thread and then loads `pool-worker.ts`: node 20 cannot load
 * `.ts` itself, tsx's `--import` hook skips worker threads on node 20, and vitest's transform does not reach them.
 * From dist/, a thread starts at `pool-worker.js` directly.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { extname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import type { BackendName } from './index.js';
import type { PoolTask, PoolWorkerData } from './pool-worker.js';

export interface WorkerPoolOptions {
  /** The job module: a file URL, or a path (relative to the working directory). */
  workerFile: URL | string;
  /** Number of threads; default: the number of cores (`os.availableParallelism()`). */
  threads?: number;
  /** Engine backend in each thread; default 'wasm'. */
  backend?: BackendName;
}

export interface RunOptions {
  /** The job module's export to call; default: its default export. */
  name?: string;
  signal?: AbortSignal;
}

const TS_EXTENSIONS = new Set(['.ts', '.mts', '.cts']);

function isTypeScript(url: URL): boolean {
  return TS_EXTENSIONS.has(extname(url.pathname));
}

function toFileUrl(file: URL | string): URL {
  if (file instanceof URL) return file;
  return file.startsWith('file:') ? new URL(file) : pathToFileURL(resolve(file));
}

export class WorkerPool {
  readonly threads: number;
  private readonly piscina: Piscina;
  /** A thread-level error (a thread failed to start, or crashed outside a task); every run rejects with it. */
  private failure: Error | undefined;

  constructor(options: WorkerPoolOptions) {
    const jobUrl = toFileUrl(options.workerFile);
    if (!existsSync(fileURLToPath(jobUrl))) throw new Error(`WorkerPool: job module not found: ${fileURLToPath(jobUrl)}`);
    this.threads = options.threads ?? os.availableParallelism();
    if (!Number.isInteger(this.threads) || this.threads < 1) {
      throw new RangeError(`WorkerPool: threads must be a positive integer, got ${options.threads}`);
    }
    // The thread entry sits next to this file, compiled or not: pool-worker.ts from sources, pool-worker.js in dist/.
    const entry = new URL(`./pool-worker${extname(new URL(import.meta.url).pathname)}`, import.meta.url);
    let filename = entry;
    if (isTypeScript(entry) || isTypeScript(jobUrl)) {
      filename = new URL('./pool-bootstrap.mjs', import.meta.url);
      if (!existsSync(fileURLToPath(filename))) {
        throw new Error(`WorkerPool: TypeScript job module ${fileURLToPath(jobUrl)} needs running from sources (tsx); ` +
          'compile it to .js for use with dist/');
      }
    }
    const workerData: PoolWorkerData = { entry: entry.href, jobFile: jobUrl.href, backend: options.backend ?? 'wasm' };
    this.piscina = new Piscina({
      filename: filename.href,
      minThreads: this.threads,
      maxThreads: this.threads,
      workerData,
      // piscina's default blocks an idle thread in Atomics.wait, so timers and promises a job leaves behind run
      // only when the next task comes; jobs here are long, and plain messages keep each thread's event loop alive.
      atomics: 'disabled',
    });
    // A thread-level error is an 'error' event, which without a listener ends the whole process, and piscina
    // would restart a thread that cannot start for ever while the queued tasks wait. Fail fast instead.
    this.piscina.on('error', (e: Error) => {
      if (this.failure) return;
      this.failure = e;
      void this.piscina.destroy();
    });
  }

  /** Runs one task on a free thread; rejects with the job's error. */
  run<TIn, TOut>(task: TIn, options: RunOptions = {}): Promise<TOut> {
    if (this.failure) return Promise.reject(this.failure);
    const message: PoolTask = { name: options.name ?? 'default', task };
    return (this.piscina.run(message, { signal: options.signal }) as Promise<TOut>).catch((e: unknown) => {
      throw this.failure ?? e;
    });
  }

  /** Runs all tasks across the threads; results in task order. */
  map<TIn, TOut>(tasks: readonly TIn[], options: RunOptions = {}): Promise<TOut[]> {
    return Promise.all(tasks.map((t) => this.run<TIn, TOut>(t, options)));
  }

  /** Stops the threads (tasks still queued are rejected). */
  async close(): Promise<void> {
    if (!this.failure) await this.piscina.destroy();
  }
}
