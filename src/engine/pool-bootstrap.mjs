// Entry of a WorkerPool thread when running from TypeScript sources (tsx, vitest). Plain JavaScript, because
// node 20 cannot load `.ts` by itself and tsx's `--import` hook does not register in worker threads on node 20;
// so tsx is registered here, then the TypeScript entry (pool-worker.ts) is loaded. Not used from dist/.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const entry = await import(workerData.entry);
export default entry.default;
