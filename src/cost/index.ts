export {
  type BitsTable,
  type ComponentLibrary,
  type DeepPartial,
  defaultComponents,
  mergeComponents,
  validateComponents,
  lookupBits,
  cellArea,
  adcEnergy,
  adcArea,
  adcLatency,
  dacEnergy,
  dacArea,
} from './components.js';
export {
  type AnalogSchedule,
  type AreaBreakdown,
  type CostOptions,
  type CostReport,
  type EnergyBreakdown,
  type StageCost,
  estimateCost,
} from './estimate.js';
export { formatArea, formatCostTable, formatSi } from './format.js';
