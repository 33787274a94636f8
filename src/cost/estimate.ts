/**
 * Energy, latency and area of a deployment from the activity the simulator counted. Energy is
 * operations x energy per operation (the cell read energy is measured by the simulator); latency
 * follows the dataflow schedule of each stage; area sums the components each stage instantiates.
 * The model and its assumptions are written up in docs/cost-model.md.
 */
import type { AnalogStage, AnalogUnitStage, Deployment } from '../deploy/deployment.js';
import { UserError } from '../errors.js';
import type { ActivityCounters, StageCounters } from '../sim/analog.js';
import {
  type ComponentLibrary,
  type DeepPartial,
  adcArea,
  adcEnergy,
  adcLatency,
  cellArea,
  dacArea,
  dacEnergy,
  defaultComponents,
  mergeComponents,
} from './components.js';

/** Energy per inference (J) by component. */
export interface EnergyBreakdown {
  /** Array cells, V^2 G t summed by the simulator. */
  cells: number;
  dac: number;
  sampleHold: number;
  adc: number;
  shiftAdd: number;
  digital: number;
  /** Analog periphery of a cascade (IDM): amplifiers and analog activation/pooling units. */
  analog: number;
  buffer: number;
  total: number;
}

/** Area (m^2) by component. */
export interface AreaBreakdown {
  cells: number;
  dac: number;
  sampleHold: number;
  adc: number;
  shiftAdd: number;
  digital: number;
  analog: number;
  total: number;
}

/** How an analog stage's latency was reached (all times in seconds). */
export interface AnalogSchedule {
  /** Input bit planes per vector (DAC bits in bit-serial mode, else 1). */
  planes: number;
  adcsPerTile: number;
  /** Conversions each ADC makes per plane on the busiest tile. */
  conversionsPerAdc: number;
  /** max(DAC settling + read pulse, conversionsPerAdc x ADC conversion time). */
  planeTime: number;
  /** Shift-add time per vector on the stage's shift-add units. */
  shiftAddTime: number;
  /** max(planes x planeTime, shiftAddTime). */
  vectorTime: number;
}

/** One row of the report: a stage, or one part of a recurrent stage (its analog sub-stages, its gates). */
export interface StageCost {
  name: string;
  kind: 'analog' | 'digital' | 'analog-unit';
  layerType: string;
  tiles: number;
  /** Physical cells in the stage's tiles (programmed or not). */
  cells: number;
  /** Multiply-accumulates per inference (analog stages: K x N x vectorsPerSample). */
  macs: number;
  energy: EnergyBreakdown;
  /** Seconds per inference: compute + buffer traffic. */
  latency: number;
  latencyParts: { compute: number; buffer: number };
  area: AreaBreakdown;
  /** ADC conversions that clipped over all conversions (0 without conversions). */
  adcClippedFraction: number;
  schedule?: AnalogSchedule;
}

export interface CostReport {
  inferences: number;
  stages: StageCost[];
  totals: {
    energy: EnergyBreakdown;
    /** Sequential latency: the stages one after another (s per inference). */
    latency: number;
    /** Layer-pipelined interval: the slowest stage (s). */
    pipelineInterval: number;
    inferencesPerSecond: { sequential: number; pipelined: number };
    /** Stage areas plus the chip-level activation buffer. */
    area: AreaBreakdown & { buffer: number };
    /** Activation buffer capacity the area is sized for (bytes). */
    bufferCapacity: number;
    tiles: number;
    cells: number;
    macs: number;
    /** 2 x MACs per inference. */
    ops: number;
    /** ops / (energy per inference) / 1e12. */
    topsPerWatt: number;
    adcClippedFraction: number;
  };
  /** The component figures used (defaults merged with overrides). */
  components: ComponentLibrary;
}

export interface CostOptions {
  /** Overrides of the default component library (SI units). */
  components?: DeepPartial<ComponentLibrary>;
  /** ADCs per tile; default ceil(tile columns / components.adc.columnsPerAdc). */
  adcsPerTile?: number;
}

const ENERGY_KEYS = ['cells', 'dac', 'sampleHold', 'adc', 'shiftAdd', 'digital', 'analog', 'buffer'] as const;
const AREA_KEYS = ['cells', 'dac', 'sampleHold', 'adc', 'shiftAdd', 'digital', 'analog'] as const;

function energyBreakdown(parts: Partial<Omit<EnergyBreakdown, 'total'>>): EnergyBreakdown {
  const e = { cells: 0, dac: 0, sampleHold: 0, adc: 0, shiftAdd: 0, digital: 0, analog: 0, buffer: 0, total: 0, ...parts };
  e.total = ENERGY_KEYS.reduce((s, k) => s + e[k], 0);
  return e;
}

function areaBreakdown(parts: Partial<Omit<AreaBreakdown, 'total'>>): AreaBreakdown {
  const a = { cells: 0, dac: 0, sampleHold: 0, adc: 0, shiftAdd: 0, digital: 0, analog: 0, total: 0, ...parts };
  a.total = AREA_KEYS.reduce((s, k) => s + a[k], 0);
  return a;
}

const product = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

function stageCounters(counters: StageCounters, name: string): ActivityCounters {
  const c = counters[name];
  if (!c) {
    throw new UserError(
      `cost: the activity counters have no entry for stage '${name}'`,
      'collect counters by running this deployment on a Chip (chip.forward(x, counters)) or take them from a simulation result',
    );
  }
  return c;
}

function analogCost(s: AnalogStage, hw: Deployment['hardware'], c: ActivityCounters, n: number, lib: ComponentLibrary, adcsOpt: number | undefined): StageCost {
  // binary inputs (bnn) drive rows with 1-bit drivers; a sense amplifier is priced as a 1-bit conversion
  const bitSerial = hw.dac.mode === 'bit-serial' && (s.inputBits ?? 2) > 1;
  const planes = bitSerial ? hw.dac.bits : 1;
  const dacBits = bitSerial ? 1 : (s.inputBits ?? hw.dac.bits);
  const adcBits = s.senseAmp ? 1 : hw.adc.bits;
  const converts = s.adcAtOutput || s.senseAmp !== undefined;
  const { rows: R, cols: C } = hw.tile;
  const tiles = s.plan.tiles;
  const adcsPerTile = adcsOpt ?? Math.ceil(C / lib.adc.columnsPerAdc);
  const expectedVectors = n * s.vectorsPerSample;
  if (c.mvmVectors !== expectedVectors) {
    throw new UserError(
      `cost: stage '${s.name}' counted ${c.mvmVectors} input vectors, but ${n} inferences x ${s.vectorsPerSample} vectors per inference = ${expectedVectors}`,
      'pass the number of inputs the counters were collected over as `inferences`',
    );
  }

  const energy = energyBreakdown({
    cells: c.cellEnergy / n,
    dac: (c.dacConversions * dacEnergy(lib, dacBits)) / n,
    sampleHold: (c.adcConversions * lib.sampleHold.energy) / n,
    adc: (c.adcConversions * adcEnergy(lib, adcBits)) / n,
    shiftAdd: (c.shiftAdds * lib.shiftAdd.energy) / n,
    analog: (c.tiaConversions * lib.tia.energy) / n,
    buffer: (c.bufferBytes * lib.buffer.energyPerByte) / n,
  });

  // Schedule: tiles work in parallel; per plane the row drivers settle and the read pulse is applied,
  // while the ADCs convert the previous plane's held column outputs.
  const busiestTileCols = Math.max(...s.plan.colBlocks.map(([a, b]) => b - a));
  const conversionsPerAdc = s.senseAmp ? 1 : Math.ceil(busiestTileCols / adcsPerTile); // a sense amplifier per column
  // without an ADC (IDM) the amplifier settles after the read; without a DAC the previous stage drives the rows
  const readTime = (s.dacAtInput ? lib.dac.latency : 0) + hw.device.readPulseWidth + (converts ? 0 : lib.tia.latency);
  const planeTime = converts ? Math.max(readTime, conversionsPerAdc * adcLatency(lib, adcBits)) : readTime;
  const shiftAddsPerVector = s.N * Math.max(0, s.mapped.slices * s.plan.rowBlocks.length * planes - 1);
  const shiftAddUnits = s.adcAtOutput ? tiles * adcsPerTile * lib.shiftAdd.unitsPerAdc : 0;
  const shiftAddTime = shiftAddUnits > 0 ? Math.ceil(shiftAddsPerVector / shiftAddUnits) * lib.shiftAdd.latency : 0;
  const vectorTime = Math.max(planes * planeTime, shiftAddTime);
  const compute = s.vectorsPerSample * vectorTime;
  const buffer = c.bufferBytes / n / lib.buffer.bandwidth;

  // converters exist only where the stage converts; an amplifier per output column where it does not
  const area = areaBreakdown({
    cells: tiles * R * C * cellArea(lib),
    dac: s.dacAtInput ? tiles * R * dacArea(lib, dacBits) : 0,
    sampleHold: s.adcAtOutput ? tiles * s.plan.colsPerTile * lib.sampleHold.area : 0,
    adc: s.adcAtOutput ? tiles * adcsPerTile * adcArea(lib, adcBits) : s.senseAmp ? s.N * adcArea(lib, adcBits) : 0,
    shiftAdd: shiftAddUnits * lib.shiftAdd.area,
    analog: s.tia && !s.tia.merged ? s.N * lib.tia.area : 0,
  });

  return {
    name: s.name, kind: 'analog', layerType: s.layerType, tiles, cells: tiles * R * C,
    macs: (s.usefulMacsPerVector ?? s.K * s.N) * s.vectorsPerSample, energy, latency: compute + buffer, latencyParts: { compute, buffer }, area,
    adcClippedFraction: c.adcConversions > 0 ? c.adcClipped / c.adcConversions : 0,
    schedule: { planes, adcsPerTile: converts ? adcsPerTile : 0, conversionsPerAdc: converts ? conversionsPerAdc : 0, planeTime, shiftAddTime, vectorTime },
  };
}

/** An analog unit between cascaded crossbars: its operations at the analog unit's energy. */
function analogUnitCost(s: AnalogUnitStage, c: ActivityCounters, n: number, lib: ComponentLibrary): StageCost {
  const ops = c.analogOps / n;
  const compute = Math.ceil(ops / lib.analogUnit.parallel) * lib.analogUnit.latency;
  return {
    name: s.name, kind: 'analog-unit', layerType: s.layerType, tiles: 0, cells: 0, macs: 0,
    energy: energyBreakdown({ analog: ops * lib.analogUnit.energy }),
    latency: compute, latencyParts: { compute, buffer: 0 },
    area: areaBreakdown({ analog: c.analogOps > 0 ? lib.analogUnit.parallel * lib.analogUnit.area : 0 }),
    adcClippedFraction: 0,
  };
}

/** A digital row: a digital stage, or the gate arithmetic of a recurrent stage. */
interface DigitalUnit {
  name: string;
  layerType: string;
  inputShape: number[];
  outputShape: number[];
}

function digitalCost(s: DigitalUnit, c: ActivityCounters, n: number, lib: ComponentLibrary): StageCost {
  const ops = c.digitalOps / n;
  const compute = (ops / lib.digital.lanes) * lib.digital.latency;
  const buffer = c.bufferBytes / n / lib.buffer.bandwidth;
  return {
    name: s.name, kind: 'digital', layerType: s.layerType, tiles: 0, cells: 0, macs: 0,
    energy: energyBreakdown({ digital: ops * lib.digital.energy, buffer: (c.bufferBytes * lib.buffer.energyPerByte) / n }),
    latency: compute + buffer, latencyParts: { compute, buffer },
    // a stage that computes gets its own ALU lanes (layer pipelining); reshapes get none
    area: areaBreakdown({ digital: c.digitalOps > 0 ? lib.digital.lanes * lib.digital.area : 0 }),
    adcClippedFraction: 0,
  };
}

type CostUnit = { kind: 'analog'; stage: AnalogStage } | { kind: 'digital'; unit: DigitalUnit } | { kind: 'analog-unit'; stage: AnalogUnitStage };

/**
 * The rows of the report in execution order: analog and digital stages as they are; a recurrent
 * stage as its input projection, its recurrent products and its gate arithmetic (a digital row
 * under the layer's name, where the simulator counts the gate operations).
 */
function costUnits(d: Deployment): CostUnit[] {
  return d.stages.flatMap((s): CostUnit[] => {
    if (s.kind === 'analog') return [{ kind: 'analog', stage: s }];
    if (s.kind === 'digital') return [{ kind: 'digital', unit: s }];
    if (s.kind === 'analog-unit') return [{ kind: 'analog-unit', stage: s }];
    const gates = { name: s.name, layerType: s.layerType, inputShape: s.inputShape, outputShape: s.outputShape };
    // a state kept analog (idm) is activated by analog units; otherwise the gate arithmetic is digital
    const analogState = s.recurrent.every((r) => r.tia !== undefined && !r.adcAtOutput);
    const gateUnit: CostUnit = analogState
      ? { kind: 'analog-unit', stage: { kind: 'analog-unit', ...gates, layer: s.layer, fullScale: 0, noise: 0, reason: 'analog activation of the recurrent state' } }
      : { kind: 'digital', unit: gates };
    return [{ kind: 'analog', stage: s.input }, ...s.recurrent.map((r): CostUnit => ({ kind: 'analog', stage: r })), gateUnit];
  });
}

/** Bytes of one inference's activations in and out of a row (converter codes, whole bytes). */
function activationBytes(d: Deployment, u: CostUnit): number {
  if (u.kind === 'digital') return product(u.unit.inputShape) + product(u.unit.outputShape);
  if (u.kind === 'analog-unit') return 0; // analog: never buffered
  const hw = d.hardware;
  return product(u.stage.inputShape) * Math.ceil(hw.dac.bits / 8) + product(u.stage.outputShape) * Math.ceil(hw.adc.bits / 8);
}

/**
 * Cost of running `deployment` per inference. `counters` are totals over `inferences` inputs (as in
 * ChipResult.counters over its `samples`); every count is divided by `inferences`.
 */
export function estimateCost(deployment: Deployment, counters: StageCounters, inferences: number, opts: CostOptions = {}): CostReport {
  if (!Number.isInteger(inferences) || inferences < 1) {
    throw new UserError(`cost: inferences must be a whole number >= 1, got ${inferences}`, 'pass the number of inputs the counters were collected over');
  }
  if (opts.adcsPerTile !== undefined && !(Number.isInteger(opts.adcsPerTile) && opts.adcsPerTile >= 1)) {
    throw new UserError(`cost: adcsPerTile must be a whole number >= 1, got ${opts.adcsPerTile}`, 'e.g. 16 (128 columns, 8 per ADC)');
  }
  const lib = mergeComponents(defaultComponents(), opts.components);
  const units = costUnits(deployment);
  const stages = units.map((u) =>
    u.kind === 'analog'
      ? analogCost(u.stage, deployment.hardware, stageCounters(counters, u.stage.name), inferences, lib, opts.adcsPerTile)
      : u.kind === 'analog-unit'
        ? analogUnitCost(u.stage, stageCounters(counters, u.stage.name), inferences, lib)
        : digitalCost(u.unit, stageCounters(counters, u.unit.name), inferences, lib),
  );

  const sum = (f: (s: StageCost) => number): number => stages.reduce((a, s) => a + f(s), 0);
  const energy = energyBreakdown(Object.fromEntries(ENERGY_KEYS.map((k) => [k, sum((s) => s.energy[k])])));
  const bufferCapacity = Math.max(0, ...units.map((u) => activationBytes(deployment, u)));
  const stageArea = areaBreakdown(Object.fromEntries(AREA_KEYS.map((k) => [k, sum((s) => s.area[k])])));
  const bufferArea = bufferCapacity * lib.buffer.areaPerByte;
  const latency = sum((s) => s.latency);
  const pipelineInterval = Math.max(0, ...stages.map((s) => s.latency));
  const macs = sum((s) => s.macs);
  const ops = 2 * macs;
  let conversions = 0;
  let clipped = 0;
  for (const u of units) {
    if (u.kind !== 'analog') continue;
    conversions += counters[u.stage.name].adcConversions;
    clipped += counters[u.stage.name].adcClipped;
  }
  return {
    inferences,
    stages,
    totals: {
      energy,
      latency,
      pipelineInterval,
      inferencesPerSecond: { sequential: latency > 0 ? 1 / latency : Infinity, pipelined: pipelineInterval > 0 ? 1 / pipelineInterval : Infinity },
      area: { ...stageArea, buffer: bufferArea, total: stageArea.total + bufferArea },
      bufferCapacity,
      tiles: sum((s) => s.tiles),
      cells: sum((s) => s.cells),
      macs,
      ops,
      topsPerWatt: energy.total > 0 ? ops / energy.total / 1e12 : 0,
      adcClippedFraction: conversions > 0 ? clipped / conversions : 0,
    },
    components: lib,
  };
}
