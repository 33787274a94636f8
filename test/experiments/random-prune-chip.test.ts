import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, initEngine } from '../../src/engine/index.js';
import { UserError } from '../../src/errors.js';
import { devicePreset } from '../../src/device/index.js';
import { RRAM_RANDOM_FORMING_TARGET } from '../../src/device/presets.js';
import { Dense, Sequential } from '../../src/nn/index.js';
import { loadRandomChip, programChipTensor, resolveChipOptions } from '../../src/experiments/random-prune/chip.js';
import { buildNetwork } from '../../src/experiments/random-prune/networks.js';
import { programWriteVerify } from '../../src/experiments/random-prune/write-verify.js';

beforeAll(async () => {
  await initEngine('wasm');
});

function logStats(g: Float32Array): { mean: number; std: number } {
  const l = Array.from(g, Math.log);
  const mean = l.reduce((a, b) => a + b, 0) / l.length;
  return { mean, std: Math.sqrt(l.reduce((a, b) => a + (b - mean) ** 2, 0) / (l.length - 1)) };
}

describe('random chip weights', () => {
  it('forms both cells at the preset target with its log-normal spread; resets near gMin', () => {
    const c = programChipTensor('fc', 'kernel', [100, 100], resolveChipOptions({ chipSeed: 3 }));
    const dev = devicePreset('rram-random');
    const sigma = dev.programming.kind === 'lognormal' ? dev.programming.sigmaLog : NaN;
    for (const g of [c.gASet, c.gBSet]) {
      const s = logStats(g);
      // 10,000 draws: standard error of the log-mean 0.005, of the log-std about 0.0035.
      expect(s.mean).toBeCloseTo(Math.log(RRAM_RANDOM_FORMING_TARGET), 1);
      expect(Math.abs(s.std - sigma)).toBeLessThan(0.02);
    }
    expect(logStats(c.gAReset).mean).toBeCloseTo(Math.log(dev.gMin), 1);
  });

  it('weight = sign |G_A - G_B| / gNorm, pruned read per the chosen form, noise scale from both cells', () => {
    const opts = resolveChipOptions({ chipSeed: 5 });
    const pair = programChipTensor('conv', 'kernel', [3, 3, 2, 4], opts);
    const code = programChipTensor('conv', 'kernel', [3, 3, 2, 4], resolveChipOptions({ chipSeed: 5, prunedRead: 'code' }));
    const g = RRAM_RANDOM_FORMING_TARGET;
    let plus = 0;
    for (let i = 0; i < pair.weight.length; i++) {
      expect(Math.abs(pair.sign[i])).toBe(1);
      if (pair.sign[i] > 0) plus++;
      expect(pair.weight[i]).toBeCloseTo((pair.sign[i] * Math.abs(pair.gASet[i] - pair.gBSet[i])) / g, 6);
      expect(pair.resetWeight[i]).toBeCloseTo((pair.sign[i] * Math.abs(pair.gAReset[i] - pair.gBReset[i])) / g, 6);
      expect(code.resetWeight[i]).toBeCloseTo((pair.sign[i] * Math.abs(pair.gAReset[i] - pair.gBSet[i])) / g, 6);
      expect(pair.noiseScale[i]).toBeCloseTo(Math.hypot(pair.gASet[i], pair.gBSet[i]) / g, 6);
    }
    expect(plus).toBeGreaterThan(20);
    expect(plus).toBeLessThan(52);
    // Same seed, same cells: the pruned-read form changes nothing else.
    expect(Array.from(code.weight)).toEqual(Array.from(pair.weight));
  });

  it('a chip is reproducible from its seed, differs between seeds, and a layer does not depend on the others', () => {
    const m1 = buildNetwork('fashion-mnist', { seed: 1 });
    const m2 = buildNetwork('fashion-mnist', { seed: 2 });
    const a = loadRandomChip(m1, { chipSeed: 7 });
    const b = loadRandomChip(m2, { chipSeed: 7, layers: ['fc1'] });
    const c = programChipTensor('fc1', 'kernel', [400, 128], resolveChipOptions({ chipSeed: 8 }));
    const fc1 = a.tensors.find((t) => t.layer === 'fc1');
    expect(fc1).toBeDefined();
    expect(Array.from(b.tensors[0].weight)).toEqual(Array.from(fc1!.weight));
    expect(Array.from(m1.layer('fc1').param('kernel').variable.dataSync())).toEqual(Array.from(fc1!.weight));
    expect(Array.from(m2.layer('fc1').param('kernel').variable.dataSync())).toEqual(Array.from(fc1!.weight));
    expect(Array.from(c.weight)).not.toEqual(Array.from(fc1!.weight));
    expect(a.tensors.map((t) => t.layer)).toEqual(['conv1', 'conv2', 'fc1', 'fc2']);
    m1.dispose();
    m2.dispose();
  });

  it('rejects bad options', () => {
    expect(() => resolveChipOptions({ chipSeed: -1 })).toThrow(UserError);
    expect(() => resolveChipOptions({ chipSeed: 1, gNorm: 0 })).toThrow(UserError);
    expect(() => resolveChipOptions({ chipSeed: 1, prunedRead: 'half' as never })).toThrow(UserError);
    const m = new Sequential({ name: 'm', inputShape: [4], layers: [new Dense('d', { units: 2 })], seed: 1, numClasses: 2 });
    expect(() => loadRandomChip(m, { chipSeed: 1, layers: ['nope'] })).toThrow(UserError);
    m.dispose();
  });
});

describe('write-verify programming (baselines)', () => {
  it('maps w to pairs over [gMin, gMax] and back exactly on an error-free analog device', () => {
    const dev = devicePreset('rram', { programming: { kind: 'none' }, levels: Infinity });
    const w = Float32Array.from([0.5, -1, 0, 0.25, -0.75]);
    const p = programWriteVerify(w, dev, 1, 't');
    expect(p.wMax).toBe(1);
    for (let i = 0; i < w.length; i++) expect(p.weight[i]).toBeCloseTo(w[i], 6);
    // In microsiemens (the arrays are float32).
    expect(p.gPlus[1] * 1e6).toBeCloseTo(dev.gMin * 1e6, 4);
    expect(p.gMinus[1] * 1e6).toBeCloseTo(dev.gMax * 1e6, 4);
    expect(p.gPlus[0] * 1e6).toBeCloseTo((dev.gMin + 0.5 * (dev.gMax - dev.gMin)) * 1e6, 4);
  });

  it('with the rram preset the programmed weights carry its error, reproducibly', () => {
    const dev = devicePreset('rram');
    const w = new Rng(3).fillNormal(new Float32Array(2000));
    const a = programWriteVerify(w, dev, 1, 't');
    const b = programWriteVerify(w, dev, 1, 't');
    const c = programWriteVerify(w, dev, 2, 't');
    expect(Array.from(a.weight)).toEqual(Array.from(b.weight));
    expect(Array.from(a.weight)).not.toEqual(Array.from(c.weight));
    let err = 0;
    for (let i = 0; i < w.length; i++) err += (a.weight[i] - w[i]) ** 2;
    const rms = Math.sqrt(err / w.length) / a.wMax;
    // About 1.5 uS of error per cell over a 36 uS span: a few percent of w_max, not zero, not huge.
    expect(rms).toBeGreaterThan(0.01);
    expect(rms).toBeLessThan(0.15);
  });
});
