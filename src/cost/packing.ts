/**
 * Block-diagonal packing of small weight blocks into crossbar tiles (cost option `packTiles`).
 *
 * A tile block of an analog stage (one row block x one column block of its tile plan) uses `rows`
 * word lines and `cols` bit lines. Blocks placed in one tile at disjoint row and column ranges
 * (block-diagonal) do not interfere: each is read by driving only its own rows and sensing only its
 * own columns; the cells off the diagonal blocks stay unprogrammed. First-fit decreasing places the
 * blocks; every block goes into an existing tile or a new one, so the packed count never exceeds
 * the number of blocks (the unpacked tile count).
 */
import type { HardwareConfig } from '../crossbar/hardware.js';
import type { AnalogStage } from '../deploy/deployment.js';

export interface TileBlock {
  rows: number;
  /** Physical columns (logical columns x cells per weight, plus a reference column under offset mapping). */
  cols: number;
}

/** The tile blocks of an analog stage: one per (row block, column block) of its plan. */
export function stageBlocks(s: AnalogStage, hw: HardwareConfig): TileBlock[] {
  const ref = hw.mapping === 'offset' ? 1 : 0;
  return s.plan.rowBlocks.flatMap(([r0, r1]) => s.plan.colBlocks.map(([c0, c1]) => ({ rows: r1 - r0, cols: (c1 - c0) * s.plan.cellsPerWeight + ref })));
}

/** Tiles of `tileRows` x `tileCols` that hold `blocks` block-diagonally (first-fit decreasing). */
export function packBlocks(blocks: TileBlock[], tileRows: number, tileCols: number): number {
  const order = [...blocks].sort((a, b) => b.cols - a.cols || b.rows - a.rows);
  const tiles: { rows: number; cols: number }[] = [];
  for (const b of order) {
    if (b.rows > tileRows || b.cols > tileCols) throw new Error(`packBlocks: a ${b.rows} x ${b.cols} block exceeds a ${tileRows} x ${tileCols} tile`);
    const t = tiles.find((u) => u.rows + b.rows <= tileRows && u.cols + b.cols <= tileCols);
    if (t) {
      t.rows += b.rows;
      t.cols += b.cols;
    } else {
      tiles.push({ rows: b.rows, cols: b.cols });
    }
  }
  return tiles.length;
}
