/**
 * Energy, latency and area of a deployment from the activity the simulator counted. Energy is
 * operations x energy per operation (the cell read energy is measured by the simulator); latency
 * follows the dataflow schedule of each stage; area sums the components each stage instantiates.
 * The model and its assumptions are written up in docs/cost-model.md.
 */
import { type AnalogStage, type AnalogUnitStage, type DartsCellStage, type DartsEdgeStage, type Deployment, type Stage, type SwitchMatrixStage, allStages, dartsBodies } from '../deploy/deployment.js';
import { opsPerOutput } from '../sim/execute.js';
import { packBlocks, stageBlocks } from './packing.js';
import { type InterconnectComponent, htreeGeometry, transferCost } from './interconnect.js';
import { UserError } from '../errors.js';
import { type ActivityCounters, type StageCounters, emptyCounters } from '../sim/analog.js';
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
  /** Chip-level H-tree between the buffer and the tiles (components.interconnect). */
  interconnect: number;
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
  /**
   * 'shared-periphery': the periphery an edge's primitives share in a hypernetwork (`sharedPeriphery`);
   * 'packed-tiles': the tiles an edge's stages are packed into (`packTiles`).
   */
  kind: 'analog' | 'digital' | 'analog-unit' | 'switch' | 'shared-periphery' | 'packed-tiles';
  /** Deployed but switched off (a hypernetwork operation not selected): area only, no energy or latency. */
  switchedOff?: boolean;
  layerType: string;
  tiles: number;
  /** Physical cells in the stage's tiles (programmed or not). */
  cells: number;
  /** Multiply-accumulates per inference (analog stages: K x N x vectorsPerSample). */
  macs: number;
  energy: EnergyBreakdown;
  /** Seconds per inference: compute + buffer traffic + its transfers over the chip's interconnect. */
  latency: number;
  latencyParts: { compute: number; buffer: number; interconnect: number };
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
    /**
     * Sequential latency (s per inference): the stages one after another; a DARTS cell counts its
     * critical path (its operations run concurrently on their own tiles), see `cells`.
     */
    latency: number;
    /** Layer-pipelined interval: the slowest stage (s). */
    pipelineInterval: number;
    inferencesPerSecond: { sequential: number; pipelined: number };
    /** Stage areas plus the chip-level activation buffer and interconnect (H-tree repeaters and tracks). */
    area: AreaBreakdown & { buffer: number; interconnect: number };
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
  /**
   * The chip-level interconnect (absent when `components.interconnect.enabled` is false): the square
   * floorplan of the deployment's area (stages and buffer, switched-off operations included), its
   * side and the wire path from the buffer to a tile (m^2, m, m).
   */
  interconnect?: { floorplanArea: number; side: number; path: number };
  /** DARTS cells: the critical path of each (s per inference), in order. */
  cells?: { name: string; latency: number }[];
  /** The component figures used (defaults merged with overrides). */
  components: ComponentLibrary;
}

export interface CostOptions {
  /** Overrides of the default component library (SI units). */
  components?: DeepPartial<ComponentLibrary>;
  /** ADCs per tile; default ceil(tile columns / components.adc.columnsPerAdc). */
  adcsPerTile?: number;
  /**
   * Pack the tile blocks of each DARTS edge position block-diagonally into shared tiles (area and
   * tile count only; energy and latency stay). Default false. Other stages are not packed.
   */
  packTiles?: boolean;
}

const ENERGY_KEYS = ['cells', 'dac', 'sampleHold', 'adc', 'shiftAdd', 'digital', 'analog', 'buffer', 'interconnect'] as const;
const AREA_KEYS = ['cells', 'dac', 'sampleHold', 'adc', 'shiftAdd', 'digital', 'analog'] as const;

function energyBreakdown(parts: Partial<Omit<EnergyBreakdown, 'total'>>): EnergyBreakdown {
  const e = { cells: 0, dac: 0, sampleHold: 0, adc: 0, shiftAdd: 0, digital: 0, analog: 0, buffer: 0, interconnect: 0, total: 0, ...parts };
  e.total = ENERGY_KEYS.reduce((s, k) => s + e[k], 0);
  return e;
}

function areaBreakdown(parts: Partial<Omit<AreaBreakdown, 'total'>>): AreaBreakdown {
  const a = { cells: 0, dac: 0, sampleHold: 0, adc: 0, shiftAdd: 0, digital: 0, analog: 0, total: 0, ...parts };
  a.total = AREA_KEYS.reduce((s, k) => s + a[k], 0);
  return a;
}

const product = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

function stageCounters(counters: StageCounters, name: string, optional = false): ActivityCounters {
  const c = counters[name];
  if (!c && optional) return emptyCounters();
  if (!c) {
    throw new UserError(
      `cost: the activity counters have no entry for stage '${name}'`,
      'collect counters by running this deployment on a Chip (chip.forward(x, counters)) or take them from a simulation result',
    );
  }
  return c;
}

function analogCost(s: AnalogStage, hw: Deployment['hardware'], c: ActivityCounters, n: number, lib: ComponentLibrary, adcsOpt: number | undefined, active = true): StageCost {
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
  if (active && c.mvmVectors !== expectedVectors) {
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
  const readTime = (s.dacAtInput ? lib.dac.latency : 0) + (s.device ?? hw.device).readPulseWidth + (converts ? 0 : lib.tia.latency);
  const planeTime = converts ? Math.max(readTime, conversionsPerAdc * adcLatency(lib, adcBits)) : readTime;
  const shiftAddsPerVector = s.N * Math.max(0, s.mapped.slices * s.plan.rowBlocks.length * planes - 1);
  const shiftAddUnits = s.adcAtOutput ? tiles * adcsPerTile * lib.shiftAdd.unitsPerAdc : 0;
  const shiftAddTime = shiftAddUnits > 0 ? Math.ceil(shiftAddsPerVector / shiftAddUnits) * lib.shiftAdd.latency : 0;
  const vectorTime = Math.max(planes * planeTime, shiftAddTime);
  const compute = active ? s.vectorsPerSample * vectorTime : 0;
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
    name: s.name, kind: 'analog', layerType: s.layerType, ...(active ? {} : { switchedOff: true }), tiles, cells: tiles * R * C,
    macs: active ? (s.usefulMacsPerVector ?? s.K * s.N) * s.vectorsPerSample : 0, energy, latency: compute + buffer, latencyParts: { compute, buffer, interconnect: 0 }, area,
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
    latency: compute, latencyParts: { compute, buffer: 0, interconnect: 0 },
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
  /** Performs element operations (for the area of a switched-off unit). */
  computes?: boolean;
}

/**
 * A hypernetwork edge's switch matrix: a transmission gate per line (channel x code bit) for each
 * selectable primitive, and one configuration flip-flop per selectable primitive (one-hot: it drives
 * the gates of all its primitive's lines); the selected path passes every output element's bits once
 * per inference.
 */
function switchCost(s: SwitchMatrixStage, lib: ComponentLibrary): StageCost {
  const on = s.selected !== 'none';
  const selectable = s.inputs.filter((p) => p !== 'none').length;
  const switches = selectable * s.channels * s.bitsPerLine;
  const passes = on ? product(s.outputShape) * s.bitsPerLine : 0;
  const compute = on ? lib.switchMatrix.latency : 0;
  return {
    name: s.name, kind: 'switch', layerType: 'SwitchMatrix', ...(on ? {} : { switchedOff: true }), tiles: 0, cells: 0, macs: 0,
    energy: energyBreakdown({ digital: passes * lib.switchMatrix.energy }),
    latency: compute, latencyParts: { compute, buffer: 0, interconnect: 0 },
    area: areaBreakdown({ digital: switches * lib.switchMatrix.area + selectable * lib.switchMatrix.configBitArea }),
    adcClippedFraction: 0,
  };
}

/** A tile's converters and shift-adders. */
const ANALOG_PERIPHERY = ['dac', 'sampleHold', 'adc', 'shiftAdd'] as const;
/** The periphery components the primitives of a hypernetwork edge share (`sharedPeriphery`). */
export const SHARED_PERIPHERY = [...ANALOG_PERIPHERY, 'digital'] as const;
/** The components an analog stage has per tile (cells and the tile's converters), which packing scales. */
const TILE_PARTS = ['cells', ...ANALOG_PERIPHERY] as const;

/**
 * An edge position of a DARTS cell: the operations deployed on it (hypernetwork: every selectable
 * primitive; individual: its one operation). They are never active at the same time.
 */
interface EdgeGroup {
  name: string;
  ops: DartsEdgeStage[];
  /** Where its extra rows go: after its switch row, or after its last leaf row. */
  anchor: string;
  /** Its primitives share one set of periphery (hypernetwork with `sharedPeriphery`). */
  share: boolean;
}

function edgeGroups(d: Deployment): EdgeGroup[] {
  const groups: EdgeGroup[] = [];
  for (const body of dartsBodies(d)) {
    for (const c of body.cells) {
      if (c.switches) {
        for (const sw of c.switches) {
          const ops = c.edges.filter((e) => e.from === sw.from && e.to === sw.to && e.primitive !== 'none');
          groups.push({ name: sw.name.replace(/\.switch$/, ''), ops, anchor: sw.name, share: body.sharedPeriphery !== false });
        }
      } else {
        for (const e of c.edges) {
          const leaves = allStages(e.stages);
          if (leaves.length > 0) groups.push({ name: e.name, ops: [e], anchor: leaves[leaves.length - 1].stage.name, share: false });
        }
      }
    }
  }
  return groups;
}

type Parts = Record<(typeof SHARED_PERIPHERY)[number], number>;
const noParts = (): Parts => ({ dac: 0, sampleHold: 0, adc: 0, shiftAdd: 0, digital: 0 });

/**
 * Edge-level accounting of DARTS cells; returns the rows to insert after each anchor row and edits
 * the operations' rows in place (their energy and latency never change).
 *
 * Packing (`packTiles`): the tile blocks of an edge position's analog stages are placed
 * block-diagonally into as few tiles as first-fit decreasing finds (src/cost/packing.ts). The stages
 * of one position are never active together (one primitive selected; an operation's stages one after
 * another), so a packed tile's DACs, ADCs and shift-adds serve whichever block is active with as many
 * converters as its own tile had: energy and latency stay; cells and per-tile periphery move to a
 * row `<edge>.packed` priced per packed tile (per tile, the largest of the stages' per-tile figures).
 *
 * Shared periphery (hypernetwork, `sharedPeriphery`): one set of DACs, sample-and-holds, ADCs,
 * shift-adds and digital ALU lanes per edge position serves all its primitives, as large per
 * component as the largest need of one primitive (the sum over its stages, each stage keeping its
 * own units as in the individual deployment). Their area moves from the operations' rows to a row
 * `<edge>.periphery`, which adds the routing transmission gates (one per tile row to the shared
 * DACs, one per logical tile column to the shared ADC multiplexers, for every analog stage of every
 * selectable primitive) and their pass energy (one per DAC and per ADC conversion of the active
 * operation). The gates' RC delay (ps) lies within the DAC settling and is not added to latency.
 * With packing as well, the analog periphery is the cheaper of the packed tiles' own and the routed
 * shared set; the digital lanes are shared either way.
 */
function edgeRows(d: Deployment, rows: Map<string, StageCost>, counters: StageCounters, n: number, lib: ComponentLibrary, pack: boolean): Map<string, StageCost[]> {
  const out = new Map<string, StageCost[]>();
  const { rows: R, cols: C } = d.hardware.tile;
  for (const g of edgeGroups(d)) {
    const extra: StageCost[] = [];
    const analog: { stage: AnalogStage; row: StageCost }[] = [];
    const need: Parts[] = [];
    let gates = 0;
    let passes = 0;
    for (const e of g.ops) {
      const p = noParts();
      for (const { stage } of allStages(e.stages)) {
        const row = rows.get(stage.name);
        if (!row) continue;
        for (const k of SHARED_PERIPHERY) p[k] += row.area[k];
        if (stage.kind !== 'analog') continue;
        analog.push({ stage, row });
        gates += stage.plan.tiles * ((stage.dacAtInput ? R : 0) + (stage.adcAtOutput ? stage.plan.colsPerTile : 0));
        if (e.active) passes += ((counters[stage.name]?.dacConversions ?? 0) + (counters[stage.name]?.adcConversions ?? 0)) / n;
      }
      need.push(p);
    }
    let packed: StageCost | undefined;
    if (pack && analog.length > 0) {
      const tiles = packBlocks(analog.flatMap(({ stage }) => stageBlocks(stage, d.hardware)), R, C);
      const perTile = Object.fromEntries(TILE_PARTS.map((k) => [k, Math.max(...analog.map(({ row }) => (row.tiles > 0 ? row.area[k] / row.tiles : 0)))]));
      packed = {
        name: `${g.name}.packed`, kind: 'packed-tiles', layerType: 'PackedTiles', tiles, cells: tiles * R * C, macs: 0,
        energy: energyBreakdown({}), latency: 0, latencyParts: { compute: 0, buffer: 0, interconnect: 0 },
        area: areaBreakdown(Object.fromEntries(TILE_PARTS.map((k) => [k, tiles * perTile[k]]))), adcClippedFraction: 0,
      };
      for (const { row } of analog) {
        row.tiles = 0;
        row.cells = 0;
        row.area = areaBreakdown({ ...row.area, ...Object.fromEntries(TILE_PARTS.map((k) => [k, 0])) });
      }
      extra.push(packed);
    }
    if (g.share) {
      const shared = noParts();
      for (const p of need) for (const k of SHARED_PERIPHERY) shared[k] = Math.max(shared[k], p[k]);
      for (const e of g.ops) {
        for (const { stage } of allStages(e.stages)) {
          const row = rows.get(stage.name);
          if (row) row.area = areaBreakdown({ ...row.area, ...noParts() });
        }
      }
      const routed = ANALOG_PERIPHERY.reduce((a, k) => a + shared[k], 0) + gates * lib.switchMatrix.area;
      if (packed) {
        const own = ANALOG_PERIPHERY.reduce((a, k) => a + packed!.area[k], 0);
        if (routed < own) {
          packed.area = areaBreakdown({ ...packed.area, dac: 0, sampleHold: 0, adc: 0, shiftAdd: 0 });
        } else {
          for (const k of ANALOG_PERIPHERY) shared[k] = 0;
          gates = 0;
          passes = 0;
        }
      }
      extra.push({
        name: `${g.name}.periphery`, kind: 'shared-periphery', layerType: 'SharedPeriphery', tiles: 0, cells: 0, macs: 0,
        energy: energyBreakdown({ digital: passes * lib.switchMatrix.energy }),
        latency: 0, latencyParts: { compute: 0, buffer: 0, interconnect: 0 },
        area: areaBreakdown({ ...shared, digital: shared.digital + gates * lib.switchMatrix.area }),
        adcClippedFraction: 0,
      });
    }
    if (extra.length > 0) out.set(g.anchor, extra);
  }
  return out;
}

function digitalCost(s: DigitalUnit, c: ActivityCounters, n: number, lib: ComponentLibrary, active = true): StageCost {
  const ops = c.digitalOps / n;
  const compute = (ops / lib.digital.lanes) * lib.digital.latency;
  const buffer = c.bufferBytes / n / lib.buffer.bandwidth;
  return {
    name: s.name, kind: 'digital', layerType: s.layerType, ...(active ? {} : { switchedOff: true }), tiles: 0, cells: 0, macs: 0,
    energy: energyBreakdown({ digital: ops * lib.digital.energy, buffer: (c.bufferBytes * lib.buffer.energyPerByte) / n }),
    latency: compute + buffer, latencyParts: { compute, buffer, interconnect: 0 },
    // a stage that computes gets its own ALU lanes (layer pipelining); reshapes get none; a switched-off
    // unit that would compute is deployed all the same
    area: areaBreakdown({ digital: c.digitalOps > 0 || (!active && s.computes) ? lib.digital.lanes * lib.digital.area : 0 }),
    adcClippedFraction: 0,
  };
}

type CostUnit = ({ kind: 'analog'; stage: AnalogStage } | { kind: 'digital'; unit: DigitalUnit } | { kind: 'analog-unit'; stage: AnalogUnitStage } | { kind: 'switch'; stage: SwitchMatrixStage }) & {
  /** False: deployed, switched off (no counters expected). */
  active?: boolean;
  /** Counters may be missing (node sums of fewer than two terms count nothing). */
  optional?: boolean;
};

/** The rows of flat stages (a recurrent stage: input projection, recurrent products, gate arithmetic). */
function flatUnits(stages: Stage[], active: boolean): CostUnit[] {
  const on = active ? {} : { active: false, optional: true };
  return stages.flatMap((s): CostUnit[] => {
    if (s.kind === 'analog') return [{ kind: 'analog', stage: s, ...on }];
    if (s.kind === 'digital') return [{ kind: 'digital', unit: { ...s, computes: opsPerOutput(s) > 0 }, ...on }];
    if (s.kind === 'analog-unit') return [{ kind: 'analog-unit', stage: s, ...on }];
    if (s.kind === 'factorized-reduce') return flatUnits([s.relu, s.conv1, s.conv2], active);
    if (s.kind === 'darts-body') return s.cells.flatMap((c) => cellUnits(c));
    const gates = { name: s.name, layerType: s.layerType, inputShape: s.inputShape, outputShape: s.outputShape };
    // a state kept analog (idm) is activated by analog units; otherwise the gate arithmetic is digital
    const analogState = s.recurrent.every((r) => r.tia !== undefined && !r.adcAtOutput);
    const gateUnit: CostUnit = analogState
      ? { kind: 'analog-unit', stage: { kind: 'analog-unit', ...gates, layer: s.layer, fullScale: 0, noise: 0, reason: 'analog activation of the recurrent state' } }
      : { kind: 'digital', unit: gates };
    return [{ kind: 'analog', stage: s.input }, ...s.recurrent.map((r): CostUnit => ({ kind: 'analog', stage: r })), gateUnit];
  });
}

/** A DARTS cell's rows: preprocessing, each edge's operation, its switch matrix, the node sums. */
function cellUnits(c: DartsCellStage): CostUnit[] {
  const units = [...flatUnits(c.pre0, true), ...flatUnits(c.pre1, true)];
  for (const e of c.edges) units.push(...flatUnits(e.stages, e.active));
  for (const s of c.switches ?? []) units.push({ kind: 'switch', stage: s });
  for (let j = 2; j < c.steps + 2; j++) {
    units.push({ kind: 'digital', unit: { name: `${c.name}.node${j}`, layerType: 'DartsNodeSum', inputShape: c.nodeShape, outputShape: c.nodeShape }, optional: true });
  }
  return units;
}

/**
 * The rows of the report in execution order: analog and digital stages as they are; a recurrent
 * stage as its input projection, its recurrent products and its gate arithmetic (a digital row
 * under the layer's name, where the simulator counts the gate operations); a DARTS body as the
 * leaf stages of its cells (hierarchical names), switch matrices and node sums.
 */
function costUnits(d: Deployment): CostUnit[] {
  return flatUnits(d.stages, true);
}

/**
 * Latency of a chain of stages from the rows' latencies: stages one after another; the two
 * convolutions of a factorized reduce concurrently (own tiles); a DARTS body cell after cell, each
 * cell its critical path.
 */
function chainLatency(stages: Stage[], row: Map<string, number>, cells: { name: string; latency: number }[]): number {
  let t = 0;
  for (const s of stages) {
    if (s.kind === 'factorized-reduce') t += (row.get(s.relu.name) ?? 0) + Math.max(row.get(s.conv1.name) ?? 0, row.get(s.conv2.name) ?? 0);
    else if (s.kind === 'darts-body') for (const c of s.cells) t += cellLatency(c, row, cells);
    else if (s.kind === 'recurrent') t += [s.input, ...s.recurrent].reduce((a, r) => a + (row.get(r.name) ?? 0), 0) + (row.get(s.name) ?? 0);
    else t += row.get(s.name) ?? 0;
  }
  return t;
}

/**
 * A cell's critical path: states 0 and 1 ready after their preprocessing (concurrent); node j ready
 * when its slowest active edge (source ready + operation + switch) is done, plus its adds; the cell
 * when the last concatenated state is ready (concatenation is wiring).
 */
function cellLatency(c: DartsCellStage, row: Map<string, number>, cells: { name: string; latency: number }[]): number {
  const ready = [chainLatency(c.pre0, row, cells), chainLatency(c.pre1, row, cells)];
  for (let j = 2; j < c.steps + 2; j++) {
    let t = 0;
    for (const e of c.edges) {
      if (e.to !== j || !e.active) continue;
      const sw = c.switches?.find((s) => s.from === e.from && s.to === e.to);
      t = Math.max(t, ready[e.from] + chainLatency(e.stages, row, cells) + (sw ? (row.get(sw.name) ?? 0) : 0));
    }
    ready.push(t + (row.get(`${c.name}.node${j}`) ?? 0));
  }
  const latency = Math.max(...c.concat.map((k) => ready[k]));
  cells.push({ name: c.name, latency });
  return latency;
}

/** Bytes of one inference's activations in and out of a row (converter codes, whole bytes). */
function activationBytes(d: Deployment, u: CostUnit): number {
  if (u.kind === 'digital') return product(u.unit.inputShape) + product(u.unit.outputShape);
  if (u.kind === 'analog-unit' || u.kind === 'switch') return 0; // analog, or wiring: never buffered
  const hw = d.hardware;
  return product(u.stage.inputShape) * Math.ceil(hw.dac.bits / 8) + product(u.stage.outputShape) * Math.ceil(hw.adc.bits / 8);
}

/**
 * The chip-level interconnect (src/cost/interconnect.ts), charged per row for the bytes it moves
 * through the buffer (its counters' `bufferBytes`): the tiles and buffer on a square floorplan of
 * `floorplanArea` (the whole deployment: switched-off operations make the chip bigger too); every bit
 * travels the H-tree path from the buffer to a tile, in bus transfers one after another. Edits the
 * rows' energy and latency in place; returns the floorplan, or undefined when the interconnect is off.
 * The tree's own area is not part of the floorplan it spans (no iteration).
 */
function chargeInterconnect(stages: StageCost[], counters: StageCounters, n: number, floorplanArea: number, ic: InterconnectComponent): { floorplanArea: number; side: number; path: number; treeArea: number } | undefined {
  if (!ic.enabled) return undefined;
  const geo = htreeGeometry(floorplanArea, ic);
  for (const s of stages) {
    const bits = (8 * (counters[s.name]?.bufferBytes ?? 0)) / n;
    if (bits === 0 || s.switchedOff) continue;
    const t = transferCost(bits, geo.path, ic);
    s.energy = energyBreakdown({ ...s.energy, interconnect: t.energy });
    s.latencyParts = { ...s.latencyParts, interconnect: t.latency };
    s.latency += t.latency;
  }
  return { floorplanArea, side: geo.side, path: geo.path, treeArea: geo.area };
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
  const rows = units.map((u) => {
    const active = u.active ?? true;
    const optional = u.optional ?? false;
    if (u.kind === 'analog') return analogCost(u.stage, deployment.hardware, stageCounters(counters, u.stage.name, optional), inferences, lib, opts.adcsPerTile, active);
    if (u.kind === 'analog-unit') return analogUnitCost(u.stage, stageCounters(counters, u.stage.name, optional), inferences, lib);
    if (u.kind === 'switch') return switchCost(u.stage, lib);
    return digitalCost(u.unit, stageCounters(counters, u.unit.name, optional), inferences, lib, active);
  });
  const extra = edgeRows(deployment, new Map(rows.map((r) => [r.name, r])), counters, inferences, lib, opts.packTiles ?? false);
  const stages = rows.flatMap((r) => [r, ...(extra.get(r.name) ?? [])]);

  const sum = (f: (s: StageCost) => number): number => stages.reduce((a, s) => a + f(s), 0);
  const bufferCapacity = Math.max(0, ...units.map((u) => activationBytes(deployment, u)));
  const stageArea = areaBreakdown(Object.fromEntries(AREA_KEYS.map((k) => [k, sum((s) => s.area[k])])));
  const bufferArea = bufferCapacity * lib.buffer.areaPerByte;
  const floorplan = chargeInterconnect(stages, counters, inferences, stageArea.total + bufferArea, lib.interconnect);
  const energy = energyBreakdown(Object.fromEntries(ENERGY_KEYS.map((k) => [k, sum((s) => s.energy[k])])));
  const interconnectArea = floorplan?.treeArea ?? 0;
  const cells: { name: string; latency: number }[] = [];
  const latency = chainLatency(deployment.stages, new Map(stages.map((s) => [s.name, s.latency])), cells);
  const pipelineInterval = Math.max(0, ...stages.map((s) => s.latency));
  const macs = sum((s) => s.macs);
  const ops = 2 * macs;
  let conversions = 0;
  let clipped = 0;
  for (const u of units) {
    if (u.kind !== 'analog') continue;
    conversions += counters[u.stage.name]?.adcConversions ?? 0;
    clipped += counters[u.stage.name]?.adcClipped ?? 0;
  }
  return {
    inferences,
    stages,
    totals: {
      energy,
      latency,
      pipelineInterval,
      inferencesPerSecond: { sequential: latency > 0 ? 1 / latency : Infinity, pipelined: pipelineInterval > 0 ? 1 / pipelineInterval : Infinity },
      area: { ...stageArea, buffer: bufferArea, interconnect: interconnectArea, total: stageArea.total + bufferArea + interconnectArea },
      bufferCapacity,
      tiles: sum((s) => s.tiles),
      cells: sum((s) => s.cells),
      macs,
      ops,
      topsPerWatt: energy.total > 0 ? ops / energy.total / 1e12 : 0,
      adcClippedFraction: conversions > 0 ? clipped / conversions : 0,
    },
    ...(floorplan ? { interconnect: { floorplanArea: floorplan.floorplanArea, side: floorplan.side, path: floorplan.path } } : {}),
    ...(cells.length > 0 ? { cells } : {}),
    components: lib,
  };
}
