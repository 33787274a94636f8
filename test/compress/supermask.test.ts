import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, initEngine, tf } from '../../src/engine/index.js';
import { UserError } from '../../src/errors.js';
import { type Sequential, buildModel, evaluate, fit } from '../../src/nn/index.js';
import { SupermaskTransform, maskDensity, supermaskModel } from '../../src/compress/index.js';
import { subset } from '../../src/data/dataset.js';
import { blobs } from '../nn/synthetic.js';
import { denseWith, effective, gradOfSum, hamming } from './helpers.js';

beforeAll(async () => {
  await initEngine('wasm');
});

// One draw of blob centres, split into disjoint train and test halves.
const all = blobs(600, 8, 3, 11, 1); // overlapping blobs: a float MLP reaches about 0.95
const train = subset(all, Array.from({ length: 300 }, (_, i) => i));
const test = subset(all, Array.from({ length: 300 }, (_, i) => 300 + i));

function model(seed = 2): Sequential {
  return buildModel('mlp', { inputShape: [8], numClasses: 3, seed, hidden: [64] });
}

const fitOpts = { epochs: 6, batchSize: 30, optimizer: { type: 'sgd' as const, lr: 0.1, momentum: 0.9 }, seed: 3, progress: false };

function kernels(m: Sequential): Float32Array[] {
  return ['fc1', 'out'].map((n) => m.layer(n).param('kernel').variable.dataSync().slice() as Float32Array);
}

function masks(m: Sequential): number[][] {
  return maskDensity(m).layers.map((_, i) => Array.from((m.layer(['fc1', 'out'][i]).transforms('kernel')[0] as SupermaskTransform).currentMask()));
}

describe('supermask (edge-popup)', () => {
  it('keeps exactly round(density * n) edges per tensor, the largest |score|', () => {
    const m = model();
    const ts = supermaskModel(m, { density: 0.3, seed: 1 });
    const d = maskDensity(m);
    // fc1: 8 x 64 = 512 -> 153.6 -> 154; out: 64 x 3 = 192 -> 57.6 -> 58.
    expect(d.layers.map((r) => [r.layer, r.kept, r.total])).toEqual([['fc1', 154, 512], ['out', 58, 192]]);
    expect(d.kept).toBe(212);
    ts.forEach((t, i) => {
      const scores = t.params()[0].variable.dataSync();
      const mask = t.currentMask();
      let minKept = Infinity;
      let maxDropped = 0;
      mask.forEach((b, j) => (b ? (minKept = Math.min(minKept, Math.abs(scores[j]))) : (maxDropped = Math.max(maxDropped, Math.abs(scores[j])))));
      expect(maxDropped).toBeLessThanOrEqual(minKept);
      const w = effective(m.layer(['fc1', 'out'][i]));
      expect(w.filter((v) => v !== 0).length).toBe(d.layers[i].kept);
    });
    m.dispose();
  });

  it('scores start Kaiming-uniform (a = sqrt 5): within +-1/sqrt(fan_in); only the scores are trainable', () => {
    const m = model();
    const [fc1, out] = supermaskModel(m, { density: 0.5, seed: 1 });
    const bound = (fan: number) => 1 / Math.sqrt(fan);
    const s1 = fc1.params()[0].variable.dataSync();
    const s2 = out.params()[0].variable.dataSync();
    expect(Math.max(...Array.from(s1, Math.abs))).toBeLessThanOrEqual(bound(8));
    expect(Math.max(...Array.from(s1, Math.abs))).toBeGreaterThan(0.9 * bound(8));
    expect(Math.max(...Array.from(s2, Math.abs))).toBeLessThanOrEqual(bound(64));
    expect(m.trainableParams().map((p) => p.role)).toEqual(['score', 'score']);
    m.dispose();
  });

  it('straight-through gradient to the scores: d(sum y)/ds_ij = x_i w_ij sign(s_ij), pruned edges included', () => {
    const w = [0.5, -2, -0.25, 0.75, 0.1, 3];
    const d = denseWith(w, 3, 2);
    const t = new SupermaskTransform({ layer: d, param: 'kernel' }, { density: 0.5, seed: 4 });
    d.addTransform('kernel', t);
    const s = t.params()[0].variable;
    const x = tf.tensor([[1, 2, 3]]);
    const sv = s.dataSync();
    const [g] = gradOfSum(d, x, [s], false);
    const xs = [1, 1, 2, 2, 3, 3];
    g.forEach((v, i) => expect(v).toBeCloseTo(xs[i] * w[i] * Math.sign(sv[i]), 6));
    tf.dispose(x);
    d.dispose();
  });

  it('training the scores only: weights bit-identical, accuracy well above chance, mask reproducible with a fixed seed', async () => {
    const runs = [];
    for (let r = 0; r < 2; r++) {
      const m = model();
      supermaskModel(m, { density: 0.5, seed: 7 });
      const before = kernels(m);
      const chance = await evaluate(m, test);
      await fit(m, train, fitOpts);
      const after = kernels(m);
      before.forEach((k, i) => expect(after[i]).toEqual(k));
      const acc = (await evaluate(m, test)).accuracy;
      runs.push({ masks: masks(m), acc, chance: chance.accuracy, density: maskDensity(m) });
      m.dispose();
    }
    // Chance is 1/3; training only the mask lifts the random subnetwork far above it and above where it started.
    expect(runs[0].acc).toBeGreaterThan(0.85);
    expect(runs[0].acc).toBeGreaterThan(Math.max(1 / 3, runs[0].chance) + 0.35);
    expect(runs[1].masks).toEqual(runs[0].masks);
    expect(runs[1].acc).toBe(runs[0].acc);
    expect(runs[0].density.layers.map((r) => r.kept)).toEqual([256, 96]);
    expect(runs[0].density.flips).toBeGreaterThan(0);
    expect(runs[1].density).toEqual(runs[0].density);
  });

  it('counts flips: after two training steps, the bits the second step changed', async () => {
    const m = model();
    const ts = supermaskModel(m, { density: 0.5, seed: 7 });
    const initial = ts.map((t) => Array.from(t.currentMask()));
    // One epoch of two batches: step 1 commits the initial mask, step 2 the mask of the updated scores.
    await fit(m, blobs(60, 8, 3, 11), { ...fitOpts, epochs: 1 });
    ts.forEach((t, i) => {
      const committed = t.params()[1].variable.dataSync();
      expect(t.flips()).toBe(hamming(initial[i], committed));
    });
    expect(maskDensity(m).flips).toBeGreaterThan(0);
    m.dispose();
  });

  it("flip rule by hand: 'flip' compares with the score at the last flip, 'step' with the previous step", () => {
    const results: Record<string, { masks: number[][]; flips: number[] }> = {};
    for (const ref of ['flip', 'step'] as const) {
      const d = denseWith([1, 1, 1, 1], 2, 2);
      const t = new SupermaskTransform({ layer: d, param: 'kernel' }, { density: 0.5, seed: 1, flipThreshold: 0.1, flipReference: ref });
      d.addTransform('kernel', t);
      const [scores, mask, reference] = t.params().map((p) => p.variable);
      const set = (v: tf.Variable, values: number[]) => tf.tidy(() => v.assign(tf.tensor(values, [2, 2])));
      set(scores, [4, 3, 2, 1]);
      set(mask, [1, 1, 0, 0]);
      set(reference, [4, 3, 2, 1]);
      const x = tf.tensor([[1, 1]]);
      const step = (s: number[]) => {
        set(scores, s);
        tf.tidy(() => d.forward(x, { training: true, rng: new Rng(0) }));
        return Array.from(t.currentMask());
      };
      const out = { masks: [] as number[][], flips: [] as number[] };
      // Step 1: top-2 wants [1, 0, 1, 0]; edge 1 moved 0.2/3 < 0.1 (stays), edge 2 moved 0.95/2 > 0.1 (flips).
      out.masks.push(step([4, 2.8, 2.95, 1]));
      out.flips.push(t.flips());
      // Step 2: edge 1 at 2.6: 0.4/3 > 0.1 since its last flip, but 0.2/2.8 < 0.1 since the last step.
      out.masks.push(step([4, 2.6, 2.95, 1]));
      out.flips.push(t.flips());
      results[ref] = out;
      tf.dispose(x);
      d.dispose();
    }
    expect(results.flip).toEqual({ masks: [[1, 1, 1, 0], [1, 0, 1, 0]], flips: [1, 2] });
    expect(results.step).toEqual({ masks: [[1, 1, 1, 0], [1, 1, 1, 0]], flips: [1, 1] });
  });

  it('the flip threshold reduces mask flips (programming operations)', async () => {
    const flips: number[] = [];
    for (const flipThreshold of [0, 0.05]) {
      const m = model();
      supermaskModel(m, { density: 0.5, seed: 7, flipThreshold });
      await fit(m, train, { ...fitOpts, epochs: 3 });
      flips.push(maskDensity(m).flips);
      m.dispose();
    }
    expect(flips[0]).toBeGreaterThan(0);
    expect(flips[1]).toBeLessThan(flips[0]);
  });

  it('output scaling: effective weight = w * mask * sigma / mean|w|, sigma = sqrt(2) / sqrt(0.5 fan_in)', () => {
    const m = model();
    supermaskModel(m, { density: 0.5, seed: 1, scaleOutput: true, layers: ['fc1'] });
    const w = m.layer('fc1').param('kernel').variable.dataSync();
    const meanAbs = Array.from(w, Math.abs).reduce((a, b) => a + b) / w.length;
    const factor = Math.sqrt(2) / Math.sqrt(0.5 * 8) / meanAbs;
    const e = effective(m.layer('fc1'));
    const mask = (m.layer('fc1').transforms('kernel')[0] as SupermaskTransform).currentMask();
    e.forEach((v, i) => expect(v).toBeCloseTo(mask[i] ? w[i] * factor : 0, 5));
    m.dispose();
  });

  it("prunedWeight 'reset': a pruned edge takes its reset-state value", () => {
    const d = denseWith([1, 2, 3, 4, 5, 6], 3, 2);
    const t = new SupermaskTransform({ layer: d, param: 'kernel' }, { density: 0.5, seed: 2, prunedWeight: 'reset' });
    d.addTransform('kernel', t);
    t.setResetWeight(new Float32Array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]));
    const mask = t.currentMask();
    const e = effective(d);
    e.forEach((v, i) => expect(v).toBeCloseTo(mask[i] ? i + 1 : (i + 1) / 10, 6));
    expect(mask.reduce((a, b) => a + b, 0)).toBe(3);
    d.dispose();
  });

  it('rejects bad settings', () => {
    const m = model();
    expect(() => supermaskModel(m, { density: 0, seed: 1 })).toThrow(UserError);
    expect(() => supermaskModel(m, { density: 0.5, seed: -1 })).toThrow(/seed/);
    expect(() => supermaskModel(m, { density: 0.5, seed: 1, flipReference: 'epoch' as never })).toThrow(/flipReference/);
    m.dispose();
  });
});
