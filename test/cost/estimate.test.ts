import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '../../src/engine/index.js';
import { compile } from '../../src/deploy/compile.js';
import type { AnalogStage, Deployment } from '../../src/deploy/deployment.js';
import type { HardwareConfig } from '../../src/crossbar/hardware.js';
import type { Dataset } from '../../src/data/dataset.js';
import type { Sequential } from '../../src/nn/model.js';
import type { StageCounters } from '../../src/sim/analog.js';
import { Chip } from '../../src/sim/chip.js';
import { defaultComponents } from '../../src/cost/components.js';
import { type CostReport, estimateCost } from '../../src/cost/estimate.js';
import { formatCostTable } from '../../src/cost/format.js';
import { UserError } from '../../src/errors.js';
import { idealHardware, mlp, randomData, smallCnn } from '../deploy/fixtures.js';

beforeAll(async () => {
  await initEngine('wasm');
});

const lib = defaultComponents();

/** Exact table entry (the tests use only bit widths the default tables hold). */
function entry(table: readonly (readonly [number, number])[], bits: number): number {
  const row = table.find(([b]) => b === bits);
  if (!row) throw new Error(`no ${bits}-bit entry`);
  return row[1];
}

/** 8-bit amplitude DAC and 8-bit ADC: both in the default tables. */
function hw8(over: Partial<HardwareConfig> = {}): HardwareConfig {
  return idealHardware({ dac: { bits: 8, mode: 'amplitude', percentile: 1 }, adc: { bits: 8, range: 'calibrated', percentile: 1 }, ...over });
}

interface Run {
  d: Deployment;
  counters: StageCounters;
  n: number;
}

/** Compiles `model` and runs one chip over `data` `repeats` times, collecting counters. */
function run(model: Sequential, data: Dataset, hw: HardwareConfig, repeats = 1): Run {
  const d = compile(model, hw, { calibration: data });
  const chip = new Chip(d, 7);
  const counters: StageCounters = {};
  const x = tf.tensor(data.x, [data.length, ...data.sampleShape]);
  for (let r = 0; r < repeats; r++) chip.forward(x, counters).dispose();
  x.dispose();
  chip.dispose();
  return { d, counters, n: data.length * repeats };
}

const close = (a: number, b: number, rel = 1e-9) => expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * Math.max(Math.abs(a), Math.abs(b)));

const analogOf = (d: Deployment) => d.stages.filter((s): s is AnalogStage => s.kind === 'analog');

describe('estimateCost energy', () => {
  let cnn: Run;
  let report: CostReport;
  beforeAll(() => {
    cnn = run(smallCnn(), randomData([8, 8, 2], 6, 10), hw8());
    report = estimateCost(cnn.d, cnn.counters, cnn.n);
  });

  it('has one row per stage, in order', () => {
    expect(report.stages.map((s) => s.name)).toEqual(cnn.d.stages.map((s) => s.name));
    // bn is folded into conv
    expect(report.stages.map((s) => s.name)).toEqual(['conv', 'relu', 'pool', 'flat', 'fc']);
    expect(report.stages.map((s) => s.kind)).toEqual(['analog', 'digital', 'digital', 'digital', 'analog']);
  });

  it('equals operations x energy per operation, from the counters', () => {
    const { counters, n } = cnn;
    for (const row of report.stages) {
      const c = counters[row.name];
      if (row.kind === 'analog') {
        close(row.energy.cells, c.cellEnergy / n);
        close(row.energy.dac, (c.dacConversions * entry(lib.dac.energy, 8)) / n);
        close(row.energy.adc, (c.adcConversions * entry(lib.adc.energy, 8)) / n);
        close(row.energy.shiftAdd, (c.shiftAdds * lib.shiftAdd.energy) / n);
        expect(row.energy.digital).toBe(0);
        expect(row.energy.sampleHold).toBe(0);
        expect(c.cellEnergy).toBeGreaterThan(0);
      } else {
        close(row.energy.digital, (c.digitalOps * lib.digital.energy) / n);
        expect(row.energy.adc).toBe(0);
      }
      close(row.energy.buffer, (c.bufferBytes * lib.buffer.energyPerByte) / n);
    }
    const conv = counters.conv;
    expect(conv.adcConversions).toBeGreaterThan(0);
    expect(report.stages.find((s) => s.name === 'pool')!.energy.digital).toBeGreaterThan(0);
  });

  it('adds up: components to stage totals, stages to the overall total', () => {
    const keys = ['cells', 'dac', 'sampleHold', 'adc', 'shiftAdd', 'digital', 'analog', 'buffer', 'interconnect'] as const;
    for (const row of report.stages) close(row.energy.total, keys.reduce((a, k) => a + row.energy[k], 0));
    const t = report.totals.energy;
    close(t.total, report.stages.reduce((a, s) => a + s.energy.total, 0));
    for (const k of keys) close(t[k], report.stages.reduce((a, s) => a + s.energy[k], 0));
    close(t.total, keys.reduce((a, k) => a + t[k], 0));
    for (const row of report.stages) close(row.area.total, row.area.cells + row.area.dac + row.area.sampleHold + row.area.adc + row.area.shiftAdd + row.area.digital + row.area.analog);
    const a = report.totals.area;
    expect(a.interconnect).toBeGreaterThan(0);
    close(a.total, report.stages.reduce((s, r) => s + r.area.total, 0) + a.buffer + a.interconnect);
  });

  it('TOPS/W is 2 x MACs per inference over energy per inference', () => {
    // conv: K = 3*3*2 inputs, N = 6 filters, 8*8 output positions; fc: K = 4*4*6, N = 10, one vector
    const macs = 18 * 6 * 64 + 96 * 10;
    expect(report.totals.macs).toBe(macs);
    expect(report.totals.ops).toBe(2 * macs);
    close(report.totals.topsPerWatt, (2 * macs) / report.totals.energy.total / 1e12);
  });

  it('per-inference energy does not change when inferences and counters double', () => {
    const twice = run(smallCnn(), randomData([8, 8, 2], 6, 10), hw8(), 2);
    expect(twice.n).toBe(2 * cnn.n);
    expect(twice.counters.conv.adcConversions).toBe(2 * cnn.counters.conv.adcConversions);
    const r2 = estimateCost(twice.d, twice.counters, twice.n);
    close(r2.totals.energy.total, report.totals.energy.total, 1e-6);
    for (let i = 0; i < report.stages.length; i++) close(r2.stages[i].energy.total, report.stages[i].energy.total, 1e-6);
    close(r2.totals.latency, report.totals.latency, 1e-12);
  });

  it('ADC energy grows with ADC bits by the table', () => {
    const data = randomData([20], 8, 5);
    const byBits = [4, 6, 8, 10].map((bits) => {
      const r = run(mlp(), data, hw8({ adc: { bits, range: 'calibrated', percentile: 1 } }));
      const conversions = analogOf(r.d).reduce((a, s) => a + r.counters[s.name].adcConversions, 0);
      const e = estimateCost(r.d, r.counters, r.n).totals.energy.adc;
      close(e, (conversions * entry(lib.adc.energy, bits)) / r.n);
      return e;
    });
    for (let i = 1; i < byBits.length; i++) expect(byBits[i]).toBeGreaterThan(byBits[i - 1]);
  });

  it('applies component overrides', () => {
    const over = estimateCost(cnn.d, cnn.counters, cnn.n, {
      components: { adc: { energy: [[8, 3e-12]] }, digital: { energy: 1e-12 }, sampleHold: { energy: 0.5e-12, area: 40e-12 } },
    });
    const c = cnn.counters;
    close(over.stages[0].energy.adc, (c.conv.adcConversions * 3e-12) / cnn.n);
    close(over.stages[0].energy.sampleHold, (c.conv.adcConversions * 0.5e-12) / cnn.n);
    close(over.stages.find((st) => st.name === 'pool')!.energy.digital, (c.pool.digitalOps * 1e-12) / cnn.n);
    expect(c.pool.digitalOps).toBeGreaterThan(0);
    const conv = cnn.d.stages[0] as AnalogStage;
    close(over.stages[0].area.sampleHold, conv.plan.tiles * conv.plan.colsPerTile * 40e-12);
    // untouched components keep their defaults
    close(over.stages[0].energy.dac, report.stages[0].energy.dac);
    expect(over.components.adc.energy).toEqual([[8, 3e-12]]);
  });
});

describe('estimateCost area and latency', () => {
  const data = randomData([20], 8, 5);

  it('smaller tiles: more tiles, more ADC and DAC area, as counted from the tile plans', () => {
    const big = run(mlp(), data, hw8({ tile: { rows: 32, cols: 32 } }));
    const small = run(mlp(), data, hw8({ tile: { rows: 8, cols: 8 } }));
    const rb = estimateCost(big.d, big.counters, big.n);
    const rs = estimateCost(small.d, small.counters, small.n);
    expect(rs.totals.tiles).toBeGreaterThan(rb.totals.tiles);
    expect(rs.totals.area.adc).toBeGreaterThan(rb.totals.area.adc);
    expect(rs.totals.area.dac).toBeGreaterThan(rb.totals.area.dac);
    for (const [r, rows, cols] of [[small, 8, 8], [big, 32, 32]] as const) {
      const tiles = analogOf(r.d).reduce((a, s) => a + s.plan.tiles, 0);
      const report = r === small ? rs : rb;
      expect(report.totals.tiles).toBe(tiles);
      expect(report.totals.cells).toBe(tiles * rows * cols);
      // NeuroSim sharing: 8 columns per ADC; one DAC per row
      close(report.totals.area.adc, tiles * Math.ceil(cols / 8) * entry(lib.adc.area, 8));
      close(report.totals.area.dac, tiles * rows * entry(lib.dac.area, 8));
      close(report.totals.area.cells, tiles * rows * cols * 48 * (32e-9) ** 2);
    }
  });

  it('latency of a dense stage follows the schedule', () => {
    const r = run(mlp(), data, hw8());
    const report = estimateCost(r.d, r.counters, r.n);
    const fc1 = report.stages[0];
    // fc1: 20 x 16 on one 128 x 128 tile, 16 ADCs (8 columns each) for 16 outputs: one conversion each
    const dev = r.d.hardware.device;
    const plane = Math.max(lib.dac.latency + dev.readPulseWidth, 1 * 8 * lib.adc.latencyPerBit);
    const bufferBytes = 20 + 16; // 8-bit DAC codes in, 8-bit ADC codes out
    // the bytes cross the H-tree in 256-bit transfers over 1.5 x the side of the chip's square floorplan
    const floorplan = report.stages.reduce((a, s) => a + s.area.total, 0) + report.totals.area.buffer;
    const wires = ((8 * bufferBytes) / lib.interconnect.busWidth) * 1.5 * Math.sqrt(floorplan) * lib.interconnect.delayPerLength;
    expect(wires).toBeGreaterThan(0);
    close(fc1.latency, plane + bufferBytes / lib.buffer.bandwidth + wires);
    expect(fc1.schedule).toMatchObject({ planes: 1, adcsPerTile: 16, conversionsPerAdc: 1 });
    close(report.totals.latency, report.stages.reduce((a, s) => a + s.latency, 0));
    close(report.totals.pipelineInterval, Math.max(...report.stages.map((s) => s.latency)));
    close(report.totals.inferencesPerSecond.sequential, 1 / report.totals.latency);
    close(report.totals.inferencesPerSecond.pipelined, 1 / report.totals.pipelineInterval);
    // fewer ADCs per tile: each converts more columns
    const one = estimateCost(r.d, r.counters, r.n, { adcsPerTile: 1 });
    expect(one.stages[0].schedule!.conversionsPerAdc).toBe(16);
    const slowPlane = 16 * 8 * lib.adc.latencyPerBit;
    expect(slowPlane).toBeGreaterThan(plane);
    close(one.stages[0].latency, slowPlane + bufferBytes / lib.buffer.bandwidth + one.stages[0].latencyParts.interconnect);
    close(one.stages[0].area.adc, 1 * entry(lib.adc.area, 8));
  });

  it('bit-serial DAC: one ADC conversion set per input bit plane, and planes in the latency', () => {
    const amp = run(mlp(), data, hw8());
    const ser = run(mlp(), data, hw8({ dac: { bits: 8, mode: 'bit-serial', percentile: 1 } }));
    const ra = estimateCost(amp.d, amp.counters, amp.n);
    const rs = estimateCost(ser.d, ser.counters, ser.n);
    expect(ser.counters.fc1.adcConversions).toBe(8 * amp.counters.fc1.adcConversions);
    expect(rs.stages[0].schedule!.planes).toBe(8);
    expect(rs.totals.energy.adc).toBeGreaterThan(ra.totals.energy.adc);
    close(rs.totals.energy.adc, 8 * ra.totals.energy.adc);
    // the row drivers are 1-bit: per pulse the 1-bit energy, 8 pulses per input
    close(rs.stages[0].energy.dac, (ser.counters.fc1.dacConversions * entry(lib.dac.energy, 1)) / ser.n);
    close(rs.stages[0].area.dac, 128 * entry(lib.dac.area, 1));
    const plane = Math.max(lib.dac.latency + ser.d.hardware.device.readPulseWidth, 8 * lib.adc.latencyPerBit);
    close(rs.stages[0].latencyParts.compute, 8 * plane);
    expect(rs.totals.latency).toBeGreaterThan(ra.totals.latency);
  });

  it('formats a table with every stage, a total and readable units', () => {
    const r = run(smallCnn(), randomData([8, 8, 2], 4, 10), hw8());
    const text = formatCostTable(estimateCost(r.d, r.counters, r.n));
    for (const name of ['conv', 'relu', 'pool', 'flat', 'fc', 'total', 'TOPS/W', 'inferences/s']) expect(text).toContain(name);
    expect(text).toMatch(/\d+(\.\d+)? [pnu]J/);
    expect(text).toMatch(/\d+(\.\d+)? [nu]s/);
    expect(text).toMatch(/um\^2|mm\^2/);
  });
});

describe('estimateCost on recurrent stages', () => {
  it('reports the input projection, the recurrent products and the gate arithmetic', async () => {
    const { buildRnnClassifier } = await import('../../src/nn/recurrent-classifier.js');
    const model = buildRnnClassifier({ cell: 'gru', units: 7, inputShape: [6, 3], numClasses: 4, seed: 2, maskZeros: false });
    const r = run(model, randomData([6, 3], 5, 4, 8, true), hw8({ tile: { rows: 5, cols: 6 } }));
    const report = estimateCost(r.d, r.counters, r.n);
    const names = report.stages.map((s) => s.name);
    expect(names).toContain('rnn1/input');
    expect(names).toContain('rnn1/recurrent1');
    const gates = report.stages.find((s) => s.name === 'rnn1')!;
    expect(gates.kind).toBe('digital');
    close(gates.energy.digital, (r.counters.rnn1.digitalOps * lib.digital.energy) / r.n);
    const sub = r.d.stages.flatMap((s) => (s.kind === 'recurrent' ? [s.input, ...s.recurrent] : s.kind === 'analog' ? [s] : []));
    // the recurrent product h U: 7 units in, its column block out, once per time step (6 steps)
    const rec0 = sub.find((s) => s.name === 'rnn1/recurrent0')!;
    expect(report.stages.find((s) => s.name === 'rnn1/recurrent0')!.macs).toBe(7 * rec0.N * 6);
    expect(report.totals.macs).toBe(sub.reduce((a, s) => a + s.K * s.N * s.vectorsPerSample, 0));
    close(report.totals.energy.total, report.stages.reduce((a, s) => a + s.energy.total, 0));
    model.dispose();
  });
});

describe('estimateCost input checks', () => {
  let r: Run;
  beforeAll(() => {
    r = run(mlp(), randomData([20], 4, 5), hw8());
  });

  it('rejects a wrong inference count, missing counters and a bad ADC count', () => {
    expect(() => estimateCost(r.d, r.counters, 0)).toThrow(UserError);
    expect(() => estimateCost(r.d, r.counters, r.n + 1)).toThrow(/input vectors/);
    const missing = { ...r.counters };
    delete missing.relu;
    expect(() => estimateCost(r.d, missing, r.n)).toThrow(/relu/);
    expect(() => estimateCost(r.d, r.counters, r.n, { adcsPerTile: 0 })).toThrow(/adcsPerTile/);
  });
});
