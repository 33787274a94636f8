/**
 * The BNN experiment's text output: one table row per (network, deployment, fault rate), then the
 * paper's qualitative claims as a labelled reference string, never used in computation.
 */
import { count, pct, pctMeanStd, si, textTable } from '../common/table.js';
import type { BnnResult, BnnRow } from './run.js';

/**
 * "Highly parallelized memristive binary neural network", Neural Networks 144:565-572, 2021,
 * doi 10.1016/j.neunet.2021.09.016: the abstract only (docs/sources.md section 9). It gives no
 * accuracy, energy or area figure that we could compare with.
 */
export const PAPER_CLAIM =
  'Neural Networks 144 (2021), abstract only: +-1 weights and activations need less storage and simpler programming than ' +
  'multi-level weights; inputs and kernels transformed so each crossbar input port sees a voltage of constant sign; batch ' +
  'normalisation and binarisation folded into one processing circuit, so a layer\'s output is directly the next layer\'s input. ' +
  'No accuracy, energy or latency figures published.';

const DEPLOYMENT_LABELS: Readonly<Record<BnnRow['deployment'], string>> = {
  software: 'software',
  'bnn-ideal': 'bnn scheme, ideal device (fold check)',
  'bnn-exact': 'bnn scheme, exact binary cells (diagnostic)',
  bnn: 'bnn scheme',
  conventional: 'conventional 8-bit',
};

export function formatBnnTable(result: BnnResult): string {
  const header = ['network', 'model', 'deployment', 'device', 'faults', 'accuracy (mean ± std)', 'software', 'tiles', 'cells (programmed / in tiles)', 'sense-amp / ADC stages', 'energy/inf', 'latency'];
  const rows = result.rows.map((r) => [
    r.networkLabel,
    r.variant,
    DEPLOYMENT_LABELS[r.deployment],
    r.device,
    r.deployment === 'software' ? '-' : pct(r.faultRate),
    pctMeanStd(r.accuracy),
    pct(r.softwareAccuracy),
    r.cells ? `${r.cells.tiles} x ${r.cells.tileShape}` : '-',
    r.cells ? `${count(r.cells.programmedCells)} / ${count(r.cells.tileCells)}` : '-',
    r.cells ? `${r.cells.senseAmpStages} / ${r.cells.adcStages}` : '-',
    r.energy ? si(r.energy.total, 'J') : '-',
    r.latency !== undefined ? si(r.latency, 's') : '-',
  ]);
  const o = result.options;
  const notes = [
    `Accuracy over ${o.chips} chips x ${Object.values(result.data).map((d) => d.test).join('/')} test samples (seed ${o.seed}); ` +
      `${o.epochs} epochs on ${Object.values(result.data).map((d) => d.train).join('/')} training samples, Adam lr ${o.lr}.`,
    `bnn scheme: ${o.bnnDevice} cells (differential pairs), first layer binary weights on ${o.dacBits}-bit DAC pixel inputs, hidden layers 0/V rows ` +
      `into sense amplifiers (batch norm + sign folded), classifier ${o.lastLayer} with a ${o.adcBits}-bit ADC; ` +
      `layers whose weights are not +-1 on ${o.floatLayerDevice} cells (analog weights; the device column names them). ` +
      `conventional: the float network on ${o.conventionalDevice} cells, analog weights, ${o.dacBits}-bit DAC / ${o.adcBits}-bit ADC per layer. ` +
      `Faults f: f/2 of the cells stuck at gMin, f/2 at gMax. Energy and latency from chip 0.`,
    `Paper (reference, not computed): ${PAPER_CLAIM}`,
  ];
  return [textTable(header, rows, [false, false, false, false, true, true, true, true, true, true, true, true]), '', ...notes].join('\n');
}
