/**
 * The report's charts as Vega-Lite specs, rendered to SVG strings in Node (no canvas, no browser,
 * no network): `new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' }).toSVG()`.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { CostReport, StageCost } from '../cost/estimate.js';
import type { ReportData } from './types.js';

const WIDTH = 520;

/** Component names as shown, in stacking order. */
const ENERGY_PARTS = [
  ['cells', 'cells'],
  ['dac', 'DAC'],
  ['sampleHold', 'sample & hold'],
  ['adc', 'ADC'],
  ['shiftAdd', 'shift-add'],
  ['digital', 'digital'],
  ['analog', 'analog periphery'],
  ['buffer', 'buffer'],
  ['interconnect', 'interconnect'],
] as const;
const AREA_PARTS = [
  ['cells', 'cells'],
  ['dac', 'DAC'],
  ['sampleHold', 'sample & hold'],
  ['adc', 'ADC'],
  ['shiftAdd', 'shift-add'],
  ['digital', 'digital'],
  ['analog', 'analog periphery'],
] as const;

/** [from, scale, label]: values whose largest is at least `from` are shown divided by `scale`. */
type Unit = readonly [number, number, string];

/** The unit for values up to `max`: [scale, label]. */
function unitFor(max: number, units: readonly Unit[]): readonly [number, string] {
  const u = units.find(([from]) => max >= from) ?? units[units.length - 1];
  return [u[1], u[2]];
}
const ENERGY_UNITS: readonly Unit[] = [[1e-3, 1e-3, 'mJ'], [1e-6, 1e-6, 'µJ'], [1e-9, 1e-9, 'nJ'], [1e-12, 1e-12, 'pJ'], [0, 1e-15, 'fJ']];
// mm² from 0.01 mm² up, as formatArea does
const AREA_UNITS: readonly Unit[] = [[1e-8, 1e-6, 'mm²'], [0, 1e-12, 'µm²']];

/**
 * Accuracy of each simulated chip as a strip of points, with the software (float) accuracy and
 * the chips' mean as vertical rules.
 */
export function accuracySpec(r: ReportData): TopLevelSpec | undefined {
  const sim = r.simulation;
  if (!sim?.scored) return undefined;
  const points = sim.chips.map((c) => ({ accuracy: 100 * c.accuracy, chip: c.chip, seed: c.seed }));
  const rules = [{ accuracy: 100 * sim.stats.mean, what: 'analog mean' }];
  if (r.software) rules.push({ accuracy: 100 * r.software.accuracy, what: 'software (float)' });
  const all = [...points.map((p) => p.accuracy), ...rules.map((p) => p.accuracy)];
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const pad = Math.max(0.05, (hi - lo) * 0.1);
  const x = {
    field: 'accuracy',
    type: 'quantitative' as const,
    title: 'test accuracy (%)',
    scale: { domain: [lo - pad, hi + pad], zero: false, nice: false },
  };
  const ruleLegend = { field: 'what', type: 'nominal' as const, title: null };
  return {
    title: `Accuracy over ${sim.chips.length} simulated chip${sim.chips.length === 1 ? '' : 's'} (one point per chip)`,
    width: WIDTH,
    height: 110,
    layer: [
      {
        data: { values: points },
        // a small deterministic vertical offset per chip keeps equal accuracies apart
        transform: [{ calculate: '((datum.chip * 7) % 11) / 10', as: 'offset' }],
        mark: { type: 'point', filled: true, size: 70, opacity: 0.8, color: '#4c78a8' },
        encoding: {
          x,
          y: { field: 'offset', type: 'quantitative', axis: null, scale: { domain: [-0.2, 1.2] } },
          tooltip: [{ field: 'chip' }, { field: 'seed' }, { field: 'accuracy', format: '.2f' }],
        },
      },
      {
        data: { values: rules },
        mark: { type: 'rule', strokeWidth: 2 },
        encoding: {
          x,
          color: { ...ruleLegend, scale: { domain: ['analog mean', 'software (float)'], range: ['#4c78a8', '#e45756'] } },
          strokeDash: { ...ruleLegend, scale: { domain: ['analog mean', 'software (float)'], range: [[4, 3], [1, 0]] } },
        },
      },
    ],
  } as TopLevelSpec;
}

/** Most bars a per-stage chart draws; larger deployments (a DARTS hypernetwork has thousands of stages) are grouped. */
export const MAX_STAGE_BARS = 60;

/**
 * Stages as bars: one per stage, or, beyond `MAX_STAGE_BARS`, one per group of stages sharing the
 * longest name prefix (dot-separated: `cells.cell2.e5.sep_conv_3x3.dw1` -> `cells.cell2`) that
 * keeps the bar count within the limit, values summed, in execution order of first appearance.
 */
export function stageBars(names: readonly string[], max = MAX_STAGE_BARS): { labels: string[]; groupOf: number[]; depth: number | undefined } {
  const identity = { labels: [...names], groupOf: names.map((_, i) => i), depth: undefined };
  if (names.length <= max) return identity;
  const deepest = Math.max(...names.map((n) => n.split('.').length));
  for (let depth = deepest - 1; depth >= 1; depth--) {
    const labels: string[] = [];
    const index = new Map<string, number>();
    const groupOf = names.map((n) => {
      const key = n.split('.').slice(0, depth).join('.');
      if (!index.has(key)) {
        index.set(key, labels.length);
        labels.push(key);
      }
      return index.get(key)!;
    });
    if (labels.length <= max) return { labels, groupOf, depth };
  }
  return identity;
}

function stackedSpec(
  title: string,
  stages: readonly StageCost[],
  parts: readonly (readonly [string, string])[],
  value: (s: StageCost, key: string) => number,
  units: readonly Unit[],
  axis: string,
): TopLevelSpec {
  const bars = stageBars(stages.map((s) => s.name));
  const sums = bars.labels.map(() => new Map<string, number>());
  stages.forEach((s, i) => {
    const m = sums[bars.groupOf[i]];
    for (const [k] of parts) m.set(k, (m.get(k) ?? 0) + value(s, k));
  });
  const at = (b: number, k: string) => sums[b].get(k) ?? 0;
  const totals = bars.labels.map((_, b) => parts.reduce((a, [k]) => a + at(b, k), 0));
  const [scale, unit] = unitFor(Math.max(...totals, 0), units);
  const present = parts.filter(([k]) => bars.labels.some((_, b) => at(b, k) > 0));
  const values = bars.labels.flatMap((label, b) =>
    present.map(([k, name], order) => ({ stage: label, index: b, component: name, order, value: at(b, k) / scale })),
  );
  const grouped = bars.depth !== undefined ? `, stages grouped by the first ${bars.depth} part(s) of their names` : '';
  return {
    title: `${title}${grouped}`,
    width: WIDTH,
    height: 240,
    data: { values },
    mark: 'bar',
    encoding: {
      x: { field: 'stage', type: 'nominal', sort: bars.labels, title: 'stage (execution order)', axis: { labelAngle: -40 } },
      y: { field: 'value', type: 'quantitative', stack: 'zero', title: `${axis} (${unit})` },
      color: { field: 'component', type: 'nominal', sort: present.map(([, l]) => l), title: 'component' },
      order: { field: 'order', type: 'quantitative' },
      tooltip: [{ field: 'stage' }, { field: 'component' }, { field: 'value', format: '.4~g', title: unit }],
    },
  } as TopLevelSpec;
}

/** Energy per inference of each stage, stacked by component. */
export function energySpec(c: CostReport): TopLevelSpec {
  return stackedSpec(
    'Energy per inference by stage and component', c.stages, ENERGY_PARTS,
    (s, k) => s.energy[k as keyof StageCost['energy']], ENERGY_UNITS, 'energy per inference',
  );
}

/** Area of each stage, stacked by component (the chip-level activation buffer is not a stage's). */
export function areaSpec(c: CostReport): TopLevelSpec {
  return stackedSpec(
    'Area by stage and component', c.stages, AREA_PARTS,
    (s, k) => s.area[k as keyof StageCost['area']], AREA_UNITS, 'area',
  );
}

export interface Chart {
  id: string;
  title: string;
  spec: TopLevelSpec;
}

/** The charts a report has data for, in the order they are shown. */
export function reportCharts(r: ReportData): Chart[] {
  const charts: Chart[] = [];
  const acc = accuracySpec(r);
  if (acc) charts.push({ id: 'accuracy', title: 'Accuracy over chips', spec: acc });
  if (r.cost) {
    charts.push({ id: 'energy', title: 'Energy per inference', spec: energySpec(r.cost.report) });
    charts.push({ id: 'area', title: 'Area', spec: areaSpec(r.cost.report) });
  }
  return charts;
}

/** Renders a Vega-Lite spec to an SVG string (vega and vega-lite are loaded on first use). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
