/**
 * Training and evaluation of a `Sequential` on a `Dataset`: seeded shuffling, mini-batches from the
 * flat arrays, softmax cross-entropy (per pixel for segmentation), gradients by `tf.variableGrads`
 * over the model's trainable parameters (transform-owned ones included, frozen ones excluded).
 */
import { tf, tidyData } from '../engine/index.js';
import { Rng } from '../engine/rng.js';
import { type Dataset, sampleSize } from '../data/dataset.js';
import { UserError } from '../errors.js';
import { type AugmentOptions, gatherBatch } from './batches.js';
import type { ForwardContext } from './layer.js';
import { correctCount, softmaxCrossEntropy } from './loss.js';
import type { Sequential } from './model.js';
import { type OptimizerOptions, createOptimizer } from './optim.js';
import { createProgress } from './progress.js';
import { type ScheduleOptions, makeSchedule } from './schedule.js';

export interface EpochLog {
  /** 1-based. */
  epoch: number;
  /** Mean training loss over the epoch's samples (weights as they were at each step). */
  loss: number;
  /** Training accuracy over the epoch (per pixel for segmentation). */
  accuracy: number;
  /** Learning rate at the epoch's last step. */
  lr: number;
  seconds: number;
  valLoss?: number;
  valAccuracy?: number;
}

export interface History {
  epochs: EpochLog[];
  seconds: number;
}

export interface FitOptions {
  epochs: number;
  batchSize: number;
  optimizer: OptimizerOptions;
  schedule?: ScheduleOptions;
  seed: number;
  validation?: Dataset;
  /** Default true: a bar on a terminal, one line per epoch otherwise; false: silent. */
  progress?: boolean;
  onEpochEnd?: (log: EpochLog) => void;
  /** Image augmentation for classification datasets (random flip, random shifted crop). */
  augment?: AugmentOptions;
}

export interface EvalResult {
  accuracy: number;
  loss: number;
  /** Number of samples. */
  n: number;
}

function same(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Throws a UserError unless `ds` fits `model` (sample shape, label shape, classes). */
export function checkDataset(model: Sequential, ds: Dataset): void {
  if (!same(ds.sampleShape, model.inputShape)) {
    throw new UserError(
      `dataset '${ds.name}' has samples of shape ${JSON.stringify(ds.sampleShape)} but model '${model.name}' expects input shape ${JSON.stringify(model.inputShape)}`,
      'build the model with the dataset\'s sample shape as inputShape, or pick the dataset the model was made for',
    );
  }
  const expectedLabels = model.task === 'segmentation' ? model.outputShape.slice(0, -1) : [];
  if (!same(ds.labelShape, expectedLabels)) {
    throw new UserError(
      `dataset '${ds.name}' has labels of shape ${JSON.stringify(ds.labelShape)} but model '${model.name}' (${model.task}) produces labels of shape ${JSON.stringify(expectedLabels)}`,
      model.task === 'segmentation' ? 'use a segmentation dataset whose masks match the model output' : 'use a classification dataset (one label per sample)',
    );
  }
  if (ds.numClasses !== model.numClasses) {
    throw new UserError(
      `dataset '${ds.name}' has ${ds.numClasses} classes but model '${model.name}' outputs ${model.numClasses}`,
      'build the model with numClasses equal to the dataset\'s',
    );
  }
  if (ds.x.length !== ds.length * sampleSize(ds.sampleShape) || ds.y.length !== ds.length * sampleSize(ds.labelShape)) {
    throw new UserError(`dataset '${ds.name}' arrays do not match its length ${ds.length}`, 'the dataset is corrupt; reload it');
  }
  for (let i = 0; i < ds.y.length; i++) {
    const v = ds.y[i];
    if (v < 0 || v >= ds.numClasses) {
      throw new UserError(`dataset '${ds.name}' has label ${v} at position ${i}, outside 0..${ds.numClasses - 1}`, 'check the dataset labels and numClasses');
    }
  }
}

function checkInt(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) throw new UserError(`${name} must be a whole number >= 1, got ${v}`, `set ${name}, e.g. ${name === 'epochs' ? 10 : 64}`);
}

function batchTensors(model: Sequential, ds: Dataset, x: Float32Array, y: Int32Array, n: number): { xt: tf.Tensor; yt: tf.Tensor } {
  return { xt: tf.tensor(x, [n, ...model.inputShape], 'float32'), yt: tf.tensor(y, [n, ...ds.labelShape], 'int32') };
}

/** Trains `model` in place and returns the per-epoch log. */
export async function fit(model: Sequential, train: Dataset, opts: FitOptions): Promise<History> {
  checkInt('epochs', opts.epochs);
  checkInt('batchSize', opts.batchSize);
  if (!Number.isFinite(opts.seed)) throw new UserError(`seed must be a number, got ${opts.seed}`, 'e.g. seed: 1');
  checkDataset(model, train);
  if (opts.validation) checkDataset(model, opts.validation);
  if (train.length === 0) throw new UserError(`dataset '${train.name}' is empty`, 'train on a dataset with samples');
  if (opts.augment && (train.sampleShape.length !== 3 || model.task !== 'classification')) {
    throw new UserError('augment applies to image classification only', 'remove augment, or train on [height, width, channels] images with one label each');
  }

  const params = model.trainableParams();
  if (params.length === 0) throw new UserError(`model '${model.name}' has no trainable parameters`, 'unfreeze some parameters');
  // tf.variableGrads skips variables whose own flag is off: make it follow the Param's.
  for (const p of model.params()) p.variable.trainable = p.trainable;
  const vars = params.map((p) => p.variable);

  const batches = Math.ceil(train.length / opts.batchSize);
  const optimizer = createOptimizer(opts.optimizer);
  const lrAt = makeSchedule(opts.optimizer.lr, opts.epochs, opts.schedule, batches);
  const progress = createProgress(opts.progress ?? true);
  const root = new Rng(opts.seed).fork('fit');
  const history: History = { epochs: [], seconds: 0 };
  const t0 = performance.now();

  try {
    for (let epoch = 0; epoch < opts.epochs; epoch++) {
      const te = performance.now();
      const order = root.fork('shuffle', epoch).permutation(train.length);
      const augRng = root.fork('augment', epoch);
      const ctx: ForwardContext = { training: true, rng: root.fork('forward', epoch) };
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      let positions = 0;
      let lr = opts.optimizer.lr;
      progress.startEpoch(epoch + 1, opts.epochs, batches);
      for (let b = 0; b < batches; b++) {
        const start = b * opts.batchSize;
        const end = Math.min(train.length, start + opts.batchSize);
        const batch = gatherBatch(train, order, start, end, opts.augment, augRng);
        const { xt, yt } = batchTensors(model, train, batch.x, batch.y, batch.n);
        lr = lrAt(epoch + b / batches);
        let correctT: tf.Scalar | undefined;
        const { value, grads } = tf.variableGrads(() => {
          const logits = model.forward(xt, ctx);
          correctT = tf.keep(correctCount(logits, yt));
          return softmaxCrossEntropy(logits, yt);
        }, vars);
        const loss = (await value.data())[0];
        const c = (await (correctT as tf.Scalar).data())[0];
        value.dispose();
        correctT?.dispose();
        xt.dispose();
        yt.dispose();
        if (!Number.isFinite(loss)) {
          tf.dispose(grads);
          throw new UserError(
            `training diverged: loss is ${loss} at epoch ${epoch + 1}, batch ${b + 1}`,
            `lower the learning rate (now ${lr.toPrecision(3)}) or add warm-up`,
          );
        }
        optimizer.step(params, vars.map((v) => grads[v.name] ?? null), lr);
        tf.dispose(grads);
        lossSum += loss * batch.n;
        seen += batch.n;
        correct += c;
        positions += batch.y.length;
        progress.update(b + 1, lossSum / seen, correct / positions);
      }
      const log: EpochLog = {
        epoch: epoch + 1,
        loss: lossSum / seen,
        accuracy: correct / positions,
        lr,
        seconds: (performance.now() - te) / 1000,
      };
      if (opts.validation) {
        const v = await evaluate(model, opts.validation);
        log.valLoss = v.loss;
        log.valAccuracy = v.accuracy;
      }
      progress.endEpoch({ ...log, epochs: opts.epochs });
      history.epochs.push(log);
      opts.onEpochEnd?.(log);
    }
  } finally {
    optimizer.dispose();
  }
  history.seconds = (performance.now() - t0) / 1000;
  return history;
}

/** Loss and accuracy (per pixel for segmentation) in inference mode. */
export async function evaluate(model: Sequential, ds: Dataset, opts: { batchSize?: number } = {}): Promise<EvalResult> {
  const batchSize = opts.batchSize ?? 256;
  checkInt('batchSize', batchSize);
  checkDataset(model, ds);
  const ctx: ForwardContext = { training: false, rng: new Rng(0) };
  const xs = sampleSize(ds.sampleShape);
  const ys = sampleSize(ds.labelShape);
  let lossSum = 0;
  let correct = 0;
  let positions = 0;
  for (let start = 0; start < ds.length; start += batchSize) {
    const end = Math.min(ds.length, start + batchSize);
    const n = end - start;
    const { xt, yt } = batchTensors(model, ds, ds.x.subarray(start * xs, end * xs), ds.y.subarray(start * ys, end * ys), n);
    const [l, c] = tf.tidy(() => {
      const logits = model.forward(xt, ctx);
      return [softmaxCrossEntropy(logits, yt), correctCount(logits, yt)];
    });
    lossSum += (await l.data())[0] * n;
    correct += (await c.data())[0];
    positions += n * ys;
    tf.dispose([l, c, xt, yt]);
  }
  return { accuracy: positions > 0 ? correct / positions : 0, loss: ds.length > 0 ? lossSum / ds.length : 0, n: ds.length };
}

/**
 * Arg-max classes in inference mode: one per sample, or one per pixel (flattened) for segmentation.
 * `x` is a batch tensor [N, ...inputShape] or a dataset.
 */
export function predictClasses(model: Sequential, x: tf.Tensor | Dataset, opts: { batchSize?: number } = {}): Int32Array {
  const batchSize = opts.batchSize ?? 256;
  const perSample = model.task === 'segmentation' ? sampleSize(model.outputShape.slice(0, -1)) : 1;
  if (x instanceof tf.Tensor) {
    if (!same(x.shape.slice(1), model.inputShape)) {
      throw new UserError(
        `input batch has shape ${JSON.stringify(x.shape)} but model '${model.name}' expects [N, ${model.inputShape.join(', ')}]`,
        'reshape the input to the model\'s input shape',
      );
    }
    return tidyData(() => {
      const logits = model.predict(x);
      return tf.argMax(logits.reshape([-1, logits.shape[logits.rank - 1]]), 1);
    }) as Int32Array;
  }
  if (!same(x.sampleShape, model.inputShape)) {
    throw new UserError(
      `dataset '${x.name}' has samples of shape ${JSON.stringify(x.sampleShape)} but model '${model.name}' expects input shape ${JSON.stringify(model.inputShape)}`,
      'use a dataset matching the model',
    );
  }
  const xs = sampleSize(x.sampleShape);
  const out = new Int32Array(x.length * perSample);
  for (let start = 0; start < x.length; start += batchSize) {
    const end = Math.min(x.length, start + batchSize);
    const classes = tidyData(() => {
      const xt = tf.tensor(x.x.subarray(start * xs, end * xs), [end - start, ...model.inputShape], 'float32');
      const logits = model.predict(xt);
      return tf.argMax(logits.reshape([-1, logits.shape[logits.rank - 1]]), 1);
    });
    out.set(classes, start * perSample);
  }
  return out;
}
