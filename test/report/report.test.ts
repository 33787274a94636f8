/**
 * The report module on a real (small) deployment: inspection, tables, charts, report.json and a
 * self-contained report.html. Expected values come from the deployment and cost objects
 * themselves (tiles of the plans, energies of the stages), not from the report's own output.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine } from '../../src/engine/index.js';
import { devicePreset } from '../../src/device/index.js';
import { compile } from '../../src/deploy/compile.js';
import { analogStages, type Deployment } from '../../src/deploy/deployment.js';
import { estimateCost } from '../../src/cost/index.js';
import { accuracyStats, runChip } from '../../src/sim/simulate.js';
import {
  type ReportData,
  accuracySpec,
  areaSpec,
  energySpec,
  escapeHtml,
  formatFinal,
  formatInspection,
  inspectDeployment,
  renderReport,
  reportJson,
  textTable,
} from '../../src/report/index.js';
import { idealHardware, randomData, smallCnn } from '../deploy/fixtures.js';

let d: Deployment;
let data: ReportData;

beforeAll(async () => {
  await initEngine('wasm');
  const model = smallCnn();
  const set = randomData([8, 8, 2], 24, 10);
  // 8x8 tiles: the 18-row conv and the 96-row dense layer both need several row blocks
  const hw = idealHardware({
    device: devicePreset('rram'),
    tile: { rows: 8, cols: 8 },
    dac: { bits: 8, mode: 'amplitude', percentile: 1 },
    adc: { bits: 6, range: 'calibrated', percentile: 1 },
  });
  d = compile(model, hw, { calibration: set, calibrationSamples: 16 });
  const chips = [0, 1, 2].map((c) => runChip(d, set, c, { chips: [c], seed: 3, batchSize: 10 }));
  const report = estimateCost(d, chips[0].counters, chips[0].samples);
  data = {
    command: 'run',
    xbarnet: '0.0.0-test',
    createdAt: '2026-01-01T00:00:00.000Z',
    configHash: 'a'.repeat(64),
    jobHash: 'b'.repeat(64),
    config: { model: { name: 'small-cnn <b>&</b>' } },
    // a name with markup, to check the page escapes it
    model: { name: '<script>alert(1)</script>', parameters: 123, dir: '/tmp/m', reusedFromCache: true },
    dataset: { name: 'random', train: 24, test: 24 },
    training: { epochs: [{ epoch: 1, loss: 2.3, accuracy: 0.1 }], seconds: 1.5 },
    software: { accuracy: 0.25, loss: 2.2, n: 24 },
    deployment: inspectDeployment(d),
    simulation: {
      chips: chips.map((r) => ({ chip: r.chip, seed: r.seed, accuracy: r.accuracy, correct: r.correct, samples: r.samples, stuckCells: r.stuckCells, counters: r.counters })),
      stats: accuracyStats(chips.map((r) => r.accuracy)),
      scored: true,
      threads: 1,
      driftSeconds: 0,
      seconds: 0.5,
    },
    cost: { chip: 0, inferences: chips[0].samples, report },
    seconds: { data: 0.1 },
  };
});

describe('deployment inspection', () => {
  it('lists every stage in order with the tiling of its plan', () => {
    const ins = inspectDeployment(d);
    expect(ins.stages.map((s) => s.name)).toEqual(d.stages.map((s) => s.name));
    for (const stage of analogStages(d)) {
      const row = ins.stages.find((s) => s.name === stage.name);
      expect(row, stage.name).toMatchObject({
        kind: 'analog', K: stage.K, N: stage.N, tiles: stage.plan.tiles,
        rowBlocks: stage.plan.rowBlocks.length, colBlocks: stage.plan.colBlocks.length, slices: stage.mapped.slices,
      });
    }
    // conv: K = 3*3*2 = 18 rows over 8-row tiles -> 3 row blocks; the batch norm is folded in
    expect(ins.stages[0]).toMatchObject({ name: 'conv', K: 18, N: 6, rowBlocks: 3, folded: ['bn'] });
    expect(ins.totals.tiles).toBe(analogStages(d).reduce((a, s) => a + s.plan.tiles, 0));
    expect(ins.totals.cells).toBe(ins.totals.tiles * 64);
  });

  it('gives each digital stage its reason and each analog stage its calibrated converter ranges', () => {
    const ins = inspectDeployment(d);
    const relu = ins.stages.find((s) => s.name === 'relu');
    expect(relu).toMatchObject({ kind: 'digital', reason: expect.stringMatching(/activation/) });
    const conv = analogStages(d)[0];
    const row = ins.stages[0];
    if (row.kind !== 'analog') throw new Error('conv should be analog');
    expect(row.dac.fullScale).toBe(conv.calibration.xMax);
    expect(row.adc.fullScaleMax).toBe(Math.max(...conv.calibration.adcFullScale.flat()));
    expect(row.adc.fullScaleMin).toBeGreaterThan(0);
    const text = formatInspection(ins);
    expect(text).toContain('18 x 6');
    // 6 outputs over 8-column differential tiles (4 weights each): 2 column blocks
    expect(text).toContain('3 x 2');
    expect(text).toContain('activation in digital periphery');
  });
});

describe('recurrent layers', () => {
  it('a GRU shows its input projection and recurrent products as analog rows and its gates as a digital row', async () => {
    const { buildRnnClassifier } = await import('../../src/nn/recurrent-classifier.js');
    const model = buildRnnClassifier({ cell: 'gru', units: 7, inputShape: [6, 3], numClasses: 4, seed: 2, maskZeros: false });
    const set = randomData([6, 3], 8, 4, 8, true);
    const rd = compile(model, idealHardware({ tile: { rows: 5, cols: 6 } }), { calibration: set });
    const ins = inspectDeployment(rd);
    const parts = ins.stages.filter((s) => s.partOf === 'rnn1');
    expect(parts.map((s) => `${s.name}:${s.kind}`)).toEqual([
      ...analogStages(rd).filter((s) => s.name.startsWith('rnn1/')).map((s) => `${s.name}:analog`),
      'rnn1:digital',
    ]);
    expect(parts.length).toBeGreaterThanOrEqual(4);
    expect(ins.totals.tiles).toBe(analogStages(rd).reduce((a, s) => a + s.plan.tiles, 0));
    const chip = runChip(rd, set, 0, { chips: [0], seed: 1 });
    const cost = estimateCost(rd, chip.counters, chip.samples);
    // the cost rows and the inspection rows name the same units, in the same order
    expect(cost.stages.map((s) => s.name)).toEqual(ins.stages.map((s) => s.name));
    model.dispose();
  });
});

describe('text tables', () => {
  it('pads columns, aligns right where asked, and rules off the footer', () => {
    const t = textTable(['a', 'value'], [['x', '1'], ['long', '22']], ['l', 'r'], [['total', '23']]);
    expect(t.split('\n')).toEqual(['a      value', '-----  -----', 'x          1', 'long      22', '-----  -----', 'total     23']);
  });

  it('the final summary names accuracy, energy, latency, area, tiles, TOPS/W and throughput', () => {
    const text = formatFinal(data);
    for (const key of ['software accuracy', 'analog accuracy (3 chips)', 'energy per inference', 'latency per inference', 'area', 'tiles', 'TOPS/W', 'inferences/s']) {
      expect(text).toContain(key);
    }
    expect(text).toContain('25.00%');
    // then the per-layer breakdown, one row per cost row
    for (const s of data.cost!.report.stages) expect(text).toMatch(new RegExp(`^${s.name}\\s`, 'm'));
  });
});

describe('charts', () => {
  it('energy chart: one bar segment per stage and component, summing to the stage energy', () => {
    const spec = energySpec(data.cost!.report) as unknown as { data: { values: { stage: string; value: number }[] }; encoding: { y: { title: string } } };
    const unit = /\((\S+)\)$/.exec(spec.encoding.y.title)![1];
    const scale = ({ fJ: 1e-15, pJ: 1e-12, nJ: 1e-9, µJ: 1e-6, mJ: 1e-3 } as Record<string, number>)[unit];
    expect(scale, unit).toBeDefined();
    for (const s of data.cost!.report.stages) {
      const sum = spec.data.values.filter((v) => v.stage === s.name).reduce((a, v) => a + v.value, 0);
      expect(sum * scale).toBeCloseTo(s.energy.total, 18);
    }
  });

  it('area chart and accuracy chart take their values from the report', () => {
    const area = areaSpec(data.cost!.report) as unknown as { data: { values: { stage: string; value: number }[] }; encoding: { y: { title: string } } };
    const unit = /\((\S+)\)$/.exec(area.encoding.y.title)![1];
    const scale = ({ 'mm²': 1e-6, 'µm²': 1e-12 } as Record<string, number>)[unit];
    for (const s of data.cost!.report.stages) {
      const sum = area.data.values.filter((v) => v.stage === s.name).reduce((a, v) => a + v.value, 0);
      expect(sum * scale).toBeCloseTo(s.area.total, 18);
    }
    const acc = accuracySpec(data) as unknown as { layer: { data: { values: { accuracy: number }[] } }[] };
    expect(acc.layer[0].data.values.map((v) => v.accuracy)).toEqual(data.simulation!.chips.map((c) => 100 * c.accuracy));
    expect(acc.layer[1].data.values.map((v) => v.accuracy)).toContain(100 * data.software!.accuracy);
    expect(accuracySpec({ ...data, simulation: undefined })).toBeUndefined();
    // per-pixel labels: the chips ran for their activity only, and no accuracy is shown
    const unscored = { ...data, simulation: { ...data.simulation!, scored: false } };
    expect(accuracySpec(unscored)).toBeUndefined();
    expect(formatFinal(unscored)).not.toContain('analog accuracy');
  });
});

describe('renderReport', () => {
  it('report.html: self-contained, three inline SVG charts, text escaped', async () => {
    const { html } = await renderReport(data);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html.match(/<svg/g)).toHaveLength(3);
    // nothing fetched: the only URLs are the SVG namespaces
    expect(html.replace(/xmlns(:\w+)?="http:\/\/www\.w3\.org\/[^"]*"/g, '')).not.toMatch(/https?:/);
    expect(html).not.toMatch(/<script|<link|src=/i);
    expect(html).toContain(escapeHtml('<script>alert(1)</script>'));
    expect(html).toContain('small-cnn &lt;b&gt;&amp;&lt;/b&gt;');
  });

  it('report.json: the data itself, with non-finite numbers as strings', async () => {
    const { json } = await renderReport(data);
    const back = JSON.parse(json) as ReportData;
    expect(back.simulation!.stats.mean).toBe(data.simulation!.stats.mean);
    expect(back.cost!.report.totals.energy.total).toBe(data.cost!.report.totals.energy.total);
    expect(back.deployment!.stages).toHaveLength(d.stages.length);
    const withInf = JSON.parse(reportJson({ ...data, seconds: { a: Infinity } })) as { seconds: { a: unknown } };
    expect(withInf.seconds.a).toBe('Infinity');
  });

  it('escapes the five HTML special characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});

describe('per-stage chart bars', () => {
  it('draws one bar per stage up to the limit, and groups larger deployments by name prefix in execution order', async () => {
    const { stageBars } = await import('../../src/report/charts.js');
    expect(stageBars(['conv1', 'relu1', 'fc'], 60)).toEqual({ labels: ['conv1', 'relu1', 'fc'], groupOf: [0, 1, 2], depth: undefined });
    // a DARTS-like deployment: stem, 3 cells x 40 leaf stages, classifier
    const names = ['stem', ...[0, 1, 2].flatMap((c) => Array.from({ length: 40 }, (_, k) => `cells.cell${c}.e${k % 14}.op${k}`)), 'classifier'];
    const bars = stageBars(names, 10);
    expect(bars.labels).toEqual(['stem', 'cells.cell0', 'cells.cell1', 'cells.cell2', 'classifier']);
    expect(bars.depth).toBe(2);
    expect(bars.groupOf.filter((g) => g === 2)).toHaveLength(40);
    expect(bars.groupOf[names.length - 1]).toBe(4);
  });
});
