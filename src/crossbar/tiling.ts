/**
 * How a logical weight matrix (K rows = inputs, N columns = outputs, times bit slices) is cut into
 * tiles: row blocks (partial sums added digitally after the ADC) and column blocks.
 */
import type { HardwareConfig } from './hardware.js';

export interface TilePlan {
  /** Logical rows (inputs) and logical columns (outputs x slices). */
  rows: number;
  logicalCols: number;
  /** [start, end) of each row block. */
  rowBlocks: [number, number][];
  /** Rows per block (at most the tile's rows; fewer when blocks must hold whole kernels). */
  rowsPerBlock: number;
  /** [start, end) of logical columns in each column block. */
  colBlocks: [number, number][];
  /** Logical columns a tile holds: cols/2 (differential pair) or cols - 1 (offset + reference). */
  colsPerTile: number;
  /** Physical cells per logical cell (2 for a differential pair). */
  cellsPerWeight: number;
  tiles: number;
  /** Cells programmed (weights and reference cells) over cells available in the tiles used. */
  utilization: number;
}

export function planTiles(rows: number, logicalCols: number, hw: HardwareConfig, rowsPerBlock = hw.tile.rows): TilePlan {
  const { rows: R, cols: C } = hw.tile;
  if (!(rowsPerBlock >= 1 && rowsPerBlock <= R)) throw new Error(`planTiles: ${rowsPerBlock} rows per block in a ${R}-row tile`);
  const colsPerTile = hw.mapping === 'differential' ? Math.floor(C / 2) : C - 1;
  const cellsPerWeight = hw.mapping === 'differential' ? 2 : 1;
  const rowBlocks: [number, number][] = [];
  for (let r = 0; r < rows; r += rowsPerBlock) rowBlocks.push([r, Math.min(rows, r + rowsPerBlock)]);
  const colBlocks: [number, number][] = [];
  for (let c = 0; c < logicalCols; c += colsPerTile) colBlocks.push([c, Math.min(logicalCols, c + colsPerTile)]);
  const tiles = rowBlocks.length * colBlocks.length;
  const refCells = hw.mapping === 'offset' ? rows * colBlocks.length : 0;
  const used = rows * logicalCols * cellsPerWeight + refCells;
  return { rows, logicalCols, rowBlocks, rowsPerBlock, colBlocks, colsPerTile, cellsPerWeight, tiles, utilization: used / (tiles * R * C) };
}

/**
 * Wire segments between a cell and its drivers, for the first-order IR-drop model: the row wire
 * from the input driver at column 0 to the cell's column, plus the column wire from the cell down
 * to the sense amplifier at the last row.
 */
export function wireSegments(localRow: number, physicalCol: number, tileRows: number): number {
  return physicalCol + 1 + (tileRows - localRow);
}
