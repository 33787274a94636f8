/** The hypernetwork experiment (issue 7; docs/hypernet-experiment.md): DARTS_V1, DARTS_V2, PDARTS deployed alone and as one all-inclusive hypernetwork. */
export { runHypernetExperiment, DEPLOYMENT_NOTE, type HypernetResult, type HypernetRow, type HypernetRatios } from './run.js';
export {
  resolveHypernetOptions, hypernetHardware, HYPERNET_DEFAULTS,
  type HypernetOptions, type ResolvedHypernetOptions, type HypernetProgress,
} from './options.js';
export { trainPair, buildNetwork, attachQuantizers, trainingKey, datasetDigest, type TrainedPair } from './train.js';
export { buildHypernetwork, hypernetworkFor, deployAndMeasure, measureDeployment, type DeploymentFigures } from './deploy.js';
export { formatHypernetTable, PAPER_REFERENCE } from './format.js';
