import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, initEngine, tf } from '../../src/engine/index.js';
import { UserError } from '../../src/errors.js';
import { Sequential, createLayer } from '../../src/nn/index.js';
import { MeanOverTime, ReshapeTo } from '../../src/experiments/random-prune/layers.js';
import { buildNetwork } from '../../src/experiments/random-prune/networks.js';

beforeAll(async () => {
  await initEngine('wasm');
});

const kernelShapes = (m: Sequential) =>
  m.layers.flatMap((l) => l.ownParameters().filter((p) => p.role === 'weight').map((p) => [l.name, p.name, p.variable.shape] as const));

describe('random-prune networks', () => {
  it("FashionMNIST: the authors' layer shapes (conv1 64x1x3x3, conv2 16x64x3x3, fc1 400->128, fc2 128->10), no biases", () => {
    const m = buildNetwork('fashion-mnist', { seed: 1 });
    expect(kernelShapes(m)).toEqual([
      ['conv1', 'kernel', [3, 3, 1, 64]],
      ['conv2', 'kernel', [3, 3, 64, 16]],
      ['fc1', 'kernel', [400, 128]],
      ['fc2', 'kernel', [128, 10]],
    ]);
    expect(m.layers.some((l) => l.hasParam('bias'))).toBe(false);
    expect(m.layers.filter((l) => l.type === 'QuantizeActivation').map((l) => (l as unknown as { bits: number }).bits)).toEqual([4, 4, 4, 4]);
    m.dispose();
  });

  it("spoken digits: 23x20 -> 4 steps of 32 features -> ReLU RNN 128 -> mean -> 256 -> 10 (the code's shapes), 3-bit", () => {
    const m = buildNetwork('fsdd', { seed: 1 });
    expect(kernelShapes(m)).toEqual([
      ['conv1', 'kernel', [3, 2, 1, 64]],
      ['conv2', 'kernel', [3, 2, 64, 32]],
      ['rnn', 'kernel', [32, 128]],
      ['rnn', 'recurrentKernel', [128, 128]],
      ['fc1', 'kernel', [128, 256]],
      ['fc2', 'kernel', [256, 10]],
    ]);
    expect(m.layer('sequence').outputShape).toEqual([4, 32]);
    expect(m.layer('mean').outputShape).toEqual([128]);
    const y = m.predict(tf.zeros([2, 23, 20]));
    expect(y.shape).toEqual([2, 10]);
    y.dispose();
    m.dispose();
  });

  it('vessels: per-pixel 2-class output at full resolution, 6-bit', () => {
    const m = buildNetwork('vessels', { seed: 1, inputShape: [16, 16, 1], widths: [4, 4] });
    expect(m.outputShape).toEqual([16, 16, 2]);
    expect(m.task).toBe('segmentation');
    expect((m.layer('q0') as unknown as { bits: number }).bits).toBe(6);
    m.dispose();
  });
});

describe('ReshapeTo and MeanOverTime', () => {
  it('reshape row-major; mean over the time axis; registered', () => {
    const r = createLayer('ReshapeTo', 'r', { target: [2, 3] });
    expect(r).toBeInstanceOf(ReshapeTo);
    r.build([6], new Rng(1));
    const x = tf.tensor2d([[1, 2, 3, 4, 5, 6]]);
    const y = r.forward(x, { training: false, rng: new Rng(0) });
    expect(y.arraySync()).toEqual([[[1, 2, 3], [4, 5, 6]]]);
    const t = createLayer('MeanOverTime', 't', {});
    expect(t).toBeInstanceOf(MeanOverTime);
    t.build([2, 3], new Rng(1));
    const z = t.forward(y, { training: false, rng: new Rng(0) });
    expect(z.arraySync()).toEqual([[2.5, 3.5, 4.5]]);
    tf.dispose([x, y, z]);
  });

  it('rejects mismatched shapes', () => {
    expect(() => new ReshapeTo('r', { target: [4] }).build([6], new Rng(1))).toThrow(UserError);
    expect(() => new ReshapeTo('r', { target: [0] })).toThrow(UserError);
    expect(() => new MeanOverTime('t').build([4, 2, 1], new Rng(1))).toThrow(UserError);
  });
});
