/**
 * Memristor counts of a deployment, read from its mapped matrices (the conductance targets each
 * analog stage programs). On a differential pair a weight of zero leaves both cells at gMin, so a
 * pruned weight needs no programmed cell; a crossbar column is freed only if the deployment drops
 * it (`hardware.dropZeroColumns`): we report the columns whose weights are all zero and how many of
 * them the deployment left off the crossbars, beside the tiles used.
 */
import { type Deployment, analogStages } from '../../deploy/deployment.js';

export interface CellCount {
  /** Weights on the crossbars (K x N summed over the analog stages). */
  weights: number;
  /** Weights the mapping represents as non-zero. */
  nonZeroWeights: number;
  /** Bit slices per weight (the same for every stage of one hardware). */
  slices: number;
  /** Cells of the mapped matrices: weights x slices x 2 (differential pair). */
  cells: number;
  /** Cells programmed above gMin: the memristors that hold non-zero weights. */
  nonZeroCells: number;
  /** Logical output columns (one differential pair of physical columns per slice). */
  columns: number;
  /** Logical output columns whose weights are all zero (dropped ones included). */
  zeroColumns: number;
  /** Of those, the columns the deployment left off the crossbars (`hardware.dropZeroColumns`). */
  droppedColumns: number;
  /** Tiles the deployment uses (pruned columns are still mapped). */
  tiles: number;
  /** Physical cells in those tiles. */
  tileCells: number;
}

export function countCells(d: Deployment): CellCount {
  const { rows, cols } = d.hardware.tile;
  // targets are float32: compare with gMin as float32 stores it
  const gMin = Math.fround(d.hardware.device.gMin);
  const out: CellCount = { weights: 0, nonZeroWeights: 0, slices: 0, cells: 0, nonZeroCells: 0, columns: 0, zeroColumns: 0, droppedColumns: 0, tiles: 0, tileCells: 0 };
  for (const s of analogStages(d)) {
    const m = s.mapped;
    const { K, N } = m;
    out.weights += K * N;
    out.slices = Math.max(out.slices, m.slices);
    out.tiles += s.plan.tiles;
    out.tileCells += s.plan.tiles * rows * cols;
    // columns left off the crossbars (hardware.dropZeroColumns) are all-zero columns of the layer
    const dropped = s.columnMap ? s.columnMap.outputs - N : 0;
    out.columns += N + dropped;
    out.zeroColumns += dropped;
    out.droppedColumns += dropped;
    const colNonZero = new Uint8Array(N);
    for (let i = 0; i < K * N; i++) {
      if (m.quantizedWeights[i] !== 0) {
        out.nonZeroWeights++;
        colNonZero[i % N] = 1;
      }
    }
    for (let j = 0; j < N; j++) if (!colNonZero[j]) out.zeroColumns++;
    const sides = [...m.pos, ...(m.neg ?? [])];
    out.cells += sides.length * K * N;
    for (const g of sides) for (let i = 0; i < g.length; i++) if (g[i] !== gMin) out.nonZeroCells++;
  }
  return out;
}
