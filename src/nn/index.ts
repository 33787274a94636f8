/** Neural-network layers, models, training, and model files. */
export * from './layer.js';
export * from './model.js';
export * from './registry.js';
export * from './layers.js';
export * from './recurrent.js';
export * from './darts/index.js';
export { buildModel, modelNames, modelDescription, type ModelOptions, type ModelEntry } from './models.js';
export { fit, evaluate, predictClasses, checkDataset, type FitOptions, type EpochLog, type History, type EvalResult } from './train.js';
export { type OptimizerOptions, type Optimizer, createOptimizer } from './optim.js';
export { type ScheduleOptions, makeSchedule } from './schedule.js';
export { type AugmentOptions } from './batches.js';
export { softmaxCrossEntropy, correctCount } from './loss.js';
export { saveModel, loadModel, readModelFile, modelParamTable, MODEL_FORMAT, MODEL_FORMAT_VERSION, type ModelFile, type WeightEntry } from './io.js';
