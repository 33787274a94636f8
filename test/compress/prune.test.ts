import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, initEngine, tf } from '../../src/engine/index.js';
import { UserError } from '../../src/errors.js';
import { Conv2d, buildModel, fit } from '../../src/nn/index.js';
import { PruneTransform, cubicSparsity, gradualPruning, pruneModel, sparsityReport } from '../../src/compress/index.js';
import { blobs } from '../nn/synthetic.js';
import { effective, gradOfSum } from './helpers.js';

beforeAll(async () => {
  await initEngine('wasm');
});

function zeros(a: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === 0) n++;
  return n;
}

describe('magnitude pruning', () => {
  it('unstructured: exactly round(s * n) weights zero, each no larger in |w| than any survivor', () => {
    const model = buildModel('mlp', { inputShape: [20], numClasses: 3, seed: 7, hidden: [30] });
    const w = model.layer('fc1').param('kernel').variable.dataSync().slice(); // 600 weights
    for (const s of [0, 0.25, 0.5, 0.9, 0.999, 1]) {
      pruneModel(model, { sparsity: s });
      const e = effective(model.layer('fc1'));
      expect(zeros(e)).toBe(Math.round(s * 600));
      let maxPruned = 0;
      let minKept = Infinity;
      e.forEach((v, i) => (v === 0 ? (maxPruned = Math.max(maxPruned, Math.abs(w[i]))) : (minKept = Math.min(minKept, Math.abs(w[i])))));
      expect(maxPruned).toBeLessThanOrEqual(minKept);
      e.forEach((v, i) => v !== 0 && expect(v).toBe(w[i]));
      model.layer('fc1').clearTransforms();
      model.layer('out').clearTransforms();
    }
    model.dispose();
  });

  it("structured 'column': whole output columns zero, the ones of smallest L1 norm; the output layer is left alone", () => {
    const model = buildModel('mlp', { inputShape: [10], numClasses: 3, seed: 8, hidden: [16] });
    const w = model.layer('fc1').param('kernel').variable.dataSync().slice(); // [10, 16]
    const ts = pruneModel(model, { sparsity: 0.25, granularity: 'column' });
    expect(ts.map((t) => t.layer.name)).toEqual(['fc1']);
    const e = effective(model.layer('fc1'));
    const l1 = Array.from({ length: 16 }, (_, j) => Array.from({ length: 10 }, (_, i) => Math.abs(w[i * 16 + j])).reduce((a, b) => a + b));
    const expectedPruned = [...l1.keys()].sort((a, b) => l1[a] - l1[b]).slice(0, 4).sort((a, b) => a - b);
    const zeroCols = [...Array(16).keys()].filter((j) => Array.from({ length: 10 }, (_, i) => e[i * 16 + j]).every((v) => v === 0));
    expect(zeroCols).toEqual(expectedPruned);
    expect(zeros(e)).toBe(40);
    const report = sparsityReport(model);
    expect(report.layers.map((r) => [r.layer, r.zeros, r.zeroColumns, r.columns])).toEqual([['fc1', 40, 4, 16], ['out', 0, 0, 3]]);
    expect(report.zeros).toBe(40);
    expect(report.total).toBe(160 + 48);
    model.dispose();
  });

  it("structured 'kernel' on a convolution: whole kh x kw kernels zero, by L2 norm", () => {
    const conv = new Conv2d('c', { filters: 4, kernelSize: 3, useBias: false });
    conv.build([6, 6, 5], new Rng(3)); // kernel [3, 3, 5, 4]: 20 kernels of 9 weights
    const w = conv.param('kernel').variable.dataSync().slice();
    const t = new PruneTransform({ layer: conv, param: 'kernel' }, { sparsity: 0.3, granularity: 'kernel', norm: 'l2' });
    conv.addTransform('kernel', t);
    const e = effective(conv);
    const idx = (a: number, b: number, c: number, j: number) => ((a * 3 + b) * 5 + c) * 4 + j;
    const norms: number[] = [];
    const allZero: boolean[] = [];
    for (let c = 0; c < 5; c++) {
      for (let j = 0; j < 4; j++) {
        let sq = 0;
        let z = true;
        for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) {
          sq += w[idx(a, b, c, j)] ** 2;
          z &&= e[idx(a, b, c, j)] === 0;
        }
        norms.push(Math.sqrt(sq));
        allZero.push(z);
      }
    }
    expect(allZero.filter(Boolean).length).toBe(6); // round(0.3 * 20)
    expect(zeros(e)).toBe(54);
    const cut = [...norms].sort((a, b) => a - b)[5];
    norms.forEach((n, k) => expect(allZero[k]).toBe(n <= cut));
    conv.dispose();
  });

  it('training keeps pruned weights at zero: their gradient is zero and their stored values do not move', async () => {
    const model = buildModel('mlp', { inputShape: [8], numClasses: 3, seed: 2, hidden: [24] });
    const [t] = pruneModel(model, { sparsity: 0.7, layers: ['fc1'] });
    const mask = t.mask();
    const stored = model.layer('fc1').param('kernel').variable;
    const x = tf.tensor(blobs(4, 8, 3, 9).x, [4, 8]);
    const [g] = gradOfSum(model.layer('fc1'), x, [stored]);
    mask.forEach((m, i) => m === 0 && expect(Math.abs(g[i])).toBe(0));
    expect(g.some((v, i) => mask[i] === 1 && v !== 0)).toBe(true);
    tf.dispose(x);
    const before = stored.dataSync().slice();
    const h = await fit(model, blobs(240, 8, 3, 1), { epochs: 3, batchSize: 40, optimizer: { type: 'adam', lr: 0.02 }, seed: 1, progress: false });
    const after = stored.dataSync();
    const e = effective(model.layer('fc1'));
    mask.forEach((m, i) => {
      if (m === 0) {
        expect(Math.abs(e[i])).toBe(0);
        expect(after[i]).toBe(before[i]);
      }
    });
    expect(Array.from(t.mask())).toEqual(Array.from(mask));
    expect(after).not.toEqual(before);
    expect(h.epochs[2].accuracy).toBeGreaterThan(0.6);
    model.dispose();
  });

  it('raising the sparsity keeps pruned weights pruned; lowering it revives the largest stored ones', () => {
    const model = buildModel('mlp', { inputShape: [6], numClasses: 2, seed: 4, hidden: [10] });
    const [t] = pruneModel(model, { sparsity: 0.5, layers: ['fc1'] });
    const half = t.mask();
    t.setSparsity(0.8);
    const more = t.mask();
    half.forEach((m, i) => m === 0 && expect(more[i]).toBe(0));
    expect(zeros(more)).toBe(48);
    t.setSparsity(0.5);
    expect(Array.from(t.mask())).toEqual(Array.from(half));
    model.dispose();
  });

  it('rejects bad settings', () => {
    const model = buildModel('mlp', { inputShape: [6], numClasses: 2, seed: 4, hidden: [10] });
    expect(() => pruneModel(model, { sparsity: 1.5 })).toThrow(UserError);
    expect(() => pruneModel(model, { sparsity: 0.5, granularity: 'row' as never })).toThrow(/granularity/);
    pruneModel(model, { sparsity: 0.5 });
    expect(() => pruneModel(model, { sparsity: 0.6, granularity: 'column', layers: ['fc1'] })).toThrow(/granularity|element/);
    model.dispose();
  });
});

describe('gradual pruning (Zhu & Gupta cubic schedule)', () => {
  it('hits its endpoints and follows s_f + (s_i - s_f)(1 - t/T)^3 in between', () => {
    const s = { initialSparsity: 0.1, finalSparsity: 0.9, startEpoch: 2, endEpoch: 6 };
    expect(cubicSparsity(0, s)).toBe(0.1);
    expect(cubicSparsity(2, s)).toBe(0.1);
    expect(cubicSparsity(6, s)).toBe(0.9);
    expect(cubicSparsity(9, s)).toBe(0.9);
    expect(cubicSparsity(4, s)).toBeCloseTo(0.9 - 0.8 * 0.125, 12); // half way: (1/2)^3
    expect(cubicSparsity(3, s)).toBeCloseTo(0.9 - 0.8 * 0.421875, 12); // (3/4)^3
  });

  it('driven from fit: exactly the final sparsity after endEpoch and during fine-tuning', async () => {
    const model = buildModel('mlp', { inputShape: [8], numClasses: 3, seed: 5, hidden: [20] });
    const g = gradualPruning(model, { finalSparsity: 0.8, endEpoch: 3 });
    expect(sparsityReport(model).zeros).toBe(0);
    const seen: number[] = [];
    await fit(model, blobs(120, 8, 3, 2), {
      epochs: 5,
      batchSize: 40,
      optimizer: { type: 'adam', lr: 0.01 },
      seed: 1,
      progress: false,
      onEpochEnd: (log) => {
        g.onEpochEnd(log);
        seen.push(sparsityReport(model).zeros);
      },
    });
    // fc1 has 160 weights, out 60: round(s * n) each, s after epochs 1..5 = 0.8 (1 - (1 - t/3)^3), then 0.8.
    const expected = [1, 2, 3, 4, 5].map((t) => {
      const s = t >= 3 ? 0.8 : 0.8 * (1 - (1 - t / 3) ** 3);
      return Math.round(s * 160) + Math.round(s * 60);
    });
    expect(seen).toEqual(expected);
    expect(seen[4]).toBe(128 + 48);
    model.dispose();
  });
});
