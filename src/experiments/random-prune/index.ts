/**
 * The random-resistive-memory pruning experiment (issue 6; docs/random-prune.md). Importing this
 * module registers the 'read-noise' transform and the 'ReshapeTo' and 'MeanOverTime' layers.
 */
export { runRandomPrune, FLIP_THRESHOLDS, DEFAULT_EPOCHS, DEFAULT_BATCH } from './run.js';
export type { RandomPruneOptions, RandomPruneResult, RandomPruneProgress, TaskResult, ChipResult, MethodResult, Metrics } from './run.js';
export { formatRandomPruneTable, PAPER_REFERENCE } from './format.js';
export { loadRandomChip, programChipTensor, resolveChipOptions, weightTensors, PRUNED_READS } from './chip.js';
export type { RandomChip, RandomChipOptions, ChipTensor, PrunedRead, ResolvedChipOptions } from './chip.js';
export { ReadNoiseTransform, addReadNoise, type ReadNoiseOptions } from './read-noise.js';
export { ReshapeTo, MeanOverTime } from './layers.js';
export { buildNetwork, fashionLayers, spokenLayers, vesselLayers, readoutLayer, ACTIVATION_BITS, INPUT_SHAPES, RANDOM_PRUNE_TASKS, type RandomPruneTask, type NetworkOptions } from './networks.js';
export { rocAuc, prAuc } from './auc.js';
export { programWriteVerify, type ProgrammedTensor } from './write-verify.js';
export {
  inferenceEnergy, defaultProgrammingAssumptions, formingCost, pulseCost, writeVerifyCost, addCosts,
  type AnalogTensor, type InferenceEnergy, type InferenceEnergyOptions, type ProgrammingAssumptions, type ProgrammingCost,
} from './energy.js';
