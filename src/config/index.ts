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
  HardwareConfigSchema,
  SimulationConfigSchema,
  DeviceConfigSchema,
  DEFAULT_DEVICE,
  MAPPINGS,
  DAC_MODES,
  ADC_RANGES,
  deviceFromConfig,
  hardwareFromConfig,
} from './hardware.js';
export type { HardwareSection, SimulationSection, DeviceSection } from './hardware.js';
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
export { configHash, shortHash, jobHash, shortJobHash, canonicalJson, CONFIG_HASH_VERSION, NON_MODEL_KEYS } from './hash.js';
export { formatIssues, describeIssue, pathString, showValue } from './issues.js';
export { closest, didYouMean, editDistance, quoteList } from './suggest.js';
