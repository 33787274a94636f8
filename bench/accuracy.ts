/**
 * Trains a zoo model on a dataset and prints per-epoch lines and the final test accuracy.
 *
 *   XBARNET_DATA_DIR=/path/to/data npx tsx bench/accuracy.ts --model lenet5 --dataset mnist \
 *     --epochs 12 --batch 64 --opt adam --lr 0.002 --schedule cosine --seed 1 [--backend wasm]
 *     [--train-limit N] [--test-limit N] [--widths 32,64,128] [--hidden 128] [--augment] [--save DIR]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { type DatasetName, loadDataset } from '../src/data/index.js';
import { initEngine } from '../src/engine/index.js';
import { buildModel, evaluate, fit, saveModel } from '../src/nn/index.js';

const { values: a } = parseArgs({
  options: {
    model: { type: 'string', default: 'lenet5' },
    dataset: { type: 'string', default: 'mnist' },
    epochs: { type: 'string', default: '10' },
    batch: { type: 'string', default: '64' },
    opt: { type: 'string', default: 'adam' },
    lr: { type: 'string', default: '0.001' },
    momentum: { type: 'string', default: '0.9' },
    'weight-decay': { type: 'string', default: '0' },
    schedule: { type: 'string', default: 'cosine' },
    warmup: { type: 'string', default: '0' },
    seed: { type: 'string', default: '1' },
    backend: { type: 'string', default: 'wasm' },
    'train-limit': { type: 'string' },
    'test-limit': { type: 'string' },
    widths: { type: 'string' },
    hidden: { type: 'string' },
    dropout: { type: 'string' },
    augment: { type: 'boolean', default: false },
    save: { type: 'string' },
  },
});

const list = (s: string | undefined) => (s === undefined ? undefined : s.split(',').map(Number));
const backend = a.backend === 'cpu' ? 'cpu' : 'wasm';
await initEngine(backend);
const limit = {
  ...(a['train-limit'] ? { train: Number(a['train-limit']) } : {}),
  ...(a['test-limit'] ? { test: Number(a['test-limit']) } : {}),
};
const data = await loadDataset(a.dataset as DatasetName, { limit });
const seed = Number(a.seed);
const model = buildModel(a.model as string, {
  inputShape: data.train.sampleShape,
  numClasses: data.train.numClasses,
  seed,
  widths: list(a.widths),
  hidden: list(a.hidden),
  dropout: a.dropout === undefined ? undefined : Number(a.dropout),
});
const optimizer = {
  type: a.opt as 'sgd' | 'adam',
  lr: Number(a.lr),
  ...(a.opt === 'sgd' ? { momentum: Number(a.momentum), nesterov: Number(a.momentum) > 0 } : {}),
  weightDecay: Number(a['weight-decay']),
};
const schedule = { type: a.schedule as 'constant' | 'cosine', warmupEpochs: Number(a.warmup) };
console.log(model.summary());
console.log(`${a.dataset}: train ${data.train.length}, test ${data.test.length}; backend ${backend}; ${JSON.stringify({ optimizer, schedule, batch: Number(a.batch), epochs: Number(a.epochs), seed })}`);
const history = await fit(model, data.train, {
  epochs: Number(a.epochs),
  batchSize: Number(a.batch),
  optimizer,
  schedule,
  seed,
  validation: data.test,
  progress: true,
  augment: a.augment ? { flipHorizontal: true, cropPadding: 4 } : undefined,
});
const test = await evaluate(model, data.test);
const trainSeconds = history.epochs.reduce((s, e) => s + e.seconds, 0);
console.log(
  `RESULT model=${a.model} dataset=${a.dataset} epochs=${a.epochs} test_accuracy=${(100 * test.accuracy).toFixed(2)}% ` +
    `test_loss=${test.loss.toFixed(4)} n=${test.n} train_seconds=${trainSeconds.toFixed(1)} total_seconds=${history.seconds.toFixed(1)} load_average=${loadavg()[0].toFixed(1)}`,
);
if (a.save) {
  await saveModel(model, a.save, { dataset: a.dataset, epochs: Number(a.epochs), optimizer, schedule, seed, testAccuracy: test.accuracy });
  console.log(`saved ${a.save}`);
}
