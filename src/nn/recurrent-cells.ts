/**
 * Recurrent layers: SimpleRNN (Elman), LSTM and GRU, unrolled over time with tf ops so that
 * autodiff does backpropagation through time.
 *
 * Input [batch, time, features]; output the last hidden state [batch, units], or the whole
 * sequence [batch, time, units] with `returnSequences`.
 *
 * Parameters (Keras layout, so weights convert one to one):
 *   kernel          [features, gates*units]  input weights, gate blocks side by side
 *   recurrentKernel [units, gates*units]     recurrent weights, same gate order
 *   bias            [gates*units]            (absent with useBias: false)
 * Gate order: SimpleRNN one block; LSTM i, f, c, o (input, forget, cell candidate, output);
 * GRU z, r, h (update, reset, candidate), with the reset gate applied BEFORE the recurrent matmul
 * (Keras `reset_after=false`, the original Cho et al. 2014 form), so one bias vector suffices.
 *
 * Equations (x_t input row, h_{t-1} previous state, W = kernel, U = recurrentKernel, b = bias,
 * the subscript naming the gate block, sigma the logistic sigmoid):
 *   SimpleRNN: h_t = act(x_t W + h_{t-1} U + b), act = tanh or relu
 *   LSTM:      i = sigma(x W_i + h U_i + b_i), f = sigma(x W_f + h U_f + b_f),
 *              g = tanh(x W_c + h U_c + b_c),  o = sigma(x W_o + h U_o + b_o),
 *              c_t = f c_{t-1} + i g,  h_t = o tanh(c_t)
 *   GRU:       z = sigma(x W_z + h U_z + b_z), r = sigma(x W_r + h U_r + b_r),
 *              n = tanh(x W_h + (r h) U_h + b_h),  h_t = z h_{t-1} + (1 - z) n
 * States start at zero.
 *
 * Weights are read once per forward pass through `this.weight(name, ctx)`, so quantisation,
 * masks and hardware noise act on recurrent weights too, and a noisy chip read stays fixed for
 * the whole sequence, as programmed conductances do. The input projection x_t W + b of every time
 * step is one matmul; only the recurrent part runs in the time loop.
 *
 * Padding (`maskZeros`, default false): a time step whose input row is all zeros is treated as
 * padding. The state (h, and c for LSTM) is carried through it unchanged, so the last state of a
 * sequence zero-padded at the end is its state at its last real step (and zero-padding at the
 * start is skipped too). With `returnSequences`, padded steps output zeros, so a stacked recurrent
 * layer with `maskZeros` sees the same padding. Caveat: a real step whose input is exactly all
 * zeros (e.g. after a ReLU) is skipped as well; leave `maskZeros` off for such inputs.
 */
import { tf } from '../engine/index.js';
import type { Rng } from '../engine/rng.js';
import { UserError } from '../errors.js';
import { Layer, type ForwardContext } from './layer.js';
import { readBool, readChoice, readInt } from './config.js';
import { uniformInit } from './init.js';
import { registerLayer } from './registry.js';
import { orthogonal } from './recurrent-init.js';

export type RecurrentInitializer = 'orthogonal' | 'glorotUniform';
export const RECURRENT_INITIALIZERS: readonly RecurrentInitializer[] = ['orthogonal', 'glorotUniform'];
export type SimpleRnnActivation = 'tanh' | 'relu';
export const SIMPLE_RNN_ACTIVATIONS: readonly SimpleRnnActivation[] = ['tanh', 'relu'];

export interface RecurrentOptions {
  units: number;
  /** Output every step [batch, time, units] instead of the last state [batch, units]. Default false. */
  returnSequences?: boolean;
  /** Treat all-zero input rows as padding and carry the state through them. Default false. */
  maskZeros?: boolean;
  /** Initialiser of `recurrentKernel`. Default 'orthogonal' (as Keras). */
  recurrentInitializer?: RecurrentInitializer;
  /** Default true. */
  useBias?: boolean;
}

export interface SimpleRnnOptions extends RecurrentOptions {
  /** Default 'tanh' (as Keras); 'relu' for ReLU RNNs such as the random-pruning paper's. */
  activation?: SimpleRnnActivation;
}

/** One time step: from the projected input and the previous states to the new states (h first). */
export type StepFn = (xProj: tf.Tensor, states: tf.Tensor[]) => tf.Tensor[];

/**
 * The recurrent product h U[:, from:to] for a block of the recurrent kernel's columns. The layer
 * computes it with a matmul; a crossbar deployment supplies its analog MVM instead, so the gate
 * arithmetic below is shared by the float network and its simulated hardware.
 */
export type RecurrentProduct = (h: tf.Tensor, from: number, to: number) => tf.Tensor;

export abstract class RecurrentLayer extends Layer {
  readonly units: number;
  readonly returnSequences: boolean;
  readonly maskZeros: boolean;
  readonly recurrentInitializer: RecurrentInitializer;
  readonly useBias: boolean;
  /** Number of gate blocks in kernel, recurrentKernel and bias. */
  abstract readonly gates: number;
  /** Number of state tensors (1, or 2 for LSTM's h and c). */
  protected abstract readonly stateCount: number;

  constructor(name: string, opts: RecurrentOptions) {
    super(name);
    // Validated here, so direct construction and `createLayer` (model files, configs) check alike.
    const cfg = opts as unknown as Record<string, unknown>;
    this.units = readInt(name, cfg, 'units');
    this.returnSequences = readBool(name, cfg, 'returnSequences', false);
    this.maskZeros = readBool(name, cfg, 'maskZeros', false);
    this.recurrentInitializer = readChoice(name, cfg, 'recurrentInitializer', RECURRENT_INITIALIZERS, 'orthogonal');
    this.useBias = readBool(name, cfg, 'useBias', true);
  }

  protected doBuild(inputShape: number[], rng: Rng): number[] {
    if (inputShape.length !== 2 || !inputShape.every((d) => Number.isInteger(d) && d > 0)) {
      throw new UserError(
        `${this.type} layer '${this.name}' needs input [time, features], got ${JSON.stringify(inputShape)}`,
        'recurrent layers take sequences shaped [time, features] (batch axis not counted); ' +
          'reshape images or flatten extra axes before a recurrent layer',
      );
    }
    const [time, features] = inputShape;
    const width = this.gates * this.units;
    // Glorot uniform over the whole [features, gates*units] matrix, as Keras.
    this.addParam('kernel', 'weight', uniformInit([features, width], 'glorot', features, width, rng.fork('kernel')));
    const recRng = rng.fork('recurrentKernel');
    const rec =
      this.recurrentInitializer === 'orthogonal'
        ? tf.tensor2d(orthogonal(this.units, width, recRng), [this.units, width])
        : uniformInit([this.units, width], 'glorot', this.units, width, recRng);
    this.addParam('recurrentKernel', 'weight', rec);
    if (this.useBias) this.addParam('bias', 'bias', tf.tensor1d(this.initialBias()));
    return this.returnSequences ? [time, this.units] : [this.units];
  }

  /** Initial bias, [gates*units]; zeros unless a cell says otherwise. */
  protected initialBias(): Float32Array {
    return new Float32Array(this.gates * this.units);
  }

  /** Column blocks of the recurrent kernel that are multiplied by different vectors in one step. */
  recurrentColumnBlocks(): [number, number][] {
    return [[0, this.gates * this.units]];
  }

  /** Number of state tensors (1, or 2 for LSTM's h and c). */
  get states(): number {
    return this.stateCount;
  }

  /** The per-step function, given how to form recurrent products. */
  abstract stepFunction(product: RecurrentProduct): StepFn;

  /** A RecurrentProduct from a kernel tensor, each column block sliced once, outside the time loop. */
  protected matmulProduct(recurrentKernel: tf.Tensor): RecurrentProduct {
    const blocks = new Map<string, tf.Tensor>();
    for (const [a, b] of this.recurrentColumnBlocks()) {
      blocks.set(`${a}:${b}`, a === 0 && b === recurrentKernel.shape[1] ? recurrentKernel : tf.slice(recurrentKernel, [0, a], [-1, b - a]));
    }
    return (h, a, b) => tf.matMul(h, blocks.get(`${a}:${b}`)!);
  }

  forward(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    const features = this.inputShape[1];
    if (x.rank !== 3 || x.shape[2] !== features) {
      throw new UserError(
        `${this.type} layer '${this.name}' expects input [batch, time, ${features}], got ${JSON.stringify(x.shape)}`,
        'check the dataset sample shape matches the model input shape',
      );
    }
    return tf.tidy(() => {
      const [batch, time] = x.shape as [number, number, number];
      const width = this.gates * this.units;
      const kernel = this.weight('kernel', ctx);
      const recurrentKernel = this.weight('recurrentKernel', ctx);
      // Input projection of all steps at once: [batch*time, features] x [features, width].
      let proj: tf.Tensor = tf.matMul(tf.reshape(x, [batch * time, features]), kernel);
      if (this.useBias) proj = tf.add(proj, this.weight('bias', ctx));
      const steps = tf.unstack(tf.reshape(proj, [batch, time, width]), 1);
      return this.unroll(x, steps, this.matmulProduct(recurrentKernel));
    });
  }

  /**
   * The time loop, from the input sequence (for the padding mask), its projected steps
   * (x_t W + b, one [batch, gates*units] tensor per step) and the recurrent products.
   */
  unroll(x: tf.Tensor, steps: tf.Tensor[], product: RecurrentProduct): tf.Tensor {
    return tf.tidy(() => {
      const [batch, time] = x.shape as [number, number, number];
      // keep[t]: [batch, 1], 1 for a real step, 0 for an all-zero (padding) row.
      let keep: tf.Tensor[] | undefined;
      let skip: tf.Tensor[] | undefined;
      if (this.maskZeros) {
        // The mask is data, not a function of parameters: rebuilt from its values so no gradient is
        // asked of `any` when x is a trained layer's output (stacked recurrent layers).
        const flags = tf.cast(tf.any(tf.notEqual(x, 0), 2, true), 'float32');
        const m = tf.tensor(flags.dataSync(), flags.shape);
        keep = tf.unstack(m, 1);
        skip = keep.map((k) => tf.sub(1, k));
      }
      const step = this.stepFunction(product);
      let states: tf.Tensor[] = [];
      for (let s = 0; s < this.stateCount; s++) states.push(tf.zeros([batch, this.units]));
      const outputs: tf.Tensor[] = [];
      for (let t = 0; t < time; t++) {
        const next = step(steps[t], states);
        if (keep && skip) {
          const k = keep[t];
          const sk = skip[t];
          // Exact for a 0/1 mask: a*1 + b*0 = a.
          states = next.map((n, i) => tf.add(tf.mul(n, k), tf.mul(states[i], sk)));
          if (this.returnSequences) outputs.push(tf.mul(next[0], k));
        } else {
          states = next;
          if (this.returnSequences) outputs.push(next[0]);
        }
      }
      return this.returnSequences ? tf.stack(outputs, 1) : states[0];
    });
  }

  config(): Record<string, unknown> {
    return {
      units: this.units,
      returnSequences: this.returnSequences,
      maskZeros: this.maskZeros,
      recurrentInitializer: this.recurrentInitializer,
      useBias: this.useBias,
    };
  }
}

export class SimpleRNN extends RecurrentLayer {
  readonly type = 'SimpleRNN';
  readonly gates = 1;
  protected readonly stateCount = 1;
  readonly activation: SimpleRnnActivation;

  constructor(name: string, opts: SimpleRnnOptions) {
    super(name, opts);
    this.activation = readChoice(name, opts as unknown as Record<string, unknown>, 'activation', SIMPLE_RNN_ACTIVATIONS, 'tanh');
  }

  stepFunction(product: RecurrentProduct): StepFn {
    const act = this.activation === 'relu' ? tf.relu : tf.tanh;
    return (xp, [h]) => [act(tf.add(xp, product(h, 0, this.units)))];
  }

  override config(): Record<string, unknown> {
    return { ...super.config(), activation: this.activation };
  }
}

export class LSTM extends RecurrentLayer {
  readonly type = 'LSTM';
  readonly gates = 4;
  protected readonly stateCount = 2;

  /** Forget-gate bias 1 (Jozefowicz et al., ICML 2015; Keras `unit_forget_bias=True`). */
  protected override initialBias(): Float32Array {
    const b = new Float32Array(4 * this.units);
    b.fill(1, this.units, 2 * this.units);
    return b;
  }

  stepFunction(product: RecurrentProduct): StepFn {
    return (xp, [h, c]) => {
      const z = tf.add(xp, product(h, 0, 4 * this.units));
      const [zi, zf, zc, zo] = tf.split(z, 4, 1);
      const cNext = tf.add(tf.mul(tf.sigmoid(zf), c), tf.mul(tf.sigmoid(zi), tf.tanh(zc)));
      const hNext = tf.mul(tf.sigmoid(zo), tf.tanh(cNext));
      return [hNext, cNext];
    };
  }
}

export class GRU extends RecurrentLayer {
  readonly type = 'GRU';
  readonly gates = 3;
  protected readonly stateCount = 1;

  /** z and r multiply h; the candidate's block multiplies r * h (reset_after = false). */
  override recurrentColumnBlocks(): [number, number][] {
    return [
      [0, 2 * this.units],
      [2 * this.units, 3 * this.units],
    ];
  }

  stepFunction(product: RecurrentProduct): StepFn {
    const n = this.units;
    return (xp, [h]) => {
      const [xZr, xH] = tf.split(xp, [2 * n, n], 1);
      const zr = tf.sigmoid(tf.add(xZr, product(h, 0, 2 * n)));
      const [z, r] = tf.split(zr, 2, 1);
      const cand = tf.tanh(tf.add(xH, product(tf.mul(r, h), 2 * n, 3 * n)));
      // h_t = z h + (1 - z) n, written as n + z (h - n).
      return [tf.add(cand, tf.mul(z, tf.sub(h, cand)))];
    };
  }
}

registerLayer('SimpleRNN', (name, cfg) => new SimpleRNN(name, cfg as unknown as SimpleRnnOptions));
registerLayer('LSTM', (name, cfg) => new LSTM(name, cfg as unknown as RecurrentOptions));
registerLayer('GRU', (name, cfg) => new GRU(name, cfg as unknown as RecurrentOptions));
