/**
 * Energy per inference by component, from a CostReport, with the analog periphery split into its
 * two parts: the transimpedance amplifiers of the crossbar stages (`tia`) and the analog activation
 * and pooling units between them (`analogUnits`). Both sit in the report's `analog` column.
 */
import type { CostReport } from '../../cost/index.js';

export const ENERGY_PARTS = ['cells', 'dac', 'sampleHold', 'adc', 'shiftAdd', 'digital', 'tia', 'analogUnits', 'buffer', 'interconnect'] as const;
export type EnergyPart = (typeof ENERGY_PARTS)[number];

/** Column titles of the parts. */
export const PART_LABELS: Readonly<Record<EnergyPart, string>> = {
  cells: 'cells',
  dac: 'DAC',
  sampleHold: 'S&H',
  adc: 'ADC',
  shiftAdd: 'shift-add',
  digital: 'digital',
  tia: 'TIA',
  analogUnits: 'analog units',
  buffer: 'buffer',
  interconnect: 'interconnect',
};

/** Joules per inference per part, and their total. */
export type EnergyParts = Record<EnergyPart, number> & { total: number };

export function energyParts(report: CostReport): EnergyParts {
  const parts = Object.fromEntries(ENERGY_PARTS.map((k) => [k, 0])) as Record<EnergyPart, number>;
  for (const s of report.stages) {
    const e = s.energy;
    parts.cells += e.cells;
    parts.dac += e.dac;
    parts.sampleHold += e.sampleHold;
    parts.adc += e.adc;
    parts.shiftAdd += e.shiftAdd;
    parts.digital += e.digital;
    parts.buffer += e.buffer;
    parts.interconnect += e.interconnect;
    if (s.kind === 'analog-unit') parts.analogUnits += e.analog;
    else parts.tia += e.analog;
  }
  return { ...parts, total: report.totals.energy.total };
}

/** Each part's fraction of the total (0 for an empty total). */
export function energyShares(p: EnergyParts): Record<EnergyPart, number> {
  return Object.fromEntries(ENERGY_PARTS.map((k) => [k, p.total > 0 ? p[k] / p.total : 0])) as Record<EnergyPart, number>;
}

/** Conversions per inference, counted by the simulator on chip 0. */
export interface Conversions {
  dac: number;
  adc: number;
  tia: number;
  /** Element operations of analog units (IDM) and digital units. */
  analogOps: number;
  digitalOps: number;
}
