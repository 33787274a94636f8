import { tf } from './tf.js';
import { registerMissingGradients, registerMissingWasmKernels } from './kernels.js';
import { initReadoutKernel } from './readout-kernel.js';

export { tf } from './tf.js';
export type { Tensor } from './tf.js';
export { Rng, hashSeed } from './rng.js';
export { WorkerPool } from './pool.js';
export type { WorkerPoolOptions, RunOptions } from './pool.js';

export type BackendName = 'wasm' | 'cpu';

let ready: Promise<BackendName> | undefined;
let readyBackend: BackendName | undefined;

/**
 * Initialise the compute engine once per process (and once per worker thread).
 * The default backend is WebAssembly with SIMD (XNNPACK); `cpu` is the pure-JS reference used by tests
 * to check the kernels this project supplies to wasm. Calling again with another backend switches.
 */
export async function initEngine(backend: BackendName = 'wasm'): Promise<BackendName> {
  if (ready && readyBackend === backend) return ready;
  readyBackend = backend;
  ready = (async () => {
    // tfjs prints a banner about tfjs-node on first use; it is advice for another setup, not ours.
    tf.env().set('IS_NODE', true);
    registerMissingGradients();
    if (backend === 'wasm') registerMissingWasmKernels();
    const ok = await tf.setBackend(backend);
    if (!ok) throw new Error(`TensorFlow.js backend '${backend}' failed to initialise`);
    await tf.ready();
    if (backend === 'wasm') await initReadoutKernel();
    return backend;
  })();
  return ready;
}

/** Name of the backend in use, for reports and benchmarks. */
export function backendName(): string {
  return tf.getBackend();
}

/**
 * The values of a tensor built in a tidy scope, the tensor then freed. Use instead of returning
 * `dataSync()` from `tf.tidy`: tidy walks a returned container element by element looking for
 * tensors, which for a large typed array costs more than the computation (measured 15x on a
 * 1024x1024 matmul).
 */
export function tidyData(build: () => tf.Tensor): Float32Array | Int32Array | Uint8Array {
  const t = tf.tidy(build);
  // a copy: the wasm backend may hand out a view of its memory, reused once the tensor is freed
  const values = t.dataSync().slice();
  if (!(t instanceof tf.Variable)) t.dispose(); // a variable returned as is stays its owner's
  return values;
}
