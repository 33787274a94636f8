import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '../../src/engine/index.js';
import { UserError } from '../../src/errors.js';
import { buildModel, fit } from '../../src/nn/index.js';
import { BinarizeTransform, binarizeModel } from '../../src/compress/index.js';
import { blobs } from '../nn/synthetic.js';
import { denseWith, effective, gradOfSum } from './helpers.js';

beforeAll(async () => {
  await initEngine('wasm');
});

describe('binarize', () => {
  it('weights are exactly +-1 (sign(0) = +1) and the gradient is the clipped identity dy * 1{|w| <= 1}', () => {
    const d = denseWith([0.5, -2, -0.25, 0, 1, 3], 3, 2);
    d.addTransform('kernel', new BinarizeTransform());
    expect(Array.from(effective(d))).toEqual([1, -1, -1, 1, 1, 1]);
    const x = tf.tensor([[1, 2, 3]]);
    // d(sum y)/dW[i][j] = x[i] where |W| <= 1 (0.5, -0.25, 0, 1 pass; -2 and 3 do not).
    expect(Array.from(gradOfSum(d, x, [d.param('kernel').variable])[0])).toEqual([1, 0, 2, 2, 3, 0]);
    tf.dispose(x);
    d.dispose();
  });

  it("scale 'channel' multiplies sign(w) by alpha_j = mean |w| of output column j (XNOR-Net)", () => {
    // Columns: [0.5, -0.25, 1] -> alpha 0.5833..; [-2, 0, 3] -> alpha 5/3.
    const d = denseWith([0.5, -2, -0.25, 0, 1, 3], 3, 2);
    d.addTransform('kernel', new BinarizeTransform({ scale: 'channel' }));
    const a0 = (0.5 + 0.25 + 1) / 3;
    const a1 = (2 + 0 + 3) / 3;
    const w = effective(d);
    [a0, -a1, -a0, a1, a0, a1].forEach((v, i) => expect(w[i]).toBeCloseTo(v, 6));
    d.dispose();
  });

  it('binarizeModel: first and last layers float by default, binary on request', () => {
    const model = buildModel('mlp', { inputShape: [6], numClasses: 3, seed: 1, hidden: [8, 8] });
    expect(binarizeModel(model)).toEqual(['fc2']);
    for (const [name, kinds] of [['fc1', []], ['fc2', ['binarize']], ['out', []]] as const) {
      expect(model.layer(name).transforms('kernel').map((t) => t.kind)).toEqual(kinds);
    }
    expect(new Set(effective(model.layer('fc2')))).toEqual(new Set([1, -1]));
    model.dispose();
    const all = buildModel('mlp', { inputShape: [6], numClasses: 3, seed: 1, hidden: [8, 8] });
    expect(binarizeModel(all, { firstLayer: 'binary', lastLayer: 'binary' })).toEqual(['fc1', 'fc2', 'out']);
    all.dispose();
    const small = buildModel('mlp', { inputShape: [6], numClasses: 3, seed: 1, hidden: [8] });
    expect(() => binarizeModel(small)).toThrow(UserError);
    expect(() => binarizeModel(small, { firstLayer: 'half' as never })).toThrow(/firstLayer/);
    small.dispose();
  });

  it('a binarized MLP learns a separable task through its latent weights', async () => {
    const model = buildModel('mlp', { inputShape: [8], numClasses: 2, seed: 3, hidden: [32] });
    binarizeModel(model, { firstLayer: 'binary' });
    const latent = model.layer('fc1').param('kernel').variable.dataSync().slice();
    const h = await fit(model, blobs(300, 8, 2, 3), { epochs: 5, batchSize: 30, optimizer: { type: 'adam', lr: 0.01 }, seed: 1, progress: false });
    expect(model.layer('fc1').param('kernel').variable.dataSync()).not.toEqual(latent);
    expect(new Set(effective(model.layer('fc1')))).toEqual(new Set([1, -1]));
    expect(h.epochs[4].accuracy).toBeGreaterThan(0.9);
    model.dispose();
  });
});
