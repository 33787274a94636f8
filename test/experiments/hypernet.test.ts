import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../../src/engine/index.js';
import { UserError } from '../../src/errors.js';
import {
  type HypernetOptions, type HypernetResult, type HypernetRow, PAPER_REFERENCE, datasetDigest, formatHypernetTable, resolveHypernetOptions,
  runHypernetExperiment, trainingKey,
} from '../../src/experiments/hypernet/index.js';
import { quadrantSplits } from './hypernet-fixtures.js';

const data = quadrantSplits(48, 16);
const cacheDir = mkdtempSync(join(tmpdir(), 'xbarnet-hypernet-'));
const base: HypernetOptions = {
  seed: 4, data, C: 4, cells: 3, chips: 2, testSamples: 16, trainSamples: 48, epochs: 1, quantEpochs: 1, batchSize: 16, calibrationSamples: 8,
};

/** The figures of a row that must not depend on caching or on which other genotypes ran (not timings). */
function figures(r: HypernetRow) {
  const dep = (f: HypernetRow['individual']) => ({ chips: f.chipAccuracies, ideal: f.idealAccuracy, energy: f.energy, latency: f.latency, area: f.area, tiles: f.tiles, stages: f.stages });
  return {
    genotype: r.genotype, params: r.params, hyperParams: r.hyperParams, floatAccuracy: r.floatAccuracy, quantAccuracy: r.quantAccuracy,
    maxWeightLevels: r.maxWeightLevels, individual: dep(r.individual), hypernetwork: dep(r.hypernetwork), ratios: r.ratios,
  };
}

let first: HypernetResult;
beforeAll(async () => {
  await initEngine('wasm');
  first = await runHypernetExperiment({ ...base, cacheDir });
}, 120_000);

describe('hypernet experiment', () => {
  it('has one row per genotype, in order, with accuracies over the chips', () => {
    expect(first.rows.map((r) => r.genotype)).toEqual(['DARTS_V1', 'DARTS_V2', 'PDARTS']);
    for (const r of first.rows) {
      for (const f of [r.individual, r.hypernetwork]) {
        expect(f.chipAccuracies).toHaveLength(2);
        for (const a of f.chipAccuracies) expect(a >= 0 && a <= 1).toBe(true);
        expect(f.accuracy.mean).toBeCloseTo((f.chipAccuracies[0] + f.chipAccuracies[1]) / 2, 12);
        expect(f.stages).toBeGreaterThan(0);
      }
      // ideal devices: the hypernetwork switched to the genotype computes what the genotype's own deployment does
      expect(r.hypernetwork.idealAccuracy).toBe(r.individual.idealAccuracy);
      expect(r.individual.scheme).toBe('conventional');
      expect(r.hypernetwork.scheme).toBe('hypernetwork');
      expect(r.maxWeightLevels).toBeLessThanOrEqual(255);
      expect(r.maxWeightLevels).toBeGreaterThan(16);
      expect(r.hyperParams).toBeGreaterThan(r.params);
      expect(r.cached).toBe(false);
    }
    expect(first.data).toMatchObject({ train: 48, test: 16, calibration: 8, sampleShape: [8, 8, 3] });
    expect(first.options.dataInjected).toBe(true);
  });

  it('computes the ratios from the two deployments\' costs', () => {
    for (const r of first.rows) {
      const i = r.individual;
      const h = r.hypernetwork;
      // power is energy per inference over the sequential latency
      expect(i.power).toBeCloseTo(i.energy.total / i.latency, 12);
      expect(h.power / (h.energy.total / h.latency)).toBeCloseTo(1, 12);
      expect(r.ratios.power).toBeCloseTo(h.power / i.power, 12);
      expect(r.ratios.latency).toBeCloseTo(h.latency / i.latency, 12);
      expect(r.ratios.area).toBeCloseTo(h.area.total / i.area.total, 12);
      expect(r.ratios.energy).toBeCloseTo(h.energy.total / i.energy.total, 12);
      // every primitive of every edge on the array: more tiles and more area than one genotype
      expect(h.tiles).toBeGreaterThan(i.tiles);
      expect(r.ratios.area).toBeGreaterThan(1);
    }
    // one physical hypernetwork: the same tiles and area whichever genotype it is switched to
    const areas = first.rows.map((r) => r.hypernetwork.area.total);
    expect(new Set(first.rows.map((r) => r.hypernetwork.tiles)).size).toBe(1);
    for (const a of areas) expect(a / areas[0]).toBeCloseTo(1, 9);
  });

  it('is reproducible from the seed; a rerun loads the trained models from the cache', async () => {
    const cached = await runHypernetExperiment({ ...base, cacheDir, genotypes: ['DARTS_V2'] });
    expect(cached.rows[0].cached).toBe(true);
    expect(figures(cached.rows[0])).toEqual(figures(first.rows[1]));
    const fresh = await runHypernetExperiment({ ...base, genotypes: ['DARTS_V2'] });
    expect(fresh.rows[0].cached).toBe(false);
    expect(figures(fresh.rows[0])).toEqual(figures(first.rows[1]));
    expect(readdirSync(cacheDir).filter((d) => d.startsWith('darts_v2-'))).toHaveLength(1);
  }, 60_000);

  it('keys the cache on everything that determines the trained models', () => {
    const o = resolveHypernetOptions(base);
    const d = datasetDigest(data.train);
    const k = trainingKey(o, 'PDARTS', d);
    expect(trainingKey(o, 'PDARTS', d)).toBe(k);
    expect(trainingKey(o, 'DARTS_V1', d)).not.toBe(k);
    expect(trainingKey({ ...o, seed: 5 }, 'PDARTS', d)).not.toBe(k);
    expect(trainingKey({ ...o, epochs: 2 }, 'PDARTS', d)).not.toBe(k);
    expect(trainingKey({ ...o, weightBits: 6 }, 'PDARTS', d)).not.toBe(k);
    expect(trainingKey(o, 'PDARTS', datasetDigest(quadrantSplits(48, 16, 9).train))).not.toBe(k);
    // options that only change the deployment do not retrain
    expect(trainingKey({ ...o, chips: 7, testSamples: 3, adcBits: 6 }, 'PDARTS', d)).toBe(k);
  });

  it('prints the table with the paper as a labelled reference', () => {
    const t = formatHypernetTable(first);
    for (const g of ['DARTS_V1', 'DARTS_V2', 'PDARTS']) expect(t).toContain(g);
    expect(t).toMatch(/power ratio\s+latency ratio\s+area ratio/);
    expect(t).toContain(`Paper (reference, not computed): ${PAPER_REFERENCE}`);
    expect(t).toContain(`${first.rows[0].ratios.area.toFixed(3)}x`);
  });

  it('rejects bad options with a UserError', () => {
    for (const bad of [{ genotypes: ['FOO'] }, { genotypes: [] }, { genotypes: ['PDARTS', 'PDARTS'] }, { C: 5 }, { cells: 2 }, { chips: 0 }, { epochs: 1.5 }, { lr: -1 }, { device: 'nope' }, { weightScale: 'row' }]) {
      expect(() => resolveHypernetOptions({ seed: 1, ...bad } as HypernetOptions), JSON.stringify(bad)).toThrow(UserError);
    }
  });
});
