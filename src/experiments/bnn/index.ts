/** The BNN experiment (issue 5 part 1; docs/bnn.md): memristive binary networks against an 8-bit conventional deployment. */
export {
  runBnnExperiment, resolveBnnOptions, bnnHardware, conventionalHardware, describeDevices, exactBinaryCellsHardware, idealBnnHardware, deploymentCells, BNN_DEFAULTS,
  type BnnOptions, type ResolvedBnnOptions, type BnnResult, type BnnRow, type BnnCells, type BnnModelRecord, type BnnProgress, type BnnDeploymentKind,
} from './run.js';
export { buildBnnNetwork, describeBnnNetwork, BNN_NETWORKS, NETWORK_DATASET, type BnnNetwork, type BnnVariant, type BnnNetworkOptions } from './networks.js';
export { formatBnnTable, PAPER_CLAIM } from './format.js';
