/**
 * Entry of a WorkerPool thread: initialises the engine once, then imports the job module and runs its exported
 * functions on the tasks it is sent. See `pool.ts`.
 */
import { workerData } from 'node:worker_threads';
import { initEngine } from './index.js';
import type { BackendName } from './index.js';

/** What `WorkerPool` sends to each thread at start. */
export interface PoolWorkerData {
  /** URL of this module (read by pool-bootstrap.mjs). */
  entry: string;
  jobFile: string;
  backend: BackendName;
}

/** One task as sent over the thread boundary: the job module's export to call, and its argument. */
export interface PoolTask {
  name: string;
  task: unknown;
}

const { jobFile, backend } = workerData as PoolWorkerData;

// Started when the thread starts, so the engine set-up overlaps the wait for the first task.
const job: Promise<Record<string, unknown>> = initEngine(backend).then(() => import(jobFile));
job.catch(() => undefined); // reported by the first runJob, not as an unhandled rejection that kills the thread

export default async function runJob({ name, task }: PoolTask): Promise<unknown> {
  const mod = await job;
  const fn = mod[name];
  if (typeof fn !== 'function') {
    throw new Error(`worker job module ${jobFile} has no exported function '${name}'`);
  }
  return (fn as (t: unknown) => unknown)(task);
}
