/**
 * Compression as weight transforms (src/nn/layer.ts): quantization, binarization, magnitude pruning and
 * supermasks, plus activation quantization. Importing this module registers the transforms
 * ('quantize', 'binarize', 'prune', 'supermask') and the 'QuantizeActivation' layer, which `loadModel`
 * needs to restore a compressed model. See docs/compress.md.
 */
export { type WeightTarget, allWeightTargets, weightTargets, effectiveWeight, fanIn } from './targets.js';
export { topKMask } from './select.js';
export {
  QuantizeTransform, quantizeModel, quantizedLevels, uniformQuantize, weightScale, weightLevels,
  QUANT_GRIDS, QUANT_SCALES, MAX_QUANT_BITS,
  type QuantGrid, type QuantScale, type QuantizeOptions, type QuantizeModelOptions, type LevelCount,
} from './quantize.js';
export { QuantizeActivation, quantizeActivations, ACTIVATION_RANGES, type ActivationRange, type QuantizeActivationOptions } from './activation.js';
export {
  InputQuantizer, quantizeLayerInputs, inputQuantizers, removeInputQuantizers, crossbarLayers,
  type InputQuantizeOptions, type InputQuantizerState,
} from './input-quant.js';
export { BinarizeTransform, binarizeModel, BINARY_SCALES, type BinaryScale, type BinarizeModelOptions, type LayerPrecision } from './binarize.js';
export {
  PruneTransform, pruneModel, pruneTransforms, pruneGroups, sparsityReport, PRUNE_GRANULARITIES, GROUP_NORMS,
  type PruneGranularity, type GroupNorm, type PruneOptions, type PruneModelOptions, type SparsityRow, type SparsityReport,
} from './prune.js';
export { cubicSparsity, gradualPruning, type CubicSchedule, type GradualPruningOptions, type GradualPruning } from './schedule.js';
export {
  SupermaskTransform, supermaskModel, supermaskTransforms, maskDensity, setFlipThreshold, FLIP_REFERENCES, PRUNED_WEIGHTS,
  type SupermaskOptions, type SupermaskModelOptions, type FlipReference, type PrunedWeight, type MaskDensity, type MaskDensityRow,
} from './supermask.js';
