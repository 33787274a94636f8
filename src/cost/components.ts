/**
 * Component library of the cost model: energy per operation, latency per operation and area of
 * every peripheral circuit a crossbar deployment uses.
 *
 * Units: energy in joules, time in seconds, area in square metres (SI throughout; 1 um^2 = 1e-12 m^2).
 *
 * Technology node: the defaults are ISAAC's 32 nm figures (Shafiee et al., ISCA 2016, as derived in
 * Accelergy-Project/hwcomponents-library `library/isaac.py`), and the 1T1R cell area is taken at
 * F = 32 nm. Figures from other nodes are used unscaled where no 32 nm figure was found; each such
 * entry says so (digital ALU: 45 nm energy, 40 nm area; DAC: MNSIM's table, which cites ISAAC).
 * `docs/sources.md` gives repository, commit and symbol for every figure; `docs/cost-model.md`
 * describes how the estimate uses them.
 */
import { UserError } from '../errors.js';
import { PTM_32NM_LP, transmissionGateSwitch } from './switch-model.js';
import { type InterconnectComponent, NEUROSIM_32NM_WIRE, repeatedWire } from './interconnect.js';

const pJ = 1e-12;
const fJ = 1e-15;
const um2 = 1e-12;
const ns = 1e-9;

/** A value that depends on converter resolution: [bits, value] pairs (bits ascending). */
export type BitsTable = readonly (readonly [number, number])[];

export interface ComponentLibrary {
  technology: {
    /** Feature size F (m) that cell areas in F^2 are taken at. */
    featureSize: number;
  };
  cell: {
    /** Area of one 1T1R cell in F^2. The read energy is measured by the simulator (V^2 G t). */
    areaF2: number;
  };
  /** Row driver: a multi-bit amplitude DAC per row, or a 1-bit driver per pulse in bit-serial mode. */
  dac: {
    /** Energy per conversion by DAC bits. */
    energy: BitsTable;
    /** Area per DAC by bits. */
    area: BitsTable;
    /** Settling time before the read pulse (s). */
    latency: number;
  };
  /** Sample-and-hold in front of the ADC, one per logical column; off (zero) by default. */
  sampleHold: {
    /** Energy per sample (one per ADC conversion). */
    energy: number;
    /** Area per logical column. */
    area: number;
  };
  /** SAR ADC. */
  adc: {
    /** Energy per conversion by ADC bits. */
    energy: BitsTable;
    /** Energy factor per extra bit above the table (Walden figure of merit: 2). */
    energyPerBitAbove: number;
    /** Area per ADC by bits. */
    area: BitsTable;
    /** Conversion time = latencyFixed + bits * latencyPerBit (a SAR resolves one bit per cycle). */
    latencyPerBit: number;
    latencyFixed: number;
    /** Physical columns multiplexed onto one ADC (sets ADCs per tile unless adcsPerTile is given). */
    columnsPerAdc: number;
  };
  /** Shift-and-add unit combining bit planes, slices and row-block partial sums. */
  shiftAdd: {
    energy: number;
    area: number;
    latency: number;
    /** Shift-add units per ADC. */
    unitsPerAdc: number;
  };
  /** Digital ALU lane for activations, pooling and batch norm (one element operation). */
  digital: {
    energy: number;
    area: number;
    latency: number;
    /** Parallel lanes per digital stage. */
    lanes: number;
  };
  /** Transimpedance amplifier per output column handing a crossbar's output on in analog (IDM). */
  tia: {
    /** Energy per conversion (one column output per input vector). */
    energy: number;
    area: number;
    /** Settling time added to the read (s). */
    latency: number;
  };
  /** Analog activation or pooling unit between cascaded crossbars (IDM), per element operation. */
  analogUnit: {
    energy: number;
    area: number;
    latency: number;
    /** Units working in parallel per stage. */
    parallel: number;
  };
  /**
   * Switch matrix of a hypernetwork edge (docs/hypernetwork.md): one transmission gate with its
   * configuration flip-flop per line (channel x code bit) per selectable primitive.
   */
  switchMatrix: {
    /** Energy per line passed through a closed switch (J). */
    energy: number;
    /** Area per transmission gate (m^2). */
    area: number;
    /** Area per configuration bit, a D flip-flop (m^2): one per selectable primitive per edge. */
    configBitArea: number;
    /** Delay through a closed switch (s). */
    latency: number;
  };
  /**
   * Chip-level H-tree bus between the activation buffer and the tiles (interconnect.ts): every byte a
   * stage moves through the buffer also travels a wire whose length grows with the chip's side.
   */
  interconnect: InterconnectComponent;
  /** Activation buffer between stages. */
  buffer: {
    energyPerByte: number;
    areaPerByte: number;
    /** Bytes per second. */
    bandwidth: number;
  };
}

/** Every field optional, recursively; tables and other arrays are replaced whole. */
export type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/** The switch matrix's default figures: a transmission gate and its flip-flop at PTM 32 nm LP (switch-model.ts). */
function switchMatrixFigures(): ComponentLibrary['switchMatrix'] {
  const s = transmissionGateSwitch(PTM_32NM_LP);
  return { energy: s.energy, area: s.area, configBitArea: s.configBitArea, latency: s.latency };
}

/** The interconnect's default figures: NeuroSim's repeated H-tree wire at PTM 32 nm LP (interconnect.ts). */
function interconnectFigures(): InterconnectComponent {
  const w = repeatedWire(PTM_32NM_LP, NEUROSIM_32NM_WIRE);
  return {
    enabled: true,
    energyPerBitLength: w.energyPerLengthPerBit,
    delayPerLength: w.delayPerLength,
    // the buffer's access width (ISAAC eDRAM, isaac.py width 256): a wider bus could not be fed faster
    busWidth: 256,
    // buffer at the floorplan's edge: main bus to the centre (side / 2), then the tree's halving
    // segments to a tile, side / 4 + side / 8 + ... in each direction (side / 2 + side / 2)
    pathPerSide: 1.5,
    trackPitch: w.trackPitch,
    // HTree.cpp CalculateArea: stage i carries i x busWidth tracks over half its length; summed over
    // the stages side / 2 of full-width tracks per direction, plus the main bus (side / 2)
    treeLengthPerSide: 1.5,
  };
}

export function defaultComponents(): ComponentLibrary {
  return {
    technology: {
      // ISAAC's node (Shafiee et al., ISCA 2016): the ADC, DAC, shift-add and buffer figures below are at 32 nm.
      featureSize: 32e-9,
    },
    cell: {
      // 1T1R cell 4F x 12F: DNN_NeuroSim V1.3 Param.cpp heightInFeatureSize1T1R, widthInFeatureSize1T1R.
      areaF2: 4 * 12,
    },
    dac: {
      // MNSIM 2.0 DAC.py table (the code cites ISAAC): power 0.0039/0.0078/0.0156/0.0312/0.1248/0.4992 mW
      // for 1/2/3/4/6/8 bits at 1 GS/s, energy = power / rate. The 8-bit entry is stored in MNSIM without
      // x1e-3; read as mW (docs/sources.md section 3).
      energy: [[1, 3.9 * fJ], [2, 7.8 * fJ], [3, 15.6 * fJ], [4, 31.2 * fJ], [6, 124.8 * fJ], [8, 499.2 * fJ]],
      // MNSIM 2.0 DAC.py areas; the 1-bit value equals ISAAC's 170 um^2 per 1024 DACs (isaac.py IsaacDAC).
      area: [[1, 0.166 * um2], [2, 0.332 * um2], [3, 0.664 * um2], [4, 1.328 * um2], [6, 5.312 * um2], [8, 21.248 * um2]],
      // MNSIM 2.0 DAC.py: sample rate 1 GS/s.
      latency: 1 * ns,
    },
    sampleHold: {
      // Off: no verified figure at 32 nm (ISAAC's S+H row is unverified, docs/sources.md section 4). The
      // NeuRRAM-like Accelergy estimate (hwcomponents-library neurram.py, 130 nm) is 1.2 pJ and 45 um^2.
      energy: 0,
      area: 0,
    },
    adc: {
      // ISAAC SAR ADC (Kull et al., ISSCC 2013, 8 b 1.2 GS/s, 32 nm SOI) scaled by bits after Saberi et al.
      // 2011: hwcomponents-library isaac.py IsaacADC, 4..10 bits 0.79/0.99/1.20/1.42/1.67/1.969/2.379 pJ.
      energy: [[4, 0.79 * pJ], [5, 0.99 * pJ], [6, 1.2 * pJ], [7, 1.42 * pJ], [8, 1.67 * pJ], [9, 1.969 * pJ], [10, 2.379 * pJ]],
      // Beyond 10 bits: energy doubles per bit, as a constant Walden figure of merit E = FOM * 2^bits implies.
      energyPerBitAbove: 2,
      // Same isaac.py table: 361.04/476.91/626.91/845.18/1200/1827.9/3002.0 um^2 for 4..10 bits.
      area: [[4, 361.04 * um2], [5, 476.91 * um2], [6, 626.91 * um2], [7, 845.18 * um2], [8, 1200 * um2], [9, 1827.9 * um2], [10, 3002.0 * um2]],
      // isaac.py IsaacADC: 1 / 1.2 GS/s at 8 bits, scaled linearly in bits (the library's latency scaling).
      latencyPerBit: 1 / 1.2e9 / 8,
      latencyFixed: 0,
      // DNN_NeuroSim V1.3 Param.cpp numColMuxed = 8 columns per ADC.
      columnsPerAdc: 8,
    },
    shiftAdd: {
      // ISAAC shift-and-add: 0.2 mW per IMA over 1.2e9 * 8 ADC samples/s -> 0.021 pJ per 16-bit op,
      // 60 um^2, 1/1.2 ns (hwcomponents-library isaac.py IsaacShiftAdd).
      energy: 0.021 * pJ,
      area: 60 * um2,
      latency: 1 / 1.2e9,
      // One accumulator per ADC output (ISAAC has 4 per 8 ADCs; we give each ADC its own).
      unitsPerAdc: 1,
    },
    digital: {
      // 32-bit integer add (activation compare, pooling add): 0.1 pJ, Horowitz, ISSCC 2014, 45 nm.
      energy: 0.1 * pJ,
      // 32-bit adder 278 um^2 at 40 nm: Aladdin (Shao et al., ISCA 2014), hwcomponents-library aladdin.py.
      area: 278 * um2,
      // One op per cycle at DNN_NeuroSim V1.3 Param.cpp clkFreq = 1 GHz.
      latency: 1 * ns,
      // MNSIM 2.0 SimConfig.ini: 64 pooling units per tile.
      lanes: 64,
    },
    tia: {
      // Analog integrator (the NeuRRAM neuron's current integration): 0.25 pJ, 350 um^2, an Accelergy
      // estimate at 130 nm modelled on Wan et al., Nature 2022 (hwcomponents-library neurram.py),
      // used unscaled: no 32 nm figure found (docs/sources.md section 4).
      energy: 0.25 * pJ,
      area: 350 * um2,
      // It integrates during the read pulse; 1 ns to settle and hand on is our assumption.
      latency: 1 * ns,
    },
    analogUnit: {
      // Analog sample (and clamp) per element: 1.2 pJ, 45 um^2, hwcomponents-library neurram.py (130 nm
      // Accelergy estimate), unscaled; taking it for a rectifier or a max/average unit is our assumption.
      energy: 1.2 * pJ,
      area: 45 * um2,
      // One settling time per operation (assumption, as the amplifier).
      latency: 1 * ns,
      // As many parallel units as MNSIM 2.0 SimConfig.ini gives pooling units per tile (64).
      parallel: 64,
    },
    switchMatrix: {
      // Derived in switch-model.ts from DNN_NeuroSim V1.3 (SwitchMatrix.cpp, DFF.cpp, formula.cpp) with its PTM
      // 32 nm LP technology (Technology.cpp: Vdd 0.9 V, C_gate 8.375e-10 + 0.2x overlap + 6.857e-10 F/m, I_on
      // 600.2 / 400 uA/um, R multiplier 1.77) and constant.h layout rules: a transmission gate of 8.36F/12.54F
      // devices, C_drain 0.273 fF -> 3 C_drain Vdd^2 = 0.66 fJ per line pass; R_tg 0.99 kOhm -> 1.3 ps into one
      // gate; 7.6F x 28F = 212.8 F^2 = 0.218 um^2 per gate; DFF 12 inverter cells = 2553.6 F^2 = 2.61 um^2.
      // docs/sources.md section 11. The node is LP, NeuroSim's default roadmap (Param.cpp deviceroadmap = 2).
      ...switchMatrixFigures(),
    },
    interconnect: {
      // Derived in interconnect.ts from DNN_NeuroSim V1.3 HTree.cpp, Param.cpp (32 nm: wire 56 nm, AR 1.8,
      // rho 3.70e-8; segments 112 nm, AR 1.6, rho 2.52e-8; 0.2 fF/um; delay tolerance 0.1; folded 4) with
      // PTM 32 nm LP (Technology.cpp): repeaters of 48 x minimum size every 200 um -> 358 ps/mm and
      // 55 fJ per bit per mm (activity 0.25). docs/sources.md section 12.
      ...interconnectFigures(),
    },
    buffer: {
      // ISAAC eDRAM: 20.45 pJ per 256-bit access (isaac.py IsaacEDRAM) = 20.45 / 32 pJ per byte.
      energyPerByte: (20.45 * pJ) / 32,
      // ISAAC eDRAM: 64 KB in 83 000 um^2 (isaac.py IsaacEDRAM, Shafiee et al. 2016).
      areaPerByte: (83000 * um2) / 65536,
      // ISAAC eDRAM: one 256-bit access per 1 ns global cycle (isaac.py CSV: width 256, cycle 1e-9 s).
      bandwidth: 32 / ns,
    },
  };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Overrides merged into a library: objects recursively, tables and numbers replaced. */
export function mergeComponents(base: ComponentLibrary, over: DeepPartial<ComponentLibrary> = {}): ComponentLibrary {
  const merge = (b: unknown, o: unknown, path: string): unknown => {
    if (o === undefined) return b;
    if (isPlainObject(b)) {
      if (!isPlainObject(o)) throw new UserError(`cost components: '${path}' must be an object`, 'give only the fields to change');
      const out: Record<string, unknown> = { ...b };
      for (const k of Object.keys(o)) {
        if (!(k in b)) {
          throw new UserError(`cost components: unknown field '${path ? `${path}.` : ''}${k}'`, `known fields: ${Object.keys(b).join(', ')}`);
        }
        out[k] = merge(b[k], o[k], path ? `${path}.${k}` : k);
      }
      return out;
    }
    return o;
  };
  return validateComponents(merge(base, over, '') as ComponentLibrary);
}

/** Checks every value: finite, non-negative, tables well formed. Returns the library. */
export function validateComponents(lib: ComponentLibrary): ComponentLibrary {
  const bad = (path: string, what: string, fix: string): never => {
    throw new UserError(`cost components: ${path} ${what}`, fix);
  };
  const num = (path: string, v: unknown, positive: boolean): void => {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (positive && v === 0)) {
      bad(path, `must be a ${positive ? 'positive' : 'non-negative'} finite number, got ${String(v)}`, 'e.g. 1e-12 (SI units: J, s, m^2)');
    }
  };
  const table = (path: string, t: unknown): void => {
    if (!Array.isArray(t) || t.length === 0) bad(path, 'must be a non-empty list of [bits, value] pairs', 'e.g. [[4, 0.79e-12], [8, 1.67e-12]]');
    let last = 0;
    (t as unknown[]).forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== 2) bad(`${path}[${i}]`, 'must be a [bits, value] pair', 'e.g. [8, 1.67e-12]');
      const [bits, v] = row as unknown[];
      if (typeof bits !== 'number' || !Number.isInteger(bits) || bits < 1 || bits <= last) {
        bad(`${path}[${i}]`, `bits must be whole numbers >= 1 in ascending order, got ${String(bits)}`, 'sort the table by bits');
      }
      last = bits as number;
      num(`${path}[${i}] value`, v, true);
    });
  };
  num('technology.featureSize', lib.technology.featureSize, true);
  num('cell.areaF2', lib.cell.areaF2, false);
  table('dac.energy', lib.dac.energy);
  table('dac.area', lib.dac.area);
  num('dac.latency', lib.dac.latency, false);
  num('sampleHold.energy', lib.sampleHold.energy, false);
  num('sampleHold.area', lib.sampleHold.area, false);
  table('adc.energy', lib.adc.energy);
  num('adc.energyPerBitAbove', lib.adc.energyPerBitAbove, true);
  table('adc.area', lib.adc.area);
  num('adc.latencyPerBit', lib.adc.latencyPerBit, false);
  num('adc.latencyFixed', lib.adc.latencyFixed, false);
  num('adc.columnsPerAdc', lib.adc.columnsPerAdc, true);
  num('shiftAdd.energy', lib.shiftAdd.energy, false);
  num('shiftAdd.area', lib.shiftAdd.area, false);
  num('shiftAdd.latency', lib.shiftAdd.latency, false);
  num('shiftAdd.unitsPerAdc', lib.shiftAdd.unitsPerAdc, true);
  num('digital.energy', lib.digital.energy, false);
  num('digital.area', lib.digital.area, false);
  num('digital.latency', lib.digital.latency, false);
  num('digital.lanes', lib.digital.lanes, true);
  if (!Number.isInteger(lib.digital.lanes)) bad('digital.lanes', `must be a whole number, got ${lib.digital.lanes}`, 'e.g. 64');
  num('tia.energy', lib.tia.energy, false);
  num('tia.area', lib.tia.area, false);
  num('tia.latency', lib.tia.latency, false);
  num('analogUnit.energy', lib.analogUnit.energy, false);
  num('analogUnit.area', lib.analogUnit.area, false);
  num('analogUnit.latency', lib.analogUnit.latency, false);
  num('analogUnit.parallel', lib.analogUnit.parallel, true);
  num('switchMatrix.energy', lib.switchMatrix.energy, false);
  num('switchMatrix.area', lib.switchMatrix.area, false);
  num('switchMatrix.configBitArea', lib.switchMatrix.configBitArea, false);
  num('switchMatrix.latency', lib.switchMatrix.latency, false);
  if (typeof lib.interconnect.enabled !== 'boolean') bad('interconnect.enabled', `must be true or false, got ${String(lib.interconnect.enabled)}`, 'false turns the interconnect off');
  num('interconnect.energyPerBitLength', lib.interconnect.energyPerBitLength, false);
  num('interconnect.delayPerLength', lib.interconnect.delayPerLength, false);
  num('interconnect.busWidth', lib.interconnect.busWidth, true);
  num('interconnect.pathPerSide', lib.interconnect.pathPerSide, false);
  num('interconnect.trackPitch', lib.interconnect.trackPitch, false);
  num('interconnect.treeLengthPerSide', lib.interconnect.treeLengthPerSide, false);
  num('buffer.energyPerByte', lib.buffer.energyPerByte, false);
  num('buffer.areaPerByte', lib.buffer.areaPerByte, false);
  num('buffer.bandwidth', lib.buffer.bandwidth, true);
  return lib;
}

/**
 * Value of a bits table at `bits`. Between entries: geometric (log-linear) interpolation. Outside
 * the table: geometric extrapolation with the ratio per bit of the two nearest entries, or
 * `perBitAbove` above the table when given. A one-entry table is constant where no ratio is given.
 */
export function lookupBits(table: BitsTable, bits: number, perBitAbove?: number): number {
  const n = table.length;
  const ratio = (a: readonly [number, number], b: readonly [number, number]): number => (b[1] / a[1]) ** (1 / (b[0] - a[0]));
  const first = table[0];
  const last = table[n - 1];
  if (bits <= first[0]) {
    if (bits === first[0] || n === 1) return first[1];
    return first[1] / ratio(first, table[1]) ** (first[0] - bits);
  }
  if (bits >= last[0]) {
    if (bits === last[0]) return last[1];
    const r = perBitAbove ?? (n > 1 ? ratio(table[n - 2], last) : 1);
    return last[1] * r ** (bits - last[0]);
  }
  let i = 0;
  while (table[i + 1][0] < bits) i++;
  const lo = table[i];
  const hi = table[i + 1];
  if (hi[0] === bits) return hi[1];
  return lo[1] * ratio(lo, hi) ** (bits - lo[0]);
}

/** Area of one cell (m^2): areaF2 * F^2. */
export function cellArea(lib: ComponentLibrary): number {
  return lib.cell.areaF2 * lib.technology.featureSize ** 2;
}

export function adcEnergy(lib: ComponentLibrary, bits: number): number {
  return lookupBits(lib.adc.energy, bits, lib.adc.energyPerBitAbove);
}

export function adcArea(lib: ComponentLibrary, bits: number): number {
  return lookupBits(lib.adc.area, bits);
}

export function adcLatency(lib: ComponentLibrary, bits: number): number {
  return lib.adc.latencyFixed + bits * lib.adc.latencyPerBit;
}

export function dacEnergy(lib: ComponentLibrary, bits: number): number {
  return lookupBits(lib.dac.energy, bits);
}

export function dacArea(lib: ComponentLibrary, bits: number): number {
  return lookupBits(lib.dac.area, bits);
}
