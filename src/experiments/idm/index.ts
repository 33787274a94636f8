/** The IDM experiment (issue 4; docs/idm.md): idm against the conventional scheme, by network depth. */
export {
  runIdmExperiment, resolveIdmOptions, idmHardware, IDM_DEFAULTS, IDM_SCHEMES, RNN_PROBLEM,
  type IdmOptions, type IdmResult, type IdmRow, type IdmModelRecord, type IdmProgress, type IdmSchemeId, type ResolvedIdmOptions,
} from './run.js';
export { buildCnn, buildRnn, describeCnn, describeRnn, IDM_FAMILIES, type IdmFamily, type CnnOptions, type RnnOptions } from './networks.js';
export { energyParts, energyShares, ENERGY_PARTS, PART_LABELS, type EnergyPart, type EnergyParts, type Conversions } from './breakdown.js';
export { prePad, spread } from './sequences.js';
export { formatIdmTable, formatIdmBreakdown, formatIdmReport, explainIdm, PAPER_CLAIM } from './format.js';
export { ratioChartSpec, idmHtml, writeIdmOutputs } from './output.js';
