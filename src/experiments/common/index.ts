/** Helpers shared by the experiments: summary statistics and text tables. */
export { meanStd, type MeanStd } from './stats.js';
export { textTable, si } from './table.js';
