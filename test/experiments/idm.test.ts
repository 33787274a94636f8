import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../../src/engine/index.js';
import { Rng } from '../../src/engine/rng.js';
import type { DatasetSplits } from '../../src/data/dataset.js';
import { adcEnergy, defaultComponents } from '../../src/cost/components.js';
import { UserError } from '../../src/errors.js';
import {
  ENERGY_PARTS, IDM_SCHEMES, type IdmOptions, type IdmResult, energyShares, formatIdmReport, prePad, ratioChartSpec,
  runIdmExperiment, spread, writeIdmOutputs,
} from '../../src/experiments/idm/index.js';

beforeAll(async () => {
  await initEngine('wasm');
});

/** Random samples of `shape` with labels in [0, classes): a stand-in for images or sequences. */
function randomSplits(shape: number[], classes: number, train: number, test: number, seed: number): DatasetSplits {
  const per = shape.reduce((a, b) => a * b, 1);
  const make = (n: number, rng: Rng, name: string) => ({
    name, length: n, sampleShape: shape, labelShape: [], numClasses: classes,
    x: rng.fillUniform(new Float32Array(n * per), 0, 1),
    y: new Int32Array(n).map(() => rng.int(classes)),
  });
  const rng = new Rng(seed);
  return { train: make(train, rng.fork('train'), 'random/train'), test: make(test, rng.fork('test'), 'random/test') };
}

const IMAGE = [8, 8, 1];
const CLASSES = 4;
const CHANNELS = 2;

function tiny(over: Partial<IdmOptions> = {}): IdmOptions {
  return {
    seed: 7,
    cnnDepths: [1, 3],
    rnnDepths: [2],
    chips: 2,
    epochs: 1,
    rnnEpochs: 1,
    channels: CHANNELS,
    rnnUnits: 4,
    calibrationSamples: 16,
    data: { cnn: randomSplits(IMAGE, CLASSES, 24, 12, 1), rnn: randomSplits([5, 3], 3, 20, 10, 2) },
    ...over,
  };
}

describe('runIdmExperiment', () => {
  let result: IdmResult;
  beforeAll(async () => {
    result = await runIdmExperiment(tiny());
  });

  it('returns one row per family, depth and scheme, in order', () => {
    const keys = result.rows.map((r) => `${r.family}:${r.depth}:${r.scheme}`);
    const expected = [
      ...[1, 3].flatMap((d) => IDM_SCHEMES.map((s) => `cnn:${d}:${s.id}`)),
      ...IDM_SCHEMES.map((s) => `rnn:2:${s.id}`),
    ];
    expect(keys).toEqual(expected);
    expect(result.models.map((m) => `${m.family}:${m.depth}`)).toEqual(['cnn:1', 'cnn:3', 'rnn:2']);
    for (const r of result.rows) {
      expect(r.chipAccuracies).toHaveLength(2);
      expect(r.accuracy.mean).toBeCloseTo((r.chipAccuracies[0] + r.chipAccuracies[1]) / 2, 12);
      expect(r.softwareAccuracy).toBeGreaterThanOrEqual(0);
      expect(r.energy).toBeGreaterThan(0);
      expect(r.latency).toBeGreaterThan(0);
      expect(r.area).toBeGreaterThan(0);
    }
  });

  it('the ratio is the conventional energy over the idm energy of the same network', () => {
    for (const r of result.rows) {
      const idm = result.rows.find((q) => q.family === r.family && q.depth === r.depth && q.scheme === 'idm')!;
      expect(r.ratio).toBeCloseTo(r.energy / idm.energy, 12);
    }
    // the idm chain needs two crossbar layers: with one there is nothing to cascade, and nothing changes
    const one = result.rows.filter((r) => r.family === 'cnn' && r.depth === 1);
    expect(one.map((r) => r.ratio)).toEqual([1, 1, 1]);
    // with a cascade, idm spends less on conversions and more on amplifiers
    const conv = result.rows.find((r) => r.family === 'cnn' && r.depth === 3 && r.scheme === 'conventional')!;
    const idm = result.rows.find((r) => r.family === 'cnn' && r.depth === 3 && r.scheme === 'idm')!;
    expect(idm.parts.adc).toBeLessThan(conv.parts.adc);
    expect(idm.parts.tia).toBeGreaterThan(0);
    expect(conv.parts.tia).toBe(0);
  });

  it('energy parts add up to the total, and shares to one', () => {
    for (const r of result.rows) {
      const sum = ENERGY_PARTS.reduce((s, k) => s + r.parts[k], 0);
      expect(sum).toBeCloseTo(r.energy, 20);
      expect(r.parts.total).toBe(r.energy);
      const shares = energyShares(r.parts);
      expect(ENERGY_PARTS.reduce((s, k) => s + shares[k], 0)).toBeCloseTo(1, 10);
    }
  });

  it('counts conversions where each scheme places converters (CNN L=3 on 8x8 images)', () => {
    // conv1 on 8x8 (64 positions, 3x3x1 kernel) -> pool -> conv2 on 4x4 (16 positions, 3x3x2) -> pool -> fc on 2x2x2
    const at = (scheme: string) => result.rows.find((r) => r.family === 'cnn' && r.depth === 3 && r.scheme === scheme)!;
    const conv1In = 64 * 9;
    const conv2In = 16 * 9 * CHANNELS;
    const fcIn = 2 * 2 * CHANNELS;
    const outputs = 64 * CHANNELS + 16 * CHANNELS + CLASSES;
    for (const scheme of ['conventional', 'conventional-fixed']) {
      expect(at(scheme).conversions.dac).toBe(conv1In + conv2In + fcIn);
      expect(at(scheme).conversions.adc).toBe(outputs);
      expect(at(scheme).conversions.tia).toBe(0);
    }
    // idm: a DAC only at the network input, an ADC only at its output, amplifiers on both convolutions
    expect(at('idm').conversions.dac).toBe(conv1In);
    expect(at('idm').conversions.adc).toBe(CLASSES);
    expect(at('idm').conversions.tia).toBe(64 * CHANNELS + 16 * CHANNELS);
    expect(at('idm').parts.adc).toBeCloseTo(CLASSES * adcEnergy(defaultComponents(), 8), 20);
    expect(at('idm').parts.digital).toBe(0);
  });

  it('the sensitivity prices analog units at a digital op and leaves everything else', () => {
    const idm = result.rows.find((r) => r.family === 'cnn' && r.depth === 3 && r.scheme === 'idm')!;
    const lib = defaultComponents();
    const expected = idm.energy - idm.parts.analogUnits * (1 - lib.digital.energy / lib.analogUnit.energy);
    expect(idm.energyAnalogUnitsAtDigitalOp).toBeCloseTo(expected, 20);
    expect(result.rows.filter((r) => r.scheme !== 'idm').every((r) => r.energyAnalogUnitsAtDigitalOp === undefined)).toBe(true);
    // a recurrent state that stays analog: each amplifier output of the recurrent product passes an
    // analog activation, priced as an analog unit, and no gate arithmetic is digital
    const rnn = result.rows.find((r) => r.family === 'rnn' && r.scheme === 'idm')!;
    expect(rnn.conversions.tia).toBe(5 * 4); // 5 steps x 4 units
    expect(rnn.parts.digital).toBe(0);
    expect(rnn.parts.analogUnits).toBeGreaterThanOrEqual(5 * 4 * lib.analogUnit.energy * (1 - 1e-9));
  });

  it('is reproducible with a fixed seed, and the seed matters', async () => {
    const again = await runIdmExperiment(tiny({ rnnDepths: [2], cnnDepths: [3] }));
    const other = await runIdmExperiment(tiny({ rnnDepths: [2], cnnDepths: [3], seed: 8 }));
    const first = result.rows.filter((r) => r.depth !== 1);
    expect(again.rows).toEqual(first);
    expect(other.rows.map((r) => r.chipAccuracies.concat(r.energy))).not.toEqual(first.map((r) => r.chipAccuracies.concat(r.energy)));
  });

  it('prints the table, the breakdown and the paper claim as a labelled reference; writes JSON, SVG and HTML', async () => {
    const text = formatIdmReport(result);
    for (const s of IDM_SCHEMES) expect(text).toContain(s.label);
    expect(text).toContain('fc on flattened image');
    expect(text).toMatch(/Paper \(reference, not computed\): .*4x/);
    expect(text).toMatch(/idm removes .* and adds .*/);
    const spec = ratioChartSpec(result) as unknown as { layer: { data: { values: { ratio: number }[] } }[] };
    expect(spec.layer[0].data.values.map((v) => v.ratio)).toEqual(result.rows.filter((r) => r.scheme !== 'idm').map((r) => r.ratio));
    const dir = mkdtempSync(join(tmpdir(), 'xbarnet-idm-'));
    const paths = await writeIdmOutputs(result, dir);
    const json = JSON.parse(readFileSync(paths.json, 'utf8')) as IdmResult;
    expect(json.rows).toHaveLength(result.rows.length);
    expect(readFileSync(paths.svg, 'utf8')).toMatch(/^<svg/);
    expect(readFileSync(paths.html, 'utf8')).toContain('<svg');
  });
});

describe('data and options', () => {
  it('skips the RNN family with a message when JapaneseVowels is missing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'xbarnet-idm-nodata-'));
    const lines: string[] = [];
    const r = await runIdmExperiment({ seed: 1, families: ['rnn'], dataDir: empty, env: {}, onProgress: (p) => lines.push(p.message) });
    expect(r.rows).toEqual([]);
    expect(r.skipped).toHaveLength(1);
    expect(r.skipped[0].reason).toMatch(/JapaneseVowels not available/);
    expect(lines.join('\n')).toMatch(/rnn family skipped/);
  });

  it('rejects impossible depths and counts before any training', async () => {
    await expect(runIdmExperiment(tiny({ cnnDepths: [0] }))).rejects.toThrowError(UserError);
    await expect(runIdmExperiment(tiny({ rnnDepths: [1] }))).rejects.toThrowError(/RNN|rnn-depths/);
    await expect(runIdmExperiment(tiny({ chips: 0 }))).rejects.toThrowError(UserError);
    await expect(runIdmExperiment(tiny({ cnnDepths: [2, 2] }))).rejects.toThrowError(/twice/);
    await expect(runIdmExperiment(tiny({ device: 'nope' }))).rejects.toThrowError(/device preset/);
  });

  it('prePad moves end padding to the start; spread keeps every part of a class-ordered set', () => {
    // two sequences of 4 steps x 2 features: lengths 2 and 4
    const x = new Float32Array([1, 2, 3, 4, 0, 0, 0, 0, 5, 6, 7, 8, 9, 1, 2, 3]);
    const ds = { name: 's', length: 2, sampleShape: [4, 2], labelShape: [], numClasses: 2, x, y: new Int32Array([0, 1]) };
    expect(Array.from(prePad(ds).x)).toEqual([0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 2, 3]);
    const ordered = { name: 'o', length: 9, sampleShape: [1], labelShape: [], numClasses: 3, x: new Float32Array(9), y: new Int32Array([0, 0, 0, 1, 1, 1, 2, 2, 2]) };
    expect(Array.from(spread(ordered, 3).y)).toEqual([0, 1, 2]);
    expect(spread(ordered, 20).length).toBe(9);
  });
});
