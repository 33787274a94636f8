import { beforeAll, describe, expect, it } from 'vitest';
import {
  crossbarLayers, inputQuantizers, quantizeLayerInputs, quantizeModel, removeInputQuantizers, weightLevels,
} from '../../src/compress/index.js';
import { Rng, initEngine, tf, tidyData } from '../../src/engine/index.js';
import { UserError } from '../../src/errors.js';
import { type Layer, type Sequential, evaluate, fit } from '../../src/nn/index.js';
import { buildDartsNetwork } from '../../src/nn/darts/index.js';
import { copyParams } from '../../src/experiments/prune-quant/clone.js';
import { quadrantSplits } from './hypernet-fixtures.js';

beforeAll(async () => {
  await initEngine('wasm');
});

const tiny = (genotype = 'PDARTS', seed = 3) =>
  buildDartsNetwork({ genotype, C: 4, layers: 3, numClasses: 4, inputShape: [8, 8, 3], seed });

function randomInput(n: number, seed: number): tf.Tensor {
  const x = new Float32Array(n * 8 * 8 * 3);
  new Rng(seed).fillNormal(x, 0.5, 0.3);
  return tf.tensor(x, [n, 8, 8, 3]);
}

/** Records the input each call of `layer.forward` receives (installed before the quantizer, so it sees the quantized input). */
function recordInputs(layer: Layer): Float32Array[] {
  const seen: Float32Array[] = [];
  const proto = Object.getPrototypeOf(layer) as Layer;
  layer.forward = (x, ctx) => {
    seen.push(x.dataSync() as Float32Array);
    return proto.forward.call(layer, x, ctx);
  };
  return seen;
}

describe('8-bit quantization of DARTS networks', () => {
  it('quantizeModel reaches every convolution and dense layer inside the cells; at most 2^8 - 1 levels per tensor', () => {
    const m = tiny();
    try {
      // independent count: every parameter of role 'weight' anywhere in the model
      const weights = m.params().filter((p) => p.role === 'weight').length;
      const inCells = m.layer('cells').params().filter((p) => p.role === 'weight').length;
      expect(inCells).toBeGreaterThan(20);
      const q = quantizeModel(m, { bits: 8 });
      expect(q).toHaveLength(weights);
      const levels = weightLevels(m);
      expect(levels).toHaveLength(weights);
      expect(levels.filter((l) => l.layer.startsWith('cells.')).length).toBe(inCells);
      for (const l of levels) expect(l.distinct, l.layer).toBeLessThanOrEqual(255);
      // a real quantizer, not a collapse: the larger tensors use many levels
      expect(Math.max(...levels.map((l) => l.distinct))).toBeGreaterThan(100);
    } finally {
      m.dispose();
    }
  });

  it('quantizes the input of every crossbar layer to the DAC grid (unsigned after ReLU, signed otherwise)', () => {
    const m = tiny('DARTS_V2');
    try {
      const layers = crossbarLayers(m);
      // stem, classifier, preprocessing and operation convolutions of every cell
      expect(layers.map((l) => l.type)).toContain('DepthwiseConv2d');
      expect(layers.length).toBe(m.params().filter((p) => p.role === 'weight').length);
      const dw = layers.find((l) => l.type === 'DepthwiseConv2d' && l.name.includes('.dw1'))!; // after a ReLU
      const pw = layers.find((l) => l.type === 'Conv2d' && l.name.includes('.pw1'))!; // after a depthwise convolution
      const seenDw = recordInputs(dw);
      const seenPw = recordInputs(pw);
      const qs = quantizeLayerInputs(m, { bits: 8 });
      expect(qs).toHaveLength(layers.length);
      const x = randomInput(6, 1);
      const ctx = { training: true, rng: new Rng(0) };
      tf.tidy(() => m.forward(x, ctx)); // one training batch sets the running ranges
      seenDw.length = 0;
      seenPw.length = 0;
      m.predict(x).dispose();
      x.dispose();
      const byLayer = new Map(inputQuantizers(m).map((q) => [q.layer, q.state()]));
      for (const [layer, seen, signed] of [[dw, seenDw, false], [pw, seenPw, true]] as const) {
        const s = byLayer.get(layer)!;
        expect(s.updates).toBe(1);
        expect(s.signed, layer.name).toBe(signed);
        const codes = signed ? 127 : 255;
        const step = s.fullScale / codes;
        const v = seen[0];
        expect(v.length).toBeGreaterThan(100);
        let offGrid = 0;
        for (const a of v) if (Math.abs(a / step - Math.round(a / step)) > 1e-3) offGrid++;
        expect(offGrid, layer.name).toBe(0);
        const distinct = new Set(v).size;
        expect(distinct).toBeLessThanOrEqual(signed ? 255 : 256);
        expect(distinct).toBeGreaterThan(20);
        if (!signed) expect(Math.min(...v)).toBeGreaterThanOrEqual(0);
      }
      // without the quantizers the same layer sees raw float inputs again
      expect(removeInputQuantizers(m)).toBe(layers.length);
      expect(inputQuantizers(m)).toHaveLength(0);
      expect(Object.hasOwn(dw, 'forward')).toBe(false);
    } finally {
      m.dispose();
    }
  });

  it('passes gradients straight through the input quantizers', () => {
    const m = tiny('DARTS_V1');
    try {
      quantizeModel(m, { bits: 8 });
      quantizeLayerInputs(m, { bits: 8 });
      const x = randomInput(4, 2);
      const stem = m.layer('stem').param('kernel').variable;
      const g = tf.variableGrads(() => tf.sum(tf.square(m.forward(x, { training: true, rng: new Rng(0) }))) as tf.Scalar, [stem]);
      const grad = tidyData(() => g.grads[stem.name]);
      tf.dispose([g.value, g.grads, x]);
      expect(grad.some((v) => v !== 0)).toBe(true);
      expect(grad.every(Number.isFinite)).toBe(true);
    } finally {
      m.dispose();
    }
  });

  it('refuses to quantize the inputs twice and checks its options', () => {
    const m = tiny('DARTS_V1');
    try {
      quantizeLayerInputs(m, { bits: 8, layers: ['stem'] });
      expect(() => quantizeLayerInputs(m, { bits: 8, layers: ['stem'] })).toThrow(UserError);
      expect(() => quantizeLayerInputs(m, { bits: 1 })).toThrow(/bits/);
      expect(() => quantizeLayerInputs(m, { bits: 8, layers: ['gap'] })).toThrow(/not a crossbar layer/);
    } finally {
      m.dispose();
    }
  });

  it('8-bit weights and activations change a trained tiny network\'s accuracy little', async () => {
    const data = quadrantSplits(160, 80);
    const float = tiny('DARTS_V2', 5);
    let q: Sequential | undefined;
    try {
      await fit(float, data.train, { epochs: 4, batchSize: 16, optimizer: { type: 'adam', lr: 1e-2 }, seed: 1, progress: false });
      const floatAcc = (await evaluate(float, data.test)).accuracy;
      expect(floatAcc).toBeGreaterThan(0.6); // a trained network, so the comparison means something
      q = tiny('DARTS_V2', 5);
      copyParams(float, q);
      quantizeModel(q, { bits: 8 });
      quantizeLayerInputs(q, { bits: 8 });
      await fit(q, data.train, { epochs: 1, batchSize: 16, optimizer: { type: 'adam', lr: 1e-4 }, seed: 2, progress: false });
      expect(inputQuantizers(q).every((s) => s.state().updates === 10)).toBe(true);
      const quantAcc = (await evaluate(q, data.test)).accuracy;
      expect(Math.abs(quantAcc - floatAcc)).toBeLessThanOrEqual(0.05);
    } finally {
      float.dispose();
      q?.dispose();
    }
  }, 30_000);
});
