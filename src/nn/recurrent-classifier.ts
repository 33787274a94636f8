/**
 * Sequence classifier: a stack of recurrent layers (SimpleRNN, LSTM or GRU) reading
 * [time, features] sequences, then a Dense layer giving class logits from the last state.
 */
import { UserError } from '../errors.js';
import { Dense } from './dense.js';
import { Dropout } from './dropout.js';
import type { Layer } from './layer.js';
import { Sequential } from './model.js';
import { GRU, LSTM, SimpleRNN, type SimpleRnnActivation } from './recurrent-cells.js';

export type RecurrentCell = 'rnn' | 'lstm' | 'gru';
export const RECURRENT_CELLS: readonly RecurrentCell[] = ['rnn', 'lstm', 'gru'];

export interface RnnClassifierOptions {
  cell: RecurrentCell;
  /** Hidden units of every recurrent layer. */
  units: number;
  /** Number of stacked recurrent layers. Default 1. */
  layers?: number;
  /** [time, features]. */
  inputShape: number[];
  numClasses: number;
  seed: number;
  /** Dropout rate on the last state, before the logits layer (training only). Default 0. */
  dropout?: number;
  /**
   * Skip all-zero input rows (zero-padded variable-length series, e.g. UCR/UEA `.ts` files) and
   * carry the state through them; see `recurrent-cells.ts`. Default true.
   */
  maskZeros?: boolean;
  /** SimpleRNN activation (cell 'rnn' only). Default 'tanh'. */
  activation?: SimpleRnnActivation;
  /** Default `${cell}-classifier`. */
  name?: string;
}

export interface RnnStackOptions {
  cell: RecurrentCell;
  /** Hidden units of each stacked recurrent layer, first to last, e.g. [64] or [64, 32]. */
  units: number[];
  /** Dropout rate on the last state, before the logits layer. Default 0. */
  dropout?: number;
  /** Default true (see RnnClassifierOptions). */
  maskZeros?: boolean;
  activation?: SimpleRnnActivation;
  numClasses: number;
}

/**
 * The classifier's layers, unbuilt (for the model zoo): `rnn1..rnnN` (all but the last return
 * sequences), then `dropout` if the rate is above 0, then `logits` (Dense, numClasses units).
 */
export function rnnClassifierLayers(opts: RnnStackOptions): Layer[] {
  const { cell, units } = opts;
  const dropout = opts.dropout ?? 0;
  const maskZeros = opts.maskZeros ?? true;
  if (!RECURRENT_CELLS.includes(cell)) {
    throw new UserError(`unknown recurrent cell ${JSON.stringify(cell)}`, `use one of ${RECURRENT_CELLS.join(', ')}`);
  }
  if (!Array.isArray(units) || units.length === 0) {
    throw new UserError(`rnn classifier: needs at least one recurrent layer, got units ${JSON.stringify(units)}`, 'e.g. units: [64]');
  }
  if (opts.activation !== undefined && cell !== 'rnn') {
    throw new UserError(`rnn classifier: 'activation' applies to cell 'rnn' only, not '${cell}'`, 'remove activation');
  }
  const layers: Layer[] = units.map((u, k) => {
    const common = { units: u, returnSequences: k < units.length - 1, maskZeros };
    const name = `rnn${k + 1}`;
    if (cell === 'lstm') return new LSTM(name, common);
    if (cell === 'gru') return new GRU(name, common);
    return new SimpleRNN(name, { ...common, activation: opts.activation ?? 'tanh' });
  });
  if (dropout > 0) layers.push(new Dropout('dropout', { rate: dropout }));
  // Glorot for the logits layer: it feeds a softmax, not a ReLU.
  layers.push(new Dense('logits', { units: opts.numClasses, init: 'glorot' }));
  return layers;
}

/** A recurrent stack of `layers` layers of `units` units each, then Dense logits (see `rnnClassifierLayers`). */
export function buildRnnClassifier(opts: RnnClassifierOptions): Sequential {
  const { cell, units, inputShape, numClasses, seed } = opts;
  const depth = opts.layers ?? 1;
  if (!Number.isInteger(depth) || depth < 1) {
    throw new UserError(`rnn classifier: 'layers' must be an integer >= 1, got ${depth}`, 'e.g. layers: 1');
  }
  if (inputShape.length !== 2) {
    throw new UserError(
      `rnn classifier needs input [time, features], got ${JSON.stringify(inputShape)}`,
      'use a sequence dataset (sample shape [time, features])',
    );
  }
  const layers = rnnClassifierLayers({
    cell,
    units: new Array<number>(depth).fill(units),
    dropout: opts.dropout,
    maskZeros: opts.maskZeros,
    activation: opts.activation,
    numClasses,
  });
  try {
    return new Sequential({ name: opts.name ?? `${cell}-classifier`, inputShape, layers, seed, numClasses });
  } catch (err) {
    for (const l of layers) l.dispose();
    throw err;
  }
}
