/** Helpers shared by the experiments: option resolution and checks, data subsets, summary statistics and text tables. */
export { dataEnv, loadLimited, takeSplits, type Env, type SampleCounts } from './data.js';
export {
  AT_LEAST, FROM_MIN, checkDistinct, checkInt, checkInts, checkList, checkPositive, withDefaults,
  type CrossbarOptions, type DataSourceOptions, type IntCheck, type IntWording, type ListRule, type Resolved, type TrainingOptions,
} from './options.js';
export type { TrainedModelRecord } from './records.js';
export { meanStd, type MeanStd } from './stats.js';
export { count, pct, pctMeanStd, si, textTable } from './table.js';
