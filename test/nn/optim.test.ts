import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '../../src/engine/index.js';
import { type Param, createOptimizer, makeSchedule } from '../../src/nn/index.js';

beforeAll(async () => {
  await initEngine('wasm');
});

function param(v: number[], role: Param['role'] = 'weight'): Param {
  return { name: 'p', role, variable: tf.variable(tf.tensor(v)), trainable: true };
}

/** Runs `steps` updates with gradient g(w) and returns the trajectory of w[0]. */
function trajectory(p: Param, opt: ReturnType<typeof createOptimizer>, grad: (w: number) => number, steps: number, lr: number): number[] {
  const out: number[] = [];
  for (let s = 0; s < steps; s++) {
    const w = p.variable.dataSync()[0];
    const g = tf.tensor([grad(w)]);
    opt.step([p], [g], lr);
    g.dispose();
    out.push(p.variable.dataSync()[0]);
  }
  opt.dispose();
  p.variable.dispose();
  return out;
}

describe('optimisers', () => {
  it('SGD with momentum and weight decay follows v = mu v + (g + wd w), w -= lr v', () => {
    const got = trajectory(param([1]), createOptimizer({ type: 'sgd', lr: 0.1, momentum: 0.9, weightDecay: 0.5 }), (w) => 2 * w, 4, 0.1);
    let w = 1;
    let v = 0;
    const want: number[] = [];
    for (let s = 0; s < 4; s++) {
      v = 0.9 * v + (2 * w + 0.5 * w);
      w -= 0.1 * v;
      want.push(w);
    }
    got.forEach((g, i) => expect(g).toBeCloseTo(want[i], 6));
  });

  it('Nesterov SGD steps by g + mu v; weight decay skips biases', () => {
    const got = trajectory(param([1], 'bias'), createOptimizer({ type: 'sgd', lr: 0.1, momentum: 0.5, nesterov: true, weightDecay: 10 }), () => 1, 3, 0.1);
    let w = 1;
    let v = 0;
    const want: number[] = [];
    for (let s = 0; s < 3; s++) {
      v = 0.5 * v + 1;
      w -= 0.1 * (1 + 0.5 * v);
      want.push(w);
    }
    got.forEach((g, i) => expect(g).toBeCloseTo(want[i], 6));
  });

  it('Adam: bias-corrected first step moves by lr against the gradient sign; decoupled weight decay', () => {
    const first = trajectory(param([3]), createOptimizer({ type: 'adam', lr: 0.01 }), () => -42, 1, 0.01);
    expect(first[0]).toBeCloseTo(3.01, 5);
    const decayed = trajectory(param([2]), createOptimizer({ type: 'adam', lr: 0.01, weightDecay: 0.1 }), () => 5, 1, 0.01);
    expect(decayed[0]).toBeCloseTo(2 - 0.01 * (1 + 0.1 * 2), 5);
  });
});

describe('schedules', () => {
  it('cosine goes from lr to 0 through lr/2 at the midpoint', () => {
    const s = makeSchedule(0.2, 10, { type: 'cosine' });
    expect(s(0)).toBeCloseTo(0.2, 10);
    expect(s(5)).toBeCloseTo(0.1, 10);
    expect(s(10)).toBeCloseTo(0, 10);
  });

  it('step multiplies by gamma every stepEvery epochs', () => {
    const s = makeSchedule(1, 10, { type: 'step', stepEvery: 3, gamma: 0.5 });
    expect([0, 2.9, 3, 6.5, 9].map(s)).toEqual([1, 1, 0.5, 0.25, 0.125]);
  });

  it('warm-up rises linearly to lr over warmupEpochs, then follows the schedule', () => {
    const s = makeSchedule(1, 10, { type: 'constant', warmupEpochs: 2 }, 4);
    expect(s(0)).toBeCloseTo(1 / 8, 10);
    expect(s(1.75)).toBeCloseTo(1, 10);
    expect(s(5)).toBe(1);
    const c = makeSchedule(1, 10, { type: 'cosine', warmupEpochs: 2 }, 4);
    expect(c(2)).toBeCloseTo(1, 10);
    expect(c(6)).toBeCloseTo(0.5, 10);
  });
});
