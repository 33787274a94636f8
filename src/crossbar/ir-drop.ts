/**
 * IR drop: the voltage lost on the row and column wires of a tile, so a cell sees less than the
 * applied voltage and its column collects less current.
 *
 * Two models, both folded into the chip's conductances once (they do not depend on the input):
 * - 'first-order': each cell in series with the wire segments between it and its drivers,
 *   `G / (1 + G r n)`. Exact for one active cell; ignores the current the other cells push through
 *   the same wires.
 * - 'nodal': the tile's full resistive network (every row and column wire segment, every cell)
 *   solved by Kirchhoff's current law. The network is linear (cells at a linear I-V), so a column's
 *   current is `sum_i V_i T[i][c]` whatever the inputs: the transfer matrix T, one solve per driven
 *   row (row i at 1 V, every other row driver at 0 V), replaces the conductances. Exact for linear
 *   cells, sneak currents between rows included; a cell with a sinh I-V is linearised at its read
 *   conductance.
 *
 * Geometry (as the first-order model, docs/analog-model.md): the input driver of row i at its left
 * end, one segment before column 0; the sense amplifier of column c at the bottom, a virtual ground
 * one segment below the tile's last row; the far ends of the wires are open. Every wire segment has
 * the resistance `r` (hardware.wireResistance). Rows of the tile that hold no weights carry no cells
 * (unformed) but keep their column-wire segments.
 *
 * Solver: block Gauss-Seidel over lines. With the column-wire voltages fixed, each row wire is a
 * tridiagonal system (Thomas algorithm); with the row-wire voltages fixed, so is each column wire.
 * The nodal matrix is symmetric positive definite, so the sweeps converge; they stop when no output
 * current moves by more than `tolerance` of the largest. All driven rows are solved at once, the
 * right-hand sides side by side in memory.
 */
import { UserError } from '../errors.js';

export interface NodalOptions {
  /** Stop when no output current changes by more than this fraction of the largest (default 1e-8, below float32's resolution). */
  tolerance?: number;
  /** Give up (an error) after this many sweeps (default 2000). */
  maxSweeps?: number;
}

export interface NodalTransfer {
  /** [drivenRows x cols]: the current into column c's amplifier per volt on row i's driver (S). */
  transfer: Float64Array;
  /** Gauss-Seidel sweeps used. */
  sweeps: number;
}

/**
 * The transfer matrix of a tile of `rows` x `cols` cells with conductances `g` (row-major, S), wire
 * segments of `r` ohm, and drivers on rows 0..drivenRows-1 (the rest are not driven: no cells).
 */
export function nodalTransfer(g: Float64Array, rows: number, cols: number, drivenRows: number, r: number, opts: NodalOptions = {}): NodalTransfer {
  if (g.length !== rows * cols) throw new Error(`nodalTransfer: ${g.length} conductances for ${rows} x ${cols} cells`);
  if (!(drivenRows >= 1 && drivenRows <= rows)) throw new Error(`nodalTransfer: ${drivenRows} driven rows of ${rows}`);
  if (!(r > 0)) throw new Error(`nodalTransfer: wire resistance must be > 0, got ${r}`);
  const tolerance = opts.tolerance ?? 1e-8;
  const maxSweeps = opts.maxSweeps ?? 2000;
  const K = drivenRows;
  const gw = 1 / r; // wire segment conductance
  // u: row-wire node voltages, w: column-wire node voltages, at [(i * cols + c) * K + k] for right-hand side k
  const u = new Float64Array(rows * cols * K);
  const w = new Float64Array(rows * cols * K);
  // Thomas factors of every row line (along c) and column line (along i): the modified upper
  // diagonal and the inverse pivot, fixed by the conductances
  const rowUpper = new Float64Array(rows * cols);
  const rowPivot = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    let prev = 0;
    for (let c = 0; c < cols; c++) {
      const diag = g[i * cols + c]! + gw + (c < cols - 1 ? gw : 0);
      const pivot = 1 / (diag + gw * prev); // diag - (-gw) * upper(c-1)
      rowPivot[i * cols + c] = pivot;
      prev = -gw * pivot;
      rowUpper[i * cols + c] = prev;
    }
  }
  const colUpper = new Float64Array(rows * cols);
  const colPivot = new Float64Array(rows * cols);
  for (let c = 0; c < cols; c++) {
    let prev = 0;
    for (let i = 0; i < rows; i++) {
      const diag = g[i * cols + c]! + (i > 0 ? gw : 0) + gw;
      const pivot = 1 / (diag + gw * prev);
      colPivot[i * cols + c] = pivot;
      prev = -gw * pivot;
      colUpper[i * cols + c] = prev;
    }
  }
  const last = new Float64Array(cols * K); // output currents of the previous sweep
  let sweeps = 0;
  for (;;) {
    sweeps++;
    // row wires, given the column wires: (g + 2 gw) u_c - gw (u_c-1 + u_c+1) = g w_c (+ gw V at c = 0)
    for (let i = 0; i < rows; i++) {
      for (let c = 0; c < cols; c++) {
        const gc = g[i * cols + c]!;
        const at = (i * cols + c) * K;
        const pivot = rowPivot[i * cols + c]!;
        if (c === 0) {
          for (let k = 0; k < K; k++) u[at + k] = gc * w[at + k]! * pivot;
          if (i < K) u[at + i] = u[at + i]! + gw * pivot; // row i's driver at 1 V for right-hand side i
        } else {
          const before = at - K;
          const gwp = gw * pivot;
          const gcp = gc * pivot;
          for (let k = 0; k < K; k++) u[at + k] = gcp * w[at + k]! + gwp * u[before + k]!;
        }
      }
      for (let c = cols - 2; c >= 0; c--) {
        const at = (i * cols + c) * K;
        const after = at + K;
        const upper = rowUpper[i * cols + c]!;
        for (let k = 0; k < K; k++) u[at + k] = u[at + k]! - upper * u[after + k]!;
      }
    }
    // column wires, given the row wires (amplifier: ground below the last row)
    for (let c = 0; c < cols; c++) {
      for (let i = 0; i < rows; i++) {
        const at = (i * cols + c) * K;
        const pivot = colPivot[i * cols + c]!;
        const gcp = g[i * cols + c]! * pivot;
        if (i === 0) {
          for (let k = 0; k < K; k++) w[at + k] = gcp * u[at + k]!;
        } else {
          const above = at - cols * K;
          const gwp = gw * pivot;
          for (let k = 0; k < K; k++) w[at + k] = gcp * u[at + k]! + gwp * w[above + k]!;
        }
      }
      for (let i = rows - 2; i >= 0; i--) {
        const at = (i * cols + c) * K;
        const below = at + cols * K;
        const upper = colUpper[i * cols + c]!;
        for (let k = 0; k < K; k++) w[at + k] = w[at + k]! - upper * w[below + k]!;
      }
    }
    // output currents: the last segment of each column into the amplifier's virtual ground
    let change = 0;
    let largest = 0;
    const bottom = (rows - 1) * cols * K;
    for (let e = 0; e < cols * K; e++) {
      const current = gw * w[bottom + e]!;
      change = Math.max(change, Math.abs(current - last[e]!));
      largest = Math.max(largest, Math.abs(current));
      last[e] = current;
    }
    if (change <= tolerance * largest) break;
    if (sweeps >= maxSweeps) {
      throw new UserError(
        `IR drop: the nodal solve of a ${rows} x ${cols} tile did not converge in ${maxSweeps} sweeps ` +
          `(wire resistance ${r} ohm against cells up to ${Math.max(...g)} S)`,
        'use a smaller wireResistance or tile, or the first-order model (irDrop: first-order)',
      );
    }
  }
  // transfer[k][c] = output current of column c for right-hand side k
  const transfer = new Float64Array(K * cols);
  for (let c = 0; c < cols; c++) for (let k = 0; k < K; k++) transfer[k * cols + c] = last[c * K + k]!;
  return { transfer, sweeps };
}
