/** The pruning + quantization experiment (issue 5 part 2; docs/prune-quant.md): LeNet-5 on MNIST over sparsity and weight bits on SBT-memristor crossbars (reconstructed preset), conventional and with analog activation / max-pooling units. */
export {
  runPruneQuantExperiment, resolvePruneQuantOptions, pruneQuantHardware, hardwareWeightBits, quantizeFor, buildLenet, PRUNE_QUANT_DEFAULTS,
  type PruneQuantOptions, type ResolvedPruneQuantOptions, type PruneQuantResult, type PruneQuantRow, type PruneQuantProgress, type PruneQuantScheme, PRUNE_QUANT_SCHEMES,
} from './run.js';
export { countCells, type CellCount } from './cells.js';
export { copyParams } from './clone.js';
export { formatPruneQuantTable, PAPER_CLAIM } from './format.js';
