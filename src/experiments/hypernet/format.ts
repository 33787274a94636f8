/**
 * The hypernetwork experiment's text output: per genotype, software accuracy (float, k-bit), analog
 * accuracy over chips for the individual and the hypernetwork deployment, and the hypernetwork's
 * power, latency and area against the individual deployment's; then the absolute figures, and the
 * paper's figures as a labelled reference string, never used in computation.
 */
import { count, pct, pctMeanStd, si, textTable } from '../common/table.js';
import { DEFAULT_VERIFY_PULSES } from '../../device/index.js';
import type { HypernetResult } from './run.js';

/** Lyu et al., Neural Networks 2024, doi 10.1016/j.neunet.2024.106312 (/work/shared/PAPERS.md section 3; issue 7). */
export const PAPER_REFERENCE =
  'Lyu et al., Neural Networks 2024 (full-size DARTS networks, CIFAR-10, 8-bit): PDARTS 89.2 % accuracy; hypernetwork against ' +
  'individual deployment: about the same power (~1x), +22-25 % latency, 1.5x area.';

function ratio(x: number): string {
  return Number.isFinite(x) ? `${x.toFixed(3)}x` : '-';
}

function area(m2: number): string {
  return Number.isFinite(m2) ? `${(m2 * 1e6).toPrecision(3)} mm²` : '-';
}

export function formatHypernetTable(result: HypernetResult): string {
  const header = [
    'genotype', 'params', 'float', `${result.options.weightBits}-bit`, 'ideal indiv.', 'ideal hyper', 'individual chips', 'hypernet chips',
    'power ratio', 'latency ratio', 'area ratio',
  ];
  const rows = result.rows.map((r) => [
    r.genotype, count(r.params), pct(r.floatAccuracy), pct(r.quantAccuracy), pct(r.individual.idealAccuracy), pct(r.hypernetwork.idealAccuracy),
    pctMeanStd(r.individual.accuracy), pctMeanStd(r.hypernetwork.accuracy),
    ratio(r.ratios.power), ratio(r.ratios.latency), ratio(r.ratios.area),
  ]);
  const costHeader = ['genotype', 'deployment', 'analog stages', 'tiles', 'energy/inf', 'latency', 'power', 'area'];
  const costRows = result.rows.flatMap((r) =>
    ([['individual', r.individual], ['hypernetwork', r.hypernetwork]] as const).map(([name, f]) => [
      r.genotype, name, String(f.stages), String(f.tiles), si(f.energy.total, 'J'), si(f.latency, 's'), si(f.power, 'W'), area(f.area.total),
    ]),
  );
  const o = result.options;
  const d = result.data;
  const notes = [
    `DARTS networks C ${o.C}, ${o.cells} cells (reductions at 1/3 and 2/3) on ${d.sampleShape.join('x')} ${d.dataset}, ${d.train} training / ${d.test} test images, seed ${o.seed}: ` +
      `float ${o.epochs} epochs (Adam lr ${o.lr}, cosine${o.augment ? ', flip + 4-pixel crop' : ''}), then quantization-aware ${o.quantEpochs} epoch(s) (lr ${o.fineTuneLr}) ` +
      `with ${o.weightBits}-bit weights and ${o.activationBits}-bit activations at every crossbar layer's input. Hypernetwork parameters: ${result.rows.map((r) => `${count(r.hyperParams)}`).join(' / ') || '-'}.`,
    `Deployment: ${o.device}${o.verifyTolerance !== undefined ? ` (program-and-verify to ${o.verifyTolerance} of the conductance range, up to ${DEFAULT_VERIFY_PULSES} pulses)` : ''}, ${o.tile.rows}x${o.tile.cols} tiles, differential pairs, ${o.weightBits}-bit weights scaled per ${o.weightScale === 'column' ? 'output column' : 'layer'}, ${o.dacBits}-bit DAC / ${o.adcBits}-bit ADC calibrated on ${d.calibration} training images; ` +
      `accuracy over ${o.chips} chip(s) (mean ± std); "ideal": the same deployment on noise-free devices with the same converters. ` +
      `Individual: conventional scheme; hypernetwork: ${result.deploymentNote}.`,
    'Ratios: hypernetwork / individual from the cost model (chip 0 activity); power = energy per inference / latency (inferences one after another).',
    `Trained models: ${result.rows.map((r) => `${r.genotype} ${r.cached ? 'from cache' : `trained (${r.trainSeconds.toFixed(0)} s)`}`).join(', ')}.`,
    `Paper (reference, not computed): ${result.paperReference}`,
  ];
  return [
    textTable(header, rows, header.map((_, i) => i > 0)), '',
    textTable(costHeader, costRows, costHeader.map((_, i) => i > 1)), '',
    ...notes,
  ].join('\n');
}
