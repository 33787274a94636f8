import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, initEngine, tf } from '../../src/engine/index.js';
import { UserError } from '../../src/errors.js';
import { Dense, createTransform } from '../../src/nn/index.js';
import { ReadNoiseTransform, addReadNoise } from '../../src/experiments/random-prune/read-noise.js';

beforeAll(async () => {
  await initEngine('wasm');
});

function dense(values: Float32Array, inputs: number, units: number): Dense {
  const d = new Dense('d', { units, useBias: false });
  d.build([inputs], new Rng(1));
  const t = tf.tensor(values, [inputs, units]);
  d.param('kernel').variable.assign(t);
  t.dispose();
  return d;
}

function read(d: Dense, training: boolean, rng: Rng): Float32Array {
  return tf.tidy(() => d.weight('kernel', { training, rng }).dataSync() as Float32Array).slice();
}

describe('read-noise transform', () => {
  it('relative noise w (1 + sigma N): the configured spread, zero mean, fresh per call', () => {
    const n = 200 * 100;
    const w = new Rng(4).fillUniform(new Float32Array(n), 0.5, 2).map((v, i) => (i % 2 ? v : -v));
    const d = dense(w, 200, 100);
    addReadNoise(d, 'kernel', { sigma: 0.05 });
    const rng = new Rng(9);
    const r1 = read(d, false, rng);
    const r2 = read(d, false, rng);
    const rel = Array.from(r1, (v, i) => v / w[i] - 1);
    const mean = rel.reduce((a, b) => a + b, 0) / n;
    const std = Math.sqrt(rel.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
    // 20,000 draws: standard error of the std about 0.00025.
    expect(Math.abs(std - 0.05)).toBeLessThan(0.002);
    expect(Math.abs(mean)).toBeLessThan(0.002);
    expect(Array.from(r1)).not.toEqual(Array.from(r2));
    // The stored weight itself never changes.
    expect(Array.from(d.param('kernel').variable.dataSync())).toEqual(Array.from(w));
    d.dispose();
  });

  it('pair form: spread sigma * s with the given per-weight scale; same stream, same reads', () => {
    const n = 10000;
    const w = new Float32Array(n).fill(0.1);
    const d = dense(w, 100, 100);
    const t = addReadNoise(d, 'kernel', { sigma: 0.01 });
    const s = new Float32Array(n).map((_, i) => (i < n / 2 ? 1 : 3));
    t.setNoiseScale(s);
    const r = read(d, false, new Rng(2));
    const again = read(d, false, new Rng(2));
    expect(Array.from(r)).toEqual(Array.from(again));
    const spread = (from: number, to: number) => {
      const e = Array.from(r.subarray(from, to), (v) => v - 0.1);
      return Math.sqrt(e.reduce((a, b) => a + b * b, 0) / e.length);
    };
    expect(spread(0, n / 2)).toBeCloseTo(0.01, 3);
    expect(spread(n / 2, n)).toBeCloseTo(0.03, 3);
    d.dispose();
  });

  it('duringTraining false: exact in training, noisy at inference', () => {
    const w = Float32Array.from({ length: 64 }, (_, i) => i + 1);
    const d = dense(w, 8, 8);
    addReadNoise(d, 'kernel', { sigma: 0.01, duringTraining: false });
    expect(Array.from(read(d, true, new Rng(1)))).toEqual(Array.from(w));
    expect(Array.from(read(d, false, new Rng(1)))).not.toEqual(Array.from(w));
    d.dispose();
  });

  it('is registered for model files, and rejects bad options', () => {
    const d = dense(new Float32Array(4).fill(1), 2, 2);
    const t = createTransform('read-noise', { sigma: 0.02, duringTraining: true }, { layer: d, param: 'kernel' });
    expect(t).toBeInstanceOf(ReadNoiseTransform);
    expect(t.config()).toEqual({ sigma: 0.02, duringTraining: true });
    expect(() => addReadNoise(d, 'kernel', { sigma: -1 })).toThrow(UserError);
    expect(() => (t as ReadNoiseTransform).setNoiseScale(new Float32Array(3))).toThrow(UserError);
    d.dispose();
  });
});
