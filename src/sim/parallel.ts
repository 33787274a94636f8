/**
 * Monte Carlo over chips in worker threads: every chip is an independent task, so the two cores
 * of a small machine (or many on a large one) each run their own engine. Results come back in
 * chip order whatever the thread that ran them.
 */
import os from 'node:os';
import { WorkerPool } from '../engine/pool.js';
import type { MonteCarloSetup, MonteCarloTask } from './montecarlo-job.js';
import runMonteCarloChip from './montecarlo-job.js';
import type { ChipResult } from './simulate.js';

export interface ParallelOptions {
  /** Worker threads; 1 runs every chip in this thread. Default: the pool's default (all cores). */
  threads?: number;
  onChipDone?: (result: ChipResult, done: number, total: number) => void;
}

export async function simulateChips(setup: MonteCarloSetup, chips: number[], opts: ParallelOptions = {}): Promise<ChipResult[]> {
  const results: ChipResult[] = [];
  let done = 0;
  const finish = (r: ChipResult) => {
    done += 1;
    opts.onChipDone?.(r, done, chips.length);
    return r;
  };
  if (opts.threads === 1 || chips.length === 1) {
    for (const chip of chips) results.push(finish(await runMonteCarloChip({ ...setup, chip })));
    return results;
  }
  const pool = new WorkerPool({
    workerFile: new URL(`./montecarlo-job${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url),
    threads: Math.min(opts.threads ?? os.availableParallelism(), chips.length),
  });
  try {
    return await Promise.all(chips.map((chip) => pool.run<MonteCarloTask, ChipResult>({ ...setup, chip }).then(finish)));
  } finally {
    await pool.close();
  }
}
