import { beforeAll, describe, expect, it } from 'vitest';
import { initEngine, tf } from '../../src/engine/index.js';
import { compile } from '../../src/deploy/compile.js';
import type { Deployment } from '../../src/deploy/deployment.js';
import type { HardwareConfig } from '../../src/crossbar/hardware.js';
import type { Dataset } from '../../src/data/dataset.js';
import type { StageCounters } from '../../src/sim/analog.js';
import { Chip } from '../../src/sim/chip.js';
import { type BitsTable, type ComponentLibrary, type DeepPartial, defaultComponents } from '../../src/cost/components.js';
import { type CostReport, estimateCost } from '../../src/cost/estimate.js';
import { NEUROSIM_32NM_WIRE, htreeGeometry, repeatedWire, transferCost } from '../../src/cost/interconnect.js';
import { PTM_32NM_HP, PTM_32NM_LP } from '../../src/cost/switch-model.js';
import { DARTS_V2, buildDartsHypernetwork, buildDartsNetwork } from '../../src/nn/index.js';
import { UserError } from '../../src/errors.js';
import { idealHardware, randomData, smallCnn } from '../deploy/fixtures.js';

beforeAll(async () => {
  await initEngine('wasm');
});

const lib = defaultComponents();
const close = (a: number, b: number, rel = 1e-9) => expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * Math.max(Math.abs(a), Math.abs(b)));

function hw8(): HardwareConfig {
  return idealHardware({ dac: { bits: 8, mode: 'amplitude', percentile: 1 }, adc: { bits: 8, range: 'calibrated', percentile: 1 } });
}

function counted(d: Deployment, data: Dataset): StageCounters {
  const chip = new Chip(d, 3);
  const counters: StageCounters = {};
  const x = tf.tensor(data.x, [data.length, ...data.sampleShape]);
  chip.forward(x, counters).dispose();
  x.dispose();
  chip.dispose();
  return counters;
}

/** Every area figure of the library x k: the floorplan (stages and buffer) grows k-fold. */
function areasTimes(k: number): DeepPartial<ComponentLibrary> {
  const t = (table: BitsTable): BitsTable => table.map(([b, v]) => [b, k * v] as const);
  return {
    cell: { areaF2: k * lib.cell.areaF2 },
    dac: { area: t(lib.dac.area) },
    adc: { area: t(lib.adc.area) },
    sampleHold: { area: k * lib.sampleHold.area },
    shiftAdd: { area: k * lib.shiftAdd.area },
    digital: { area: k * lib.digital.area },
    tia: { area: k * lib.tia.area },
    analogUnit: { area: k * lib.analogUnit.area },
    switchMatrix: { area: k * lib.switchMatrix.area, configBitArea: k * lib.switchMatrix.configBitArea },
    buffer: { areaPerByte: k * lib.buffer.areaPerByte },
  };
}

const bitsMoved = (counters: StageCounters, name: string, n: number): number => (8 * (counters[name]?.bufferBytes ?? 0)) / n;

describe('repeated H-tree wire (NeuroSim V1.3 HTree.cpp at 32 nm)', () => {
  it('wire resistance from Param.cpp / HTree.cpp: rho / (w^2 AR)', () => {
    // 56 nm, AR 1.8, 3.70e-8 ohm m: 6.555 ohm/um; segments 112 nm, AR 1.6, 2.52e-8 ohm m: 1.256 ohm/um
    close(NEUROSIM_32NM_WIRE.designResistancePerLength, 6.5547e6, 1e-4);
    close(NEUROSIM_32NM_WIRE.segmentResistancePerLength, 1.2556e6, 1e-4);
    close(NEUROSIM_32NM_WIRE.capacitancePerLength, 0.2e-15 / 1e-6);
  });

  it('energy per bit and length lies above the bare wire, delay is faster with HP devices and without the delay tolerance', () => {
    const lp = repeatedWire(PTM_32NM_LP);
    const c = NEUROSIM_32NM_WIRE.capacitancePerLength;
    // the bare wire's switching energy (c Vdd^2 x activity) is a lower bound; repeaters add their gate and drain
    expect(lp.energyPerLengthPerBit).toBeGreaterThan(c * 0.9 ** 2 * NEUROSIM_32NM_WIRE.activity);
    expect(lp.energyPerLengthPerBit).toBeLessThan(2 * c * 0.9 ** 2 * NEUROSIM_32NM_WIRE.activity);
    expect(repeatedWire(PTM_32NM_HP).delayPerLength).toBeLessThan(lp.delayPerLength);
    const fastest = repeatedWire(PTM_32NM_LP, { ...NEUROSIM_32NM_WIRE, delayTolerance: 0 });
    expect(fastest.detail.repeaterSize).toBeGreaterThan(lp.detail.repeaterSize);
    expect(fastest.energyPerLengthPerBit).toBeGreaterThan(lp.energyPerLengthPerBit);
    // plausibility of the 32 nm LP figures: between 0.1 and 1 ns per mm, 10 to 100 fJ per bit and mm
    expect(lp.delayPerLength * 1e-3).toBeGreaterThan(0.1e-9);
    expect(lp.delayPerLength * 1e-3).toBeLessThan(1e-9);
    expect(lp.energyPerLengthPerBit * 1e-3).toBeGreaterThan(10e-15);
    expect(lp.energyPerLengthPerBit * 1e-3).toBeLessThan(100e-15);
  });

  it('quadrupling the floorplan area doubles the buffer-to-tile path, the transfer energy and latency, and the tree area', () => {
    const ic = lib.interconnect;
    const a = htreeGeometry(2e-6, ic);
    const b = htreeGeometry(8e-6, ic);
    close(a.side, Math.sqrt(2e-6));
    close(b.path, 2 * a.path);
    close(b.area, 2 * a.area);
    const ta = transferCost(4096, a.path, ic);
    const tb = transferCost(4096, b.path, ic);
    close(tb.energy, 2 * ta.energy);
    close(tb.latency, 2 * ta.latency);
    // every bit travels the path; the bus moves busWidth bits per transfer
    close(ta.energy, 4096 * a.path * ic.energyPerBitLength);
    close(ta.latency, (4096 / ic.busWidth) * a.path * ic.delayPerLength);
  });

  it('zero traffic costs nothing; a disabled interconnect costs nothing', () => {
    const ic = lib.interconnect;
    expect(transferCost(0, 1e-3, ic)).toEqual({ energy: 0, latency: 0 });
    expect(transferCost(1000, 1e-3, { ...ic, enabled: false })).toEqual({ energy: 0, latency: 0 });
  });

  it('rejects a non-boolean switch and negative figures', () => {
    expect(() => estimateCost({} as Deployment, {}, 1, { components: { interconnect: { enabled: 1 as unknown as boolean } } })).toThrow(UserError);
    expect(() => estimateCost({} as Deployment, {}, 1, { components: { interconnect: { delayPerLength: -1 } } })).toThrow(UserError);
  });
});

describe('estimateCost with the interconnect', () => {
  let d: Deployment;
  let counters: StageCounters;
  const n = 4;
  let on: CostReport;
  beforeAll(() => {
    const data = randomData([8, 8, 2], n, 10);
    d = compile(smallCnn(), hw8(), { calibration: data });
    counters = counted(d, data);
    on = estimateCost(d, counters, n);
  });

  it('charges each row its buffer traffic over the path of the whole floorplan', () => {
    const fp = on.interconnect!;
    close(fp.floorplanArea, on.stages.reduce((a, s) => a + s.area.total, 0) + on.totals.area.buffer);
    close(fp.path, 1.5 * Math.sqrt(fp.floorplanArea));
    let charged = 0;
    for (const s of on.stages) {
      const bits = bitsMoved(counters, s.name, n);
      close(s.energy.interconnect, bits * fp.path * lib.interconnect.energyPerBitLength);
      close(s.latencyParts.interconnect, (bits / 256) * fp.path * lib.interconnect.delayPerLength);
      close(s.latency, s.latencyParts.compute + s.latencyParts.buffer + s.latencyParts.interconnect);
      if (bits > 0) charged++;
    }
    expect(charged).toBeGreaterThan(1);
    expect(on.totals.area.interconnect).toBeGreaterThan(0);
  });

  it('latency and energy of the interconnect grow with sqrt(area): 4x every area -> 2x', () => {
    const big = estimateCost(d, counters, n, { components: areasTimes(4) });
    close(big.interconnect!.floorplanArea, 4 * on.interconnect!.floorplanArea);
    close(big.totals.energy.interconnect, 2 * on.totals.energy.interconnect);
    const wires = (r: CostReport) => r.stages.reduce((a, s) => a + s.latencyParts.interconnect, 0);
    close(wires(big), 2 * wires(on));
    close(big.totals.area.interconnect, 2 * on.totals.area.interconnect);
  });

  it('zero buffer traffic: zero interconnect energy and latency', () => {
    const none: StageCounters = Object.fromEntries(Object.entries(counters).map(([k, c]) => [k, { ...c, bufferBytes: 0 }]));
    const r = estimateCost(d, none, n);
    expect(r.totals.energy.interconnect).toBe(0);
    for (const s of r.stages) expect(s.latencyParts.interconnect).toBe(0);
  });

  it('turned off: the totals without it, exactly', () => {
    const off = estimateCost(d, counters, n, { components: { interconnect: { enabled: false } } });
    expect(off.interconnect).toBeUndefined();
    expect(off.totals.energy.interconnect).toBe(0);
    expect(off.totals.area.interconnect).toBe(0);
    const keys = ['cells', 'dac', 'sampleHold', 'adc', 'shiftAdd', 'digital', 'analog', 'buffer'] as const;
    for (const k of keys) expect(off.totals.energy[k]).toBe(on.totals.energy[k]);
    expect(off.totals.energy.total).toBe(keys.reduce((a, k) => a + off.totals.energy[k], 0));
    for (const s of off.stages) {
      expect(s.latencyParts.interconnect).toBe(0);
      expect(s.latency).toBe(s.latencyParts.compute + s.latencyParts.buffer);
    }
    close(off.totals.area.total, on.totals.area.total - on.totals.area.interconnect);
    close(off.totals.latency, on.totals.latency - on.stages.reduce((a, s) => a + s.latencyParts.interconnect, 0));
  });
});

describe('interconnect of a DARTS hypernetwork against its individual deployment', () => {
  it('the larger chip costs more interconnect latency and energy per bit moved', () => {
    const small = { C: 4, layers: 3, numClasses: 10, inputShape: [8, 8, 3] };
    const data = randomData([8, 8, 3], 2, 10);
    const ind = buildDartsNetwork({ ...small, genotype: DARTS_V2, seed: 1 });
    const hyper = buildDartsHypernetwork({ ...small, seed: 2, genotype: DARTS_V2 });
    const di = compile(ind, hw8(), { calibration: data });
    const dh = compile(hyper, hw8(), { scheme: 'hypernetwork', calibration: data });
    const ci = counted(di, data);
    const ch = counted(dh, data);
    const ri = estimateCost(di, ci, 2);
    const rh = estimateCost(dh, ch, 2);
    // switched-off operations make the chip bigger: a longer buffer-to-tile path
    expect(rh.interconnect!.floorplanArea).toBeGreaterThan(2 * ri.interconnect!.floorplanArea);
    expect(rh.interconnect!.path).toBeGreaterThan(ri.interconnect!.path);
    // per transfer (per bit moved) on the same stage: more latency and energy
    const stem = ri.stages.find((s) => bitsMoved(ci, s.name, 2) > 0)!;
    const twin = rh.stages.find((s) => s.name === stem.name)!;
    expect(bitsMoved(ch, twin.name, 2)).toBe(bitsMoved(ci, stem.name, 2));
    expect(twin.latencyParts.interconnect).toBeGreaterThan(stem.latencyParts.interconnect);
    close(twin.latencyParts.interconnect / stem.latencyParts.interconnect, rh.interconnect!.path / ri.interconnect!.path);
    expect(rh.totals.energy.interconnect).toBeGreaterThan(0);
    ind.dispose();
    hyper.dispose();
  });
});
