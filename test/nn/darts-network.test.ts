import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng, initEngine, tf } from '../../src/engine/index.js';
import { UserError } from '../../src/errors.js';
import {
  DARTS_V1,
  DARTS_V2,
  DartsBody,
  DartsCell,
  DartsHyperBody,
  type Genotype,
  type Layer,
  PDARTS,
  type Sequential,
  buildDartsHypernetwork,
  buildDartsNetwork,
  buildModel,
  copyWeightsToHypernet,
  dartsBody,
  evaluate,
  fit,
  loadModel,
  randomGenotype,
  reductionCells,
  saveModel,
  selectGenotype,
} from '../../src/nn/index.js';
import { quadrants } from './synthetic.js';

let dir: string;
beforeAll(async () => {
  await initEngine('wasm');
  dir = await mkdtemp(join(tmpdir(), 'xbarnet-darts-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const SMALL = { C: 4, layers: 3, numClasses: 10, inputShape: [8, 8, 3] };
const PUBLISHED: [string, Genotype][] = [['DARTS_V1', DARTS_V1], ['DARTS_V2', DARTS_V2], ['PDARTS', PDARTS]];

function input(n: number, seed: number, shape = SMALL.inputShape): tf.Tensor {
  const size = n * shape.reduce((a, b) => a * b);
  return tf.tensor(new Rng(seed).fillNormal(new Float32Array(size)), [n, ...shape]);
}

function outputs(model: Sequential, x: tf.Tensor, training = false): Float32Array {
  return tf.tidy(() => model.forward(x, { training, rng: new Rng(0) }).dataSync() as Float32Array);
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

/** Random weights and batch-norm statistics (variances in [0.5, 1.5]) so no layer is the identity by accident. */
function randomise(model: Sequential, seed: number): void {
  const rng = new Rng(seed);
  for (const p of model.params()) {
    const v = p.variable;
    const values = p.name === 'movingVariance' ? rng.fillUniform(new Float32Array(v.size), 0.5, 1.5) : rng.fillNormal(new Float32Array(v.size), 0, 0.5);
    v.assign(tf.tensor(values, v.shape));
  }
}

function walk(layer: Layer, out: Layer[] = []): Layer[] {
  out.push(layer);
  for (const c of layer.children()) walk(c, out);
  return out;
}

describe('DARTS networks', () => {
  it('reduction cells sit at floor(layers/3) and floor(2 layers/3)', () => {
    expect(reductionCells(20)).toEqual([6, 13]);
    expect(reductionCells(8)).toEqual([2, 5]);
    expect(reductionCells(3)).toEqual([1, 2]);
  });

  it('the three published genotypes build and run: stem 3C, channels double at each reduction, 4 C per cell output', () => {
    for (const [name, g] of PUBLISHED) {
      const m = buildDartsNetwork({ ...SMALL, genotype: name, seed: 1 });
      expect(m.layers.map((l) => l.type)).toEqual(['Conv2d', 'BatchNorm', 'DartsBody', 'GlobalAvgPool', 'Dense']);
      const body = dartsBody(m) as DartsBody;
      expect(body.genotype).toEqual(g);
      // cell 0 normal C=4 at 8x8 -> 16 channels; cell 1 reduction C=8 -> 4x4x32; cell 2 reduction C=16 -> 2x2x64
      expect(body.cells.map((c) => c.outputShape)).toEqual([[8, 8, 16], [4, 4, 32], [2, 2, 64]]);
      expect(body.cells.map((c) => c.s0Shape)).toEqual([[8, 8, 12], [8, 8, 12], [8, 8, 16]]);
      expect(body.cells.map((c) => c.placement.reduction)).toEqual([false, true, true]);
      const y = outputs(m, input(2, 5));
      expect(y).toHaveLength(20);
      expect(y.every(Number.isFinite)).toBe(true);
      m.dispose();
    }
  });

  it('a random genotype builds and runs', () => {
    const g = randomGenotype(new Rng(99));
    const m = buildDartsNetwork({ ...SMALL, genotype: g, seed: 2 });
    expect(outputs(m, input(2, 6)).every(Number.isFinite)).toBe(true);
    m.dispose();
  });

  it('deploy reaches every operation through children(): DARTS_V2 has 11 depthwise convolutions in its one normal cell', () => {
    const m = buildDartsNetwork({ ...SMALL, genotype: 'DARTS_V2', seed: 1 });
    const all = m.layers.flatMap((l) => walk(l));
    // normal cell: 5 sep_conv_3x3 (2 depthwise each) + 1 dil_conv_3x3 (1); the reduction cells hold pools and skips
    expect(all.filter((l) => l.type === 'DepthwiseConv2d')).toHaveLength(11);
    // factorized reduces: only cell 2's preprocessing of s0 (DARTS_V2's reduction skips read node 2, at stride 1)
    expect(all.filter((l) => l.type === 'DartsFactorizedReduce')).toHaveLength(1);
    const graph = (dartsBody(m) as DartsBody).cellGraphs()[0];
    expect(graph.ops.map((o) => [o.primitive, o.from, o.to])).toEqual(DARTS_V2.normal.map(([op, from], k) => [op, from, Math.floor(k / 2) + 2]));
    // every parameter is reachable, each once
    const viaChildren = all.flatMap((l) => l.ownParameters());
    expect(new Set(viaChildren.map((p) => p.variable.name)).size).toBe(m.params().length);
    m.dispose();
  });

  it('refuses sizes DARTS cannot halve, the auxiliary head and bad options', () => {
    // 6x6, 4 cells: cell 3 reduces s0 = 3x3 with a factorized reduce
    expect(() => buildDartsNetwork({ ...SMALL, layers: 4, inputShape: [6, 6, 3], genotype: 'DARTS_V2', seed: 1 })).toThrow(UserError);
    expect(() => buildDartsNetwork({ ...SMALL, genotype: 'DARTS_V2', seed: 1, auxiliary: true as unknown as false })).toThrow(/auxiliary/);
    expect(() => buildDartsNetwork({ ...SMALL, C: 0, genotype: 'DARTS_V2', seed: 1 })).toThrow(UserError);
    expect(() => buildDartsNetwork({ ...SMALL, inputShape: [8, 8], genotype: 'DARTS_V2', seed: 1 })).toThrow(UserError);
    expect(() => buildDartsNetwork({ ...SMALL, genotype: 'nope', seed: 1 })).toThrow(UserError);
  });

  it('is in the model zoo as "darts"', () => {
    const m = buildModel('darts', { inputShape: [8, 8, 1], numClasses: 4, seed: 1, ...{ genotype: 'PDARTS', C: 4, layers: 3 } });
    expect((dartsBody(m) as DartsBody).genotype).toEqual(PDARTS);
    expect(m.outputShape).toEqual([4]);
    m.dispose();
    expect(() => buildModel('darts', { inputShape: [8, 8, 1], numClasses: 4, seed: 1, ...{ genotype: 'X' } })).toThrow(UserError);
  });
});

describe('DARTS hypernetwork', () => {
  it('configured for a genotype, with the individual network\'s weights copied, gives the same outputs', () => {
    const genotypes: [string, Genotype][] = [...PUBLISHED, ['random', randomGenotype(new Rng(5))]];
    const hyper = buildDartsHypernetwork({ ...SMALL, seed: 2 });
    randomise(hyper, 3);
    const x = input(3, 7);
    for (const [name, g] of genotypes) {
      const ind = buildDartsNetwork({ ...SMALL, genotype: g, seed: 1 });
      randomise(ind, 4);
      const copied = copyWeightsToHypernet(ind, hyper);
      expect(copied, name).toBeGreaterThan(0);
      const want = outputs(ind, x);
      expect(maxDiff(outputs(hyper, x), want), name).toBeLessThanOrEqual(1e-6);
      // training mode too (batch statistics)
      expect(maxDiff(outputs(hyper, x, true), outputs(ind, x, true)), `${name} training`).toBeLessThanOrEqual(1e-6);
      ind.dispose();
    }
    hyper.dispose();
  });

  it('another switch configuration computes something else (the comparison can fail)', () => {
    const ind = buildDartsNetwork({ ...SMALL, genotype: 'DARTS_V2', seed: 1 });
    randomise(ind, 4);
    const hyper = buildDartsHypernetwork({ ...SMALL, seed: 2 });
    randomise(hyper, 3);
    copyWeightsToHypernet(ind, hyper);
    const x = input(2, 8);
    const want = outputs(ind, x);
    selectGenotype(hyper, 'DARTS_V1');
    expect(maxDiff(outputs(hyper, x), want)).toBeGreaterThan(1e-3);
    ind.dispose();
    hyper.dispose();
  });

  it('needs a switch configuration before it runs, and matching sizes to copy', () => {
    const hyper = buildDartsHypernetwork({ ...SMALL, seed: 2 });
    expect(() => outputs(hyper, input(1, 1))).toThrow(/switch configuration/);
    const ind = buildDartsNetwork({ ...SMALL, C: 6, genotype: 'PDARTS', seed: 1 });
    expect(() => copyWeightsToHypernet(ind, hyper)).toThrow(UserError);
    ind.dispose();
    hyper.dispose();
  });
});

describe('DARTS model files', () => {
  it('save/load round trip of a DARTS network: identical predictions and spec', async () => {
    const m = buildDartsNetwork({ ...SMALL, genotype: 'PDARTS', seed: 3 });
    randomise(m, 9);
    const path = join(dir, 'pdarts');
    await saveModel(m, path, { note: 'test' });
    const loaded = await loadModel(path);
    const x = input(4, 10);
    expect(outputs(loaded, x)).toEqual(outputs(m, x));
    expect(loaded.spec()).toEqual(m.spec());
    expect((dartsBody(loaded) as DartsBody).cells[0]).toBeInstanceOf(DartsCell);
    m.dispose();
    loaded.dispose();
  });

  it('save/load round trip of a configured hypernetwork keeps its switches', async () => {
    const h = buildDartsHypernetwork({ ...SMALL, seed: 3, genotype: 'DARTS_V1' });
    randomise(h, 9);
    const path = join(dir, 'hyper');
    await saveModel(h, path);
    const loaded = await loadModel(path);
    const x = input(2, 11);
    expect(outputs(loaded, x)).toEqual(outputs(h, x));
    const body = dartsBody(loaded) as DartsHyperBody;
    expect(body.cells.map((c) => c.switches)).toEqual((dartsBody(h) as DartsHyperBody).cells.map((c) => c.switches));
    h.dispose();
    loaded.dispose();
  });
});

describe('DARTS training', () => {
  it('a few epochs reduce the loss', async () => {
    const data = quadrants(96, 8, 1);
    const m = buildDartsNetwork({ C: 4, layers: 3, numClasses: 4, inputShape: [8, 8, 1], genotype: 'DARTS_V2', seed: 1 });
    const before = await evaluate(m, data, { batchSize: 32 });
    await fit(m, data, { epochs: 4, batchSize: 16, optimizer: { type: 'adam', lr: 0.01 }, seed: 1, progress: false });
    const after = await evaluate(m, data, { batchSize: 32 });
    expect(after.loss).toBeLessThan(before.loss * 0.8);
    m.dispose();
  });
});
