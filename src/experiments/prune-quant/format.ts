/**
 * The prune-quant experiment's text output: one row per (sparsity, weight bits), then the paper's
 * qualitative claim as a labelled reference string, never used in computation.
 */
import { count, pct, pctMeanStd, si, textTable } from '../common/table.js';
import type { PruneQuantResult, PruneQuantRow } from './run.js';

/**
 * Guo et al., Cogn. Neurodyn. 18:233-245, 2024, doi 10.1007/s11571-022-09927-7: the abstract only
 * (docs/sources.md section 7). It publishes no figure we could compare with.
 */
export const PAPER_CLAIM =
  'Guo et al., Cogn. Neurodyn. 18 (2024), abstract only: pruning plus quantization of an SBT-memristor CNN on MNIST needs ' +
  'fewer memristors, lower power and gives faster recognition, at a small accuracy cost. No device parameters, memristor ' +
  'counts or power figures published; our sbt preset is a reconstruction (docs/sources.md section 7).';

export function formatPruneQuantTable(result: PruneQuantResult): string {
  // reductions against the least pruned, widest-bit row (the dense 8-bit network in the defaults)
  const schemeOrder = (r: PruneQuantRow) => result.options.schemes.indexOf(r.scheme);
  const ref = [...result.rows].sort((a, b) => schemeOrder(a) - schemeOrder(b) || a.sparsity - b.sparsity || b.bits - a.bits)[0];
  const header = [
    'deployment', 'sparsity', 'achieved', 'bits', 'levels', 'slices', 'software', 'chips (mean ± std)', 'non-zero cells', 'cells vs ref', 'zero cols', 'dropped',
    'tiles', 'energy/inf', 'power', 'power vs ref', 'latency',
  ];
  const rows = result.rows.map((r) => [
    r.scheme === 'idm' ? 'idm (analog units)' : r.scheme, pct(r.sparsity), pct(r.achievedSparsity), String(r.bits), String(r.levels), String(r.cells.slices), pct(r.softwareAccuracy), pctMeanStd(r.accuracy),
    `${count(r.cells.nonZeroCells)} / ${count(r.cells.cells)}`,
    ref ? `${(r.cells.nonZeroCells / ref.cells.nonZeroCells).toFixed(3)}x` : '-',
    `${r.cells.zeroColumns} / ${r.cells.columns}`,
    String(r.cells.droppedColumns),
    String(r.cells.tiles), si(r.energy.total, 'J'), si(r.power, 'W'),
    ref ? `${(r.power / ref.power).toFixed(3)}x` : '-',
    si(r.latency, 's'),
  ]);
  const o = result.options;
  const notes = [
    `LeNet-5 on MNIST, ${result.data.train} training / ${result.data.test} test samples, seed ${o.seed}: float ${o.epochs} epochs (Adam lr ${o.lr}) -> ` +
      `software accuracy ${pct(result.floatAccuracy)}; gradual ${o.granularity} pruning ${o.pruneEpochs} epochs, then quantization-aware ${o.quantEpochs} epoch(s) (lr ${o.fineTuneLr}).`,
    `After pruning (float weights): ${result.prunedAccuracy.map((p) => `${pct(p.sparsity)} -> ${pct(p.accuracy)}`).join(', ')}.`,
    `Deployments: ${o.schemes.map((x) => (x === 'idm' ? 'idm = the paper\'s circuit units: crossbar -> analog activation unit -> analog max-pooling unit, converters only at the ends (docs/idm.md)' : 'conventional = ADC, digital ReLU / max-pool, DAC between layers')).join('; ')}; on ${o.device}${o.device === 'sbt' ? ' (reconstructed preset: no SBT parameters published)' : ''}, ${o.tile.rows}x${o.tile.cols} tiles, ` +
      `differential pairs, weightBits = k (k = 1 as weightBits 2): one pair per weight while 2^(k-1) levels fit the device, else the magnitude bit-sliced over pairs of the device's bits (slices), ${o.dacBits}-bit DAC / ${o.adcBits}-bit ADC; accuracy over ${o.chips} chips.`,
    'non-zero cells: memristors programmed above gMin (a zero weight leaves both cells of its pair at gMin), of all cells of the mapped matrices ' +
      '(weights x 2 x slices; dropped columns not counted). zero cols: output columns whose weights are all zero; dropped: of those, left off the crossbars ' +
      `(dropZeroColumns ${o.dropZeroColumns ? 'on' : 'off'}; their outputs are the bias, supplied digitally). Power = energy per inference x inferences per second (1 / latency). "vs ref": against the first deployment's row of least sparsity and most bits.`,
    ...(result.skipped.length > 0 ? [`Not deployed: ${result.skipped.map((k) => `${k.scheme} at ${pct(k.sparsity)} / ${k.bits} bits (${k.reason})`).join('; ')}.`] : []),
    `Paper (reference, not computed): ${PAPER_CLAIM}`,
  ];
  return [textTable(header, rows, header.map((_, i) => i > 0)), '', ...notes].join('\n');
}
