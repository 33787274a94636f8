/**
 * One chip's instance of a mapped matrix: every cell programmed with the device's error, drifted,
 * attenuated by IR drop (first-order or nodal, src/crossbar/ir-drop.ts); returned per row block and slice as the conductance difference seen at
 * the ADC and the per-read noise variance, ready for the analog MVM.
 */
import type { Rng } from '../engine/rng.js';
import { driftCells, programCells, readSigma } from '../device/program.js';
import type { HardwareConfig } from './hardware.js';
import type { MappedMatrix } from './mapping.js';
import { nodalTransfer } from './ir-drop.js';
import { type TilePlan, wireSegments } from './tiling.js';

export interface ProgrammedBlock {
  rowStart: number;
  rowEnd: number;
  /** Per slice: (G+ - G-) or (G - G_ref) for rows rowStart..rowEnd, [(rowEnd-rowStart) * N] row-major. */
  diff: Float32Array[];
  /** Per slice: per-read noise variance of the cells behind each difference (S^2), or undefined. */
  variance: (Float32Array | undefined)[];
  /**
   * Offset mapping: per slice, the reference cell's read-noise variance per row and column block,
   * [(rowEnd-rowStart) * colBlocks]; its noise is common to every column of that tile.
   */
  refVariance: (Float32Array | undefined)[];
  /** Total conductance of every physical cell in each row of the block (all slices, both cells of a pair, references). */
  rowConductance: Float32Array;
}

export interface ProgrammedMatrix {
  blocks: ProgrammedBlock[];
  /** Column block of each logical output column j (for the shared reference noise). */
  colBlockOfOutput: Int32Array;
  /** Cells stuck at gMin / gMax on this chip. */
  stuckCells: number;
}

/**
 * A programmed array of cells in logical layout [K x width] (rows = inputs), with where each of its
 * columns sits: the column block (tile) and the physical column in that tile.
 */
interface PlacedCells {
  g: Float32Array;
  width: number;
  colBlock: (x: number) => number;
  physCol: (x: number) => number;
}

/** Series-resistance IR drop: the cell sees G / (1 + G r n) with n wire segments (first order). */
function firstOrderIrDrop(cells: PlacedCells, plan: TilePlan, hw: HardwareConfig): void {
  const r = hw.wireResistance;
  const { g, width } = cells;
  for (let idx = 0; idx < g.length; idx++) {
    const n = wireSegments(Math.floor(idx / width) % plan.rowsPerBlock, cells.physCol(idx % width), hw.tile.rows);
    g[idx] = g[idx]! / (1 + g[idx]! * r * n);
  }
}

/**
 * Nodal IR drop (src/crossbar/ir-drop.ts): every tile's cells, from all slices and both cells of a
 * pair (or the reference column), gathered into the tile's grid, its transfer matrix solved, and
 * each cell's conductance replaced by its entry: the current its column's amplifier receives per
 * volt on its row.
 */
function nodalIrDrop(all: PlacedCells[], plan: TilePlan, hw: HardwareConfig): void {
  const R = hw.tile.rows;
  plan.colBlocks.forEach((_, cb) => {
    // the columns of every array that sit in this column block, and their physical columns
    const members = all.map((cells) => {
      const xs: number[] = [];
      for (let x = 0; x < cells.width; x++) if (cells.colBlock(x) === cb) xs.push(x);
      return xs;
    });
    let cols = 0;
    all.forEach((cells, a) => {
      for (const x of members[a]!) cols = Math.max(cols, cells.physCol(x) + 1);
    });
    if (cols === 0) return;
    for (const [r0, r1] of plan.rowBlocks) {
      const grid = new Float64Array(R * cols);
      all.forEach((cells, a) => {
        for (const x of members[a]!) {
          const pc = cells.physCol(x);
          for (let i = r0; i < r1; i++) grid[(i - r0) * cols + pc] = cells.g[i * cells.width + x]!;
        }
      });
      const { transfer } = nodalTransfer(grid, R, cols, r1 - r0, hw.wireResistance);
      all.forEach((cells, a) => {
        for (const x of members[a]!) {
          const pc = cells.physCol(x);
          for (let i = r0; i < r1; i++) cells.g[i * cells.width + x] = transfer[(i - r0) * cols + pc]!;
        }
      });
    }
  });
}

/** Makes one array of cells from its targets (programming them, or taking them as they are). */
type CellMaker = (target: Float32Array, label: string, s: number) => Float32Array;

/**
 * Places the cells of every slice (pairs, or cells and reference column) in their tiles, applies IR
 * drop to whole tiles, and assembles per row block and slice the differences the ADC sees, their
 * read-noise variances (when `readNoise`) and the row conductances.
 */
function assemble(m: MappedMatrix, plan: TilePlan, hw: HardwareConfig, make: CellMaker, readNoise: boolean): Omit<ProgrammedMatrix, 'stuckCells'> {
  const { K, N, slices } = m;
  const dev = hw.device;
  // logical column of (output j, slice s) is j * slices + s; its place in the tile decides its wires
  const localCol = (j: number, s: number) => (j * slices + s) % plan.colsPerTile;
  const colBlockOfOutput = new Int32Array(N);
  for (let j = 0; j < N; j++) colBlockOfOutput[j] = Math.floor((j * slices) / plan.colsPerTile);
  const colBlockOf = (s: number) => (j: number) => Math.floor((j * slices + s) / plan.colsPerTile);

  const placed: PlacedCells[] = [];
  const place = (target: Float32Array, label: string, s: number, where: Omit<PlacedCells, 'g'>) => {
    const g = make(target, label, s);
    placed.push({ g, ...where });
    return g;
  };
  const nColBlocks = plan.colBlocks.length;
  const cellsPerSlice: { g: Float32Array; gn?: Float32Array; gRef?: Float32Array }[] = [];
  for (let s = 0; s < slices; s++) {
    if (m.neg) {
      const gp = place(m.pos[s], 'pos', s, { width: N, colBlock: colBlockOf(s), physCol: (j) => 2 * localCol(j, s) });
      const gn = place(m.neg[s], 'neg', s, { width: N, colBlock: colBlockOf(s), physCol: (j) => 2 * localCol(j, s) + 1 });
      cellsPerSlice.push({ g: gp, gn });
    } else {
      const g = place(m.pos[s], 'cell', s, { width: N, colBlock: colBlockOf(s), physCol: (j) => localCol(j, s) + 1 });
      // one reference cell per row and column block, at physical column 0 of its tile
      const refTarget = new Float32Array(K * nColBlocks).fill(m.ref ?? 0);
      const gRef = place(refTarget, 'ref', s, { width: nColBlocks, colBlock: (cb) => cb, physCol: () => 0 });
      cellsPerSlice.push({ g, gRef });
    }
  }
  // IR drop acts on whole tiles, once every cell of every slice is in place
  if (hw.wireResistance > 0) {
    if (hw.irDrop === 'first-order') for (const cells of placed) firstOrderIrDrop(cells, plan, hw);
    else nodalIrDrop(placed, plan, hw);
  }

  const diffs: Float32Array[] = [];
  const vars: (Float32Array | undefined)[] = [];
  const refVars: (Float32Array | undefined)[] = [];
  const rowConductance = new Float32Array(K);
  const addRows = (g: Float32Array, cols: number) => {
    for (let i = 0; i < K; i++) {
      let sum = 0;
      for (let j = 0; j < cols; j++) sum += g[i * cols + j];
      rowConductance[i] += sum;
    }
  };
  const sigma = (g: Float32Array) => (readNoise ? readSigma(dev, g) : undefined);
  for (const { g, gn, gRef } of cellsPerSlice) {
    const d = new Float32Array(K * N);
    addRows(g, N);
    if (gn) {
      addRows(gn, N);
      for (let i = 0; i < d.length; i++) d[i] = g[i] - gn[i];
      const sp = sigma(g);
      const sn = sigma(gn);
      let v: Float32Array | undefined;
      if (sp && sn) {
        v = new Float32Array(K * N);
        for (let i = 0; i < v.length; i++) v[i] = sp[i] * sp[i] + sn[i] * sn[i];
      }
      diffs.push(d);
      vars.push(v);
      refVars.push(undefined);
    } else {
      addRows(gRef!, nColBlocks);
      for (let i = 0; i < K; i++) {
        for (let j = 0; j < N; j++) d[i * N + j] = g[i * N + j] - gRef![i * nColBlocks + colBlockOfOutput[j]];
      }
      const sg = sigma(g);
      const sr = sigma(gRef!);
      diffs.push(d);
      vars.push(sg ? sg.map((x) => x * x) : undefined);
      refVars.push(sr ? sr.map((x) => x * x) : undefined);
    }
  }

  const blocks: ProgrammedBlock[] = plan.rowBlocks.map(([r0, r1]) => ({
    rowStart: r0,
    rowEnd: r1,
    diff: diffs.map((d) => d.subarray(r0 * N, r1 * N)),
    variance: vars.map((v) => v?.subarray(r0 * N, r1 * N)),
    refVariance: refVars.map((v) => v?.subarray(r0 * nColBlocks, r1 * nColBlocks)),
    rowConductance: rowConductance.subarray(r0, r1),
  }));
  return { blocks, colBlockOfOutput };
}

export function programMatrix(
  m: MappedMatrix,
  plan: TilePlan,
  hw: HardwareConfig,
  rng: Rng,
  driftSeconds = 0,
): ProgrammedMatrix {
  const dev = hw.device;
  let stuckCells = 0;
  // every cell programmed (error, faults, drift), then placed in its tile
  const program: CellMaker = (target, label, s) => {
    const cells = programCells(dev, target, rng.fork(label, s));
    for (let i = 0; i < cells.fault.length; i++) if (cells.fault[i] !== 0) stuckCells++;
    return driftCells(dev, cells, target, driftSeconds, rng.fork(label, s, 'drift'));
  };
  return { ...assemble(m, plan, hw, program, true), stuckCells };
}

/**
 * The nominal chip: the mapping's exact target conductances, with the wires' IR drop of `hw` when it
 * has any (deterministic, part of the design) but no programming error, faults, drift or read
 * noise. What the converters are calibrated on.
 */
export function targetMatrix(m: MappedMatrix, plan: TilePlan, hw: HardwareConfig): ProgrammedMatrix {
  return { ...assemble(m, plan, hw, (target) => target.slice(), false), stuckCells: 0 };
}
