/**
 * The report's tables (as data, for the terminal and the HTML page alike): the summary a run ends
 * with, the per-chip accuracies, the deployment inspection and the per-layer cost. On the terminal
 * the per-layer cost is `formatCostTable` (src/cost).
 */
import type { HardwareConfig } from '../crossbar/hardware.js';
import type { CostReport, EnergyBreakdown } from '../cost/estimate.js';
import { formatCostTable } from '../cost/format.js';
import { type Align, type TableModel, count, formatArea, formatSi, pct, renderText, sig3 } from './table.js';
import type { ChipRecord, DeploymentInspection, ReportData } from './types.js';

/** `rram (32 levels), 128x128 tiles, differential, DAC 8 b amplitude, ADC 8 b calibrated` */
export function describeHardware(hw: HardwareConfig): string {
  const levels = Number.isFinite(hw.device.levels) ? `${hw.device.levels} levels` : 'analog levels';
  const weights = hw.weightBits === undefined ? '' : `, ${hw.weightBits}-bit weights${hw.cellBits === undefined ? '' : ` (${hw.cellBits} b/cell)`}`;
  const ir = hw.wireResistance > 0 ? `, wire ${hw.wireResistance} ohm/cell (${hw.irDrop ?? 'nodal'} IR drop)` : '';
  // per-layer overrides (hardware.layers): `; layer out: rram, 8-bit weights`
  const own = Object.entries(hw.layers ?? {}).map(([name, l]) =>
    `; layer ${name}: ${[l.device?.name, l.weightBits !== undefined ? `${l.weightBits}-bit weights` : undefined, l.cellBits !== undefined ? `${l.cellBits} b/cell` : undefined].filter(Boolean).join(', ')}`);
  return (
    `${hw.device.name} (${levels}), ${hw.tile.rows}x${hw.tile.cols} tiles, ${hw.mapping}${weights}, ` +
    `DAC ${hw.dac.bits} b ${hw.dac.mode}, ADC ${hw.adc.bits} b ${hw.adc.range}${ir}${own.join('')}`
  );
}

/** `98.95% +- 0.05% (98.87% .. 99.03%)` */
export function accuracySpread(s: { mean: number; std: number; min: number; max: number }): string {
  return `${pct(s.mean)} +- ${pct(s.std)} (${pct(s.min)} .. ${pct(s.max)})`;
}

/** The title line of a report: model, data, scheme and hardware. */
export function reportTitle(r: ReportData): string {
  const parts = [`${r.model.name} on ${r.dataset.name}`];
  if (r.deployment) parts.push(`${r.deployment.scheme} scheme on ${describeHardware(r.deployment.hardware)}`);
  return parts.join('; ');
}

/**
 * The one table a run ends with: software and analog accuracy, energy, latency, throughput, area,
 * tiles and TOPS/W; rows whose stage did not run are left out.
 */
export function summaryTable(r: ReportData): TableModel {
  const rows: string[][] = [];
  if (r.software) rows.push(['software accuracy', `${pct(r.software.accuracy)} (float model, ${r.software.n} test samples)`]);
  const sim = r.simulation?.scored ? r.simulation : undefined;
  if (sim) {
    const n = sim.chips.length;
    rows.push([`analog accuracy (${n} chip${n === 1 ? '' : 's'})`, `${accuracySpread(sim.stats)}  mean +- std (min .. max)`]);
    if (r.software) rows.push(['accuracy drop', `${(100 * (r.software.accuracy - sim.stats.mean)).toFixed(2)} points (software - analog mean)`]);
  }
  const c = r.cost?.report;
  if (c) {
    const t = c.totals;
    rows.push(['energy per inference', `${formatSi(t.energy.total, 'J')} (ADC ${formatSi(t.energy.adc, 'J')}, cells ${formatSi(t.energy.cells, 'J')})`]);
    rows.push(['latency per inference', `${formatSi(t.latency, 's')} (layer-pipelined interval ${formatSi(t.pipelineInterval, 's')})`]);
    rows.push(['inferences/s', `${count(t.inferencesPerSecond.sequential)} sequential, ${count(t.inferencesPerSecond.pipelined)} layer-pipelined`]);
    rows.push(['area', `${formatArea(t.area.total)} (ADC ${formatArea(t.area.adc)}, cells ${formatArea(t.area.cells)})`]);
    rows.push(['tiles', `${t.tiles} (${count(t.cells)} cells)`]);
    rows.push(['TOPS/W', `${sig3(t.topsPerWatt)} (${count(t.ops)} ops per inference)`]);
  } else if (r.deployment) {
    rows.push(['tiles', `${r.deployment.totals.tiles} (${count(r.deployment.totals.cells)} cells)`]);
  }
  return { header: ['metric', 'value'], rows, align: ['l', 'l'] };
}

export function formatSummary(r: ReportData): string {
  const lines = [`Summary: ${reportTitle(r)}`, renderText(summaryTable(r))];
  if (r.cost) lines.push(`(energy, latency and ADC clipping from the activity of chip ${r.cost.chip} over ${r.cost.inferences} test inferences)`);
  return lines.join('\n');
}

/** One row per chip. */
export function chipTable(chips: readonly ChipRecord[]): TableModel {
  return {
    header: ['chip', 'seed', 'accuracy', 'correct', 'stuck cells'],
    rows: chips.map((c) => [String(c.chip), String(c.seed), pct(c.accuracy), `${c.correct}/${c.samples}`, String(c.stuckCells)]),
    align: ['r', 'r', 'r', 'r', 'r'],
  };
}

function amps(a: number): string {
  return formatSi(a, 'A');
}

/**
 * Per stage its matrix, slices, tiles, row x column blocks, utilisation and converter ranges;
 * digital stages with the reason they are digital.
 */
export function inspectionTable(ins: DeploymentInspection): TableModel {
  const header = ['stage', 'type', 'kind', 'K x N', 'slices', 'tiles', 'blocks', 'util', 'DAC full scale', 'ADC full scale', 'note'];
  const align: Align[] = ['l', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'];
  const rows = ins.stages.map((s) => {
    if (s.kind !== 'analog') return [s.name, s.layerType, s.kind === 'digital' ? 'digital' : 'analog unit', '-', '-', '-', '-', '-', '-', '-', s.reason];
    const adc = s.adc.fullScaleMin === s.adc.fullScaleMax ? amps(s.adc.fullScaleMax) : `${amps(s.adc.fullScaleMin)} .. ${amps(s.adc.fullScaleMax)}`;
    const notes = [
      ...(s.folded.length ? [`batch norm ${s.folded.join(', ')} folded in`] : []),
      ...(s.vectorsPerSample > 1 ? [`${s.vectorsPerSample} vectors/inference`] : []),
    ];
    // a cascaded stage (IDM) takes its input as a voltage and hands its output on through an amplifier
    const dacCell = s.dacAtInput ? `${sig3(s.dac.fullScale)}${s.dac.signed ? ' signed' : ''}` : `analog in (${sig3(s.dac.fullScale)})`;
    const adcCell = s.adcAtOutput ? adc : s.tiaFullScale !== undefined ? `TIA, out ${sig3(s.tiaFullScale)}` : 'analog sum';
    return [
      s.name, s.layerType, 'analog', `${s.K} x ${s.N}`, String(s.slices), String(s.tiles), `${s.rowBlocks} x ${s.colBlocks}`,
      pct(s.utilization, 1), dacCell, adcCell, notes.join('; '),
    ];
  });
  const t = ins.totals;
  const util = pct(t.cells > 0 ? t.programmedCells / t.cells : 0, 1);
  const footer = [['total', '', '', '', '', String(t.tiles), '', util, '', '', `${t.analogStages} analog, ${t.digitalStages} digital stages${t.analogUnits > 0 ? `, ${t.analogUnits} analog units` : ''}`]];
  return { header, rows, align, footer };
}

export const INSPECTION_NOTES = [
  'blocks: row blocks x column blocks (row blocks are converted separately and added digitally);',
  'util: programmed cells / cells of the tiles used; DAC full scale in input units; ADC full scale per row block and slice.',
];

export function formatInspection(ins: DeploymentInspection): string {
  return [`Deployment of ${ins.modelName}: ${ins.scheme} scheme on ${describeHardware(ins.hardware)}`, renderText(inspectionTable(ins)), ...INSPECTION_NOTES].join('\n');
}

const ENERGY_COLUMNS: [keyof EnergyBreakdown, string][] = [
  ['cells', 'E cells'], ['dac', 'E DAC'], ['sampleHold', 'E S&H'], ['adc', 'E ADC'], ['shiftAdd', 'E shift-add'],
  ['digital', 'E digital'], ['analog', 'E analog'], ['buffer', 'E buffer'], ['interconnect', 'E wires'], ['total', 'E total'],
];

/** A clipped fraction as formatCostTable shows it: `0`, `<0.01%`, `1.23%`. */
function clipped(x: number): string {
  return x === 0 ? '0' : x < 1e-4 ? '<0.01%' : pct(x);
}

/** The per-layer cost as a table model (the HTML page's; the terminal prints `formatCostTable`). */
export function costTable(c: CostReport): TableModel {
  const cols = ENERGY_COLUMNS.filter(([k]) => (k !== 'sampleHold' || c.totals.energy.sampleHold > 0) && (k !== 'analog' || c.totals.energy.analog > 0) && (k !== 'interconnect' || c.totals.energy.interconnect > 0));
  const e = (x: number) => (x === 0 ? '0' : formatSi(x, 'J'));
  const rows = c.stages.map((s) => [
    s.name, s.kind, s.kind === 'analog' ? String(s.tiles) : '-', ...cols.map(([k]) => e(s.energy[k])), formatSi(s.latency, 's'),
    formatArea(s.area.total), s.kind === 'analog' ? clipped(s.adcClippedFraction) : '-',
  ]);
  const t = c.totals;
  const footer = [['total', '', String(t.tiles), ...cols.map(([k]) => e(t.energy[k])), formatSi(t.latency, 's'), formatArea(t.area.total), clipped(t.adcClippedFraction)]];
  return {
    header: ['stage', 'kind', 'tiles', ...cols.map(([, h]) => h), 'latency', 'area', 'ADC clip'],
    rows,
    align: ['l', 'l', ...Array<Align>(cols.length + 4).fill('r')],
    footer,
  };
}

/** What a run prints at the end: the summary, then the per-layer cost breakdown when there is one. */
export function formatFinal(r: ReportData): string {
  const parts = [formatSummary(r)];
  if (r.cost) parts.push(formatCostTable(r.cost.report));
  return parts.join('\n\n');
}
