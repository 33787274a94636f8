/**
 * One chip's instance of a mapped matrix: every cell programmed with the device's error, drifted,
 * attenuated by IR drop; returned per row block and slice as the conductance difference seen at
 * the ADC and the per-read noise variance, ready for the analog MVM.
 */
import type { Rng } from '../engine/rng.js';
import { driftCells, programCells, readSigma } from '../device/program.js';
import type { HardwareConfig } from './hardware.js';
import type { MappedMatrix } from './mapping.js';
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

/** Series-resistance IR drop: the cell sees G / (1 + G r n) with n wire segments (first order). */
function attenuate(g: Float32Array, segments: (i: number) => number, r: number): void {
  if (r === 0) return;
  for (let i = 0; i < g.length; i++) g[i] = g[i] / (1 + g[i] * r * segments(i));
}

export function programMatrix(
  m: MappedMatrix,
  plan: TilePlan,
  hw: HardwareConfig,
  rng: Rng,
  driftSeconds = 0,
): ProgrammedMatrix {
  const { K, N, slices } = m;
  const dev = hw.device;
  const R = hw.tile.rows;
  // logical column of (output j, slice s) is j * slices + s; its place in the tile decides its wires
  const localCol = (j: number, s: number) => (j * slices + s) % plan.colsPerTile;
  const colBlockOfOutput = new Int32Array(N);
  for (let j = 0; j < N; j++) colBlockOfOutput[j] = Math.floor((j * slices) / plan.colsPerTile);
  let stuckCells = 0;

  const program = (target: Float32Array, label: string, physCol: (j: number) => number, s: number) => {
    const cells = programCells(dev, target, rng.fork(label, s));
    for (let i = 0; i < cells.fault.length; i++) if (cells.fault[i] !== 0) stuckCells++;
    const g = driftCells(dev, cells, target, driftSeconds, rng.fork(label, s, 'drift'));
    attenuate(g, (idx) => wireSegments(Math.floor(idx / N) % plan.rowsPerBlock, physCol(idx % N), R), hw.wireResistance);
    return g;
  };

  const diffs: Float32Array[] = [];
  const vars: (Float32Array | undefined)[] = [];
  const refVars: (Float32Array | undefined)[] = [];
  const nColBlocks = plan.colBlocks.length;
  const rowConductance = new Float32Array(K);
  const addRows = (g: Float32Array, cols: number) => {
    for (let i = 0; i < K; i++) {
      let sum = 0;
      for (let j = 0; j < cols; j++) sum += g[i * cols + j];
      rowConductance[i] += sum;
    }
  };
  for (let s = 0; s < slices; s++) {
    if (m.neg) {
      const gp = program(m.pos[s], 'pos', (j) => 2 * localCol(j, s), s);
      const gn = program(m.neg[s], 'neg', (j) => 2 * localCol(j, s) + 1, s);
      addRows(gp, N);
      addRows(gn, N);
      const d = new Float32Array(K * N);
      for (let i = 0; i < d.length; i++) d[i] = gp[i] - gn[i];
      const sp = readSigma(dev, gp);
      const sn = readSigma(dev, gn);
      let v: Float32Array | undefined;
      if (sp && sn) {
        v = new Float32Array(K * N);
        for (let i = 0; i < v.length; i++) v[i] = sp[i] * sp[i] + sn[i] * sn[i];
      }
      diffs.push(d);
      vars.push(v);
      refVars.push(undefined);
    } else {
      const g = program(m.pos[s], 'cell', (j) => localCol(j, s) + 1, s);
      // one reference cell per row and column block, at physical column 0 of its tile
      const refTarget = new Float32Array(K * nColBlocks).fill(m.ref ?? 0);
      const cells = programCells(dev, refTarget, rng.fork('ref', s));
      const gRef = driftCells(dev, cells, refTarget, driftSeconds, rng.fork('ref', s, 'drift'));
      attenuate(gRef, (idx) => wireSegments(Math.floor(idx / nColBlocks) % plan.rowsPerBlock, 0, R), hw.wireResistance);
      addRows(g, N);
      addRows(gRef, nColBlocks);
      const d = new Float32Array(K * N);
      for (let i = 0; i < K; i++) {
        for (let j = 0; j < N; j++) d[i * N + j] = g[i * N + j] - gRef[i * nColBlocks + colBlockOfOutput[j]];
      }
      const sg = readSigma(dev, g);
      const sr = readSigma(dev, gRef);
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
  return { blocks, colBlockOfOutput, stuckCells };
}

/** The mapping's exact target conductances as seen at the ADC: no programming, noise or IR drop. */
export function targetMatrix(m: MappedMatrix, plan: TilePlan): ProgrammedMatrix {
  const { K, N } = m;
  const diffs = m.pos.map((p, s) => {
    const d = new Float32Array(K * N);
    const ref = m.ref ?? 0;
    for (let i = 0; i < d.length; i++) d[i] = p[i] - (m.neg ? m.neg[s][i] : ref);
    return d;
  });
  const colBlockOfOutput = new Int32Array(N);
  for (let j = 0; j < N; j++) colBlockOfOutput[j] = Math.floor((j * m.slices) / plan.colsPerTile);
  const rowConductance = new Float32Array(K);
  for (let i = 0; i < K; i++) {
    for (let s = 0; s < m.slices; s++) {
      for (let j = 0; j < N; j++) rowConductance[i] += m.pos[s][i * N + j] + (m.neg ? m.neg[s][i * N + j] : 0);
    }
    if (m.ref !== undefined) rowConductance[i] += m.ref * plan.colBlocks.length;
  }
  return {
    blocks: plan.rowBlocks.map(([r0, r1]) => ({
      rowStart: r0,
      rowEnd: r1,
      diff: diffs.map((d) => d.subarray(r0 * N, r1 * N)),
      variance: diffs.map(() => undefined),
      refVariance: diffs.map(() => undefined),
      rowConductance: rowConductance.subarray(r0, r1),
    })),
    colBlockOfOutput,
    stuckCells: 0,
  };
}
