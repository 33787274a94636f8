/** Plain-text table of a CostReport: one row per stage and a total, values in readable units. */
import type { CostReport, EnergyBreakdown, StageCost } from './estimate.js';

const PREFIXES: [number, string][] = [
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
  [1, ''],
  [1e-3, 'm'],
  [1e-6, 'u'],
  [1e-9, 'n'],
  [1e-12, 'p'],
  [1e-15, 'f'],
];

/** Three significant digits, no exponent (whole numbers from 100 up). */
function sig3(x: number): string {
  return Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3);
}

/** An SI quantity with a prefix so the number lies in [1, 1000): 1.23e-11 J -> "12.3 pJ". */
export function formatSi(value: number, unit: string): string {
  if (value === 0) return `0 ${unit}`;
  if (!Number.isFinite(value)) return `${value} ${unit}`;
  const abs = Math.abs(value);
  const [scale, prefix] = PREFIXES.find(([s]) => abs >= s * (1 - 5e-4)) ?? PREFIXES[PREFIXES.length - 1];
  return `${sig3(value / scale)} ${prefix}${unit}`;
}

/** Area given in m^2 as um^2 below 0.01 mm^2, else mm^2. */
export function formatArea(m2: number): string {
  if (m2 === 0) return '0';
  const um2 = m2 / 1e-12;
  return um2 < 1e4 ? `${sig3(um2)} um^2` : `${sig3(m2 / 1e-6)} mm^2`;
}

/** A plain count with an SI prefix: 1.5e6 -> "1.50 M". */
function count(x: number): string {
  return formatSi(x, '').trimEnd();
}

function percent(x: number): string {
  return x === 0 ? '0' : x < 1e-4 ? '<0.01%' : `${(100 * x).toFixed(2)}%`;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...rows.slice(0, -1).map(line), rule, line(rows[rows.length - 1])].join('\n');
}

export function formatCostTable(report: CostReport): string {
  const { totals } = report;
  const withSampleHold = totals.energy.sampleHold > 0 || totals.area.sampleHold > 0;
  const withAnalog = totals.energy.analog > 0 || totals.area.analog > 0;
  const energyCols: [keyof EnergyBreakdown, string][] = [
    ['cells', 'E cells'],
    ['dac', 'E DAC'],
    ...(withSampleHold ? [['sampleHold', 'E S&H'] as [keyof EnergyBreakdown, string]] : []),
    ['adc', 'E ADC'],
    ['shiftAdd', 'E shift-add'],
    ['digital', 'E digital'],
    ...(withAnalog ? [['analog', 'E analog'] as [keyof EnergyBreakdown, string]] : []),
    ['buffer', 'E buffer'],
    ...(totals.energy.interconnect > 0 ? [['interconnect', 'E wires'] as [keyof EnergyBreakdown, string]] : []),
    ['total', 'E total'],
  ];
  const header = ['stage', 'kind', 'tiles', ...energyCols.map(([, h]) => h), 'latency', 'area', 'ADC clip'];
  const row = (name: string, kind: string, tiles: string, energy: EnergyBreakdown, latency: number, area: number, clip: string): string[] => [
    name, kind, tiles, ...energyCols.map(([k]) => (energy[k] === 0 ? '0' : formatSi(energy[k], 'J'))), formatSi(latency, 's'), formatArea(area), clip,
  ];
  const rows = report.stages.map((s: StageCost) =>
    s.kind === 'analog'
      ? row(s.name, s.kind, String(s.tiles), s.energy, s.latency, s.area.total, percent(s.adcClippedFraction))
      : row(s.name, s.kind, '-', s.energy, s.latency, s.area.total, '-'),
  );
  rows.push(row('total', '', String(totals.tiles), totals.energy, totals.latency, totals.area.total, percent(totals.adcClippedFraction)));
  const a = totals.area;
  const lines = [
    `Cost per inference (averaged over ${report.inferences} inference${report.inferences === 1 ? '' : 's'}; energy and latency per inference)`,
    table(header, rows),
    '',
    `ops/inference ${count(totals.ops)} (2 x ${count(totals.macs)} MACs); ${sig3(totals.topsPerWatt)} TOPS/W`,
    `latency ${formatSi(totals.latency, 's')} sequential (${count(totals.inferencesPerSecond.sequential)} inferences/s); ` +
      `layer-pipelined interval ${formatSi(totals.pipelineInterval, 's')} (${count(totals.inferencesPerSecond.pipelined)} inferences/s)`,
    `area ${formatArea(a.total)}: cells ${formatArea(a.cells)}, DAC ${formatArea(a.dac)}, ` +
      (withSampleHold ? `S&H ${formatArea(a.sampleHold)}, ` : '') +
      `ADC ${formatArea(a.adc)}, shift-add ${formatArea(a.shiftAdd)}, digital ${formatArea(a.digital)}, ` +
      (withAnalog ? `analog periphery ${formatArea(a.analog)}, ` : '') +
      `buffer ${formatArea(a.buffer)} (${totals.bufferCapacity} B), ` +
      `interconnect ${formatArea(a.interconnect)}; ${totals.tiles} tiles, ${totals.cells} cells`,
  ];
  return lines.join('\n');
}
