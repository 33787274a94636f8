/**
 * Nodal IR drop: the line-by-line Gauss-Seidel solve must give the currents of the full resistive
 * network (checked against a dense solve of Kirchhoff's equations), reduce to the first-order
 * formula where that one is exact (one conducting cell), and show the current sharing it ignores.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { nodalTransfer } from '../../src/crossbar/ir-drop.js';
import { initEngine } from '../../src/engine/index.js';
import { Rng } from '../../src/engine/rng.js';
import { compile } from '../../src/deploy/compile.js';
import { analogStages } from '../../src/deploy/deployment.js';
import { programMatrix } from '../../src/crossbar/array.js';
import { validateHardware } from '../../src/crossbar/hardware.js';
import { wireSegments } from '../../src/crossbar/tiling.js';
import { isUserError } from '../../src/errors.js';
import { Sequential } from '../../src/nn/model.js';
import { Dense } from '../../src/nn/layers.js';
import { devicePreset } from '../../src/device/index.js';
import { idealHardware, randomData } from '../deploy/fixtures.js';

beforeAll(async () => {
  await initEngine('wasm');
});

/**
 * Column currents of a rows x cols tile for row voltages `v`, by Gaussian elimination on the full
 * nodal system (row-wire nodes, then column-wire nodes), written independently of the solver.
 */
function denseCurrents(g: Float64Array, rows: number, cols: number, r: number, v: number[]): number[] {
  const n = 2 * rows * cols;
  const a = Array.from({ length: n }, () => new Float64Array(n + 1));
  const U = (i: number, c: number) => i * cols + c;
  const W = (i: number, c: number) => rows * cols + i * cols + c;
  const gw = 1 / r;
  const link = (p: number, q: number, cond: number) => {
    a[p][p] += cond;
    a[q][q] += cond;
    a[p][q] -= cond;
    a[q][p] -= cond;
  };
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < cols; c++) {
      link(U(i, c), W(i, c), g[i * cols + c]); // the cell
      if (c + 1 < cols) link(U(i, c), U(i, c + 1), gw); // row wire
      if (i + 1 < rows) link(W(i, c), W(i + 1, c), gw); // column wire
    }
    // driver at v[i] behind one segment; amplifier (ground) below the last row
    a[U(i, 0)][U(i, 0)] += gw;
    a[U(i, 0)][n] += gw * (v[i] ?? 0);
  }
  for (let c = 0; c < cols; c++) a[W(rows - 1, c)][W(rows - 1, c)] += gw;
  for (let p = 0; p < n; p++) {
    let best = p;
    for (let q = p + 1; q < n; q++) if (Math.abs(a[q][p]) > Math.abs(a[best][p])) best = q;
    [a[p], a[best]] = [a[best], a[p]];
    for (let q = p + 1; q < n; q++) {
      const f = a[q][p] / a[p][p];
      if (f !== 0) for (let k = p; k <= n; k++) a[q][k] -= f * a[p][k];
    }
  }
  const x = new Float64Array(n);
  for (let p = n - 1; p >= 0; p--) {
    let s = a[p][n];
    for (let k = p + 1; k < n; k++) s -= a[p][k] * x[k];
    x[p] = s / a[p][p];
  }
  return Array.from({ length: cols }, (_, c) => gw * x[W(rows - 1, c)]);
}

describe('nodal IR drop solve', () => {
  it('gives the currents of the full network (dense solve) for any inputs, by superposition', () => {
    const rng = new Rng(4);
    for (const [rows, cols, drivenRows, r] of [[3, 4, 3, 50], [5, 3, 4, 200], [4, 6, 2, 5]] as const) {
      // conductances 1-100 uS, wires strong enough (up to 200 ohm) to move the currents by percents
      const g = Float64Array.from({ length: rows * cols }, (_, e) => (Math.floor(e / cols) < drivenRows ? 1e-6 + 99e-6 * rng.uniform() : 0));
      const { transfer } = nodalTransfer(g, rows, cols, drivenRows, r, { tolerance: 1e-13 });
      const v = Array.from({ length: rows }, (_, i) => (i < drivenRows ? 0.1 + 0.2 * rng.uniform() : 0));
      const dense = denseCurrents(g, rows, cols, r, v);
      let moved = 0;
      for (let c = 0; c < cols; c++) {
        let viaTransfer = 0;
        let noDrop = 0;
        for (let i = 0; i < drivenRows; i++) {
          viaTransfer += v[i] * transfer[i * cols + c];
          noDrop += v[i] * g[i * cols + c];
        }
        expect(Math.abs(viaTransfer / dense[c] - 1)).toBeLessThan(1e-9);
        moved = Math.max(moved, 1 - dense[c] / noDrop);
      }
      // the wires matter at these values (the comparison is not between two near-ideal answers)
      expect(moved).toBeGreaterThan(1e-3);
    }
  });

  it('equals the first-order formula G / (1 + G r n) for a single conducting cell', () => {
    const rows = 6;
    const cols = 5;
    const r = 10;
    for (const [i, c] of [[0, 0], [5, 4], [2, 3]]) {
      const g = new Float64Array(rows * cols);
      g[i * cols + c] = 50e-6;
      const { transfer } = nodalTransfer(g, rows, cols, rows, r, { tolerance: 1e-14 });
      const n = wireSegments(i, c, rows);
      expect(transfer[i * cols + c] / (50e-6 / (1 + 50e-6 * r * n)) - 1).toBeCloseTo(0, 10);
    }
  });

  it('shows current sharing: with every cell on, the drop exceeds the first-order estimate', () => {
    const rows = 32;
    const cols = 32;
    const r = 2.82; // MNSIM 2.0's default wire resistance per cell
    const g = new Float64Array(rows * cols).fill(100e-6);
    const { transfer } = nodalTransfer(g, rows, cols, rows, r);
    for (const c of [0, cols - 1]) {
      let nodal = 0;
      let firstOrder = 0;
      for (let i = 0; i < rows; i++) {
        nodal += transfer[i * cols + c];
        firstOrder += 100e-6 / (1 + 100e-6 * r * wireSegments(i, c, rows));
      }
      expect(nodal).toBeLessThan(firstOrder);
      expect(nodal).toBeGreaterThan(0.5 * firstOrder);
    }
  });

  it('refuses what it cannot solve with a clear error', () => {
    const g = new Float64Array(16).fill(1e-3);
    try {
      nodalTransfer(g, 4, 4, 4, 1000, { maxSweeps: 3 });
      expect.unreachable();
    } catch (e) {
      expect(isUserError(e)).toBe(true);
      expect((e as Error).message).toMatch(/did not converge in 3 sweeps/);
    }
    expect(() => nodalTransfer(g, 4, 4, 4, 0)).toThrow(/wire resistance/);
    expect(() => validateHardware({ ...idealHardware({}), irDrop: 'exact' as 'nodal' })).toThrow(/irDrop must be/);
  });
});

describe('nodal IR drop in a deployment', () => {
  it('programs tiles whose currents equal the dense network for a random input, pairs and slices sharing tiles', () => {
    const K = 10;
    const N = 3;
    const model = new Sequential({ name: 'one', inputShape: [K], numClasses: N, seed: 2, layers: [new Dense('fc', { units: N, useBias: false })] });
    const device = devicePreset('ideal', { gMin: 1e-6, gMax: 100e-6 });
    const hw = idealHardware({ device, mapping: 'differential', tile: { rows: 8, cols: 8 }, weightBits: 4, cellBits: 2, wireResistance: 100, irDrop: 'nodal' });
    const d = compile(model, hw, { calibration: randomData([K], 8, N, 3) });
    const stage = analogStages(d)[0];
    const prog = programMatrix(stage.mapped, stage.plan, hw, new Rng(1));
    expect(stage.plan.rowBlocks.length).toBe(2);
    expect(stage.mapped.slices).toBe(2);
    // tile (row block 0, column block 0) rebuilt by hand: physical column of (j, s, +/-)
    const [r0, r1] = stage.plan.rowBlocks[0];
    const R = hw.tile.rows;
    const colsPerTile = stage.plan.colsPerTile;
    const cols = 2 * Math.min(colsPerTile, N * 2);
    const grid = new Float64Array(R * cols);
    const inTile: [number, number][] = [];
    for (let j = 0; j < N; j++) {
      for (let s = 0; s < 2; s++) {
        const l = j * 2 + s;
        if (Math.floor(l / colsPerTile) !== 0) continue;
        inTile.push([j, s]);
        for (let i = r0; i < r1; i++) {
          grid[(i - r0) * cols + 2 * l] = stage.mapped.pos[s][i * N + j];
          grid[(i - r0) * cols + 2 * l + 1] = stage.mapped.neg![s][i * N + j];
        }
      }
    }
    const rng = new Rng(9);
    const v = Array.from({ length: R }, (_, i) => (i < r1 - r0 ? 0.2 * rng.uniform() : 0));
    const dense = denseCurrents(grid, R, cols, hw.wireResistance, v);
    for (const [j, s] of inTile) {
      let simulated = 0;
      for (let i = r0; i < r1; i++) simulated += v[i - r0] * prog.blocks[0].diff[s][(i - r0) * N + j];
      const l = j * 2 + s;
      expect(Math.abs(simulated - (dense[2 * l] - dense[2 * l + 1]))).toBeLessThan(1e-6 * Math.abs(dense[2 * l]) + 1e-12);
    }
    model.dispose();
  });

  it('lowers a layer\'s outputs more than the first-order model when many cells conduct', () => {
    const K = 64;
    const N = 16;
    const model = new Sequential({ name: 'one', inputShape: [K], numClasses: N, seed: 5, layers: [new Dense('fc', { units: N, useBias: false })] });
    const device = devicePreset('ideal', { gMin: 1e-6, gMax: 100e-6 });
    const base = { device, tile: { rows: 64, cols: 64 }, wireResistance: 2.82 };
    const data = randomData([K], 16, N, 6);
    const norms: Record<string, number> = {};
    for (const irDrop of ['first-order', 'nodal'] as const) {
      const hw = idealHardware({ ...base, irDrop });
      const d = compile(model, hw, { calibration: data });
      const stage = analogStages(d)[0];
      const prog = programMatrix(stage.mapped, stage.plan, hw, new Rng(1));
      const ideal = programMatrix(stage.mapped, stage.plan, { ...hw, wireResistance: 0 }, new Rng(1));
      // total |G+ - G-| seen by the ADC, relative to no IR drop
      let seen = 0;
      let none = 0;
      prog.blocks.forEach((b, k) => b.diff[0].forEach((g, e) => {
        seen += Math.abs(g);
        none += Math.abs(ideal.blocks[k].diff[0][e]);
      }));
      norms[irDrop] = seen / none;
    }
    expect(norms['first-order']).toBeLessThan(1);
    expect(norms.nodal).toBeLessThan(norms['first-order']);
    model.dispose();
  });

  it('calibrates the ADC on the nominal chip, IR drop included (its currents, not the ideal ones)', () => {
    const K = 64;
    const N = 16;
    const model = new Sequential({ name: 'one', inputShape: [K], numClasses: N, seed: 5, layers: [new Dense('fc', { units: N, useBias: false })] });
    const device = devicePreset('ideal', { gMin: 1e-6, gMax: 100e-6 });
    const data = randomData([K], 32, N, 7);
    const fullScale = (wireResistance: number) => {
      const hw = idealHardware({ device, tile: { rows: 64, cols: 64 }, wireResistance, adc: { bits: 8, range: 'calibrated', percentile: 1 } });
      return analogStages(compile(model, hw, { calibration: data }))[0].calibration.adcFullScale[0][0];
    };
    const ideal = fullScale(0);
    const withWires = fullScale(10);
    // 10 ohm segments on a 64-row block of up to 100 uS cells take a large share of the current
    expect(withWires).toBeLessThan(0.9 * ideal);
    expect(withWires).toBeGreaterThan(0.2 * ideal);
    model.dispose();
  });
});
