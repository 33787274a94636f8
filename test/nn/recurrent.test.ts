import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, Rng, tf } from '../../src/engine/index.js';
import type { WeightTransform } from '../../src/nn/layer.js';
import { createLayer } from '../../src/nn/registry.js';
import { GRU, LSTM, SimpleRNN, type RecurrentLayer } from '../../src/nn/recurrent.js';
import { orthogonal } from '../../src/nn/recurrent-init.js';
import { UserError } from '../../src/errors.js';
import type { Dataset } from '../../src/data/dataset.js';
import { buildRnnClassifier } from '../../src/nn/recurrent.js';
import { evaluate, fit } from '../../src/nn/train.js';
import { buildModel } from '../../src/nn/models.js';

beforeAll(async () => {
  await initEngine('wasm');
});

type Cell = 'rnn-tanh' | 'rnn-relu' | 'lstm' | 'gru';
const CELLS: Cell[] = ['rnn-tanh', 'rnn-relu', 'lstm', 'gru'];

interface Weights {
  w: Float64Array; // [F, G*U]
  u: Float64Array; // [U, G*U]
  b: Float64Array; // [G*U]
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/**
 * Independent reference: the textbook equations in float64, one sample, one step at a time.
 * Returns the outputs of every step (zeros at skipped steps) and the last hidden state.
 */
function reference(
  cell: Cell,
  seq: number[][],
  wt: Weights,
  units: number,
  maskZeros: boolean,
): { steps: number[][]; last: number[] } {
  const gates = cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
  const width = gates * units;
  let h = new Array<number>(units).fill(0);
  let c = new Array<number>(units).fill(0);
  const steps: number[][] = [];
  // Gate block g, unit j: x W[:, g*U+j] + b[g*U+j] (+ v U[:, g*U+j] when v is given).
  const pre = (x: number[], g: number, j: number, v: number[] | undefined): number => {
    const col = g * units + j;
    let s = wt.b[col];
    for (let f = 0; f < x.length; f++) s += x[f] * wt.w[f * width + col];
    if (v) for (let k = 0; k < units; k++) s += v[k] * wt.u[k * width + col];
    return s;
  };
  for (const x of seq) {
    if (maskZeros && x.every((v) => v === 0)) {
      steps.push(new Array<number>(units).fill(0));
      continue;
    }
    const hn = new Array<number>(units);
    const cn = new Array<number>(units);
    for (let j = 0; j < units; j++) {
      if (cell === 'rnn-tanh') hn[j] = Math.tanh(pre(x, 0, j, h));
      else if (cell === 'rnn-relu') hn[j] = Math.max(0, pre(x, 0, j, h));
      else if (cell === 'lstm') {
        const i = sigmoid(pre(x, 0, j, h));
        const f = sigmoid(pre(x, 1, j, h));
        const g = Math.tanh(pre(x, 2, j, h));
        const o = sigmoid(pre(x, 3, j, h));
        cn[j] = f * c[j] + i * g;
        hn[j] = o * Math.tanh(cn[j]);
      }
    }
    if (cell === 'gru') {
      const z = Array.from({ length: units }, (_, j) => sigmoid(pre(x, 0, j, h)));
      const r = Array.from({ length: units }, (_, j) => sigmoid(pre(x, 1, j, h)));
      const rh = h.map((v, k) => r[k] * v);
      for (let j = 0; j < units; j++) {
        const n = Math.tanh(pre(x, 2, j, rh));
        hn[j] = z[j] * h[j] + (1 - z[j]) * n;
      }
    }
    h = hn;
    if (cell === 'lstm') c = cn;
    steps.push([...h]);
  }
  return { steps, last: h };
}

function makeLayer(cell: Cell, units: number, opts: { returnSequences?: boolean; maskZeros?: boolean } = {}): RecurrentLayer {
  if (cell === 'lstm') return new LSTM(`l-${cell}`, { units, ...opts });
  if (cell === 'gru') return new GRU(`l-${cell}`, { units, ...opts });
  return new SimpleRNN(`l-${cell}`, { units, activation: cell === 'rnn-relu' ? 'relu' : 'tanh', ...opts });
}

/** Sets the layer's weights to small random values and returns them in float64. */
function randomiseWeights(layer: RecurrentLayer, rng: Rng, scale = 0.6): Weights {
  const get = (name: string): Float64Array => {
    const v = layer.param(name).variable;
    const vals = new Float32Array(v.size);
    rng.fillUniform(vals, -scale, scale);
    v.assign(tf.tensor(vals, v.shape));
    return Float64Array.from(vals);
  };
  return { w: get('kernel'), u: get('recurrentKernel'), b: get('bias') };
}

function randomSeqs(rng: Rng, batch: number, time: number, features: number): number[][][] {
  return Array.from({ length: batch }, () =>
    Array.from({ length: time }, () => Array.from({ length: features }, () => rng.uniform() * 2 - 1)),
  );
}

const ctx = { training: false, rng: new Rng(0) };

function run(layer: RecurrentLayer, seqs: number[][][]): number[] {
  return Array.from(tf.tidy(() => layer.forward(tf.tensor3d(seqs), ctx)).dataSync());
}

function expectClose(actual: number[], expected: number[], tol: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  expect(worst).toBeLessThan(tol);
}

describe('recurrent cells against a plain-JS reference', () => {
  for (const cell of CELLS) {
    it(`${cell}: last state and full sequence match the equations to 1e-5`, () => {
      const [batch, time, features, units] = [3, 6, 4, 5];
      const rng = new Rng(11).fork(cell);
      const last = makeLayer(cell, units);
      last.build([time, features], rng.fork('init'));
      const wt = randomiseWeights(last, rng.fork('w'));
      const seqs = randomSeqs(rng.fork('x'), batch, time, features);
      const refs = seqs.map((s) => reference(cell, s, wt, units, false));
      expectClose(run(last, seqs), refs.flatMap((r) => r.last), 1e-5);

      const full = makeLayer(cell, units, { returnSequences: true });
      full.build([time, features], rng.fork('init'));
      for (const p of ['kernel', 'recurrentKernel', 'bias']) full.param(p).variable.assign(last.param(p).variable);
      expect(full.outputShape).toEqual([time, units]);
      expect(last.outputShape).toEqual([units]);
      const out = tf.tidy(() => full.forward(tf.tensor3d(seqs), ctx));
      expect(out.shape).toEqual([batch, time, units]);
      expectClose(Array.from(out.dataSync()), refs.flatMap((r) => r.steps.flat()), 1e-5);
      out.dispose();
      last.dispose();
      full.dispose();
    });
  }

  it('the ReLU case actually exercises the ReLU (some outputs clipped, some not)', () => {
    // Guards the reference comparison above against a degenerate all-positive or all-zero case.
    const layer = makeLayer('rnn-relu', 5, { returnSequences: true });
    const rng = new Rng(11).fork('rnn-relu');
    layer.build([6, 4], rng.fork('init'));
    randomiseWeights(layer, rng.fork('w'));
    const out = run(layer, randomSeqs(rng.fork('x'), 3, 6, 4));
    expect(out.some((v) => v === 0)).toBe(true);
    expect(out.some((v) => v > 0.05)).toBe(true);
    layer.dispose();
  });
});

describe('backpropagation through time', () => {
  for (const cell of CELLS) {
    it(`${cell}: gradients match float64 finite differences of the reference`, () => {
      const [time, features, units] = [4, 3, 3];
      const rng = new Rng(5).fork(cell);
      // maskZeros with a zero row mid-sequence: gradients must flow through the carried state.
      const layer = makeLayer(cell, units, { returnSequences: true, maskZeros: true });
      layer.build([time, features], rng.fork('init'));
      const wt = randomiseWeights(layer, rng.fork('w'), 0.8);
      const seqs = randomSeqs(rng.fork('x'), 2, time, features);
      seqs[1][1] = [0, 0, 0];
      const coef = randomSeqs(rng.fork('c'), 2, time, units);
      const refLoss = (w: Weights): number => {
        let s = 0;
        seqs.forEach((seq, b) => {
          const r = reference(cell, seq, w, units, true);
          r.steps.forEach((row, t) => row.forEach((v, j) => (s += v * coef[b][t][j])));
        });
        return s;
      };
      const names = ['kernel', 'recurrentKernel', 'bias'] as const;
      const keys = { kernel: 'w', recurrentKernel: 'u', bias: 'b' } as const;
      const vars = names.map((n) => layer.param(n).variable);
      const grads = tf.tidy(() => {
        const { grads: g } = tf.variableGrads(() => {
          const out = layer.forward(tf.tensor3d(seqs), { training: true, rng: new Rng(0) });
          return tf.sum(tf.mul(out, tf.tensor3d(coef))) as tf.Scalar;
        }, vars);
        return vars.map((v) => Array.from(g[v.name].dataSync()));
      });
      const eps = 1e-6;
      let worst = 0;
      names.forEach((n, k) => {
        const arr = wt[keys[n]];
        for (let i = 0; i < arr.length; i++) {
          const orig = arr[i];
          arr[i] = orig + eps;
          const up = refLoss(wt);
          arr[i] = orig - eps;
          const down = refLoss(wt);
          arr[i] = orig;
          const fd = (up - down) / (2 * eps);
          worst = Math.max(worst, Math.abs(fd - grads[k][i]) / Math.max(1, Math.abs(fd)));
        }
      });
      expect(worst).toBeLessThan(1e-4);
      layer.dispose();
    });
  }
});

describe('zero-padded sequences (maskZeros)', () => {
  for (const cell of CELLS) {
    it(`${cell}: the last state of a padded sequence is its state at its last real step`, () => {
      const [time, features, units] = [7, 3, 4];
      const rng = new Rng(21).fork(cell);
      const layer = makeLayer(cell, units, { maskZeros: true });
      layer.build([time, features], rng.fork('init'));
      randomiseWeights(layer, rng.fork('w'));
      const seqs = randomSeqs(rng.fork('x'), 3, time, features);
      const lengths = [7, 4, 2];
      seqs.forEach((s, b) => {
        for (let t = lengths[b]; t < time; t++) s[t] = [0, 0, 0];
      });
      const padded = run(layer, seqs);
      seqs.forEach((s, b) => {
        const alone = run(layer, [s.slice(0, lengths[b])]);
        expectClose(padded.slice(b * units, (b + 1) * units), alone, 1e-6);
      });

      // Without the mask, the padded steps do change the last state (so the test above can fail).
      const plain = makeLayer(cell, units);
      plain.build([time, features], rng.fork('init'));
      for (const p of ['kernel', 'recurrentKernel', 'bias']) plain.param(p).variable.assign(layer.param(p).variable);
      const unmasked = run(plain, seqs);
      const diff = Math.max(...unmasked.slice(units).map((v, i) => Math.abs(v - padded[units + i])));
      expect(diff).toBeGreaterThan(1e-3);
      layer.dispose();
      plain.dispose();
    });
  }

  it('returnSequences outputs zeros at padded steps, so a stacked layer sees the padding', () => {
    const rng = new Rng(3);
    const layer = makeLayer('lstm', 4, { maskZeros: true, returnSequences: true });
    layer.build([5, 2], rng.fork('init'));
    randomiseWeights(layer, rng.fork('w'));
    const seqs = randomSeqs(rng.fork('x'), 2, 5, 2);
    seqs[1][3] = [0, 0];
    seqs[1][4] = [0, 0];
    seqs[0][0] = [0, 0]; // leading padding is skipped too
    const out = tf.tidy(() => layer.forward(tf.tensor3d(seqs), ctx).arraySync()) as number[][][];
    for (const [b, t] of [[1, 3], [1, 4], [0, 0]]) expect(out[b][t].every((v) => v === 0)).toBe(true); // -0 counts as 0
    for (const [b, t] of [[1, 2], [0, 1], [0, 4]]) expect(out[b][t].some((v) => v !== 0)).toBe(true);
    layer.dispose();
  });
});

describe('parameters, initialisation and config', () => {
  it('names and shapes follow the Keras layout (gates side by side)', () => {
    const cases: [RecurrentLayer, number][] = [
      [new SimpleRNN('a', { units: 6 }), 1],
      [new LSTM('b', { units: 6 }), 4],
      [new GRU('c', { units: 6 }), 3],
    ];
    for (const [layer, gates] of cases) {
      layer.build([10, 5], new Rng(1));
      expect(layer.param('kernel').variable.shape).toEqual([5, gates * 6]);
      expect(layer.param('recurrentKernel').variable.shape).toEqual([6, gates * 6]);
      expect(layer.param('bias').variable.shape).toEqual([gates * 6]);
      expect(layer.param('kernel').role).toBe('weight');
      expect(layer.param('bias').role).toBe('bias');
      layer.dispose();
    }
    const noBias = new GRU('d', { units: 3, useBias: false });
    noBias.build([4, 2], new Rng(1));
    expect(noBias.hasParam('bias')).toBe(false);
    expect(tf.tidy(() => noBias.forward(tf.ones([2, 4, 2]), ctx)).shape).toEqual([2, 3]);
    noBias.dispose();
  });

  it('LSTM forget-gate bias starts at 1, other biases at 0', () => {
    const layer = new LSTM('l', { units: 3 });
    layer.build([2, 2], new Rng(1));
    expect(Array.from(layer.param('bias').variable.dataSync())).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    layer.dispose();
  });

  it('kernels: Glorot-uniform bounds; orthogonal recurrent kernel has orthonormal rows', () => {
    const layer = new LSTM('l', { units: 8 });
    layer.build([5, 12], new Rng(2));
    const k = layer.param('kernel').variable.dataSync();
    const limit = Math.sqrt(6 / (12 + 32));
    expect(Math.max(...Array.from(k, Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...Array.from(k, Math.abs))).toBeGreaterThan(0.9 * limit);
    const u = layer.param('recurrentKernel').variable.dataSync();
    for (let a = 0; a < 8; a++) {
      for (let b = 0; b < 8; b++) {
        let dot = 0;
        for (let j = 0; j < 32; j++) dot += u[a * 32 + j] * u[b * 32 + j];
        expect(Math.abs(dot - (a === b ? 1 : 0))).toBeLessThan(1e-5);
      }
    }
    // Tall case: orthonormal columns.
    const tall = orthogonal(6, 4, new Rng(9));
    for (let a = 0; a < 4; a++) {
      for (let b = 0; b < 4; b++) {
        let dot = 0;
        for (let i = 0; i < 6; i++) dot += tall[i * 4 + a] * tall[i * 4 + b];
        expect(Math.abs(dot - (a === b ? 1 : 0))).toBeLessThan(1e-5);
      }
    }
    layer.dispose();
  });

  it('initialisation is reproducible from the seed and differs between seeds', () => {
    const w = (seed: number): number[] => {
      const l = new GRU('g', { units: 4 });
      l.build([3, 2], new Rng(seed));
      const out = [...l.param('kernel').variable.dataSync(), ...l.param('recurrentKernel').variable.dataSync()];
      l.dispose();
      return out;
    };
    expect(w(7)).toEqual(w(7));
    expect(w(7)).not.toEqual(w(8));
  });

  for (const [type, cfg] of [
    ['SimpleRNN', { units: 5, activation: 'relu', returnSequences: true, maskZeros: true, recurrentInitializer: 'glorotUniform', useBias: false }],
    ['LSTM', { units: 3, returnSequences: false, maskZeros: true, recurrentInitializer: 'orthogonal', useBias: true }],
    ['GRU', { units: 2, returnSequences: true, maskZeros: false, recurrentInitializer: 'orthogonal', useBias: true }],
  ] as const) {
    it(`${type}: config round-trips through createLayer`, () => {
      const a = createLayer(type, 'x', { ...cfg });
      expect(a.type).toBe(type);
      expect(a.config()).toEqual(cfg);
      const b = createLayer(type, 'x', a.config());
      expect(b.config()).toEqual(a.config());
      a.build([4, 3], new Rng(1));
      b.build([4, 3], new Rng(1));
      expect(b.spec().params).toEqual(a.spec().params);
      expect(b.outputShape).toEqual(a.outputShape);
      expect(Array.from(b.param('recurrentKernel').variable.dataSync())).toEqual(
        Array.from(a.param('recurrentKernel').variable.dataSync()),
      );
      a.dispose();
      b.dispose();
    });
  }

  it('defaults: tanh, last state only, no mask, orthogonal, bias', () => {
    expect(createLayer('SimpleRNN', 's', { units: 2 }).config()).toEqual({
      units: 2,
      activation: 'tanh',
      returnSequences: false,
      maskZeros: false,
      recurrentInitializer: 'orthogonal',
      useBias: true,
    });
  });

  it('user mistakes raise UserError naming the problem', () => {
    expect(() => createLayer('LSTM', 'l', { units: 0 })).toThrow(/units/);
    expect(() => createLayer('LSTM', 'l', { units: 0 })).toThrow(UserError);
    expect(() => createLayer('GRU', 'l', { units: 2, maskZeros: 'yes' })).toThrow(/maskZeros/);
    expect(() => createLayer('SimpleRNN', 'l', { units: 2, activation: 'sigmoid' })).toThrow(/activation/);
    expect(() => createLayer('LSTM', 'l', { units: 2, recurrentInitializer: 'he' })).toThrow(/recurrentInitializer/);
    expect(() => new LSTM('l', { units: 2 }).build([28, 28, 1], new Rng(1))).toThrow(/\[time, features\]/);
    const l = new LSTM('l', { units: 2 });
    l.build([4, 3], new Rng(1));
    expect(() => l.forward(tf.zeros([2, 4, 5]), ctx)).toThrow(UserError);
    l.dispose();
  });
});

describe('weight transforms', () => {
  it('transforms on recurrentKernel and kernel act in the forward pass', () => {
    const [time, features, units] = [5, 3, 4];
    const rng = new Rng(8);
    const layer = makeLayer('gru', units);
    layer.build([time, features], rng.fork('init'));
    const wt = randomiseWeights(layer, rng.fork('w'));
    const zero: WeightTransform = {
      kind: 'zero',
      params: () => [],
      apply: (w) => tf.zerosLike(w),
      config: () => ({}),
    };
    const half: WeightTransform = {
      kind: 'half',
      params: () => [],
      apply: (w) => tf.mul(w, 0.5),
      config: () => ({}),
    };
    layer.addTransform('recurrentKernel', zero);
    layer.addTransform('kernel', half);
    const seqs = randomSeqs(rng.fork('x'), 2, time, features);
    const expected = seqs.flatMap(
      (s) => reference('gru', s, { w: wt.w.map((v) => v * 0.5), u: new Float64Array(wt.u.length), b: wt.b }, units, false).last,
    );
    expectClose(run(layer, seqs), expected, 1e-5);
    layer.dispose();
  });
});

describe('buildRnnClassifier', () => {
  it('stacks recurrent layers (all but the last return sequences), dropout, then Dense logits', () => {
    const m = buildRnnClassifier({ cell: 'gru', units: 6, layers: 3, inputShape: [29, 12], numClasses: 9, seed: 1, dropout: 0.2 });
    expect(m.layers.map((l) => l.type)).toEqual(['GRU', 'GRU', 'GRU', 'Dropout', 'Dense']);
    expect(m.layers.slice(0, 3).map((l) => (l as RecurrentLayer).returnSequences)).toEqual([true, true, false]);
    expect(m.layers.slice(0, 3).every((l) => (l as RecurrentLayer).maskZeros)).toBe(true);
    expect(m.layers.map((l) => l.outputShape)).toEqual([[29, 6], [29, 6], [6], [6], [9]]);
    expect(m.outputShape).toEqual([9]);
    expect(m.numClasses).toBe(9);
    const out = m.predict(tf.zeros([2, 29, 12]));
    expect(out.shape).toEqual([2, 9]);
    out.dispose();
    m.dispose();
    const rnn = buildRnnClassifier({ cell: 'rnn', units: 4, inputShape: [5, 2], numClasses: 3, seed: 1, activation: 'relu', maskZeros: false });
    expect(rnn.layers.map((l) => l.type)).toEqual(['SimpleRNN', 'Dense']);
    expect(rnn.layers[0].config()).toMatchObject({ activation: 'relu', maskZeros: false, returnSequences: false });
    rnn.dispose();
  });

  it('the model zoo builds rnn, lstm and gru classifiers (hidden = units per layer)', () => {
    const m = buildModel('lstm', { inputShape: [5, 2], numClasses: 3, seed: 1, hidden: [4, 3] });
    expect(m.layers.map((l) => l.type)).toEqual(['LSTM', 'LSTM', 'Dense']);
    expect(m.layers.map((l) => l.outputShape)).toEqual([[5, 4], [3], [3]]);
    m.dispose();
    for (const [name, type] of [['rnn', 'SimpleRNN'], ['gru', 'GRU']]) {
      const z = buildModel(name, { inputShape: [5, 2], numClasses: 3, seed: 1 });
      expect(z.layers[0].type).toBe(type);
      z.dispose();
    }
    expect(() => buildModel('gru', { inputShape: [28, 28, 1], numClasses: 3, seed: 1 })).toThrow(UserError);
  });

  it('the same seed gives the same initial weights', () => {
    const weights = (seed: number): number[] => {
      const m = buildRnnClassifier({ cell: 'lstm', units: 3, inputShape: [4, 2], numClasses: 2, seed });
      const w = m.params().flatMap((p) => Array.from(p.variable.dataSync()));
      m.dispose();
      return w;
    };
    expect(weights(3)).toEqual(weights(3));
    expect(weights(3)).not.toEqual(weights(4));
  });

  it('rejects bad options with UserError', () => {
    const base = { units: 4, inputShape: [5, 2], numClasses: 3, seed: 1 };
    expect(() => buildRnnClassifier({ ...base, cell: 'transformer' as 'rnn' })).toThrow(UserError);
    expect(() => buildRnnClassifier({ ...base, cell: 'lstm', inputShape: [28, 28, 1] })).toThrow(/\[time, features\]/);
    expect(() => buildRnnClassifier({ ...base, cell: 'lstm', layers: 0 })).toThrow(/layers/);
    expect(() => buildRnnClassifier({ ...base, cell: 'lstm', activation: 'relu' })).toThrow(/activation/);
  });
});

describe('learning', () => {
  it('an LSTM classifier learns whether a sequence sum is positive (fit, 2 classes)', async () => {
    const [time, n] = [8, 384];
    const rng = new Rng(4);
    const make = (count: number, r: Rng, name: string): Dataset => {
      const x = new Float32Array(count * time);
      const y = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        let s = 0;
        for (let t = 0; t < time; t++) {
          const v = r.normal();
          x[i * time + t] = v;
          s += v;
        }
        y[i] = s > 0 ? 1 : 0;
      }
      return { name, length: count, sampleShape: [time, 1], x, y, labelShape: [], numClasses: 2 };
    };
    const train = make(n, rng.fork('train'), 'sum/train');
    const test = make(256, rng.fork('test'), 'sum/test');
    const model = buildRnnClassifier({ cell: 'lstm', units: 8, inputShape: [time, 1], numClasses: 2, seed: 1 });
    const before = await evaluate(model, test);
    await fit(model, train, { epochs: 60, batchSize: 32, optimizer: { type: 'adam', lr: 0.02 }, seed: 2, progress: false });
    const after = await evaluate(model, test);
    expect(before.accuracy).toBeLessThan(0.8);
    expect(after.accuracy).toBeGreaterThan(0.95);
    model.dispose();
  });
});

describe('stacked layers with the padding mask', () => {
  it('train: the mask is data, so no gradient is asked of it (a second layer masks a trained layer output)', async () => {
    const rng = new Rng(11);
    const n = 24;
    const x = rng.fillNormal(new Float32Array(n * 6 * 3));
    for (let i = 0; i < n; i++) x.fill(0, (i * 6 + 4) * 3, (i + 1) * 6 * 3); // last two steps are padding
    const y = new Int32Array(n).map((_, i) => i % 2);
    const data: Dataset = { name: 'pad', length: n, sampleShape: [6, 3], x, y, labelShape: [], numClasses: 2 };
    const model = buildRnnClassifier({ cell: 'rnn', units: 5, layers: 2, inputShape: [6, 3], numClasses: 2, seed: 1, maskZeros: true });
    const before = model.layer('rnn1').param('kernel').variable.dataSync().slice();
    await fit(model, data, { epochs: 1, batchSize: 8, seed: 1, progress: false, optimizer: { type: 'adam', lr: 0.01 } });
    const after = model.layer('rnn1').param('kernel').variable.dataSync();
    expect(Array.from(after)).not.toEqual(Array.from(before));
    model.dispose();
  });
});
