import { beforeAll, describe, expect, it } from 'vitest';
import { Rng, initEngine, tf } from '../../src/engine/index.js';
import { UserError } from '../../src/errors.js';
import { compile } from '../../src/deploy/compile.js';
import { allStages, analogStages, dartsBodies, type Deployment, type Stage } from '../../src/deploy/deployment.js';
import { configureSwitches, physicalSwitchCount, setSharedPeriphery, switchConfigurationCount, switchSettings } from '../../src/deploy/hypernetwork.js';
import { adcArea, defaultComponents } from '../../src/cost/components.js';
import { estimateCost } from '../../src/cost/estimate.js';
import { inspectDeployment } from '../../src/report/inspect.js';
import { Chip } from '../../src/sim/chip.js';
import type { StageCounters } from '../../src/sim/analog.js';
import type { Dataset } from '../../src/data/dataset.js';
import {
  DARTS_V1,
  DARTS_V2,
  DartsBody,
  DartsHyperBody,
  type Genotype,
  PDARTS,
  type Sequential,
  buildDartsHypernetwork,
  buildDartsNetwork,
  buildModel,
  copyWeightsToHypernet,
  dartsBody,
  randomGenotype,
  searchSpaceSize,
} from '../../src/nn/index.js';
import { idealHardware, randomData, relativeError } from './fixtures.js';

beforeAll(async () => {
  await initEngine('wasm');
});

const SMALL = { C: 4, layers: 3, numClasses: 10, inputShape: [8, 8, 3] };
const PUBLISHED: [string, Genotype][] = [['DARTS_V1', DARTS_V1], ['DARTS_V2', DARTS_V2], ['PDARTS', PDARTS]];

/** Random weights and batch-norm statistics (variances in [0.5, 1.5]) so folding and every edge matter. */
function randomise(model: Sequential, seed: number): void {
  const rng = new Rng(seed);
  for (const p of model.params()) {
    const v = p.variable;
    const values = p.name === 'movingVariance' ? rng.fillUniform(new Float32Array(v.size), 0.5, 1.5) : rng.fillNormal(new Float32Array(v.size), 0, 0.5);
    v.assign(tf.tensor(values, v.shape));
  }
}

function floatOutputs(model: Sequential, data: Dataset): Float32Array {
  return tf.tidy(() => model.forward(tf.tensor(data.x, [data.length, ...data.sampleShape]), { training: false, rng: new Rng(0) }).dataSync() as Float32Array);
}

function chipOutputs(d: Deployment, data: Dataset, counters?: StageCounters): Float32Array {
  const chip = new Chip(d, 1);
  const x = tf.tensor(data.x, [data.length, ...data.sampleShape]);
  const y = chip.forward(x, counters);
  const out = y.dataSync() as Float32Array;
  x.dispose();
  y.dispose();
  chip.dispose();
  return out;
}

/** The individual network of `genotype` holding the hypernetwork's weights (shared stem, preprocessing, classifier; each op from its edge). */
function individualFromHyper(hyper: Sequential, genotype: Genotype): Sequential {
  const ind = buildDartsNetwork({ ...SMALL, genotype, seed: 9 });
  const src = dartsBody(hyper) as DartsHyperBody;
  const dst = dartsBody(ind) as DartsBody;
  const copy = (from: { params(): { variable: tf.Variable }[] }, to: { params(): { variable: tf.Variable }[] }) => {
    const a = from.params();
    const b = to.params();
    expect(a.length).toBe(b.length);
    a.forEach((p, i) => b[i].variable.assign(p.variable));
  };
  hyper.layers.forEach((l, i) => {
    if (l !== src) copy(l, ind.layers[i]);
  });
  dst.cells.forEach((cell, i) => {
    const g = cell.graph();
    const h = src.cells[i].graph();
    g.preprocess.forEach((p, k) => copy(h.preprocess[k], p));
    for (const e of g.ops) copy(src.cells[i].op(e.from, e.to, e.primitive), e.op);
  });
  return ind;
}

describe('DARTS networks on crossbars', () => {
  const data = randomData(SMALL.inputShape, 6, 10, 5, true);

  for (const [name, genotype] of PUBLISHED) {
    it(`conventional deployment of ${name} on ideal hardware equals the float network`, () => {
      const model = buildDartsNetwork({ ...SMALL, genotype, seed: 1 });
      randomise(model, 2);
      const d = compile(model, idealHardware(), { calibration: data });
      expect(dartsBodies(d)).toHaveLength(1);
      // only the genotype's 8 operations per cell
      for (const c of dartsBodies(d)[0].cells) expect(c.edges).toHaveLength(8);
      const err = relativeError(chipOutputs(d, data), floatOutputs(model, data));
      expect(err).toBeLessThan(1e-4);
      // every convolution on tiles: stem, classifier, and per cell 2 preprocessing 1x1 (or 2 factorized halves) + op convolutions
      expect(analogStages(d).every((s) => s.layerType === 'Conv2d' || s.layerType === 'DepthwiseConv2d' || s.layerType === 'Dense')).toBe(true);
      model.dispose();
    });
  }

  it('the hypernetwork configured for a genotype gives the individual deployment\'s outputs; reconfigured, each genotype\'s', () => {
    const hyper = buildDartsHypernetwork({ ...SMALL, seed: 3, genotype: 'DARTS_V2' });
    randomise(hyper, 4);
    const hd = compile(hyper, idealHardware(), { scheme: 'hypernetwork', calibration: data });
    // weights copied from an individual network into the hypernetwork
    const ind = buildDartsNetwork({ ...SMALL, genotype: PDARTS, seed: 5 });
    randomise(ind, 6);
    const hyper2 = buildDartsHypernetwork({ ...SMALL, seed: 7 });
    randomise(hyper2, 8);
    copyWeightsToHypernet(ind, hyper2);
    const hd2 = compile(hyper2, idealHardware(), { scheme: 'hypernetwork', calibration: data });
    const id2 = compile(ind, idealHardware(), { calibration: data });
    expect(relativeError(chipOutputs(hd2, data), chipOutputs(id2, data))).toBeLessThan(1e-5);

    // one deployment, reconfigured in turn
    for (const [, genotype] of PUBLISHED) {
      configureSwitches(hd, genotype);
      const individual = individualFromHyper(hyper, genotype);
      const id = compile(individual, idealHardware(), { calibration: data });
      const a = chipOutputs(hd, data);
      const b = chipOutputs(id, data);
      expect(relativeError(a, b)).toBeLessThan(1e-5);
      expect(relativeError(a, floatOutputs(individual, data))).toBeLessThan(1e-4);
      individual.dispose();
    }
    for (const m of [hyper, ind, hyper2]) m.dispose();
  });

  it("the zoo's darts-hyper model comes switched to its genotype and deploys with the hypernetwork scheme", () => {
    // zoo options beyond ModelOptions (here the genotype) pass through to the model's builder
    const zooOptions = (seed: number, genotype: string) => ({ ...SMALL, seed, genotype });
    const zoo = buildModel('darts-hyper', zooOptions(21, 'PDARTS'));
    const built = buildDartsHypernetwork({ ...SMALL, seed: 22, genotype: 'PDARTS' });
    const cells = (m: Sequential) => (dartsBody(m) as DartsHyperBody).cells.map((c) => c.switches);
    expect(cells(zoo)).toEqual(cells(built));
    expect(cells(zoo).some((sw) => sw === null)).toBe(false);
    randomise(zoo, 23);
    const d = compile(zoo, idealHardware(), { scheme: 'hypernetwork', calibration: data });
    expect(relativeError(chipOutputs(d, data), floatOutputs(zoo, data))).toBeLessThan(1e-4);
    expect(() => buildModel('darts-hyper', zooOptions(1, 'DARTS_V9'))).toThrow(UserError);
    zoo.dispose();
    built.dispose();
  });

  it('a random genotype compiles and runs, as a network and as a hypernetwork configuration', () => {
    const g = randomGenotype(new Rng(11));
    const model = buildDartsNetwork({ ...SMALL, genotype: g, seed: 12 });
    randomise(model, 13);
    const d = compile(model, idealHardware(), { calibration: data });
    expect(relativeError(chipOutputs(d, data), floatOutputs(model, data))).toBeLessThan(1e-4);
    const hyper = buildDartsHypernetwork({ ...SMALL, seed: 14, genotype: g });
    const hd = compile(hyper, idealHardware(), { scheme: 'hypernetwork', calibration: data });
    const sw = configureSwitches(hd, g);
    expect(switchSettings(hd).map((s) => s.switches)).toEqual(dartsBodies(hd)[0].cells.map((c) => (c.reduction ? sw.reduce : sw.normal)));
    expect(chipOutputs(hd, data).every(Number.isFinite)).toBe(true);
    model.dispose();
    hyper.dispose();
  });

  it('switch configurations of the deployment = the size of the search space (4 nodes, 8 primitives)', () => {
    const hyper = buildDartsHypernetwork({ ...SMALL, seed: 15, genotype: 'DARTS_V1' });
    const hd = compile(hyper, idealHardware(), { scheme: 'hypernetwork', calibration: data });
    expect(switchConfigurationCount(hd)).toBe(searchSpaceSize({ steps: 4, numOps: 8 }).switchConfigurations);
    expect(switchConfigurationCount(hd)).toBe(8n ** 28n);
    // 14 edges x 8 primitives per cell, each edge one switch matrix
    for (const c of dartsBodies(hd)[0].cells) {
      expect(c.edges).toHaveLength(14 * 8);
      expect(c.switches).toHaveLength(14);
      expect(c.edges.filter((e) => e.active)).toHaveLength(8);
    }
    expect(physicalSwitchCount(hd)).toBeGreaterThan(0);
    hyper.dispose();
  });

  it('cost: the hypernetwork has more area; switched-off operations spend no energy; cells count their critical path', () => {
    const ind = buildDartsNetwork({ ...SMALL, genotype: DARTS_V2, seed: 16 });
    randomise(ind, 17);
    const hyper = buildDartsHypernetwork({ ...SMALL, seed: 18 });
    randomise(hyper, 19);
    copyWeightsToHypernet(ind, hyper);
    const hw = idealHardware({ dac: { bits: 8, mode: 'amplitude', percentile: 1 }, adc: { bits: 8, range: 'calibrated', percentile: 1 } });
    const id = compile(ind, hw, { calibration: data });
    const hd = compile(hyper, hw, { scheme: 'hypernetwork', calibration: data });
    const ci: StageCounters = {};
    const ch: StageCounters = {};
    chipOutputs(id, data, ci);
    chipOutputs(hd, data, ch);
    const a = estimateCost(id, ci, data.length);
    const b = estimateCost(hd, ch, data.length);
    expect(b.totals.area.total).toBeGreaterThan(a.totals.area.total);
    expect(b.totals.tiles).toBeGreaterThan(a.totals.tiles);
    const off = b.stages.filter((s) => s.switchedOff);
    expect(off.length).toBeGreaterThan(0);
    for (const s of off) {
      expect(s.energy.total).toBe(0);
      expect(s.latency).toBe(0);
    }
    expect(off.some((s) => s.area.total > 0)).toBe(true);
    // every leaf stage has a row, named hierarchically
    const names = new Set(b.stages.map((s) => s.name));
    for (const l of allStages(hd)) expect(names.has(l.stage.name)).toBe(true);
    expect(b.stages.some((s) => s.name === 'cells.cell0.e0.switch')).toBe(true);
    // the same operations are active: the same tile energy
    expect(b.totals.energy.cells).toBeCloseTo(a.totals.energy.cells, 20);
    // latency: cells' critical paths, below the sum of all rows
    expect(a.cells).toHaveLength(3);
    const rowSum = a.stages.reduce((t, s) => t + s.latency, 0);
    expect(a.totals.latency).toBeLessThan(rowSum);
    expect(a.totals.latency).toBeGreaterThan(0);
    // hypernetwork = individual + a switch delay per edge on the path
    expect(b.totals.latency).toBeGreaterThan(a.totals.latency);
    const ins = inspectDeployment(hd);
    expect(ins.stages.some((s) => s.kind === 'digital' && s.layerType === 'SwitchMatrix')).toBe(true);
    expect(ins.totals.tiles).toBe(b.totals.tiles);
    ind.dispose();
    hyper.dispose();
  });

  it('cost: shared periphery prices one set per edge position; energy of active operations unchanged; switch energy per passed line', () => {
    const ind = buildDartsNetwork({ ...SMALL, genotype: PDARTS, seed: 22 });
    randomise(ind, 23);
    const hyper = buildDartsHypernetwork({ ...SMALL, seed: 24 });
    randomise(hyper, 25);
    copyWeightsToHypernet(ind, hyper);
    const hw = idealHardware({ dac: { bits: 8, mode: 'amplitude', percentile: 1 }, adc: { bits: 8, range: 'calibrated', percentile: 1 } });
    const hd = compile(hyper, hw, { scheme: 'hypernetwork', calibration: data });
    const ch: StageCounters = {};
    chipOutputs(hd, data, ch);
    expect(dartsBodies(hd)[0].sharedPeriphery).toBe(true);
    const shared = estimateCost(hd, ch, data.length);
    setSharedPeriphery(hd, false);
    const own = estimateCost(hd, ch, data.length);
    setSharedPeriphery(hd, true);

    // ADC area recomputed from the tile plans: off = every analog stage its own tiles' ADCs (the unshared figure)
    const lib = defaultComponents();
    const perTile = Math.ceil(hw.tile.cols / lib.adc.columnsPerAdc) * adcArea(lib, 8);
    const tilesOf = (stages: Stage[]): number => allStages(stages).reduce((a, { stage }) => a + (stage.kind === 'analog' ? stage.plan.tiles : 0), 0);
    expect(own.totals.area.adc).toBeCloseTo(analogStages(hd).reduce((a, s) => a + s.plan.tiles * perTile, 0), 18);
    // on = stages outside the edges + per edge position the primitive needing the most
    const inEdges = new Set(dartsBodies(hd)[0].cells.flatMap((c) => c.edges.flatMap((e) => allStages(e.stages).map((l) => l.stage.name))));
    let expected = analogStages(hd).filter((s) => !inEdges.has(s.name)).reduce((a, s) => a + s.plan.tiles * perTile, 0);
    for (const c of dartsBodies(hd)[0].cells) {
      for (const sw of c.switches!) {
        expected += perTile * Math.max(0, ...c.edges.filter((e) => e.from === sw.from && e.to === sw.to).map((e) => tilesOf(e.stages)));
      }
    }
    expect(shared.totals.area.adc).toBeCloseTo(expected, 18);
    expect(shared.totals.area.adc).toBeLessThan(own.totals.area.adc);
    expect(shared.totals.area.total).toBeLessThan(own.totals.area.total);
    expect(shared.totals.area.cells).toBe(own.totals.area.cells);
    expect(shared.totals.tiles).toBe(own.totals.tiles);

    // the operations' rows keep their energy and latency; only the routing gates add energy, and the
    // smaller chip shortens the interconnect path (its energy and latency scale with the path)
    const ownRow = new Map(own.stages.map((r) => [r.name, r]));
    const pathRatio = shared.interconnect!.path / own.interconnect!.path;
    expect(pathRatio).toBeLessThan(1);
    for (const r of shared.stages.filter((q) => q.kind === 'analog' || q.kind === 'digital')) {
      const o = ownRow.get(r.name)!;
      for (const k of ['cells', 'dac', 'sampleHold', 'adc', 'shiftAdd', 'digital', 'analog', 'buffer'] as const) expect(r.energy[k]).toBe(o.energy[k]);
      expect(r.latencyParts.compute).toBe(o.latencyParts.compute);
      expect(r.latencyParts.buffer).toBe(o.latencyParts.buffer);
      expect(Math.abs(r.energy.interconnect - o.energy.interconnect * pathRatio)).toBeLessThanOrEqual(1e-12 * o.energy.interconnect);
      expect(Math.abs(r.latencyParts.interconnect - o.latencyParts.interconnect * pathRatio)).toBeLessThanOrEqual(1e-12 * o.latencyParts.interconnect);
    }
    const routing = shared.stages.filter((r) => r.kind === 'shared-periphery');
    expect(routing).toHaveLength(dartsBodies(hd)[0].cells.length * 14);
    const wires = (r: typeof shared): number => r.totals.energy.interconnect;
    expect(shared.totals.energy.total - wires(shared)).toBeCloseTo(own.totals.energy.total - wires(own) + routing.reduce((a, r) => a + r.energy.total, 0), 20);
    expect(wires(shared)).toBeCloseTo(wires(own) * pathRatio, 20);
    expect(routing.some((r) => r.energy.total > 0)).toBe(true);
    // latency: the same without the interconnect; with it, the smaller chip is faster
    const noWires = { components: { interconnect: { enabled: false } } };
    setSharedPeriphery(hd, false);
    const ownOff = estimateCost(hd, ch, data.length, noWires);
    setSharedPeriphery(hd, true);
    expect(estimateCost(hd, ch, data.length, noWires).totals.latency).toBe(ownOff.totals.latency);
    expect(shared.totals.latency).toBeLessThan(own.totals.latency);

    // switch energy: positive, the same energy per passed line (output element x code bit) on every closed switch
    const switches = new Map(dartsBodies(hd)[0].cells.flatMap((c) => c.switches!).map((s) => [s.name, s]));
    const perLine = shared.stages.filter((r) => r.kind === 'switch').map((r) => {
      const s = switches.get(r.name)!;
      const lines = s.outputShape.reduce((a, b) => a * b, 1) * s.bitsPerLine;
      if (s.selected === 'none') expect(r.energy.total).toBe(0);
      return s.selected === 'none' ? undefined : r.energy.total / lines;
    }).filter((e): e is number => e !== undefined);
    expect(perLine.length).toBeGreaterThan(10);
    for (const e of perLine) expect(e).toBeCloseTo(lib.switchMatrix.energy, 25);
    expect(lib.switchMatrix.energy).toBeGreaterThan(0);
    const doubled = estimateCost(hd, ch, data.length, { components: { switchMatrix: { energy: 2 * lib.switchMatrix.energy } } });
    const swEnergy = (r: typeof shared): number => r.stages.filter((q) => q.kind === 'switch').reduce((a, q) => a + q.energy.total, 0);
    expect(swEnergy(doubled)).toBeCloseTo(2 * swEnergy(shared), 25);

    // packing (both deployments): never more tiles, same energy and latency (interconnect off: packing
    // shrinks the chip and with it the interconnect path), the deployment (outputs) untouched
    const id = compile(ind, hw, { calibration: data });
    const ci: StageCounters = {};
    chipOutputs(id, data, ci);
    const before = chipOutputs(hd, data);
    for (const [d, c, strict] of [[id, ci, false], [hd, ch, true]] as const) {
      const u = estimateCost(d, c, data.length, noWires);
      const p = estimateCost(d, c, data.length, { packTiles: true, ...noWires });
      expect(estimateCost(d, c, data.length, { packTiles: true }).interconnect!.path).toBeLessThanOrEqual(estimateCost(d, c, data.length).interconnect!.path);
      expect(p.totals.tiles).toBeLessThanOrEqual(u.totals.tiles);
      if (strict) expect(p.totals.tiles).toBeLessThan(u.totals.tiles);
      expect(p.totals.area.total).toBeLessThanOrEqual(u.totals.area.total);
      // the operations spend the same; the routing gates only where the routed shared set beats the packed tiles' own
      const opsEnergy = (r: typeof u): number => r.stages.filter((q) => q.kind !== 'shared-periphery').reduce((a, q) => a + q.energy.total, 0);
      expect(opsEnergy(p)).toBe(opsEnergy(u));
      expect(p.totals.energy.total).toBeLessThanOrEqual(u.totals.energy.total);
      expect(p.totals.latency).toBe(u.totals.latency);
    }
    expect(chipOutputs(hd, data)).toEqual(before);
    ind.dispose();
    hyper.dispose();
  });

  it('idm and bnn refuse DARTS networks; hypernetwork refuses an individual network', () => {
    const model = buildDartsNetwork({ ...SMALL, genotype: DARTS_V1, seed: 20 });
    for (const scheme of ['idm', 'bnn']) {
      expect(() => compile(model, idealHardware(), { scheme, calibration: data })).toThrowError(UserError);
      expect(() => compile(model, idealHardware(), { scheme, calibration: data })).toThrowError(/cannot deploy DARTS/);
    }
    expect(() => compile(model, idealHardware(), { scheme: 'hypernetwork', calibration: data })).toThrowError(UserError);
    const hyper = buildDartsHypernetwork({ ...SMALL, seed: 21 });
    expect(() => compile(hyper, idealHardware(), { scheme: 'hypernetwork', calibration: data })).toThrowError(/no switch configuration/);
    model.dispose();
    hyper.dispose();
  });
});
