import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../../src/engine/index.js';
import { UserError } from '../../src/errors.js';
import { type RandomPruneOptions, type RandomPruneResult, formatRandomPruneTable, runRandomPrune } from '../../src/experiments/random-prune/index.js';
import { tinyFashion, tinySpoken } from './random-prune-fixtures.js';

beforeAll(async () => {
  await initEngine('wasm');
});

/** The result without wall-clock times (the only part that may differ between identical runs). */
function timeless(r: RandomPruneResult): unknown {
  return JSON.parse(JSON.stringify(r, (k, v) => (k === 'seconds' || k === 'trainSeconds' ? undefined : v)));
}

const base: RandomPruneOptions = {
  task: 'fashion-mnist',
  seed: 3,
  epochs: 1,
  limit: { train: 60, test: 20 },
  data: { 'fashion-mnist': tinyFashion(60, 20), fsdd: tinySpoken(60, 20) },
  energySamples: 8,
};

describe('runRandomPrune end to end (tiny limits)', () => {
  it('classification tasks: metrics, masks, energy and programming records; reproducible; table prints', async () => {
    const events: string[] = [];
    const opts: RandomPruneOptions = { ...base, task: 'fsdd', chips: 2, onProgress: (p) => events.push(p.stage) };
    const a = await runRandomPrune(opts);
    const b = await runRandomPrune({ ...opts, onProgress: undefined });
    expect(timeless(b)).toEqual(timeless(a));
    const t = a.tasks[0];
    expect(t.task).toBe('fsdd');
    expect([t.train, t.test]).toEqual([60, 20]);
    expect(t.chips.map((c) => c.chipSeed)).toEqual([3, 4]);
    for (const c of t.chips) {
      expect(c.supermask.weightsUnchanged).toBe(true);
      expect(Math.abs(c.supermask.mask.density - 0.5)).toBeLessThan(0.01);
      for (const m of [c.supermask, c.readout, c.conventional]) {
        expect(m.metrics.accuracy).toBeGreaterThanOrEqual(0);
        expect(m.metrics.accuracy).toBeLessThanOrEqual(1);
        expect(m.energy.total).toBeGreaterThan(0);
        expect(m.programming.energy).toBeGreaterThan(0);
      }
      // No verify: the random chip is programmed in far less time than write-verify of every cell.
      expect(c.supermask.programming.time).toBeLessThan(c.conventional.programming.time);
      expect(c.conventional.beforeProgramming).toBeDefined();
    }
    // Two chips: different conductances, so different masks.
    expect(t.chips[0].supermask.mask.flips).not.toBe(t.chips[1].supermask.mask.flips);
    expect(t.summary.supermask.main.n).toBe(2);
    expect(events).toContain('supermask');
    expect(events).toContain('readout');
    const table = formatRandomPruneTable(a);
    expect(table).toContain('supermask on random chip');
    expect(table).toContain('+19.9 %');
  });

  it('a different seed trains different masks; FashionMNIST runs too', async () => {
    const a = await runRandomPrune({ ...base, batchSize: 10 });
    const b = await runRandomPrune({ ...base, batchSize: 10, seed: 4, chipSeed: 3 });
    expect(a.tasks[0].chips[0].chipSeed).toBe(3);
    expect(b.tasks[0].chips[0].chipSeed).toBe(3);
    // Same chip, other scores and shuffling: other flips.
    expect(a.tasks[0].chips[0].supermask.mask.flips).toBeGreaterThan(0);
    expect(a.tasks[0].chips[0].supermask.mask.layers.map((l) => l.flips)).not.toEqual(b.tasks[0].chips[0].supermask.mask.layers.map((l) => l.flips));
  });

  it('vessels: PR and ROC AUC inside the field of view', async () => {
    const r = await runRandomPrune({ task: 'vessels', seed: 1, epochs: 1, limit: { train: 4, test: 2 }, vesselWidths: [4, 4], energySamples: 2 });
    const c = r.tasks[0].chips[0];
    for (const m of [c.supermask, c.readout, c.conventional]) {
      expect(m.metrics.prAuc).toBeGreaterThan(0);
      expect(m.metrics.prAuc).toBeLessThanOrEqual(1);
      expect(m.metrics.rocAuc).toBeGreaterThanOrEqual(0);
      expect(m.metrics.rocAuc).toBeLessThanOrEqual(1);
    }
    expect(formatRandomPruneTable(r)).toContain('ROC AUC');
  });

  it('rejects bad options with UserError', async () => {
    await expect(runRandomPrune({ ...base, task: 'cifar' as never })).rejects.toThrow(UserError);
    await expect(runRandomPrune({ ...base, density: 0 })).rejects.toThrow(UserError);
    await expect(runRandomPrune({ ...base, chips: 0 })).rejects.toThrow(UserError);
    await expect(runRandomPrune({ ...base, seed: -1 })).rejects.toThrow(UserError);
  });
});
