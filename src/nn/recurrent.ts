/**
 * Recurrent networks: the SimpleRNN, LSTM and GRU layers (registered with the layer registry on
 * import), their orthogonal initialiser, and the sequence classifier built from them.
 */
export * from './recurrent-cells.js';
export { orthogonal } from './recurrent-init.js';
export * from './recurrent-classifier.js';
