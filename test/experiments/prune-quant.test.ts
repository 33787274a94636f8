import { beforeAll, describe, expect, it } from 'vitest';
import { pruneModel, quantizeModel, sparsityReport, effectiveWeight, allWeightTargets } from '../../src/compress/index.js';
import type { DatasetSplits } from '../../src/data/dataset.js';
import { loadDataset, take } from '../../src/data/index.js';
import { compile } from '../../src/deploy/compile.js';
import { analogStages } from '../../src/deploy/deployment.js';
import { initEngine, tf } from '../../src/engine/index.js';
import {
  type PruneQuantResult, buildLenet, copyParams, countCells, formatPruneQuantTable, pruneQuantHardware, quantizeFor,
  resolvePruneQuantOptions, runPruneQuantExperiment,
} from '../../src/experiments/prune-quant/index.js';
import type { Sequential } from '../../src/nn/index.js';
import { UserError } from '../../src/errors.js';

let mnist: DatasetSplits;
beforeAll(async () => {
  await initEngine('wasm');
  const s = await loadDataset('mnist', { limit: { train: 200, test: 40 }, env: {} });
  mnist = { train: take(s.train, 200), test: take(s.test, 40) };
});

const hwOptions = () => resolvePruneQuantOptions({ seed: 1, calibrationSamples: 8 });

function deploy(model: Sequential, bits: number) {
  return compile(model, pruneQuantHardware(hwOptions(), bits), { scheme: 'conventional', calibration: take(mnist.train, 8), calibrationSamples: 8 });
}

describe('prune-quant experiment', () => {
  let result: PruneQuantResult;
  beforeAll(async () => {
    result = await runPruneQuantExperiment({
      seed: 2, data: mnist, sparsities: [0, 0.6], bits: [4, 2], chips: 2, testSamples: 40, trainSamples: 200,
      epochs: 1, pruneEpochs: 2, quantEpochs: 1, calibrationSamples: 8,
    });
  }, 60_000);

  it('has one row per (sparsity, bits), in order', () => {
    expect(result.rows.map((r) => `${r.sparsity}/${r.bits}/${r.scheme}`)).toEqual([
      '0/4/conventional', '0/4/idm', '0/2/conventional', '0/2/idm', '0.6/4/conventional', '0.6/4/idm', '0.6/2/conventional', '0.6/2/idm',
    ]);
    expect(result.skipped).toEqual([]);
    for (const r of result.rows) {
      expect(r.chipAccuracies).toHaveLength(2);
      expect(r.accuracy.mean).toBeGreaterThanOrEqual(0);
      expect(r.accuracy.mean).toBeLessThanOrEqual(1);
    }
    expect(result.prunedAccuracy.map((p) => p.sparsity)).toEqual([0, 0.6]);
  });

  it('reaches the requested sparsity and the non-zero cells drop with it', () => {
    const pruned = result.prunedAccuracy.find((p) => p.sparsity === 0.6)!;
    // round(0.6 x size) per tensor: within one weight per tensor of 60 %
    expect(Math.abs(pruned.achievedSparsity - 0.6)).toBeLessThan(1e-3);
    const dense = result.rows.find((r) => r.sparsity === 0 && r.bits === 4)!;
    const sparse = result.rows.find((r) => r.sparsity === 0.6 && r.bits === 4)!;
    expect(sparse.achievedSparsity).toBeGreaterThanOrEqual(0.6 - 1e-3);
    expect(sparse.cells.cells).toBe(dense.cells.cells); // the deployment maps every weight
    expect(sparse.cells.nonZeroCells).toBeLessThanOrEqual(Math.ceil(0.4 * sparse.cells.weights) + 5);
    expect(sparse.cells.nonZeroCells).toBeLessThan(dense.cells.nonZeroCells);
    for (const r of result.rows) {
      // 4 and 2 bits fit one rram cell (32 levels): one slice, one programmed cell per non-zero weight
      expect(r.cells.slices).toBe(1);
      expect(r.cells.nonZeroCells).toBe(r.cells.nonZeroWeights);
      expect(r.cells.nonZeroWeights).toBe(Math.round((1 - r.achievedSparsity) * r.cells.weights));
    }
  });

  it('energy parts add up to the total and power is energy over latency', () => {
    for (const r of result.rows) {
      const e = r.energy;
      const parts = e.cells + e.dac + e.sampleHold + e.adc + e.shiftAdd + e.digital + e.analog + e.buffer + e.interconnect;
      expect(e.total).toBeGreaterThan(0);
      expect(parts).toBeCloseTo(e.total, 20);
      expect(Math.abs(parts - e.total) / e.total).toBeLessThan(1e-9);
      expect(r.power).toBeCloseTo(e.total / r.latency, 12);
    }
  });

  it('prices the analog activation and max-pooling units in idm rows, digital periphery in conventional ones', () => {
    for (let i = 0; i < result.rows.length; i += 2) {
      const [conv, idm] = [result.rows[i], result.rows[i + 1]];
      expect(idm.softwareAccuracy).toBe(conv.softwareAccuracy); // the same network, deployed twice
      expect(idm.cells.nonZeroCells).toBe(conv.cells.nonZeroCells);
      expect(conv.energy.analog).toBe(0);
      expect(idm.energy.analog).toBeGreaterThan(0);
      // converters only at the network's ends
      expect(idm.energy.adc).toBeLessThan(conv.energy.adc);
      expect(idm.energy.digital).toBeLessThan(conv.energy.digital);
    }
  });

  it('prints the table with the paper claim labelled', () => {
    const text = formatPruneQuantTable(result);
    expect(text).toContain('non-zero cells');
    expect(text).toMatch(/Paper \(reference, not computed\): Guo et al/);
    expect(text.split('\n').filter((l) => /^\s*conventional\s+\d+\.\d\d%/.test(l))).toHaveLength(4);
    expect(text.split('\n').filter((l) => /^\s*idm \(analog units\)\s+\d+\.\d\d%/.test(l))).toHaveLength(4);
  });

  it('skips idm where weights need bit slices, and says why', async () => {
    const r = await runPruneQuantExperiment({
      seed: 2, data: mnist, sparsities: [0], bits: [8], chips: 1, testSamples: 10, trainSamples: 50,
      epochs: 1, pruneEpochs: 1, quantEpochs: 1, calibrationSamples: 4,
    });
    expect(r.rows.map((x) => x.scheme)).toEqual(['conventional']);
    expect(r.skipped).toHaveLength(1);
    expect(r.skipped[0].reason).toMatch(/8-bit weights need 2 slices/);
    expect(formatPruneQuantTable(r)).toMatch(/Not deployed: idm at 0\.00% \/ 8 bits/);
  }, 30_000);
});

describe('cell counts and levels of a pruned, quantized LeNet-5', () => {
  it('counts exactly the non-zero weights of the sparsity report as programmed cells', () => {
    const model = buildLenet(mnist, 5);
    try {
      pruneModel(model, { sparsity: 0.7 });
      quantizeModel(model, quantizeFor(4));
      const report = sparsityReport(model);
      for (const row of report.layers) expect(row.pruned).toBe(Math.round(0.7 * row.total));
      const d = deploy(model, 4);
      const c = countCells(d);
      expect(c.weights).toBe(report.total);
      expect(c.nonZeroWeights).toBe(report.total - report.zeros);
      expect(c.nonZeroCells).toBe(report.total - report.zeros);
      expect(c.cells).toBe(2 * report.total);
      expect(c.zeroColumns).toBe(report.layers.reduce((a, r) => a + r.zeroColumns, 0));
    } finally {
      model.dispose();
    }
  });

  it('column pruning shows up as all-zero crossbar columns', () => {
    const model = buildLenet(mnist, 6);
    try {
      pruneModel(model, { sparsity: 0.5, granularity: 'column' });
      const c = countCells(deploy(model, 8));
      // every weight layer but the classifier loses round(0.5 x units) columns: 3 + 8 + 60 + 42
      expect(c.zeroColumns).toBe(3 + 8 + 60 + 42);
    } finally {
      model.dispose();
    }
  });

  it.each([2, 3, 4, 8])('%i-bit weights take only the 2^k - 1 grid levels and the crossbars store them exactly', (bits) => {
    const model = buildLenet(mnist, 7);
    try {
      quantizeModel(model, quantizeFor(bits));
      const d = deploy(model, bits);
      const stages = analogStages(d);
      const targets = allWeightTargets(model);
      expect(stages).toHaveLength(targets.length);
      const qMax = 2 ** (bits - 1) - 1;
      targets.forEach(({ layer, param }, i) => {
        const w = effectiveWeight(layer, param);
        const s = Math.max(...Array.from(w, Math.abs));
        const values = new Set(w);
        expect(values.size).toBeLessThanOrEqual(2 * qMax + 1);
        for (const v of values) {
          const q = (v / s) * qMax;
          expect(Math.abs(q - Math.round(q))).toBeLessThan(1e-3);
          expect(Math.abs(Math.round(q))).toBeLessThanOrEqual(qMax);
        }
        // the stage's matrix holds the same weights (im2col order may differ) and the mapping represents it exactly
        const stage = stages[i];
        expect(Array.from(stage.weights).sort((x, y) => x - y)).toEqual(Array.from(w).sort((x, y) => x - y));
        let maxErr = 0;
        for (let j = 0; j < w.length; j++) maxErr = Math.max(maxErr, Math.abs(stage.mapped.quantizedWeights[j] - stage.weights[j]));
        expect(maxErr).toBeLessThan(1e-6 * s);
      });
      // 8 bits: 7 magnitude bits over 5-bit rram cells = 2 slices
      expect(countCells(d).slices).toBe(bits === 8 ? 2 : 1);
    } finally {
      model.dispose();
    }
  });

  it('1-bit weights are +-s, pruned weights stay zero', () => {
    const model = buildLenet(mnist, 8);
    try {
      pruneModel(model, { sparsity: 0.5 });
      quantizeModel(model, quantizeFor(1));
      for (const { layer, param } of allWeightTargets(model)) {
        const w = effectiveWeight(layer, param);
        const s = Math.max(...Array.from(w, Math.abs));
        expect([...new Set(w)].sort((a, b) => a - b)).toEqual([-s, 0, s]);
      }
      const c = countCells(deploy(model, 1));
      expect(c.nonZeroCells).toBe(c.nonZeroWeights);
    } finally {
      model.dispose();
    }
  });

  it('copyParams copies weights and masks: the copy predicts the same', () => {
    const a = buildLenet(mnist, 9);
    const b = buildLenet(mnist, 10);
    try {
      pruneModel(a, { sparsity: 0.5 });
      pruneModel(b, { sparsity: 0.5 });
      copyParams(a, b);
      const x = tf.tensor(mnist.test.x.subarray(0, 4 * 784), [4, 28, 28, 1]);
      const pa = a.predict(x).dataSync();
      const pb = b.predict(x).dataSync();
      x.dispose();
      expect(Array.from(pb)).toEqual(Array.from(pa));
      expect(sparsityReport(b).zeros).toBe(sparsityReport(a).zeros);
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it.each([
    [{ bits: [9] }, /bits/],
    [{ bits: [0] }, /bits/],
    [{ bits: [4, 4] }, /twice/],
    [{ sparsities: [1] }, /sparsities/],
    [{ sparsities: [-0.1] }, /sparsities/],
    [{ chips: 0 }, /chips/],
    [{ granularity: 'row' as never }, /granularity/],
    [{ device: 'sbt-memristor' }, /sbt-memristor/],
  ])('rejects %j with a UserError', (extra, pattern) => {
    let err: unknown;
    try {
      resolvePruneQuantOptions({ seed: 1, ...extra });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(pattern);
  });
});
