/**
 * Orthogonal initialiser (for recurrent kernels), drawn from the layer's seeded `Rng` on the JS
 * side (Float32Array), so that initial weights are identical on every backend and machine.
 * The uniform initialisers live in `init.ts`.
 */
import type { Rng } from '../engine/rng.js';

/**
 * A [rows, cols] matrix (row-major) with orthonormal rows if rows <= cols, orthonormal columns
 * otherwise (Saxe et al., ICLR 2014; the Keras default for `recurrentKernel`, gain 1).
 *
 * As Keras does, a Gaussian matrix is QR-factorised with the sign of diag(R) folded into Q, which
 * makes Q Haar-distributed. Modified Gram-Schmidt in float64 gives exactly that Q: its R has a
 * positive diagonal by construction.
 */
export function orthogonal(rows: number, cols: number, rng: Rng): Float32Array {
  // Orthonormalise the k = min(rows, cols) vectors of length n = max(rows, cols).
  const k = Math.min(rows, cols);
  const n = Math.max(rows, cols);
  const v: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    const a = new Float64Array(n);
    for (let i = 0; i < n; i++) a[i] = rng.normal();
    v.push(a);
  }
  for (let j = 0; j < k; j++) {
    const a = v[j];
    for (let p = 0; p < j; p++) {
      const q = v[p];
      let dot = 0;
      for (let i = 0; i < n; i++) dot += q[i] * a[i];
      for (let i = 0; i < n; i++) a[i] -= dot * q[i];
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += a[i] * a[i];
    norm = Math.sqrt(norm);
    // A Gaussian draw is linearly dependent with probability 0; guard anyway.
    if (norm < 1e-12) throw new Error('orthogonal initialiser drew a degenerate matrix');
    for (let i = 0; i < n; i++) a[i] /= norm;
  }
  const out = new Float32Array(rows * cols);
  for (let j = 0; j < k; j++) {
    for (let i = 0; i < n; i++) {
      // rows <= cols: vector j is row j; otherwise vector j is column j.
      if (rows <= cols) out[j * cols + i] = v[j][i];
      else out[i * cols + j] = v[j][i];
    }
  }
  return out;
}
