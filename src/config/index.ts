export {
  JobConfigSchema,
  DatasetConfigSchema,
  ModelConfigSchema,
  TrainingConfigSchema,
  ScheduleConfigSchema,
  OPTIMIZERS,
  SCHEDULE_TYPES,
  BACKENDS,
} from './schema.js';
export type { JobConfig, JobConfigInput, ScheduleConfig } from './schema.js';
export {
  DEFAULT_CONFIG_INPUT,
  defaultConfig,
  validateConfig,
  parseConfigText,
  readConfigFile,
  loadConfigFile,
  applyOverrides,
  resolveConfig,
} from './load.js';
export type { ConfigFormat, ConfigOverride } from './load.js';
export { configHash, shortHash, canonicalJson, CONFIG_HASH_VERSION } from './hash.js';
export { formatIssues, describeIssue, pathString, showValue } from './issues.js';
export { closest, didYouMean, editDistance, quoteList } from './suggest.js';
